/**
 * Scale: many runners on one codex-rpc backend, each running two turns at once with the others.
 * Checks every answer (the default responder echoes the prompt and counts the turns, so a turn
 * routed to the wrong conversation shows), and measures the client's memory growth per runner.
 */
import type { CodexAgentRunner, CodexAgentSessionFactory, CodexTurnResult } from "../../src/index.ts";
import type { BenchEnvironment } from "./environment.ts";
import { collectGarbage } from "./gc.ts";
import type { TreeMemorySampler } from "./treeMemory.ts";

/** One repetition: `runners` new runners, two turns each. */
export interface ScaleRun {
  readonly runners: number;
  readonly correct: number;
  readonly turns: number;
  readonly wallMs: number;
  /** Resident memory growth of this process, GC'd, runners and results still held; bytes. */
  readonly rssGrowth: number;
  /** Heap growth, GC'd, runners and results still held; bytes. */
  readonly heapGrowth: number;
  /** Peak resident growth of this process while the turns ran; bytes. */
  readonly peakRssGrowth: number;
}

async function oneRun(factory: CodexAgentSessionFactory, env: BenchEnvironment, runners: number, sampler: TreeMemorySampler, tag: string): Promise<ScaleRun> {
  const heapBefore = collectGarbage();
  const rssBefore = process.memoryUsage().rss;
  let results: CodexTurnResult[][] = [];
  // Held until memory is measured: the growth is that of live runners, not of collected ones.
  let held: CodexAgentRunner[] = [];
  let wallMs = 0;
  const peak = await sampler.peakOf(async () => {
    const started = performance.now();
    const many = await Promise.all(Array.from({ length: runners }, () => factory.runner({ workingDirectory: env.workDir })));
    const first = await Promise.all(many.map((runner, i) => runner.turn(`${tag} runner ${i} first`)));
    const second = await Promise.all(many.map((runner, i) => runner.turn(`${tag} runner ${i} second`)));
    wallMs = performance.now() - started;
    results = [first, second];
    held = many;
  });
  const heapAfter = collectGarbage();
  const rssAfter = process.memoryUsage().rss;
  if (held.some((runner) => runner.busy)) throw new Error("scale: a runner is still busy");
  let correct = 0;
  const threads = new Set<string>();
  results.forEach((turns, t) =>
    turns.forEach((result, i) => {
      const expected = `You said: ${tag} runner ${i} ${t === 0 ? "first" : "second"} (turn ${t + 1})`;
      if (result.assistantText === expected && (t === 0 ? !threads.has(result.threadId) : results[0]![i]!.threadId === result.threadId)) correct++;
      threads.add(result.threadId);
    }),
  );
  return {
    runners,
    correct,
    turns: runners * 2,
    wallMs,
    rssGrowth: rssAfter - rssBefore,
    heapGrowth: heapAfter - heapBefore,
    peakRssGrowth: peak.client,
  };
}

/** A warm-up with a few runners, then `repetitions` runs of `runners` runners on the same backend. */
export async function measureScale(
  factory: CodexAgentSessionFactory,
  env: BenchEnvironment,
  sampler: TreeMemorySampler,
  runners: number,
  repetitions: number,
  log: (line: string) => void,
): Promise<ScaleRun[]> {
  await oneRun(factory, env, 8, sampler, "warm-up");
  const runs: ScaleRun[] = [];
  for (let i = 0; i < repetitions; i++) {
    const run = await oneRun(factory, env, runners, sampler, `rep ${i}`);
    runs.push(run);
    log(
      `  scale rep ${i}: ${run.correct}/${run.turns} correct, ${run.wallMs.toFixed(0)} ms, ` +
        `RSS +${(run.rssGrowth / runners / 1024).toFixed(0)} KB/runner, heap +${(run.heapGrowth / runners / 1024).toFixed(0)} KB/runner`,
    );
  }
  return runs;
}
