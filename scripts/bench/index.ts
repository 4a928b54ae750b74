/**
 * `npm run bench`: codex-rpc against the floor (a minimal hand-written client) and against the
 * official TypeScript SDK, side by side in one run, with the real pinned binary and the built-in
 * model on loopback, every side in the same hermetic HOME and CODEX_HOME. Sides are interleaved
 * (ABAB) so that drift hits all of them. Prints a Markdown table and writes docs/benchmarks.md.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Codex } from "@openai/codex-sdk";
import { CodexAgentSessionFactory, resolveCodexBinary } from "../../src/index.ts";
import { createHermeticCodexHome, LoopbackModel } from "../../src/testing/index.ts";
import { FloorClient } from "./floorClient.ts";
import { formatMs, sampleChildrenRss, summarise, type Summary } from "./stats.ts";
import { measureThroughput } from "./throughput.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const REPS = Number(process.env.BENCH_REPS ?? 9);
const binary = resolveCodexBinary({}).path;
const model = await LoopbackModel.start({ respond: () => ({ type: "message", text: "ok" }) });
const home = await createHermeticCodexHome({ modelBaseUrl: model.baseUrl });
const env = { ...process.env, ...home.env };
const cwd = home.workDir;

type Side = "floor" | "codex-rpc" | "sdk";
const rows: { name: string; results: Partial<Record<Side, Summary>>; goal?: string }[] = [];
const time = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

/** Runs each side's measurement REPS times, interleaved, after one warm-up each. */
async function compare(name: string, sides: Partial<Record<Side, () => Promise<number>>>, reps = REPS, goal?: string) {
  const samples: Partial<Record<Side, number[]>> = {};
  const entries = Object.entries(sides) as [Side, () => Promise<number>][];
  for (const [, measure] of entries) await measure();
  for (let i = 0; i < reps; i++) for (const [side, measure] of entries) (samples[side] ??= []).push(await measure());
  const results = Object.fromEntries(entries.map(([side]) => [side, summarise(samples[side]!)]));
  rows.push({ name, results, ...(goal ? { goal } : {}) });
  console.error(`  ${name}: ${entries.map(([side]) => `${side} ${formatMs(results[side]!)}`).join(", ")}`);
}

const sdk = new Codex({ codexPathOverride: binary, env: env as Record<string, string> });
const sdkThreadOptions = { workingDirectory: cwd, skipGitRepoCheck: true, sandboxMode: "read-only" as const, approvalPolicy: "never" as const };

console.error(`bench: ${REPS} repetitions per row; binary ${binary}`);

// 1. Start-up: spawn + handshake (the SDK has no long-lived process: it spawns per turn).
await compare("start-up (spawn + initialize)", {
  floor: () => time(async () => (await FloorClient.start(binary, env)).close()),
  "codex-rpc": () => time(async () => (await new CodexAgentSessionFactory({ env: home.env }).start()).close()),
});

// Long-lived clients for the turn rows.
const floor = await FloorClient.start(binary, env);
const factory = await new CodexAgentSessionFactory({ env: home.env }).start();

await compare("first turn of a new conversation", {
  floor: () => time(async () => floor.turn(await floor.startThread(cwd), "hello")),
  "codex-rpc": () => time(async () => (await factory.runner({ workingDirectory: cwd })).turn("hello")),
  sdk: () => time(() => sdk.startThread(sdkThreadOptions).run("hello")),
});

const floorThread = await floor.startThread(cwd);
const runner = await factory.runner({ workingDirectory: cwd });
const sdkThread = sdk.startThread(sdkThreadOptions);
await sdkThread.run("hello");
await compare(
  "later turn, same conversation",
  {
    floor: () => time(() => floor.turn(floorThread, "again")),
    "codex-rpc": () => time(() => runner.turn("again")),
    sdk: () => time(() => sdkThread.run("again")),
  },
  REPS,
  "codex-rpc ≤ 1.05× floor; ≥ 3× faster than the SDK",
);

