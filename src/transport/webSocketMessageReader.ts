/**
 * Reads JSON-RPC messages from a WebSocket for vscode-jsonrpc: one message per text frame. A
 * binary frame, a frame that is not JSON or not one JSON object (a batch, say) is reported
 * through the error event and reading goes on, as the JSON-lines reader does with a bad line.
 */
import type { WebSocket } from "ws";
import { FrameError, FramedMessageReader, type FramedMessageReaderOptions } from "./framedMessageReader.ts";

/** A frame that is not a valid message; see {@link FrameError} for `reason`, `excerpt` and `responseIds`. */
export class WebSocketFrameError extends FrameError {
  override readonly name = "WebSocketFrameError";
  constructor(reason: string, excerpt: string, options?: { readonly cause?: unknown; readonly responseIds?: readonly (string | number)[] }) {
    super("frame", reason, excerpt, options);
  }
}

/** Options of {@link WebSocketMessageReader}; `onMessageRead` gets the frame's text. */
export type WebSocketMessageReaderOptions = FramedMessageReaderOptions;

/**
 * A vscode-jsonrpc `MessageReader` over an open `ws` WebSocket; starts reading at once and
 * buffers messages until {@link WebSocketMessageReader.listen} is called. Fires its close event
 * once, when the socket closes. Does NOT close the socket.
 */
export class WebSocketMessageReader extends FramedMessageReader {
  constructor(socket: WebSocket, options: WebSocketMessageReaderOptions = {}) {
    super("WebSocketMessageReader", options, (reason, excerpt, errorOptions) => new WebSocketFrameError(reason, excerpt, errorOptions));
    socket.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => this.onFrame(data, isBinary));
    socket.on("close", () => this.fireCloseOnce());
    if (socket.readyState === socket.CLOSED) queueMicrotask(() => this.fireCloseOnce());
  }

  private onFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.isDisposed) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (isBinary) {
      this.reject(`a binary frame of ${bytes.length} bytes; messages are text frames`, "");
      return;
    }
    this.readFrame(bytes.toString("utf8"));
  }
}
