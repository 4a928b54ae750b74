/**
 * Spawns a JSON-lines peer as a child process (cross-spawn, never a shell) and exposes its
 * stdio as a vscode-jsonrpc reader/writer pair, its stderr as a bounded tail, and a staged
 * close: end stdin, wait, SIGTERM, wait, SIGKILL.
 */
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { PassThrough, Writable, type Readable } from "node:stream";
import { spawn as crossSpawn } from "cross-spawn";
import type { CallbackErrorHandler } from "../callbacks.ts";
import type { ProcessExitInfo } from "../errors.ts";
import { JsonlMessageReader, type JsonlMessageReaderOptions } from "./jsonlMessageReader.ts";
import { JsonlMessageWriter, type JsonlMessageWriterOptions } from "./jsonlMessageWriter.ts";
import { StderrTail } from "./stderrTail.ts";

/** Default wait after ending stdin before SIGTERM, in milliseconds. */
export const DEFAULT_CLOSE_GRACE_MS = 2000;
/** Default wait after SIGTERM before SIGKILL, in milliseconds. */
export const DEFAULT_TERM_GRACE_MS = 2000;
/**
 * How long to wait, after the child has exited, for its stdio to close before closing it
 * ourselves: a grandchild that inherited a pipe would otherwise keep `exited` pending forever.
 */
const STDIO_CLOSE_AFTER_EXIT_MS = 1000;

/** Starts a process; cross-spawn's `spawn` fits, and so does a test double. */
export type SpawnFunction = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

/** Options of {@link startChildProcess}. */
export interface ChildProcessTransportOptions {
  /** The executable; run directly, never through a shell, so spaces and metacharacters are just part of the path. */
  readonly command: string;
  /** Arguments, passed as an array (no shell quoting involved). */
  readonly args: readonly string[];
  /** Working directory of the child; default the caller's. */
  readonly cwd?: string;
  /** The whole environment of the child (undefined values are left out); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Starts the child; injectable for tests. Default: cross-spawn. */
  readonly spawn?: SpawnFunction;
  /** Bytes of stderr kept for error messages; default 16 KiB. */
  readonly stderrTailBytes?: number;
  /** Called with each stderr line, colour codes stripped. */
  readonly onStderrLine?: (line: string) => void;
  /** Passed to the reader: returns why a decoded object is not a valid message, or undefined. */
  readonly checkMessage?: JsonlMessageReaderOptions["checkMessage"];
  /** Passed to the reader: sees each message read and its line. */
  readonly onMessageRead?: JsonlMessageReaderOptions["onMessageRead"];
  /** Passed to the writer: sees each message written and its line. */
  readonly onMessageWritten?: JsonlMessageWriterOptions["onMessageWritten"];
  /** Removes secrets from what is kept for messages (stderr tail, excerpts of rejected lines), before it is cut. */
  readonly redact?: (text: string) => string;
  /** Receives what the callbacks above throw (they never break the transport); default: a process warning, once each. */
  readonly onCallbackError?: CallbackErrorHandler;
}

/** Waits of a staged close, in milliseconds. */
export interface CloseOptions {
  /** After ending stdin, before SIGTERM; default {@link DEFAULT_CLOSE_GRACE_MS}. */
  readonly graceMs?: number;
  /** After SIGTERM, before SIGKILL; default {@link DEFAULT_TERM_GRACE_MS}. */
  readonly termGraceMs?: number;
}

/** A running child process with its stdio as a message reader/writer pair; see {@link startChildProcess}. */
export interface ChildProcessTransport {
  /** The child's process id; undefined if it could not be spawned. */
  readonly pid: number | undefined;
  /** Messages from the child's stdout. */
  readonly reader: JsonlMessageReader;
  /** Messages to the child's stdin. */
  readonly writer: JsonlMessageWriter;
  /** The bounded tail of the child's stderr. */
  readonly stderrTail: StderrTail;
  /** Resolves (never rejects) once the child has exited and its stdio has closed, with the stderr tail of that moment. */
  readonly exited: Promise<ProcessExitInfo>;
  /** How the child ended, once `exited` has resolved. */
  readonly exitInfo: ProcessExitInfo | undefined;
  /** Why the child could not be spawned (ENOENT, EACCES...), if so; `exited` then resolves with no code and no signal. */
  readonly spawnError: Error | undefined;
  /** Stops the child in steps (end stdin, SIGTERM, SIGKILL); idempotent, and concurrent calls share the first call's close. */
  close(options?: CloseOptions): Promise<ProcessExitInfo>;
  /**
   * Whether the child and its pipes keep the caller's event loop alive (default true). Off, a
   * script whose work is done exits; the child then sees its stdin close and exits too.
   */
  keepAlive(alive: boolean): void;
}

