/**
 * Reads newline-delimited JSON messages from a stream for vscode-jsonrpc. Splits on the `\n`
 * byte only (U+2028/U+2029 inside strings are data), strips one trailing `\r`, skips empty lines,
 * has no line-length cap, and reports a line that is not a message through the error event,
 * then keeps reading.
 */
import type { Readable } from "node:stream";
import { FrameError, FramedMessageReader, responseIdsOf, type FramedMessageReaderOptions } from "./framedMessageReader.ts";

export { responseIdsOf };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BLANK = /^\s*$/;

/** A line that is not a valid message; see {@link FrameError} for `reason`, `excerpt` and `responseIds`. */
export class JsonlFrameError extends FrameError {
  override readonly name = "JsonlFrameError";
  constructor(reason: string, excerpt: string, options?: { readonly cause?: unknown; readonly responseIds?: readonly (string | number)[] }) {
    super("line", reason, excerpt, options);
  }
}

/** Options of {@link JsonlMessageReader}; `onMessageRead` gets the line without its newline. */
export type JsonlMessageReaderOptions = FramedMessageReaderOptions;

/**
 * A vscode-jsonrpc `MessageReader` over a `Readable` of JSON lines; starts reading at once and
 * buffers messages until {@link JsonlMessageReader.listen} is called. Does NOT close the stream.
 */
export class JsonlMessageReader extends FramedMessageReader {
  private ended = false;
  /** Pieces of the line being read that arrived in earlier chunks; joined once, when its `\n` arrives. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(readable: Readable, options: JsonlMessageReaderOptions = {}) {
    super("JsonlMessageReader", options, (reason, excerpt, errorOptions) => new JsonlFrameError(reason, excerpt, errorOptions));
    readable.on("data", (chunk: Buffer | string) => this.onData(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk));
    readable.on("end", () => this.onStreamEnd());
    readable.on("error", (error: Error) => this.fireError(error));
    readable.on("close", () => this.onStreamClose());
  }

  /** Stops delivering messages and events; the stream is still drained but NOT closed. */
  override dispose(): void {
    this.pending = [];
    this.pendingBytes = 0;
    super.dispose();
  }

  protected override ignoresUnparsable(line: string): boolean {
    return BLANK.test(line);
  }

  private onData(chunk: Buffer): void {
    if (this.isDisposed) return;
    let newline = chunk.indexOf(NEWLINE);
    if (newline === -1) {
      if (chunk.length > 0) {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
      }
      return;
    }
    let start = 0;
    if (this.pending.length > 0) {
      this.pending.push(chunk.subarray(0, newline));
      const line = Buffer.concat(this.pending, this.pendingBytes + newline);
      this.pending = [];
      this.pendingBytes = 0;
      this.onLine(line, 0, line.length);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    // The common case: whole lines inside one chunk, decoded in place without copying.
    while (newline !== -1) {
      this.onLine(chunk, start, newline);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      this.pending.push(start === 0 ? chunk : chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
    }
  }

  private onStreamEnd(): void {
    this.ended = true;
    if (this.pending.length === 0 || this.isDisposed) return;
    // A last line without its newline still counts: the peer ended the stream after it.
    const line = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.onLine(line, 0, line.length);
  }

  private onStreamClose(): void {
    if (this.isClosed) return;
    if (!this.ended && this.pending.length > 0 && !this.isDisposed) {
      const line = Buffer.concat(this.pending, this.pendingBytes).toString("utf8");
      this.pending = [];
      this.pendingBytes = 0;
      this.reject("the stream closed in the middle of a line", line);
    }
    this.fireCloseOnce();
  }

  private onLine(bytes: Buffer, start: number, end: number): void {
    if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--;
    if (end === start) return;
    this.readFrame(bytes.toString("utf8", start, end));
  }
}
