/**
 * `npx tsx scripts/benchTap.ts [N]`: what `codex-rpc tap` adds to a round trip. Sends N small
 * JSON-RPC request/response pairs, one at a time, to a fixture echo peer
 * (test/fixtures/cli/echo-peer.mjs) directly, through the tap (which writes its transcript to
 * a temp file), and through a minimal relay that only passes bytes on
 * (scripts/bench/fixtures/minimalRelay.mjs), rotating between the three so that load on the
 * machine hits them alike, and reports the latencies and their ratios. A warm-up of each is not
 * measured. The echo peer answers at once, so a round trip is almost nothing but process hops:
 * any process in the middle doubles them; the relay shows that floor, the tap's own work
 * (parse, redact, log) is what it adds over the relay.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const peer = path.join(root, "test/fixtures/cli/echo-peer.mjs");
const minimalRelay = path.join(root, "scripts/bench/fixtures/minimalRelay.mjs");
const tsxLoader = new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
const count = Number(process.argv[2] ?? 2000);
const warmup = Math.min(300, Math.ceil(count / 5));

/** Sends one request at a time and times its answer, in microseconds. */
class Peer {
  private buffered = "";
  private waiting: (() => void) | undefined;

  constructor(readonly child: ChildProcess) {
    child.stdout!.on("data", (chunk: Buffer) => {
      this.buffered += chunk.toString("utf8");
      if (this.buffered.includes("\n") && this.waiting) {
        const resolve = this.waiting;
        this.waiting = undefined;
        resolve();
      }
    });
  }

  async roundTrip(id: number): Promise<number> {
    const answered = new Promise<void>((resolve) => (this.waiting = resolve));
    const started = process.hrtime.bigint();
    this.child.stdin!.write(`${JSON.stringify({ id, method: "bench/echo", params: { n: id, text: "hello" } })}\n`);
    await answered;
    const elapsed = Number(process.hrtime.bigint() - started) / 1000;
    const newline = this.buffered.indexOf("\n");
    const line = this.buffered.slice(0, newline);
    this.buffered = this.buffered.slice(newline + 1);
    if ((JSON.parse(line) as { id: number }).id !== id) throw new Error(`answer out of order: ${line}`);
    return elapsed;
  }

  async close(): Promise<void> {
    const closed = new Promise((resolve) => this.child.once("close", resolve));
    this.child.stdin!.end();
    await closed;
  }
}

function stats(times: number[]): { median: number; p95: number; mean: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95), mean: times.reduce((a, b) => a + b, 0) / times.length };
}

const dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-bench-"));
try {
  const log = path.join(dir, "tap.jsonl");
  const direct = new Peer(spawn(process.execPath, [peer], { stdio: ["pipe", "pipe", "inherit"] }));
  const tapped = new Peer(
    spawn(process.execPath, ["--import", tsxLoader, path.join(root, "src/cli/main.ts"), "tap", "--log", log, "--", process.execPath, peer], {
      stdio: ["pipe", "pipe", "inherit"],
    }),
  );
  const relayed = new Peer(spawn(process.execPath, [minimalRelay, process.execPath, peer], { stdio: ["pipe", "pipe", "inherit"] }));
  const sides = [direct, tapped, relayed];
  const times: number[][] = [[], [], []];
  for (let i = -warmup; i < count; i++) {
    // Rotating the order: none of the three always goes first after a pause.
    for (let k = 0; k < 3; k++) {
      const side = (i + warmup + k) % 3;
      const elapsed = await sides[side]!.roundTrip(i);
      if (i >= 0) times[side]!.push(elapsed);
    }
  }
  await Promise.all(sides.map((side) => side.close()));
  const [d, t, r] = times.map(stats) as [ReturnType<typeof stats>, ReturnType<typeof stats>, ReturnType<typeof stats>];
  const logged = (await readFile(log, "utf8")).trim().split("\n").length;
  const fmt = (s: { median: number; p95: number; mean: number }) => `median ${s.median.toFixed(1)} µs, p95 ${s.p95.toFixed(1)} µs, mean ${s.mean.toFixed(1)} µs`;
  console.log(`${count} round trips each (after ${warmup} warm-up), one at a time, rotating direct / tap / minimal relay`);
  console.log(`direct:             ${fmt(d)}`);
  console.log(`through tap:        ${fmt(t)}  (${logged} transcript lines written)`);
  console.log(`through bare relay: ${fmt(r)}`);
  console.log(`ratio (median, tap / direct): ${(t.median / d.median).toFixed(2)}; added per round trip: ${(t.median - d.median).toFixed(1)} µs`);
  console.log(`ratio (median, bare relay / direct): ${(r.median / d.median).toFixed(2)}: the process hops any relay adds`);
  console.log(`ratio (median, tap / bare relay): ${(t.median / r.median).toFixed(2)}; the tap's own work: ${(t.median - r.median).toFixed(1)} µs per round trip`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
