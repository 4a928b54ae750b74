/**
 * The state of the one turn a runner has in flight: its recorder, its deadline and optional
 * silence watchdog, and the promises that settle when its id is known and when it completes.
 */
import type { AgentTurnEvent } from "../agent/port.ts";
import { callSafely, type CallbackErrorHandler } from "../callbacks.ts";
import { AgentError, TurnTimeoutError } from "../errors.ts";
import type { Turn } from "../protocol/common.ts";
import { SilenceWatchdog } from "./silenceWatchdog.ts";
import { TurnDeadline } from "./turnDeadline.ts";
import { TurnRecorder } from "./turnRecorder.ts";

/** One turn in flight; see the module comment. */
export interface ActiveTurn {
  readonly recorder: TurnRecorder;
  readonly deadline: TurnDeadline;
  readonly watchdog: SilenceWatchdog | undefined;
  /** Settles with turn/completed, or rejects when the turn cannot go on (backend gone, bad message). */
  readonly completion: Promise<Turn>;
  /** Resolves with the turn id once known. */
  readonly started: Promise<string>;
  /** Adopt the id of the first turn/started (compaction answers with no turn id). */
  readonly adoptFirstTurn: boolean;
  /** True when someone watches the turn live (an onEvent callback or a stream). */
  readonly watched: boolean;
  readonly onDelta: ((itemId: string, delta: string) => void) | undefined;
  /** Deltas that came before the turn id was known; replayed (this turn's only) once it is. */
  readonly earlyDeltas: { readonly turnId: string; readonly itemId: string; readonly delta: string }[];
  complete(turn: Turn): void;
  fail(error: unknown): void;
  markStarted(turnId: string): void;
}

/** Inputs of {@link createActiveTurn}. */
export interface ActiveTurnOptions {
  readonly timeoutSeconds: number;
  readonly silenceSeconds: number | undefined;
  /** Aborted (with the reason as the turn's error) when the deadline or the watchdog fires. */
  readonly stop: AbortController;
  readonly adoptFirstTurn: boolean;
  /** Absent when nobody watches the turn live (then no live-only event is built). */
  readonly onEvent?: (event: AgentTurnEvent) => void;
  readonly onDelta?: (itemId: string, delta: string) => void;
  /** Removes secrets from the server's texts before they become events. */
  readonly redact?: (text: string) => string;
  /** Receives what onEvent throws. */
  readonly onCallbackError?: CallbackErrorHandler | undefined;
}

/** Starts the clocks of a new turn. */
export function createActiveTurn(options: ActiveTurnOptions): ActiveTurn {
  let complete!: (turn: Turn) => void;
  let fail!: (error: unknown) => void;
  let markStarted!: (turnId: string) => void;
  const completion = new Promise<Turn>((resolve, reject) => {
    complete = resolve;
    fail = reject;
  });
  const started = new Promise<string>((resolve, reject) => {
    markStarted = resolve;
    completion.catch(reject);
  });
  // Both are awaited by the runner; these keep a late failure from counting as "unhandled".
  completion.catch(() => {});
  started.catch(() => {});
  const { stop, timeoutSeconds, silenceSeconds } = options;
  const recorder = new TurnRecorder(options.onEvent, {
    ...(options.redact ? { redact: options.redact } : {}),
    ...(options.onCallbackError ? { onCallbackError: options.onCallbackError } : {}),
  });
  return {
    recorder,
    deadline: new TurnDeadline(timeoutSeconds * 1000, () => stop.abort(new TurnTimeoutError(timeoutSeconds, recorder.turnId))),
    watchdog:
      silenceSeconds === undefined
        ? undefined
        : new SilenceWatchdog(silenceSeconds * 1000, () =>
            stop.abort(
              new AgentError(
                "TURN_TIMEOUT",
                `The turn had no traffic for ${silenceSeconds} s (silence watchdog); it was interrupted. The runner can take another turn.`,
              ),
            ),
          ),
    completion,
    started,
    adoptFirstTurn: options.adoptFirstTurn,
    watched: options.onEvent !== undefined,
    onDelta: options.onDelta,
    earlyDeltas: [],
    complete,
    fail,
    markStarted,
  };
}

/** A promise that rejects with the signal's reason when it aborts; `dispose()` detaches it. */
export function rejectOnAbort(signal: AbortSignal): Promise<never> & { dispose(): void } {
  let onAbort: () => void = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  }) as Promise<never> & { dispose(): void };
  promise.catch(() => {});
  promise.dispose = () => signal.removeEventListener("abort", onAbort);
  return promise;
}

/** Gives the turn its id: replays this turn's early deltas, and completes it if its turn/completed came first. */
export function setTurnId(active: ActiveTurn, turnId: string): void {
  active.markStarted(turnId);
  if (active.onDelta) for (const early of active.earlyDeltas.splice(0)) if (early.turnId === turnId) active.onDelta(early.itemId, early.delta);
  if (active.recorder.setTurnId(turnId) === "completed") active.complete(active.recorder.completed!);
}

/** The event stream says why the backend went (crash, or retired as wedged), before the turn rejects. */
export function reportBackendGone(active: ActiveTurn, message: string): void {
  active.recorder.addEvent({ kind: "error", summary: message.split("\n")[0]!, metadata: { message, codexErrorInfo: null, willRetry: false } });
}

/**
 * The `onEvent` of a turn: the runner's and the turn's callbacks each on its own (one that throws
 * keeps neither the other nor the stream from the event), then the stream; undefined when nobody
 * listens. `onCallbackError` is read at each event (the runner's backend can change mid-turn).
 */
export function turnEventFanOut(
  runnerOnEvent: ((event: AgentTurnEvent) => void) | undefined,
  turnOnEvent: ((event: AgentTurnEvent) => void) | undefined,
  stream: { event(event: AgentTurnEvent): void } | undefined,
  onCallbackError: () => CallbackErrorHandler | undefined,
): ((event: AgentTurnEvent) => void) | undefined {
  if (!runnerOnEvent && !turnOnEvent && !stream) return undefined;
  return (event) => {
    callSafely("onEvent (runner)", runnerOnEvent, onCallbackError(), event);
    callSafely("onEvent (turn)", turnOnEvent, onCallbackError(), event);
    stream?.event(event);
  };
}
