/** The `show` subcommand: a transcript rendered for a person, optionally followed as it grows. */
import { watch, type FSWatcher } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { Command, InvalidArgumentError } from "commander";
import { colorsFor, errorMessage, EXIT_OK, UsageError, type CliIo } from "./io.ts";
import { LineSplitter } from "./lineSplitter.ts";
import type { CommandContext } from "./main.ts";
import { parseTranscriptLine } from "./transcript.ts";
import { TranscriptRenderer } from "./transcriptRenderer.ts";

/** Longest line when stdout is not a terminal, in characters. */
export const DEFAULT_PIPE_WIDTH = 240;
/** How often a followed file is polled when no change event arrives, in milliseconds. */
export const FOLLOW_POLL_MS = 200;

/** Options of {@link showTranscript}. */
export interface ShowOptions {
  readonly file: string;
  readonly thread?: string;
  readonly methods?: readonly string[];
  readonly follow?: boolean;
  readonly json?: boolean;
  readonly width?: number;
  readonly io: CliIo;
  /** Stops following (the command stops on SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
}

/** Renders a transcript file; with `follow`, keeps rendering what is appended until `signal` aborts. */
export async function showTranscript(options: ShowOptions): Promise<number> {
  const { io } = options;
  const width = options.width ?? (io.stdout.isTTY ? (io.stdout.columns ?? 120) : DEFAULT_PIPE_WIDTH);
  const renderer = new TranscriptRenderer({
    ...(options.thread ? { thread: options.thread } : {}),
    ...(options.methods?.length ? { methods: options.methods } : {}),
    json: options.json ?? false,
    colors: colorsFor(io.stdout, io.env),
    width,
    write: (line) => void io.stdout.write(`${line}\n`),
  });
  const splitter = new LineSplitter();
  let lineNumber = 0;
  const onLine = (line: string) => {
    lineNumber++;
    if (line.trim() === "") return;
    const entry = parseTranscriptLine(line);
    if (typeof entry === "string") io.stderr.write(`codex-rpc show: ${options.file}:${lineNumber}: skipped, ${entry}\n`);
    else renderer.entry(entry);
  };
  const onChunk = (chunk: Buffer) => splitter.push(chunk).forEach(onLine);

  if (!options.follow) {
    let data: Buffer;
    try {
      data = await readFile(options.file);
    } catch (error) {
      throw new UsageError(`Cannot read the transcript ${options.file}: ${errorMessage(error)}`);
    }
    onChunk(data);
    const rest = splitter.flush();
    if (rest !== undefined) onLine(rest);
    renderer.finish();
    return EXIT_OK;
  }
  await follow(options.file, onChunk, () => renderer.flush(), options.signal);
  renderer.finish();
  return EXIT_OK;
}

/** Reads `file` from the start and then whatever is appended, until `signal` aborts; waits for a file that does not exist yet. */
async function follow(file: string, onChunk: (chunk: Buffer) => void, onIdle: () => void, signal: AbortSignal | undefined): Promise<void> {
  let position = 0;
  let watcher: FSWatcher | undefined;
  let wake: (() => void) | undefined;
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  const buffer = Buffer.alloc(64 * 1024);
  try {
    while (!signal?.aborted) {
      let grew = false;
      const handle = await open(file, "r").catch(() => undefined);
      if (handle) {
        try {
          if ((await handle.stat()).size < position) position = 0; // truncated or replaced: start again
          for (;;) {
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
            if (bytesRead === 0) break;
            position += bytesRead;
            grew = true;
            onChunk(Buffer.from(buffer.subarray(0, bytesRead)));
          }
        } finally {
          await handle.close();
        }
        if (!watcher) {
          try {
            watcher = watch(file, () => wake?.());
            watcher.on("error", () => {});
          } catch {
            // Polling alone still works.
          }
        }
      }
      if (grew) continue;
      onIdle();
      if (signal?.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => resolve(), FOLLOW_POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    watcher?.close();
  }
}

/** Builds `codex-rpc show FILE`. */
export function showCommand(context: CommandContext): Command {
  return new Command("show")
    .summary("render a transcript for a person (or follow a live one)")
    .description(
      "Render a transcript (from `codex-rpc tap`) for a person: one line per message, coloured by direction, " +
        "responses paired with their requests and latencies, deltas of one item folded, threads and turns as sections.",
    )
    .argument("<file>", "the transcript")
    .option("--thread <id>", "only messages of this thread (an id prefix is enough)")
    .option("--method <glob>", "only these methods (repeatable; * within a segment, ** across: turn/*, item/**)", collect)
    .option("-f, --follow", "keep showing what is appended (tail a live transcript); Ctrl-C stops")
    .option("--json", "one JSON object per line instead of text")
    .option("--width <n>", "cut text lines to n characters, 0 for no limit (default: the terminal's width, 240 when piped)", nonNegativeInteger)
    .action(async (file: string, options: { thread?: string; method?: string[]; follow?: boolean; json?: boolean; width?: number }) => {
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      if (options.follow) for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, onSignal);
      try {
        context.exit(
          await showTranscript({
            file,
            methods: options.method ?? [],
            ...(options.thread ? { thread: options.thread } : {}),
            ...(options.follow ? { follow: true } : {}),
            ...(options.json ? { json: true } : {}),
            ...(options.width !== undefined ? { width: options.width } : {}),
            io: context.io,
            signal: stop.signal,
          }),
        );
      } finally {
        for (const signal of ["SIGINT", "SIGTERM"] as const) process.off(signal, onSignal);
      }
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number, 0 or more.");
  return n;
}
