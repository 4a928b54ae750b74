/**
 * Remote app-servers: one turn over WebSocket on 127.0.0.1 (capability token) and over a unix
 * socket against the same binary on stdio, interleaved round by round with per-round ratios; and
 * a fleet: many conversations over 1, 2 and 4 local app-servers in one factory (stdio backends),
 * every answer checked, with wall time and the client's heap per conversation.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { CodexAgentSessionFactory, type CodexAgentRunner, type CodexBackendConfig } from "../../src/index.ts";
import { startListeningAppServer, type ListeningAppServer } from "../../src/testing/index.ts";
import type { BenchEnvironment } from "./environment.ts";
import { collectGarbage } from "./gc.ts";
import { interleave, timed } from "./interleave.ts";
import { formatMs, formatRatio, pairedRatios, summarise } from "./stats.ts";

/** The links compared; stdio is the baseline. */
export const LINKS = ["stdio", "ws", "unix"] as const;
/** One of {@link LINKS}. */
export type LinkName = (typeof LINKS)[number];

/** Samples of one row, by link; index i of every link taken in round i. */
export interface LinkRow {
  readonly label: string;
  readonly samples: Record<LinkName, number[]>;
  /** Of each sample, the time outside turn/start written → turn/completed read: the client's part, in ms. */
  readonly client: Record<LinkName, number[]>;
}

/** One fleet run: `conversations` new conversations over `servers` app-servers, one turn each. */
export interface FleetRun {
  readonly servers: number;
  readonly conversations: number;
  readonly correct: number;
  /** Conversations per backend, as the factory placed them. */
  readonly spread: readonly number[];
  readonly wallMs: number;
  /** Heap growth of this process (GC'd, runners and results held) per conversation; bytes. */
  readonly heapPerConversation: number;
  /** CPU used during the run, in ms: this process, the app-servers together, the model's process. */
  readonly cpu: { readonly clientMs: number; readonly serversMs: number; readonly modelMs: number };
}


/** What the remote section measured. */
export interface RemoteResults {
  readonly links: readonly LinkRow[];
  readonly fleet: readonly FleetRun[];
}

const LINK_GOAL = 1.05;
const PER_CONVERSATION_GOAL_BYTES = 0.5 * 1024 * 1024;
const TOKEN = "bench-capability-token-0123456789abcdef";
/** USER_HZ of /proc/PID/stat on Linux. */
const CLOCK_TICKS = 100;

/**
 * Turns over each link, interleaved: a later turn on a long-lived conversation, and a new
 * conversation's first turn (thread/start + turn). Every answer is checked.
 */
