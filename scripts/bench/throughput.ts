/**
 * Transport and protocol throughput: a fixture process writes a pre-built stream of app-server
 * notifications to its stdout as fast as the pipe takes it. codex-rpc reads it through the
 * transport it uses for codex (startChildProcess: JsonlMessageReader with the envelope check),
 * ProtocolConnection (dispatch over the vscode-jsonrpc reader) and the notification schemas (compiled checks);
 * the floor splits the same bytes on newlines and JSON.parses each line in one loop.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkEnvelope } from "../../src/protocol/envelope.ts";
import { ProtocolConnection } from "../../src/protocol/protocolConnection.ts";
import { startChildProcess } from "../../src/transport/childProcessTransport.ts";
import { collectGarbage } from "./gc.ts";
import { interleave } from "./interleave.ts";

const EMITTER = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/lineEmitter.mjs");
const NEWLINE = 0x0a;
const WARMUP_ROUNDS = 1;
/** Deadline of one run (building the stream included); a run that takes longer fails the benchmark. */
const RUN_DEADLINE_MS = 120_000;

/** Heap of one run, in bytes: before the stream, its peak during it, and after it (GC'd, consumer still open). */
export interface HeapTrace {
  readonly before: number;
  readonly peak: number;
  readonly after: number;
}

/** Results of one stream: messages per second of each round, and the heap trace of each round. */
export interface ThroughputResult {
  readonly stream: "deltas" | "mixed";
  readonly count: number;
  readonly bytes: number;
  readonly floor: number[];
  readonly ours: number[];
  readonly floorHeap: HeapTrace[];
  readonly oursHeap: HeapTrace[];
}

interface Run {
  readonly ms: number;
  readonly heap: HeapTrace;
  readonly bytes: number;
}

/** Samples heapUsed every 5 ms (the main thread yields between pipe chunks). */
function heapPeakSampler(): { stop(): number } {
  let peak = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().heapUsed);
    },
  };
}

/** Rejects `work` if it has not settled in time or if `exited` says the emitter died first. */
function guarded<T>(work: Promise<T>, exited: Promise<string>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`throughput: ${what} took more than ${RUN_DEADLINE_MS} ms`)), RUN_DEADLINE_MS);
  });
  const died = exited.then((how) => Promise.reject(new Error(`throughput: the emitter exited before ${what} (${how})`)));
  died.catch(() => {});
  return Promise.race([work, deadline, died]).finally(() => clearTimeout(timer));
}

/** Resolves with the stream's size once the emitter has built it. */
function readyFrom(onLine: (listener: (line: string) => void) => void): Promise<number> {
  return new Promise((resolve) =>
    onLine((line) => {
      const match = /^ready (\d+)/.exec(line);
      if (match) resolve(Number(match[1]));
    }),
  );
}

async function floorRun(args: readonly string[], count: number): Promise<Run> {
  const child = spawn(process.execPath, [EMITTER, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(`exit ${code ?? signal}: ${stderr.slice(-500)}`)));
  const bytes = await guarded(
    readyFrom((listener) => {
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (text: string) => {
        stderr += text;
        text.split("\n").forEach(listener);
      });
    }),
    exited,
    "it was ready",
  );
  const before = collectGarbage();
  const sampler = heapPeakSampler();
  let read = 0;
  let rest: Buffer | undefined;
  const done = new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      let start = 0;
      let newline = chunk.indexOf(NEWLINE);
      if (rest && newline !== -1) {
        JSON.parse(Buffer.concat([rest, chunk.subarray(0, newline)]).toString("utf8"));
        read++;
        rest = undefined;
        start = newline + 1;
        newline = chunk.indexOf(NEWLINE, start);
      }
      while (newline !== -1) {
        JSON.parse(chunk.toString("utf8", start, newline));
        read++;
        start = newline + 1;
        newline = chunk.indexOf(NEWLINE, start);
      }
      if (start < chunk.length) rest = rest ? Buffer.concat([rest, chunk.subarray(start)]) : chunk.subarray(start);
      if (read === count) resolve();
    });
  });
  const started = performance.now();
  child.stdin.write("go\n");
  // Data already read counts even when the emitter has exited; only a deadline ends this wait.
  await guarded(done, new Promise(() => {}), "the floor read the stream");
  const ms = performance.now() - started;
  const peak = sampler.stop();
  const after = collectGarbage();
  await exited;
  return { ms, bytes, heap: { before, peak, after } };
}

async function oursRun(args: readonly string[], count: number): Promise<Run> {
  let onStderr: (line: string) => void = () => {};
  const transport = startChildProcess({
    command: process.execPath,
    args: [EMITTER, ...args],
    checkMessage: checkEnvelope,
    onStderrLine: (line) => onStderr(line),
  });
  const exited = transport.exited.then((exit) => `exit ${exit.exitCode ?? exit.signal}: ${exit.stderrTail.slice(-500)}`);
  const bytes = await guarded(readyFrom((listener) => (onStderr = listener)), exited, "it was ready");
  let failed: (error: Error) => void = () => {};
  const connection = new ProtocolConnection({ reader: transport.reader, writer: transport.writer, onProtocolError: (error) => failed(error) });
  const before = collectGarbage();
  const sampler = heapPeakSampler();
  let read = 0;
  const done = new Promise<void>((resolve, reject) => {
    failed = reject;
    connection.onNotification(() => {
      if (++read === count) resolve();
    });
  });
  const started = performance.now();
  await connection.notify("go");
  await guarded(done, new Promise(() => {}), "codex-rpc read the stream");
  const ms = performance.now() - started;
  const peak = sampler.stop();
  const after = collectGarbage();
  connection.close();
  await transport.close();
  return { ms, bytes, heap: { before, peak, after } };
}

/** Both streams, `rounds` interleaved rounds each after one warm-up round. */
export async function measureThroughput(count: number, rounds: number, log: (line: string) => void): Promise<ThroughputResult[]> {
  const results: ThroughputResult[] = [];
  const cache = mkdtempSync(path.join(tmpdir(), "codex-rpc-bench-"));
  try {
    for (const stream of ["deltas", "mixed"] as const) {
      // The warm-up round builds the stream into this file; the measured rounds read it back.
      const args = [stream, String(count), path.join(cache, `${stream}.jsonl`)];
      const runs = { floor: [] as Run[], ours: [] as Run[] };
      const keep = (into: Run[]) => (run: Run) => {
        into.push(run);
        return run.ms;
      };
      await interleave(
        { floor: () => floorRun(args, count).then(keep(runs.floor)), ours: () => oursRun(args, count).then(keep(runs.ours)) },
        rounds,
        WARMUP_ROUNDS,
      );
      // The warm-up rounds ran first.
      runs.floor.splice(0, WARMUP_ROUNDS);
      runs.ours.splice(0, WARMUP_ROUNDS);
      const rate = (run: Run) => count / (run.ms / 1000);
      results.push({
        stream,
        count,
        bytes: runs.floor[0]?.bytes ?? 0,
        floor: runs.floor.map(rate),
        ours: runs.ours.map(rate),
        floorHeap: runs.floor.map((run) => run.heap),
        oursHeap: runs.ours.map((run) => run.heap),
      });
      log(`  throughput ${stream}: floor ${runs.floor.map((r) => rate(r).toFixed(0)).join(" ")}; codex-rpc ${runs.ours.map((r) => rate(r).toFixed(0)).join(" ")} msg/s`);
    }
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
  return results;
}
