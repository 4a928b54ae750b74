/**
 * Renders transcript entries for a person (or as JSON lines): one line per message, coloured by
 * direction; responses paired with their requests and the latency between them; runs of deltas
 * of one item folded into one line; threads and turns as sections. Works on a growing
 * transcript: entries are fed one at a time, `flush()` ends a pending run of deltas.
 */
import type { Colors } from "./io.ts";
import { describeNotification, describeRequest, describeResult, oneLine, threadIdOf, turnIdOf } from "./messageSummary.ts";
import { isMessageEntry, type Direction, type TranscriptEntry } from "./transcript.ts";
import { jsonText } from "../protocol/redaction.ts";

/** Options of {@link TranscriptRenderer}. */
export interface TranscriptRendererOptions {
  /** Show only messages of this thread (a prefix of its id is enough). */
  readonly thread?: string;
  /** Show only messages whose method (a response: its request's) matches one of these globs. */
  readonly methods?: readonly string[];
  /** Print JSON lines instead of text. */
  readonly json?: boolean;
  readonly colors: Colors;
  /** Longest text line, in characters; 0 for no limit. */
  readonly width?: number;
  /** Receives each output line (without a newline). */
  readonly write: (line: string) => void;
}

/** One rendered line, as `--json` prints it. */
export interface RenderedLine {
  readonly t: number;
  readonly dir: Direction;
  readonly kind: "request" | "response" | "error" | "notification" | "deltas" | "raw";
  readonly method?: string;
  readonly id?: unknown;
  /** Milliseconds from the request to this response. */
  readonly latencyMs?: number;
  readonly threadId?: string;
  readonly turnId?: string;
  readonly summary: string;
  /** Folded deltas: how many, and their joined text. */
  readonly count?: number;
  readonly text?: string;
  readonly msg?: unknown;
}

interface PendingRequest {
  readonly method: string;
  readonly t: number;
  readonly threadId: string | undefined;
}

interface DeltaRun {
  readonly first: RenderedLine;
  readonly itemId: string;
  count: number;
  text: string;
}

const DELTA_METHOD = /(\/delta|Delta)$/;

