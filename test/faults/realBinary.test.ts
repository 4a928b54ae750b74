/**
 * Faults with the real codex binary (the pinned @openai/codex) against the model on loopback:
 * SIGKILL of the app-server mid-turn, mid-request (during thread/start) and while idle;
 * close() during a running turn, close() twice, a turn after close(). Every pending turn
 * rejects at once with the right code, the factory starts a new process and conversations
 * resume on it, and no process is left behind.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CodexAgentSessionFactory } from "../../src/codex/codexAgentSessionFactory.ts";
import type { TrafficDirection } from "../../src/codex/codexBackend.ts";
import { BackendExitedError } from "../../src/errors.ts";
import { defaultResponder } from "../../src/testing/loopbackModel.ts";
import { startRealCodex, type RealCodex } from "../helpers/realCodex.ts";
import { eventually, processAlive, rejectsWithin, within } from "./faultHarness.ts";

describe("faults with the real codex binary", { timeout: 90_000 }, () => {
  let codex: RealCodex;
  /** Called with every message the client writes; a test sets it to act at an exact moment. */
  let onClientMessage: ((message: Record<string, unknown>) => void) | undefined;
  before(async () => {
    codex = await startRealCodex({
      respond: (request) => (request.lastUserText?.startsWith("hang") ? { type: "hang" } : defaultResponder(request)),
      backend: {
        onTraffic: (direction: TrafficDirection, message: unknown) => {
          if (direction === "c2s") onClientMessage?.(message as Record<string, unknown>);
        },
      },
    });
  });
  after(async () => {
    onClientMessage = undefined;
    await codex?.dispose();
  });

  /** The running backend's pid (starting a new backend if the last one was killed). */
  const livePid = async () => {
    await within(20_000, "a running backend", codex.factory.start());
    return codex.factory.backend.pid!;
  };

  it("SIGKILL mid-turn: every running turn rejects BACKEND_EXITED (signal SIGKILL) at once; the conversation resumes on a new process", async () => {
    const runner = await codex.runner();
    const other = await codex.runner();
    const first = await within(20_000, "first turn", runner.turn("before the kill"));
    const pid = await livePid();
    const requests = codex.model.requests.length;
    const turn = runner.turn("hang here", { timeoutSeconds: 60 });
    const otherTurn = other.turn("hang too", { timeoutSeconds: 60 });
    await within(15_000, "both turns reaching the model", codex.model.waitForRequests(requests + 2, 15_000));
    process.kill(pid, "SIGKILL");
    const [killed, alsoKilled] = await Promise.all([rejectsWithin(turn, 5_000, "BACKEND_EXITED"), rejectsWithin(otherTurn, 5_000, "BACKEND_EXITED")]);
    assert.ok(killed.error instanceof BackendExitedError);
    assert.equal(killed.error.signal, "SIGKILL");
    assert.equal(killed.error.exitCode, null);
    assert.equal(alsoKilled.error, killed.error);
    assert.equal(processAlive(pid), false);

    const resumed = await within(30_000, "a turn after the kill", runner.turn("after the kill"));
    assert.equal(resumed.threadId, first.threadId, "the same conversation, resumed on the new process");
    assert.match(resumed.assistantText, /^You said: after the kill/);
    assert.notEqual(codex.factory.backend.pid, pid);
  });

  it("SIGKILL mid-request (thread/start written, not answered): the turn rejects BACKEND_EXITED; the runner then starts its thread on a new process", async () => {
    const pid = await livePid();
    const runner = await codex.runner();
    onClientMessage = (message) => {
      if (message.method === "thread/start") {
        onClientMessage = undefined;
        process.kill(pid, "SIGKILL");
      }
    };
    const { error } = await rejectsWithin(runner.turn("never started"), 5_000, "BACKEND_EXITED");
    assert.equal((error as BackendExitedError).signal, "SIGKILL");
    assert.equal(runner.threadId, undefined);
    const result = await within(30_000, "a turn on a new process", runner.turn("second try"));
    assert.match(result.assistantText, /^You said: second try/);
    assert.notEqual(codex.factory.backend.pid, pid);
  });

  it("SIGKILL while idle: the backend reports BACKEND_EXITED at once, and the next turn of an existing runner runs on a new process", async () => {
    const runner = await codex.runner();
    await within(20_000, "first turn", runner.turn("warm up"));
    const backend = codex.factory.backend;
    const pid = backend.pid!;
    const gone = backend.onGoneOnce();
    process.kill(pid, "SIGKILL");
    const error = await within(5_000, "the backend noticing the kill", gone);
    assert.equal(error.code, "BACKEND_EXITED");
    assert.equal((error as BackendExitedError).signal, "SIGKILL");
    assert.equal(backend.state, "exited");
    const result = await within(30_000, "a turn after the idle kill", runner.turn("still there?"));
    assert.match(result.assistantText, /^You said: still there\?/);
    assert.notEqual(codex.factory.backend.pid, pid);
  });

  it("close() during a running turn: CLOSED at once, no process left; close() twice resolves; a turn after close() rejects CLOSED", async () => {
    const factory = new CodexAgentSessionFactory({ env: codex.home.env });
    try {
      const runner = await within(20_000, "a runner", factory.runner({ workingDirectory: codex.home.workDir }));
      const pid = factory.backend.pid!;
      const requests = codex.model.requests.length;
      const turn = runner.turn("hang until closed", { timeoutSeconds: 60 });
      await within(15_000, "the turn reaching the model", codex.model.waitForRequests(requests + 1, 15_000));
      const started = performance.now();
      const closes = [factory.close(), factory.close()];
      await rejectsWithin(turn, 3_000, "CLOSED");
      await within(6_000, "both close() calls", Promise.all(closes));
      assert.ok(performance.now() - started < 6_000);
      assert.equal(processAlive(pid), false, "the app-server is gone once close() resolves");
      await within(1_000, "close() once more", factory.close());
      await rejectsWithin(runner.turn("after close"), 500, "CLOSED");
      await rejectsWithin(factory.runner({ workingDirectory: codex.home.workDir }), 500, "CLOSED");
    } finally {
      await factory.close();
    }
  });

  it("close() while thread/start is pending: the turn rejects CLOSED, the process is gone", async () => {
    const factory = new CodexAgentSessionFactory({
      env: codex.home.env,
      onTraffic: (direction, message) => {
        if (direction === "c2s" && (message as { method?: string }).method === "thread/start") void factory.close();
      },
    });
    try {
      const runner = await within(20_000, "a runner", factory.runner({ workingDirectory: codex.home.workDir }));
      const pid = factory.backend.pid!;
      await rejectsWithin(runner.turn("closed before it starts"), 3_000, "CLOSED");
      await within(6_000, "close()", factory.close());
      await eventually(1_000, `app-server ${pid} gone`, () => !processAlive(pid));
    } finally {
      await factory.close();
    }
  });
});
