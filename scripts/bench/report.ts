/** Renders the results of `npm run bench` as Markdown: tables, goals met or missed, and the setup. */
import type { FloorTurn, TurnBreakdown } from "./breakdown.ts";
import type { CpuSample } from "./cpu.ts";
import type { MachineInfo } from "./environment.ts";
import type { MemoryResult } from "./memory.ts";
import type { ScaleRun } from "./scale.ts";
import type { SideName } from "./sides.ts";
import { formatMb, formatMs, formatRate, formatRatio, pairedRatios, summarise, type Summary } from "./stats.ts";
import type { HeapTrace, ThroughputResult } from "./throughput.ts";

/** One latency row: samples per side, index i of each taken in the same round. */
export interface LatencyRow {
  readonly label: string;
  readonly samples: Partial<Record<SideName, number[]>>;
  /** The row's goal against the SDK, if any: codex-rpc at least this many times faster. */
  readonly sdkGoal?: number;
  /** Why a side has no number in this row. */
  readonly note?: string;
  /** CPU used by each repetition, index i taken with samples[side][i]. */
  readonly cpu?: Partial<Record<SideName, CpuSample[]>>;
  /** Turns (or start-ups) in one repetition, for CPU per turn. */
  readonly turns?: number;
  /** A goal against another row: codex-rpc's median here at most `ratio` times its median there. */
  readonly goalAgainst?: { readonly label: string; readonly ratio: number; readonly what: string };
}

/** Everything one run measured. */
export interface BenchResults {
  readonly machine: MachineInfo;
  readonly counts: Readonly<Record<string, number>>;
  readonly binaryPath: string;
  readonly latency: readonly LatencyRow[];
  readonly memory: MemoryResult;
  readonly memoryConversations: number;
  readonly throughput: readonly ThroughputResult[];
  readonly scale: readonly ScaleRun[];
  readonly breakdown: { readonly turns: readonly TurnBreakdown[]; readonly floor: readonly FloorTurn[] };
  /** The remote app-server section, rendered (see remote.ts). */
  readonly remote?: readonly string[];
  readonly elapsedMs: number;
}

const FLOOR_GOAL = 1.05;
const SDK_MEMORY_GOAL = 0.25;
const THROUGHPUT_GOAL = 0.5;
/** Heap left after a stream (GC'd) that still counts as flat, in bytes. */
const FLAT_HEAP_BYTES = 1024 * 1024;
const PER_RUNNER_GOAL_BYTES = 0.5 * 1024 * 1024;

const verdict = (met: boolean) => (met ? "**met**" : "**missed**");

function latencyTable(rows: readonly LatencyRow[]): string[] {
  const out = [
    "| row | floor | codex-rpc | official SDK | codex-rpc / floor | SDK / codex-rpc | goal |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    const { floor, sdk } = row.samples;
    const rpc = row.samples["codex-rpc"]!;
    const cell = (values?: number[]) => (values ? formatMs(summarise(values)) : "–");
    const overFloor = floor ? summarise(pairedRatios(rpc, floor)) : undefined;
    const sdkOver = sdk ? summarise(pairedRatios(sdk, rpc)) : undefined;
    const goals: string[] = [];
    if (overFloor) goals.push(`≤ ${FLOOR_GOAL}× floor: ${verdict(overFloor.median <= FLOOR_GOAL)}`);
    if (row.sdkGoal !== undefined && sdkOver) goals.push(`≥ ${row.sdkGoal}× faster than the SDK: ${verdict(sdkOver.median >= row.sdkGoal)}`);
    const other = row.goalAgainst && rows.find((candidate) => candidate.label === row.goalAgainst!.label)?.samples["codex-rpc"];
    if (row.goalAgainst && other) {
      const ratio = summarise(rpc).median / summarise(other).median;
      goals.push(`≤ ${row.goalAgainst.ratio}× ${row.goalAgainst.what} (${ratio.toFixed(2)}×): ${verdict(ratio <= row.goalAgainst.ratio)}`);
    }
    out.push(
      `| ${row.label} | ${cell(floor)} | ${cell(rpc)} | ${sdk ? cell(sdk) : (row.note ?? "–")} | ${overFloor ? formatRatio(overFloor) : "–"} | ${sdkOver ? formatRatio(sdkOver) : "–"} | ${goals.join("; ")} |`,
    );
  }
  return out;
}

