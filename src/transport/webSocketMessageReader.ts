/**
 * Reads JSON-RPC messages from a WebSocket for vscode-jsonrpc: one message per text frame. A
 * binary frame, a frame that is not JSON or not one JSON object (a batch, say) is reported
 * through the error event and reading goes on, as the JSON-lines reader does with a bad line.
 */
import { AbstractMessageReader, type DataCallback, type Disposable, type Message, type MessageReader } from "vscode-jsonrpc/node";
import type { WebSocket } from "ws";
import { callSafely, type CallbackErrorHandler } from "../callbacks.ts";
import { responseIdsOf } from "./jsonlMessageReader.ts";

/** Longest excerpt of a rejected frame kept in a {@link WebSocketFrameError}, in UTF-16 code units. */
const EXCERPT_MAX_CHARS = 200;

/**
 * A frame that is not a valid message: `reason` says why, `excerpt` is its start (at most 200
 * characters), both taken after the reader's `redact` option was applied to the whole frame;
 * `responseIds` as in JsonlFrameError (what the frame held that looks like a response).
 */
export class WebSocketFrameError extends Error {
  override readonly name = "WebSocketFrameError";
  constructor(
    readonly reason: string,
    readonly excerpt: string,
    options?: { readonly cause?: unknown; readonly responseIds?: readonly (string | number)[] },
  ) {
    super(`Rejected a frame from the peer (${reason}): ${excerpt}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.responseIds = options?.responseIds ?? [];
  }
  readonly responseIds: readonly (string | number)[];
}

/** Options of {@link WebSocketMessageReader}. */
export interface WebSocketMessageReaderOptions {
  /** Checks a decoded JSON object; returns why it is not a valid message, or undefined to accept it. */
  readonly checkMessage?: (message: unknown) => string | undefined;
  /** Called with each accepted message and its frame text, for traffic taps; keep it cheap. */
  readonly onMessageRead?: (message: unknown, text: string) => void;
  /** Applied to the whole of a rejected frame before anything is taken from it (reason, excerpt): removes secrets. */
  readonly redact?: (text: string) => string;
  /** Receives what `onMessageRead` throws; default: a process warning, once. The message is delivered either way. */
  readonly onCallbackError?: CallbackErrorHandler;
}

/**
 * A vscode-jsonrpc `MessageReader` over an open `ws` WebSocket; starts reading at once and
 * buffers messages until {@link WebSocketMessageReader.listen} is called. Fires its close event
 * once, when the socket closes. Does NOT close the socket.
 */
export class WebSocketMessageReader extends AbstractMessageReader implements MessageReader {
  private callback: DataCallback | undefined;
  private listened = false;
  private buffering = true;
  private disposed = false;
  private closed = false;
  private backlog: Message[] = [];
  private readCount = 0;
  private rejectCount = 0;

  constructor(
    socket: WebSocket,
    private readonly options: WebSocketMessageReaderOptions = {},
  ) {
    super();
    socket.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => this.onFrame(data, isBinary));
    socket.on("close", () => this.onSocketClose());
    if (socket.readyState === socket.CLOSED) queueMicrotask(() => this.onSocketClose());
  }

  /** Messages delivered (or buffered for delivery) so far. */
  get messagesRead(): number {
    return this.readCount;
  }

  /** Frames rejected so far (binary, not JSON, not an object, or refused by `checkMessage`). */
  get framesRejected(): number {
    return this.rejectCount;
  }

  /** Starts delivering messages, those read before this call first; may be called once (throws otherwise). */
  listen(callback: DataCallback): Disposable {
    if (this.listened) throw new Error("WebSocketMessageReader.listen() may be called only once.");
    this.listened = true;
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

  /** Stops delivering messages and events; does NOT close the socket. */
  override dispose(): void {
    this.disposed = true;
    this.buffering = false;
    this.callback = undefined;
    this.backlog = [];
    super.dispose();
  }

  private onFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.disposed) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (isBinary) {
      this.reject(`a binary frame of ${bytes.length} bytes; messages are text frames`, "");
      return;
    }
    const text = bytes.toString("utf8");
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      // JSON.parse quotes a cut piece of the text: take the reason from the redacted text instead.
      const redacted = this.options.redact ? this.options.redact(text) : text;
      let cause = error;
      if (redacted !== text) {
        try {
          JSON.parse(redacted);
          cause = new SyntaxError("not valid JSON");
        } catch (redactedError) {
          cause = redactedError;
        }
      }
      this.reject(`not JSON: ${(cause as Error).message}`, text, cause);
      return;
    }
    if (typeof message !== "object" || message === null || Array.isArray(message)) {
      this.reject(`not a JSON object but ${Array.isArray(message) ? "an array" : message === null ? "null" : `a ${typeof message}`}`, text, undefined, message);
      return;
    }
    const problem = this.options.checkMessage?.(message);
    if (problem !== undefined) {
      this.reject(problem, text, undefined, message);
      return;
    }
    this.readCount++;
    if (this.options.onMessageRead) callSafely("onMessageRead", this.options.onMessageRead, this.options.onCallbackError, message, text);
    if (this.callback) this.callback(message as Message);
    else if (this.buffering) this.backlog.push(message as Message);
  }

  private onSocketClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.fireClose();
  }

  private reject(reason: string, text: string, cause?: unknown, decoded?: unknown): void {
    this.rejectCount++;
    const redact = this.options.redact ?? ((value: string) => value);
    // Redacted whole, then cut: a secret straddling the cut is still recognised.
    this.fireError(new WebSocketFrameError(redact(reason), excerptOf(redact(text)), { ...(cause === undefined ? {} : { cause }), responseIds: responseIdsOf(decoded) }));
  }
}

/** The start of `text`, at most {@link EXCERPT_MAX_CHARS} code units, never ending inside a surrogate pair. */
function excerptOf(text: string): string {
  if (text.length <= EXCERPT_MAX_CHARS) return text;
  let end = EXCERPT_MAX_CHARS - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
