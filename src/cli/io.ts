/**
 * What every subcommand works with: its streams and environment (injectable for tests), the
 * exit codes, and colours that honour NO_COLOR, FORCE_COLOR and whether the stream is a terminal.
 */
import pc from "picocolors";
import { jsonText } from "../protocol/redaction.ts";

/** Exit code of success. */
export const EXIT_OK = 0;
/** Exit code when the work failed: a turn failed or timed out (or its backend died), a check failed, replay --strict mismatched. */
export const EXIT_FAILURE = 1;
/** Exit code of bad usage: unknown option, bad value, missing argument, unreadable input file. */
export const EXIT_USAGE = 2;
/** Exit code when codex could not be started: binary not found or not executable, start-up failed, not logged in. */
export const EXIT_BACKEND = 3;
/** Exit code when the user stopped the turn with Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** The exit codes of every subcommand, as `--help` and the README show them. */
export const EXIT_CODES_HELP = [
  "Exit codes (every subcommand):",
  "  0    success",
  "  1    the work failed: a turn failed or timed out (or codex died during it), the binary is not",
  "       conformant (check), the recording did not match (replay --strict)",
  "  2    usage error: unknown option, bad or missing value, unreadable input file",
  "  3    codex could not be started: binary not found or not executable, start-up failed, not logged in",
  "  130  interrupted with Ctrl-C (run)",
  "  tap exits with its child's code (126 cannot run it, 127 not found, 128+N killed by signal N).",
].join("\n");

/** Error codes of the library that mean codex could not be started (exit code {@link EXIT_BACKEND}). */
const BACKEND_UNUSABLE_CODES: ReadonlySet<string> = new Set(["BACKEND_START", "NOT_LOGGED_IN"]);

/** The exit code for an error that ended a subcommand's work. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT_USAGE;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "INVALID_CONFIG") return EXIT_USAGE;
  if (code === "ABORTED") return EXIT_INTERRUPTED;
  if (typeof code === "string" && BACKEND_UNUSABLE_CODES.has(code)) return EXIT_BACKEND;
  return EXIT_FAILURE;
}

/** Library option names in messages, and the flags the command takes for them. */
const FLAG_FOR_OPTION: readonly (readonly [RegExp, string])[] = [
  [/\bthe codexBin option\b/g, "--codex-bin"],
  [/\bcodexBin\b/g, "--codex-bin"],
  [/\btimeoutSeconds\b/g, "--timeout"],
  [/\bapprovalMode\b/g, "--approval"],
  [/\bworkingDirectory\b/g, "--cwd"],
  [/\boutputSchema\b/g, "--output-schema"],
];

/** A library message as the command shows it: flags (`--codex-bin`) instead of option names (`codexBin`). */
export function cliMessage(message: string): string {
  return FLAG_FOR_OPTION.reduce((text, [pattern, flag]) => text.replace(pattern, flag), message);
}

/**
 * Ends the process quietly with exit code 0 when `stream` (stdout of a pipe) is closed by its
 * reader, as `head` does after enough lines: other Unix tools die of SIGPIPE there, Node gets EPIPE.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WritableStream, exit: (code: number) => void = (code) => process.exit(code)): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") exit(EXIT_OK);
    else throw error;
  });
}

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

/** Codex could not be started or used (exit code 3): no binary, failed start-up, no login. */
export class BackendUnusableError extends Error {
  override readonly name = "BackendUnusableError";
  readonly code = "BACKEND_START";
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