async function concurrent(count: number, withSdk: boolean) {
  const floorThreads = await Promise.all(Array.from({ length: count }, () => floor.startThread(cwd)));
  const runners = await Promise.all(Array.from({ length: count }, () => factory.runner({ workingDirectory: cwd })));
  const sdkThreads = withSdk ? Array.from({ length: count }, () => sdk.startThread(sdkThreadOptions)) : [];
  await compare(
    `${count} conversations at once (one turn each)`,
    {
      floor: () => time(() => Promise.all(floorThreads.map((t) => floor.turn(t, "at once")))),
      "codex-rpc": () => time(() => Promise.all(runners.map((r) => r.turn("at once")))),
      ...(withSdk ? { sdk: () => time(() => Promise.all(sdkThreads.map((t) => t.run("at once")))) } : {}),
    },
    Math.max(3, Math.floor(REPS / 2)),
    withSdk ? "codex-rpc ≤ 1.05× floor; ≥ 3× faster than the SDK" : "codex-rpc ≤ 1.05× floor",
  );
}
await concurrent(8, true);
await concurrent(32, false);

// Peak memory of 8 conversations at once: every process each side runs (the client's own heap
// growth plus the RSS of all codex processes it spawned).
async function peakMemory(run: () => Promise<unknown>): Promise<number> {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const sampler = sampleChildrenRss();
  await run();
  return sampler.stop() + Math.max(0, process.memoryUsage().heapUsed - heapBefore);
}
const memoryRpc: number[] = [];
const memorySdk: number[] = [];
for (let i = 0; i < 3; i++) {
  memoryRpc.push(
    await peakMemory(async () => {
      const f = await new CodexAgentSessionFactory({ env: home.env }).start();
      const rs = await Promise.all(Array.from({ length: 8 }, () => f.runner({ workingDirectory: cwd })));
      await Promise.all(rs.map((r) => r.turn("memory")));
      await f.close();
    }),
  );
  memorySdk.push(await peakMemory(() => Promise.all(Array.from({ length: 8 }, () => sdk.startThread(sdkThreadOptions).run("memory")))));
}
const mb = (bytes: number) => bytes / 1024 / 1024;
const memory = { rpc: summarise(memoryRpc.map(mb)), sdk: summarise(memorySdk.map(mb)) };
console.error(`  peak memory, 8 at once: codex-rpc ${memory.rpc.median.toFixed(0)} MB, sdk ${memory.sdk.median.toFixed(0)} MB`);

// 4. Scale: 64 runners, two turns each, on one backend.
globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const scaleStarted = performance.now();
const many = await Promise.all(Array.from({ length: 64 }, () => factory.runner({ workingDirectory: cwd })));
const firstTurns = await Promise.all(many.map((r, i) => r.turn(`scale ${i}`)));
const secondTurns = await Promise.all(many.map((r, i) => r.turn(`scale again ${i}`)));
const scaleMs = performance.now() - scaleStarted;
globalThis.gc?.();
const perRunnerKb = (process.memoryUsage().heapUsed - heapBefore) / 64 / 1024;
const scaleCorrect = [...firstTurns, ...secondTurns].every((r) => r.assistantText === "ok");

// 5. Where the time goes, for one later turn: the server's share is from writing turn/start to
// reading turn/completed; the rest of the call is the client's.
const marks: Record<string, number> = {};
const traced = await new CodexAgentSessionFactory({
  env: home.env,
  onTraffic: (direction, message) => {
    const m = message as { method?: string };
    if (direction === "c2s" && m.method === "turn/start") marks.turnStartWritten = performance.now();
    if (direction === "s2c" && m.method === "turn/completed") marks.turnCompletedRead = performance.now();
  },
}).start();
const tracedRunner = await traced.runner({ workingDirectory: cwd });
await tracedRunner.turn("warm");
const breakdown: { total: number; server: number; before: number; after: number }[] = [];
for (let i = 0; i < REPS; i++) {
  const started = performance.now();
  await tracedRunner.turn("trace");
  const ended = performance.now();
  breakdown.push({
    total: ended - started,
    server: marks.turnCompletedRead! - marks.turnStartWritten!,
    before: marks.turnStartWritten! - started,
    after: ended - marks.turnCompletedRead!,
  });
}
await traced.close();

