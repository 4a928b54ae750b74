// GENERATED from codex-cli 0.169.0 (protocol/json) by scripts/generateProtocol.ts. DO NOT EDIT:
// run `npm run protocol:generate` instead. Types of every stable client request of the app-server.
/* eslint-disable */

/** The codex version these types were generated from. */
export const STABLE_CLIENT_REQUESTS_CODEX_VERSION = "0.169.0";

/** Every stable client request method of the pinned protocol, in schema order. */
export const STABLE_CLIENT_REQUEST_METHODS = [
  "initialize",
  "thread/start",
  "thread/resume",
  "thread/fork",
  "thread/archive",
  "thread/delete",
  "thread/unsubscribe",
  "thread/name/set",
  "thread/goal/set",
  "thread/goal/get",
  "thread/goal/clear",
  "thread/metadata/update",
  "thread/attachment/add",
  "thread/attachment/list",
  "thread/attachmentOwner/list",
  "thread/attachment/remove",
  "thread/section/move",
  "thread/unarchive",
  "thread/compact/start",
  "thread/shellCommand",
  "thread/approveGuardianDeniedAction",
  "thread/revert",
  "thread/list",
  "threadSection/list",
  "threadSection/create",
  "threadSection/update",
  "threadSection/delete",
  "thread/loaded/list",
  "thread/read",
  "thread/turns/list",
  "thread/items/list",
  "thread/inject_items",
  "skills/list",
  "skills/extraRoots/set",
  "hooks/list",
  "marketplace/add",
  "marketplace/remove",
  "marketplace/upgrade",
  "plugin/list",
  "plugin/installed",
  "plugin/reconcile",
  "plugin/read",
  "plugin/skill/read",
  "plugin/share/save",
  "plugin/share/updateTargets",
  "plugin/share/list",
  "plugin/share/checkout",
  "plugin/share/delete",
  "app/read",
  "app/list",
  "app/installed",
  "fs/readFile",
  "fs/writeFile",
  "fs/createDirectory",
  "fs/getMetadata",
  "fs/readDirectory",
  "fs/remove",
  "fs/copy",
  "fs/watch",
  "fs/unwatch",
  "skills/config/write",
  "plugin/install",
  "plugin/uninstall",
  "turn/start",
  "turn/steer",
  "turn/interrupt",
  "review/start",
  "model/list",
  "account/gatewayOAuth/read",
  "account/gatewayOAuth/login",
  "account/gatewayOAuth/cancel",
  "modelProvider/list",
  "modelProvider/config/write",
  "modelProvider/capabilities/read",
  "experimentalFeature/list",
  "permissionProfile/list",
  "experimentalFeature/enablement/set",
  "mcpServer/oauth/login",
  "config/mcpServer/reload",
  "mcpServerStatus/list",
  "mcpServer/resource/read",
  "mcpServer/tool/call",
  "windowsSandbox/setupStart",
  "windowsSandbox/readiness",
  "account/login/start",
  "account/login/cancel",
  "account/logout",
  "account/securitySetup/read",
  "account/rateLimits/read",
  "account/rateLimitResetCredit/consume",
  "account/usage/read",
  "account/workspaceMessages/read",
  "account/sendAddCreditsNudgeEmail",
  "feedback/upload",
  "feedback/save",
  "command/exec",
  "command/exec/write",
  "command/exec/terminate",
  "command/exec/resize",
  "config/read",
  "externalAgentConfig/detect",
  "externalAgentConfig/import",
  "externalAgentConfig/import/recordHistory",
  "externalAgentConfig/import/readHistories",
  "config/value/write",
  "config/batchWrite",
  "configRequirements/read",
  "account/read",
  "fuzzyFileSearch",
] as const;

/** Params and result type of each stable client request (`params: undefined` when it takes none). */
export interface StableClientRequestTypes {
  "initialize": { params: InitializeParams; result: InitializeResponse };
  "thread/start": { params: ThreadStartParams; result: ThreadStartResponse };
  "thread/resume": { params: ThreadResumeParams; result: ThreadResumeResponse };
  "thread/fork": { params: ThreadForkParams; result: ThreadForkResponse };
  "thread/archive": { params: ThreadArchiveParams; result: ThreadArchiveResponse };
  "thread/delete": { params: ThreadDeleteParams; result: ThreadDeleteResponse };
  "thread/unsubscribe": { params: ThreadUnsubscribeParams; result: ThreadUnsubscribeResponse };
  "thread/name/set": { params: ThreadSetNameParams; result: ThreadSetNameResponse };
  "thread/goal/set": { params: ThreadGoalSetParams; result: ThreadGoalSetResponse };
  "thread/goal/get": { params: ThreadGoalGetParams; result: ThreadGoalGetResponse };
  "thread/goal/clear": { params: ThreadGoalClearParams; result: ThreadGoalClearResponse };
  "thread/metadata/update": { params: ThreadMetadataUpdateParams; result: ThreadMetadataUpdateResponse };
  "thread/attachment/add": { params: ThreadAttachmentAddParams; result: ThreadAttachmentAddResponse };
  "thread/attachment/list": { params: ThreadAttachmentListParams; result: ThreadAttachmentListResponse };
  "thread/attachmentOwner/list": { params: ThreadAttachmentOwnerListParams; result: ThreadAttachmentOwnerListResponse };
  "thread/attachment/remove": { params: ThreadAttachmentRemoveParams; result: ThreadAttachmentRemoveResponse };
  "thread/section/move": { params: ThreadSectionMoveParams; result: ThreadSectionMoveResponse };
  "thread/unarchive": { params: ThreadUnarchiveParams; result: ThreadUnarchiveResponse };
  "thread/compact/start": { params: ThreadCompactStartParams; result: ThreadCompactStartResponse };
  "thread/shellCommand": { params: ThreadShellCommandParams; result: ThreadShellCommandResponse };
  "thread/approveGuardianDeniedAction": { params: ThreadApproveGuardianDeniedActionParams; result: ThreadApproveGuardianDeniedActionResponse };
  "thread/revert": { params: ThreadRevertParams; result: ThreadRevertResponse };
  "thread/list": { params: ThreadListParams; result: ThreadListResponse };
  "threadSection/list": { params: ThreadSectionListParams; result: ThreadSectionListResponse };
  "threadSection/create": { params: ThreadSectionCreateParams; result: ThreadSectionCreateResponse };
  "threadSection/update": { params: ThreadSectionUpdateParams; result: ThreadSectionUpdateResponse };
  "threadSection/delete": { params: ThreadSectionDeleteParams; result: ThreadSectionDeleteResponse };
  "thread/loaded/list": { params: ThreadLoadedListParams; result: ThreadLoadedListResponse };
  "thread/read": { params: ThreadReadParams; result: ThreadReadResponse };
  "thread/turns/list": { params: ThreadTurnsListParams; result: ThreadTurnsListResponse };
  "thread/items/list": { params: ThreadItemsListParams; result: ThreadItemsListResponse };
  "thread/inject_items": { params: ThreadInjectItemsParams; result: ThreadInjectItemsResponse };
  "skills/list": { params: SkillsListParams; result: SkillsListResponse };
  "skills/extraRoots/set": { params: SkillsExtraRootsSetParams; result: SkillsExtraRootsSetResponse };
  "hooks/list": { params: HooksListParams; result: HooksListResponse };
  "marketplace/add": { params: MarketplaceAddParams; result: MarketplaceAddResponse };
  "marketplace/remove": { params: MarketplaceRemoveParams; result: MarketplaceRemoveResponse };
  "marketplace/upgrade": { params: MarketplaceUpgradeParams; result: MarketplaceUpgradeResponse };
  "plugin/list": { params: PluginListParams; result: PluginListResponse };
  "plugin/installed": { params: PluginInstalledParams; result: PluginInstalledResponse };
  "plugin/reconcile": { params: PluginReconcileParams; result: PluginReconcileResponse };
  "plugin/read": { params: PluginReadParams; result: PluginReadResponse };
  "plugin/skill/read": { params: PluginSkillReadParams; result: PluginSkillReadResponse };
  "plugin/share/save": { params: PluginShareSaveParams; result: PluginShareSaveResponse };
  "plugin/share/updateTargets": { params: PluginShareUpdateTargetsParams; result: PluginShareUpdateTargetsResponse };
  "plugin/share/list": { params: PluginShareListParams; result: PluginShareListResponse };
  "plugin/share/checkout": { params: PluginShareCheckoutParams; result: PluginShareCheckoutResponse };
  "plugin/share/delete": { params: PluginShareDeleteParams; result: PluginShareDeleteResponse };
  "app/read": { params: AppsReadParams; result: AppsReadResponse };
  "app/list": { params: AppsListParams; result: AppsListResponse };
  "app/installed": { params: AppsInstalledParams; result: AppsInstalledResponse };
  "fs/readFile": { params: FsReadFileParams; result: FsReadFileResponse };
  "fs/writeFile": { params: FsWriteFileParams; result: FsWriteFileResponse };
  "fs/createDirectory": { params: FsCreateDirectoryParams; result: FsCreateDirectoryResponse };
  "fs/getMetadata": { params: FsGetMetadataParams; result: FsGetMetadataResponse };
  "fs/readDirectory": { params: FsReadDirectoryParams; result: FsReadDirectoryResponse };
  "fs/remove": { params: FsRemoveParams; result: FsRemoveResponse };
  "fs/copy": { params: FsCopyParams; result: FsCopyResponse };
  "fs/watch": { params: FsWatchParams; result: FsWatchResponse };
  "fs/unwatch": { params: FsUnwatchParams; result: FsUnwatchResponse };
  "skills/config/write": { params: SkillsConfigWriteParams; result: SkillsConfigWriteResponse };
  "plugin/install": { params: PluginInstallParams; result: PluginInstallResponse };
  "plugin/uninstall": { params: PluginUninstallParams; result: PluginUninstallResponse };
  "turn/start": { params: TurnStartParams; result: TurnStartResponse };
  "turn/steer": { params: TurnSteerParams; result: TurnSteerResponse };
  "turn/interrupt": { params: TurnInterruptParams; result: TurnInterruptResponse };
  "review/start": { params: ReviewStartParams; result: ReviewStartResponse };
  "model/list": { params: ModelListParams; result: ModelListResponse };
  "account/gatewayOAuth/read": { params: GatewayOAuthReadParams | undefined | null; result: GatewayOAuthReadResponse };
  "account/gatewayOAuth/login": { params: GatewayOAuthLoginParams | undefined | null; result: GatewayOAuthLoginResponse };
  "account/gatewayOAuth/cancel": { params: undefined | null; result: GatewayOAuthCancelResponse };
  "modelProvider/list": { params: ModelProviderListParams; result: ModelProviderListResponse };
  "modelProvider/config/write": { params: ModelProviderConfigWriteParams; result: ModelProviderConfigWriteResponse };
  "modelProvider/capabilities/read": { params: ModelProviderCapabilitiesReadParams; result: ModelProviderCapabilitiesReadResponse };
  "experimentalFeature/list": { params: ExperimentalFeatureListParams; result: ExperimentalFeatureListResponse };
  "permissionProfile/list": { params: PermissionProfileListParams; result: PermissionProfileListResponse };
  "experimentalFeature/enablement/set": { params: ExperimentalFeatureEnablementSetParams; result: ExperimentalFeatureEnablementSetResponse };
  "mcpServer/oauth/login": { params: McpServerOauthLoginParams; result: McpServerOauthLoginResponse };
  "config/mcpServer/reload": { params: undefined | null; result: McpServerRefreshResponse };
  "mcpServerStatus/list": { params: ListMcpServerStatusParams; result: ListMcpServerStatusResponse };
  "mcpServer/resource/read": { params: McpResourceReadParams; result: McpResourceReadResponse };
  "mcpServer/tool/call": { params: McpServerToolCallParams; result: McpServerToolCallResponse };
  "windowsSandbox/setupStart": { params: WindowsSandboxSetupStartParams; result: WindowsSandboxSetupStartResponse };
  "windowsSandbox/readiness": { params: undefined | null; result: WindowsSandboxReadinessResponse };
  "account/login/start": { params: LoginAccountParams; result: LoginAccountResponse };
  "account/login/cancel": { params: CancelLoginAccountParams; result: CancelLoginAccountResponse };
  "account/logout": { params: undefined | null; result: LogoutAccountResponse };
  "account/securitySetup/read": { params: undefined | null; result: GetAccountSecuritySetupResponse };
  "account/rateLimits/read": { params: GetAccountRateLimitsParams | undefined | null; result: GetAccountRateLimitsResponse };
  "account/rateLimitResetCredit/consume": { params: ConsumeAccountRateLimitResetCreditParams; result: ConsumeAccountRateLimitResetCreditResponse };
  "account/usage/read": { params: GetAccountTokenUsageParams | undefined | null; result: GetAccountTokenUsageResponse };
  "account/workspaceMessages/read": { params: undefined | null; result: GetWorkspaceMessagesResponse };
  "account/sendAddCreditsNudgeEmail": { params: SendAddCreditsNudgeEmailParams; result: SendAddCreditsNudgeEmailResponse };
  "feedback/upload": { params: FeedbackUploadParams; result: FeedbackUploadResponse };
  "feedback/save": { params: FeedbackSaveParams; result: FeedbackSaveResponse };
  "command/exec": { params: CommandExecParams; result: CommandExecResponse };
  "command/exec/write": { params: CommandExecWriteParams; result: CommandExecWriteResponse };
  "command/exec/terminate": { params: CommandExecTerminateParams; result: CommandExecTerminateResponse };
  "command/exec/resize": { params: CommandExecResizeParams; result: CommandExecResizeResponse };
  "config/read": { params: ConfigReadParams; result: ConfigReadResponse };
  "externalAgentConfig/detect": { params: ExternalAgentConfigDetectParams; result: ExternalAgentConfigDetectResponse };
  "externalAgentConfig/import": { params: ExternalAgentConfigImportParams; result: ExternalAgentConfigImportResponse };
  "externalAgentConfig/import/recordHistory": { params: ExternalAgentConfigImportHistoryRecordParams; result: ExternalAgentConfigImportHistoryRecordResponse };
  "externalAgentConfig/import/readHistories": { params: undefined | null; result: ExternalAgentConfigImportHistoriesReadResponse };
  "config/value/write": { params: ConfigValueWriteParams; result: ConfigWriteResponse };
  "config/batchWrite": { params: ConfigBatchWriteParams; result: ConfigWriteResponse };
  "configRequirements/read": { params: undefined | null; result: ConfigRequirementsReadResponse };
  "account/read": { params: GetAccountParams; result: GetAccountResponse };
  "fuzzyFileSearch": { params: FuzzyFileSearchParams; result: FuzzyFileSearchResponse };
}

/**
 * A path that is guaranteed to be absolute and normalized (though it is not guaranteed to be canonicalized or exist on the filesystem).
 *
 * IMPORTANT: When deserializing an `AbsolutePathBuf`, a base path must be set using [AbsolutePathBufGuard::new]. If no base path is set, the deserialization will fail unless the path being deserialized is already absolute.
 */