function cpuTable(rows: readonly LatencyRow[]): string[] {
  const out = [
    "| row | client CPU per turn: floor | codex-rpc | codex-rpc − floor | app-server CPU per turn: floor | codex-rpc |",
    "|---|---|---|---|---|---|",
  ];
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  for (const row of rows) {
    const turns = row.turns ?? 1;
    const floor = row.cpu?.floor;
    const rpc = row.cpu?.["codex-rpc"];
    if (!floor || !rpc) continue;
    const client = (samples: readonly CpuSample[]) => summarise(samples.map((c) => c.client / turns));
    const cell = (s: Summary) => `${ms(s.median)} (${s.p25.toFixed(2)}–${s.p75.toFixed(2)})`;
    // Clock ticks of 10 ms: a mean over every repetition, not a median of coarse values.
    const server = (samples: readonly CpuSample[]) => {
      const known = samples.filter((c) => c.server !== undefined);
      return known.length ? ms(known.reduce((sum, c) => sum + c.server!, 0) / known.length / turns) : "–";
    };
    const difference = summarise(rpc.map((c, i) => (c.client - floor[i]!.client) / turns));
    out.push(`| ${row.label} | ${cell(client(floor))} | ${cell(client(rpc))} | ${cell(difference)} | ${server(floor)} | ${server(rpc)} |`);
  }
  return out;
}

function memoryTable(memory: MemoryResult, conversations: number): string[] {
  const of = (side: SideName, pick: (peak: MemoryResult[SideName][number]) => number) => summarise(memory[side].map(pick));
  const out = [
    `| ${conversations} conversations at once, from nothing | peak total (client growth + codex processes) | client's own RSS growth | codex processes' RSS | codex processes at once |`,
    "|---|---|---|---|---|",
  ];
  for (const side of ["floor", "codex-rpc", "sdk"] as const) {
    out.push(
      `| ${side === "sdk" ? "official SDK" : side} | ${formatMb(of(side, (p) => p.total))} | ${formatMb(of(side, (p) => p.client))} | ${formatMb(of(side, (p) => p.children))} | ${of(side, (p) => p.processes).max} |`,
    );
  }
  const ratio = summarise(pairedRatios(memory["codex-rpc"].map((p) => p.total), memory.sdk.map((p) => p.total)));
  const overFloor = summarise(pairedRatios(memory["codex-rpc"].map((p) => p.total), memory.floor.map((p) => p.total)));
  out.push("");
  out.push(
    `codex-rpc / SDK, peak total: ${formatRatio(ratio)}; goal ≤ ${SDK_MEMORY_GOAL}: ${verdict(ratio.median <= SDK_MEMORY_GOAL)}. ` +
      `codex-rpc / floor: ${formatRatio(overFloor)}.`,
  );
  return out;
}

function heapCell(traces: readonly HeapTrace[]): string {
  const growth = summarise(traces.map((t) => t.after - t.before));
  const peak = summarise(traces.map((t) => t.peak - t.before));
  const kb = (bytes: number) => `${bytes >= 0 ? "+" : ""}${(bytes / 1024).toFixed(0)} KB`;
  return `${kb(growth.median)} after, +${(peak.median / 2 ** 20).toFixed(1)} MB peak`;
}

