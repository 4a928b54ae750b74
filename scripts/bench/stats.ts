/** Small statistics and process-memory helpers for the benchmarks. */
import { readdirSync, readFileSync } from "node:fs";

/** Median and quartiles of a sample. */
export interface Summary {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly n: number;
}

export function summarise(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]!;
  return { median: at(0.5), p25: at(0.25), p75: at(0.75), n: sorted.length };
}

export function formatMs(s: Summary): string {
  return `${s.median.toFixed(1)} ms (${s.p25.toFixed(1)}–${s.p75.toFixed(1)})`;
}

/** Resident memory of a process in bytes (Linux), 0 if it is gone. */
function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Pids of every descendant of `root`. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/**
 * Samples the summed RSS of this process's descendants that did not exist when sampling began
 * (so long-lived processes of other measurements do not count), every `intervalMs` until
 * stopped; returns the peak.
 */
export function sampleChildrenRss(intervalMs = 15): { stop(): number } {
  let peak = 0;
  const existing = new Set(descendants(process.pid));
  const sample = () => {
    const total = descendants(process.pid)
      .filter((pid) => !existing.has(pid))
      .reduce((sum, pid) => sum + rssOf(pid), 0);
    if (total > peak) peak = total;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
