/**
 * A repair loop above the port: run a turn, let the caller check what it produced, and send a
 * repair prompt on the same runner while the check still fails. Depends only on the port, so it
 * works with any AgentRunner (the Codex adapter, the fake factory). It never judges artifacts
 * itself: the caller's `check` does. A turn rejected with OUTPUT_INVALID (the answer broke the
 * output schema) counts as a failed check and is repaired too.
 */
import { AgentError, InvalidConfigError } from "../errors.ts";
import type { AgentRunner, AgentTurnOptions, AgentTurnResult } from "./port.ts";

/** What a check says: `ok`, or the problems to put in the repair prompt. */
export type RepairCheckResult = { readonly ok: true } | { readonly ok: false; readonly problems: string };

/** Options of {@link turnWithRepair}. */
export interface TurnWithRepairOptions<R extends AgentTurnResult = AgentTurnResult> extends AgentTurnOptions {
  /** Judges a turn's outcome (files written, tests run...); may be async. */
  readonly check: (result: R, attempt: number) => RepairCheckResult | Promise<RepairCheckResult>;
  /** The prompt of a repair turn, from the check's problems; default: a plain request to fix them. */
  readonly repairPrompt?: (problems: string, attempt: number) => string;
  /** Turns in all, the first included; default 3. */
  readonly maxAttempts?: number;
}

/** The outcome: the last turn's result, whether its check passed, and every attempt's problems. */
export interface TurnWithRepairResult<R extends AgentTurnResult = AgentTurnResult> {
  readonly result: R;
  readonly ok: boolean;
  readonly attempts: number;
  /** Problems reported by each failed check, in order. */
  readonly problems: readonly string[];
}

/** Default repair prompt. */
export function defaultRepairPrompt(problems: string): string {
  return `The previous attempt has these problems:\n${problems}\nFix them, and say briefly what you changed.`;
}

/** Runs `prompt`, then repair turns while `check` fails, up to `maxAttempts` turns on the same runner. */
export async function turnWithRepair<R extends AgentTurnResult>(
  runner: { turn(prompt: string, options?: AgentTurnOptions): Promise<R> } | AgentRunner,
  prompt: string,
  options: TurnWithRepairOptions<R>,
): Promise<TurnWithRepairResult<R>> {
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new InvalidConfigError("maxAttempts", `maxAttempts must be a whole number of at least 1 (got ${maxAttempts}).`);
  }
  const { check, repairPrompt = defaultRepairPrompt, maxAttempts: _unused, ...turnOptions } = options;
  const problems: string[] = [];
  let next = prompt;
  for (let attempt = 1; ; attempt++) {
    if (turnOptions.signal?.aborted) throw new AgentError("ABORTED", "turnWithRepair was aborted before its next turn.", { cause: turnOptions.signal.reason });
    let result: R;
    try {
      result = (await runner.turn(next, turnOptions)) as R;
    } catch (error) {
      // An answer that broke the output schema is the typical thing to repair; anything else is not ours to retry.
      if (!(error instanceof AgentError && error.code === "OUTPUT_INVALID") || attempt >= maxAttempts) throw error;
      const problem = `The answer did not match the required output schema (${error.message.split(". ")[0]}).`;
      problems.push(problem);
      next = repairPrompt(problem, attempt);
      continue;
    }
    const verdict = await check(result, attempt);
    if (verdict.ok) return { result, ok: true, attempts: attempt, problems };
    problems.push(verdict.problems);
    if (attempt >= maxAttempts) return { result, ok: false, attempts: attempt, problems };
    next = repairPrompt(verdict.problems, attempt);
  }
}