export type AbsolutePathBuf = string;
export type Account = {
  type: "apiKey";
} | {
  email: string | null;
  planType: PlanType;
  type: "chatgpt";
  /** Display name of the selected ChatGPT workspace, when available. */
  workspaceName?: string | null;
} | {
  type: "amazonBedrock";
  usesCodexManagedCredentials?: boolean;
} | {
  type: "gcp";
};
export type AccountSecuritySetupAction = {
  label: string;
  url: string;
};
export type AccountSecuritySetupNotice = {
  accountId: string;
  action: AccountSecuritySetupAction;
  description: string;
  title: string;
  userId: string;
};
export type AccountTokenUsageDailyBucket = {
  startDate: string;
  tokens: number;
};
export type AccountTokenUsageSummary = {
  currentStreakDays?: number | null;
  lifetimeTokens?: number | null;
  longestRunningTurnSec?: number | null;
  longestStreakDays?: number | null;
  peakDailyTokens?: number | null;
};
export type AddCreditsNudgeCreditType = "credits" | "usage_limit";
export type AddCreditsNudgeEmailStatus = "sent" | "cooldown_active";
export type AgentMessageDelivery = "async";
/** A presentation instruction for Chat to apply to this answer when recovering history. */
export type AgentMessageDisplay = {
  /** Unknown actions must be left for the producing client to handle. */
  action: string;
  blockType?: string | null;
  checkTrustedContacts?: boolean | null;
  cyberTrustedAccess?: boolean | null;
};
export type AgentMessageModeration = {
  display?: AgentMessageDisplay | null;
  moderated: boolean;
};
export type AgentPath = string;
export type AllowDenyRequirement = "allow" | "deny";
export type AnalyticsConfig = {
  enabled?: boolean | null;
};
/** EXPERIMENTAL - app metadata returned by app-list APIs. */
export type AppBranding = {
  category?: string | null;
  developer?: string | null;
  isDiscoverableApp: boolean;
  privacyPolicy?: string | null;
  termsOfService?: string | null;
  website?: string | null;
};
/** EXPERIMENTAL - app metadata returned by app-list APIs. */
export type AppInfo = {
  appMetadata?: AppMetadata | null;
  branding?: AppBranding | null;
  description?: string | null;
  distributionChannel?: string | null;
  iconAssets?: {
    [key: string]: string;
  } | null;
  iconDarkAssets?: {
    [key: string]: string;
  } | null;
  id: string;
  installUrl?: string | null;
  isAccessible?: boolean;
  /** Whether this app is enabled in config.toml. Example: ```toml [apps.bad_app] enabled = false ``` */
  isEnabled?: boolean;
  labels?: {
    [key: string]: string;
  } | null;
  logoUrl?: string | null;
  logoUrlDark?: string | null;
  name: string;
  pluginDisplayNames?: string[];
};
export type AppMetadata = {
  categories?: string[] | null;
  developer?: string | null;
  firstPartyRequiresInstall?: boolean | null;
  review?: AppReview | null;
  screenshots?: AppScreenshot[] | null;
  seoDescription?: string | null;
  showInComposerWhenUnlinked?: boolean | null;
  subCategories?: string[] | null;
  version?: string | null;
  versionId?: string | null;
  versionNotes?: string | null;
};
export type AppReview = {
  status: string;
};
/** Configures who approval requests are routed to for review. Examples include sandbox escapes, blocked network access, MCP approval prompts, and ARC escalations. Defaults to `user`. `auto_review` uses a carefully prompted subagent to gather relevant context and apply a risk-based decision framework before approving or denying the request. The legacy value `guardian_subagent` is accepted for compatibility. */
export type ApprovalsReviewer = "user" | "auto_review" | "guardian_subagent";
export type AppScreenshot = {
  fileId?: string | null;
  url?: string | null;
  userPrompt: string;
};
/** Read the committed installed connector runtime snapshot. */
export type AppsInstalledParams = {
  /** When true and Apps are permitted, refresh and publish the hosted connector runtime tool snapshot first. */
  forceRefresh?: boolean;
  /** Optional loaded thread id used to evaluate effective app configuration. */
  threadId?: string | null;
};
/** The installed connectors in one committed runtime snapshot. */
export type AppsInstalledResponse = {
  apps: InstalledApp[];
};
/** EXPERIMENTAL - list available apps/connectors. */
export type AppsListParams = {
  /** Opaque pagination cursor returned by a previous call. */
  cursor?: string | null;
  /** When true, bypass app caches and fetch the latest data from sources. */
  forceRefetch?: boolean;
  /** Optional page size; defaults to a reasonable server-side value. */
  limit?: number | null;
  /** Optional thread id used to evaluate app feature gating from that thread's config. */
  threadId?: string | null;
};
/** EXPERIMENTAL - app list response. */
export type AppsListResponse = {
  data: AppInfo[];
  /** Opaque cursor to pass to the next call to continue after the last item. If None, there are no more items to return. */
  nextCursor?: string | null;
};
/** EXPERIMENTAL - read metadata for specific apps/connectors. */
export type AppsReadParams = {
  /** App ids to read. The server accepts at most 100 ids and deduplicates repeated ids while preserving their first-request order. */
  appIds: string[];
  /** When true, include display-only public tool summaries in the returned metadata. */
  includeTools?: boolean;
  /** Optional loaded thread id used to evaluate effective app configuration. */
  threadId?: string | null;
};
/** EXPERIMENTAL - app/read response. */
export type AppsReadResponse = {
  apps: ConnectorMetadata[];
  missingAppIds: string[];
};
/** EXPERIMENTAL - app metadata summary for plugin responses. */
export type AppSummary = {
  category?: string | null;
  description?: string | null;
  id: string;
  installUrl?: string | null;
  name: string;
};
export type AppTemplateSummary = {
  canonicalConnectorId?: string | null;
  category?: string | null;
  description?: string | null;
  logoUrl?: string | null;
  logoUrlDark?: string | null;
  materializedAppIds: string[];
  name: string;
  reason?: AppTemplateUnavailableReason | null;
  templateId: string;
};
export type AppTemplateUnavailableReason = "NOT_CONFIGURED_FOR_WORKSPACE" | "NO_ACTIVE_WORKSPACE";
/** EXPERIMENTAL - metadata returned by app/read. */
export type AppToolSummary = {
  description: string;
  disabledReason?: string | null;
  isEnabled?: boolean;
  isReadOnly?: boolean;
  name: string;
  title?: string | null;
};
export type AskForApproval = "untrusted" | "on-request" | "never" | {
  granular: {
    mcp_elicitations: boolean;
    request_permissions?: boolean;
    rules: boolean;
    sandbox_approval: boolean;
    skill_approval?: boolean;
  };
};
export type AsyncUserInputQuestion = {
  options?: string[] | null;
  title: string;
};
/** Selects which part of the active context is charged against `model_auto_compact_token_limit`. */
export type AutoCompactTokenLimitScope = "total" | "body_after_prefix";
export type AutoReviewRequirements = {
  ignoreRules?: string[] | null;
  requiredOnModels?: string[] | null;
};
export type BedrockProviderId = "amazon-bedrock" | "amazon-bedrock-runtime";
export type BrowserUseAccessApprovalLifetime = "turn" | "thread";
export type BrowserUseConfig = {
  allow_history_access?: boolean | null;
  default_origin_policy?: BrowserUseOriginPolicyConfig | null;
  origins?: {
    [key: string]: BrowserUseOriginPolicyConfig;
  } | null;
};
export type BrowserUseExtensionRequirements = {
  requestHeaders?: RequestHeader[] | null;
};
export type BrowserUseOriginPolicy = {
  access?: AllowDenyRequirement | null;
  accessApprovalLifetime?: BrowserUseAccessApprovalLifetime | null;
  autoReview?: AllowDenyRequirement | null;
  downloads?: AllowDenyRequirement | null;
  fullCdpAccess?: AllowDenyRequirement | null;
  persistentApproval?: boolean | null;
  uploads?: AllowDenyRequirement | null;
};
export type BrowserUseOriginPolicyConfig = {
  access?: AllowDenyRequirement | null;
  downloads?: AllowDenyRequirement | null;
  full_cdp_access?: AllowDenyRequirement | null;
  uploads?: AllowDenyRequirement | null;
};
export type BrowserUseRequirements = {
  allowGlobalPersistentApproval?: boolean | null;
  allowHistoryAccess?: boolean | null;
  allowWebmcp?: boolean | null;
  defaultOriginPolicy?: BrowserUseOriginPolicy | null;
  disableAutoReview?: boolean | null;
  extension?: BrowserUseExtensionRequirements | null;
  origins?: {
    [key: string]: BrowserUseOriginPolicy;
  } | null;
};
export type ByteRange = {
  end: number;
  start: number;
};
export type CancelLoginAccountParams = {
  loginId: string;
};
export type CancelLoginAccountResponse = {
  status: CancelLoginAccountStatus;
};
export type CancelLoginAccountStatus = "canceled" | "notFound";
export type CliAuthCredentialsStoreMode = "file" | "keyring" | "auto" | "ephemeral";
export type ClientInfo = {
  name: string;
  title?: string | null;
  version: string;
};
/**
 * This translation layer make sure that we expose codex error code in camel case.
 *
 * When an upstream HTTP status is available (for example, from the Responses API or a provider), it is forwarded in `httpStatusCode` on the relevant `codexErrorInfo` variant.
 */
export type CodexErrorInfo = "contextWindowExceeded" | "sessionBudgetExceeded" | "usageLimitExceeded" | "rateLimitExceeded" | "flexUnavailable" | "serverOverloaded" | "modelNotFound" | "policyCapacityUnavailable" | "cyberPolicy" | "misalignmentPolicyViolation" | "tooManyDenials" | "internalServerError" | "unauthorized" | "badRequest" | "threadRollbackFailed" | "sandboxError" | "other" | "inferenceHookDenied" | {
  httpConnectionFailed: {
    httpStatusCode?: number | null;
  };
} | {
  responseStreamConnectionFailed: {
    httpStatusCode?: number | null;
  };
} | {
  responseStreamDisconnected: {
    httpStatusCode?: number | null;
  };
} | {
  responseTooManyFailedAttempts: {
    httpStatusCode?: number | null;
  };
} | {
  activeTurnNotSteerable: {
    turnKind: NonSteerableTurnKind;
  };
} | string | { [key: string]: unknown };
export type CollabAgentState = {
  message?: string | null;
  status: CollabAgentStatus;
};
export type CollabAgentStatus = "pendingInit" | "running" | "interrupted" | "completed" | "errored" | "shutdown" | "notFound";
export type CollabAgentTool = "spawnAgent" | "sendInput" | "resumeAgent" | "wait" | "closeAgent" | "sendMessage" | "followupTask" | "interruptAgent" | "listAgents";
export type CollabAgentToolCallStatus = "inProgress" | "completed" | "failed" | "interrupted";
/** Collaboration mode for a Codex session. */
export type CollaborationMode = {
  mode: ModeKind;
  settings: Settings;
};
export type CommandAction = {
  command: string;
  name: string;
  path: LegacyAppPathString;
  type: "read";
} | {
  command: string;
  path?: string | null;
  type: "listFiles";
} | {
  command: string;
  path?: string | null;
  query?: string | null;
  type: "search";
} | {
  command: string;
  type: "unknown";
};
/**
 * Run a standalone command (argv vector) in the server sandbox without creating a thread or turn.
 *
 * The final `command/exec` response is deferred until the process exits and is sent only after all `command/exec/outputDelta` notifications for that connection have been emitted.
 */
