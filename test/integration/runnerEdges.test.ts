/**
 * Edges a newcomer hits: fork() before any turn, a resumeThreadId that is not a conversation,
 * against the real binary.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AgentError } from "../../src/errors.ts";
import { startRealCodex, type RealCodex } from "../helpers/realCodex.ts";

const invalidConfig = (field: string, message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof AgentError, String(error));
  assert.equal(error.code, "INVALID_CONFIG", error.message);
  assert.equal((error as AgentError & { field?: string }).field, field);
  assert.match(error.message, message);
  return true;
};

describe("runner edges against the real binary", () => {
  let codex: RealCodex;
  before(async () => {
    codex = await startRealCodex();
  });
  after(async () => {
    await codex?.dispose();
  });

  it("fork() before any turn gives a fresh conversation with the same config, and both work", async () => {
    const runner = await codex.runner();
    const fork = await runner.fork();
    assert.equal(runner.threadId, undefined, "forking started no thread");
    assert.equal((await fork.turn("from the fork")).assistantText, "You said: from the fork (turn 1)");
    assert.equal((await runner.turn("from the original")).assistantText, "You said: from the original (turn 1)");
    assert.notEqual(fork.threadId, runner.threadId);
  });

  it("a resumeThreadId that cannot be an id fails at runner creation, naming the field", async () => {
    for (const bad of ["", "two words"]) {
      await assert.rejects(codex.runner({}, { resumeThreadId: bad }), invalidConfig("resumeThreadId", /resumeThreadId (must be a conversation id|must not be empty)/));
    }
  });

  it("a resumeThreadId codex rejects fails the first turn naming it and the server's reason", async () => {
    const runner = await codex.runner({}, { resumeThreadId: "not-an-id" });
    await assert.rejects(runner.turn("hi"), invalidConfig("resumeThreadId", /resumeThreadId not-an-id: codex cannot resume that conversation \(invalid session id/));
  });

  it("a resumeThreadId of no known conversation fails its first turn with a message naming it", async () => {
    const unknown = "01a22bbd-917f-78d3-88bc-d6124400afaf";
    const runner = await codex.runner({}, { resumeThreadId: unknown });
    await assert.rejects(runner.turn("hi"), invalidConfig("resumeThreadId", new RegExp(`resumeThreadId ${unknown}: codex cannot resume that conversation \\(no rollout found`)));
  });
});
