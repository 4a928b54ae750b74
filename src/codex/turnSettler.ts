/**
 * Settles the turns a runner gave up on, so that none outlives what its caller was told: after a
 * deadline, abort or error the turn is interrupted and briefly awaited; a turn/start answered
 * only after that is interrupted at once and settled before the runner's next turn (codex would
 * merge a new turn into a running one); a turn that ignored its interrupt is interrupted again
 * first. A server that answers neither the interrupt nor a probe in the settle time is retired.
 */
import { AgentError, TurnTimeoutError } from "../errors.ts";
import { rejectOnAbort, type ActiveTurn } from "./activeTurn.ts";
import type { CodexBackend } from "./codexBackend.ts";
import type { RequestOptions } from "../protocol/protocolConnection.ts";

/** What a {@link TurnSettler} reads of its runner, at the moment it needs it. */
export interface TurnSettlerHost {
  /** The runner's current backend. */
  backend(): CodexBackend;
  threadId(): string | undefined;
  /** True while the thread is loaded (started or resumed) on the current backend. */
  threadLoaded(): boolean;
  /** How long to wait for an interrupted turn to settle, in ms. */
  settleMs(): number;
  /** Adopts the turn id of `active` once the start has answered. */
  setTurnId(active: ActiveTurn, turnId: string): void;
  /** Options of the interrupt of a running turn (its trace); default none. */
  requestOptions?(): RequestOptions;
}

/** One runner's settling of given-up turns; see the module comment. */
export class TurnSettler {
  private unsettledTurnId: string | undefined;
  /** Settles a turn whose turn/start was answered after the caller had been told it ended. */
  private lateSettle: Promise<void> | undefined;
  /** Ids of turns of the thread seen completing lately, and waiters for others to complete. */
  private readonly recentlyCompleted: string[] = [];
  private readonly completionWaiters = new Map<string, () => void>();

  constructor(private readonly host: TurnSettlerHost) {}

  /**
   * After a deadline, abort or error: interrupt the turn on the server and wait briefly for it
   * to end. A server that answers neither the interrupt nor (while the start is unanswered) a
   * probe within the settle time is retired; resolves with why, or undefined.
   */
  async interruptAndSettle(active: ActiveTurn, starting: Promise<string | undefined> | undefined): Promise<string | undefined> {
    const backend = this.host.backend();
    const settleMs = this.host.settleMs();
    const settle = rejectOnAbort(AbortSignal.timeout(settleMs));
    let turnId = active.recorder.turnId;
    // While the start is unanswered, a probe tells a slow server from a wedged one.
    const alive = turnId === undefined && starting ? backend.probe(settleMs) : undefined;
    try {
      if (turnId === undefined && starting) {
        turnId = (await Promise.race([starting, settle])) ?? (await Promise.race([active.started, settle]));
        this.host.setTurnId(active, turnId);
      }
      if (turnId === undefined || active.recorder.completed || this.host.threadId() === undefined) return undefined;
      const mark = backend.heardMark();
      const interrupt = backend.connection.request("turn/interrupt", { threadId: this.host.threadId()!, turnId }, this.host.requestOptions?.());
      const answered = await Promise.race([interrupt.then(() => true, () => true), settle.catch(() => false)]);
      if (!answered && !backend.heardSince(mark)) return this.retire(backend, `it did not answer turn/interrupt within ${settleMs / 1000} s`);
      await Promise.race([active.completion, settle]);
    } catch {
      if (active.recorder.turnId === undefined && starting) {
        // The start may still be answered: that turn is then interrupted at once.
        this.settleLateStart(starting);
        if (alive && !(await alive)) return this.retire(backend, `it answered neither turn/start nor a liveness probe within ${settleMs / 1000} s`);
      } else if (turnId !== undefined && !active.recorder.completed) {
        // Not settled in time (or the backend is gone): the next turn interrupts it again first.
        this.unsettledTurnId = turnId;
      }
    } finally {
      settle.dispose();
    }
    return undefined;
  }

