/**
 * Shared pieces of the fault-injection suite: the fake app-server fixture wired into a
 * CodexBackend / factory, what the backend reported (protocol errors, traffic, stderr), and
 * deadlines for every wait (a fault test must fail, never hang).
 */
import assert from "node:assert/strict";
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CodexAgentSessionFactory, type CodexAgentSessionFactoryOptions } from "../../src/codex/codexAgentSessionFactory.ts";
import type { CodexBackendConfig, TrafficDirection } from "../../src/codex/codexBackend.ts";
import { AgentError, type AgentErrorCode, type ProtocolError } from "../../src/errors.ts";

/** The fake app-server (plain JS). */
export const FAKE_APP_SERVER = fileURLToPath(new URL("../fixtures/faults/fakeAppServer.mjs", import.meta.url));
// resolveCodexBinary insists that codexBin is executable (the fixture has a shebang too).
chmodSync(FAKE_APP_SERVER, 0o755);

/** Runs `command` (the fixture, or a wrapper) with the current node, whatever `node` on PATH is. */
export function nodeSpawner(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return nodeSpawn(process.execPath, [command, ...args], options);
}

/** One message that crossed the pipe. */
export interface TrafficRecord {
  readonly direction: TrafficDirection;
  readonly message: Record<string, unknown>;
}

/** What a backend on the fake reported, collected for assertions. */
export interface Observed {
  readonly protocolErrors: ProtocolError[];
  readonly traffic: TrafficRecord[];
  readonly stderrLines: string[];
  /** Client-to-server requests of `method`. */
  sent(method: string): Record<string, unknown>[];
  /** Resolves with the first stderr line (seen or future) that matches. */
  stderrLine(pattern: RegExp): Promise<string>;
  /** Resolves with the first message (seen or future) that matches; needs recordTraffic. */
  message(predicate: (record: TrafficRecord) => boolean): Promise<TrafficRecord>;
}

/** Options of {@link fakeBackendConfig}. */
export interface FakeOptions {
  /** FAKE_APP_SERVER_SCENARIO of the process. */
  readonly scenario?: string;
  /** More variables for the child (it gets only these, and the scenario: inheritEnv is false). */
  readonly env?: Readonly<Record<string, string>>;
  /** Other backend options (overloadRetry, startTimeoutSeconds...). */
  readonly backend?: Partial<CodexBackendConfig>;
  /** Keep the traffic log (default true); off for floods. */
  readonly recordTraffic?: boolean;
}

/** A CodexBackendConfig that runs the fake app-server, and the record of what it reported. */
export function fakeBackendConfig(options: FakeOptions = {}): { config: CodexBackendConfig; observed: Observed } {
  const protocolErrors: ProtocolError[] = [];
  const traffic: TrafficRecord[] = [];
  const stderrLines: string[] = [];
  const stderrWaiters = new Set<(line: string) => void>();
  const trafficWaiters = new Set<(record: TrafficRecord) => void>();
  const config: CodexBackendConfig = {
    codexBin: FAKE_APP_SERVER,
    spawn: nodeSpawner,
    inheritEnv: false,
    env: { FAKE_APP_SERVER_SCENARIO: options.scenario ?? "", ...options.env },
    startTimeoutSeconds: 5,
    onProtocolError: (error) => protocolErrors.push(error),
    onStderrLine: (line) => {
      stderrLines.push(line);
      for (const waiter of [...stderrWaiters]) waiter(line);
    },
    ...(options.recordTraffic === false
      ? {}
      : {
          onTraffic: (direction: TrafficDirection, message: unknown) => {
            const record = { direction, message: message as Record<string, unknown> };
            traffic.push(record);
            for (const waiter of [...trafficWaiters]) waiter(record);
          },
        }),
    ...options.backend,
  };
  const sent = (method: string) => traffic.filter((t) => t.direction === "c2s" && t.message.method === method).map((t) => t.message);
  const stderrLine = (pattern: RegExp) =>
    new Promise<string>((resolve) => {
      const seen = stderrLines.find((line) => pattern.test(line));
      if (seen !== undefined) return resolve(seen);
      const waiter = (line: string) => {
        if (!pattern.test(line)) return;
        stderrWaiters.delete(waiter);
        resolve(line);
      };
      stderrWaiters.add(waiter);
    });
  const message = (predicate: (record: TrafficRecord) => boolean) =>
    new Promise<TrafficRecord>((resolve) => {
      const seen = traffic.find(predicate);
      if (seen !== undefined) return resolve(seen);
      const waiter = (record: TrafficRecord) => {
        if (!predicate(record)) return;
        trafficWaiters.delete(waiter);
        resolve(record);
      };
      trafficWaiters.add(waiter);
    });
  return { config, observed: { protocolErrors, traffic, stderrLines, sent, stderrLine, message } };
}

/** A started factory on the fake app-server, closed by `dispose()` / `await using`. */
export interface FakeSession extends AsyncDisposable {
  readonly factory: CodexAgentSessionFactory;
  readonly observed: Observed;
  runner(options?: Parameters<CodexAgentSessionFactory["runner"]>[1]): ReturnType<CodexAgentSessionFactory["runner"]>;
  dispose(): Promise<void>;
}

/** Starts a factory whose backend is the fake app-server. */
export async function startFakeSession(options: FakeOptions & { readonly factory?: CodexAgentSessionFactoryOptions } = {}): Promise<FakeSession> {
  const { config, observed } = fakeBackendConfig(options);
  const factory = new CodexAgentSessionFactory(config, options.factory);
  const dispose = () => within(15_000, "closing the factory", factory.close());
  await within(10_000, "starting the fake app-server", factory.start()).catch(async (error: unknown) => {
    await dispose();
    throw error;
  });
  return {
    factory,
    observed,
    runner: (runnerOptions) => factory.runner({ workingDirectory: process.cwd() }, runnerOptions),
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}

/**
 * `promise`, or a rejection naming `what` once `ms` have passed. The timer keeps node alive until
 * then: an idle backend does not (CodexBackend.hold), and a test may wait on it while idle.
 */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Asserts that `promise` rejects with an AgentError of `code` within `ms`; returns the error and the time taken. */
export async function rejectsWithin(promise: Promise<unknown>, ms: number, code: AgentErrorCode): Promise<{ error: AgentError; elapsedMs: number }> {
  const started = performance.now();
  let outcome: { value: unknown } | { error: unknown };
  try {
    outcome = { value: await within(ms, `a promise expected to reject with ${code}`, promise) };
  } catch (error) {
    outcome = { error };
  }
  const elapsedMs = performance.now() - started;
  assert.ok("error" in outcome, `expected a rejection with ${code}, got a value: ${JSON.stringify((outcome as { value: unknown }).value)?.slice(0, 300)}`);
  const { error } = outcome;
  assert.ok(error instanceof AgentError, `expected an AgentError with code ${code}, got ${String(error)}`);
  assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
  assert.ok(elapsedMs < ms, `rejected after ${Math.round(elapsedMs)} ms (bound ${ms} ms)`);
  return { error, elapsedMs };
}

/** Resolves once `predicate` holds, checking every `stepMs`; rejects after `ms`. For what has no event (another process's pid). */
export async function eventually(ms: number, what: string, predicate: () => boolean, stepMs = 20): Promise<void> {
  const deadline = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`${what}: not true within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/**
 * True while a process with this pid runs. A zombie (exited, not yet reaped: an orphan whose new
 * parent does not reap, as in some containers) counts as gone.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // /proc/PID/stat: "pid (comm) STATE ..."; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return !existsSync("/proc/self/stat"); // no procfs: trust kill(0)
  }
}
