/**
 * Spawns a JSON-lines peer as a child process (cross-spawn, never a shell) and exposes its
 * stdio as a vscode-jsonrpc reader/writer pair, its stderr as a bounded tail, and a staged
 * close: end stdin, wait, SIGTERM, wait, SIGKILL.
 */
import type { ChildProcess } from "node:child_process";
import { spawn as crossSpawn } from "cross-spawn";
import type { ProcessExitInfo } from "../errors.ts";
import { JsonlMessageReader, type JsonlMessageReaderOptions } from "./jsonlMessageReader.ts";
import { JsonlMessageWriter, type JsonlMessageWriterOptions } from "./jsonlMessageWriter.ts";
import { StderrTail } from "./stderrTail.ts";

/** Default wait after ending stdin before SIGTERM, in milliseconds. */
export const DEFAULT_CLOSE_GRACE_MS = 2000;
/** Default wait after SIGTERM before SIGKILL, in milliseconds. */
export const DEFAULT_TERM_GRACE_MS = 2000;

/** Options of {@link startChildProcess}. */
export interface ChildProcessTransportOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** The whole environment of the child; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Spawns the child; injectable for tests. Default: cross-spawn. */
  readonly spawn?: (command: string, args: readonly string[], options: import("node:child_process").SpawnOptions) => ChildProcess;
  readonly stderrTailBytes?: number;
  /** Called with each stderr line. */
  readonly onStderrLine?: (line: string) => void;
  readonly checkMessage?: JsonlMessageReaderOptions["checkMessage"];
  readonly onMessageRead?: JsonlMessageReaderOptions["onMessageRead"];
  readonly onMessageWritten?: JsonlMessageWriterOptions["onMessageWritten"];
}

/** Waits of a staged close. */
export interface CloseOptions {
  /** After ending stdin, before SIGTERM; default 2000 ms. */
  readonly graceMs?: number;
  /** After SIGTERM, before SIGKILL; default 2000 ms. */
  readonly termGraceMs?: number;
}

/** A running child and its stdio; see the module comment. */
export interface ChildProcessTransport {
  readonly pid: number | undefined;
  readonly reader: JsonlMessageReader;
  readonly writer: JsonlMessageWriter;
  readonly stderrTail: StderrTail;
  /** Resolves (never rejects) once the child has exited and its stdio has closed. */
  readonly exited: Promise<ProcessExitInfo>;
  /** How the child ended, once it has. */
  readonly exitInfo: ProcessExitInfo | undefined;
  /** Why the child could not be spawned (ENOENT, EACCES...), if so. */
  readonly spawnError: Error | undefined;
  /** Stops the child in steps; idempotent, concurrent calls share one close. */
  close(options?: CloseOptions): Promise<ProcessExitInfo>;
}

/** Spawns the child; never throws for a spawn failure (see `spawnError` and `exited`). */
export function startChildProcess(options: ChildProcessTransportOptions): ChildProcessTransport {
  const spawn = options.spawn ?? crossSpawn;
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: (options.env ?? process.env) as NodeJS.ProcessEnv,
    stdio: ["pipe", "pipe", "pipe"],
    shell: false,
    windowsHide: true,
  });
  const stderrTail = new StderrTail(child.stderr, {
    ...(options.stderrTailBytes !== undefined ? { maxBytes: options.stderrTailBytes } : {}),
    ...(options.onStderrLine ? { onLine: options.onStderrLine } : {}),
  });
  const reader = new JsonlMessageReader(child.stdout!, {
    ...(options.checkMessage ? { checkMessage: options.checkMessage } : {}),
    ...(options.onMessageRead ? { onMessageRead: options.onMessageRead } : {}),
  });
  const writer = new JsonlMessageWriter(child.stdin!, options.onMessageWritten ? { onMessageWritten: options.onMessageWritten } : {});

  let spawnError: Error | undefined;
  let exitInfo: ProcessExitInfo | undefined;
  const exited = new Promise<ProcessExitInfo>((resolve) => {
    // "close" comes after "exit" once stdio is drained, so the stderr tail is complete.
    child.once("close", (code: number | null, signal: NodeJS.Signals | null) => {
      exitInfo = { exitCode: code, signal, stderrTail: stderrTail.text() };
      resolve(exitInfo);
    });
    child.once("error", (error: Error) => {
      spawnError ??= error;
      if (child.pid === undefined) {
        stderrTail.append(`cannot start ${options.command}: ${error.message}\n`);
        exitInfo = { exitCode: null, signal: null, stderrTail: stderrTail.text() };
        resolve(exitInfo);
      }
    });
  });

  let closing: Promise<ProcessExitInfo> | undefined;
  const close = (closeOptions: CloseOptions = {}): Promise<ProcessExitInfo> => {
    closing ??= (async () => {
      if (exitInfo) return exitInfo;
      writer.end();
      if (await settlesWithin(exited, closeOptions.graceMs ?? DEFAULT_CLOSE_GRACE_MS)) return exited;
      child.kill("SIGTERM");
      if (await settlesWithin(exited, closeOptions.termGraceMs ?? DEFAULT_TERM_GRACE_MS)) return exited;
      child.kill("SIGKILL");
      return exited;
    })();
    return closing;
  };

  return {
    get pid() {
      return child.pid;
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
  };
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
