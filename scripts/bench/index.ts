/**
 * `npm run bench`: codex-rpc against the floor (a minimal hand-written client) and the official
 * TypeScript SDK, side by side in one run, with the real pinned binary and the built-in model on
 * loopback; then peak memory, scale, a time breakdown of one turn and transport throughput.
 * Prints a Markdown report and writes it to docs/benchmarks.md. BENCH_SCALE (default 1)
 * multiplies every round count (at least 2 each). BENCH_ONLY=remote runs only the remote
 * app-server rows (ws and unix vs stdio, the fleet) and prints them, writing no file.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CodexAgentSessionFactory } from "../../src/index.ts";
import { measureBreakdown } from "./breakdown.ts";
import { createBenchEnvironment, ROOT } from "./environment.ts";
import { FloorClient } from "./floorClient.ts";
import { interleave, timed, type Measurement } from "./interleave.ts";
import { measurePeakMemory } from "./memory.ts";
import { renderReport, type LatencyRow } from "./report.ts";
import { measureRemote, remoteSection, type RemoteCounts } from "./remote.ts";
import { measureScale } from "./scale.ts";
import { startCodexRpc, startFloor, startSdk, type Client, type Conversation, type SideName } from "./sides.ts";
import { formatMs, summarise } from "./stats.ts";
import { measureThroughput } from "./throughput.ts";
import { TreeMemorySampler } from "./treeMemory.ts";

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const rounds = (base: number) => Math.max(2, Math.round(base * SCALE));
const COUNTS = {
  "start-up": rounds(20),
  "first turn": rounds(20),
  "later turn": rounds(30),
  "8 at once": rounds(9),
  "32 at once": rounds(5),
  "peak memory": rounds(5),
  "scale repetitions": rounds(3),
  breakdown: rounds(30),
  throughput: rounds(8),
};
const REMOTE_COUNTS: RemoteCounts = {
  linkRounds: rounds(20),
  warmups: 2,
  fleetRepetitions: Math.max(1, Math.round(SCALE)),
  fleetServers: [1, 2, 4],
  fleetConversations: [64, 256],
};
const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && ONLY !== "" && ONLY !== "remote") throw new Error(`BENCH_ONLY=${ONLY}: the one section that runs alone is "remote" (unset it for the whole benchmark).`);
const WARMUPS = 2;
const THROUGHPUT_MESSAGES = 100_000;
const SCALE_RUNNERS = 64;
const MEMORY_CONVERSATIONS = 8;

const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (since: number) => `[${((performance.now() - since) / 1000).toFixed(0)} s]`;
const began = performance.now();
const env = await createBenchEnvironment();
const sampler = TreeMemorySampler.create();
log(`bench: ${env.machine.codex} at ${env.binary.path}; model ${env.modelBaseUrl}; home ${env.home.root}`);
log(`bench: rounds ${JSON.stringify(COUNTS)}, after ${WARMUPS} warm-up rounds per latency row`);

if (ONLY === "remote") {
  log(`bench: BENCH_ONLY=remote ${JSON.stringify(REMOTE_COUNTS)}; load average ${os.loadavg().map((load) => load.toFixed(2)).join(", ")} on ${os.cpus().length} cores`);
  const remote = await measureRemote(env, REMOTE_COUNTS, log);
  await sampler.close();
  await env.close();
  process.stdout.write(`## Remote app-servers\n\n${remoteSection(remote).join("\n")}\n`);
  log(`bench: remote rows after ${((performance.now() - began) / 60000).toFixed(1)} min; load average ${os.loadavg().map((load) => load.toFixed(2)).join(", ")}`);
  process.exit(0);
}

const latency: LatencyRow[] = [];
async function row(label: string, sides: Partial<Record<SideName, Measurement>>, count: number, extra: Partial<LatencyRow> = {}): Promise<void> {
  const started = performance.now();
  const samples = await interleave(sides as Record<SideName, Measurement>, count, WARMUPS);
  latency.push({ label, samples, ...extra });
  const cells = Object.entries(samples).map(([side, values]) => `${side} ${formatMs(summarise(values as number[]))}`);
  log(`  ${label}: ${cells.join(", ")} ${seconds(started)}`);
}

let serial = 0;
const prompt = () => `prompt ${serial++}`;

// 1. Start-up: spawn + handshake, a fresh process every time (closed outside the timing).
await row(
  "start-up (spawn + initialize)",
  {
    floor: async () => {
      const started = performance.now();
      const floor = await FloorClient.start(env.binary.path, env.childEnv);
      const ms = performance.now() - started;
      await floor.close();
      return ms;
    },
    "codex-rpc": async () => {
      const started = performance.now();
      const factory = await new CodexAgentSessionFactory({ env: env.backendEnv }).start();
      const ms = performance.now() - started;
      await factory.close();
      return ms;
    },
  },
  COUNTS["start-up"],
  { note: "n/a: no process of its own; `codex exec` starts in every turn" },
);

// 2. Turns, on one long-lived client per side.
const clients: Record<SideName, Client> = { floor: await startFloor(env), "codex-rpc": await startCodexRpc(env), sdk: startSdk(env) };
const perSide = (measure: (client: Client) => Measurement) =>
  Object.fromEntries(Object.values(clients).map((client) => [client.side, measure(client)])) as Record<SideName, Measurement>;

await row("first turn of a new conversation (thread/start + turn)", perSide((client) => () => timed(() => client.converse(prompt()))), COUNTS["first turn"]);

const conversations = Object.fromEntries(
  await Promise.all(Object.values(clients).map(async (client) => [client.side, await client.converse(prompt())] as const)),
) as Record<SideName, Conversation>;
await row("later turn on the same conversation", perSide((client) => () => timed(() => conversations[client.side](prompt()))), COUNTS["later turn"], { sdkGoal: 3 });

const atOnce = (count: number) => perSide((client) => () => timed(() => Promise.all(Array.from({ length: count }, () => client.converse(prompt())))));
await row("8 conversations at once (one turn each)", atOnce(8), COUNTS["8 at once"], { sdkGoal: 3 });
await row("32 conversations at once (one turn each)", atOnce(32), COUNTS["32 at once"]);
await Promise.all(Object.values(clients).map((client) => client.close()));

// 3. Peak memory of 8 conversations at once, every side from nothing.
let started = performance.now();
const memory = await measurePeakMemory(env, sampler, MEMORY_CONVERSATIONS, COUNTS["peak memory"]);
const mb = (bytes: number[]) => `${(summarise(bytes).median / 2 ** 20).toFixed(0)} MB`;
log(
  `  peak memory, ${MEMORY_CONVERSATIONS} at once: floor ${mb(memory.floor.map((p) => p.total))}, codex-rpc ${mb(memory["codex-rpc"].map((p) => p.total))}, ` +
    `sdk ${mb(memory.sdk.map((p) => p.total))} ${seconds(started)}`,
);

// 4. Scale: 64 runners on one backend, two turns each.
started = performance.now();
const scaleClient = await startCodexRpc(env);
const scale = await measureScale(scaleClient.factory, env, sampler, SCALE_RUNNERS, COUNTS["scale repetitions"], log);
await scaleClient.close();
log(`  scale ${seconds(started)}`);

// 5. Where the time of one turn goes.
started = performance.now();
const breakdown = await measureBreakdown(env, COUNTS.breakdown, WARMUPS);
log(
  `  breakdown: server ${formatMs(summarise(breakdown.turns.map((t) => t.server)))}, ` +
    `client CPU on stdout ${formatMs(summarise(breakdown.turns.map((t) => t.readHandling)))} ${seconds(started)}`,
);

// 6. Transport and protocol throughput (no codex involved).
started = performance.now();
const throughput = await measureThroughput(THROUGHPUT_MESSAGES, COUNTS.throughput, log);
log(`  throughput ${seconds(started)}`);

// 7. Remote app-servers: ws and unix vs stdio, and a fleet of app-servers in one factory.
started = performance.now();
const remote = await measureRemote(env, REMOTE_COUNTS, log);
log(`  remote ${seconds(started)}`);

await sampler.close();
await env.close();

const report = renderReport({
  machine: env.machine,
  counts: COUNTS,
  binaryPath: path.relative(ROOT, env.binary.path),
  latency,
  memory,
  memoryConversations: MEMORY_CONVERSATIONS,
  throughput,
  scale,
  breakdown,
  remote: remoteSection(remote),
  elapsedMs: performance.now() - began,
});
process.stdout.write(report);
writeFileSync(path.join(ROOT, "docs/benchmarks.md"), report);
log(`bench: wrote docs/benchmarks.md after ${((performance.now() - began) / 60000).toFixed(1)} min`);
