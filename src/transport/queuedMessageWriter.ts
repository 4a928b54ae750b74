/**
 * What the JSON-lines and WebSocket writers share: one write at a time in the order called, a
 * failed write that rejects its caller and fires the cause as an error event once, and an `end`
 * that waits for the writes queued before it. Each subclass only puts one frame on its medium.
 */
import { AbstractMessageWriter, type Message, type MessageWriter } from "vscode-jsonrpc/node";

/**
 * A vscode-jsonrpc `MessageWriter` that serialises writes: each `write` waits for the ones
 * before it, then hands its frame to {@link QueuedMessageWriter.writeFrame}.
 */
export abstract class QueuedMessageWriter extends AbstractMessageWriter implements MessageWriter {
  /** Settles when every write queued so far has settled; never rejects. */
  private queue: Promise<void> = Promise.resolve();
  /** Why the medium can take no more writes, once it cannot. */
  protected failure: Error | undefined;
  private ending = false;
  private closeFired = false;
  private readonly reported = new WeakSet<Error>();
  private errorCount = 0;
  private writtenCount = 0;

  /** Messages handed to the medium so far. */
  get messagesWritten(): number {
    return this.writtenCount;
  }

  /** True once `end()` was called. */
  protected get isEnding(): boolean {
    return this.ending;
  }

  /** Queues one message; resolves once the medium has taken it, rejects (and fires an error) if it cannot. */
  write(message: Message): Promise<void> {
    if (this.ending) return Promise.reject(new Error("Cannot write to the peer: the writer was ended."));
    let text: string;
    try {
      text = this.serialise(message);
    } catch (error) {
      return Promise.reject(new Error(`Cannot serialise the message: ${(error as Error).message}`, { cause: error }));
    }
    const result = this.queue.then(() => this.writeFrame(message, text));
    // The chain goes on after a failed write; each caller sees its own outcome.
    this.queue = result.then(
      () => {},
      () => {},
    );
    return result;
  }

  /** Ends the medium after the writes queued so far (see the subclass); later writes reject. */
  end(): void {
    if (this.ending) return;
    this.ending = true;
    void this.queue.then(() => this.endMedium());
  }

  /** The frame text of one message; may throw (a cycle, a BigInt). */
  protected abstract serialise(message: Message): string;

  /** Puts one frame on the medium; resolves once it is taken, rejects with {@link QueuedMessageWriter.failed} if it cannot. */
  protected abstract writeFrame(message: Message, text: string): Promise<void>;

  /** Ends or closes the medium, once the writes queued before `end()` have settled. */
  protected abstract endMedium(): void;

  /** Counts a frame handed to the medium. */
  protected countWritten(): void {
    this.writtenCount++;
  }

  /** Records why the medium is gone (unless a reason is known already) and fires the close event, once. */
  protected onMediumClosed(reason: () => Error): void {
    this.failure ??= reason();
    if (this.closeFired) return;
    this.closeFired = true;
    this.fireClose();
  }

  /** The error a failed write rejects with; the underlying cause is fired once as an error event. */
  protected failed(cause: Error, message: Message): Error {
    this.report(cause, message);
    return new Error(`Cannot write to the peer: ${cause.message}`, { cause });
  }

  /** Fires `error` as an error event, unless it was fired already. */
  protected report(error: Error, message?: Message): void {
    if (this.reported.has(error)) return;
    this.reported.add(error);
    this.fireError(error, message, ++this.errorCount);
  }
}
