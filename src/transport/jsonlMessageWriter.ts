/**
 * Writes messages as newline-delimited JSON for vscode-jsonrpc: one message at a time, waiting
 * for `drain` when the stream is full, and never crashing on a dead peer (EPIPE becomes a
 * rejected write and an error event).
 */
import type { Writable } from "node:stream";
import { callSafely, type CallbackErrorHandler } from "../callbacks.ts";
import { AbstractMessageWriter, type Message, type MessageWriter } from "vscode-jsonrpc/node";

/** Options of {@link JsonlMessageWriter}. */
export interface JsonlMessageWriterOptions {
  /** Called with each message and its line (ending in `\n`) just before it goes to the stream, for traffic taps; keep it cheap. */
  readonly onMessageWritten?: (message: unknown, line: string) => void;
  /** Receives what `onMessageWritten` throws; default: a process warning, once. The message is written either way. */
  readonly onCallbackError?: CallbackErrorHandler;
}

/**
 * A vscode-jsonrpc `MessageWriter` over a `Writable`: each `write` resolves once the stream has
 * taken its line (and drained, if it was full) and rejects if the stream is closed or failed.
 */
export class JsonlMessageWriter extends AbstractMessageWriter implements MessageWriter {
  /** Settles when every write queued so far has settled; never rejects. */
  private queue: Promise<void> = Promise.resolve();
  /** Why the stream can take no more writes, once it cannot. */
  private failure: Error | undefined;
  private ending = false;
  private closeFired = false;
  private readonly reported = new WeakSet<Error>();
  private errorCount = 0;
  private writtenCount = 0;

  constructor(
    private readonly writable: Writable,
    private readonly options: JsonlMessageWriterOptions = {},
  ) {
    super();
    // Always listening: an EPIPE on a dead child's stdin must not become an uncaught exception.
    writable.on("error", (error: Error) => {
      this.failure ??= error;
      this.report(error);
    });
    writable.on("close", () => {
      this.failure ??= new Error("the stream was closed");
      if (!this.closeFired) {
        this.closeFired = true;
        this.fireClose();
      }
    });
    if (writable.destroyed) this.failure = new Error("the stream was already destroyed");
  }

  /** Messages handed to the stream so far. */
  get messagesWritten(): number {
    return this.writtenCount;
  }

  /** Queues one message; resolves once the stream has taken it, rejects (and fires an error) if it cannot. */
  write(message: Message): Promise<void> {
    if (this.ending) return Promise.reject(new Error("Cannot write to the peer: the writer was ended."));
    let line: string;
    try {
      line = `${JSON.stringify(message)}\n`;
    } catch (error) {
      return Promise.reject(new Error(`Cannot serialise the message: ${(error as Error).message}`, { cause: error }));
    }
    const result = this.queue.then(() => this.writeLine(message, line));
    // The chain goes on after a failed write; each caller sees its own outcome.
    this.queue = result.then(
      () => {},
      () => {},
    );
    return result;
  }

  /** Ends the stream after the writes queued so far (the peer sees end of input); later writes reject. */
  end(): void {
    if (this.ending) return;
    this.ending = true;
    void this.queue.then(() => {
      if (!this.writable.destroyed && !this.writable.writableEnded) this.writable.end();
    });
  }

  private writeLine(message: Message, line: string): Promise<void> {
    const stream = this.writable;
    if (!this.failure && (stream.destroyed || stream.writableEnded)) this.failure = new Error("the stream is closed");
    if (this.failure) return Promise.reject(this.failed(this.failure, message));
    if (this.options.onMessageWritten) callSafely("onMessageWritten", this.options.onMessageWritten, this.options.onCallbackError, message, line);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let taken = false;
      let drained = true;
      const settle = (error?: Error | null): void => {
        if (settled) return;
        settled = true;
        stream.off("drain", onDrain);
        stream.off("close", onGone);
        stream.off("error", onGone);
        if (error) reject(this.failed(error, message));
        else resolve();
      };
      const onDrain = (): void => {
        drained = true;
        if (taken) settle();
      };
      // Registered after the constructor's listeners, so `failure` is already set when these run.
      const onGone = (): void => settle(this.failure ?? new Error("the stream was closed"));
      stream.on("close", onGone);
      stream.on("error", onGone);
      let accepted: boolean;
      try {
        accepted = stream.write(line, (error?: Error | null) => {
          taken = true;
          if (error) settle(error);
          else if (drained) settle();
        });
      } catch (error) {
        settle(error as Error);
        return;
      }
      this.writtenCount++;
      if (!accepted && !settled) {
        drained = false;
        stream.on("drain", onDrain);
      }
    });
  }

  /** The error a failed write rejects with; the underlying cause is fired once as an error event. */
  private failed(cause: Error, message: Message): Error {
    this.report(cause, message);
    return new Error(`Cannot write to the peer: ${cause.message}`, { cause });
  }

  private report(error: Error, message?: Message): void {
    if (this.reported.has(error)) return;
    this.reported.add(error);
    this.fireError(error, message, ++this.errorCount);
  }
}
