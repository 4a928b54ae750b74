/**
 * `codex-rpc tap`: a transparent stdio proxy to put in place of the codex binary. Every byte is
 * piped through unchanged and first; a copy of each line is parsed, redacted and appended to a
 * JSON-lines transcript. stderr goes straight through, signals are forwarded to the child, and the
 * tap exits with the child's exit code (128 + the signal number when the child was killed).
 */
import { constants as osConstants } from "node:os";
import type { ChildProcess } from "node:child_process";
import { spawn } from "cross-spawn";
import { createRedactor } from "../protocol/redaction.ts";
import { errorMessage, UsageError, type CliIo } from "./io.ts";
import { openTranscriptLog, TrafficRecorder } from "./transcript.ts";

/** Signals the tap passes on to the child instead of dying of them itself. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGWINCH"];

/** Exit code when the command cannot be found (as a shell reports it). */
export const EXIT_COMMAND_NOT_FOUND = 127;
/** Exit code when the command exists but cannot be run. */
export const EXIT_COMMAND_NOT_EXECUTABLE = 126;

/** Options of {@link runTap}. */
export interface TapOptions {
  /** The command that runs the app-server, and its arguments. */
  readonly command: string;
  readonly args: readonly string[];
  /** The transcript file (appended to). */
  readonly log: string;
  readonly io: CliIo;
  /** Forward the process's signals to the child; default true (tests in-process turn it off). */
  readonly forwardSignals?: boolean;
}

/** Runs the proxy until the child exits; resolves with the exit code to use. Throws UsageError when the log cannot be opened. */
export async function runTap(options: TapOptions): Promise<number> {
  const { io } = options;
  const log = await openTranscriptLog(options.log).catch((error: unknown) => {
    throw new UsageError(`Cannot open the transcript ${options.log} for appending: ${errorMessage(error)}`);
  });
  const recorder = new TrafficRecorder({ onEntry: (entry) => log.write(entry), redactor: createRedactor({ env: io.env }) });
  const passStderr = io.stderr === process.stderr;
  const child: ChildProcess = spawn(options.command, [...options.args], {
    stdio: ["pipe", "pipe", passStderr ? "inherit" : "pipe"],
    env: io.env as NodeJS.ProcessEnv,
    shell: false,
    windowsHide: true,
  });

  // Bytes first: pipe() registers its listener before ours, so each chunk is written on before
  // a copy of it is parsed.
  io.stdin.pipe(child.stdin!);
  io.stdin.on("data", (chunk: Buffer | string) => recorder.chunk("c2s", toBuffer(chunk)));
  io.stdin.on("end", () => recorder.end("c2s"));
  child.stdout!.pipe(io.stdout, { end: false });
  child.stdout!.on("data", (chunk: Buffer) => recorder.chunk("s2c", chunk));
  child.stdout!.on("end", () => recorder.end("s2c"));
  if (!passStderr) child.stderr!.pipe(io.stderr, { end: false });
  // A client or child that goes away mid-write is the end of the session, not a crash of the tap.
  child.stdin!.on("error", () => {});
  io.stdout.on("error", () => {});

  const forwarders = new Map<NodeJS.Signals, () => void>();
  if (options.forwardSignals !== false) {
    for (const signal of FORWARDED_SIGNALS) {
      const forward = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      };
      forwarders.set(signal, forward);
      process.on(signal, forward);
    }
  }

  try {
    return await new Promise<number>((resolve) => {
      child.once("error", (error: NodeJS.ErrnoException) => {
        if (child.pid !== undefined) return;
        io.stderr.write(`codex-rpc tap: cannot run ${options.command}: ${error.message}\n`);
        resolve(error.code === "ENOENT" ? EXIT_COMMAND_NOT_FOUND : EXIT_COMMAND_NOT_EXECUTABLE);
      });
      child.once("close", (code: number | null, signal: NodeJS.Signals | null) => {
        resolve(code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0));
      });
    });
  } finally {
    for (const [signal, forward] of forwarders) process.off(signal, forward);
    io.stdin.unpipe(child.stdin!);
    recorder.end("c2s");
    recorder.end("s2c");
    await log.close();
    // Traffic was never affected; say that the transcript is incomplete.
    if (log.error) io.stderr.write(`codex-rpc tap: the transcript ${options.log} is incomplete: ${log.error.message}\n`);
  }
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === "string" ? Buffer.from(chunk) : chunk;
}
