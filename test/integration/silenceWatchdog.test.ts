/** The optional silence watchdog against the real binary. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AgentError } from "../../src/errors.ts";
import { defaultResponder } from "../../src/testing/loopbackModel.ts";
import { startRealCodex } from "../helpers/realCodex.ts";

describe("silence watchdog", () => {
  it("interrupts a turn with no traffic, is off by default, and never fires while a handler waits", async () => {
    await using codex = await startRealCodex({
      respond: (request) => {
        if (request.lastUserText === "hang") return { type: "hang" };
        const last = request.input.at(-1) as { type?: string } | undefined;
        if (last?.type === "function_call_output") return { type: "message", text: "approved and done" };
        if (request.lastUserText === "needs approval") return { type: "functionCall", arguments: { cmd: "echo ok" } };
        return defaultResponder(request);
      },
    });
    const runner = await codex.runner(
      { approvalMode: "untrusted", sandbox: "danger-full-access" },
      { silenceTimeoutSeconds: 1, approvals: () => new Promise((resolve) => setTimeout(() => resolve("accept"), 2000)) },
    );
    const started = performance.now();
    await assert.rejects(runner.turn("hang", { timeoutSeconds: 30 }), (error: unknown) => {
      assert.ok(error instanceof AgentError);
      assert.equal(error.code, "TURN_TIMEOUT");
      assert.match(error.message, /silence watchdog/);
      return true;
    });
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 8000, `fired after ${elapsed} ms`);

    const approved = await runner.turn("needs approval", { timeoutSeconds: 30 });
    assert.equal(approved.assistantText, "approved and done");

    // Off by default: a short hang with no watchdog ends by the turn's own deadline instead.
    const plain = await codex.runner();
    await assert.rejects(plain.turn("hang", { timeoutSeconds: 1.5 }), (error: unknown) => {
      assert.ok(error instanceof AgentError && error.code === "TURN_TIMEOUT");
      assert.doesNotMatch(error.message, /silence/);
      return true;
    });
  });
});
