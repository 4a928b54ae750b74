/**
 * Memory benchmark (not part of `npm test`): does a turn with a flood of agent-message deltas,
 * or a long series of finished turns, make the heap grow beyond the turn itself?
 *
 *   npx tsx --expose-gc scripts/benchMemory.ts [deltas=100000] [turns=2000]
 *
 * Runs against the fake app-server of the fault suite (test/fixtures/faults/fakeAppServer.mjs),
 * through CodexAgentRunner. Every figure is the heap used after a full GC, printed as a ratio
 * against a baseline measured in the same run (backend started, a runner warmed up), so the
 * numbers compare across machines.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CodexAgentRunner } from "../src/codex/codexAgentRunner.ts";
import { CodexBackend } from "../src/codex/codexBackend.ts";

const FAKE_APP_SERVER = fileURLToPath(new URL("../test/fixtures/faults/fakeAppServer.mjs", import.meta.url));
const argument = (name: string, fallback: number) => Number(process.argv.slice(2).find((arg) => arg.startsWith(`${name}=`))?.split("=")[1] ?? fallback);
const DELTAS = argument("deltas", 100_000);
const TURNS = argument("turns", 2_000);
/** Most the heap may peak at during a flood the consumer keeps up with, relative to the baseline. */
const FLOOD_PEAK_GOAL = 1.25;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error("Run with --expose-gc: npx tsx --expose-gc scripts/benchMemory.ts");
  process.exit(2);
}

/** Heap used after a full collection (twice: finalizers can free more on the second pass). */
function settledHeap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

/** Samples the settled heap every `ms` while `work` runs; resolves with the work's value and the peak. */
async function withPeak<T>(work: () => Promise<T>, ms = 100): Promise<{ value: T; peak: number }> {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, settledHeap());
  }, ms);
  try {
    const value = await work();
    peak = Math.max(peak, settledHeap());
    return { value, peak };
  } finally {
    clearInterval(timer);
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const backend = await new CodexBackend({
  codexBin: FAKE_APP_SERVER,
  spawn: (command, args, options) => spawn(process.execPath, [command, ...args], options),
  inheritEnv: false,
  env: {},
}).start();
try {
  const runner = new CodexAgentRunner(backend, { workingDirectory: process.cwd() });
  for (let i = 0; i < 20; i++) await runner.turn(`warm up ${i}`);
  const baseline = settledHeap();
  const rows: [string, string, string][] = [];
  let floodPeakRatio = Number.NaN;
  const row = (what: string, bytes: number) => rows.push([what, `${(bytes / baseline).toFixed(2)}x`, mb(bytes)]);
  row("baseline (backend up, runner warmed up)", baseline);

  // 1. One turn, DELTAS deltas, read as a stream by a consumer that keeps up.
  {
    let deltaChars = 0;
    let chunks = 0;
    const { peak } = await withPeak(async () => {
      for await (const chunk of runner.turnStream(`fault:deltas=${DELTAS}`, { timeoutSeconds: 600 })) {
        chunks++;
        if (chunk.type === "delta") deltaChars += chunk.delta.length;
      }
    });
    if (deltaChars !== DELTAS * 2) throw new Error(`the stream lost deltas: ${deltaChars} characters, expected ${DELTAS * 2}`);
    row(`turnStream, ${DELTAS} deltas, consumer keeping up: peak during the turn (${chunks} chunks)`, peak);
    floodPeakRatio = peak / baseline;
    row("turnStream: after the turn", settledHeap());
  }

  // 2. The same, with a consumer that reads nothing until the turn has ended: deltas pile up (merged).
  {
    const iterator = runner.turnStream(`fault:deltas=${DELTAS}`, { timeoutSeconds: 600 })[Symbol.asyncIterator]();
    const { peak } = await withPeak(async () => {
      // Wait for the turn to finish without reading: the runner is busy until then.
      while (runner.busy) await new Promise((resolve) => setTimeout(resolve, 20));
    });
    let deltaChars = 0;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) if (next.value.type === "delta") deltaChars += next.value.delta.length;
    if (deltaChars !== DELTAS * 2) throw new Error(`the slow stream lost deltas: ${deltaChars} characters, expected ${DELTAS * 2}`);
    row(`turnStream, ${DELTAS} deltas, consumer reading only at the end: peak`, peak);
    row("turnStream (slow consumer): after the turn", settledHeap());
  }

  // 3. The same flood through runner.turn (no stream: deltas are not kept at all).
  {
    const { value, peak } = await withPeak(() => runner.turn(`fault:deltas=${DELTAS}`, { timeoutSeconds: 600 }));
    if (!value.assistantText) throw new Error("no final text");
    row(`turn, ${DELTAS} deltas: peak during the turn`, peak);
    row("turn: after the turn", settledHeap());
  }

  // 4. Many finished turns on one runner, and on many runners: event buffers must be released.
  {
    const started = performance.now();
    for (let i = 0; i < TURNS; i++) await runner.turn(`turn ${i}`);
    row(`after ${TURNS} more finished turns on one runner`, settledHeap());
    const runners = Array.from({ length: 100 }, () => new CodexAgentRunner(backend, { workingDirectory: process.cwd() }));
    for (let round = 0; round < TURNS / 100; round++) await Promise.all(runners.map((r, i) => r.turn(`runner ${i} round ${round}`)));
    row(`after ${TURNS} finished turns on 100 concurrent runners (runners still referenced)`, settledHeap());
    runners.length = 0;
    row("after dropping those runners", settledHeap());
    console.log(`(${2 * TURNS} turns in ${Math.round(performance.now() - started)} ms)`);
  }

  // 5. Short-lived conversations: TURNS runners of one turn each, dropped at once. The backend's
  //    thread routes keep a runner reachable until the backend closes (there is no runner.close()).
  {
    const before = settledHeap();
    for (let i = 0; i < TURNS; i++) await new CodexAgentRunner(backend, { workingDirectory: process.cwd() }).turn(`one-off ${i}`);
    const after = settledHeap();
    row(`after ${TURNS} one-turn runners, all dropped by the caller`, after);
    console.log(`(${TURNS} dropped one-turn runners kept ${((after - before) / TURNS).toFixed(0)} bytes each)`);
  }

  const width = Math.max(...rows.map(([what]) => what.length));
  console.log(`\nheap used after GC, relative to the baseline (node ${process.version})`);
  for (const [what, ratio, absolute] of rows) console.log(`${what.padEnd(width)}  ${ratio.padStart(6)}  (${absolute})`);
  // The goal of the flood: messages are dispatched as they are read, so the heap holds no backlog of them.
  console.log(`\nflood peak ratio: ${floodPeakRatio.toFixed(2)}x the baseline (goal: at most ${FLOOD_PEAK_GOAL}x) ${floodPeakRatio <= FLOOD_PEAK_GOAL ? "met" : "NOT MET"}`);
} finally {
  await backend.close();
}
