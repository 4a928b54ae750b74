/**
 * The options and result types of a CodexAgentRunner: the runner's options beyond the port's
 * config, a turn's options (a zod output schema allowed), and a turn's result with its ids,
 * duration and token usage.
 */
import type { z } from "zod";
import type { AgentTurnEvent, AgentTurnOptions, AgentTurnResult } from "../agent/port.ts";
import type { TokenUsageBreakdown } from "../protocol/common.ts";
import type { CodexBackend } from "./codexBackend.ts";
import type { RequestHandlerOptions } from "./requestHandlers.ts";

/** Default time to wait for an interrupted turn to report completion, in seconds. */
export const DEFAULT_INTERRUPT_SETTLE_SECONDS = 5;

/** Options of a {@link CodexAgentRunner} beyond the port's config. */
export interface CodexAgentRunnerOptions extends RequestHandlerOptions {
  /**
   * Called with each event of every turn as it is recorded, and with live-only events (kinds in
   * `LIVE_EVENT_KINDS`: item starts, output deltas, plan and diff updates) that the result omits.
   */
  readonly onEvent?: (event: AgentTurnEvent) => void;
  /** Continue this existing conversation (thread id) instead of starting a new one; it may come from another process. */
  readonly resumeThreadId?: string;
  /** Do not persist the conversation on disk (`ephemeral` thread); default false. */
  readonly ephemeral?: boolean;
  /** How long to wait for an interrupted turn to settle, in seconds; default 5. */
  readonly interruptSettleSeconds?: number;
  /**
   * Silence watchdog, off by default: a turn with no traffic for this many seconds (while no
   * handler is pending) is interrupted and rejects with TURN_TIMEOUT. A turn may override it.
   */
  readonly silenceTimeoutSeconds?: number;
  /**
   * Gives a running backend when this runner's has died (the factory passes one that starts a
   * new process); the conversation then continues by resuming its thread there.
   */
  readonly backendProvider?: () => Promise<CodexBackend>;
}

/** Per-turn options: the port's, with a zod schema allowed for `outputSchema`. */
export interface CodexTurnOptions extends Omit<AgentTurnOptions, "outputSchema"> {
  /** JSON Schema, or a zod schema (then `result.output` is the parsed, typed value). */
  readonly outputSchema?: Readonly<Record<string, unknown>> | z.ZodType;
  /** Called with each event of this turn as it is recorded, and with its live-only events (see the runner's `onEvent`). */
  readonly onEvent?: (event: AgentTurnEvent) => void;
  /** Overrides the runner's silence watchdog for this turn (seconds). */
  readonly silenceTimeoutSeconds?: number;
}

/** A turn's result: the port's, plus the ids, the server's duration and the token usage of the turn. */
export interface CodexTurnResult<T = unknown> extends AgentTurnResult {
  readonly threadId: string;
  readonly turnId: string;
  /** Duration the server measured, in milliseconds. */
  readonly durationMs: number | null;
  /** Tokens of the whole turn: the growth of the thread's `total` over it (every model call of the turn). */
  readonly usage: TokenUsageBreakdown | null;
  /** Tokens of the turn's final model call only (the server's `last`). */
  readonly lastCallUsage: TokenUsageBreakdown | null;
  /** The parsed value, when `outputSchema` was a zod schema. */
  readonly output: T;
}
