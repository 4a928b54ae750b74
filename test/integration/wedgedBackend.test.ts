/**
 * With the real codex binary: a stopped (SIGSTOP) app-server is retired and replaced, and the
 * conversation carries on there with its history; a slow model on a live server is never
 * retired; a turn's token usage adds up every model call of the turn.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { TrafficDirection } from "../../src/codex/codexBackend.ts";
import { BackendRetiredError, TurnTimeoutError } from "../../src/errors.ts";
import { defaultResponder } from "../../src/testing/loopbackModel.ts";
import { eventually, processAlive, rejectsWithin, within } from "../faults/faultHarness.ts";
import { startRealCodex, type RealCodex } from "../helpers/realCodex.ts";

/** How long the slow model takes to answer: several probe intervals. */
const SLOW_MODEL_MS = 2_000;

describe("a wedged app-server is retired, a slow one is not (real codex)", { timeout: 120_000 }, () => {
  let codex: RealCodex;
  const received: Record<string, unknown>[] = [];
  const sentMethods: string[] = [];
  before(async () => {
    codex = await startRealCodex({
      respond: async (request) => {
        if (request.lastUserText?.startsWith("slow")) await new Promise((resolve) => setTimeout(resolve, SLOW_MODEL_MS));
        if (request.lastUserText?.startsWith("hang")) return { type: "hang" };
        return defaultResponder(request);
      },
      backend: {
        // Probes often, but gives them long: the turn's own deadline finds a stopped server first.
        livenessProbe: { afterSilenceSeconds: 0.3, timeoutSeconds: 10 },
        onTraffic: (direction: TrafficDirection, message: unknown) => {
          if (direction === "s2c") received.push(message as Record<string, unknown>);
          else sentMethods.push(String((message as { method?: unknown }).method));
        },
      },
    });
  });
  after(async () => {
    await codex?.dispose();
  });

  it("SIGSTOP after a turn: the next turn times out saying the server was retired; the one after runs on a new process and the model sees the earlier turn", async () => {
    const runner = await codex.runner({}, { interruptSettleSeconds: 1 });
    const first = await within(20_000, "the first turn", runner.turn("first prompt"));
    const backend = codex.factory.backend;
    const pid = backend.pid!;
    const generations = codex.factory.backendGenerations;
    const gone = backend.onGoneOnce();
    process.kill(pid, "SIGSTOP");
    try {
      const { error } = await rejectsWithin(runner.turn("lost prompt", { timeoutSeconds: 2 }), 10_000, "TURN_TIMEOUT");
      assert.ok(error instanceof TurnTimeoutError);
      assert.ok(error.retiredBecause, "the backend was retired");
      assert.match(error.message, /could not be interrupted: it answered neither turn\/start nor a liveness probe within 1 s/);
      assert.match(error.message, /retired/);
      assert.match(error.message, /next turn runs on a new backend/);
      const goneError = await within(1_000, "onGone", gone);
      assert.ok(goneError instanceof BackendRetiredError);
      assert.equal(goneError.reason, error.retiredBecause);

      const requests = codex.model.requests.length;
      const next = await within(30_000, "the turn after the retire", runner.turn("third prompt"));
      assert.equal(next.threadId, first.threadId, "the same conversation, resumed");
      assert.match(next.assistantText, /^You said: third prompt/);
      assert.notEqual(codex.factory.backend.pid, pid);
      assert.equal(codex.factory.backendGenerations, generations + 1);
      const seen = codex.model.requests.slice(requests).at(-1)!;
      assert.deepEqual(seen.userTexts, ["first prompt", "third prompt"], "the model sees the earlier turn; the lost one never reached the server");
      assert.equal(next.usage?.totalTokens, next.lastCallUsage?.totalTokens, "one model call after the resume: the turn's usage is that call's");

      const other = await codex.runner();
      assert.match((await within(20_000, "a new runner's turn", other.turn("fresh"))).assistantText, /^You said: fresh/);
      await eventually(5_000, `stopped app-server ${pid} gone`, () => !processAlive(pid));
    } finally {
      if (processAlive(pid)) process.kill(pid, "SIGKILL");
    }
  });

  it("SIGSTOP mid-turn: the deadline's interrupt goes unanswered, TURN_TIMEOUT says so; the conversation goes on on a new process", async () => {
    const runner = await codex.runner({}, { interruptSettleSeconds: 1 });
    await within(20_000, "the first turn", runner.turn("before the stop"));
    const pid = codex.factory.backend.pid!;
    const requests = codex.model.requests.length;
    const turn = runner.turn("hang here", { timeoutSeconds: 2 });
    await within(15_000, "the turn reaching the model", codex.model.waitForRequests(requests + 1, 15_000));
    process.kill(pid, "SIGSTOP");
    try {
      const { error } = await rejectsWithin(turn, 10_000, "TURN_TIMEOUT");
      assert.match(error.message, /could not be interrupted: it did not answer turn\/interrupt within 1 s\. It was taken to be wedged and retired/);
      const next = await within(30_000, "the turn after the retire", runner.turn("after the stop"));
      assert.match(next.assistantText, /^You said: after the stop/);
      assert.notEqual(codex.factory.backend.pid, pid);
      await eventually(5_000, `stopped app-server ${pid} gone`, () => !processAlive(pid));
    } finally {
      if (processAlive(pid)) process.kill(pid, "SIGKILL");
    }
  });

  it("a slow model on a live server: probes are answered, the turn completes on the same process", async () => {
    const runner = await codex.runner();
    await within(20_000, "a first turn", runner.turn("warm up"));
    const pid = codex.factory.backend.pid;
    const probesBefore = sentMethods.filter((m) => m === "thread/loaded/list").length;
    const result = await within(20_000, "the slow turn", runner.turn("slow answer please", { timeoutSeconds: 20 }));
    assert.match(result.assistantText, /^You said: slow answer please/);
    assert.equal(codex.factory.backend.pid, pid);
    assert.equal(codex.factory.backend.state, "running");
    assert.ok(sentMethods.filter((m) => m === "thread/loaded/list").length - probesBefore >= 2, "the silence was probed more than once");
  });

  it("a turn that calls a tool: its usage is the sum of its model calls, lastCallUsage the final one", async () => {
    const runner = await codex.runner();
    await within(20_000, "a first turn", runner.turn("before the tool"));
    const from = received.length;
    const result = await within(30_000, "the tool-calling turn", runner.turn("run: echo hi", { timeoutSeconds: 30 }));
    assert.match(result.assistantText, /hi/);
    const updates = received
      .slice(from)
      .filter((m) => m.method === "thread/tokenUsage/updated" && (m.params as { turnId?: string }).turnId === result.turnId)
      .map((m) => (m.params as { tokenUsage: { last: { totalTokens: number } } }).tokenUsage.last.totalTokens);
    assert.ok(updates.length >= 2, `two model calls, two usage updates (got ${updates.length})`);
    const sum = updates.reduce((a, b) => a + b, 0);
    assert.equal(result.usage?.totalTokens, sum);
    assert.equal(result.lastCallUsage?.totalTokens, updates.at(-1));
    const event = result.events.find((e) => e.kind === "tokenUsage")!;
    assert.deepEqual(event.metadata.turn, result.usage);
    assert.match(event.summary, new RegExp(`${sum} total`));
  });
});
