/**
 * What the JSON-lines and WebSocket readers share: one text frame (a line, a WebSocket text
 * frame) becomes one message or one {@link FrameError}, messages read before `listen` wait in a
 * backlog, and a bad frame is reported through the error event while reading goes on. Each
 * subclass only cuts its medium into frames.
 */
import { AbstractMessageReader, type DataCallback, type Disposable, type Message, type MessageReader } from "vscode-jsonrpc/node";
import { callSafely, type CallbackErrorHandler } from "../callbacks.ts";

/** Longest excerpt of a rejected frame kept in a {@link FrameError}, in UTF-16 code units. */
const EXCERPT_MAX_CHARS = 200;

/** Options of both framed readers; `text` is the frame as read (a line without its newline, or a text frame). */
export interface FramedMessageReaderOptions {
  /** Checks a decoded JSON object; returns why it is not a valid message, or undefined to accept it. */
  readonly checkMessage?: (message: unknown) => string | undefined;
  /** Called with each accepted message and its frame text, for traffic taps; keep it cheap. */
  readonly onMessageRead?: (message: unknown, text: string) => void;
  /** Applied to the whole of a rejected frame before anything is taken from it (reason, excerpt): removes secrets. */
  readonly redact?: (text: string) => string;
  /** Receives what `onMessageRead` throws; default: a process warning, once. The message is delivered either way. */
  readonly onCallbackError?: CallbackErrorHandler;
}

/** Options of a {@link FrameError}. */
interface FrameErrorOptions {
  readonly cause?: unknown;
  readonly responseIds?: readonly (string | number)[];
}

/**
 * A frame that is not a valid message: `reason` says why, `excerpt` is its start (at most 200
 * characters), both taken from the frame after the reader's `redact` option has been applied to
 * the whole of it. `responseIds` are the ids of what the frame held that looks like a response
 * (a JSON object, or one inside an array, with a string or number `id` and no `method`),
 * so that the connection can fail those requests at once instead of letting them wait.
 */
export class FrameError extends Error {
  override readonly name: string = "FrameError";
  readonly responseIds: readonly (string | number)[];
  constructor(
    /** What was rejected, for the message: "line" or "frame". */
    unit: string,
    readonly reason: string,
    readonly excerpt: string,
    options?: FrameErrorOptions,
  ) {
    super(`Rejected a ${unit} from the peer (${reason}): ${excerpt}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.responseIds = options?.responseIds ?? [];
  }
}

/**
 * A vscode-jsonrpc `MessageReader` that turns text frames into messages; buffers messages until
 * {@link FramedMessageReader.listen} is called. Subclasses feed it frames through `readFrame`.
 */
export abstract class FramedMessageReader extends AbstractMessageReader implements MessageReader {
  private callback: DataCallback | undefined;
  private listened = false;
  /** True until listen() has handed over the backlog: messages read meanwhile are kept. */
  private buffering = true;
  private disposed = false;
  private closed = false;
  private backlog: Message[] = [];
  private readCount = 0;
  private rejectCount = 0;

  protected constructor(
    /** The subclass's name, for the message of a second `listen`. */
    private readonly readerName: string,
    private readonly options: FramedMessageReaderOptions,
    private readonly createError: (reason: string, excerpt: string, options: FrameErrorOptions) => FrameError,
  ) {
    super();
  }

  /** Messages delivered (or buffered for delivery) so far. */
  get messagesRead(): number {
    return this.readCount;
  }

  /** Frames (lines, for JSON lines) rejected so far: binary, not JSON, not an object, or refused by `checkMessage`. */
  get framesRejected(): number {
    return this.rejectCount;
  }

  /** Starts delivering messages, those read before this call first; may be called once (throws otherwise). */
  listen(callback: DataCallback): Disposable {
    if (this.listened) throw new Error(`${this.readerName}.listen() may be called only once.`);
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

  /** Stops delivering messages and events; does NOT close what is read from. */
  override dispose(): void {
    this.disposed = true;
    this.buffering = false;
    this.callback = undefined;
    this.backlog = [];
    super.dispose();
  }

  /** True once `dispose()` was called. */
  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** True once the close event was fired. */
  protected get isClosed(): boolean {
    return this.closed;
  }

  /** Fires the close event, once. */
  protected fireCloseOnce(): void {
    if (this.closed) return;
    this.closed = true;
    this.fireClose();
  }

  /** Whether a frame JSON.parse refused is dropped silently instead of rejected (JSON lines: blank lines). */
  protected ignoresUnparsable(_text: string): boolean {
    return false;
  }

  /** Decodes one frame's text and delivers the message, or rejects the frame. */
  protected readFrame(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      if (this.ignoresUnparsable(text)) return;
      this.rejectUnparsable(text, error);
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

  /** Reports a rejected frame through the error event; `decoded` is what JSON.parse made of it, if anything. */
  protected reject(reason: string, text: string, cause?: unknown, decoded?: unknown): void {
    this.rejectCount++;
    const redact = this.options.redact ?? ((value: string) => value);
    // Redacted whole, then cut: a secret straddling the cut is still recognised.
    this.fireError(this.createError(redact(reason), excerptOf(redact(text)), { ...(cause === undefined ? {} : { cause }), responseIds: responseIdsOf(decoded) }));
  }

  /**
   * A frame JSON.parse refused. Its error message quotes a cut piece of the frame, so the reason
   * is taken from parsing the redacted frame instead: no piece of a secret survives a cut.
   */
  private rejectUnparsable(text: string, error: unknown): void {
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
  }
}

/** Ids of what looks like a response in a decoded frame (or a batch of them); see {@link FrameError}. */
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

/** The start of `text`, at most {@link EXCERPT_MAX_CHARS} code units, never ending inside a surrogate pair. */
function excerptOf(text: string): string {
  if (text.length <= EXCERPT_MAX_CHARS) return text;
  let end = EXCERPT_MAX_CHARS - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
