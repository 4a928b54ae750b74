/**
 * Following one piece of work (a turn, a compaction, a review) from its start to turn/completed:
 * the previous turn settled first, the liveness of the backend watched meanwhile, and on a
 * deadline, abort or error the work interrupted and settled, or the backend's end reported.
 */
import { AgentError } from "../errors.ts";
import type { TokenUsageBreakdown, Turn } from "../protocol/common.ts";
import { rejectOnAbort, reportBackendGone, setTurnId, type ActiveTurn } from "./activeTurn.ts";
import type { CodexBackend } from "./codexBackend.ts";
import { retiredTurnError, type TurnSettler } from "./turnSettler.ts";

/** What driving a turn needs from its runner. */
export interface DriveTurnHost {
  /** The runner's backend as it is now (a start can move it to a new one). */
  backend(): CodexBackend;
  readonly settler: TurnSettler;
  /** The thread's token total before the turn, when known on this backend. */
  usageBaseline(): TokenUsageBreakdown | undefined;
}

/**
 * Starts the work, follows it to turn/completed, and interrupts it on deadline, abort or error.
 * `start` must send nothing once its signal has aborted.
 */
export async function driveTurn(host: DriveTurnHost, active: ActiveTurn, start: (signal: AbortSignal) => Promise<string | undefined>, stop: AbortSignal): Promise<Turn> {
  const stopped = rejectOnAbort(stop);
  let watched = host.backend();
  let watch = watched.watchLiveness();
  let starting: Promise<string | undefined> | undefined;
  try {
    await Promise.race([host.settler.settlePrevious(), stopped]);
    active.recorder.setUsageBaseline(host.usageBaseline());
    starting = start(stop);
    // The turn can fail (backend gone, bad notification) before its start is answered.
    const turnId = await Promise.race([starting, active.completion.then(() => undefined), stopped]);
    if (turnId !== undefined) setTurnId(active, turnId);
    if (host.backend() !== watched) {
      // The start moved to a new backend (the old one had died): watch that one.
      watch.dispose();
      watched = host.backend();
      watch = watched.watchLiveness();
    }
    return await Promise.race([active.completion, stopped]);
  } catch (error) {
    // Gone or closed: nothing runs there any more, and there is nobody to interrupt.
    const backend = host.backend();
    if (backend.state !== "running") {
      if (error instanceof AgentError && error.code === "BACKEND_EXITED") reportBackendGone(active, error.message);
      throw error;
    }
    // Retired here, or meanwhile by the liveness watch: the error must say so.
    const retiredBecause = (await host.settler.interruptAndSettle(active, starting)) ?? backend.retiredBecause;
    if (retiredBecause === undefined) throw error;
    reportBackendGone(active, `The codex app-server stopped answering (${retiredBecause}) and was retired.`);
    throw retiredTurnError(error, retiredBecause);
  } finally {
    stopped.dispose();
    watch.dispose();
  }
}