/** Turns `*` (within a segment), `**` (across segments) and `?` into a regular expression. */
export function globToRegExp(glob: string): RegExp {
  let pattern = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === "*" && glob[i + 1] === "*") {
      pattern += ".*";
      i++;
    } else if (char === "*") pattern += "[^/]*";
    else if (char === "?") pattern += "[^/]";
    else pattern += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${pattern}$`);
}

/** The renderer; see the module comment. */
export class TranscriptRenderer {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly methodPatterns: RegExp[];
  private run: DeltaRun | undefined;
  private sectionThread: string | undefined;
  /** Turns started and not yet completed, with their thread. */
  private readonly openTurns = new Map<string, string | undefined>();

  constructor(private readonly options: TranscriptRendererOptions) {
    this.methodPatterns = (options.methods ?? []).map(globToRegExp);
  }

  /** Takes the next entry of the transcript. */
  entry(entry: TranscriptEntry): void {
    if (!isMessageEntry(entry)) {
      if (this.options.thread || this.methodPatterns.length) return;
      this.emit({ t: entry.t, dir: entry.dir, kind: "raw", summary: oneLine(entry.raw) });
      return;
    }
    const line = this.classify(entry.dir, entry.t, entry.msg);
    if (!line || !this.wanted(line)) return;
    if (line.kind === "notification" && line.method && DELTA_METHOD.test(line.method)) {
      this.delta(line);
      return;
    }
    this.emit(line);
  }

  /** Prints a pending run of deltas (call when the transcript goes quiet or ends). */
  flush(): void {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    this.print({ ...run.first, kind: "deltas", count: run.count, text: run.text, summary: `${run.itemId} ×${run.count} ${JSON.stringify(oneLine(run.text))}`, msg: undefined });
  }

  /** Ends the transcript: flushes, and lists requests that never got a response. */
  finish(): void {
    this.flush();
    if (this.options.json) return;
    const { colors } = this.options;
    for (const [key, request] of this.pending) {
      const id = key.slice(key.indexOf(":") + 1);
      this.options.write(colors.yellow(`(no response to ${key.startsWith("c2s") ? "→" : "←"} #${id} ${request.method}, sent at ${seconds(request.t)})`));
    }
  }

  private classify(dir: Direction, t: number, msg: unknown): RenderedLine | undefined {
    if (typeof msg !== "object" || msg === null || Array.isArray(msg)) return { t, dir, kind: "raw", summary: JSON.stringify(msg) };
    const m = msg as Record<string, unknown>;
    if (typeof m.method === "string") {
      const threadId = threadIdOf(m.params);
      const turnId = turnIdOf(m.params);
      const ids = { ...(threadId ? { threadId } : {}), ...(turnId ? { turnId } : {}) };
      if ("id" in m) {
        this.pending.set(`${dir}:${JSON.stringify(m.id)}`, { method: m.method, t, threadId });
        return { t, dir, kind: "request", method: m.method, id: m.id, ...ids, summary: describeRequest(m.method, m.params), msg };
      }
      return { t, dir, kind: "notification", method: m.method, ...ids, summary: describeNotification(m.method, m.params), msg };
    }
    const key = `${dir === "c2s" ? "s2c" : "c2s"}:${JSON.stringify(m.id)}`;
    const request = this.pending.get(key);
    this.pending.delete(key);
    const threadId = request?.threadId ?? threadIdOf(m.result);
    const base = {
      t,
      dir,
      id: m.id,
      ...(request ? { method: request.method, latencyMs: Math.round((t - request.t) * 10) / 10 } : {}),
      ...(threadId ? { threadId } : {}),
      msg,
    };
    if ("error" in m) {
      const error = (m.error ?? {}) as { code?: unknown; message?: unknown };
      return { ...base, kind: "error", summary: `${String(error.code)} ${String(error.message)}` };
    }
    return { ...base, kind: "response", summary: describeResult(request?.method, m.result) };
  }

  private wanted(line: RenderedLine): boolean {
    if (this.options.thread && !line.threadId?.startsWith(this.options.thread)) return false;
    if (this.methodPatterns.length && !this.methodPatterns.some((pattern) => pattern.test(line.method ?? ""))) return false;
    return true;
  }

  private delta(line: RenderedLine): void {
    const params = ((line.msg as { params?: Record<string, unknown> }).params ?? {}) as Record<string, unknown>;
    const itemId = String(params.itemId ?? "?");
    const text = typeof params.delta === "string" ? params.delta : "";
    if (this.run && this.run.itemId === itemId && this.run.first.method === line.method) {
      this.run.count++;
      this.run.text += text;
      return;
    }
    this.flush();
    this.run = { first: line, itemId, count: 1, text };
  }

  private emit(line: RenderedLine): void {
    this.flush();
    this.print(line);
  }

  private print(line: RenderedLine): void {
    if (this.options.json) {
      this.options.write(jsonText(line));
      return;
    }
    const { colors } = this.options;
    if (line.threadId && line.threadId !== this.sectionThread) {
      this.sectionThread = line.threadId;
      this.options.write(colors.bold(`── thread ${line.threadId} ──`));
    }
    // Inside a turn's section: anything of a thread whose turn is running.
    const turnOpen = line.turnId !== undefined ? this.openTurns.has(line.turnId) : line.threadId !== undefined && [...this.openTurns.values()].includes(line.threadId);
    if (line.kind === "notification" && line.method === "turn/started" && line.turnId) {
      this.openTurns.set(line.turnId, line.threadId);
      this.options.write(this.limit(`${colors.dim(seconds(line.t))}  ${colors.bold(`┌ turn ${line.turnId}`)}`));
      return;
    }
    if (line.kind === "notification" && line.method === "turn/completed" && line.turnId) {
      this.openTurns.delete(line.turnId);
      this.options.write(this.limit(`${colors.dim(seconds(line.t))}  ${colors.bold(`└ turn ${line.turnId}`)} ${turnOutcome(line.msg, colors)}`));
      return;
    }
    const gutter = turnOpen ? colors.bold("│ ") : "  ";
    this.options.write(this.limit(`${colors.dim(seconds(line.t))}  ${gutter}${this.body(line)}`.trimEnd()));
  }

  private body(line: RenderedLine): string {
    const { colors } = this.options;
    const arrow = line.dir === "c2s" ? colors.cyan("→") : colors.green("←");
    const paint = line.dir === "c2s" ? colors.cyan : colors.green;
    const id = line.id === undefined ? "" : `#${typeof line.id === "string" ? line.id : JSON.stringify(line.id)} `;
    switch (line.kind) {
      case "raw":
        return `${arrow} ${colors.yellow("(not JSON)")} ${line.summary}`;
      case "request": {
        const method = line.dir === "s2c" ? colors.magenta(line.method ?? "") : paint(line.method ?? "");
        return `${arrow} ${id}${method}  ${line.summary}`;
      }
      case "response":
      case "error": {
        const outcome = line.kind === "error" ? colors.red("error") : colors.green("ok");
        const latency = line.latencyMs === undefined ? "" : ` ${colors.yellow(`${line.latencyMs} ms`)}`;
        const summary = line.kind === "error" ? colors.red(line.summary) : line.summary;
        return `${arrow} ${id}${paint(line.method ?? "(unknown request)")} ${outcome}${latency}  ${summary}`;
      }
      case "deltas":
        return `${arrow} ${paint(line.method ?? "")} ${line.summary}`;
      case "notification": {
        const method = line.method === "error" ? colors.red(line.method) : line.method === "warning" || line.method === "configWarning" ? colors.yellow(line.method) : paint(line.method ?? "");
        return `${arrow} ${method}  ${line.summary}`;
      }
    }
  }

  private limit(text: string): string {
    const width = this.options.width ?? 0;
    // Colour codes do not take up columns; measure the visible text.
    const visible = text.replace(/\x1b\[[0-9;]*m/g, "");
    if (width <= 0 || visible.length <= width) return text;
    return clipVisible(text, width);
  }
}

