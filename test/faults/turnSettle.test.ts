/**
 * A turn never outlives what its caller was told, and two writers never share a thread (fake
 * app-server): no turn/start after a deadline or abort; a late turn/start answer is interrupted
 * and settled before the next turn; leaving a stream early settles the turn first; a stream
 * yields only its own turn's deltas; a second runner on a routed thread is refused; close()
 * interrupts, lets go of the thread and refuses later turns.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CodexAgentRunner } from "../../src/codex/codexAgentRunner.ts";
import { rejectsWithin, startFakeSession, within, type FakeSession } from "./faultHarness.ts";

const promptOf = (message: Record<string, unknown>) => ((message.params as { input: { text: string }[] }).input[0]!.text);

describe("a turn never outlives what its caller was told (fake app-server)", { timeout: 60_000 }, () => {
  let session: FakeSession;
  before(async () => {
    session = await startFakeSession({ scenario: "refuse-concurrent-turn" });
  });
  after(async () => {
    await session?.dispose();
  });

  for (const how of ["abort", "deadline"] as const) {
    it(`${how} while turn/start's answer is late: the late turn is interrupted and has completed before the next turn/start`, async () => {
      const runner = await session.runner({ interruptSettleSeconds: 0.3 });
      await within(5_000, "a first turn", runner.turn("warm up"));
      const prompt = `fault:slow-start=600,hang,${how}`;
      const abort = new AbortController();
      const late = runner.turn(prompt, how === "abort" ? { signal: abort.signal } : { timeoutSeconds: 0.2 });
      await within(5_000, "turn/start written", session.observed.message((r) => r.direction === "c2s" && r.message.method === "turn/start" && promptOf(r.message) === prompt));
      abort.abort();
      const { error } = await rejectsWithin(late, 4_000, how === "abort" ? "ABORTED" : "TURN_TIMEOUT");
      assert.doesNotMatch(error.message, /retired/, "a live server is not retired");
      const nextPrompt = `after the late start (${how})`;
      const next = await within(5_000, "the next turn", runner.turn(nextPrompt));
      assert.equal(next.assistantText, `echo: ${nextPrompt}`);

      const traffic = session.observed.traffic;
      const lateRequest = traffic.find((r) => r.direction === "c2s" && r.message.method === "turn/start" && promptOf(r.message) === prompt)!;
      const lateAnswer = traffic.find((r) => r.direction === "s2c" && r.message.id === lateRequest.message.id && r.message.method === undefined);
      assert.ok(lateAnswer, "the late turn/start was answered");
      const orphanId = (lateAnswer.message.result as { turn: { id: string } }).turn.id;
      const interruptAt = traffic.findIndex((r) => r.direction === "c2s" && r.message.method === "turn/interrupt" && (r.message.params as { turnId: string }).turnId === orphanId);
      const completedAt = traffic.findIndex((r) => r.direction === "s2c" && r.message.method === "turn/completed" && (r.message.params as { turn: { id: string } }).turn.id === orphanId);
      const nextStartAt = traffic.findIndex((r) => r.direction === "c2s" && r.message.method === "turn/start" && promptOf(r.message) === nextPrompt);
      assert.ok(interruptAt >= 0, "the late-answered turn was interrupted");
      assert.ok(completedAt >= 0 && completedAt < nextStartAt, "it completed before the next turn/start was sent");
    });
  }

  it("deadline while thread/start is slow: no turn/start is ever sent for that turn", async () => {
    await using slow = await startFakeSession({ scenario: "slow-thread-start=700" });
    const runner = await slow.runner({ interruptSettleSeconds: 0.2 });
    await rejectsWithin(runner.turn("too late", { timeoutSeconds: 0.2 }), 3_000, "TURN_TIMEOUT");
    await within(5_000, "the thread/start answer", slow.observed.message((r) => r.direction === "s2c" && (r.message.result as { thread?: unknown } | undefined)?.thread !== undefined));
    const next = await within(5_000, "the next turn", runner.turn("in time"));
    assert.equal(next.assistantText, "echo: in time");
    assert.deepEqual(slow.observed.sent("turn/start").map(promptOf), ["in time"], "the timed-out turn never started");
    assert.equal(slow.observed.sent("thread/start").length, 1, "the thread started in the background is the one used");
  });

  it("leaving a turnStream loop early resolves once the turn has settled: the next turn() runs at once", async () => {
    const runner = await session.runner({ interruptSettleSeconds: 2 });
    let deltas = 0;
    for await (const chunk of runner.turnStream("fault:hang")) {
      if (chunk.type === "delta") {
        deltas++;
        break;
      }
    }
    assert.equal(deltas, 1);
    assert.equal(runner.busy, false, "the loop returned with the turn settled");
    const next = await within(5_000, "the next turn", runner.turn("after the stream"));
    assert.equal(next.assistantText, "echo: after the stream");
  });

  it("a stream yields only its own turn's deltas, even those that came before its turn id", async () => {
    const runner = await session.runner();
    const deltas: string[] = [];
    let result: string | undefined;
    for await (const chunk of runner.turnStream("fault:stray-delta")) {
      if (chunk.type === "delta") deltas.push(chunk.delta);
      if (chunk.type === "result") result = chunk.result.assistantText;
    }
    assert.equal(result, "echo: fault:stray-delta");
    assert.deepEqual(deltas, ["echo: fault:stray-delta"]);
  });
});

describe("two writers on one thread (fake app-server)", { timeout: 60_000 }, () => {
  let session: FakeSession;
  before(async () => {
    session = await startFakeSession();
  });
  after(async () => {
    await session?.dispose();
  });

  it("a second runner on a thread routed here is refused at once with THREAD_BUSY; after close() it may resume", async () => {
    const first = await session.runner();
    const { threadId } = await within(5_000, "a first turn", first.turn("one"));
    const resumesBefore = session.observed.sent("thread/resume").length;
    const { error } = await rejectsWithin(session.runner({ resumeThreadId: threadId }), 500, "THREAD_BUSY");
    assert.match(error.message, /close\(\)/);
    assert.equal(session.observed.sent("thread/resume").length, resumesBefore, "nothing was sent for the refused runner");

    await within(5_000, "close()", first.close());
    assert.deepEqual(session.observed.sent("thread/unsubscribe").map((m) => m.params), [{ threadId }]);
    await rejectsWithin(first.turn("after close"), 500, "CLOSED");
    await within(1_000, "close() again", first.close());

    const second = await session.runner({ resumeThreadId: threadId });
    const result = await within(5_000, "a turn of the resuming runner", second.turn("two"));
    assert.equal(result.threadId, threadId);
    assert.equal(result.assistantText, "echo: two");
  });

  it("close() during a running turn: the turn is interrupted and rejects CLOSED; close() resolves once it has settled", async () => {
    const runner = await session.runner();
    const seen = session.observed.traffic.length;
    const turn = runner.turn("fault:hang", { timeoutSeconds: 30 });
    const traffic = session.observed.traffic;
    await within(5_000, "the turn started", session.observed.message((r) => traffic.indexOf(r) >= seen && r.direction === "s2c" && r.message.method === "turn/started"));
    const interruptsBefore = session.observed.sent("turn/interrupt").length;
    const closedTurn = rejectsWithin(turn, 5_000, "CLOSED");
    await within(5_000, "close()", runner.close());
    await closedTurn;
    assert.equal(session.observed.sent("turn/interrupt").length, interruptsBefore + 1);
    assert.equal(runner.busy, false);
  });

  it("two runners resuming the same thread before either has loaded it: the second is refused at once", async () => {
    const owner = await session.runner();
    const { threadId } = await within(5_000, "a turn", owner.turn("make a thread"));
    await owner.close();
    const first = await session.runner({ resumeThreadId: threadId });
    await rejectsWithin(session.runner({ resumeThreadId: threadId }), 500, "THREAD_BUSY");
    assert.equal((await within(5_000, "the first resumer's turn", first.turn("resumed"))).threadId, threadId);
    await first.close();
  });

  it("a runner constructed directly on a routed thread is refused too", async () => {
    const first = await session.runner();
    const { threadId } = await within(5_000, "a turn", first.turn("x"));
    assert.throws(() => new CodexAgentRunner(session.factory.backend, { workingDirectory: process.cwd() }, { resumeThreadId: threadId }), { code: "THREAD_BUSY" });
    await first[Symbol.asyncDispose]();
  });
});
