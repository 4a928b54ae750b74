/**
 * Reads newline-delimited JSON messages from a stream for vscode-jsonrpc. Splits on the `\n`
 * byte only (U+2028/U+2029 inside strings are data), strips a trailing `\r`, has no line-length
 * cap, and reports a line that is not a message through the error event, then keeps reading.
 */
import type { Readable } from "node:stream";
import { AbstractMessageReader, type DataCallback, type Disposable, type Message, type MessageReader } from "vscode-jsonrpc/node";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const EXCERPT_MAX_CHARS = 200;

/** A line that is not a valid message; carries why and the start of the line. */
export class JsonlFrameError extends Error {
  override readonly name = "JsonlFrameError";
  constructor(
    readonly reason: string,
    readonly excerpt: string,
  ) {
    super(`Unreadable line from the peer (${reason}): ${excerpt}`);
  }
}

/** Options of {@link JsonlMessageReader}. */
export interface JsonlMessageReaderOptions {
  /** Checks a decoded object; returns why it is not a valid message, or undefined. */
  readonly checkMessage?: (message: unknown) => string | undefined;
  /** Called with each line read and its decoded message (for traffic taps). */
  readonly onMessageRead?: (message: unknown, line: string) => void;
}

/** The reader; see the module comment. */
export class JsonlMessageReader extends AbstractMessageReader implements MessageReader {
  /** Messages delivered so far. */
  messagesRead = 0;
  /** Lines rejected so far. */
  framesRejected = 0;
  private callback: DataCallback | undefined;
  private readonly backlog: Message[] = [];
  /** Bytes of the line being read that arrived in earlier chunks. */
  private pending: Buffer[] = [];

  constructor(
    readable: Readable,
    private readonly options: JsonlMessageReaderOptions = {},
  ) {
    super();
    readable.on("data", (chunk: Buffer | string) => this.onData(typeof chunk === "string" ? Buffer.from(chunk) : chunk));
    readable.on("error", (error: Error) => this.fireError(error));
    readable.on("close", () => this.fireClose());
    readable.on("end", () => {
      if (this.pending.length) this.onLine(Buffer.concat(this.pending));
      this.pending = [];
    });
  }

  /** Starts delivering messages; ones read before this call are delivered first, none is lost. */
  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    for (const message of this.backlog.splice(0)) callback(message);
    return {
      dispose: () => {
        if (this.callback === callback) this.callback = undefined;
      },
    };
  }

  override dispose(): void {
    super.dispose();
    this.callback = undefined;
  }

  private onData(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      // A line that began in earlier chunks is joined once, when its end arrives (no quadratic copying).
      const line = this.pending.length ? Buffer.concat([...this.pending, chunk.subarray(start, newline)]) : chunk.subarray(start, newline);
      this.pending = [];
      this.onLine(line);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  }

  private onLine(bytes: Buffer): void {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
    if (end === 0) return;
    const line = bytes.toString("utf8", 0, end);
    if (line.trim() === "") return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch (error) {
      this.reject(`not JSON: ${(error as Error).message}`, line);
      return;
    }
    if (typeof message !== "object" || message === null || Array.isArray(message)) {
      this.reject("not a JSON object", line);
      return;
    }
    const problem = this.options.checkMessage?.(message);
    if (problem !== undefined) {
      this.reject(problem, line);
      return;
    }
    this.messagesRead++;
    this.options.onMessageRead?.(message, line);
    if (this.callback) this.callback(message as Message);
    else this.backlog.push(message as Message);
  }

  private reject(reason: string, line: string): void {
    this.framesRejected++;
    const excerpt = line.length > EXCERPT_MAX_CHARS ? `${line.slice(0, EXCERPT_MAX_CHARS)}… (${line.length} chars)` : line;
    this.fireError(new JsonlFrameError(reason, excerpt));
  }
}