export type CommandExecParams = {
  /** Command argv vector. Empty arrays are rejected. */
  command: string[];
  /** Optional working directory. Defaults to the server cwd. */
  cwd?: string | null;
  /**
   * Disable stdout/stderr capture truncation for this request.
   *
   * Cannot be combined with `outputBytesCap`.
   */
  disableOutputCap?: boolean;
  /**
   * Disable the timeout entirely for this request.
   *
   * Cannot be combined with `timeoutMs`.
   */
  disableTimeout?: boolean;
  /**
   * Optional environment overrides merged into the server-computed environment.
   *
   * Matching names override inherited values. Set a key to `null` to unset an inherited variable.
   */
  env?: {
    [key: string]: string | null;
  } | null;
  /**
   * Optional per-stream stdout/stderr capture cap in bytes.
   *
   * When omitted, the server default applies. Cannot be combined with `disableOutputCap`.
   */
  outputBytesCap?: number | null;
  /**
   * Optional client-supplied, connection-scoped process id.
   *
   * Required for `tty`, `streamStdin`, `streamStdoutStderr`, and follow-up `command/exec/write`, `command/exec/resize`, and `command/exec/terminate` calls. When omitted, buffered execution gets an internal id that is not exposed to the client.
   */
  processId?: string | null;
  /**
   * Optional sandbox policy for this command.
   *
   * Uses the same shape as thread/turn execution sandbox configuration and defaults to the user's configured policy when omitted. Cannot be combined with `permissionProfile`.
   */
  sandboxPolicy?: SandboxPolicy | null;
  /** Optional initial PTY size in character cells. Only valid when `tty` is true. */
  size?: CommandExecTerminalSize | null;
  /**
   * Allow follow-up `command/exec/write` requests to write stdin bytes.
   *
   * Requires a client-supplied `processId`.
   */
  streamStdin?: boolean;
  /**
   * Stream stdout/stderr via `command/exec/outputDelta` notifications.
   *
   * Streamed bytes are not duplicated into the final response and require a client-supplied `processId`.
   */
  streamStdoutStderr?: boolean;
  /**
   * Optional timeout in milliseconds.
   *
   * When omitted, the server default applies. Cannot be combined with `disableTimeout`.
   */
  timeoutMs?: number | null;
  /**
   * Enable PTY mode.
   *
   * This implies `streamStdin` and `streamStdoutStderr`.
   */
  tty?: boolean;
};
/** Resize a running PTY-backed `command/exec` session. */
export type CommandExecResizeParams = {
  /** Client-supplied, connection-scoped `processId` from the original `command/exec` request. */
  processId: string;
  /** New PTY size in character cells. */
  size: CommandExecTerminalSize;
};
/** Empty success response for `command/exec/resize`. */
export type CommandExecResizeResponse = { [key: string]: unknown };
/** Final buffered result for `command/exec`. */
export type CommandExecResponse = {
  /** Process exit code. */
  exitCode: number;
  /**
   * Buffered stderr capture.
   *
   * Empty when stderr was streamed via `command/exec/outputDelta`.
   */
  stderr: string;
  /**
   * Buffered stdout capture.
   *
   * Empty when stdout was streamed via `command/exec/outputDelta`.
   */
  stdout: string;
};
/** PTY size in character cells for `command/exec` PTY sessions. */
export type CommandExecTerminalSize = {
  /** Terminal width in character cells. */
  cols: number;
  /** Terminal height in character cells. */
  rows: number;
};
/** Terminate a running `command/exec` session. */
export type CommandExecTerminateParams = {
  /** Client-supplied, connection-scoped `processId` from the original `command/exec` request. */
  processId: string;
};
/** Empty success response for `command/exec/terminate`. */
export type CommandExecTerminateResponse = { [key: string]: unknown };
export type CommandExecutionSource = "agent" | "userShell" | "unifiedExecStartup" | "unifiedExecInteraction";
export type CommandExecutionStatus = "inProgress" | "completed" | "failed" | "declined";
/** Write stdin bytes to a running `command/exec` session, close stdin, or both. */
export type CommandExecWriteParams = {
  /** Close stdin after writing `deltaBase64`, if present. */
  closeStdin?: boolean;
  /** Optional base64-encoded stdin bytes to write. */
  deltaBase64?: string | null;
  /** Client-supplied, connection-scoped `processId` from the original `command/exec` request. */
  processId: string;
};
/** Empty success response for `command/exec/write`. */
export type CommandExecWriteResponse = { [key: string]: unknown };
export type CommandMigration = {
  name: string;
};
export type ComputerUseConfig = {
  default_app_access?: AllowDenyRequirement | null;
  macos?: ComputerUseMacosConfig | null;
  windows?: ComputerUseWindowsConfig | null;
};
export type ComputerUseMacosConfig = {
  bundle_ids?: {
    [key: string]: AllowDenyRequirement;
  } | null;
};
export type ComputerUseMacosRequirements = {
  bundleIds?: {
    [key: string]: AllowDenyRequirement;
  } | null;
};
export type ComputerUseRequirements = {
  allowLockedComputerUse?: boolean | null;
  allowPersistentApproval?: boolean | null;
  defaultAppAccess?: AllowDenyRequirement | null;
  macos?: ComputerUseMacosRequirements | null;
  windows?: ComputerUseWindowsRequirements | null;
};
export type ComputerUseWindowsConfig = {
  aumids?: {
    [key: string]: AllowDenyRequirement;
  } | null;
  exes?: ComputerUseWindowsExeConfig[] | null;
};
export type ComputerUseWindowsExeConfig = {
  access: AllowDenyRequirement;
  binary_name?: string | null;
  product_name: string;
  publisher_name: string;
};
export type ComputerUseWindowsExeRequirement = {
  access: AllowDenyRequirement;
  binaryName?: string | null;
  productName: string;
  publisherName: string;
};
export type ComputerUseWindowsRequirements = {
  aumids?: {
    [key: string]: AllowDenyRequirement;
  } | null;
  exes?: ComputerUseWindowsExeRequirement[] | null;
};
export type Config = {
  analytics?: AnalyticsConfig | null;
  approval_policy?: AskForApproval | null;
  /** [UNSTABLE] Optional default for where approval requests are routed for review. */
  approvals_reviewer?: ApprovalsReviewer | null;
  browser_use?: BrowserUseConfig | null;
  /** Effective tools.client_search_provider hint. Model-selected providers take precedence. */
  client_search_provider?: WebSearchProvider | null;
  compact_prompt?: string | null;
  computer_use?: ComputerUseConfig | null;
  desktop?: { [key: string]: unknown } | null;
  developer_instructions?: string | null;
  forced_chatgpt_workspace_id?: ForcedChatgptWorkspaceIds | null;
  forced_login_method?: ForcedLoginMethod | null;
  instructions?: string | null;
  model?: string | null;
  model_auto_compact_token_limit?: number | null;
  model_auto_compact_token_limit_scope?: AutoCompactTokenLimitScope | null;
  model_context_window?: number | null;
  model_provider?: string | null;
  model_reasoning_effort?: ReasoningEffort | null;
  model_reasoning_summary?: ReasoningSummary | null;
  model_verbosity?: Verbosity | null;
  review_model?: string | null;
  sandbox_mode?: SandboxMode | null;
  sandbox_workspace_write?: SandboxWorkspaceWrite | null;
  service_tier?: string | null;
  tools?: ToolsV2 | null;
  web_search?: WebSearchMode | null;
};
export type ConfigBatchWriteParams = {
  edits: ConfigEdit[];
  expectedVersion?: string | null;
  /** Path to the config file to write; defaults to the user's `config.toml` when omitted. */
  filePath?: string | null;
  /** When true, hot-reload updated runtime settings into loaded threads after writing. Session-static model, reasoning-effort, Plan-mode reasoning-effort, and service-tier defaults are not reloaded. The deprecated personality setting is also not reloaded. */
  reloadUserConfig?: boolean;
};
export type ConfigEdit = {
  keyPath: string;
  mergeStrategy: MergeStrategy;
  value: unknown;
};
export type ConfigLayer = {
  config: unknown;
  disabledReason?: string | null;
  name: ConfigLayerSource;
  version: string;
};
export type ConfigLayerMetadata = {
  name: ConfigLayerSource;
  version: string;
};
export type ConfigLayerSource = {
  /** Path to the packaged default configuration file. */
  file: AbsolutePathBuf;
  type: "packagedDefaults";
} | {
  domain: string;
  key: string;
  type: "mdm";
} | {
  /** This is the path to the system config.toml file, though it is not guaranteed to exist. */
  file: AbsolutePathBuf;
  type: "system";
} | {
  /** Stable identifier for the delivered layer. */
  id: string;
  /** Admin-facing name for the delivered layer. This is surfaced in diagnostics so users know which cloud layer needs administrator attention. */
  name: string;
  type: "enterpriseManaged";
} | {
  /** This is the path to the user's config.toml file, though it is not guaranteed to exist. */
  file: AbsolutePathBuf;
  /** Name of the selected profile-v2 config layered on top of the base user config, when this layer represents one. */
  profile?: string | null;
  type: "user";
} | {
  dotCodexFolder: AbsolutePathBuf;
  type: "project";
} | {
  type: "sessionFlags";
} | {
  file: AbsolutePathBuf;
  type: "legacyManagedConfigTomlFromFile";
} | {
  type: "legacyManagedConfigTomlFromMdm";
};
export type ConfigReadParams = {
  /** Optional working directory to resolve project config layers. If specified, return the effective config as seen from that directory (i.e., including any project layers between `cwd` and the project/repo root). */
  cwd?: string | null;
  includeLayers?: boolean;
};
export type ConfigReadResponse = {
  config: Config;
  layers?: ConfigLayer[] | null;
  origins: {
    [key: string]: ConfigLayerMetadata;
  };
};
export type ConfigRequirements = {
  additionalDeveloperInstructions?: string | null;
  allowAppshots?: boolean | null;
  allowBrowserAndComputerUse?: boolean | null;
  allowLoginShell?: boolean | null;
  allowManagedHooksOnly?: boolean | null;
  allowRemoteControl?: boolean | null;
  allowedApprovalPolicies?: AskForApproval[] | null;
  /** Effective login methods after managed, forced-login, and workspace restrictions. An empty list permits no login method. Older servers may omit this field. */
  allowedLoginMethods?: ForcedLoginMethod[] | null;
  allowedPermissionProfiles?: {
    [key: string]: boolean;
  } | null;
  allowedSandboxModes?: SandboxMode[] | null;
  allowedWebSearchModes?: WebSearchMode[] | null;
  allowedWindowsSandboxImplementations?: WindowsSandboxImplementation[] | null;
  autoReview?: AutoReviewRequirements | null;
  browserUse?: BrowserUseRequirements | null;
  chatgptBaseUrl?: string | null;
  checkForUpdateOnStartup?: boolean | null;
  cliAuthCredentialsStore?: CliAuthCredentialsStoreMode | null;
  computerUse?: ComputerUseRequirements | null;
  defaultPermissions?: string | null;
  enforceResidency?: ResidencyRequirement | null;
  featureRequirements?: {
    [key: string]: boolean;
  } | null;
  feedback?: FeedbackRequirements | null;
  inAppBrowser?: InAppBrowserRequirements | null;
  logDir?: string | null;
  modelCatalogJson?: string | null;
  /** Exact provider selection required by managed policy. */
  modelProvider?: string | null;
  /** Complete required provider definitions, using config.toml field names. */
  modelProviders?: { [key: string]: unknown } | null;
  models?: ModelsRequirements | null;
  otel?: OtelRequirements | null;
  sqliteHome?: string | null;
};
export type ConfigRequirementsReadResponse = {
  /** Null if no requirements are configured (e.g. no requirements.toml/MDM entries). */
  requirements?: ConfigRequirements | null;
  /** Whether Fast and Ultra Fast requirements are enforced independently. Older servers omit this field and use Fast mode as a shared speed gate. */
  supportsIndependentSpeedModes?: boolean | null;
};
export type ConfigValueWriteParams = {
  expectedVersion?: string | null;
  /** Path to the config file to write; defaults to the user's `config.toml` when omitted. */
  filePath?: string | null;
  keyPath: string;
  mergeStrategy: MergeStrategy;
  value: unknown;
};
export type ConfigWriteResponse = {
  /** Canonical path to the config file that was written. */
  filePath: AbsolutePathBuf;
  overriddenMetadata?: OverriddenMetadata | null;
  status: WriteStatus;
  version: string;
};
/** EXPERIMENTAL - metadata returned by app/read. */
export type ConnectorMetadata = {
  description?: string | null;
  distributionChannel?: string | null;
  iconUrl?: string | null;
  iconUrlDark?: string | null;
  id: string;
  installUrl?: string | null;
  name: string;
  pluginDisplayNames?: string[];
  toolSummaries?: AppToolSummary[] | null;
};
export type ConsumeAccountRateLimitResetCreditOutcome = "reset" | "nothingToReset" | "noCredit" | "alreadyRedeemed";
export type ConsumeAccountRateLimitResetCreditParams = {
  /** Opaque reset-credit identifier to redeem. When omitted, the backend selects the next available credit. */
  creditId?: string | null;
  /** Identifies one logical reset attempt. A UUID is recommended; reuse the same value when retrying that attempt. */
  idempotencyKey: string;
};
export type ConsumeAccountRateLimitResetCreditResponse = {
  outcome: ConsumeAccountRateLimitResetCreditOutcome;
};
export type CreditsSnapshot = {
  balance?: string | null;
  hasCredits: boolean;
  unlimited: boolean;
};
/** Requested cyber treatment for an OpenAI model turn. Authorization and model-tier restrictions remain server-owned. */
export type CyberAccessProgram = "standard" | "daybreakBlue" | "daybreakRed";
export type DynamicToolCallOutputContentItem = {
  text: string;
  type: "inputText";
} | {
  imageUrl: string;
  type: "inputImage";
} | {
  audioUrl: string;
  type: "inputAudio";
};
export type DynamicToolCallStatus = "inProgress" | "completed" | "failed";
export type ExperimentalFeature = {
  /** Announcement copy shown to users when the feature is introduced. Null when this feature is not in beta. */
  announcement?: string | null;
  /** Whether this feature is enabled by default. */
  defaultEnabled: boolean;
  /** Short summary describing what the feature does. Null when this feature is not in beta. */
  description?: string | null;
  /** User-facing display name shown in the experimental features UI. Null when this feature is not in beta. */
  displayName?: string | null;
  /** Whether this feature is currently enabled in the loaded config. */
  enabled: boolean;
  /** Stable key used in config.toml and CLI flag toggles. */
  name: string;
  /** Lifecycle stage of this feature flag. */
  stage: ExperimentalFeatureStage;
};
export type ExperimentalFeatureEnablementSetParams = {
  /**
   * Process-wide runtime feature enablement keyed by canonical feature name.
   *
   * Only named features are updated. Omitted features are left unchanged. Send an empty map for a no-op.
   */
  enablement: {
    [key: string]: boolean;
  };
};
export type ExperimentalFeatureEnablementSetResponse = {
  /** Feature enablement entries updated by this request. */
  enablement: {
    [key: string]: boolean;
  };
};
export type ExperimentalFeatureListParams = {
  /** Opaque pagination cursor returned by a previous call. */
  cursor?: string | null;
  /** Optional page size; defaults to a reasonable server-side value. */
  limit?: number | null;
  /** Optional loaded thread id. Pass this when showing feature state for an existing thread so enablement is computed from that thread's refreshed config, including project-local config for the thread's cwd. */
  threadId?: string | null;
};
export type ExperimentalFeatureListResponse = {
  data: ExperimentalFeature[];
  /** Opaque cursor to pass to the next call to continue after the last item. If None, there are no more items to return. */
  nextCursor?: string | null;
};
export type ExperimentalFeatureStage = "beta" | "underDevelopment" | "stable" | "deprecated" | "removed";
export type ExternalAgentConfigDetectParams = {
  /** Zero or more working directories to include for repo-scoped detection. */
  cwds?: string[] | null;
  /** If true, include detection under the user's home directory. */
  includeHome?: boolean;
  /** Maximum age in days for detected sessions. Missing values use the default limit. */
  maxSessionAgeDays?: number | null;
  /** Maximum number of sessions to detect. Missing values use the default limit. */
  maxSessions?: number | null;
  /** Optional migration-source selector. Missing or unrecognized values use the default source. */
  migrationSource?: string | null;
  /** Deprecated field retained for compatibility. This field is ignored; use `migrationSource` to select the migration source. */
  source?: string | null;
};
export type ExternalAgentConfigDetectResponse = {
  connectors?: ExternalAgentDetectedConnectorCandidate[];
  items: ExternalAgentConfigMigrationItem[];
};
export type ExternalAgentConfigImportHistoriesReadResponse = {
  connectors: ExternalAgentImportedConnectorCandidate[];
  data: ExternalAgentConfigImportHistory[];
};
export type ExternalAgentConfigImportHistory = {
  completedAtMs: number;
  failures: ExternalAgentConfigImportItemTypeFailure[];
  importId: string;
  providerId?: string | null;
  successes: ExternalAgentConfigImportItemTypeSuccess[];
};
export type ExternalAgentConfigImportHistoryRecordParams = {
  /** Completed results grouped by imported item type. */
  itemTypeResults: ExternalAgentConfigImportHistoryRecordTypeResultParams[];
  /** Opaque provider identifier for the externally completed import. */
  providerId: string;
};
export type ExternalAgentConfigImportHistoryRecordResponse = {
  importId: string;
};
export type ExternalAgentConfigImportHistoryRecordSuccessParams = {
  cwd?: string | null;
  itemType: ExternalAgentConfigMigrationItemType;
  source?: string | null;
  target?: string | null;
  /** Original title for an imported session, when available. */
  title?: string | null;
};
export type ExternalAgentConfigImportHistoryRecordTypeResultParams = {
  failures: ExternalAgentConfigImportItemTypeFailure[];
  itemType: ExternalAgentConfigMigrationItemType;
  successes: ExternalAgentConfigImportHistoryRecordSuccessParams[];
};
export type ExternalAgentConfigImportItemTypeFailure = {
  cwd?: string | null;
  errorType?: string | null;
  failureStage: string;
  itemType: ExternalAgentConfigMigrationItemType;
  message: string;
  source?: string | null;
  subErrorType?: string | null;
};
export type ExternalAgentConfigImportItemTypeSuccess = {
  cwd?: string | null;
  itemType: ExternalAgentConfigMigrationItemType;
  source?: string | null;
  target?: string | null;
  /** Original title for an imported session; null for other item types. */
  title?: string | null;
};
export type ExternalAgentConfigImportParams = {
  migrationItems: ExternalAgentConfigMigrationItem[];
  /** Migration-source selector used to produce the migration items. Pass the same value to detection and import; missing or unrecognized values use the default source. */
  migrationSource?: string | null;
  /** Opaque provider identifier supplied by the caller for analytics attribution and import history display. This does not select the migration source. */
  providerId?: string | null;
  /** Optional identifier for the product that initiated the import. */
  source?: string | null;
};
export type ExternalAgentConfigImportResponse = {
  importId: string;
};
export type ExternalAgentConfigMigrationItem = {
  /** Null or empty means home-scoped migration; non-empty means repo-scoped migration. */
  cwd?: string | null;
  description: string;
  details?: MigrationDetails | null;
  itemType: ExternalAgentConfigMigrationItemType;
};
export type ExternalAgentConfigMigrationItemType = "AGENTS_MD" | "CONFIG" | "SKILLS" | "PLUGINS" | "MCP_SERVER_CONFIG" | "SUBAGENTS" | "HOOKS" | "COMMANDS" | "MEMORY" | "SESSIONS";
export type ExternalAgentDetectedConnectorCandidate = {
  name: string;
  sessionCount: number;
  source: ExternalAgentDetectedConnectorSource;
};
export type ExternalAgentDetectedConnectorSource = "remoteMcpServersConfig" | "sessionToolUse";
export type ExternalAgentImportedConnectorCandidate = {
  name: string;
  sessionCount: number;
  source: ExternalAgentImportedConnectorSource;
};
export type ExternalAgentImportedConnectorSource = "remoteMcpServersConfig";
export type FeedbackRequirements = {
  enabled?: boolean | null;
};
export type FeedbackSaveParams = {
  classification: string;
  extraLogFiles?: string[] | null;
  includeLogs?: boolean;
  reason?: string | null;
  /** Absolute, previously unused ZIP path on the app-server host. The caller owns this file, including after a disconnected RPC. */
  savePath: LegacyAppPathString;
  tags?: {
    [key: string]: string;
  } | null;
  threadId?: string | null;
};
export type FeedbackSaveResponse = {
  /** Same prompt hash as feedback/upload; null when prompt metadata is absent. */
  promptHash?: string | null;
  savedPath: LegacyAppPathString;
  threadId: string;
};
export type FeedbackUploadParams = {
  classification: string;
  extraLogFiles?: string[] | null;
  includeLogs?: boolean;
  reason?: string | null;
  tags?: {
    [key: string]: string;
  } | null;
  threadId?: string | null;
};
export type FeedbackUploadResponse = {
  /** Whitespace-normalized SHA-256 of the session base instructions, matching the uploaded `prompt_hash` tag. Does not include later developer messages. Null when the reported rollout has no prompt metadata. */
  promptHash?: string | null;
  threadId: string;
};
export type FileUpdateChange = {
  diff: string;
  kind: PatchChangeKind;
  path: string;
};
/** Backward-compatible API shape for ChatGPT workspace login restrictions. */
export type ForcedChatgptWorkspaceIds = string | string[];
export type ForcedLoginMethod = "chatgpt" | "api";
/** Copy a file or directory tree on the host filesystem. */
export type FsCopyParams = {
  /** Absolute destination path. */
  destinationPath: AbsolutePathBuf;
  /** Required for directory copies; ignored for file copies. */
  recursive?: boolean;
  /** Absolute source path. */
  sourcePath: AbsolutePathBuf;
};
/** Successful response for `fs/copy`. */
export type FsCopyResponse = { [key: string]: unknown };
/** Create a directory on the host filesystem. */
export type FsCreateDirectoryParams = {
  /** Absolute directory path to create. */
  path: AbsolutePathBuf;
  /** Whether parent directories should also be created. Defaults to `true`. */
  recursive?: boolean | null;
};
/** Successful response for `fs/createDirectory`. */
export type FsCreateDirectoryResponse = { [key: string]: unknown };
/** Request metadata for an absolute path. */
export type FsGetMetadataParams = {
  /** Absolute path to inspect. */
  path: AbsolutePathBuf;
};
/** Metadata returned by `fs/getMetadata`. */
export type FsGetMetadataResponse = {
  /** File creation time in Unix milliseconds when available, otherwise `0`. */
  createdAtMs: number;
  /** Whether the path resolves to a directory. */
  isDirectory: boolean;
  /** Whether the path resolves to a regular file. */
  isFile: boolean;
  /** Whether the path itself is a symbolic link. */
  isSymlink: boolean;
  /** File modification time in Unix milliseconds when available, otherwise `0`. */
  modifiedAtMs: number;
};
/** A directory entry returned by `fs/readDirectory`. */
export type FsReadDirectoryEntry = {
  /** Direct child entry name only, not an absolute or relative path. */
  fileName: string;
  /** Whether this entry resolves to a directory. */
  isDirectory: boolean;
  /** Whether this entry resolves to a regular file. */
  isFile: boolean;
};
/** List direct child names for a directory. */
export type FsReadDirectoryParams = {
  /** Absolute directory path to read. */
  path: AbsolutePathBuf;
};
/** Directory entries returned by `fs/readDirectory`. */
export type FsReadDirectoryResponse = {
  /** Direct child entries in the requested directory. */
  entries: FsReadDirectoryEntry[];
};
/** Read a file from the host filesystem. */
export type FsReadFileParams = {
  /** Absolute path to read. */
  path: AbsolutePathBuf;
};
/** Base64-encoded file contents returned by `fs/readFile`. */
export type FsReadFileResponse = {
  /** File contents encoded as base64. */
  dataBase64: string;
};
/** Remove a file or directory tree from the host filesystem. */
export type FsRemoveParams = {
  /** Whether missing paths should be ignored. Defaults to `true`. */
  force?: boolean | null;
  /** Absolute path to remove. */
  path: AbsolutePathBuf;
  /** Whether directory removal should recurse. Defaults to `true`. */
  recursive?: boolean | null;
};
/** Successful response for `fs/remove`. */
export type FsRemoveResponse = { [key: string]: unknown };
/** Stop filesystem watch notifications for a prior `fs/watch`. */
export type FsUnwatchParams = {
  /** Watch identifier previously provided to `fs/watch`. */
  watchId: string;
};
/** Successful response for `fs/unwatch`. */
export type FsUnwatchResponse = { [key: string]: unknown };
/** Start filesystem watch notifications for an absolute path. */
export type FsWatchParams = {
  /** Absolute file or directory path to watch. */
  path: AbsolutePathBuf;
  /** Connection-scoped watch identifier used for `fs/unwatch` and `fs/changed`. */
  watchId: string;
};
/** Successful response for `fs/watch`. */
export type FsWatchResponse = {
  /** Canonicalized path associated with the watch. */
  path: AbsolutePathBuf;
};
/** Write a file on the host filesystem. */
export type FsWriteFileParams = {
  /** File contents encoded as base64. */
  dataBase64: string;
  /** Absolute path to write. */
  path: AbsolutePathBuf;
};
/** Successful response for `fs/writeFile`. */
export type FsWriteFileResponse = { [key: string]: unknown };
export type FunctionCallOutputBody = string | FunctionCallOutputContentItem[];
/** Responses API compatible content items that can be returned by a tool call. This is a subset of ContentItem with the types we support as function call outputs. */
export type FunctionCallOutputContentItem = {
  text: string;
  type: "input_text";
} | {
  detail?: ImageDetail | null;
  type: "input_image";
} & ({
  image_url: string;
} | {
  file_id: string;
}) | {
  type: "input_audio";
} & ({
  audio_url: string;
} | {
  file_id: string;
}) | {
  encrypted_content: string;
  type: "encrypted_content";
};
export type FuzzyFileSearchMatchType = "file" | "directory";
export type FuzzyFileSearchParams = {
  cancellationToken?: string | null;
  query: string;
  roots: string[];
};
export type FuzzyFileSearchResponse = {
  files: FuzzyFileSearchResult[];
};
/** Superset of [`codex_file_search::FileMatch`] */
export type FuzzyFileSearchResult = {
  file_name: string;
  indices?: number[] | null;
  match_type: FuzzyFileSearchMatchType;
  path: string;
  root: string;
  score: number;
};
export type GatewayAuth = {
  mode: "none";
} | {
  envKey: string;
  mode: "environmentVariable";
} | {
  envKey?: string | null;
  mode: "externallyConfigured";
};
export type GatewayOAuthCancelResponse = { [key: string]: unknown };
/** Authorize a configured provider without changing the default or any thread's provider. */
export type GatewayOAuthLoginParams = {
  /** Select device authorization when the server advertises support for it. */
  deviceAuth?: boolean;
  /** Defaults to the current provider when omitted. */
  modelProvider?: string | null;
};
export type GatewayOAuthLoginResponse = {
  prompt?: GatewayOAuthPrompt | null;
};
export type GatewayOAuthPrompt = {
  loginId: string;
  userCode: string;
  verificationUrl: string;
};
/** Read credential readiness for a configured provider without starting browser login. */
export type GatewayOAuthReadParams = {
  /** Defaults to the current provider when omitted. */
  modelProvider?: string | null;
};
/** Current effective gateway policy and credential readiness; never contains credentials. */
export type GatewayOAuthReadResponse = {
  error?: string | null;
  providerId: string;
  providerName: string;
  /** Whether the selected provider uses gateway OAuth, even when already signed in. */
  required: boolean;
  /** Null when the effective provider does not use gateway OAuth. */
  status?: GatewayOAuthStatus | null;
  /** Whether the administrator configured a device authorization endpoint. */
  supportsDeviceAuth?: boolean;
};
export type GatewayOAuthStatus = "notReady" | "started" | "succeeded" | "failed";
export type GcpProviderId = "gcp";
export type GetAccountParams = {
  /**
   * When `true`, requests a proactive token refresh before returning.
   *
   * In managed auth mode this triggers the normal refresh-token flow. In external auth mode this flag is ignored. Clients should refresh tokens themselves and call `account/login/start` with `chatgptAuthTokens`.
   */
  refreshToken?: boolean;
};
/** Usage-read capabilities of the requesting client, never inferred from its experiment arm. */
export type GetAccountRateLimitsParams = {
  /** Skip the separate reset-credit detail lookup for background usage polls. The usage response still includes the available count; omitted/false preserves detailed reads. */
  excludeResetCreditDetails?: boolean;
  /** The client supports automatic Luna Reserve fallback. For eligible ChatGPT CLI users, allow the backend to record experiment exposure after ordinary usage is blocked. */
  supportsLunaReserve?: boolean;
};
export type GetAccountRateLimitsResponse = {
  /** Account associated with this usage snapshot, when supplied by the backend. */
  accountId?: string | null;
  /** Backend permission for ordinary included usage, validated against the active account. Null means unavailable; clients must not infer recovery from percentages or reset times. */
  ordinaryUsageAllowed?: boolean | null;
  rateLimitResetCredits?: RateLimitResetCreditsSummary | null;
  /** Optional backend-owned banner from the same usage read. Its nested keys retain the backend's snake_case contract; an absent banner leaves the client's existing UI unchanged. */
  rateLimitUpsell?: unknown;
  /** Backward-compatible single-bucket view; mirrors the historical payload. */
  rateLimits: RateLimitSnapshot;
  /** Multi-bucket view keyed by metered `limit_id` (for example, `codex`). */
  rateLimitsByLimitId?: {
    [key: string]: RateLimitSnapshot;
  } | null;
};
export type GetAccountResponse = {
  account?: Account | null;
  requiresOpenaiAuth: boolean;
  /** ChatGPT user ID belonging to this account response, when available. */
  userId?: string | null;
};
/** Optional security reminder bound to the account that fetched it. Unavailable or ineligible accounts return no notice; this read never changes account security. */
export type GetAccountSecuritySetupResponse = {
  notice?: AccountSecuritySetupNotice | null;
};
export type GetAccountTokenUsageParams = {
  /** When present, read estimated usage for this thread instead of account-wide token activity. */
  threadId?: string | null;
};
export type GetAccountTokenUsageResponse = {
  dailyUsageBuckets?: AccountTokenUsageDailyBucket[] | null;
  summary: AccountTokenUsageSummary;
  /** Estimated usage when a thread was requested and its billing route is available. */
  threadUsage?: ThreadUsage | null;
};
export type GetWorkspaceMessagesResponse = {
  /** Whether the workspace-message backend route is available for this client. */
  featureEnabled: boolean;
  /** Active workspace messages returned by the backend. */
  messages: WorkspaceMessage[];
};
export type GitInfo = {
  branch?: string | null;
  originUrl?: string | null;
  sha?: string | null;
};
export type HookErrorInfo = {
  message: string;
  path: string;
};
export type HookEventName = "preModelRequest" | "postModelRequest" | "preToolUse" | "permissionRequest" | "postToolUse" | "preCompact" | "postCompact" | "sessionStart" | "sessionEnd" | "userPromptSubmit" | "subagentStart" | "subagentStop" | "stop" | "interrupt";
export type HookMetadata = {
  /** Configured `additionalContext` spill threshold. `null` uses 2,500 tokens; `0` disables spilling. */
  additionalContextLimit?: number | null;
  currentHash: string;
  displayOrder: number;
  enabled: boolean;
  /** The owning execution environment, if this hook came from its requirements. */
  environmentId?: string | null;
  eventName: HookEventName;
  isManaged: boolean;
  key: string;
  matcher?: string | null;
  pluginId?: string | null;
  source: HookSource;
  sourcePath: AbsolutePathBuf;
  statusMessage?: string | null;
  timeoutSec: number;
  trustStatus: HookTrustStatus;
} & ({
  async?: boolean;
  command: string;
  handlerType: "command";
} | {
  handlerType: "mcpTool";
  server: string;
  tool: string;
} | {
  handlerType: "prompt";
} | {
  handlerType: "agent";
});
export type HookMigration = {
  name: string;
};
export type HookPromptFragment = {
  hookRunId: string;
  text: string;
};
export type HooksListEntry = {
  cwd: string;
  errors: HookErrorInfo[];
  hooks: HookMetadata[];
  warnings: string[];
};
export type HooksListParams = {
  /** Working directories to inspect when no thread is specified. An empty list uses the session cwd. */
  cwds?: string[];
  /** List a loaded thread's hooks, including its selected environments. Omit `cwds` in this mode. */
  threadId?: string | null;
};
export type HooksListResponse = {
  data: HooksListEntry[];
};
export type HookSource = "system" | "user" | "project" | "mdm" | "sessionFlags" | "plugin" | "cloudRequirements" | "cloudManagedConfig" | "legacyManagedConfigFile" | "legacyManagedConfigMdm" | "unknown";
export type HookTrustStatus = "managed" | "untrusted" | "trusted" | "modified";
export type ImageDetail = "auto" | "low" | "high" | "original";
export type ImageGenerationFailure = {
  limitId: string;
  resetsAt?: number | null;
  type: "usageLimitExceeded";
};
/** A local image file successfully read for this exact image-generation request. */
export type ImageGenerationInputImage = {
  path: AbsolutePathBuf;
  /** Lowercase SHA-256 of the file bytes read before image normalization. */
  sha256: string;
};
export type InAppBrowserRequirements = {
  allowExternalBrowserSettingsImport?: boolean | null;
};
/** Client-declared capabilities negotiated during initialize. */
export type InitializeCapabilities = {
  /** Opt into receiving experimental API methods and fields. */
  experimentalApi?: boolean;
  /** Use explicit gateway OAuth login instead of automatic browser authorization. Applies to this app-server's gateway runtime; later connections cannot undo it. */
  explicitGatewayOauth?: boolean;
  /** MCP extension settings declared by the app-server client. */
  extensions?: { [key: string]: unknown } | null;
  /**
   * Legacy opt-in for the `openai/form` MCP extension.
   *
   * New clients should declare `openai/form` in [`Self::extensions`].
   */
  mcpServerOpenaiFormElicitation?: boolean;
  /** Exact notification method names that should be suppressed for this connection (for example `thread/started`). */
  optOutNotificationMethods?: string[] | null;
  /** Opt into `attestation/generate` requests for upstream `x-oai-attestation`. */
  requestAttestation?: boolean;
  /** Present `humanCommand` approvals to a person and return only a one-time decision. Requires `experimentalApi`. Pending requests can be replayed to compatible clients. */
  requiredHumanApproval?: boolean;
};
export type InitializeParams = {
  capabilities?: InitializeCapabilities | null;
  clientInfo: ClientInfo;
};
export type InitializeResponse = {
  /** Absolute path to the server's $CODEX_HOME directory. */
  codexHome: AbsolutePathBuf;
  /** Platform family for the running app-server target, for example `"unix"` or `"windows"`. */
  platformFamily: string;
  /** Operating system for the running app-server target, for example `"macos"`, `"linux"`, or `"windows"`. */
  platformOs: string;
  userAgent: string;
};
/** Canonical user-input modality tags advertised by a model. */
export type InputModality = "text" | "image" | "audio";
/** Installed connector runtime state. */
export type InstalledApp = {
  /** Whether the connector is enabled and has a non-synthetic, model-visible tool allowed by effective MCP and app/tool policy in the committed runtime snapshot. */
  callable: boolean;
  /** Effective enabled state after applying global, workspace, local, and managed configuration at read time. */
  enabled: boolean;
  id: string;
  /** Best-effort name carried by the runtime tool catalog. Canonical app metadata remains owned by `app/read`. */
  runtimeName?: string | null;
};
export type LegacyAppPathString = string;
export type ListMcpServerStatusParams = {
  /** Opaque pagination cursor returned by a previous call. */
  cursor?: string | null;
  /** Controls how much MCP inventory data to fetch for each server. Defaults to `Full` when omitted. */
  detail?: McpServerStatusDetail | null;
  /** Optional page size; defaults to a server-defined value. */
  limit?: number | null;
  /** Limit discovery to one server. With a thread ID, reuse that thread's MCP connection. */
  serverName?: string | null;
  threadId?: string | null;
};
export type ListMcpServerStatusResponse = {
  data: McpServerStatus[];
  /** Opaque cursor to pass to the next call to continue after the last item. If None, there are no more items to return. */
  nextCursor?: string | null;
};
export type LoginAccountParams = {
  apiKey: string;
  type: "apiKey";
} | {
  appBrand?: LoginAppBrand | null;
  codexStreamlinedLogin?: boolean;
  type: "chatgpt";
  useHostedLoginSuccessPage?: boolean;
} | {
  type: "chatgptDeviceCode";
} | {
  /** Access token (JWT) supplied by the client. This token is used for backend API requests and email extraction. */
  accessToken: string;
  /** Workspace/account identifier supplied by the client. */
  chatgptAccountId: string;
  /**
   * Optional plan type supplied by the client.
   *
   * When `null`, Codex attempts to derive the plan type from access-token claims. If unavailable, the plan defaults to `unknown`.
   */
  chatgptPlanType?: string | null;
  type: "chatgptAuthTokens";
} | {
  apiKey: string;
  region: string;
  type: "amazonBedrock";
} | {
  accessKeyId: string;
  region: string;
  secretAccessKey: string;
  sessionToken?: string | null;
  type: "amazonBedrockAccessKeys";
};
export type LoginAccountResponse = {
  type: "apiKey";
} | {
  /** URL the client should open in a browser to initiate the OAuth flow. */
  authUrl: string;
  loginId: string;
  type: "chatgpt";
} | {
  loginId: string;
  type: "chatgptDeviceCode";
  /** One-time code the user must enter after signing in. */
  userCode: string;
  /** URL the client should open in a browser to complete device code authorization. */
  verificationUrl: string;
} | {
  type: "chatgptAuthTokens";
} | {
  type: "amazonBedrock";
};
export type LoginAppBrand = "codex" | "chatgpt";
export type LogoutAccountResponse = { [key: string]: unknown };
export type MarketplaceAddParams = {
  refName?: string | null;
  source: string;
  sparsePaths?: string[] | null;
};
export type MarketplaceAddResponse = {
  alreadyAdded: boolean;
  installedRoot: AbsolutePathBuf;
  marketplaceName: string;
};
export type MarketplaceInterface = {
  displayName?: string | null;
};
export type MarketplaceLoadErrorInfo = {
  marketplacePath: AbsolutePathBuf;
  message: string;
};
export type MarketplaceRemoveParams = {
  marketplaceName: string;
};
export type MarketplaceRemoveResponse = {
  installedRoot?: AbsolutePathBuf | null;
  marketplaceName: string;
};
export type MarketplaceUpgradeErrorInfo = {
  marketplaceName: string;
  message: string;
};
export type MarketplaceUpgradeParams = {
  marketplaceName?: string | null;
};
export type MarketplaceUpgradeResponse = {
  errors: MarketplaceUpgradeErrorInfo[];
  selectedMarketplaces: string[];
  upgradedRoots: AbsolutePathBuf[];
};
export type McpAppDisplayMode = "inline" | "fullscreen";
/** UI resource and display preference for model invocations, captured from the tool descriptor. */
export type McpAppUi = {
  preferredModelDisplayMode: McpAppDisplayMode;
  resourceUri: string;
};
export type McpAuthStatus = "unknown" | "unsupported" | "notLoggedIn" | "bearerToken" | "oAuth";
export type McpResourceReadParams = {
  /** Additional MCP request metadata. Account and turn routing keys are reserved. */
  _meta?: { [key: string]: unknown } | null;
  connectorId?: string | null;
  /** Originating MCP tool call used to select the resource's app. */
  originCallId?: string | null;
  server: string;
  /** Explicit hosted app/account. Omit to retain legacy resource discovery. */
  target?: McpResourceReadTarget | null;
  threadId?: string | null;
  uri: string;
};
export type McpResourceReadResponse = {
  contents: ResourceContent[];
  /** Originating call when the server applied app-specific resource scoping. */
  originCallId?: string | null;
};
export type McpResourceReadTarget = {
  connectorId: string;
  /** Null explicitly requests no-auth access, subject to the app's resource policy. */
  linkId: string | null;
};
export type McpServerConnectionStatus = "notStarted" | "starting" | "connected" | "authenticationRequired" | "failed" | "cancelled" | "disabled";
/** Presentation metadata advertised by an initialized MCP server. */
export type McpServerInfo = {
  description?: string | null;
  icons?: unknown[] | null;
  name: string;
  title?: string | null;
  version: string;
  websiteUrl?: string | null;
};
export type McpServerMigration = {
  name: string;
};
export type McpServerOauthClientRegistration = "auto" | "cimd" | "dcr";
export type McpServerOauthLoginParams = {
  /** Registration strategy for this login only; omission selects automatic discovery. */
  clientRegistration?: McpServerOauthClientRegistration | null;
  name: string;
  scopes?: string[] | null;
  threadId?: string | null;
  timeoutSecs?: number | null;
};
export type McpServerOauthLoginResponse = {
  authorizationUrl: string;
  /** Identifies this login attempt across the response and completion notification. Older servers omit this field; current servers always return it. */
  loginId?: string | null;
};
export type McpServerRefreshResponse = { [key: string]: unknown };
export type McpServerStatus = {
  authStatus: McpAuthStatus;
  /** HTTP origin of the effective configured endpoint, including plugin servers. Excludes credentials, path, query, and fragment; null for non-HTTP transports. */
  httpOrigin?: string | null;
  name: string;
  pluginId?: string | null;
  resourceTemplates: ResourceTemplate[];
  resources: Resource[];
  /** Current thread-runtime connection state; null when unavailable or the configuration changed. */
  runtimeStatus?: McpServerConnectionStatus | null;
  /** Capabilities advertised by the initialized MCP server; null when unavailable. */
  serverCapabilities?: unknown;
  serverInfo?: McpServerInfo | null;
  /** Opaque `_meta` from the first page of the corresponding MCP tool catalog. Null when unavailable. */
  toolListMeta?: unknown;
  tools: {
    [key: string]: Tool;
  };
  /** Tool discovery failed and no catalog was returned. Null when a catalog is returned, including cached or empty catalogs. */
  toolsError?: string | null;
};
export type McpServerStatusDetail = "full" | "toolsAndAuthOnly";
export type McpServerToolCallParams = {
  _meta?: unknown;
  arguments?: unknown;
  server: string;
  threadId: string;
  tool: string;
};
export type McpServerToolCallResponse = {
  _meta?: unknown;
  content: unknown[];
  isError?: boolean | null;
  structuredContent?: unknown;
};
export type McpToolCallAppContext = {
  actionName?: string | null;
  appName?: string | null;
  connectorId: string;
  linkId?: string | null;
  resourceUri?: string | null;
};
export type McpToolCallError = {
  message: string;
};
export type McpToolCallResult = {
  _meta?: unknown;
  content: unknown[];
  structuredContent?: unknown;
};
export type McpToolCallStatus = "inProgress" | "completed" | "failed";
export type MemoryCitation = {
  entries: MemoryCitationEntry[];
  threadIds: string[];
};
export type MemoryCitationEntry = {
  lineEnd: number;
  lineStart: number;
  note: string;
  path: string;
};
export type MergeStrategy = "replace" | "upsert";
/**
 * Classifies assistant text as commentary, a partial answer, or a terminal answer.
 *
 * Providers do not emit this consistently, so callers must treat `None` as "phase unknown" and keep compatibility behavior for legacy models.
 */
