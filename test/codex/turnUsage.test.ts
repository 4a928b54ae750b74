/** A turn's token usage: the growth of the thread's `total` over the turn, whatever the number of model calls. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TurnRecorder } from "../../src/codex/turnRecorder.ts";
import type { TokenUsageBreakdown } from "../../src/protocol/common.ts";
import type { ServerNotification } from "../../src/protocol/serverNotifications.ts";

const T = "thread-1";
const U = "turn-1";
const tokens = (input: number, output: number): TokenUsageBreakdown => ({
  inputTokens: input,
  cachedInputTokens: 0,
  outputTokens: output,
  reasoningOutputTokens: 0,
  totalTokens: input + output,
});
const update = (total: TokenUsageBreakdown, last: TokenUsageBreakdown): ServerNotification => ({
  method: "thread/tokenUsage/updated",
  params: { threadId: T, turnId: U, tokenUsage: { total, last } },
});
const completedTurn: ServerNotification = { method: "turn/completed", params: { threadId: T, turn: { id: U, status: "completed", items: [] } } };

describe("turn usage", () => {
  it("two model calls of 18 tokens after 100 earlier ones: the turn used 36, its last call 18", () => {
    const recorder = new TurnRecorder();
    recorder.setTurnId(U);
    recorder.setUsageBaseline(tokens(80, 20));
    recorder.accept(update(tokens(93, 25), tokens(13, 5)));
    recorder.accept(update(tokens(106, 30), tokens(13, 5)));
    recorder.accept(completedTurn);
    assert.deepEqual(recorder.turnUsage, tokens(26, 10));
    assert.deepEqual(recorder.tokenUsage?.last, tokens(13, 5));
    const event = recorder.result().events.find((e) => e.kind === "tokenUsage")!;
    assert.deepEqual(event.metadata.turn, tokens(26, 10));
    assert.match(event.summary, /^26 in .* 10 out .* 36 total$/);
  });

  it("no known baseline (a new or just resumed thread): the first update's total minus its last", () => {
    const recorder = new TurnRecorder();
    recorder.setTurnId(U);
    recorder.accept(update(tokens(93, 25), tokens(13, 5)));
    recorder.accept(update(tokens(106, 30), tokens(13, 5)));
    assert.deepEqual(recorder.turnUsage, tokens(26, 10));
  });

  it("no update at all: no usage", () => {
    const recorder = new TurnRecorder();
    recorder.setTurnId(U);
    recorder.accept(completedTurn);
    assert.equal(recorder.turnUsage, undefined);
    assert.equal(recorder.result().events.length, 0);
  });
});
