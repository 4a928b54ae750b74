/** The protocol layer: zod schemas of app-server messages and a typed connection. */
export { ProtocolConnection, SERVER_OVERLOADED_CODE } from "./protocolConnection.ts";
export type {
  InvalidNotificationListener,
  NotificationListener,
  OverloadRetryOptions,
  ProtocolConnectionOptions,
  RequestOptions,
} from "./protocolConnection.ts";
export { ServerRequestRegistry } from "./serverRequestRegistry.ts";
export type { FallbackServerRequestHandler, ServerRequestHandler } from "./serverRequestRegistry.ts";
export { checkEnvelope, describeZodError, JsonRpcMessageSchema } from "./envelope.ts";
export type { JsonRpcMessage } from "./envelope.ts";
export { CLIENT_REQUESTS } from "./clientRequests.ts";
export { isStableClientRequestMethod, requestStable } from "./stableClientRequests.ts";
export type {
  StableClientRequestArgs,
  StableClientRequestMethod,
  StableClientRequestParams,
  StableClientRequestResult,
} from "./stableClientRequests.ts";
export { StableRequestValidators } from "./stableRequestValidators.ts";
export type { StableRequestSchema } from "./stableRequestValidators.ts";
export { STABLE_CLIENT_REQUEST_METHODS } from "./generated/stableClientRequestTypes.ts";
export type { StableClientRequestTypes } from "./generated/stableClientRequestTypes.ts";
export type {
  ClientRequestMethod,
  ClientRequestParams,
  ClientRequestResult,
  InitializeResult,
  ThreadOpenedResult,
  ThreadStartParams,
  TurnStartParams,
} from "./clientRequests.ts";
export {
  isNotification,
  notificationThreadId,
  notificationTurnId,
  SERVER_NOTIFICATIONS,
} from "./serverNotifications.ts";
export type { KnownNotificationMethod, KnownServerNotification, OtherServerNotification, ServerNotification } from "./serverNotifications.ts";
export { isServerRequestMethod, SERVER_REQUESTS } from "./serverRequests.ts";
export type {
  CommandApprovalDecision,
  FileChangeApprovalDecision,
  ServerRequestMethod,
  ServerRequestParams,
  ServerRequestResult,
} from "./serverRequests.ts";
export { KNOWN_ITEM_TYPES, ThreadItemSchema } from "./items.ts";
export type { AgentMessageItem, CommandExecutionItem, FileChangeItem, McpToolCallItem, ThreadItem } from "./items.ts";
export {
  APPROVAL_POLICIES,
  PERSONALITIES,
  SANDBOX_MODES,
} from "./common.ts";
export type { ThreadTokenUsage, TokenUsageBreakdown, Turn, TurnError } from "./common.ts";
