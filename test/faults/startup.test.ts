/**
 * Faults at start-up, against the fake app-server: no answer to initialize, an exit with an
 * error, "Server overloaded" answers, a missing binary. Each ends in BACKEND_START (or a
 * success after retries) within a bound, and leaves no process behind.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CodexBackend } from "../../src/codex/codexBackend.ts";
import { BackendStartError, RpcError } from "../../src/errors.ts";
import { fakeBackendConfig, nodeSpawner, processAlive, rejectsWithin, startFakeSession, within } from "./faultHarness.ts";

describe("faults at start-up (fake app-server)", { timeout: 30_000 }, () => {
  it("initialize never answered: BACKEND_START after startTimeoutSeconds, and the process is stopped", async () => {
    const { config } = fakeBackendConfig({ scenario: "no-initialize", backend: { startTimeoutSeconds: 1 } });
    const backend = new CodexBackend(config);
    const { error, elapsedMs } = await rejectsWithin(backend.start(), 5_000, "BACKEND_START");
    // Not "at once": timers count from the event loop's cached clock, which a slow synchronous
    // spawn on a loaded machine leaves tens of milliseconds behind, so only a wide bound is fair.
    assert.ok(elapsedMs >= 500, `gave up after ${Math.round(elapsedMs)} ms, long before the 1 s deadline`);
    assert.match(error.message, /did not answer initialize within 1 s/);
    assert.equal(backend.state, "exited");
    const pid = backend.pid;
    assert.equal(typeof pid, "number");
    assert.ok(backend.exitInfo, "the process has exited (reaped) by the time start() rejects");
    assert.equal(processAlive(pid!), false);
    await within(2_000, "close after a failed start", backend.close());
  });

  it("exits with code 3 after an error on stderr: BACKEND_START carrying the exit code and the stderr tail", async () => {
    const { config } = fakeBackendConfig({ scenario: "exit-at-start" });
    const backend = new CodexBackend(config);
    const { error } = await rejectsWithin(backend.start(), 5_000, "BACKEND_START");
    assert.ok(error instanceof BackendStartError);
    assert.equal(error.exit?.exitCode, 3);
    assert.equal(error.exit?.signal, null);
    assert.match(error.message, /exited during start-up \(exit code 3\)/);
    assert.match(error.message, /could not load config: simulated failure/, "the stderr tail is in the message");
    assert.equal(processAlive(backend.pid!), false);
    await within(2_000, "close after a failed start", backend.close());
  });

  it("exits on reading `initialized`, before that write has completed on our side: BACKEND_START, never a 'running' backend with a dead process", async () => {
    const { config } = fakeBackendConfig({ scenario: "exit-on-initialized" });
    // A slow pipe: the write of `initialized` completes (its callback runs) only after the process has exited.
    const spawn: typeof nodeSpawner = (command, args, options) => {
      const child = nodeSpawner(command, args, options);
      const stdin = child.stdin!;
      const write = stdin.write.bind(stdin) as (chunk: unknown, callback: (error?: Error | null) => void) => boolean;
      stdin.write = ((chunk: unknown, ...rest: unknown[]) => {
        const callback = rest.find((arg): arg is (error?: Error | null) => void => typeof arg === "function");
        if (!String(chunk).includes('"initialized"')) return write(chunk, (error) => callback?.(error));
        return write(chunk, (error) => child.once("close", () => callback?.(error)));
      }) as typeof stdin.write;
      return child;
    };
    const backend = new CodexBackend({ ...config, spawn });
    const { error } = await rejectsWithin(backend.start(), 5_000, "BACKEND_START");
    assert.match(error.message, /exit code 4/);
    assert.equal(backend.state, "exited");
    assert.equal(processAlive(backend.pid!), false);
    await within(2_000, "close", backend.close());
  });

  it("a codexBin that does not exist: BACKEND_START at once, naming the path", async () => {
    const backend = new CodexBackend({ codexBin: "/nonexistent/dir/codex", inheritEnv: false, env: {} });
    const { error } = await rejectsWithin(backend.start(), 1_000, "BACKEND_START");
    assert.match(error.message, /\/nonexistent\/dir\/codex/);
    assert.equal(backend.pid, undefined);
    await within(1_000, "close", backend.close());
  });

  it("'Server overloaded' three times on thread/start: retried with backoff, then the turn succeeds", async () => {
    await using session = await startFakeSession({
      scenario: "overloaded=3",
      backend: { overloadRetry: { maxAttempts: 5, initialDelayMs: 20, maxDelayMs: 80 } },
    });
    const runner = await session.runner();
    const started = performance.now();
    const result = await within(5_000, "the turn", runner.turn("after overload"));
    assert.equal(result.assistantText, "echo: after overload");
    assert.equal(session.observed.sent("thread/start").length, 4, "three refused attempts and one that worked");
    // Backoff with equal jitter: at least half of 20 + 40 + 80 ms.
    assert.ok(performance.now() - started >= 70, "the retries were spaced out");
  });

  it("'Server overloaded' on every attempt: OVERLOADED after maxAttempts, and the backend stays usable", async () => {
    await using session = await startFakeSession({
      scenario: "overloaded=always",
      backend: { overloadRetry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 20 } },
    });
    const runner = await session.runner();
    const { error } = await rejectsWithin(runner.turn("never gets a thread"), 3_000, "OVERLOADED");
    assert.ok(error instanceof RpcError);
    assert.equal(error.rpcCode, -32001);
    assert.equal(error.rpcMessage, "Server overloaded; retry later.");
    assert.equal(session.observed.sent("thread/start").length, 3);
    assert.equal(session.factory.backend.state, "running");
    assert.equal(runner.busy, false, "the runner is free for another turn");
  });
});
