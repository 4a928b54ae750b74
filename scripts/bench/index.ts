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
import { processCpuMs, timedWithCpu, type CpuSample } from "./cpu.ts";
import { interleave, type Measurement } from "./interleave.ts";
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
/** One repetition of one side: wall time and the CPU it used. */
type CpuMeasurement = (round: number) => Promise<{ ms: number; cpu: CpuSample }>;
/** Runs a latency row; `turns` is the number of turns (or start-ups) in one repetition, for CPU per turn. */
async function row(label: string, sides: Partial<Record<SideName, CpuMeasurement>>, count: number, turns: number, extra: Partial<LatencyRow> = {}): Promise<void> {
  const started = performance.now();
  const cpu: Partial<Record<SideName, CpuSample[]>> = {};
  const measurements = Object.fromEntries(
    Object.entries(sides).map(([side, measure]) => [
      side,
      (async (round) => {
        const { ms, cpu: used } = await measure!(round);
        if (round >= 0) (cpu[side as SideName] ??= []).push(used);
        return ms;
      }) satisfies Measurement,
    ]),
  ) as Record<SideName, Measurement>;
  const samples = await interleave(measurements, count, WARMUPS);
  latency.push({ label, samples, cpu, turns, ...extra });
  const cells = Object.entries(samples).map(([side, values]) => {
    const clientCpu = cpu[side as SideName]?.map((c) => c.client / turns);
    return `${side} ${formatMs(summarise(values as number[]))}${clientCpu && side !== "sdk" ? ` (client CPU ${summarise(clientCpu).median.toFixed(2)} ms/turn)` : ""}`;
  });
  log(`  ${label}: ${cells.join(", ")} ${seconds(started)}`);
}

const LATER_TURN = "later turn on the same conversation";
const FIRST_AFTER_OPEN = "first turn of a conversation opened ahead (runner.open())";
let serial = 0;
const prompt = () => `prompt ${serial++}`;

// 1. Start-up: spawn + handshake, a fresh process every time (closed outside the timing).
await row(
  "start-up (spawn + initialize)",
  {
    floor: async () => {
      let floor: FloorClient | undefined;
      const { ms, cpu } = await timedWithCpu(async () => (floor = await FloorClient.start(env.binary.path, env.childEnv)));
      // The server started inside the window: all its CPU so far is the start-up's.
      const server = processCpuMs(floor!.pid);
      await floor!.close();
      return { ms, cpu: { ...cpu, server } };
    },
    "codex-rpc": async () => {
      let factory: CodexAgentSessionFactory | undefined;
      const { ms, cpu } = await timedWithCpu(async () => (factory = await new CodexAgentSessionFactory({ env: env.backendEnv }).start()));
      const server = processCpuMs(factory!.backend.pid);
      await factory!.close();
      return { ms, cpu: { ...cpu, server } };
    },
  },
  COUNTS["start-up"],
  1,
  { note: "n/a: no process of its own; `codex exec` starts in every turn" },
);

// 2. Turns, on one long-lived client per side.
const clients: Record<SideName, Client> = { floor: await startFloor(env), "codex-rpc": await startCodexRpc(env), sdk: startSdk(env) };
const perSide = (work: (client: Client) => () => Promise<unknown>, among: Partial<Record<SideName, Client>> = clients) => {
  const sides: Partial<Record<SideName, CpuMeasurement>> = {};
  for (const client of Object.values(among)) sides[client.side] = () => timedWithCpu(work(client), () => client.serverPid());
  return sides;
};

await row("first turn of a new conversation (thread/start + turn)", perSide((client) => () => client.converse(prompt())), COUNTS["first turn"], 1);

const conversations = Object.fromEntries(
  await Promise.all(Object.values(clients).map(async (client) => [client.side, await client.converse(prompt())] as const)),
) as Record<SideName, Conversation>;
await row(LATER_TURN, perSide((client) => () => conversations[client.side](prompt())), COUNTS["later turn"], 1, { sdkGoal: 3 });

// The first turn of a conversation opened ahead of its prompt (runner.open(); the floor's thread/start), opening untimed.
const opened: Partial<Record<SideName, CpuMeasurement>> = {};
for (const client of [clients.floor, clients["codex-rpc"]]) {
  opened[client.side] = async () => {
    const conversation = await client.open!();
    return timedWithCpu(() => conversation(prompt()), () => client.serverPid());
  };
}
await row(FIRST_AFTER_OPEN, opened, COUNTS["first turn"], 1, {
  note: "n/a: a thread of the SDK starts with its first turn",
  goalAgainst: { label: LATER_TURN, ratio: 1.1, what: "a later turn" },
});

const atOnce = (count: number, among: Partial<Record<SideName, Client>> = clients) =>
  perSide((client) => () => Promise.all(Array.from({ length: count }, () => client.converse(prompt()))), among);
await row("8 conversations at once (one turn each)", atOnce(8), COUNTS["8 at once"], 8, { sdkGoal: 3 });
await row("32 conversations at once (one turn each)", atOnce(32), COUNTS["32 at once"], 32);
await Promise.all(Object.values(clients).map((client) => client.close()));

// The same with codex-rpc asking for every notification (no opt-out at initialize): what the opt-out saves.
const everything = { floor: await startFloor(env), "codex-rpc": await startCodexRpc(env, { notifications: "all" }) };
await row('8 conversations at once, codex-rpc with notifications: "all"', atOnce(8, everything), COUNTS["8 at once"], 8);
await row('32 conversations at once, codex-rpc with notifications: "all"', atOnce(32, everything), COUNTS["32 at once"], 32);
await Promise.all([everything.floor.close(), everything["codex-rpc"].close()]);

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