function throughputTable(results: readonly ThroughputResult[]): string[] {
  const out = [
    "| stream | floor: split + JSON.parse | codex-rpc: reader + envelope + connection + schema checks | codex-rpc / floor | heap, floor | heap, codex-rpc | goal |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const result of results) {
    const ratio = summarise(pairedRatios(result.ours, result.floor));
    const flat = summarise(result.oursHeap.map((t) => t.after - t.before)).median <= FLAT_HEAP_BYTES;
    const size = `${(result.bytes / 2 ** 20).toFixed(0)} MB`;
    const label =
      result.stream === "deltas"
        ? `${result.count.toLocaleString("en")} item/agentMessage/delta (${size})`
        : `${result.count.toLocaleString("en")} mixed, per 10: item/started + item/completed commandExecution (4 KB output), 3 output deltas, 3 message deltas, agentMessage completed, tokenUsage (${size})`;
    out.push(
      `| ${label} | ${formatRate(summarise(result.floor))} | ${formatRate(summarise(result.ours))} | ${formatRatio(ratio)} | ${heapCell(result.floorHeap)} | ${heapCell(result.oursHeap)} | ≥ ${THROUGHPUT_GOAL}× floor: ${verdict(ratio.median >= THROUGHPUT_GOAL)}; heap flat: ${verdict(flat)} |`,
    );
  }
  return out;
}

function scaleTable(runs: readonly ScaleRun[]): string[] {
  const runners = runs[0]?.runners ?? 0;
  const perRunner = (bytes: number) => bytes / runners;
  const rss = summarise(runs.map((r) => perRunner(r.rssGrowth)));
  const heap = summarise(runs.map((r) => perRunner(r.heapGrowth)));
  const peak = summarise(runs.map((r) => perRunner(r.peakRssGrowth)));
  const kb = (s: Summary) => `${(s.median / 1024).toFixed(0)} KB (${(s.min / 1024).toFixed(0)} to ${(s.max / 1024).toFixed(0)})`;
  const correct = runs.every((r) => r.correct === r.turns);
  return [
    "| runners on one backend | answers correct | wall time | client RSS growth per runner (GC'd, runners held) | heap growth per runner | peak RSS growth per runner during the turns | goal |",
    "|---|---|---|---|---|---|---|",
    `| ${runners}, two turns each | ${runs.map((r) => `${r.correct}/${r.turns}`).join(", ")} | ${formatMs(summarise(runs.map((r) => r.wallMs)))} | ${kb(rss)} | ${kb(heap)} | ${kb(peak)} | all correct: ${verdict(correct)}; < 512 KB per runner, worst repetition: ${verdict(rss.max < PER_RUNNER_GOAL_BYTES)} |`,
    "",
    `Per runner: median (min to max) over ${runs.length} repetitions, each with ${runners} new runners on the same backend after a warm-up.`,
  ];
}

function breakdownTable(breakdown: BenchResults["breakdown"]): string[] {
  const of = (pick: (t: TurnBreakdown) => number) => formatMs(summarise(breakdown.turns.map(pick)));
  const messages = summarise(breakdown.turns.map((t) => t.messages)).median;
  return [
    "| one later turn | ms, median (p25–p75) |",
    "|---|---|",
    `| codex-rpc, whole turn: \`runner.turn()\` called → resolved | ${of((t) => t.total)} |`,
    `| client: call → turn/start written (checks, params validation, serialise) | ${of((t) => t.beforeWrite)} |`,
    `| server + model: turn/start written → turn/completed read | ${of((t) => t.server)} |`,
    `|   of which turn/start written → its answer read | ${of((t) => t.startAnswered)} |`,
    `| client: turn/completed read → promise resolved | ${of((t) => t.afterRead)} |`,
    `| client CPU handling stdout during the turn (${messages} messages; synchronous, overlaps the server's time) | ${of((t) => t.readHandling)} |`,
    `|   of which JSON.parse | ${of((t) => t.parse)} |`,
    `|   of which zod's safeParse on the notifications (fastSafeParse's compiled checks count in the rest) | ${of((t) => t.notificationValidation)} |`,
    `|   the rest: split, decode, envelope check, compiled schema checks, dispatch, route, record | ${of((t) => t.readHandling - t.parse - t.notificationValidation)} |`,
    `| client: zod's safeParse of turn/start params and result (outside fastSafeParse's compiled checks) | ${of((t) => t.requestValidation)} |`,
    `| floor, same turns interleaved: whole turn | ${formatMs(summarise(breakdown.floor.map((t) => t.total)))} |`,
    `| floor: turn/start written → turn/completed read | ${formatMs(summarise(breakdown.floor.map((t) => t.server)))} |`,
  ];
}

