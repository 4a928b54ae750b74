/**
 * codex-rpc: drive `codex app-server` over raw JSON-RPC on stdio, behind a neutral agent port.
 * Test helpers (a model on loopback, a fake factory) are in `codex-rpc/testing`.
 */
export type {
  AgentConfig,
  AgentRunner,
  AgentSessionFactory,
  AgentTurnEvent,
  AgentTurnOptions,
  AgentTurnResult,
} from "./agent/port.ts";
export { DEFAULT_TURN_TIMEOUT_SECONDS } from "./agent/defaults.ts";
export { defaultRepairPrompt, turnWithRepair } from "./agent/turnWithRepair.ts";
export type { RepairCheckResult, TurnWithRepairOptions, TurnWithRepairResult } from "./agent/turnWithRepair.ts";
export {
  AGENT_ERROR_CODES,
  AgentError,
  AuthError,
  BackendExitedError,
  BackendStartError,
  BackendRetiredError,
  InvalidConfigError,
  InvalidInputError,
  ProtocolError,
  RpcError,
  TurnFailedError,
  TurnTimeoutError,
  UnsupportedVersionError,
} from "./errors.ts";
export type { AgentErrorCode, AgentErrorOptions, ConnectionCloseInfo, ProcessExitInfo } from "./errors.ts";
export { CALLBACK_WARNING_TYPE } from "./callbacks.ts";
export type { CallbackErrorHandler } from "./callbacks.ts";
export { createRedactor, NESTED_TOO_DEEP, REDACTED } from "./protocol/redaction.ts";
export { STABLE_CLIENT_REQUEST_METHODS } from "./protocol/generated/stableClientRequestTypes.ts";
export type { ReviewTarget, StableClientRequestTypes } from "./protocol/generated/stableClientRequestTypes.ts";
export { ConversationCatalog } from "./codex/conversationCatalog.ts";
export type {
  AccountInfo,
  Conversation,
  ConversationPage,
  ConversationSummary,
  ConversationTurn,
  ConversationTurnPage,
  ListConversationsOptions,
  ListModelsOptions,
  ListTurnsOptions,
  ModelPage,
  ModelSummary,
  StableRequester,
} from "./codex/conversationCatalog.ts";
export type {
  StableClientRequestArgs,
  StableClientRequestMethod,
  StableClientRequestParams,
  StableClientRequestResult,
} from "./protocol/stableClientRequests.ts";
export type { RequestOptions } from "./protocol/protocolConnection.ts";
export { MAX_TESTED_CODEX_VERSION, MIN_SUPPORTED_CODEX_VERSION, SUPPORTED_CODEX_VERSIONS } from "./codex/supportedVersions.ts";
export { parseServerVersion } from "./codex/serverVersion.ts";
export type { CodexBackendWarning } from "./codex/serverVersion.ts";
export type { Redactor, RedactorOptions } from "./protocol/redaction.ts";
export {
  APPROVAL_DECISIONS,
  CodexAgentRunner,
  CodexAgentSessionFactory,
  CodexBackend,
  DEFAULT_CLIENT_INFO,
  DEFAULT_INTERRUPT_SETTLE_SECONDS,
  DEFAULT_PROBE_AFTER_SILENCE_SECONDS,
  DEFAULT_PROBE_TIMEOUT_SECONDS,
  DEFAULT_RECONNECT,
  DEFAULT_START_TIMEOUT_SECONDS,
  isLiveEvent,
  LIVE_EVENT_KINDS,
  OutputInvalidError,
  childEnvironment,
  parseAgentConfig,
  REASONING_EFFORTS,
  resolveCodexBinary,
  SPAN_ATTRIBUTES,
  structuredOutput,
  TRACER_NAME,
  UNREAD_NOTIFICATION_METHODS,
} from "./codex/index.ts";
export type {
  ApprovalDecision,
  ApprovalHandler,
  ApprovalKind,
  ApprovalRequest,
  CodexAgentRunnerOptions,
  CodexTurnOptions,
  CodexTurnResult,
  DynamicTool,
  LivenessProbeOptions,
  NotificationSelection,
  ElicitationAnswer,
  ElicitationHandler,
  RequestHandlerOptions,
  StructuredOutput,
  TrafficDirection,
  TurnStreamChunk,
  LiveEventKind,
  PlanStep,
  ProgressDeltaKind,
  TurnProgressChunk,
  UserInputHandler,
  UserInputQuestion,
  CodexAgentSessionFactoryOptions,
  CodexBackendAuth,
  CodexFactoryRunnerOptions,
  CodexBackendConfig,
  CodexBackendState,
  CodexBinarySource,
  CodexTracing,
  CodexTracingOption,
  DecidedBy,
  ParsedAgentConfig,
  ReconnectOptions,
  ResolvedCodexBinary,
  ResolveCodexBinaryOptions,
} from "./codex/index.ts";
