import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AgentTurnEvent } from "../../src/agent/port.ts";
import { TurnRecorder } from "../../src/codex/turnRecorder.ts";
import type { ServerNotification } from "../../src/protocol/serverNotifications.ts";

const T = "thread-1";
const U = "turn-1";
const n = (method: string, params: Record<string, unknown>): ServerNotification => ({ method, params });
const completed = (item: Record<string, unknown>, turnId = U) => n("item/completed", { threadId: T, turnId, item, completedAtMs: 1 });
const usage = { inputTokens: 10, cachedInputTokens: 2, outputTokens: 5, reasoningOutputTokens: 1, totalTokens: 15 };

describe("TurnRecorder", () => {
  it("builds one event per completed item, then tokenUsage, and picks the final answer", () => {
    const live: AgentTurnEvent[] = [];
    const recorder = new TurnRecorder((event) => live.push(event));
    assert.equal(recorder.setTurnId(U), "ignored");
    recorder.accept(completed({ type: "userMessage", id: "u1", content: [{ type: "text", text: "hi" }] }));
    recorder.accept(completed({ type: "agentMessage", id: "a1", text: "Let me look.", phase: "commentary" }));
    recorder.accept(
      completed({ type: "commandExecution", id: "c1", command: "echo hi", cwd: "/w", status: "completed", commandActions: [], exitCode: 0, aggregatedOutput: "hi\n", durationMs: 12 }),
    );
    recorder.accept(
      completed({ type: "fileChange", id: "f1", status: "completed", changes: [{ path: "/w/a.txt", kind: { type: "add" }, diff: "+a" }] }),
    );
    recorder.accept(
      completed({ type: "mcpToolCall", id: "m1", server: "docs", tool: "search", status: "completed", arguments: { q: "x" }, result: { content: [] } }),
    );
    recorder.accept(completed({ type: "agentMessage", id: "a2", text: "Done: hi", phase: "final_answer" }));
    recorder.accept(completed({ type: "agentMessage", id: "a3", text: "(a trailing note)", phase: "commentary" }));
    recorder.accept(n("thread/tokenUsage/updated", { threadId: T, turnId: U, tokenUsage: { last: usage, total: usage } }));
    const outcome = recorder.accept(n("turn/completed", { threadId: T, turn: { id: U, status: "completed", items: [] } }));
    assert.equal(outcome, "completed");

    const result = recorder.result();
    assert.equal(result.assistantText, "Done: hi");
    assert.deepEqual(result.events.map((e) => e.kind), [
      "userMessage", "agentMessage", "commandExecution", "fileChange", "mcpToolCall", "agentMessage", "agentMessage", "tokenUsage",
    ]);
    assert.deepEqual(live, result.events);
    const command = result.events[2]!;
    assert.deepEqual(command.metadata, { itemId: "c1", command: "echo hi", cwd: "/w", status: "completed", exitCode: 0, durationMs: 12, output: "hi\n" });
    assert.match(command.summary, /echo hi.*exit 0/);
    assert.deepEqual(result.events[3]!.metadata.paths, ["/w/a.txt"]);
    assert.equal((result.events[3]!.metadata.changes as { kind: string }[])[0]!.kind, "add");
    assert.deepEqual(result.events[4]!.metadata.arguments, { q: "x" });
    assert.equal(result.events[4]!.metadata.server, "docs");
    assert.equal(result.events[7]!.metadata.last, usage);
  });

  it("falls back to the last agent message when no phase says final", () => {
    const recorder = new TurnRecorder();
    recorder.setTurnId(U);
    recorder.accept(completed({ type: "agentMessage", id: "a1", text: "one" }));
    recorder.accept(completed({ type: "agentMessage", id: "a2", text: "two" }));
    assert.equal(recorder.result().assistantText, "two");
  });

  it("keeps notifications that arrive before the turn id, and drops those of other turns", () => {
    const recorder = new TurnRecorder();
    recorder.accept(completed({ type: "agentMessage", id: "old", text: "stale" }, "turn-0"));
    recorder.accept(completed({ type: "agentMessage", id: "a1", text: "early" }));
    recorder.accept(n("turn/completed", { threadId: T, turn: { id: "turn-0", status: "interrupted", items: [] } }));
    assert.equal(recorder.completed, undefined);
    recorder.setTurnId(U);
    assert.equal(recorder.result().assistantText, "early");
    assert.equal(recorder.completed, undefined, "turn-0's completion must not end turn-1");
    assert.equal(recorder.setTurnId(U), "ignored");
  });

  it("records error and warning events, and items of unknown types", () => {
    const recorder = new TurnRecorder();
    recorder.setTurnId(U);
    recorder.accept(n("error", { threadId: T, turnId: U, willRetry: true, error: { message: "stream dropped", codexErrorInfo: "other" } }));
    recorder.accept(n("warning", { threadId: T, message: "careful" }));
    recorder.accept(completed({ type: "sleep", id: "s1", durationMs: 5 }));
    const events = recorder.result().events;
    assert.deepEqual(events.map((e) => e.kind), ["error", "warning", "sleep"]);
    assert.match(events[0]!.summary, /stream dropped \(retrying\)/);
    assert.equal(events[2]!.metadata.durationMs, 5);
  });

  it("ignores everything after turn/completed", () => {
    const recorder = new TurnRecorder();
    recorder.setTurnId(U);
    recorder.accept(n("turn/completed", { threadId: T, turn: { id: U, status: "completed", items: [] } }));
    assert.equal(recorder.accept(n("turn/completed", { threadId: T, turn: { id: U, status: "completed", items: [] } })), "ignored");
    assert.equal(recorder.accept(completed({ type: "agentMessage", id: "late", text: "late" })), "ignored");
    assert.equal(recorder.result().events.length, 0);
  });
});
