/**
 * Drains a child's stderr continuously (a full stderr pipe would block the child) and keeps a
 * bounded tail of it, colour codes stripped, for error messages.
 */
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { callSafely, type CallbackErrorHandler } from "../callbacks.ts";

/** Default size of the tail, in bytes of UTF-8: 16 KiB. */
export const DEFAULT_STDERR_TAIL_BYTES = 16 * 1024;

// CSI sequences (colours, cursor moves), OSC sequences (titles, links), and two-byte escapes.
const ANSI_PATTERN = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Options of {@link StderrTail}. */
export interface StderrTailOptions {
  /** Most bytes (UTF-8) of recent output kept; default {@link DEFAULT_STDERR_TAIL_BYTES}. */
  readonly maxBytes?: number;
  /** Called with each complete line, colour codes and a trailing `\r` stripped; a line longer than `maxBytes` arrives cut to its last `maxBytes`. */
  readonly onLine?: (line: string) => void;
  /**
   * Applied to each whole line (and to the unfinished last one) before it is kept or cut, so the
   * tail holds no secret and no piece of one. `onLine` still sees the line as written.
   */
  readonly redact?: (text: string) => string;
  /** Receives what `onLine` throws; default: a process warning, once. The line is kept either way. */
  readonly onCallbackError?: CallbackErrorHandler;
}

/** Drains a stream and keeps its most recent output, at most `maxBytes`, cut at a line boundary where possible. */
export class StderrTail {
  /** Complete lines kept, oldest first, from index `head`. */
  private lines: string[] = [];
  private lineBytes: number[] = [];
  private head = 0;
  /** Bytes of the kept lines, a newline each included. */
  private keptBytes = 0;
  /** The line being written, raw (colour codes may be split across chunks). */
  private partial = "";
  private readonly decoder = new StringDecoder("utf8");
  private readonly maxBytes: number;
  private readonly redact: (text: string) => string;

  constructor(
    readable: Readable | null | undefined,
    private readonly options: StderrTailOptions = {},
  ) {
    this.maxBytes = Math.max(1, Math.floor(options.maxBytes ?? DEFAULT_STDERR_TAIL_BYTES));
    this.redact = options.redact ?? ((text) => text);
    if (!readable) return;
    readable.on("data", (chunk: Buffer | string) => this.append(typeof chunk === "string" ? chunk : this.decoder.write(chunk)));
    readable.on("end", () => {
      this.append(this.decoder.end());
      if (this.partial !== "") this.addLine(this.partial);
      this.partial = "";
    });
    readable.on("error", () => {}); // a broken stderr pipe is not worth crashing for
  }

  /** The most recent output (at most `maxBytes` bytes of UTF-8), colour codes stripped, starting at a line boundary where possible. */
  text(): string {
    const partial = this.redact(clean(this.partial));
    const partialBytes = Buffer.byteLength(partial);
    if (partialBytes >= this.maxBytes) return lastBytes(partial, this.maxBytes);
    let first = this.head;
    let total = this.keptBytes + partialBytes;
    while (total > this.maxBytes && first < this.lines.length) total -= this.lineBytes[first++]!;
    let text = "";
    for (let i = first; i < this.lines.length; i++) text += `${this.lines[i]}\n`;
    return text + partial;
  }

  /** Adds text as if the stream had carried it (for example why a spawn failed). */
  append(text: string): void {
    let start = 0;
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      const line = start === 0 ? this.partial + text.slice(0, newline) : text.slice(start, newline);
      if (start === 0) this.partial = "";
      this.addLine(line);
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    if (start < text.length) this.partial += start === 0 ? text : text.slice(start);
    // Colour codes are stripped per line; a raw line this long is over the bound either way.
    if (this.partial.length > 2 * this.maxBytes) this.partial = lastUnits(this.partial, 2 * this.maxBytes);
  }

  private addLine(raw: string): void {
    const shown = clean(raw.endsWith("\r") ? raw.slice(0, -1) : raw);
    let line = this.redact(shown);
    let bytes = Buffer.byteLength(line) + 1;
    if (bytes > this.maxBytes) {
      line = lastBytes(line, this.maxBytes - 1);
      bytes = Buffer.byteLength(line) + 1;
    }
    if (this.options.onLine) callSafely("onLine", this.options.onLine, this.options.onCallbackError, Buffer.byteLength(shown) < this.maxBytes ? shown : lastBytes(shown, this.maxBytes - 1));
    this.lines.push(line);
    this.lineBytes.push(bytes);
    this.keptBytes += bytes;
    while (this.keptBytes > this.maxBytes && this.head < this.lines.length) this.keptBytes -= this.lineBytes[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.lineBytes = this.lineBytes.slice(this.head);
      this.head = 0;
    }
  }
}

function clean(text: string): string {
  return text.includes("\x1b") ? text.replace(ANSI_PATTERN, "") : text;
}

/** The end of `text`, at most `maxBytes` bytes of UTF-8, starting at a character boundary. */
function lastBytes(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return "";
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let start = bytes.length - maxBytes;
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
  return bytes.toString("utf8", start);
}

/** The last `count` UTF-16 code units of `text`, not starting inside a surrogate pair. */
function lastUnits(text: string, count: number): string {
  let start = text.length - count;
  const code = text.charCodeAt(start);
  if (code >= 0xdc00 && code <= 0xdfff) start++;
  return text.slice(start);
}
