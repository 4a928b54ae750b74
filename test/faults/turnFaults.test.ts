/**
 * Faults during a turn, against the fake app-server: each is triggered by the prompt
 * (`fault:<name>`), so one turn misbehaves and the test then checks what survives: the same
 * runner takes another turn, and other runners on the same backend are unaffected.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CodexAgentRunner } from "../../src/codex/codexAgentRunner.ts";
import { ProtocolError } from "../../src/errors.ts";
import { rejectsWithin, startFakeSession, within, type FakeSession } from "./faultHarness.ts";

/** The texts the fixture sends (kept in step with fakeAppServer.mjs). */
const GARBAGE_LINE_COUNT = 10;
const U2028_TEXT = "line\u2028separator and paragraph\u2029separator inside one string";
const SPLIT_TEXT = "split across many writes: héllo wörld — ✓ 😀 漢字";
const HUGE_MESSAGE_BYTES = 10 * 1024 * 1024;

describe("faults during a turn (fake app-server)", { timeout: 60_000 }, () => {
  let session: FakeSession;
  /** A runner that is not part of the fault, used to show it is unaffected. */
  let bystander: CodexAgentRunner;
  let bystanderTurns = 0;
  before(async () => {
    session = await startFakeSession({ backend: { overloadRetry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 } } });
    bystander = await session.runner();
  });
  after(async () => {
    await session?.dispose();
  });

  /** A turn on the bystander runner, which must be unaffected by whatever just happened. */
  const bystanderStillWorks = async () => {
    const text = `bystander turn ${++bystanderTurns}`;
    const result = await within(5_000, "the bystander's turn", bystander.turn(text));
    assert.equal(result.assistantText, `echo: ${text}`);
  };
  const errorsSince = (count: number) => session.observed.protocolErrors.slice(count);

  it("never sends turn/completed: TURN_TIMEOUT after timeoutSeconds, the turn is interrupted, the runner goes on", async () => {
    const runner = await session.runner();
    const interruptsBefore = session.observed.sent("turn/interrupt").length;
    const { elapsedMs } = await rejectsWithin(runner.turn("fault:hang", { timeoutSeconds: 1 }), 4_000, "TURN_TIMEOUT");
    assert.ok(elapsedMs >= 950, `timed out after ${Math.round(elapsedMs)} ms`);
    assert.equal(session.observed.sent("turn/interrupt").length, interruptsBefore + 1, "turn/interrupt was sent");
    assert.equal((await within(5_000, "the next turn", runner.turn("after the hang"))).assistantText, "echo: after the hang");
    await bystanderStillWorks();
  });

  it("never sends turn/completed even after turn/interrupt: TURN_TIMEOUT after the settle wait; the next turn interrupts it again first", async () => {
    const runner = await session.runner({ interruptSettleSeconds: 0.5 });
    const interruptsBefore = session.observed.sent("turn/interrupt").length;
    const { elapsedMs } = await rejectsWithin(runner.turn("fault:wedged", { timeoutSeconds: 0.5 }), 4_000, "TURN_TIMEOUT");
    assert.ok(elapsedMs >= 950, `rejected after ${Math.round(elapsedMs)} ms: before the deadline plus the settle wait`);
    const result = await within(5_000, "the next turn", runner.turn("after the wedge"));
    assert.equal(result.assistantText, "echo: after the wedge");
    const interrupts = session.observed.sent("turn/interrupt").slice(interruptsBefore);
    assert.equal(interrupts.length, 2, "one at the deadline, one before the next turn");
    const [first, second] = interrupts.map((m) => (m.params as { turnId: string }).turnId);
    assert.equal(first, second, "both interrupts are for the wedged turn");
    assert.notEqual(first, result.turnId);
    await bystanderStillWorks();
  });

  it("garbage lines (not JSON, arrays, numbers, envelopes that break the schema): each reported, the turn completes", async () => {
    const runner = await session.runner();
    const before = session.observed.protocolErrors.length;
    const result = await within(5_000, "the turn", runner.turn("fault:garbage"));
    assert.equal(result.assistantText, "echo: fault:garbage");
    const errors = errorsSince(before);
    assert.equal(errors.length, GARBAGE_LINE_COUNT, errors.map((e) => e.message).join("\n"));
    for (const error of errors) assert.equal(error.code, "PROTOCOL");
    await bystanderStillWorks();
  });

  it("turn/completed that fails its schema (status \"done\"): PROTOCOL at once, then the runner takes another turn", async () => {
    const runner = await session.runner();
    const { error } = await rejectsWithin(runner.turn("fault:bad-status"), 3_000, "PROTOCOL");
    assert.ok(error instanceof ProtocolError);
    assert.equal(error.method, "turn/completed");
    assert.match(error.message, /turn\.status/);
    assert.equal((await within(5_000, "the next turn", runner.turn("after bad status"))).assistantText, "echo: after bad status");
    await bystanderStillWorks();
  });

  it("a 10 MB agentMessage arrives whole", async () => {
    const runner = await session.runner();
    const started = performance.now();
    const result = await within(15_000, "the 10 MB turn", runner.turn("fault:huge-message"));
    assert.equal(result.assistantText.length, HUGE_MESSAGE_BYTES);
    assert.ok(result.assistantText.startsWith("HUGE-START:") && result.assistantText.endsWith(":HUGE-END"));
    assert.ok(performance.now() - started < 10_000, `took ${Math.round(performance.now() - started)} ms`);
    await bystanderStillWorks();
  });

  it("every message split into 3-byte writes (cutting multi-byte characters): the turn completes intact", async () => {
    const runner = await session.runner();
    const result = await within(15_000, "the split turn", runner.turn("fault:split-writes"));
    assert.equal(result.assistantText, `echo: fault:split-writes ${SPLIT_TEXT}`);
    assert.deepEqual(result.events.map((e) => e.kind), ["agentMessage", "tokenUsage"]);
  });

  it("the response and every notification of a turn in one write: the turn completes with its events in order", async () => {
    const runner = await session.runner();
    const result = await within(5_000, "the turn", runner.turn("fault:one-write"));
    assert.equal(result.assistantText, "echo: fault:one-write");
    assert.deepEqual(result.events.map((e) => e.kind), ["agentMessage", "tokenUsage"]);
    assert.equal(result.usage?.totalTokens, 7);
  });

  it("raw U+2028 / U+2029 inside a string: the text arrives unchanged, not split", async () => {
    const runner = await session.runner();
    const before = session.observed.protocolErrors.length;
    const result = await within(5_000, "the turn", runner.turn("fault:u2028"));
    assert.equal(result.assistantText, U2028_TEXT);
    assert.deepEqual(errorsSince(before), []);
  });

  it("a response for a request id never sent: reported, ignored, the turn completes", async () => {
    const runner = await session.runner();
    const before = session.observed.protocolErrors.length;
    const result = await within(5_000, "the turn", runner.turn("fault:unknown-response-id"));
    assert.equal(result.assistantText, "echo: fault:unknown-response-id");
    const errors = errorsSince(before);
    assert.equal(errors.length, 1, errors.map((e) => e.message).join("\n"));
    assert.match(errors[0]!.message, /request id 987654/);
  });

  it("a malformed $/cancelRequest (a method the JSON-RPC library handles itself): reported, no crash, the turn completes", async () => {
    const runner = await session.runner();
    const before = session.observed.protocolErrors.length;
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const result = await within(5_000, "the turn", runner.turn("fault:bad-cancel"));
      assert.equal(result.assistantText, "echo: fault:bad-cancel");
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    assert.deepEqual(uncaught, []);
    const errors = errorsSince(before);
    assert.equal(errors.length, 1, errors.map((e) => e.message).join("\n"));
    assert.equal(errors[0]!.method, "$/cancelRequest");
  });

  it("notifications for a thread nobody owns: dropped, and they end no one's turn", async () => {
    const runner = await session.runner();
    const before = session.observed.protocolErrors.length;
    const result = await within(5_000, "the turn", runner.turn("fault:foreign-thread"));
    assert.equal(result.assistantText, "echo: fault:foreign-thread");
    assert.ok(!JSON.stringify(result.events).includes("FOREIGN TEXT"));
    assert.deepEqual(errorsSince(before), []);
    await bystanderStillWorks();
  });

  it("a server request with an unknown method: answered with a JSON-RPC error (never silence), the turn goes on", async () => {
    const runner = await session.runner();
    const result = await within(5_000, "the turn (the fake waits for the answer)", runner.turn("fault:unknown-server-request"));
    const answer = session.observed.traffic.find(
      (t) => t.direction === "c2s" && t.message.method === undefined && "error" in t.message && result.assistantText.includes(`"id":${JSON.stringify(t.message.id)}`),
    );
    assert.ok(answer, `no error answer in the traffic; the fake saw: ${result.assistantText}`);
    const error = answer.message.error as { code: number; message: string };
    assert.equal(error.code, -32601);
    assert.match(error.message, /fake\/unknownServerMethod/);
    assert.match(result.assistantText, /^server request answered: .*"code":-32601/);
  });

  it("turn/completed sent twice (and again during the next turn): the duplicate ends nothing", async () => {
    const runner = await session.runner();
    const first = await within(5_000, "the first turn", runner.turn("fault:duplicate-completed"));
    assert.equal(first.assistantText, "echo: fault:duplicate-completed");
    // The fake repeats the first turn's turn/completed before this turn's notifications.
    const second = await within(5_000, "the second turn", runner.turn("fault:duplicate-completed,hang", { timeoutSeconds: 1 }).catch((error: unknown) => error));
    assert.ok(second instanceof Error && (second as { code?: string }).code === "TURN_TIMEOUT", `the stale turn/completed ended the second turn: ${JSON.stringify(second)}`);
    const third = await within(5_000, "the third turn", runner.turn("plain"));
    assert.equal(third.assistantText, "echo: plain");
    assert.equal(third.events.filter((e) => e.kind === "agentMessage").length, 1);
  });
});
