/**
 * Writes JSON-RPC messages to a WebSocket for vscode-jsonrpc: each message is one text frame
 * (never a batch, never binary: the app-server drops those silently), one at a time, each write
 * waiting until the socket has taken its frame, so a slow peer slows the writer instead of
 * growing a buffer without bound.
 */
import type { Message } from "vscode-jsonrpc/node";
import type { WebSocket } from "ws";
import { callSafely, type CallbackErrorHandler } from "../callbacks.ts";
import { QueuedMessageWriter } from "./queuedMessageWriter.ts";

/** Options of {@link WebSocketMessageWriter}. */
export interface WebSocketMessageWriterOptions {
  /** Called with each message and its frame text just before it is sent, for traffic taps; keep it cheap. */
  readonly onMessageWritten?: (message: unknown, text: string) => void;
  /** Receives what `onMessageWritten` throws; default: a process warning, once. The message is sent either way. */
  readonly onCallbackError?: CallbackErrorHandler;
}

/**
 * A vscode-jsonrpc `MessageWriter` over an open `ws` WebSocket: each `write` resolves once the
 * socket has written its frame and rejects (firing an error event once) if the socket is closed
 * or fails. `end()` closes the socket normally (code 1000) after the writes queued so far.
 */
export class WebSocketMessageWriter extends QueuedMessageWriter {
  constructor(
    private readonly socket: WebSocket,
    private readonly options: WebSocketMessageWriterOptions = {},
  ) {
    super();
    socket.on("error", (error: Error) => {
      this.failure ??= error;
    });
    socket.on("close", (code: number, reason: Buffer) =>
      this.onMediumClosed(() => new Error(`the connection closed (code ${code}${reason.length ? `, ${reason.toString("utf8")}` : ""})`)),
    );
  }

  /** True once `end()` was called. */
  get ended(): boolean {
    return this.isEnding;
  }

  protected override serialise(message: Message): string {
    return JSON.stringify(message);
  }

  /** Closes the socket normally (code 1000). */
  protected override endMedium(): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) this.socket.close(1000, "client closed");
  }

  protected override writeFrame(message: Message, text: string): Promise<void> {
    if (!this.failure && this.socket.readyState !== this.socket.OPEN) this.failure = new Error("the connection is not open");
    if (this.failure) return Promise.reject(this.failed(this.failure, message));
    if (this.options.onMessageWritten) callSafely("onMessageWritten", this.options.onMessageWritten, this.options.onCallbackError, message, text);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error | null): void => {
        if (settled) return;
        settled = true;
        this.socket.off("close", onClose);
        if (error) reject(this.failed(error, message));
        else resolve();
      };
      // ws calls the send callback with an error when the socket closes before the frame is
      // written; the close listener covers a close it does not report that way.
      const onClose = (): void => settle(this.failure ?? new Error("the connection closed"));
      this.socket.on("close", onClose);
      try {
        this.socket.send(text, { binary: false, fin: true }, (error) => settle(error));
      } catch (error) {
        settle(error as Error);
        return;
      }
      this.countWritten();
    });
  }
}
