/**
 * What a turn that reached turn/completed comes to: the caller's result (text, events, ids,
 * duration, usage, parsed output) when it completed, else a TurnFailedError saying how it ended.
 */
import { TurnFailedError } from "../errors.ts";
import type { Turn } from "../protocol/common.ts";
import type { ActiveTurn } from "./activeTurn.ts";
import type { CodexTurnResult } from "./codexAgentRunnerOptions.ts";
import type { StructuredOutput } from "./structuredOutput.ts";

/** The result of `turn` on thread `threadId`, or the TurnFailedError it ended with (`redact` cleans the server's message). */
export function turnResult(
  turn: Turn,
  active: ActiveTurn,
  output: StructuredOutput<unknown> | undefined,
  threadId: string,
  redact: (text: string) => string,
): CodexTurnResult {
  if (turn.status === "completed") {
    const result = active.recorder.result();
    return {
      ...result,
      threadId,
      turnId: turn.id,
      durationMs: turn.durationMs ?? null,
      usage: active.recorder.turnUsage ?? null,
      lastCallUsage: active.recorder.tokenUsage?.last ?? null,
      output: output ? output.parse(result.assistantText) : undefined,
    };
  }
  if (turn.status === "failed") {
    throw new TurnFailedError(
      // The server's message can quote credentials (an "Incorrect API key" message does).
      `The turn failed on the server: ${redact(turn.error?.message ?? "no message")}. The conversation is kept; you can send another turn.`,
      turn.error?.codexErrorInfo ?? null,
      turn.id,
    );
  }
  throw new TurnFailedError(
    `The turn ended with status "${turn.status}" (interrupted by the server, or by a "cancel" approval decision). The runner can take another turn.`,
    turn.error?.codexErrorInfo ?? null,
    turn.id,
  );
}