export async function measureLinks(env: BenchEnvironment, rounds: number, warmups: number, log: (line: string) => void): Promise<LinkRow[]> {
  const dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-bench-remote-"));
  const tokenFile = path.join(dir, "token");
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  const servers: ListeningAppServer[] = [];
  const factories: CodexAgentSessionFactory[] = [];
  try {
    const [ws, unix] = await Promise.all([
      startListeningAppServer({ codexBin: env.binary.path, env: env.backendEnv, auth: { tokenFile } }),
      startListeningAppServer({ codexBin: env.binary.path, env: env.backendEnv, listen: `unix://${path.join(dir, "app-server.sock")}` }),
    ]);
    servers.push(ws, unix);
    // When turn/start went out and turn/completed came in, per link: the rest of a turn is the client's.
    const marks = Object.fromEntries(LINKS.map((link) => [link, { written: 0, completed: 0 }])) as Record<LinkName, { written: number; completed: number }>;
    const onTraffic = (link: LinkName): CodexBackendConfig["onTraffic"] => (direction, message) => {
      const method = (message as { method?: unknown } | undefined)?.method;
      if (direction === "c2s" && method === "turn/start") marks[link].written = performance.now();
      if (direction === "s2c" && method === "turn/completed") marks[link].completed = performance.now();
    };
    const configs: Record<LinkName, CodexBackendConfig> = {
      stdio: { codexBin: env.binary.path, env: env.backendEnv, onTraffic: onTraffic("stdio") },
      ws: { endpoint: ws.endpoint, auth: { tokenFile }, onTraffic: onTraffic("ws") },
      unix: { endpoint: unix.endpoint, onTraffic: onTraffic("unix") },
    };
    const started = await Promise.all(LINKS.map((link) => new CodexAgentSessionFactory(configs[link]).start()));
    factories.push(...started);
    const factoryOf = (link: LinkName) => started[LINKS.indexOf(link)]!;
    let serial = 0;
    const turn = async (runner: CodexAgentRunner, link: LinkName) => {
      const prompt = `${link} prompt ${serial++}`;
      const { assistantText } = await runner.turn(prompt);
      if (!assistantText.startsWith(`You said: ${prompt} (turn `)) throw new Error(`bench: ${link} answered ${JSON.stringify(assistantText)} to ${JSON.stringify(prompt)}`);
    };
    const longLived = Object.fromEntries(
      await Promise.all(LINKS.map(async (link) => [link, await factoryOf(link).runner({ workingDirectory: env.workDir })] as const)),
    ) as Record<LinkName, CodexAgentRunner>;
    const perLink = (measure: (link: LinkName) => (round: number) => Promise<number>) => Object.fromEntries(LINKS.map((link) => [link, measure(link)])) as Record<LinkName, (round: number) => Promise<number>>;

    const rows: LinkRow[] = [];
    const row = async (label: string, measure: (link: LinkName) => () => Promise<number>) => {
      const before = performance.now();
      const client = Object.fromEntries(LINKS.map((link) => [link, [] as number[]])) as Record<LinkName, number[]>;
      const withClientPart = (link: LinkName) => async (round: number) => {
        const ms = await measure(link)();
        if (round >= 0) client[link].push(ms - (marks[link].completed - marks[link].written));
        return ms;
      };
      const samples = await interleave(perLink(withClientPart), rounds, warmups);
      rows.push({ label, samples, client });
      const cells = LINKS.slice(1).map((link) => `${link} ${formatRatio(summarise(pairedRatios(samples[link], samples.stdio)))}`);
      const clientCells = LINKS.map((link) => `${link} ${formatMs(summarise(client[link]))}`);
      log(`  remote ${label}: stdio ${formatMs(summarise(samples.stdio))}; vs stdio: ${cells.join(", ")}; client part: ${clientCells.join(", ")} [${((performance.now() - before) / 1000).toFixed(0)} s]`);
    };
    await row("later turn on the same conversation", (link) => () => timed(() => turn(longLived[link], link)));
    await row("first turn of a new conversation (thread/start + turn)", (link) => async () => {
      const started = performance.now();
      const runner = await factoryOf(link).runner({ workingDirectory: env.workDir });
      await turn(runner, link);
      const ms = performance.now() - started;
      await runner.close();
      return ms;
    });
    return rows;
  } finally {
    await Promise.all(factories.map((factory) => factory.close()));
    await Promise.all(servers.map((server) => server.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

/** Seconds of CPU a process has used so far (user + system), from /proc; 0 when it is gone. */
function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/**
 * `conversations` new conversations at once, one turn each, over one factory holding `servers`
 * stdio backends. Wall time; CPU of this process, of the app-servers and of the model over it
 * (where the time goes); heap growth per conversation, runners and results held.
 */
async function fleetRun(factory: CodexAgentSessionFactory, env: BenchEnvironment, servers: number, conversations: number, tag: string): Promise<FleetRun> {
  const heapBefore = collectGarbage();
  const pids = factory.backends.map((backend) => backend.pid);
  const cpu = () => ({ client: process.cpuUsage(), servers: pids.reduce<number>((sum, pid) => sum + processCpuSeconds(pid), 0), model: processCpuSeconds(env.modelPid) });
  const cpuBefore = cpu();
  const started = performance.now();
  const runners = await Promise.all(Array.from({ length: conversations }, () => factory.runner({ workingDirectory: env.workDir })));
  const results = await Promise.all(runners.map((runner, i) => runner.turn(`${tag} conversation ${i}`)));
  const wallMs = performance.now() - started;
  const cpuAfter = cpu();
  const heapPerConversation = (collectGarbage() - heapBefore) / conversations;
  const correct = results.filter((result, i) => result.assistantText === `You said: ${tag} conversation ${i} (turn 1)`).length;
  const backends = factory.backends;
  const spread = backends.map((backend) => runners.filter((runner) => runner.backend === backend).length);
  await Promise.all(runners.map((runner) => runner.close()));
  const clientCpu = process.cpuUsage(cpuBefore.client);
  return {
    servers,
    conversations,
    correct,
    spread,
    wallMs,
    heapPerConversation,
    cpu: {
      clientMs: (clientCpu.user + clientCpu.system) / 1000,
      serversMs: (cpuAfter.servers - cpuBefore.servers) * 1000,
      modelMs: (cpuAfter.model - cpuBefore.model) * 1000,
    },
  };
}

/** Every fleet size and conversation count, `fleetRepetitions` times; a warm-up per factory. */
async function measureFleet(env: BenchEnvironment, counts: RemoteCounts, log: (line: string) => void): Promise<FleetRun[]> {
  const runs: FleetRun[] = [];
  for (let repetition = 0; repetition < counts.fleetRepetitions; repetition++) {
    // Alternate the order of the fleet sizes between repetitions, so that drift hits every size alike.
    const sizes = repetition % 2 === 0 ? counts.fleetServers : [...counts.fleetServers].reverse();
    for (const servers of sizes) {
      const configs = Array.from({ length: servers }, (): CodexBackendConfig => ({ codexBin: env.binary.path, env: env.backendEnv }));
      const factory = new CodexAgentSessionFactory(configs);
      try {
        await factory.start();
        await fleetRun(factory, env, servers, 8 * servers, `warm-up ${repetition}`);
        for (const conversations of counts.fleetConversations) {
          const run = await fleetRun(factory, env, servers, conversations, `fleet ${repetition} ${servers} ${conversations}`);
          runs.push(run);
          log(
            `  fleet ${conversations} over ${servers}: ${run.correct}/${conversations} correct, spread ${run.spread.join("/")}, ${run.wallMs.toFixed(0)} ms, ` +
              `heap ${(run.heapPerConversation / 1024).toFixed(0)} KB/conversation; CPU client ${run.cpu.clientMs.toFixed(0)} ms, servers ${run.cpu.serversMs.toFixed(0)} ms, model ${run.cpu.modelMs.toFixed(0)} ms`,
          );
        }
      } finally {
        await factory.close();
      }
    }
  }
  return runs;
}

/** The Markdown of the remote section. */
export function remoteSection(results: RemoteResults): string[] {
  const out = [
    "| one turn | stdio | ws (127.0.0.1, token) | unix socket | ws / stdio | unix / stdio | client part: stdio / ws / unix | goal ≤ " + `${LINK_GOAL}× stdio |`,
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const row of results.links) {
    const ratio = (link: LinkName) => summarise(pairedRatios(row.samples[link], row.samples.stdio));
    const goal = (["ws", "unix"] as const).map((link) => `${link}: ${ratio(link).median <= LINK_GOAL ? "**met**" : "**missed**"}`).join(", ");
    out.push(
      `| ${row.label} | ${formatMs(summarise(row.samples.stdio))} | ${formatMs(summarise(row.samples.ws))} | ${formatMs(summarise(row.samples.unix))} | ${formatRatio(ratio("ws"))} | ${formatRatio(ratio("unix"))} | ` +
        `${LINKS.map((link) => summarise(row.client[link]).median.toFixed(1)).join(" / ")} ms | ${goal} |`,
    );
  }
  out.push(
    "",
    "The same binary three ways: spawned on stdio, and two `codex app-server --listen` processes (ws on 127.0.0.1 with a capability token, and a unix socket) started by the benchmark. " +
      "Links are interleaved round by round; ratios are medians (p25–p75) of the per-round ratios. " +
      "Client part: the turn's time outside turn/start written → turn/completed read (`onTraffic` timestamps), i.e. what codex-rpc itself adds on each link (for a first turn, thread/start's round trip too); the rest is the server, the model and the link's transit.",
    "",
  );
  out.push(
    "| conversations at once | app-servers | answers correct | conversations per server | wall time | CPU: client / app-servers / model | cores busy (CPU / wall) | client heap per conversation | goal: all correct, < 0.5 MB |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  for (const run of results.fleet) {
    const met = run.heapPerConversation < PER_CONVERSATION_GOAL_BYTES && run.correct === run.conversations;
    const cpu = `${run.cpu.clientMs.toFixed(0)} / ${run.cpu.serversMs.toFixed(0)} / ${run.cpu.modelMs.toFixed(0)} ms`;
    const busy = (run.cpu.clientMs + run.cpu.serversMs + run.cpu.modelMs) / run.wallMs;
    out.push(
      `| ${run.conversations} | ${run.servers} | ${run.correct}/${run.conversations} | ${run.spread.join(" / ")} | ${run.wallMs.toFixed(0)} ms | ${cpu} | ${busy.toFixed(2)} of ${cpus().length} | ${(run.heapPerConversation / 1024).toFixed(0)} KB | ${met ? "**met**" : "**missed**"} |`,
    );
  }
  out.push(
    "",
    "One factory over N stdio app-servers of the same binary (`new CodexAgentSessionFactory([config × N])`), each conversation placed on the backend with the fewest open ones; " +
      "all conversations start together, one turn each, and every answer is checked against its prompt. CPU is summed over the run from /proc (app-servers, the model's process) and `process.cpuUsage()` (this process): " +
      "with CPU time near wall time × cores, the machine is saturated and more app-servers cannot make it faster. Heap: growth of this process (GC'd) with the runners and results still held.",
  );
  return out;
}

/** Rounds and sizes of {@link measureRemote}. */
export interface RemoteCounts {
  readonly linkRounds: number;
  readonly warmups: number;
  readonly fleetRepetitions: number;
  readonly fleetServers: readonly number[];
  readonly fleetConversations: readonly number[];
}

/** The whole remote section: links, then the fleet (when the factory takes several backends). */
export async function measureRemote(env: BenchEnvironment, counts: RemoteCounts, log: (line: string) => void): Promise<RemoteResults> {
  const links = await measureLinks(env, counts.linkRounds, counts.warmups, log);
  const fleet = await measureFleet(env, counts, log);
  return { links, fleet };
}