/** The whole report as Markdown. */
export function renderReport(results: BenchResults): string {
  const { machine } = results;
  const counts = Object.entries(results.counts)
    .map(([name, count]) => `${name} ${count}`)
    .join(", ");
  return [
    "# Benchmarks",
    "",
    `Run on ${machine.date.slice(0, 16).replace("T", " ")} UTC with \`npm run bench\` (${(results.elapsedMs / 60000).toFixed(1)} min in all). ` +
      `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(0)} GiB memory, ${machine.os}. Node ${machine.node}; ${machine.codex} (\`${results.binaryPath}\`); ${machine.sdk}, pointed at the same binary.`,
    "",
    "Every side runs the same native binary against the built-in model on 127.0.0.1 (`LoopbackModel`, default responder: three deltas echoing the prompt; in a process of its own), " +
      "in the same hermetic HOME and CODEX_HOME (`createHermeticCodexHome`), with the same child environment. " +
      "Sides are interleaved round by round (A B C, then C B A, ...) after warm-up rounds; cells are medians with p25–p75; " +
      "ratios are medians (p25–p75) of the per-round ratios, each round's pair having been taken back to back. " +
      `Rounds: ${counts}.`,
    "",
    "## Latency",
    "",
    ...latencyTable(results.latency),
    "",
    "The floor spawns the binary directly and writes and reads JSON lines with no validation and no events kept. " +
      "codex-rpc runs through its port (`CodexAgentSessionFactory` → `runner()` → `turn()`), which validates every message and records the turn's events. " +
      "The SDK spawns `codex exec` for every turn (`codex exec resume` for later ones), so it has no start-up of its own. " +
      "\"N conversations at once\": N new conversations on one backend, one turn each, all started together.",
    "",
    "### CPU per turn",
    "",
    ...cpuTable(results.latency),
    "",
    "The same repetitions as the latency table. Client: `process.cpuUsage()` (user + system, every thread of this process) around each repetition, divided by its turns (start-ups in the first row); median (p25–p75); " +
      "codex-rpc − floor is the median of the per-round differences. App-server: utime + stime of its process from /proc (clock ticks of 10 ms), the mean over all repetitions; " +
      "it does not count the model, which runs in a process of its own. CPU time moves far less with the machine's load than wall time: when a row's ratio moves, these say whose work moved.",
    "",
    "## Peak memory",
    "",
    ...memoryTable(results.memory, results.memoryConversations),
    "",
    "Sampled every 5 ms from /proc (VmRSS) by a worker thread: this process's growth over its RSS when the window opened, plus every process it spawned meanwhile, at the same instant. " +
      "Each side starts from nothing inside the window (codex-rpc and the floor start their app-server there).",
    "",
    "## Transport and protocol throughput",
    "",
    ...throughputTable(results.throughput),
    "",
    "A fixture process writes a pre-built stream to its stdout as fast as the pipe takes it; each side reads it from a pipe in this process. " +
      "codex-rpc: `startChildProcess` (JsonlMessageReader with `checkEnvelope`) → `ProtocolConnection` (its own dispatch over the vscode-jsonrpc reader) → the schema of every notification (compiled checks, zod to explain a refusal) → a listener. " +
      "The floor: split on `\\n` and `JSON.parse`, in one loop. Heap: growth after the stream (GC'd, reader still open) and peak during it, over the heap before it.",
    "",
    "## Scale",
    "",
    ...scaleTable(results.scale),
    "",
    "## Where the time of one turn goes",
    "",
    ...breakdownTable(results.breakdown),
    "",
    "Timestamps from `CodexBackendConfig.onTraffic` (when each line crossed the pipe); the client's CPU on stdout from a `spawn` wrapper timing every `data` event; " +
      "JSON.parse and zod's `safeParse` wrapped while the turns ran. The floor's turns were interleaved with codex-rpc's, on a server of its own.",
    "",
    ...(results.remote ? ["## Remote app-servers", "", ...results.remote, ""] : []),
  ].join("\n");
}
