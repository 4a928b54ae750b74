/**
 * Results of `backend.request()` are read leniently for what a newer codex ADDS (0.171 is a
 * supported version, the schema is 0.169's): new enum values, new variants of tagged unions, a
 * plain object turned into a tagged union. What breaks a client still fails: a missing required
 * field, a known field of the wrong type, a known variant missing its fields. Params stay strict.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stableRequestValidators } from "../../src/codex/stableRequestSchema.ts";

const validators = stableRequestValidators();

function turn(overrides: Record<string, unknown> = {}, items: unknown[] = []): Record<string, unknown> {
  return { id: "turn-1", status: "completed", items, error: null, durationMs: 12, ...overrides };
}
function turnsPage(...turns: unknown[]): unknown {
  return { data: turns, nextCursor: null };
}
const agentMessage = (extra: Record<string, unknown> = {}) => ({ type: "agentMessage", id: "item-1", text: "Hi", ...extra });
const accepts = (result: unknown, method = "thread/turns/list") => assert.equal(validators.checkResult(method, result), undefined);
const refuses = (result: unknown, pattern: RegExp, method = "thread/turns/list") => {
  const problem = validators.checkResult(method, result);
  assert.notEqual(problem, undefined, "the result should have been refused");
  assert.match(problem!, pattern);
};

describe("results from a newer codex", () => {
  it("accept an enum value the pinned schema does not know (0.171's CodexErrorInfo bioPolicy)", () => {
    accepts(turnsPage(turn({ status: "failed", error: { message: "blocked", codexErrorInfo: "bioPolicy" } })));
    // A new enum value of a plain enum, too (TurnStatus).
    accepts(turnsPage(turn({ status: "paused" })));
    // A new externally tagged variant of CodexErrorInfo.
    accepts(turnsPage(turn({ status: "failed", error: { message: "x", codexErrorInfo: { quotaRefilled: { at: 1 } } } })));
  });

  it("accept a new variant of a tagged union (a new ThreadItem type, a new ThreadStatus)", () => {
    accepts(turnsPage(turn({}, [agentMessage(), { type: "hologram", id: "item-2", frames: 3 }])));
    const thread = { id: "t", preview: "", ephemeral: false, modelProvider: "p", createdAt: 1, updatedAt: 1, cwd: "/w", cliVersion: "0.171.0", source: "vscode", sessionId: "t", projectId: null, turns: [] };
    accepts({ data: [{ ...thread, status: { type: "hibernating" } }], nextCursor: null }, "thread/list");
    refuses({ data: [{ ...thread, status: { type: "active" } }], nextCursor: null }, /\/data\/0\/status/, "thread/list");
  });

  it("accept 0.171's AgentMessageDisplay, a plain object made a union tagged on `mode`", () => {
    const display = { mode: "hide", replacement: { text: "[hidden]" }, version: 1 };
    accepts(turnsPage(turn({}, [agentMessage({ moderation: { moderated: true, display } })])));
    // 0.169's shape still passes; 0.169's shape without its required `action` does not.
    accepts(turnsPage(turn({}, [agentMessage({ moderation: { moderated: true, display: { action: "show" } } })])));
    refuses(turnsPage(turn({}, [agentMessage({ moderation: { moderated: true, display: { blockType: "x" } } })])), /action|must match/);
  });

  it("still refuse a missing required field or a known field of the wrong type", () => {
    const { id: _dropped, ...withoutId } = turn();
    refuses(turnsPage(withoutId), /\/data\/0\/id is missing/);
    refuses({ nextCursor: null }, /\/data is missing/);
    refuses(turnsPage(turn({ durationMs: "twelve" })), /durationMs/);
    refuses(turnsPage(turn({ status: 7 })), /status/);
    // A known variant without its fields is not mistaken for a new one.
    refuses(turnsPage(turn({}, [{ type: "agentMessage", id: "item-1" }])), /items\/0/);
    // A whole result is never taken for a new variant because it carries a `type`.
    refuses({ type: "surprise" }, /\/data is missing/);
  });

  it("keep params strict: a value the pinned schema does not know is refused before sending", () => {
    assert.match(validators.checkParams("thread/list", { sortDirection: "sideways" }) ?? "", /sortDirection/);
    assert.match(validators.checkParams("review/start", { threadId: "t", target: { type: "custom", instructions: "x" }, delivery: "detached" }) ?? "", /delivery/);
    assert.equal(validators.checkParams("thread/list", { sortDirection: "asc" }), undefined);
  });
});
