/**
 * Writes messages as newline-delimited JSON for vscode-jsonrpc: one message at a time, waiting
 * for `drain` when the stream is full, and never crashing on a dead peer (EPIPE becomes a
 * rejected write and an error event).
 */
import type { Writable } from "node:stream";
import { AbstractMessageWriter, type Message, type MessageWriter } from "vscode-jsonrpc/node";

/** Options of {@link JsonlMessageWriter}. */
export interface JsonlMessageWriterOptions {
  /** Called with each message and its line before it is written (for traffic taps). */
  readonly onMessageWritten?: (message: unknown, line: string) => void;
}

/** The writer; see the module comment. */
export class JsonlMessageWriter extends AbstractMessageWriter implements MessageWriter {
  /** Messages written so far. */
  messagesWritten = 0;
  private queue: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(
    private readonly writable: Writable,
    private readonly options: JsonlMessageWriterOptions = {},
  ) {
    super();
    // Always listening: an EPIPE on a dead child's stdin must not become an uncaught exception.
    writable.on("error", (error: Error) => {
      this.failure ??= error;
      this.fireError(error, undefined, this.messagesWritten);
    });
    writable.on("close", () => {
      this.failure ??= new Error("the stream was closed");
      this.fireClose();
    });
  }

  /** Queues one message; resolves once it is handed to the stream, rejects if the stream is gone. */
  write(message: Message): Promise<void> {
    const line = `${JSON.stringify(message)}\n`;
    const next = this.queue.then(() => this.writeLine(message, line));
    // The chain goes on after a failed write; each caller sees its own outcome.
    this.queue = next.catch(() => {});
    return next;
  }

  /** Ends the stream (the peer sees end of input). */
  end(): void {
    if (!this.writable.writableEnded && !this.writable.destroyed) this.writable.end();
  }

  private writeLine(message: Message, line: string): Promise<void> {
    const gone = this.failure ?? (this.writable.destroyed || this.writable.writableEnded ? new Error("the stream is closed") : undefined);
    if (gone) return Promise.reject(new Error(`Cannot write to the peer: ${gone.message}`, { cause: gone }));
    this.options.onMessageWritten?.(message, line);
    // Resolving only once the stream has taken the line (its callback) keeps one message in
    // flight at a time, so a full pipe holds back the next write until it drains.
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error | null) => {
        if (settled) return;
        settled = true;
        this.writable.off("close", onClose);
        if (error) reject(new Error(`Cannot write to the peer: ${error.message}`, { cause: error }));
        else resolve();
      };
      const onClose = () => settle(this.failure ?? new Error("the stream was closed"));
      this.writable.on("close", onClose);
      this.messagesWritten++;
      this.writable.write(line, (error) => settle(error));
    });
  }
}
