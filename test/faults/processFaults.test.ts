/**
 * Faults of the app-server process itself, against the fake: it exits mid-turn, closes its
 * stdout while stderr stays open, closes its stdin (EPIPE on our writes), ignores end of input
 * or SIGTERM; and the client side: close() during a turn, close() twice, a turn after close().
 * Every pending turn rejects at once with the right code, nothing is left running, and the
 * factory carries on with a new process.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CodexBackend } from "../../src/codex/codexBackend.ts";
import { BackendExitedError } from "../../src/errors.ts";
import { fakeBackendConfig, processAlive, rejectsWithin, startFakeSession, within } from "./faultHarness.ts";

describe("faults of the app-server process (fake app-server)", { timeout: 60_000 }, () => {
  it("exits mid-turn: every pending turn rejects BACKEND_EXITED at once with the exit code and stderr; runners resume on a new process", async () => {
    await using session = await startFakeSession();
    const crashing = await session.runner();
    const waiting = await session.runner();
    await within(5_000, "first turn", crashing.turn("hello"));
    const threadId = crashing.threadId!;
    const firstPid = session.factory.backend.pid!;
    const hanging = waiting.turn("fault:hang", { timeoutSeconds: 30 });
    const [crash, other] = await Promise.all([
      rejectsWithin(crashing.turn("fault:exit-mid-turn", { timeoutSeconds: 30 }), 5_000, "BACKEND_EXITED"),
      rejectsWithin(hanging, 5_000, "BACKEND_EXITED"),
    ]);
    assert.ok(crash.error instanceof BackendExitedError);
    assert.equal(crash.error.exitCode, 7);
    assert.equal(crash.error.signal, null);
    assert.match(crash.error.stderrTail, /panicked mid-turn: simulated crash/);
    assert.match(crash.error.message, /exit code 7/);
    assert.equal(other.error, crash.error, "the other runner's turn failed with the same error");
    assert.equal(processAlive(firstPid), false);

    const resumed = await within(5_000, "a turn after the crash", crashing.turn("after the crash"));
    assert.equal(resumed.assistantText, "echo: after the crash");
    assert.equal(resumed.threadId, threadId, "the conversation goes on");
    assert.deepEqual(session.observed.sent("thread/resume").map((m) => (m.params as { threadId: string }).threadId), [threadId]);
    assert.notEqual(session.factory.backend.pid, firstPid);
    assert.equal(session.factory.backendGenerations, 2);
    assert.equal((await within(5_000, "the other runner", waiting.turn("me too"))).assistantText, "echo: me too");
  });

  it("closes stdout while stderr stays open: pending work rejects BACKEND_EXITED, and the process is stopped", async () => {
    await using session = await startFakeSession();
    const runner = await session.runner();
    await within(5_000, "first turn", runner.turn("hello"));
    const pid = session.factory.backend.pid!;
    const { error } = await rejectsWithin(runner.turn("fault:close-stdout", { timeoutSeconds: 30 }), 5_000, "BACKEND_EXITED");
    assert.match((error as BackendExitedError).stderrTail, /closed stdout, stderr still open/);
    assert.equal(processAlive(pid), false);
    assert.equal((await within(5_000, "a turn on a new process", runner.turn("again"))).assistantText, "echo: again");
  });

  it("closes its stdin early (EPIPE on our writes): no crash, the turn rejects BACKEND_EXITED, the process is stopped", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    process.on("unhandledRejection", onUncaught);
    try {
      await using session = await startFakeSession({ scenario: "close-stdin" });
      const pid = session.factory.backend.pid!;
      // The fake closes stdin once it has seen `initialized`; wait for its word on stderr.
      await within(5_000, "the fake closing its stdin", session.observed.stderrLine(/closed its stdin/));
      const runner = await session.runner();
      const { error } = await rejectsWithin(runner.turn("into a closed pipe", { timeoutSeconds: 30 }), 5_000, "BACKEND_EXITED");
      assert.match(error.message, /exited/);
      assert.equal(processAlive(pid), false);
    } finally {
      process.off("uncaughtException", onUncaught);
      process.off("unhandledRejection", onUncaught);
    }
    assert.deepEqual(uncaught, []);
  });

  it("close() during a running turn: the turn rejects CLOSED at once, the process is gone; close() twice is fine; a turn after close() rejects CLOSED", async () => {
    const session = await startFakeSession();
    const runner = await session.runner();
    await within(5_000, "first turn", runner.turn("hello"));
    const pid = session.factory.backend.pid!;
    const running = runner.turn("fault:hang", { timeoutSeconds: 30 });
    const closing = [session.factory.close(), session.factory.close()];
    await rejectsWithin(running, 3_000, "CLOSED");
    await within(3_000, "both close() calls", Promise.all(closing));
    assert.equal(processAlive(pid), false);
    await within(1_000, "a third close()", session.factory.close());
    await rejectsWithin(runner.turn("after close"), 500, "CLOSED");
    const other = await session.runner().catch((error: unknown) => error);
    assert.equal((other as { code?: string }).code, "CLOSED");
  });

  it("close() while start() is still waiting for initialize: both settle, no process left", async () => {
    const { config } = fakeBackendConfig({ scenario: "no-initialize", backend: { startTimeoutSeconds: 30 } });
    const backend = new CodexBackend(config);
    const starting = backend.start();
    // The process is spawned synchronously inside start().
    const pid = backend.pid!;
    assert.equal(typeof pid, "number");
    const started = performance.now();
    await within(5_000, "close()", backend.close());
    const outcome = await within(1_000, "start()", starting.then(() => "resolved", (error: { code?: string }) => error.code));
    assert.ok(outcome === "CLOSED" || outcome === "BACKEND_START", `start() ended with ${outcome}`);
    assert.ok(performance.now() - started < 5_000);
    assert.equal(processAlive(pid), false);
  });

  it("a server that ignores end of input is stopped with SIGTERM after the grace period", async () => {
    await using session = await startFakeSession({ scenario: "ignore-eof" });
    const backend = session.factory.backend;
    const pid = backend.pid!;
    const started = performance.now();
    await within(6_000, "close()", session.factory.close());
    const elapsed = performance.now() - started;
    assert.equal(backend.exitInfo?.signal, "SIGTERM");
    assert.ok(elapsed >= 1_900 && elapsed < 4_500, `closed after ${Math.round(elapsed)} ms`);
    assert.equal(processAlive(pid), false);
  });

  it("a server that ignores end of input and SIGTERM is killed with SIGKILL", async () => {
    await using session = await startFakeSession({ scenario: "ignore-eof,ignore-sigterm" });
    const backend = session.factory.backend;
    const pid = backend.pid!;
    await within(8_000, "close()", session.factory.close());
    assert.equal(backend.exitInfo?.signal, "SIGKILL");
    assert.match(backend.exitInfo?.stderrTail ?? "", /ignoring SIGTERM/);
    assert.equal(processAlive(pid), false);
  });
});

