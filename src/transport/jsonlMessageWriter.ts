/**
 * Writes messages as newline-delimited JSON for vscode-jsonrpc: one message at a time, waiting
 * for `drain` when the stream is full, and never crashing on a dead peer (EPIPE becomes a
 * rejected write and an error event).
 */
import type { Writable } from "node:stream";
import { callSafely, type CallbackErrorHandler } from "../callbacks.ts";
import type { Message } from "vscode-jsonrpc/node";
import { QueuedMessageWriter } from "./queuedMessageWriter.ts";

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
export class JsonlMessageWriter extends QueuedMessageWriter {
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
    writable.on("close", () => this.onMediumClosed(() => new Error("the stream was closed")));
    if (writable.destroyed) this.failure = new Error("the stream was already destroyed");
  }

  protected override serialise(message: Message): string {
    return `${JSON.stringify(message)}\n`;
  }

  /** Ends the stream (the peer sees end of input). */
  protected override endMedium(): void {
    if (!this.writable.destroyed && !this.writable.writableEnded) this.writable.end();
  }

  protected override writeFrame(message: Message, line: string): Promise<void> {
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
      this.countWritten();
      if (!accepted && !settled) {
        drained = false;
        stream.on("drain", onDrain);
      }
    });
  }
}
