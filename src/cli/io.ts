/**
 * What every subcommand works with: its streams and environment (injectable for tests), the
 * exit codes, and colours that honour NO_COLOR, FORCE_COLOR and whether the stream is a terminal.
 */
import pc from "picocolors";
import { jsonText } from "../protocol/redaction.ts";

/** Exit code of success. */
export const EXIT_OK = 0;
/** Exit code of a failed, timed-out or aborted turn, a failed check, an unusable backend. */
export const EXIT_FAILURE = 1;
/** Exit code of bad usage: unknown option, bad value, missing argument, unreadable input file. */
export const EXIT_USAGE = 2;

/** Streams and environment of one CLI invocation. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** A bad invocation (exit code 2); the message says what to fix. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The colour functions of picocolors, on or off. */
export type Colors = ReturnType<typeof pc.createColors>;

/** Colours for `stream`: off with NO_COLOR (any non-empty value), on with FORCE_COLOR, else only on a terminal. */
export function colorsFor(stream: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): Colors {
  return pc.createColors(colorEnabled(stream, env));
}

/** Whether colour output is wanted on `stream`; see {@link colorsFor}. */
export function colorEnabled(stream: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

/** Writes one JSON line. */
export function writeJsonLine(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${jsonText(value)}\n`);
}

/** The message of any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