export type MessagePhase = "commentary" | "partial_answer" | "final_answer";
export type MigrationDetails = {
  commands?: CommandMigration[];
  hooks?: HookMigration[];
  mcpServers?: McpServerMigration[];
  memory?: string[];
  plugins?: PluginsMigration[];
  sessions?: SessionMigration[];
  skills?: SkillMigration[];
  subagents?: SubagentMigration[];
};
export type MisalignmentErrorDetails = {
  /** A substantive localized explanation is required before offering continuation. */
  detailedExplanation?: string | null;
  /** Open-ended classification; clients must accept categories added by Responses. */
  errorType?: string | null;
  /** Opaque server-issued block target. Presence alone does not enable target-based continuation. */
  reviewTarget?: string | null;
  /** Instruction to submit as the next turn's user input if continuation is confirmed. */
  steer?: MisalignmentSteer | null;
};
export type MisalignmentSteer = {
  message: string;
};
/** Initial collaboration mode to use when the TUI starts. */
export type ModeKind = "plan" | "default";
export type Model = {
  /** Deprecated: use `serviceTiers` instead. */
  additionalSpeedTiers?: string[];
  availabilityNux?: ModelAvailabilityNux | null;
  /** Null when the catalog does not provide access-program metadata. */
  availableAccessPrograms?: ModelAccessPrograms | null;
  defaultReasoningEffort: ReasoningEffort;
  /** Catalog default service tier id for this model, when one is configured. */
  defaultServiceTier?: string | null;
  description: string;
  displayName: string;
  hidden: boolean;
  id: string;
  inputModalities?: InputModality[];
  isDefault: boolean;
  model: string;
  modelSpecialty?: string | null;
  /** Multi-agent runtime declared by this model, when available. */
  multiAgentVersion?: MultiAgentVersion | null;
  serviceTiers?: ModelServiceTier[];
  supportedReasoningEfforts: ReasoningEffortOption[];
  /** @deprecated Always false; models no longer support personality selection. */
  supportsPersonality?: boolean;
  upgrade?: string | null;
  upgradeInfo?: ModelUpgradeInfo | null;
};
/** Caller-specific explicit access programs advertised by model discovery. */
export type ModelAccessPrograms = {
  /** Accepted explicit selections. */
  cyber: CyberAccessProgram[];
};
export type ModelAvailabilityNux = {
  message: string;
};
export type ModelListParams = {
  /** Opaque pagination cursor returned by a previous call. */
  cursor?: string | null;
  /** When true, include models that are hidden from the default picker list. */
  includeHidden?: boolean | null;
  /** Optional page size; defaults to a reasonable server-side value. */
  limit?: number | null;
  /** List models for this configured provider instead of the app-server default. */
  modelProvider?: string | null;
};
export type ModelListResponse = {
  data: Model[];
  /** Opaque cursor to pass to the next call to continue after the last item. If None, there are no more items to return. */
  nextCursor?: string | null;
};
export type ModelProviderCapabilitiesReadParams = { [key: string]: unknown };
export type ModelProviderCapabilitiesReadResponse = {
  imageGeneration: boolean;
  webSearch: boolean;
};
export type ModelProviderConfigWriteParams = {
  settings: ProviderSettingsPatch;
};
export type ModelProviderConfigWriteResponse = {
  provider: ModelProviderSummary;
};
export type ModelProviderListParams = { [key: string]: unknown };
export type ModelProviderListResponse = {
  canChangeDefault: boolean;
  data: ModelProviderSummary[];
  defaultProviderId: string;
};
export type ModelProviderSummary = {
  /** Null when the endpoint is absent or cannot be safely displayed. */
  baseUrl?: string | null;
  /** Whether a supported configuration field can be edited in the active user layer. */
  canEdit: boolean;
  id: string;
  name: string;
  settings: ProviderSettings;
};
export type ModelServiceTier = {
  description: string;
  id: string;
  name: string;
};
export type ModelsRequirements = {
  newThread?: NewThreadModelDefaults | null;
};
export type ModelUpgradeInfo = {
  migrationMarkdown?: string | null;
  model: string;
  modelLink?: string | null;
  /** Informational Unix timestamp for this upgrade's scheduled retirement, if known. */
  retirementAt?: number | null;
  upgradeCopy?: string | null;
};
/** Multi-agent runtime supported by a model. */
export type MultiAgentVersion = "disabled" | "v1" | "v2";
export type NetworkAccess = "restricted" | "enabled";
export type NewThreadModelDefaults = {
  model?: string | null;
  modelReasoningEffort?: ReasoningEffort | null;
  serviceTier?: string | null;
};
export type NonSteerableTurnKind = "review" | "compact";
export type OtelExporter = "none" | "statsig" | {
  "otlp-http": {
    endpoint: string;
    /** Header names are retained; values are redacted by the server. */
    headers: {
      [key: string]: string;
    };
    protocol: OtelHttpProtocol;
    tls?: OtelTlsConfig | null;
  };
} | {
  "otlp-grpc": {
    endpoint: string;
    /** Header names are retained; values are redacted by the server. */
    headers: {
      [key: string]: string;
    };
    tls?: OtelTlsConfig | null;
  };
};
export type OtelHttpProtocol = "binary" | "json";
export type OtelRequirements = {
  environment?: string | null;
  exporter?: OtelExporter | null;
  log_agent_responses?: boolean | null;
  log_guardian_assessments?: boolean | null;
  log_sse_deltas?: boolean | null;
  log_user_prompt?: boolean | null;
  metrics_exporter?: OtelExporter | null;
  span_attributes?: {
    [key: string]: string;
  } | null;
  tool_result?: OtelToolResultLogConfig | null;
  trace_exporter?: OtelExporter | null;
  tracestate?: {
    [key: string]: {
      [key: string]: string;
    };
  } | null;
};
export type OtelTlsConfig = {
  "ca-certificate"?: string | null;
  "client-certificate"?: string | null;
  "client-private-key"?: string | null;
};
export type OtelToolResultLogConfig = {
  max_bytes: number;
};
export type OverriddenMetadata = {
  effectiveValue: unknown;
  message: string;
  overridingLayer: ConfigLayerMetadata;
};
export type PatchApplyStatus = "inProgress" | "completed" | "failed" | "declined";
export type PatchChangeKind = {
  type: "add";
} | {
  type: "delete";
} | {
  move_path?: string | null;
  type: "update";
};
export type PermissionProfileListParams = {
  /** Opaque pagination cursor returned by a previous call. */
  cursor?: string | null;
  /** Optional working directory to resolve project config layers. */
  cwd?: string | null;
  /** Optional page size; defaults to the full result set. */
  limit?: number | null;
};
export type PermissionProfileListResponse = {
  data: PermissionProfileSummary[];
  /** Opaque cursor to pass to the next call to continue after the last item. If None, there are no more items to return. */
  nextCursor?: string | null;
};
export type PermissionProfileSummary = {
  /** Whether the effective requirements allow selecting this profile. */
  allowed: boolean;
  /** Optional user-facing description for display in clients. */
  description?: string | null;
  /** Available permission profile identifier. */
  id: string;
};
/** Deprecated: `friendly` and `pragmatic` no longer select a style. */
export type Personality = "none" | "friendly" | "pragmatic";
export type PlanType = "free" | "go" | "plus" | "pro" | "prolite" | "promax" | "team" | "self_serve_business_prolite" | "self_serve_business_usage_based" | "business" | "ent26" | "enterprise_cbp_automation" | "enterprise_cbp_usage_based" | "enterprise" | "edu" | "edu_plus" | "edu_pro" | "sci" | "sci_plus" | "unknown";
export type PluginAuthPolicy = "ON_INSTALL" | "ON_USE";
export type PluginAvailability = "DISABLED_BY_ADMIN" | "AVAILABLE";
export type PluginDetail = {
  appTemplates: AppTemplateSummary[];
  apps: AppSummary[];
  description?: string | null;
  hooks: PluginHookSummary[];
  marketplaceName: string;
  marketplacePath?: AbsolutePathBuf | null;
  mcpServers: string[];
  /** The declared onboarding skill, when the plugin and visible skill are enabled. */
  onboardingSkill?: SkillSummary | null;
  scheduledTasks?: ScheduledTaskSummary[] | null;
  shareUrl?: string | null;
  skills: SkillSummary[];
  summary: PluginSummary;
};
export type PluginDisabledReason = "disabled_by_admin" | "plan_not_eligible" | "required_app_unavailable" | "unknown";
export type PluginHookSummary = {
  eventName: HookEventName;
  key: string;
};
export type PluginInstalledParams = {
  /** Optional working directories used to discover repo marketplaces. */
  cwds?: AbsolutePathBuf[] | null;
  /** Additional uninstalled plugin names that should be returned when present locally. This is used by mention surfaces that intentionally expose install entrypoints. */
  installSuggestionPluginNames?: string[] | null;
};
export type PluginInstalledResponse = {
  marketplaceLoadErrors?: MarketplaceLoadErrorInfo[];
  marketplaces: PluginMarketplaceEntry[];
};
export type PluginInstallParams = {
  /** Client-generated identifier used to correlate one installation attempt. */
  installAttemptId?: string | null;
  marketplacePath?: AbsolutePathBuf | null;
  pluginName: string;
  remoteMarketplaceName?: string | null;
};
export type PluginInstallPolicy = "NOT_AVAILABLE" | "AVAILABLE" | "INSTALLED_BY_DEFAULT";
export type PluginInstallPolicySource = "WORKSPACE_SETTING" | "IMPLICIT_CANONICAL_APP";
export type PluginInstallResponse = {
  appsNeedingAuth: AppSummary[];
  authPolicy: PluginAuthPolicy;
};
export type PluginInterface = {
  brandColor?: string | null;
  capabilities: string[];
  category?: string | null;
  /** Local composer icon path, resolved from the installed plugin package. */
  composerIcon?: AbsolutePathBuf | null;
  /** Remote composer icon URL from the plugin catalog. */
  composerIconUrl?: string | null;
  /** Starter prompts for the plugin. Capped at 3 entries with a maximum of 512 characters per entry. */
  defaultPrompt?: string[] | null;
  developerName?: string | null;
  displayName?: string | null;
  /** Local logo path, resolved from the installed plugin package. */
  logo?: AbsolutePathBuf | null;
  /** Local dark-mode logo path, resolved from the installed plugin package. */
  logoDark?: AbsolutePathBuf | null;
  /** Remote logo URL from the plugin catalog. */
  logoUrl?: string | null;
  /** Remote dark-mode logo URL from the plugin catalog. */
  logoUrlDark?: string | null;
  longDescription?: string | null;
  privacyPolicyUrl?: string | null;
  /** Remote screenshot URLs from the plugin catalog. */
  screenshotUrls: string[];
  /** Local screenshot paths, resolved from the installed plugin package. */
  screenshots: AbsolutePathBuf[];
  shortDescription?: string | null;
  termsOfServiceUrl?: string | null;
  websiteUrl?: string | null;
};
export type PluginListMarketplaceKind = "local" | "vertical" | "workspace-directory" | "shared-with-me" | "created-by-me-remote";
export type PluginListParams = {
  /** Optional working directories used to discover repo marketplaces. When omitted, only home-scoped marketplaces and the official curated marketplace are considered. */
  cwds?: AbsolutePathBuf[] | null;
  /** Whether the client requests a fresh remote plugin catalog fetch. */
  forceRefetch?: boolean;
  /** Optional marketplace kind filter. When omitted, only local marketplaces are queried, plus the default remote catalog when enabled by feature flag. */
  marketplaceKinds?: PluginListMarketplaceKind[] | null;
};
export type PluginListResponse = {
  featuredPluginIds?: string[];
  marketplaceLoadErrors?: MarketplaceLoadErrorInfo[];
  marketplaces: PluginMarketplaceEntry[];
};
export type PluginMarketplaceEntry = {
  interface?: MarketplaceInterface | null;
  name: string;
  /** Local marketplace file path when the marketplace is backed by a local file. Remote-only catalog marketplaces do not have a local path. */
  path?: AbsolutePathBuf | null;
  plugins: PluginSummary[];
};
export type PluginReadParams = {
  marketplacePath?: AbsolutePathBuf | null;
  pluginName: string;
  remoteMarketplaceName?: string | null;
};
export type PluginReadResponse = {
  plugin: PluginDetail;
};
/** Runtime categories affected by this change, not just capabilities currently present. Flags describe declarations before runtime policy filtering. Updates OR the old and new bundle flags; enablement changes and cached reinstalls use the cached bundle; removals retain the old bundle's flags. */
export type PluginReconcileChangedPlugin = {
  hasApps: boolean;
  hasHooks: boolean;
  hasMcps: boolean;
  /** Whether either bundle declares skill roots; not a validated inventory of enabled skills. */
  hasSkills: boolean;
  /** Local plugin ID (`name@marketplace`), matching `PluginSummary.id`. */
  id: string;
};
export type PluginReconcileParams = {
  /** Optional client-provided reason recorded with the reconciliation attempt. */
  reason?: string | null;
};
/** Bundle and installed-state changes observed by this pass, not a runtime-readiness acknowledgement or a cumulative diff since the client's last request. Other metadata-only changes are not listed. */
export type PluginReconcileResponse = {
  /** Plugins affected by bundle changes, enablement changes, or removals. Installed-state changes compare against the previous cached snapshot, including cached reinstalls. Removal hints survive cache cleanup failures; unchanged plugins are omitted. */
  changedPlugins: PluginReconcileChangedPlugin[];
  /** Subset of failures for which the requested bundle could not be materialized. A previously cached version may still be available. */
  failedMaterializationRemotePluginIds: string[];
  /** Backend remote plugin IDs whose bundle or identity update failed. */
  failedRemotePluginIds: string[];
};
export type PluginShareCheckoutParams = {
  remotePluginId: string;
};
export type PluginShareCheckoutResponse = {
  marketplaceName: string;
  marketplacePath: AbsolutePathBuf;
  pluginId: string;
  pluginName: string;
  pluginPath: AbsolutePathBuf;
  remotePluginId: string;
  remoteVersion?: string | null;
};
export type PluginShareContext = {
  canPublishToWorkspace?: boolean | null;
  creatorAccountUserId?: string | null;
  creatorName?: string | null;
  discoverability?: PluginShareDiscoverability | null;
  remotePluginId: string;
  /** Version of the remote shared plugin release when available. */
  remoteVersion?: string | null;
  sharePrincipals?: PluginSharePrincipal[] | null;
  shareUrl?: string | null;
};
export type PluginShareDeleteParams = {
  remotePluginId: string;
};
export type PluginShareDeleteResponse = { [key: string]: unknown };
export type PluginShareDiscoverability = "LISTED" | "UNLISTED" | "PRIVATE";
export type PluginShareListItem = {
  localPluginPath?: AbsolutePathBuf | null;
  plugin: PluginSummary;
};
export type PluginShareListParams = { [key: string]: unknown };
export type PluginShareListResponse = {
  data: PluginShareListItem[];
};
export type PluginSharePrincipal = {
  name: string;
  principalId: string;
  principalType: PluginSharePrincipalType;
  role: PluginSharePrincipalRole;
};
export type PluginSharePrincipalRole = "reader" | "editor" | "owner";
export type PluginSharePrincipalType = "user" | "group" | "workspace";
export type PluginShareSaveParams = {
  discoverability?: PluginShareDiscoverability | null;
  pluginPath: AbsolutePathBuf;
  remotePluginId?: string | null;
  shareTargets?: PluginShareTarget[] | null;
};
export type PluginShareSaveResponse = {
  canPublishToWorkspace?: boolean | null;
  remotePluginId: string;
  shareUrl: string;
};
export type PluginShareTarget = {
  principalId: string;
  principalType: PluginSharePrincipalType;
  role: PluginShareTargetRole;
};
export type PluginShareTargetRole = "reader" | "editor";
export type PluginShareUpdateDiscoverability = "UNLISTED" | "PRIVATE" | "LISTED";
export type PluginShareUpdateTargetsParams = {
  discoverability: PluginShareUpdateDiscoverability;
  remotePluginId: string;
  shareTargets: PluginShareTarget[];
};
export type PluginShareUpdateTargetsResponse = {
  discoverability: PluginShareDiscoverability;
  principals: PluginSharePrincipal[];
};
export type PluginSkillReadParams = {
  remoteMarketplaceName: string;
  remotePluginId: string;
  skillName: string;
};
export type PluginSkillReadResponse = {
  contents?: string | null;
};
export type PluginsMigration = {
  marketplaceName: string;
  pluginNames: string[];
};
export type PluginSource = {
  path: AbsolutePathBuf;
  type: "local";
} | {
  path?: string | null;
  refName?: string | null;
  sha?: string | null;
  type: "git";
  url: string;
} | {
  package: string;
  /** Optional HTTPS registry URL. Authentication stays in the user's npm config. */
  registry?: string | null;
  type: "npm";
  /** Optional npm version or version range. */
  version?: string | null;
} | {
  type: "remote";
};
export type PluginSummary = {
  authPolicy: PluginAuthPolicy;
  /** Availability state for installing and using the plugin. */
  availability?: PluginAvailability;
  /** Why the remote plugin is unavailable, when provided by plugin-service. */
  disabledReason?: PluginDisabledReason | null;
  /** Raw plugin-service plan identifiers eligible to install the plugin. */
  eligiblePlanTypes?: string[] | null;
  enabled: boolean;
  id: string;
  installPolicy: PluginInstallPolicy;
  installPolicySource?: PluginInstallPolicySource | null;
  installed: boolean;
  /** Unix timestamp in seconds when the remote plugin was installed, when available. */
  installedAt?: number | null;
  interface?: PluginInterface | null;
  keywords?: string[];
  /** Version of the locally materialized plugin package when available. */
  localVersion?: string | null;
  mustShowInstallationInterstitial?: boolean | null;
  name: string;
  /** Backend remote plugin identifier when available. */
  remotePluginId?: string | null;
  /** Remote sharing context associated with this plugin when available. */
  shareContext?: PluginShareContext | null;
  source: PluginSource;
  /** Version advertised by the remote marketplace backend when available. */
  version?: string | null;
};
export type PluginUninstallParams = {
  pluginId: string;
};
export type PluginUninstallResponse = { [key: string]: unknown };
export type ProviderSettings = {
  type: "openai";
} | {
  auth: GatewayAuth;
  type: "customGateway";
} | {
  profile?: string | null;
  region?: string | null;
  type: "bedrock";
} | {
  /** Path on the app-server host, without credential-file contents. */
  credentialFile?: string | null;
  location?: string | null;
  projectId?: string | null;
  type: "gcp";
};
/** Omitted patch fields preserve their values. Explicit null clears a nullable field. */
export type ProviderSettingsPatch = {
  baseUrl?: string | null;
  envKey?: string | null;
  name?: string;
  /** Omit or pass null to allocate a new custom provider ID. */
  providerId?: string | null;
  type: "customGateway";
} | {
  profile?: string | null;
  providerId: BedrockProviderId;
  region?: string | null;
  type: "bedrock";
} | {
  credentialFile?: string | null;
  location?: string | null;
  projectId?: string | null;
  providerId: GcpProviderId;
  type: "gcp";
};
export type RateLimitReachedType = "rate_limit_reached" | "workspace_owner_credits_depleted" | "workspace_member_credits_depleted" | "workspace_owner_usage_limit_reached" | "workspace_member_usage_limit_reached";
export type RateLimitResetCredit = {
  /** Backend-provided display description for this credit, or `null` when unavailable. */
  description?: string | null;
  /** Unix timestamp in seconds when the credit expires, or `null` if it does not expire. */
  expiresAt?: number | null;
  /** Unix timestamp in seconds when the credit was granted. */
  grantedAt: number;
  /** Opaque backend identifier for this reset credit. */
  id: string;
  resetType: RateLimitResetType;
  status: RateLimitResetCreditStatus;
  /** Backend-provided display title for this credit, or `null` when unavailable. */
  title?: string | null;
};
export type RateLimitResetCreditsSummary = {
  availableCount: number;
  /**
   * Detail rows for available reset credits, when the backend provides them.
   *
   * `null` means only `availableCount` is known, while an empty array means details were fetched and no available credits were returned. The backend may cap this list, so its length can be less than `availableCount`.
   */
  credits?: RateLimitResetCredit[] | null;
};
export type RateLimitResetCreditStatus = "available" | "redeeming" | "redeemed" | "unknown";
export type RateLimitResetType = "codexRateLimits" | "unknown";
export type RateLimitSnapshot = {
  credits?: CreditsSnapshot | null;
  individualLimit?: SpendControlLimitSnapshot | null;
  limitId?: string | null;
  limitName?: string | null;
  /** Normal model whose display name and reasoning options describe this quota alias. */
  normalModelSlug?: string | null;
  planType?: PlanType | null;
  primary?: RateLimitWindow | null;
  rateLimitReachedType?: RateLimitReachedType | null;
  secondary?: RateLimitWindow | null;
  /** Backend-reported spend-control state. `None` is unavailable, not a sparse-update recovery. */
  spendControlReached?: boolean | null;
};
export type RateLimitWindow = {
  resetsAt?: number | null;
  usedPercent: number;
  windowDurationMins?: number | null;
};
/** A non-empty reasoning effort value advertised by the model. */
export type ReasoningEffort = string;
export type ReasoningEffortOption = {
  description: string;
  reasoningEffort: ReasoningEffort;
};
/** A summary of the reasoning performed by the model. This can be useful for debugging and understanding the model's reasoning process. See https://platform.openai.com/docs/guides/reasoning?api-mode=responses#reasoning-summaries */
export type ReasoningSummary = "auto" | "concise" | "detailed" | "none";
export type RequestHeader = {
  name: string;
  value: string;
};
export type ResidencyRequirement = "us";
/** A known resource that the server is capable of reading. */
export type Resource = {
  _meta?: unknown;
  annotations?: unknown;
  description?: string | null;
  icons?: unknown[] | null;
  mimeType?: string | null;
  name: string;
  size?: number | null;
  title?: string | null;
  uri: string;
};
/** Contents returned when reading a resource from an MCP server. */
export type ResourceContent = {
  _meta?: unknown;
  mimeType?: string | null;
  text: string;
  /** The URI of this resource. */
  uri: string;
} | {
  _meta?: unknown;
  blob: string;
  mimeType?: string | null;
  /** The URI of this resource. */
  uri: string;
};
/** A template description for resources available on the server. */
export type ResourceTemplate = {
  annotations?: unknown;
  description?: string | null;
  mimeType?: string | null;
  name: string;
  title?: string | null;
  uriTemplate: string;
};
export type ReviewDelivery = "inline";
export type ReviewStartParams = {
  /** Reviews run inline on the supplied thread. Omit this field or pass `inline`. To review on a separate thread, start a thread first and use its id. */
  delivery?: ReviewDelivery | null;
  target: ReviewTarget;
  threadId: string;
};
export type ReviewStartResponse = {
  /** The thread id supplied to `review/start`. */
  reviewThreadId: string;
  turn: Turn;
};
export type ReviewTarget = {
  type: "uncommittedChanges";
} | {
  branch: string;
  type: "baseBranch";
} | {
  sha: string;
  /** Optional human-readable label (e.g., commit subject) for UIs. */
  title?: string | null;
  type: "commit";
} | {
  instructions: string;
  type: "custom";
};
export type SandboxMode = "read-only" | "workspace-write" | "danger-full-access";
export type SandboxPolicy = {
  type: "dangerFullAccess";
} | {
  networkAccess?: boolean;
  type: "readOnly";
} | {
  networkAccess?: NetworkAccess;
  type: "externalSandbox";
} | {
  excludeSlashTmp?: boolean;
  excludeTmpdirEnvVar?: boolean;
  networkAccess?: boolean;
  type: "workspaceWrite";
  writableRoots?: AbsolutePathBuf[];
};
export type SandboxWorkspaceWrite = {
  exclude_slash_tmp?: boolean;
  exclude_tmpdir_env_var?: boolean;
  network_access?: boolean;
  writable_roots?: string[];
};
export type ScheduledTaskSchedule = {
  days?: ScheduledTaskWeekday[] | null;
  intervalHours: number;
  type: "hourly";
} | {
  time: string;
  type: "daily";
} | {
  time: string;
  type: "weekdays";
} | {
  days: ScheduledTaskWeekday[];
  time: string;
  type: "weekly";
};
export type ScheduledTaskSummary = {
  key: string;
  name: string;
  prompt: string;
  schedule: ScheduledTaskSchedule;
};
export type ScheduledTaskWeekday = "MO" | "TU" | "WE" | "TH" | "FR" | "SA" | "SU";
export type SendAddCreditsNudgeEmailParams = {
  creditType: AddCreditsNudgeCreditType;
};
export type SendAddCreditsNudgeEmailResponse = {
  status: AddCreditsNudgeEmailStatus;
};
export type SessionMigration = {
  cwd: string;
  path: string;
  title?: string | null;
};
export type SessionSource = "cli" | "vscode" | "exec" | "appServer" | "unknown" | {
  custom: string;
} | {
  subAgent: SubAgentSource;
};
/** Settings for a collaboration mode. */
export type Settings = {
  developer_instructions?: string | null;
  model: string;
  reasoning_effort?: ReasoningEffort | null;
};
export type SkillDependencies = {
  tools: SkillToolDependency[];
};
export type SkillErrorInfo = {
  message: string;
  path: string;
};
export type SkillInterface = {
  brandColor?: string | null;
  defaultPrompt?: string | null;
  displayName?: string | null;
  iconLarge?: AbsolutePathBuf | null;
  /** Remote large icon URL from the plugin catalog. */
  iconLargeUrl?: string | null;
  iconSmall?: AbsolutePathBuf | null;
  /** Remote small icon URL from the plugin catalog. */
  iconSmallUrl?: string | null;
  shortDescription?: string | null;
};
export type SkillMetadata = {
  dependencies?: SkillDependencies | null;
  description: string;
  enabled: boolean;
  interface?: SkillInterface | null;
  name: string;
  path: LegacyAppPathString;
  /** Owning plugin ID, matching `PluginSummary.id`, when known. */
  pluginId?: string | null;
  scope: SkillScope;
  /** Legacy short_description from SKILL.md. Prefer SKILL.json interface.short_description. */
  shortDescription?: string | null;
};
export type SkillMigration = {
  name: string;
};
export type SkillsConfigWriteParams = {
  enabled: boolean;
  /** Name-based selector. */
  name?: string | null;
  /** Path-based selector. */
  path?: AbsolutePathBuf | null;
};
export type SkillsConfigWriteResponse = {
  effectiveEnabled: boolean;
};
export type SkillScope = "user" | "repo" | "system" | "admin";
export type SkillsExtraRootsSetParams = {
  extraRoots: AbsolutePathBuf[];
};
export type SkillsExtraRootsSetResponse = { [key: string]: unknown };
export type SkillsListEntry = {
  cwd: string;
  errors: SkillErrorInfo[];
  skills: SkillMetadata[];
};
export type SkillsListParams = {
  /** When empty, defaults to the current session working directory. */
  cwds?: string[];
  /** When true, bypass the skills cache and re-scan skills from disk. */
  forceReload?: boolean;
};
export type SkillsListResponse = {
  data: SkillsListEntry[];
};
export type SkillSummary = {
  description: string;
  enabled: boolean;
  interface?: SkillInterface | null;
  name: string;
  path?: LegacyAppPathString | null;
  shortDescription?: string | null;
};
export type SkillToolDependency = {
  command?: string | null;
  description?: string | null;
  transport?: string | null;
  type: string;
  url?: string | null;
  value: string;
};
export type SortDirection = "asc" | "desc";
export type SpendControlLimitSnapshot = {
  limit: string;
  remainingPercent: number;
  resetsAt: number;
  used: string;
};
export type SubAgentActivityKind = "started" | "interacted" | "interrupted" | "completed";
export type SubagentMigration = {
  name: string;
};
export type SubAgentSource = "review" | "compact" | "memory_consolidation" | {
  thread_spawn: {
    agent_nickname?: string | null;
    agent_path?: AgentPath | null;
    agent_role?: string | null;
    depth: number;
    parent_thread_id: ThreadId;
  };
} | {
  other: string;
};
export type TextElement = {
  /** Byte range in the parent `text` buffer that this element occupies. */
  byteRange: ByteRange;
  /** Optional human-readable placeholder for the element, displayed in the UI. */
  placeholder?: string | null;
};
export type Thread = {
  /** Optional random unique nickname assigned to an AgentControl-spawned sub-agent. */
  agentNickname?: string | null;
  /** Optional role (agent_role) assigned to an AgentControl-spawned sub-agent. */
  agentRole?: string | null;
  /** Version of the CLI that created the thread. */
  cliVersion: string;
  /** Unix timestamp (in seconds) when the thread was created. */
  createdAt: number;
  /** Working directory captured for the thread. */
  cwd: AbsolutePathBuf;
  /** Whether the thread is ephemeral and should not be materialized on disk. */
  ephemeral: boolean;
  /** Source thread id when this thread was created by forking another thread. */
  forkedFromId?: string | null;
  /** Optional Git metadata captured when the thread was created. */
  gitInfo?: GitInfo | null;
  /** Persisted thread history contract selected when this thread was created. */
  historyMode?: ThreadHistoryMode;
  /** Identifier for this thread. Codex-generated thread IDs are UUIDv7. */
  id: string;
  /** Current configured model when loaded, otherwise the latest persisted model. Null when unavailable. This is not per-turn execution telemetry. */
  model?: string | null;
  /** Model provider used for this thread (for example, 'openai'). */
  modelProvider: string;
  /** Optional user-facing thread title. */
  name?: string | null;
  /** Originator recorded when the thread was created, independent of its current client or executor. Null when the recorded originator is unavailable. */
  originator?: string | null;
  /** The ID of the parent thread. This will only be set if this thread is a subagent. */
  parentThreadId?: string | null;
  /** [UNSTABLE] Path to the thread on disk. */
  path?: string | null;
  /** Usually the first user message in the thread, if available. */
  preview: string;
  /** Canonical project assignment owned by app-server, if any. */
  projectId: string | null;
  /** Current configured reasoning effort when loaded, otherwise the latest persisted effort. Null when unset or unavailable. This is not per-turn execution telemetry. */
  reasoningEffort?: ReasoningEffort | null;
  /** Unix timestamp (in seconds) used for thread recency ordering. */
  recencyAt?: number | null;
  /** The independently persisted section selected for this thread, if any. */
  section?: ThreadSection | null;
  /** Unix timestamp in seconds when the thread entered its current section. */
  sectionEnteredAt?: number | null;
  /** Session id shared by threads that belong to the same session tree. */
  sessionId: string;
  /** Origin of the thread (CLI, VSCode, codex exec, codex app-server, etc.). */
  source: SessionSource;
  /** Current runtime status for the thread. */
  status: ThreadStatus;
  /** Optional analytics source classification for this thread. */
  threadSource?: ThreadSource | null;
  /** Only populated on `thread/resume`, `thread/fork`, and `thread/read` (when `includeTurns` is true) responses. For all other responses and notifications returning a Thread, the turns field will be an empty list. */
  turns: Turn[];
  /** Unix timestamp (in seconds) when the thread was last updated. */
  updatedAt: number;
};
export type ThreadActiveFlag = "waitingOnApproval" | "waitingOnUserInput";
export type ThreadApproveGuardianDeniedActionParams = {
  /** Serialized `codex_protocol::protocol::GuardianAssessmentEvent`. */
  event: unknown;
  threadId: string;
};
export type ThreadApproveGuardianDeniedActionResponse = { [key: string]: unknown };
export type ThreadArchiveParams = {
  threadId: string;
};
export type ThreadArchiveResponse = { [key: string]: unknown };
/** An independently persisted attachment associated with a thread. */
export type ThreadAttachment = {
  attachmentType: string;
  createdAt: number;
  id: string;
  identityKey: string;
  payload: unknown;
};
/** Result of attempting to associate an attachment with a thread. */
export type ThreadAttachmentAddOutcome = "created" | "existing";
/** Parameters for creating or locating an attachment on its owning thread. */
export type ThreadAttachmentAddParams = {
  attachmentType: string;
  identityKey: string;
  payload: unknown;
  threadId: string;
};
/** The created or existing attachment. */
export type ThreadAttachmentAddResponse = {
  attachment: ThreadAttachment;
  outcome: ThreadAttachmentAddOutcome;
};
/** Parameters for listing attachments from one thread. */
export type ThreadAttachmentListParams = {
  cursor?: string | null;
  limit?: number | null;
  threadId: string;
};
/** One page of attachments associated with the requested thread. */
export type ThreadAttachmentListResponse = {
  data: ThreadAttachment[];
  nextCursor?: string | null;
};
/** A thread that currently owns an attachment with the requested identity. */
export type ThreadAttachmentOwner = {
  /** Whether the owning thread is archived, not whether it is currently executing a turn. */
  archived: boolean;
  threadId: string;
};
/** Parameters for reverse lookup by attachment identity within this server's store. */
export type ThreadAttachmentOwnerListParams = {
  /** Omitted or null returns all matches; false returns non-archived threads only. */
  archived?: boolean | null;
  attachmentType: string;
  cursor?: string | null;
  identityKey: string;
  limit?: number | null;
};
/** One page of matching owners, including threads without their own user messages. */
export type ThreadAttachmentOwnerListResponse = {
  data: ThreadAttachmentOwner[];
  nextCursor?: string | null;
};
/** Parameters for deleting an attachment by its stable thread-local identity. */
export type ThreadAttachmentRemoveParams = {
  attachmentType: string;
  identityKey: string;
  threadId: string;
};
/** Successful deletion does not return additional attachment data. */
export type ThreadAttachmentRemoveResponse = { [key: string]: unknown };
export type ThreadCompactStartParams = {
  threadId: string;
};
export type ThreadCompactStartResponse = { [key: string]: unknown };
export type ThreadDeleteParams = {
  threadId: string;
};
export type ThreadDeleteResponse = { [key: string]: unknown };
/**
 * There are two ways to fork a thread: 1. By thread_id: load the thread from disk by thread_id and fork it into a new thread. 2. By path: load the thread from disk by path and fork it into a new thread.
 *
 * If using a non-empty path, the thread_id param will be ignored. Empty string path values are treated as absent.
 *
 * Prefer using thread_id whenever possible.
 */
