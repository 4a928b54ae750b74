/**
 * The JSON-lines transcript `codex-rpc tap` writes and `show`, `replay` and `check` read: one
 * entry per message, `{dir, t, msg}` (`t` in milliseconds since the recording started, on a
 * monotonic clock), or `{dir, t, raw}` for a line that was not JSON. Secrets are redacted before
 * anything is written.
 */
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { createRedactor, type Redactor } from "../protocol/redaction.ts";
import { LineSplitter } from "./lineSplitter.ts";

/** Who sent a message: the client to the server, or the server to the client. */
export type Direction = "c2s" | "s2c";

/** A message that parsed as JSON (secrets redacted). */
export interface TranscriptMessageEntry {
  readonly dir: Direction;
  /** Milliseconds since the recording started (monotonic). */
  readonly t: number;
  readonly msg: unknown;
}

/** A line that was not JSON, as text (secrets redacted). */
export interface TranscriptRawEntry {
  readonly dir: Direction;
  readonly t: number;
  readonly raw: string;
}

/** One line of a transcript. */
export type TranscriptEntry = TranscriptMessageEntry | TranscriptRawEntry;

/** A line of a transcript file that is not an entry. */
export interface TranscriptProblem {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly reason: string;
}

/** True when the entry holds a parsed message (not a raw line). */
export function isMessageEntry(entry: TranscriptEntry): entry is TranscriptMessageEntry {
  return "msg" in entry;
}

/** Parses one transcript line; returns a reason string when it is not an entry. */
export function parseTranscriptLine(line: string): TranscriptEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const entry = value as Record<string, unknown>;
  if (entry.dir !== "c2s" && entry.dir !== "s2c") return `"dir" must be "c2s" or "s2c"`;
  if (typeof entry.t !== "number") return `"t" must be a number`;
  if ("msg" in entry) return { dir: entry.dir, t: entry.t, msg: entry.msg };
  if (typeof entry.raw === "string") return { dir: entry.dir, t: entry.t, raw: entry.raw };
  return `an entry needs "msg" or "raw"`;
}

/** Parses a whole transcript; blank lines are skipped, bad lines reported, never thrown. */
export function parseTranscript(text: string): { entries: TranscriptEntry[]; problems: TranscriptProblem[] } {
  const entries: TranscriptEntry[] = [];
  const problems: TranscriptProblem[] = [];
  text.split("\n").forEach((rawLine, index) => {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === "") return;
    const parsed = parseTranscriptLine(line);
    if (typeof parsed === "string") problems.push({ line: index + 1, reason: parsed });
    else entries.push(parsed);
  });
  return { entries, problems };
}

/** Options of {@link TrafficRecorder}. */
export interface TrafficRecorderOptions {
  /** Receives every entry, in the order the lines completed. */
  readonly onEntry: (entry: TranscriptEntry) => void;
  /** Default: `createRedactor()` (secret-looking fields, credential shapes, secret env values). */
  readonly redactor?: Redactor;
  /** Milliseconds on a monotonic clock; default `performance.now()`. */
  readonly now?: () => number;
  /** The clock reading `t` counts from; default: when the recorder is made. */
  readonly origin?: number;
}

/**
 * Turns the raw bytes of both directions into transcript entries: splits each direction on
 * `\n`, parses a copy of each line, redacts it. Never changes or holds back the bytes themselves.
 */
export class TrafficRecorder {
  private readonly splitters: Record<Direction, LineSplitter> = { c2s: new LineSplitter(), s2c: new LineSplitter() };
  private readonly redactor: Redactor;
  private readonly now: () => number;
  private readonly start: number;

  constructor(private readonly options: TrafficRecorderOptions) {
    this.redactor = options.redactor ?? createRedactor();
    this.now = options.now ?? (() => performance.now());
    this.start = options.origin ?? this.now();
  }

  /** Records the lines a chunk of one direction completes. */
  chunk(dir: Direction, chunk: Buffer, at: number = this.now()): void {
    const lines = this.splitters[dir].push(chunk);
    if (lines.length === 0) return;
    const t = this.elapsed(at);
    for (const line of lines) this.line(dir, t, line);
  }

  /** Records what is left of one direction when it ends (a last line without a newline). */
  end(dir: Direction): void {
    const rest = this.splitters[dir].flush();
    if (rest !== undefined) this.line(dir, this.elapsed(), rest);
  }

  private elapsed(at: number = this.now()): number {
    return Math.round((at - this.start) * 1000) / 1000;
  }

  private line(dir: Direction, t: number, line: string): void {
    if (line.trim() === "") return;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      this.options.onEntry({ dir, t, raw: this.redactor.text(line) });
      return;
    }
    this.options.onEntry({ dir, t, msg: this.redactor.value(msg) });
  }
}

/** An append-only transcript file. */
export interface TranscriptLog {
  /** Queues one entry; dropped once writing has failed (see `error`). */
  write(entry: TranscriptEntry): void;
  /** Why writing failed, if it did. */
  readonly error: Error | undefined;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/**
 * Opens `file` for appending (created if missing); rejects when it cannot be opened. Writes are
 * asynchronous, so a slow disk or a full pipe never holds up the traffic being logged; entries
 * written in one turn of the event loop go out in one write.
 */
export async function openTranscriptLog(file: string): Promise<TranscriptLog> {
  const stream: WriteStream = createWriteStream(file, { flags: "a" });
  let failure: Error | undefined;
  stream.on("error", (error) => {
    failure ??= error;
  });
  await Promise.race([once(stream, "open"), once(stream, "error").then(([error]) => Promise.reject(error as Error))]);
  let batch: string[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    scheduled = undefined;
    if (batch.length === 0 || failure) return;
    stream.write(batch.join(""));
    batch = [];
  };
  return {
    write: (entry) => {
      if (failure) return;
      batch.push(`${JSON.stringify(entry)}\n`);
      scheduled ??= setImmediate(flush);
    },
    get error() {
      return failure;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (scheduled) clearImmediate(scheduled);
        flush();
        if (stream.closed || failure) return resolve();
        stream.end(() => resolve());
      }),
  };
}
