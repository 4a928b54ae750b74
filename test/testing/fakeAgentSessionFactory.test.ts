import { tmpdir } from "node:os";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AgentError } from "../../src/errors.ts";
import { FakeAgentSessionFactory } from "../../src/testing/fakeAgentSessionFactory.ts";

describe("FakeAgentSessionFactory", () => {
  it("serves scripted replies in order, then the responder, and records every turn", async () => {
    await using factory = await new FakeAgentSessionFactory({
      replies: ["first", { assistantText: "second", events: [{ kind: "commandExecution", summary: "$ ls", metadata: { exitCode: 0 } }] }],
      respond: ({ prompt, turnIndex }) => `echo ${turnIndex}: ${prompt}`,
    }).start();
    const runner = await factory.runner({ workingDirectory: tmpdir() });
    assert.equal((await runner.turn("a")).assistantText, "first");
    assert.equal((await runner.turn("b")).events[0]?.kind, "commandExecution");
    assert.equal((await runner.turn("c")).assistantText, "echo 2: c");
    assert.deepEqual(factory.turns.map((t) => t.prompt), ["a", "b", "c"]);
  });

  it("keeps the port's contract: busy runner, timeout, abort, scripted errors, close", async () => {
    const factory = new FakeAgentSessionFactory({
      respond: ({ prompt, signal }) =>
        prompt === "fail" ? new AgentError("TURN_FAILED", "scripted") : new Promise((resolve) => signal.addEventListener("abort", () => resolve("late"))),
    });
    const runner = await factory.runner({ workingDirectory: tmpdir() });
    const slow = runner.turn("slow", { timeoutSeconds: 0.05 });
    await assert.rejects(runner.turn("again"), (e: unknown) => e instanceof AgentError && e.code === "RUNNER_BUSY");
    await assert.rejects(slow, (e: unknown) => e instanceof AgentError && e.code === "TURN_TIMEOUT");
    const controller = new AbortController();
    const aborted = runner.turn("abort me", { signal: controller.signal });
    controller.abort();
    await assert.rejects(aborted, (e: unknown) => e instanceof AgentError && e.code === "ABORTED");
    await assert.rejects(runner.turn("fail"), (e: unknown) => e instanceof AgentError && e.code === "TURN_FAILED");
    await factory.close();
    await assert.rejects(runner.turn("after close"), (e: unknown) => e instanceof AgentError && e.code === "CLOSED");
    await assert.rejects(factory.runner({ workingDirectory: "" }), (e: unknown) => e instanceof AgentError && e.code === "INVALID_CONFIG");
  });
});
