/**
 * CPU time of the two processes of a turn: this one (the client, `process.cpuUsage`: every
 * thread, user + system) and the app-server (utime + stime of /proc/PID/stat, every thread, in
 * clock ticks of usually 10 ms: coarse per round, unbiased in a mean over rounds). CPU time is
 * far less sensitive to the machine's load than wall time, so a row that moves can be explained.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU time a process has used so far, in milliseconds; undefined when it cannot be read (not Linux, gone). */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}

/** CPU used during one measured section, in milliseconds. */
export interface CpuSample {
  /** This process (the client), every thread. */
  readonly client: number;
  /** The app-server, when there is one long-lived process to read. */
  readonly server: number | undefined;
}

/** Times `work`: wall milliseconds, and the CPU of this process and of the server `pid()` names (read before and after). */
export async function timedWithCpu(work: () => Promise<unknown>, pid?: () => number | undefined): Promise<{ ms: number; cpu: CpuSample }> {
  const serverBefore = processCpuMs(pid?.());
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpuBefore);
  const serverAfter = processCpuMs(pid?.());
  const server = serverBefore !== undefined && serverAfter !== undefined ? serverAfter - serverBefore : undefined;
  return { ms, cpu: { client: (used.user + used.system) / 1000, server } };
}
