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
  BackendExitedError,
  BackendStartError,
  BackendRetiredError,
  InvalidConfigError,
  InvalidInputError,
  ProtocolError,
  RpcError,
  TurnFailedError,
  TurnTimeoutError,
} from "./errors.ts";
export type { AgentErrorCode, AgentErrorOptions, ProcessExitInfo } from "./errors.ts";
export { createRedactor, REDACTED } from "./protocol/redaction.ts";
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
  DEFAULT_START_TIMEOUT_SECONDS,
  OutputInvalidError,
  childEnvironment,
  parseAgentConfig,
  REASONING_EFFORTS,
  resolveCodexBinary,
  structuredOutput,
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
  UserInputHandler,
  UserInputQuestion,
  CodexAgentSessionFactoryOptions,
  CodexBackendConfig,
  CodexBackendState,
  CodexBinarySource,
  DecidedBy,
  ParsedAgentConfig,
  ResolvedCodexBinary,
  ResolveCodexBinaryOptions,
} from "./codex/index.ts";
