/**
 * Which definition of the generated schema is the result of a client request. Most pair by name
 * (`ThreadListParams` → `ThreadListResponse`); these do not (their params are null, or the Rust
 * side names the response differently). Taken from `client_request_definitions!` in
 * codex-rs/app-server-protocol/src/protocol/common.rs. The generator fails when a method has
 * neither a paired nor a listed response, so a new codex version cannot slip through silently.
 */
export const RESPONSE_NAME_OVERRIDES: Readonly<Record<string, string>> = {
  "account/gatewayOAuth/cancel": "GatewayOAuthCancelResponse",
  "config/mcpServer/reload": "McpServerRefreshResponse",
  "windowsSandbox/readiness": "WindowsSandboxReadinessResponse",
  "account/logout": "LogoutAccountResponse",
  "account/securitySetup/read": "GetAccountSecuritySetupResponse",
  "account/workspaceMessages/read": "GetWorkspaceMessagesResponse",
  "externalAgentConfig/import/readHistories": "ExternalAgentConfigImportHistoriesReadResponse",
  "config/value/write": "ConfigWriteResponse",
  "config/batchWrite": "ConfigWriteResponse",
  "configRequirements/read": "ConfigRequirementsReadResponse",
  "modelProvider/default/set": "ModelProviderDefaultSetResponse",
};

/** The result definition name of `method`, given the name of its params definition (if any). */
export function responseNameOf(method: string, paramsName: string | undefined): string | undefined {
  return RESPONSE_NAME_OVERRIDES[method] ?? paramsName?.replace(/Params$/, "Response");
}
