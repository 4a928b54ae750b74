/**
 * Drains a child's stderr continuously (a full stderr pipe would block the child) and keeps a
 * bounded tail of it, colour codes stripped, for error messages.
 */
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";

/** Default size of the tail, in bytes (UTF-16 code units, near enough). */
export const DEFAULT_STDERR_TAIL_BYTES = 16 * 1024;

// CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
const ANSI_PATTERN = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/** Options of {@link StderrTail}. */
export interface StderrTailOptions {
  readonly maxBytes?: number;
  /** Called with each complete line (colour codes stripped). */
  readonly onLine?: (line: string) => void;
}

/** The bounded tail; see the module comment. */
export class StderrTail {
  private tail = "";
  private partial = "";
  private readonly decoder = new StringDecoder("utf8");
  private readonly maxBytes: number;

  constructor(
    readable: Readable | null | undefined,
    private readonly options: StderrTailOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_STDERR_TAIL_BYTES;
    readable?.on("data", (chunk: Buffer | string) => this.append(typeof chunk === "string" ? chunk : this.decoder.write(chunk)));
    readable?.on("error", () => {}); // a broken stderr pipe is not worth crashing for
  }

  /** The most recent output, at most `maxBytes`, starting at a line boundary where possible. */
  text(): string {
    return (this.tail + this.partial).slice(-this.maxBytes);
  }

  /** Adds text as if the child had written it (for spawn errors). */
  append(text: string): void {
    const clean = text.replace(ANSI_PATTERN, "");
    const lines = (this.partial + clean).split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) {
      this.options.onLine?.(line);
      this.tail += `${line}\n`;
    }
    if (this.tail.length > this.maxBytes) {
      const cut = this.tail.slice(-this.maxBytes);
      const boundary = cut.indexOf("\n");
      this.tail = boundary >= 0 && boundary < cut.length - 1 ? cut.slice(boundary + 1) : cut;
    }
    if (this.partial.length > this.maxBytes) this.partial = this.partial.slice(-this.maxBytes);
  }
}
