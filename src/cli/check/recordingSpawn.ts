/**
 * In-process recording of a backend's traffic, for `check`: a `spawn` for CodexBackendConfig
 * that starts the real binary (cross-spawn) and puts a tee between the library and the child's
 * stdin and stdout. The bytes go through unchanged; copies go to a {@link TrafficRecorder}, the
 * same line splitting, parsing and redaction `codex-rpc tap` uses. Chosen over running the
 * binary behind a `tap` wrapper script because each message is attributed to the scenario that
 * was running when it passed, with no extra process and no file to read back.
 */
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { PassThrough } from "node:stream";
import { spawn as crossSpawn } from "cross-spawn";
import type { CodexBackendConfig } from "../../index.ts";
import { TrafficRecorder, type TranscriptEntry } from "../transcript.ts";

/** Receives each recorded entry with the number of the process (connection) it belongs to, from 0. */
export type RecordedEntryListener = (entry: TranscriptEntry, connection: number) => void;

/** A `spawn` for {@link CodexBackendConfig} that records both directions; see the module comment. */
export function recordingSpawn(onEntry: RecordedEntryListener): NonNullable<CodexBackendConfig["spawn"]> {
  let connections = 0;
  // One time origin for every process, so their entries interleave in one transcript.
  const origin = performance.now();
  return (command: string, args: readonly string[], options: SpawnOptions): ChildProcess => {
    const connection = connections++;
    const recorder = new TrafficRecorder({ onEntry: (entry) => onEntry(entry, connection), origin });
    const child = crossSpawn(command, [...args], options);
    const childStdin = child.stdin!;
    const tee = new PassThrough();
    tee.pipe(childStdin);
    tee.on("data", (chunk: Buffer) => recorder.chunk("c2s", chunk));
    tee.on("end", () => recorder.end("c2s"));
    childStdin.on("error", (error) => tee.destroy(error));
    child.stdout!.on("data", (chunk: Buffer) => recorder.chunk("s2c", chunk));
    child.stdout!.on("end", () => recorder.end("s2c"));
    // The library writes to the tee; everything else of the child (stdout, stderr, exit) is its own.
    Object.defineProperty(child, "stdin", { value: tee, configurable: true, writable: true });
    return child;
  };
}