/** Spawns the child with piped stdio; never throws for a spawn failure (see `spawnError` and `exited`). */
export function startChildProcess(options: ChildProcessTransportOptions): ChildProcessTransport {
  const spawn = options.spawn ?? crossSpawn;
  let child: ChildProcess | undefined;
  let spawnError: Error | undefined;
  try {
    child = spawn(options.command, [...options.args], {
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      env: definedEntries(options.env ?? process.env),
      stdio: ["pipe", "pipe", "pipe"],
      shell: false,
      windowsHide: true,
    });
  } catch (error) {
    // Node throws synchronously for some failures (EINVAL, a NUL byte in an argument).
    spawnError = asError(error);
  }

  const stderrTail = new StderrTail(child?.stderr, {
    ...(options.stderrTailBytes !== undefined ? { maxBytes: options.stderrTailBytes } : {}),
    ...(options.onStderrLine ? { onLine: options.onStderrLine } : {}),
    ...(options.redact ? { redact: options.redact } : {}),
    ...(options.onCallbackError ? { onCallbackError: options.onCallbackError } : {}),
  });
  const reader = new JsonlMessageReader(child?.stdout ?? endedReadable(), {
    ...(options.checkMessage ? { checkMessage: options.checkMessage } : {}),
    ...(options.onMessageRead ? { onMessageRead: options.onMessageRead } : {}),
    ...(options.redact ? { redact: options.redact } : {}),
    ...(options.onCallbackError ? { onCallbackError: options.onCallbackError } : {}),
  });
  const writer = new JsonlMessageWriter(child?.stdin ?? destroyedWritable(), {
    ...(options.onMessageWritten ? { onMessageWritten: options.onMessageWritten } : {}),
    ...(options.onCallbackError ? { onCallbackError: options.onCallbackError } : {}),
  });

  let exitInfo: ProcessExitInfo | undefined;
  let resolveExited: (info: ProcessExitInfo) => void = () => {};
  const exited = new Promise<ProcessExitInfo>((resolve) => {
    resolveExited = resolve;
  });
  const settle = (exitCode: number | null, signal: string | null): void => {
    if (exitInfo) return;
    exitInfo = { exitCode, signal, stderrTail: stderrTail.text() };
    resolveExited(exitInfo);
  };
  const failedToSpawn = (error: Error): void => {
    spawnError ??= error;
    stderrTail.append(`cannot start ${options.command}: ${error.message}\n`);
    settle(null, null);
  };

  if (!child) {
    failedToSpawn(spawnError!);
  } else {
    const proc = child;
    let stdioTimer: NodeJS.Timeout | undefined;
    // Listening for good: an 'error' without a listener (a failed spawn or kill) would crash the caller.
    proc.on("error", (error: Error & { syscall?: string }) => {
      if (proc.pid === undefined || String(error.syscall ?? "").startsWith("spawn")) failedToSpawn(error);
    });
    proc.once("exit", () => {
      stdioTimer = setTimeout(() => {
        for (const stream of [proc.stdin, proc.stdout, proc.stderr]) stream?.destroy();
      }, STDIO_CLOSE_AFTER_EXIT_MS);
      stdioTimer.unref();
    });
    // 'close' comes after 'exit' once stdio is drained, so the stderr tail is complete.
    proc.once("close", (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(stdioTimer);
      settle(code, signal);
    });
  }

  let closing: Promise<ProcessExitInfo> | undefined;
  const close = (closeOptions: CloseOptions = {}): Promise<ProcessExitInfo> => {
    closing ??= (async () => {
      if (exitInfo) return exitInfo;
      writer.end();
      if (await settlesWithin(exited, closeOptions.graceMs ?? DEFAULT_CLOSE_GRACE_MS)) return exited;
      signal(child, "SIGTERM");
      if (await settlesWithin(exited, closeOptions.termGraceMs ?? DEFAULT_TERM_GRACE_MS)) return exited;
      signal(child, "SIGKILL");
      return exited;
    })();
    return closing;
  };

  return {
    get pid() {
      return child?.pid;
    },
    reader,
    writer,
    stderrTail,
    exited,
    get exitInfo() {
      return exitInfo;
    },
    get spawnError() {
      return spawnError;
    },
    close,
    keepAlive: (alive) => {
      if (!child) return;
      for (const handle of [child, child.stdin, child.stdout, child.stderr] as ({ ref?(): unknown; unref?(): unknown } | null)[]) {
        if (alive) handle?.ref?.();
        else handle?.unref?.();
      }
    },
  };
}

/** Sends a signal if the child is still running; a failure to signal is not the caller's problem. */
function signal(child: ChildProcess | undefined, name: NodeJS.Signals): void {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.kill(name);
  } catch {
    // ESRCH and friends: the child is gone or cannot be signalled; `exited` tells the rest.
  }
}

/** True when `promise` settles within `ms`; the timer never keeps the process alive. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function definedEntries(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function endedReadable(): Readable {
  const stream = new PassThrough();
  stream.end();
  return stream;
}

function destroyedWritable(): Writable {
  const stream = new Writable({ write: (_chunk, _encoding, callback) => callback(new Error("the process was never started")) });
  stream.destroy();
  return stream;
}