  private retire(backend: CodexBackend, reason: string): string | undefined {
    if (backend.state !== "running") return undefined;
    backend.retire(reason);
    return reason;
  }

  /** A turn/start answered after its turn was given up on: interrupt that turn as soon as its id is known. */
  private settleLateStart(starting: Promise<string | undefined>): void {
    const late: Promise<void> = starting
      .then(
        (turnId) => (turnId === undefined ? undefined : this.settleOrphan(turnId)),
        () => {},
      )
      // The backend may go away meanwhile: the next turn must not fail on what was only cleanup.
      .catch(() => {})
      .finally(() => {
        if (this.lateSettle === late) this.lateSettle = undefined;
      });
    this.lateSettle = late;
  }

  /** Interrupts a turn nobody waits for and waits (bounded) for it to complete. */
  private async settleOrphan(turnId: string): Promise<void> {
    const backend = this.host.backend();
    const threadId = this.host.threadId();
    if (this.recentlyCompleted.includes(turnId) || threadId === undefined || backend.state !== "running") return;
    const settleMs = this.host.settleMs();
    const completed = new Promise<void>((resolve) => this.completionWaiters.set(turnId, resolve));
    try {
      const mark = backend.heardMark();
      const answered = await settledWithin(backend.connection.request("turn/interrupt", { threadId, turnId }), settleMs);
      if (!answered && !backend.heardSince(mark)) {
        this.retire(backend, `it did not answer turn/interrupt within ${settleMs / 1000} s`);
        return;
      }
      if (!(await settledWithin(completed, settleMs))) this.unsettledTurnId = turnId;
    } finally {
      this.completionWaiters.delete(turnId);
    }
  }

  turnCompleted(turnId: string): void {
    this.recentlyCompleted.push(turnId);
    if (this.recentlyCompleted.length > 8) this.recentlyCompleted.shift();
    this.completionWaiters.get(turnId)?.();
  }

  /**
   * Before a turn starts: a late-answered turn/start is settled first (bounded), and a turn that
   * did not settle after its interrupt is interrupted again; the server would merge a new turn
   * into a running one.
   */
  async settlePrevious(): Promise<void> {
    // Bounded by the new turn's deadline (drive() races it), and by the backend going away.
    await this.lateSettle;
    const turnId = this.unsettledTurnId;
    this.unsettledTurnId = undefined;
    const backend = this.host.backend();
    const threadId = this.host.threadId();
    if (turnId === undefined || threadId === undefined || !this.host.threadLoaded() || backend.state !== "running") return;
    await backend.connection.request("turn/interrupt", { threadId, turnId }).catch(() => {});
  }

  /** Waits up to `ms` for a late turn/start to be settled (close() uses it); true if it was. */
  settleLate(ms: number): Promise<boolean> {
    return settledWithin(this.lateSettle, ms);
  }

  /** The backend is gone: turns running there died with it. */
  backendGone(): void {
    for (const resolve of this.completionWaiters.values()) resolve();
    this.completionWaiters.clear();
  }
}

/** True when `promise` settles (either way) within `ms`; nothing to wait for counts as settled. */
export function settledWithin(promise: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (promise === undefined) return Promise.resolve(true);
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The turn's error, told that the backend was retired: its "the runner can take another turn" no longer holds as it was. */
export function retiredTurnError(error: unknown, reason: string): unknown {
  if (error instanceof TurnTimeoutError) return new TurnTimeoutError(error.timeoutSeconds, error.turnId, { retiredBecause: reason, cause: error.cause });
  if (!(error instanceof AgentError)) return error;
  // What the message said about the interrupt and the runner no longer holds: keep what happened.
  const what = error.message.replace(/(?:[;,]? ?(?:it|the turn) was interrupted| and was interrupted).*$/is, "").replace(/[\s.;,]+$/, "");
  return new AgentError(
    error.code,
    `${what}. The codex app-server could not be interrupted: ${reason}. ` +
      "It was retired (its process stopped); the runner's next turn runs on a new backend and resumes this conversation there.",
    { cause: error },
  );
}
