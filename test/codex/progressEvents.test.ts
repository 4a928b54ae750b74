import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isLiveEvent, liveEventOf, progressChunkOf } from "../../src/codex/progressEvents.ts";

const scoped = { threadId: "t", turnId: "turn-1" };

describe("progressEvents", () => {
  it("maps each live notification to a live event and a stream chunk", () => {
    const cases = [
      { method: "item/started", params: { ...scoped, item: { type: "commandExecution", id: "c1", command: "npm test", cwd: "/w" } } },
      { method: "item/commandExecution/outputDelta", params: { ...scoped, itemId: "c1", delta: "ok\n" } },
      { method: "item/reasoning/summaryTextDelta", params: { ...scoped, itemId: "r1", delta: "Thinking", summaryIndex: 0 } },
      { method: "item/plan/delta", params: { ...scoped, itemId: "p1", delta: "1. do" } },
      { method: "turn/plan/updated", params: { ...scoped, explanation: null, plan: [{ step: "write", status: "inProgress" }] } },
      { method: "turn/diff/updated", params: { ...scoped, diff: "diff --git a/x b/x\n" } },
    ];
    const events = cases.map((notification) => liveEventOf(notification, "turn-1"));
    assert.deepEqual(events.map((event) => event?.kind), ["itemStarted", "commandOutputDelta", "reasoningDelta", "planDelta", "planUpdated", "diffUpdated"]);
    assert.ok(events.every((event) => event && isLiveEvent(event)));
    assert.equal(events[0]?.summary, "$ npm test");
    assert.deepEqual(progressChunkOf(events[0]!), { type: "itemStarted", itemId: "c1", itemType: "commandExecution", event: events[0] });
    assert.deepEqual(progressChunkOf(events[1]!), { type: "progress", kind: "commandOutput", itemId: "c1", delta: "ok\n" });
    assert.deepEqual(progressChunkOf(events[4]!), { type: "progress", kind: "planUpdate", explanation: null, steps: [{ step: "write", status: "inProgress" }] });
    assert.equal(events[5]?.summary, "diff of 1 file");
  });

  it("ignores other turns, completed items and other notifications", () => {
    assert.equal(liveEventOf({ method: "item/commandExecution/outputDelta", params: { ...scoped, turnId: "old", itemId: "c", delta: "x" } }, "turn-1"), undefined);
    assert.equal(liveEventOf({ method: "item/completed", params: { ...scoped, item: { type: "plan", id: "p", text: "" } } }, "turn-1"), undefined);
    assert.equal(progressChunkOf({ kind: "commandExecution", summary: "", metadata: {} }), undefined);
  });
});