const throughput = await measureThroughput();

await floor.close();
await factory.close();
await model.close();
await home.dispose();

// Report.
const ratio = (a?: Summary, b?: Summary) => (a && b ? (a.median / b.median).toFixed(2) : "–");
const cell = (s?: Summary) => (s ? formatMs(s) : "–");
const codexVersion = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
const lines: string[] = [];
lines.push(`# Benchmarks`, "");
lines.push(
  `Run on ${new Date().toISOString().slice(0, 10)}: ${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `Node ${process.version}, ${codexVersion}, @openai/codex-sdk 0.163.0 (pointed at the same binary). ` +
    `Model: the built-in loopback model (answers "ok"). Every side in the same hermetic HOME/CODEX_HOME. ` +
    `Medians with p25–p75 over ${REPS} interleaved repetitions (fewer for the concurrent rows), after a warm-up. Command: \`npm run bench\`.`,
  "",
);
lines.push("| row | floor | codex-rpc | official SDK | codex-rpc / floor | SDK / codex-rpc |", "|---|---|---|---|---|---|");
for (const row of rows) {
  lines.push(
    `| ${row.name} | ${cell(row.results.floor)} | ${cell(row.results["codex-rpc"])} | ${cell(row.results.sdk)} | ${ratio(row.results["codex-rpc"], row.results.floor)} | ${ratio(row.results.sdk, row.results["codex-rpc"])} |`,
  );
}
lines.push("");
lines.push("| measure | codex-rpc | official SDK | ratio |", "|---|---|---|---|");
lines.push(
  `| peak memory, 8 conversations at once (all processes; median of 3) | ${memory.rpc.median.toFixed(0)} MB | ${memory.sdk.median.toFixed(0)} MB | ${(memory.rpc.median / memory.sdk.median).toFixed(2)} |`,
);
lines.push("");
lines.push("| throughput (in process, 100 000 messages) | floor: split + JSON.parse | codex-rpc: reader + connection + zod | codex-rpc / floor |", "|---|---|---|---|");
for (const t of throughput) {
  lines.push(`| ${t.name} | ${(t.floorPerSecond / 1000).toFixed(0)}k msg/s | ${(t.oursPerSecond / 1000).toFixed(0)}k msg/s | ${(t.oursPerSecond / t.floorPerSecond).toFixed(2)} (heap growth ${t.heapGrowthMb.toFixed(1)} MB) |`);
}
lines.push("");
lines.push(
  `Scale: 64 runners on one backend, two turns each: ${scaleCorrect ? "all 128 answers correct" : "WRONG ANSWERS"}, ${scaleMs.toFixed(0)} ms wall, ` +
    `client heap growth ${perRunnerKb.toFixed(1)} KB per runner (after GC).`,
  "",
);
const b = (key: "total" | "server" | "before" | "after") => summarise(breakdown.map((x) => x[key])).median.toFixed(2);
lines.push(
  `Where the time of one later turn goes (medians): ${b("total")} ms in all; ${b("server")} ms between writing turn/start and reading turn/completed ` +
    `(the server and the model, including codex's own work); ${b("before")} ms in the client before turn/start is written; ` +
    `${b("after")} ms in the client from reading turn/completed to resolving the call.`,
);
const report = `${lines.join("\n")}\n`;
console.log(report);
mkdirSync(path.join(root, "docs"), { recursive: true });
writeFileSync(path.join(root, "docs/benchmarks.md"), report);