export type ThreadForkParams = {
  approvalPolicy?: AskForApproval | null;
  /** Override where approval requests are routed for review on this thread and subsequent turns. */
  approvalsReviewer?: ApprovalsReviewer | null;
  baseInstructions?: string | null;
  config?: { [key: string]: unknown } | null;
  cwd?: string | null;
  developerInstructions?: string | null;
  ephemeral?: boolean;
  /** When true, return only thread metadata and live fork state without populating `thread.turns`. This is useful when the client plans to call `thread/turns/list` immediately after forking. Full-history hydration is deprecated for paginated threads; use this with `thread/turns/list` and `thread/items/list` instead. */
  excludeTurns?: boolean;
  /**
   * Optional last turn id to fork through, inclusive.
   *
   * When specified, turns after `last_turn_id` are omitted from the fork. The referenced turn cannot be in progress.
   */
  lastTurnId?: string | null;
  /** Configuration overrides for the forked thread, if any. */
  model?: string | null;
  modelProvider?: string | null;
  sandbox?: SandboxMode | null;
  serviceTier?: string | null;
  threadId: string;
  /** Optional client-supplied analytics source classification for this forked thread. */
  threadSource?: ThreadSource | null;
};
export type ThreadForkResponse = {
  approvalPolicy: AskForApproval;
  /** Reviewer currently used for approval requests on this thread. */
  approvalsReviewer: ApprovalsReviewer;
  cwd: AbsolutePathBuf;
  /** Saved list of disabled plugin IDs. Does not yet filter plugin capabilities. */
  disabledPluginIds?: string[];
  /** Environment-native paths to instruction source files currently loaded for this thread. */
  instructionSources?: LegacyAppPathString[];
  model: string;
  modelProvider: string;
  reasoningEffort?: ReasoningEffort | null;
  /** Legacy sandbox policy retained for compatibility. Experimental clients should prefer `activePermissionProfile` for profile provenance. */
  sandbox: SandboxPolicy;
  serviceTier?: string | null;
  thread: Thread;
};
export type ThreadGoal = {
  createdAt: number;
  objective: string;
  status: ThreadGoalStatus;
  threadId: string;
  timeUsedSeconds: number;
  tokenBudget?: number | null;
  tokensUsed: number;
  updatedAt: number;
};
export type ThreadGoalClearParams = {
  /** Missing provenance does not supply user authorization. */
  origin?: ThreadGoalMutationOrigin | null;
  threadId: string;
};
export type ThreadGoalClearResponse = {
  cleared: boolean;
};
export type ThreadGoalGetParams = {
  threadId: string;
};
export type ThreadGoalGetResponse = {
  goal?: ThreadGoal | null;
};
/** Distinguishes explicit user actions from automatic goal lifecycle mutations. */
export type ThreadGoalMutationOrigin = "user" | "automatic";
export type ThreadGoalSetParams = {
  objective?: string | null;
  /** Missing provenance does not supply user authorization. */
  origin?: ThreadGoalMutationOrigin | null;
  status?: ThreadGoalStatus | null;
  threadId: string;
  tokenBudget?: number | null;
};
export type ThreadGoalSetResponse = {
  goal: ThreadGoal;
};
export type ThreadGoalStatus = "active" | "paused" | "blocked" | "usageLimited" | "budgetLimited" | "complete";
export type ThreadHistoryMode = "legacy" | "paginated";
export type ThreadId = string;
export type ThreadInjectItemsParams = {
  /** Raw Responses API items to append to the thread's model-visible history. */
  items: unknown[];
  threadId: string;
};
export type ThreadInjectItemsResponse = { [key: string]: unknown };
/** A thread item and its recorded lifecycle times. The payload stays flat on the wire. */
export type ThreadItem = {
  /** Unix timestamp in milliseconds when the item completed, if recorded. */
  completedAtMs?: number | null;
  /** Unix timestamp in milliseconds when the item started, if recorded. */
  startedAtMs?: number | null;
} & ({
  clientId?: string | null;
  content: UserInput[];
  id: string;
  type: "userMessage";
} | {
  fragments: HookPromptFragment[];
  id: string;
  type: "hookPrompt";
} | {
  delivery?: AgentMessageDelivery | null;
  id: string;
  memoryCitation?: MemoryCitation | null;
  moderation?: AgentMessageModeration | null;
  phase?: MessagePhase | null;
  questions?: AsyncUserInputQuestion[] | null;
  text: string;
  type: "agentMessage";
} | {
  id: string;
  name: string;
  namespace?: string | null;
  output: FunctionCallOutputBody;
  type: "functionCallOutput";
} | {
  id: string;
  text: string;
  type: "plan";
} | {
  content?: string[];
  id: string;
  summary?: string[];
  type: "reasoning";
} | {
  /** The command's output, aggregated from stdout and stderr. */
  aggregatedOutput?: string | null;
  /** The command to be executed. */
  command: string;
  /** A best-effort parsing of the command to understand the action(s) it will perform. This returns a list of CommandAction objects because a single shell command may be composed of many commands piped together. */
  commandActions: CommandAction[];
  /** The command's working directory. */
  cwd: LegacyAppPathString;
  /** The duration of the command execution in milliseconds. */
  durationMs?: number | null;
  /** The command's exit code. */
  exitCode?: number | null;
  id: string;
  /** Trusted first-party plugin id when this command resolves to one plugin script. */
  pluginId?: string | null;
  /** Identifier for the underlying PTY process (when available). */
  processId?: string | null;
  /** Safe plugin-relative path when this command resolves to one plugin script. */
  scriptPath?: string | null;
  source?: CommandExecutionSource;
  status: CommandExecutionStatus;
  type: "commandExecution";
} | {
  changes: FileUpdateChange[];
  id: string;
  status: PatchApplyStatus;
  type: "fileChange";
} | {
  appContext?: McpToolCallAppContext | null;
  arguments: unknown;
  /** The duration of the MCP tool call in milliseconds. */
  durationMs?: number | null;
  error?: McpToolCallError | null;
  id: string;
  /** Legacy compatibility field; prefer `mcpAppUi.resourceUri` when available. */
  mcpAppResourceUri?: string | null;
  /** Presentation captured from the invoked descriptor; absent in older history. */
  mcpAppUi?: McpAppUi | null;
  pluginId?: string | null;
  readOnlyHint?: boolean | null;
  result?: McpToolCallResult | null;
  server: string;
  status: McpToolCallStatus;
  tool: string;
  type: "mcpToolCall";
} | {
  arguments: unknown;
  contentItems?: DynamicToolCallOutputContentItem[] | null;
  /** The duration of the dynamic tool call in milliseconds. */
  durationMs?: number | null;
  id: string;
  namespace?: string | null;
  status: DynamicToolCallStatus;
  success?: boolean | null;
  tool: string;
  type: "dynamicToolCall";
} | {
  /** Last known status of the target agents, when available. */
  agentsStates: {
    [key: string]: CollabAgentState;
  };
  /** Unique identifier for this collab tool call. */
  id: string;
  /** Model requested for the spawned agent, when applicable. */
  model?: string | null;
  /** Prompt text sent as part of the collab tool call, when available. */
  prompt?: string | null;
  /** Reasoning effort requested for the spawned agent, when applicable. */
  reasoningEffort?: ReasoningEffort | null;
  /** Thread ID of the receiving agent, when applicable. In case of spawn operation, this corresponds to the newly spawned agent. */
  receiverThreadIds: string[];
  /** Thread ID of the agent issuing the collab request. */
  senderThreadId: string;
  /** Current status of the collab tool call. */
  status: CollabAgentToolCallStatus;
  /** Name of the collab tool that was invoked. */
  tool: CollabAgentTool;
  type: "collabAgentToolCall";
} | {
  agentPath: string;
  agentThreadId: string;
  id: string;
  kind: SubAgentActivityKind;
  /** Resolved model at sub-agent creation; absent from older records and other activities. */
  model?: string | null;
  /** Resolved reasoning effort at sub-agent creation, when known. */
  reasoningEffort?: ReasoningEffort | null;
  type: "subAgentActivity";
} | {
  action?: WebSearchAction | null;
  id: string;
  query: string;
  /**
   * Structured search results returned out-of-band by standalone web search.
   *
   * These stay as opaque JSON at the extension/app-server boundary so new result fields and result types can pass through without a Codex release.
   */
  results?: unknown[] | null;
  type: "webSearch";
} | {
  id: string;
  path: LegacyAppPathString;
  type: "imageView";
} | {
  durationMs: number;
  id: string;
  type: "sleep";
} | {
  failure?: ImageGenerationFailure | null;
  /** Image generation identifier for the generated image, when provided by the image backend. */
  generationId?: string | null;
  id: string;
  /** Observed local inputs for a completed generation, absent on older items. */
  inputImages?: ImageGenerationInputImage[];
  revisedPrompt?: string | null;
  savedPath?: AbsolutePathBuf | null;
  status: string;
  transparentBackground?: boolean | null;
  type: "imageGeneration";
} & ({
  fileId: string;
} | {
  result: string;
}) | {
  id: string;
  review: string;
  type: "enteredReviewMode";
} | {
  id: string;
  review: string;
  type: "exitedReviewMode";
} | {
  id: string;
  type: "contextCompaction";
});
export type ThreadItemEntry = {
  /** Unix timestamp (milliseconds) when the item completed, if recorded by the producer. */
  completedAtMs?: number | null;
  item: ThreadItem;
  /** Unix timestamp (milliseconds) when the item started, if recorded by the producer. */
  startedAtMs?: number | null;
  /** Turn containing this item. */
  turnId: string;
};
export type ThreadItemOutputDeferral = { [key: string]: unknown };
/** An exclusive item position within the requested visible turn. */
export type ThreadItemsListAnchor = {
  itemId: string;
  type: "item";
};
/** Starting position for an item-history page. */
export type ThreadItemsListCursor = string | ThreadItemsListAnchor;
export type ThreadItemsListParams = {
  /** Opaque continuation cursor or an exclusive item anchor in the requested visible turn. An item anchor requires a non-empty `turnId`; ascending (the default) returns items after it, and descending returns items before it. Continue with the returned string cursor. */
  cursor?: ThreadItemsListCursor | null;
  /** For a single turn, choose which saved outputs to fetch separately by item ID. */
  deferOutput?: ThreadItemOutputDeferral | null;
  /** Optional item page size. */
  limit?: number | null;
  /** Optional item pagination direction; defaults to ascending. */
  sortDirection?: SortDirection | null;
  threadId: string;
  /** Optional turn id to filter by. When omitted, returns items across the thread. */
  turnId?: string | null;
};
export type ThreadItemsListResponse = {
  /** Opaque cursor to pass as `cursor` when reversing `sortDirection`. This is only populated when the page contains at least one item. */
  backwardsCursor?: string | null;
  data: ThreadItemEntry[];
  /** Opaque cursor to pass to the next call to continue after the last item. if None, there are no more items to return. */
  nextCursor?: string | null;
};
export type ThreadListCwdFilter = string | string[];
export type ThreadListParams = {
  /** Optional archived filter; when set to true, only archived threads are returned. If false or null, only non-archived threads are returned. */
  archived?: boolean | null;
  /** Show local history visible to the current ChatGPT account. Defaults to false. */
  currentAccountOnly?: boolean;
  /** Opaque pagination cursor returned by a previous call. */
  cursor?: string | null;
  /** Optional cwd filter or filters; when set, only threads whose session cwd exactly matches one of these paths are returned. */
  cwd?: ThreadListCwdFilter | null;
  /** Thread IDs to exclude before applying the result limit. Up to 100 entries; invalid IDs or a larger list are rejected, never truncated. Send the same exclusions on each page. Omitted, null, or empty means no exclusions. */
  excludedThreadIds?: string[] | null;
  /** Optional page size; defaults to a reasonable server-side value. */
  limit?: number | null;
  /** Optional provider filter; when set, only sessions recorded under these providers are returned. When present but empty, includes all providers. */
  modelProviders?: string[] | null;
  /** Optional originator allowlist, matching any supplied value exactly. Supported by hosted backends only; the local app-server rejects a nonempty list. Omitted or empty lists leave originators unrestricted. */
  originators?: string[] | null;
  /** Optional substring filter for the extracted thread title. */
  searchTerm?: string | null;
  /** Omit to include every section, set to `null` for unsectioned threads, or provide a section ID to return only threads in that section. */
  sectionId?: string | null;
  /** Optional sort direction; defaults to descending (newest first). */
  sortDirection?: SortDirection | null;
  /** Optional sort key; defaults to created_at. */
  sortKey?: ThreadSortKey | null;
  /** Optional source filter; when set, only sessions from these source kinds are returned. When omitted or empty, defaults to interactive sources. */
  sourceKinds?: ThreadSourceKind[] | null;
  /** If true, return from the state DB without scanning JSONL rollouts to repair thread metadata. Omitted or false preserves scan-and-repair behavior. */
  useStateDbOnly?: boolean;
};
export type ThreadListResponse = {
  /** Opaque cursor to pass as `cursor` when reversing `sortDirection`. This is only populated when the page contains at least one thread. Use it with the opposite `sortDirection`; for timestamp sorts it anchors at the start of the page timestamp so same-second updates are not skipped. */
  backwardsCursor?: string | null;
  data: Thread[];
  /** Opaque cursor to pass to the next call to continue after the last item. if None, there are no more items to return. */
  nextCursor?: string | null;
};
export type ThreadLoadedListParams = {
  /** Opaque pagination cursor returned by a previous call. */
  cursor?: string | null;
  /** Optional page size; defaults to no limit. */
  limit?: number | null;
};
export type ThreadLoadedListResponse = {
  /** Thread ids for sessions currently loaded in memory. */
  data: string[];
  /** Opaque cursor to pass to the next call to continue after the last item. if None, there are no more items to return. */
  nextCursor?: string | null;
};
export type ThreadMetadataGitInfoUpdateParams = {
  /** Omit to leave the stored branch unchanged, set to `null` to clear it, or provide a non-empty string to replace it. */
  branch?: string | null;
  /** Omit to leave the stored origin URL unchanged, set to `null` to clear it, or provide a non-empty string to replace it. */
  originUrl?: string | null;
  /** Omit to leave the stored commit unchanged, set to `null` to clear it, or provide a non-empty string to replace it. */
  sha?: string | null;
};
export type ThreadMetadataUpdateParams = {
  /** Patch the stored Git metadata for this thread. Omit a field to leave it unchanged, set it to `null` to clear it, or provide a string to replace the stored value. */
  gitInfo?: ThreadMetadataGitInfoUpdateParams | null;
  threadId: string;
};
export type ThreadMetadataUpdateResponse = {
  thread: Thread;
};
export type ThreadReadParams = {
  /** When true, include turns and their items from rollout history. Full-history hydration is deprecated for paginated threads; prefer a metadata-only read and page with `thread/turns/list` and `thread/items/list`. */
  includeTurns?: boolean;
  threadId: string;
};
export type ThreadReadResponse = {
  thread: Thread;
};
/**
 * There are three ways to resume a thread: 1. By thread_id: load the thread from disk by thread_id and resume it. 2. By history: instantiate the thread from memory and resume it. 3. By path: load the thread from disk by path and resume it.
 *
 * For non-running threads, the precedence is: history > non-empty path > thread_id. If using history or a non-empty path for a non-running thread, the thread_id param will be ignored.
 *
 * If thread_id identifies a running thread, app-server rejoins that thread and treats a non-empty path as a consistency check against the active rollout path. Empty string path values are treated as absent.
 *
 * Prefer using thread_id whenever possible.
 */
