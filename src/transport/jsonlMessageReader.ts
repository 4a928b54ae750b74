/**
 * Reads newline-delimited JSON messages from a stream for vscode-jsonrpc. Splits on the `\n`
 * byte only (U+2028/U+2029 inside strings are data), strips one trailing `\r`, skips empty lines,
 * has no line-length cap, and reports a line that is not a message through the error event,
 * then keeps reading.
 */
import type { Readable } from "node:stream";
import { callSafely, type CallbackErrorHandler } from "../callbacks.ts";
import { AbstractMessageReader, type DataCallback, type Disposable, type Message, type MessageReader } from "vscode-jsonrpc/node";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** Longest excerpt of a rejected line kept in a {@link JsonlFrameError}, in UTF-16 code units. */
const EXCERPT_MAX_CHARS = 200;
const BLANK = /^\s*$/;

/**
 * A line that is not a valid message: `reason` says why, `excerpt` is its start (at most 200
 * characters), both taken from the line after the reader's `redact` option has been applied to
 * the whole of it. `responseIds` are the ids of what the line held that looks like a response
 * (a JSON object, or one inside an array, with a string or number `id` and no `method`),
 * so that the connection can fail those requests at once instead of letting them wait.
 */
export class JsonlFrameError extends Error {
  override readonly name = "JsonlFrameError";
  constructor(
    readonly reason: string,
    readonly excerpt: string,
    options?: { readonly cause?: unknown; readonly responseIds?: readonly (string | number)[] },
  ) {
    super(`Rejected a line from the peer (${reason}): ${excerpt}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.responseIds = options?.responseIds ?? [];
  }
  readonly responseIds: readonly (string | number)[];
}

/** Options of {@link JsonlMessageReader}. */
export interface JsonlMessageReaderOptions {
  /** Checks a decoded JSON object; returns why it is not a valid message, or undefined to accept it. */
  readonly checkMessage?: (message: unknown) => string | undefined;
  /** Called with each accepted message and its line (without the newline), for traffic taps; keep it cheap. */
  readonly onMessageRead?: (message: unknown, line: string) => void;
  /** Applied to the whole of a rejected line before anything is taken from it (reason, excerpt): removes secrets. */
  readonly redact?: (text: string) => string;
  /** Receives what `onMessageRead` throws; default: a process warning, once. The message is delivered either way. */
  readonly onCallbackError?: CallbackErrorHandler;
}

/**
 * A vscode-jsonrpc `MessageReader` over a `Readable` of JSON lines; starts reading at once and
 * buffers messages until {@link JsonlMessageReader.listen} is called. Does NOT close the stream.
 */
export class JsonlMessageReader extends AbstractMessageReader implements MessageReader {
  private callback: DataCallback | undefined;
  private listened = false;
  /** True until listen() has handed over the backlog: messages read meanwhile are kept. */
  private buffering = true;
  private disposed = false;
  private ended = false;
  private closed = false;
  private backlog: Message[] = [];
  /** Pieces of the line being read that arrived in earlier chunks; joined once, when its `\n` arrives. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readCount = 0;
  private rejectCount = 0;

  constructor(
    readable: Readable,
    private readonly options: JsonlMessageReaderOptions = {},
  ) {
    super();
    readable.on("data", (chunk: Buffer | string) => this.onData(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk));
    readable.on("end", () => this.onStreamEnd());
    readable.on("error", (error: Error) => this.fireError(error));
    readable.on("close", () => this.onStreamClose());
  }

  /** Messages delivered (or buffered for delivery) so far. */
  get messagesRead(): number {
    return this.readCount;
  }

  /** Lines rejected so far (not JSON, not an object, or refused by `checkMessage`). */
  get framesRejected(): number {
    return this.rejectCount;
  }

  /** Starts delivering messages, those read before this call first; may be called once (throws otherwise). */
  listen(callback: DataCallback): Disposable {
    if (this.listened) throw new Error("JsonlMessageReader.listen() may be called only once.");
    this.listened = true;
    // Delivered with `this.callback` still unset, so a message read meanwhile (a callback may
    // cause more input synchronously) queues behind them instead of overtaking them.
    const backlog = this.backlog;
    for (let i = 0; i < backlog.length && !this.disposed; i++) callback(backlog[i]!);
    this.backlog = [];
    this.buffering = false;
    if (!this.disposed) this.callback = callback;
    return {
      dispose: () => {
        if (this.callback === callback) this.callback = undefined;
      },
    };
  }

  /** Stops delivering messages and events; the stream is still drained but NOT closed. */
  override dispose(): void {
    this.disposed = true;
    this.buffering = false;
    this.callback = undefined;
    this.backlog = [];
    this.pending = [];
    this.pendingBytes = 0;
    super.dispose();
  }

  private onData(chunk: Buffer): void {
    if (this.disposed) return;
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
    if (this.pending.length === 0 || this.disposed) return;
    // A last line without its newline still counts: the peer ended the stream after it.
    const line = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.onLine(line, 0, line.length);
  }

  private onStreamClose(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.ended && this.pending.length > 0 && !this.disposed) {
      const line = Buffer.concat(this.pending, this.pendingBytes).toString("utf8");
      this.pending = [];
      this.pendingBytes = 0;
      this.reject("the stream closed in the middle of a line", line);
    }
    this.fireClose();
  }

  private onLine(bytes: Buffer, start: number, end: number): void {
    if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--;
    if (end === start) return;
    const line = bytes.toString("utf8", start, end);
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch (error) {
      if (BLANK.test(line)) return;
      this.rejectUnparsable(line, error);
      return;
    }
    if (typeof message !== "object" || message === null || Array.isArray(message)) {
      this.reject(`not a JSON object but ${Array.isArray(message) ? "an array" : message === null ? "null" : `a ${typeof message}`}`, line, undefined, message);
      return;
    }
    const problem = this.options.checkMessage?.(message);
    if (problem !== undefined) {
      this.reject(problem, line, undefined, message);
      return;
    }
    this.readCount++;
    if (this.options.onMessageRead) callSafely("onMessageRead", this.options.onMessageRead, this.options.onCallbackError, message, line);
    if (this.callback) this.callback(message as Message);
    else if (this.buffering) this.backlog.push(message as Message);
  }

  /**
   * A line JSON.parse refused. Its error message quotes a cut piece of the line, so the reason
   * is taken from parsing the redacted line instead: no piece of a secret survives a cut.
   */
  private rejectUnparsable(line: string, error: unknown): void {
    const redacted = this.options.redact ? this.options.redact(line) : line;
    let cause = error;
    if (redacted !== line) {
      try {
        JSON.parse(redacted);
        cause = new SyntaxError("not valid JSON");
      } catch (redactedError) {
        cause = redactedError;
      }
    }
    this.reject(`not JSON: ${(cause as Error).message}`, line, cause);
  }

  private reject(reason: string, line: string, cause?: unknown, decoded?: unknown): void {
    this.rejectCount++;
    const redact = this.options.redact ?? ((text: string) => text);
    // Redacted whole, then cut: a secret straddling the cut is still recognised.
    this.fireError(new JsonlFrameError(redact(reason), excerptOf(redact(line)), { ...(cause === undefined ? {} : { cause }), responseIds: responseIdsOf(decoded) }));
  }
}

/** Ids of what looks like a response in a decoded frame (or a batch of them); see {@link JsonlFrameError}. */
export function responseIdsOf(decoded: unknown): (string | number)[] {
  const ids: (string | number)[] = [];
  for (const item of Array.isArray(decoded) ? decoded : [decoded]) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) continue;
    // With a method (even a broken one) it is the peer's request, whose ids are not ours.
    const { id } = item as { id?: unknown };
    if ((typeof id === "string" || typeof id === "number") && !("method" in item)) ids.push(id);
  }
  return ids;
}

/** The start of `line`, at most {@link EXCERPT_MAX_CHARS} code units, never ending inside a surrogate pair. */
function excerptOf(line: string): string {
  if (line.length <= EXCERPT_MAX_CHARS) return line;
  let end = EXCERPT_MAX_CHARS - 1;
  const last = line.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${line.slice(0, end)}…`;
}
