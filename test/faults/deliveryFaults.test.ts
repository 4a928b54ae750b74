/**
 * Work already read is never thrown away: everything the app-server wrote before it exited is
 * delivered before the exit is, and a malformed response settles its request at once with
 * PROTOCOL instead of leaving it to its deadline.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rejectsWithin, startFakeSession, within } from "./faultHarness.ts";

describe("work already read is delivered (fake app-server)", { timeout: 60_000 }, () => {
  it("a server that writes a whole turn and exits at once: the turn completes with every event", async () => {
    await using session = await startFakeSession();
    const runner = await session.runner();
    const result = await within(5_000, "the turn", runner.turn("fault:one-write-exit", { timeoutSeconds: 30 }));
    assert.equal(result.assistantText, "echo: fault:one-write-exit");
    assert.deepEqual(result.events.map((e) => e.kind), ["warning", "agentMessage", "tokenUsage"]);
    await within(5_000, "the backend noticing the exit", session.factory.backend.onGoneOnce());
    assert.equal(session.factory.backend.state, "exited");
  });

  it("the same, many times: never BACKEND_EXITED for a turn the server completed", async () => {
    for (let i = 0; i < 5; i++) {
      await using session = await startFakeSession();
      const runner = await session.runner();
      const result = await within(5_000, `turn ${i}`, runner.turn("fault:one-write-exit", { timeoutSeconds: 30 }));
      assert.equal(result.assistantText, "echo: fault:one-write-exit");
    }
  });

  it("a response with both result and error: the request is settled at once with PROTOCOL, the runner goes on", async () => {
    await using session = await startFakeSession();
    const runner = await session.runner();
    const { error } = await rejectsWithin(runner.turn("fault:malformed-response", { timeoutSeconds: 60 }), 5_000, "PROTOCOL");
    assert.match(error.message, /turn\/start/);
    assert.match(error.message, /malformed/);
    assert.ok(session.observed.protocolErrors.length >= 1, "the bad frame is reported too");
    assert.equal((await within(5_000, "the next turn", runner.turn("after"))).assistantText, "echo: after");
  });
});
