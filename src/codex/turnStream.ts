/**
 * The queue behind `runner.turnStream()`: what a turn produces, handed to an async iterator.
 * A slow consumer never loses anything and never makes memory grow beyond the turn itself:
 * agent-message deltas of one item that pile up are merged into one, so are live progress deltas
 * (command output, reasoning, plan text) of one item, a newer plan or diff replaces an untaken
 * older one, and completed events are the same objects the turn's result holds anyway.
 */
import type { AgentTurnEvent, AgentTurnResult } from "../agent/port.ts";
import { AgentError } from "../errors.ts";
import { mergeProgress, progressChunkOf, type TurnProgressChunk } from "./progressEvents.ts";

/** One thing a streamed turn yields. The last one is always `result` (or the iterator throws). */
export type TurnStreamChunk<R extends AgentTurnResult = AgentTurnResult> =
  | { readonly type: "event"; readonly event: AgentTurnEvent }
  | { readonly type: "delta"; readonly itemId: string; readonly delta: string }
  | TurnProgressChunk
  | { readonly type: "result"; readonly result: R };

/** Push side for the runner, async-iterator side for the caller. */
export class TurnStreamQueue<R extends AgentTurnResult> implements AsyncIterable<TurnStreamChunk<R>> {
  private readonly queued: TurnStreamChunk<R>[] = [];
  private waiting: { resolve: (next: IteratorResult<TurnStreamChunk<R>>) => void; reject: (error: unknown) => void } | undefined;
  private failedWith: { error: unknown } | undefined;
  private ended = false;
  /** Deltas merged so far (the merged text is flattened every FLATTEN_EVERY_MERGES). */
  private merges = 0;

  /** Number of chunks waiting for the consumer (deltas of one item count once). */
  get backlog(): number {
    return this.queued.length;
  }

  /** Queues an event; a live-only one (item start, progress) becomes its own chunk type. */
  event(event: AgentTurnEvent): void {
    const progress = progressChunkOf(event);
    if (progress) this.progress(progress);
    else this.push({ type: "event", event });
  }

  /** Queues live progress, merged into the previous chunk when that one is not yet taken and merges. */
  progress(chunk: TurnProgressChunk): void {
    const last = this.queued.at(-1);
    const merged = !this.waiting && last && last.type !== "event" && last.type !== "delta" && last.type !== "result" ? mergeProgress(last, chunk) : undefined;
    if (merged) this.queued[this.queued.length - 1] = merged;
    else this.push(chunk);
  }

  /** Queues a delta, merged into the previous one when it is of the same item and not yet taken. */
  delta(itemId: string, delta: string): void {
    const last = this.queued.at(-1);
    if (!this.waiting && last?.type === "delta" && last.itemId === itemId) {
      // Merged text is a rope of every piece; flattened now and then, so 100 000 deltas cost their text, not 100 000 rope nodes.
      const merged = last.delta + delta;
      this.queued[this.queued.length - 1] = { type: "delta", itemId, delta: ++this.merges % FLATTEN_EVERY_MERGES === 0 ? flat(merged) : merged };
      return;
    }
    this.push({ type: "delta", itemId, delta });
  }

  /** Queues the result and ends the stream. */
  finish(result: R): void {
    this.push({ type: "result", result });
    this.ended = true;
    this.wake();
  }

  /** Ends the stream with an error, thrown to the consumer after what is already queued. */
  fail(error: unknown): void {
    if (this.ended) return;
    this.failedWith = { error };
    this.ended = true;
    this.wake();
  }

  /**
   * The caller's side of a streamed turn: ends with `run`'s result, or throws its error. Leaving
   * the loop early aborts `stop` and returns only once `run` has ended, that is once the turn has
   * settled on the server (or was given up on), so the runner can take the next turn at once.
   */
  consumer(run: Promise<R>, stop: AbortController): AsyncIterable<TurnStreamChunk<R>> {
    run.then(
      (result) => this.finish(result),
      (error: unknown) => this.fail(error),
    );
    return {
      [Symbol.asyncIterator]: () => {
        const inner = this[Symbol.asyncIterator]();
        return {
          next: () => inner.next(),
          return: async () => {
            stop.abort(new AgentError("ABORTED", "The stream's consumer stopped reading; the turn was interrupted."));
            await run.catch(() => {});
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  [Symbol.asyncIterator](): AsyncIterator<TurnStreamChunk<R>> {
    return {
      next: () => {
        const chunk = this.queued.shift();
        if (chunk) return Promise.resolve({ value: chunk, done: false });
        if (this.failedWith) {
          const { error } = this.failedWith;
          this.failedWith = undefined;
          return Promise.reject(error);
        }
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiting = { resolve, reject };
        });
      },
    };
  }

  private push(chunk: TurnStreamChunk<R>): void {
    if (this.ended) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting.resolve({ value: chunk, done: false });
    } else this.queued.push(chunk);
  }

  private wake(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = undefined;
    const chunk = this.queued.shift();
    if (chunk) waiting.resolve({ value: chunk, done: false });
    else if (this.failedWith) {
      const { error } = this.failedWith;
      this.failedWith = undefined;
      waiting.reject(error);
    } else waiting.resolve({ value: undefined, done: true });
  }
}

/** Merges of deltas between two flattenings of the merged text. */
const FLATTEN_EVERY_MERGES = 1024;

/** The same text as one flat string (JSON round trip: lossless, lone surrogates included). */
function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}