function turnOutcome(msg: unknown, colors: Colors): string {
  const turn = ((msg as { params?: { turn?: Record<string, unknown> } }).params?.turn ?? {}) as Record<string, unknown>;
  const status = String(turn.status ?? "?");
  const painted = status === "completed" ? colors.green(status) : status === "failed" ? colors.red(status) : colors.yellow(status);
  const duration = typeof turn.durationMs === "number" ? ` ${turn.durationMs} ms` : "";
  const error = turn.error && typeof turn.error === "object" ? `: ${colors.red(String((turn.error as { message?: unknown }).message))}` : "";
  return `${painted}${duration}${error}`;
}

/** `t` (ms) as seconds, right-aligned: "   0.136s". */
function seconds(t: number): string {
  return `${(t / 1000).toFixed(3).padStart(8)}s`;
}

// Cuts to `width` visible characters, keeping colour codes intact and resetting them at the end.
function clipVisible(text: string, width: number): string {
  const escape = /\x1b\[[0-9;]*m/y;
  let out = "";
  let visible = 0;
  for (let i = 0; i < text.length; ) {
    escape.lastIndex = i;
    const match = escape.exec(text);
    if (match) {
      out += match[0];
      i += match[0].length;
      continue;
    }
    if (visible === width - 1) return `${out}…${text.includes("\x1b[") ? "\x1b[0m" : ""}`;
    out += text[i];
    visible++;
    i++;
  }
  return out;
}