export type ThreadResumeParams = {
  approvalPolicy?: AskForApproval | null;
  /** Override where approval requests are routed for review on this thread and subsequent turns. */
  approvalsReviewer?: ApprovalsReviewer | null;
  baseInstructions?: string | null;
  config?: { [key: string]: unknown } | null;
  cwd?: string | null;
  developerInstructions?: string | null;
  /** When true, return only thread metadata and live-resume state without populating `thread.turns`. This is useful when the client plans to call `thread/turns/list` immediately after resuming. Full-history hydration is deprecated for paginated threads; use this with `thread/turns/list` and `thread/items/list` instead. */
  excludeTurns?: boolean;
  /** Configuration overrides for the resumed thread, if any. */
  model?: string | null;
  modelProvider?: string | null;
  /** @deprecated `friendly` and `pragmatic` no longer select a style. Changing this does not rewrite the thread's existing instructions. */
  personality?: Personality | null;
  sandbox?: SandboxMode | null;
  serviceTier?: string | null;
  threadId: string;
};
export type ThreadResumeResponse = {
  approvalPolicy: AskForApproval;
  /** Reviewer currently used for approval requests on this thread. */
  approvalsReviewer: ApprovalsReviewer;
  /** Effective collaboration mode. Absent when resuming from an older server. */
  collaborationMode?: CollaborationMode | null;
  cwd: AbsolutePathBuf;
  /** Saved list of disabled plugin IDs. Does not yet filter plugin capabilities. */
  disabledPluginIds?: string[];
  /** Environment-native paths to instruction source files currently loaded for this thread. */
  instructionSources?: LegacyAppPathString[];
  /**
   * Opaque cursor for hydrating paginated items backwards.
   *
   * Pass this as `cursor` to `thread/items/list` with `sortDirection: "desc"`. The first page includes the item identified by the cursor.
   */
  itemsBackwardsCursor?: string | null;
  model: string;
  modelProvider: string;
  reasoningEffort?: ReasoningEffort | null;
  /** Legacy sandbox policy retained for compatibility. Experimental clients should prefer `activePermissionProfile` for profile provenance. */
  sandbox: SandboxPolicy;
  serviceTier?: string | null;
  thread: Thread;
  /**
   * Opaque cursor for hydrating paginated turns backwards.
   *
   * Pass this as `cursor` to `thread/turns/list` with `sortDirection: "desc"`. The first page includes the turn identified by the cursor.
   */
  turnsBackwardsCursor?: string | null;
};
/**
 * Replace a paginated thread's durable history with the prefix before one turn.
 *
 * This only changes persisted conversation history. It does not revert local file changes.
 */
