/**
 * Peak memory of a client and every process it spawns (Linux): a worker thread samples VmRSS of
 * this process and of its descendants from /proc every few milliseconds, on its own event loop
 * so that a busy main thread does not thin out the samples. Processes that already existed when
 * sampling began (the model server, other clients' backends) are not counted.
 */
import { Worker } from "node:worker_threads";
import { once } from "node:events";

/** What one sampling window saw. */
export interface TreeMemoryPeak {
  /** Peak of (this process's RSS growth + the summed RSS of the new descendants), sampled at the same instant; bytes. */
  readonly total: number;
  /** Peak summed RSS of the new descendants alone; bytes. */
  readonly children: number;
  /** Peak RSS growth of this process over its RSS when sampling began; bytes. */
  readonly client: number;
  /** Most new descendants alive at once. */
  readonly processes: number;
  readonly samples: number;
}

// Plain JavaScript, evaluated in the worker (no loader needed there).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const root = workerData.pid;
function childrenOf(pid) {
  const out = [];
  let tasks;
  try { tasks = fs.readdirSync("/proc/" + pid + "/task"); } catch { return out; }
  for (const task of tasks) {
    let text = "";
    try { text = fs.readFileSync("/proc/" + pid + "/task/" + task + "/children", "utf8").trim(); } catch {}
    if (text) for (const child of text.split(" ")) out.push(Number(child));
  }
  return out;
}
function descendants() {
  const out = [];
  const stack = [root];
  while (stack.length) for (const child of childrenOf(stack.pop())) { out.push(child); stack.push(child); }
  return out;
}
function rss(pid) {
  try {
    const match = /VmRSS:\\s+(\\d+) kB/.exec(fs.readFileSync("/proc/" + pid + "/status", "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch { return 0; }
}
let state;
let timer;
function sample() {
  let children = 0;
  let processes = 0;
  for (const pid of descendants()) {
    if (state.excluded.has(pid)) continue;
    const bytes = rss(pid);
    if (bytes > 0) { children += bytes; processes++; }
  }
  const client = Math.max(0, rss(root) - state.clientBase);
  state.total = Math.max(state.total, client + children);
  state.children = Math.max(state.children, children);
  state.client = Math.max(state.client, client);
  state.processes = Math.max(state.processes, processes);
  state.samples++;
}
parentPort.on("message", (command) => {
  if (command === "start") {
    state = { excluded: new Set(descendants()), clientBase: rss(root), total: 0, children: 0, client: 0, processes: 0, samples: 0 };
    sample();
    timer = setInterval(sample, workerData.intervalMs);
    parentPort.postMessage({ started: true });
  } else if (command === "stop") {
    clearInterval(timer);
    sample();
    const { total, children, client, processes, samples } = state;
    parentPort.postMessage({ total, children, client, processes, samples });
  }
});
`;

/** A sampler thread; one window at a time. */
export class TreeMemorySampler {
  private constructor(private readonly worker: Worker) {}

  /** Starts the sampling thread (before any baseline, so its own memory is not counted as growth). */
  static create(intervalMs = 5): TreeMemorySampler {
    return new TreeMemorySampler(new Worker(WORKER_SOURCE, { eval: true, workerData: { pid: process.pid, intervalMs } }));
  }

  /** Measures the peak memory of `work`: starts sampling, runs it, stops. */
  async peakOf(work: () => Promise<unknown>): Promise<TreeMemoryPeak> {
    const started = once(this.worker, "message");
    this.worker.postMessage("start");
    await started;
    const outcome = await work().then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    const stopped = once(this.worker, "message");
    this.worker.postMessage("stop");
    const [peak] = (await stopped) as [TreeMemoryPeak];
    if (outcome) throw outcome.error;
    return peak;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
