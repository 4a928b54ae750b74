/** The Codex adapter: the port implemented on `codex app-server`. */
export { CodexAgentRunner, DEFAULT_INTERRUPT_SETTLE_SECONDS } from "./codexAgentRunner.ts";
export type { CodexAgentRunnerOptions, CodexTurnOptions, CodexTurnResult } from "./codexAgentRunner.ts";
export type { DynamicTool, ElicitationAnswer, ElicitationHandler, RequestHandlerOptions, UserInputHandler, UserInputQuestion } from "./requestHandlers.ts";
export { OutputInvalidError, structuredOutput } from "./structuredOutput.ts";
export type { StructuredOutput } from "./structuredOutput.ts";
export type { TurnStreamChunk } from "./turnStream.ts";
export { CodexAgentSessionFactory } from "./codexAgentSessionFactory.ts";
export type { CodexAgentSessionFactoryOptions } from "./codexAgentSessionFactory.ts";
export { CodexBackend, DEFAULT_CLIENT_INFO, DEFAULT_START_TIMEOUT_SECONDS } from "./codexBackend.ts";
export type { CodexBackendConfig, CodexBackendState, ThreadRoute, TrafficDirection } from "./codexBackend.ts";
export { parseAgentConfig, REASONING_EFFORTS } from "./agentConfig.ts";
export type { ParsedAgentConfig } from "./agentConfig.ts";
export { APPROVAL_DECISIONS } from "./approvals.ts";
export type { ApprovalDecision, ApprovalHandler, ApprovalKind, ApprovalRequest, DecidedBy } from "./approvals.ts";
export { DEFAULT_PROBE_AFTER_SILENCE_SECONDS, DEFAULT_PROBE_TIMEOUT_SECONDS } from "./livenessMonitor.ts";
export type { LivenessProbeOptions } from "./livenessMonitor.ts";
export { childEnvironment, resolveCodexBinary } from "./resolveCodexBinary.ts";
export type { CodexBinarySource, ResolvedCodexBinary, ResolveCodexBinaryOptions } from "./resolveCodexBinary.ts";