export type ThreadRevertParams = {
  /** Turn excluded from the replacement history, together with every later turn. */
  beforeTurnId: string;
  threadId: string;
};
export type ThreadRevertResponse = {
  /**
   * Opaque cursor for hydrating paginated items backwards.
   *
   * Pass this as `cursor` to `thread/items/list` with `sortDirection: "desc"`. The first page includes the item identified by the cursor.
   */
  itemsBackwardsCursor?: string | null;
  /** Updated loaded thread metadata. `turns` is always empty; hydrate retained history through `thread/turns/list`. */
  thread: Thread;
  /**
   * Opaque cursor for hydrating paginated turns backwards.
   *
   * Pass this as `cursor` to `thread/turns/list` with `sortDirection: "desc"`. The first page includes the turn identified by the cursor.
   */
  turnsBackwardsCursor?: string | null;
};
/** An independently persisted, user-visible thread section. */
export type ThreadSection = {
  /** Optional appearance synchronized across clients. */
  appearance?: ThreadSectionAppearance | null;
  /** Opaque UUIDv7 identity that remains stable when the section is renamed. */
  id: string;
  /** The current user-visible section name. */
  name: string;
};
/** Extensible visual presentation for a custom thread section. */
export type ThreadSectionAppearance = {
  color?: string | null;
  icon?: string | null;
};
/** Parameters for creating an independently persisted thread section. */
export type ThreadSectionCreateParams = {
  appearance?: ThreadSectionAppearance | null;
  /** The user-visible name of the section. */
  name: string;
};
/** The independently persisted section created by the server. */
export type ThreadSectionCreateResponse = {
  section: ThreadSection;
};
/** Parameters for deleting an independently persisted thread section. */
export type ThreadSectionDeleteParams = {
  /** The stable, server-generated identity of the section to delete. */
  sectionId: string;
};
/** Successful deletion does not return additional section data. */
export type ThreadSectionDeleteResponse = { [key: string]: unknown };
/** Parameters for listing independently persisted thread sections. */
export type ThreadSectionListParams = {
  /** Opaque pagination cursor returned by a previous call. */
  cursor?: string | null;
  /** Maximum number of sections to return. */
  limit?: number | null;
};
/** One page of independently persisted thread sections. */
export type ThreadSectionListResponse = {
  data: ThreadSection[];
  /** Opaque cursor for the next page, or `null` when no sections remain. */
  nextCursor?: string | null;
};
/** Parameters for moving a thread within a server-owned section ordering. */
export type ThreadSectionMoveParams = {
  /** Existing thread to insert before; omission or null appends to the section. */
  beforeThreadId?: string | null;
  /** Destination section, or `null` to remove the thread from its section. */
  sectionId: string | null;
  /** Thread to move into, within, or out of a section. */
  threadId: string;
};
export type ThreadSectionMoveResponse = { [key: string]: unknown };
/** Parameters for updating an independently persisted thread section. */
export type ThreadSectionUpdateParams = {
  /** Omit to preserve appearance, use `null` to clear it, or provide a replacement. */
  appearance?: ThreadSectionAppearance | null;
  /** The updated user-visible name of the section. */
  name: string;
  /** The stable, server-generated identity of the section to update. */
  sectionId: string;
};
/** The independently persisted section after its name is updated. */
export type ThreadSectionUpdateResponse = {
  section: ThreadSection;
};
export type ThreadSetNameParams = {
  name: string;
  threadId: string;
};
export type ThreadSetNameResponse = { [key: string]: unknown };
export type ThreadShellCommandParams = {
  /** Shell command string evaluated by the thread's configured shell. Unlike `command/exec`, this intentionally preserves shell syntax such as pipes, redirects, and quoting. This runs unsandboxed with full access rather than inheriting the thread sandbox policy. */
  command: string;
  threadId: string;
  /** Maximum execution time in milliseconds. Defaults to one hour when omitted or null. Must be non-negative; zero requests an immediate timeout, not unlimited execution. Does not affect the immediate RPC acknowledgement. */
  timeoutMs?: number | null;
};
export type ThreadShellCommandResponse = { [key: string]: unknown };
export type ThreadSortKey = "created_at" | "updated_at" | "recency_at" | "section_position";
export type ThreadSource = string;
export type ThreadSourceKind = "cli" | "vscode" | "exec" | "appServer" | "subAgent" | "subAgentReview" | "subAgentCompact" | "subAgentThreadSpawn" | "subAgentOther" | "unknown";
export type ThreadStartParams = {
  approvalPolicy?: AskForApproval | null;
  /** Override where approval requests are routed for review on this thread and subsequent turns. */
  approvalsReviewer?: ApprovalsReviewer | null;
  baseInstructions?: string | null;
  config?: { [key: string]: unknown } | null;
  cwd?: string | null;
  developerInstructions?: string | null;
  ephemeral?: boolean | null;
  model?: string | null;
  modelProvider?: string | null;
  /** @deprecated `friendly` and `pragmatic` no longer select a style. */
  personality?: Personality | null;
  sandbox?: SandboxMode | null;
  serviceName?: string | null;
  serviceTier?: string | null;
  sessionStartSource?: ThreadStartSource | null;
  /** Optional client-supplied analytics source classification for this thread. */
  threadSource?: ThreadSource | null;
};
export type ThreadStartResponse = {
  approvalPolicy: AskForApproval;
  /** Reviewer currently used for approval requests on this thread. */
  approvalsReviewer: ApprovalsReviewer;
  cwd: AbsolutePathBuf;
  /** Saved list of disabled plugin IDs. Does not yet filter plugin capabilities. */
  disabledPluginIds?: string[];
  /** Environment-native paths to instruction source files currently loaded for this thread. */
  instructionSources?: LegacyAppPathString[];
  model: string;
  modelProvider: string;
  reasoningEffort?: ReasoningEffort | null;
  /** Legacy sandbox policy retained for compatibility. Experimental clients should prefer `activePermissionProfile` for profile provenance. */
  sandbox: SandboxPolicy;
  serviceTier?: string | null;
  thread: Thread;
};
export type ThreadStartSource = "startup" | "clear";
export type ThreadStatus = {
  type: "notLoaded";
} | {
  type: "idle";
} | {
  type: "systemError";
} | {
  activeFlags: ThreadActiveFlag[];
  type: "active";
};
export type ThreadTurnsListParams = {
  /** Opaque cursor to pass to the next call to continue after the last turn. */
  cursor?: string | null;
  /** How much item detail to include for each returned turn; defaults to summary. */
  itemsView?: TurnItemsView | null;
  /** Optional turn page size. */
  limit?: number | null;
  /** Optional turn pagination direction; defaults to descending. */
  sortDirection?: SortDirection | null;
  threadId: string;
};
export type ThreadTurnsListResponse = {
  /** Opaque cursor to pass as `cursor` when reversing `sortDirection`. This is only populated when the page contains at least one turn. Use it with the opposite `sortDirection` to include the anchor turn again and catch updates to that turn. */
  backwardsCursor?: string | null;
  data: Turn[];
  /** Opaque cursor to pass to the next call to continue after the last turn. if None, there are no more turns to return. */
  nextCursor?: string | null;
};
export type ThreadUnarchiveParams = {
  threadId: string;
};
export type ThreadUnarchiveResponse = {
  thread: Thread;
};
export type ThreadUnsubscribeParams = {
  threadId: string;
};
export type ThreadUnsubscribeResponse = {
  status: ThreadUnsubscribeStatus;
};
export type ThreadUnsubscribeStatus = "notLoaded" | "notSubscribed" | "unsubscribed";
export type ThreadUsage = {
  estimatedUsageCreditsMicros: number;
  estimatedUsageUsdMicros?: number | null;
  groups: ThreadUsageBreakdownGroup[];
  /** Native dollar usage, independent of credit estimates. None means unknown, not zero. */
  nativeUsageUsdMicros?: number | null;
  threadId: string;
};
export type ThreadUsageBreakdownGroup = {
  cachedInputTokens?: number | null;
  estimatedUsageCreditsMicros: number;
  inputTokens?: number | null;
  model?: string | null;
  netNewInputTokens?: number | null;
  outputTokens?: number | null;
  reasoningEffort?: string | null;
  speed?: string | null;
  totalTokens?: number | null;
};
/** Definition for a tool the client can call. */
export type Tool = {
  _meta?: unknown;
  annotations?: unknown;
  description?: string | null;
  icons?: unknown[] | null;
  inputSchema: unknown;
  name: string;
  outputSchema?: unknown;
  title?: string | null;
};
export type ToolsV2 = {
  web_search?: WebSearchToolConfig | null;
};
export type Turn = {
  /** Unix timestamp (in seconds) when the turn completed. */
  completedAt?: number | null;
  /** Duration between turn start and completion in milliseconds, if known. */
  durationMs?: number | null;
  /** Error associated with a failed or interrupted turn. */
  error?: TurnError | null;
  /** Identifier for this turn. Codex-generated turn IDs are UUIDv7. */
  id: string;
  /** Thread items currently included in this turn payload. */
  items: ThreadItem[];
  /** Describes how much of `items` has been loaded for this turn. */
  itemsView?: TurnItemsView;
  /** ID of the first turn in the chain of work that led to this turn. Pass this as `rootTurnId` when starting work on behalf of this turn. May be null in older history or a `review/start` response. */
  rootTurnId?: string | null;
  /** Unix timestamp (in seconds) when the turn started. */
  startedAt?: number | null;
  status: TurnStatus;
};
export type TurnError = {
  additionalDetails?: string | null;
  codexErrorInfo?: CodexErrorInfo | null;
  message: string;
  /** Optional public explanation and continuation instruction for a misalignment block. */
  misalignment?: MisalignmentErrorDetails | null;
};
export type TurnInterruptParams = {
  threadId: string;
  turnId: string;
};
export type TurnInterruptResponse = { [key: string]: unknown };
export type TurnItemsView = "notLoaded" | "summary" | "full";
export type TurnStartParams = {
  /** Override the approval policy for this turn and subsequent turns. */
  approvalPolicy?: AskForApproval | null;
  /** Override where approval requests are routed for review on this turn and subsequent turns. */
  approvalsReviewer?: ApprovalsReviewer | null;
  clientUserMessageId?: string | null;
  /** Override the working directory for this turn and subsequent turns. */
  cwd?: string | null;
  /** Replace this thread's disabled plugin IDs. Omitted/null preserves the list; [] clears it. */
  disabledPluginIds?: string[] | null;
  /** Override the reasoning effort for this turn and subsequent turns. */
  effort?: ReasoningEffort | null;
  input: UserInput[];
  /** Override the model for this turn and subsequent turns. */
  model?: string | null;
  /** Optional JSON Schema used to constrain the final assistant message for this turn. */
  outputSchema?: unknown;
  /**
   * ID of the turn that caused this new turn to start.
   *
   * Set this when starting work on behalf of another turn, such as delegated work in a different thread. Leave unset for work started directly by the user. Ignored when this request adds input to an active turn.
   */
  parentTurnId?: string | null;
  /** @deprecated `friendly` and `pragmatic` no longer select a style. Changing this does not rewrite the thread's existing instructions. */
  personality?: Personality | null;
  /**
   * ID of the first turn in the chain of work that led to this new turn.
   *
   * When setting `parentTurnId`, set this to the parent turn's `rootTurnId` when known. This keeps descendant work attributed to the original turn. If omitted, the new turn becomes its own root. Ignored when this request adds input to an active turn.
   */
  rootTurnId?: string | null;
  /** Override the sandbox policy for this turn and subsequent turns. */
  sandboxPolicy?: SandboxPolicy | null;
  /** Override the service tier for this turn and subsequent turns. */
  serviceTier?: string | null;
  /** Override the service tier only when this request starts a new turn. Use "default" for standard speed. Omitted or null inherits the thread's tier. Does not change the thread's tier or a turn being steered. */
  serviceTierForTurn?: string | null;
  /** Override the reasoning summary for this turn and subsequent turns. */
  summary?: ReasoningSummary | null;
  threadId: string;
  toolOutput?: TurnToolOutput | null;
  /** Optional source classification for the caller that starts this turn. Ignored when this request steers an already-active turn. */
  turnTrigger?: string | null;
};
export type TurnStartResponse = {
  turn: Turn;
};
export type TurnStatus = "completed" | "interrupted" | "failed" | "inProgress";
export type TurnSteerParams = {
  clientUserMessageId?: string | null;
  /** Required active turn id precondition. The request fails when it does not match the currently active turn. */
  expectedTurnId: string;
  input: UserInput[];
  threadId: string;
};
export type TurnSteerResponse = {
  turnId: string;
};
export type TurnToolOutput = {
  name: string;
  namespace?: string | null;
  output: FunctionCallOutputBody;
  /** Requests retention of this output in the thread's model history. */
  retain?: boolean;
};
export type UserInput = {
  text: string;
  /** UI-defined spans within `text` used to render or persist special elements. */
  text_elements?: TextElement[];
  type: "text";
} | {
  detail?: ImageDetail | null;
  type: "image";
} & ({
  url: string;
} | {
  fileId: string;
}) | {
  detail?: ImageDetail | null;
  path: string;
  type: "localImage";
} | {
  type: "audio";
} & ({
  url: string;
} | {
  fileId: string;
}) | {
  path: string;
  type: "localAudio";
} | {
  name: string;
  path: string;
  type: "skill";
} | {
  name: string;
  path: string;
  type: "mention";
};
/** Controls output length/detail on GPT-5 models via the Responses API. Serialized with lowercase values to match the OpenAI API. */
export type Verbosity = "low" | "medium" | "high";
export type WebSearchAction = {
  queries?: string[] | null;
  query?: string | null;
  type: "search";
} | {
  type: "openPage";
  url?: string | null;
} | {
  pattern?: string | null;
  type: "findInPage";
  url?: string | null;
} | {
  type: "other";
};
export type WebSearchContextSize = "low" | "medium" | "high";
export type WebSearchLocation = {
  city?: string | null;
  country?: string | null;
  region?: string | null;
  timezone?: string | null;
};
export type WebSearchMode = "disabled" | "cached" | "indexed" | "live";
/** Provider preference selected by the resolved model catalog entry. */
export type WebSearchProvider = "standalone" | "search_mcp";
export type WebSearchToolConfig = {
  allowed_domains?: string[] | null;
  context_size?: WebSearchContextSize | null;
  location?: WebSearchLocation | null;
};
export type WindowsSandboxImplementation = "elevated" | "unelevated" | "mxc";
export type WindowsSandboxReadiness = "ready" | "notConfigured" | "updateRequired";
export type WindowsSandboxReadinessResponse = {
  status: WindowsSandboxReadiness;
};
export type WindowsSandboxSetupMode = "elevated" | "unelevated";
export type WindowsSandboxSetupStartParams = {
  cwd?: AbsolutePathBuf | null;
  mode: WindowsSandboxSetupMode;
};
export type WindowsSandboxSetupStartResponse = {
  started: boolean;
};
export type WorkspaceMessage = {
  /** Unix timestamp (in seconds) when the message was archived. */
  archivedAt?: number | null;
  /** Unix timestamp (in seconds) when the message was created. */
  createdAt?: number | null;
  messageBody: string;
  messageId: string;
  messageType: WorkspaceMessageType;
};
export type WorkspaceMessageType = "headline" | "announcement" | "unknown";
export type WriteStatus = "ok" | "okOverridden";
