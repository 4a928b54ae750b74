/**
 * The neutral agent port: what applications that generate things with an agent depend on.
 * Types only, with nothing of any particular agent backend in them; codex-rpc's Codex adapter
 * is one implementation, `FakeAgentSessionFactory` (in `codex-rpc/testing`) another.
 */

/** How one conversation is set up; parsed and checked before any traffic. */
export interface AgentConfig {
  /** Directory the agent works in (absolute path). */
  readonly workingDirectory: string;
  /** The model; default: the backend's configured one. */
  readonly model?: string;
  /** The model provider (an id the backend knows); default: the configured one. */
  readonly modelProvider?: string;
  /** Reasoning effort of each turn (low | medium | high ...); default: the model's. */
  readonly reasoningEffort?: string;
  /** Approval policy: never | on-request | untrusted; default: the backend's configuration. */
  readonly approvalMode?: string;
  /** Sandbox: read-only | workspace-write | danger-full-access; default: the backend's configuration. */
  readonly sandbox?: string;
  /** Replaces the agent's base instructions. */
  readonly baseInstructions?: string;
  /** Instructions added to the agent's own. */
  readonly developerInstructions?: string;
  /** none | friendly | pragmatic. */
  readonly personality?: string;
}

/**
 * One thing that happened in a turn. `kind` is an item type of the protocol (userMessage,
 * agentMessage, commandExecution, fileChange, mcpToolCall, dynamicToolCall, reasoning, webSearch,
 * plan, ...) or a turn-level kind (approval, tokenUsage, error, warning). Live views may also
 * see live-only kinds (itemStarted, commandOutputDelta, ...) that a result never holds.
 */
export interface AgentTurnEvent {
  readonly kind: string;
  readonly summary: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** What a finished turn produced: the final assistant text and what happened on the way. */
export interface AgentTurnResult {
  readonly assistantText: string;
  readonly events: readonly AgentTurnEvent[];
}

/** Per-turn options. */
export interface AgentTurnOptions {
  /** Deadline for the turn in seconds; default 600. */
  readonly timeoutSeconds?: number;
  /** JSON Schema the final answer must follow, for this turn only. */
  readonly outputSchema?: Readonly<Record<string, unknown>>;
  /** Aborting interrupts the turn and rejects with code ABORTED. */
  readonly signal?: AbortSignal;
}

/** One conversation. A second `turn` while one runs is rejected at once. */
export interface AgentRunner {
  turn(prompt: string, options?: AgentTurnOptions): Promise<AgentTurnResult>;
}

/** Owns a shared backend and makes runners (conversations) on it. */
export interface AgentSessionFactory extends AsyncDisposable {
  /** Starts the shared backend. */
  start(): Promise<this>;
  /** Stops the backend; also `[Symbol.asyncDispose]`. */
  close(): Promise<void>;
  /** Makes a new conversation with the given config. */
  runner(config: AgentConfig): Promise<AgentRunner>;
}
