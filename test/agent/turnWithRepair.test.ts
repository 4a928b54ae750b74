import { tmpdir } from "node:os";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { turnWithRepair } from "../../src/agent/turnWithRepair.ts";
import { FakeAgentSessionFactory } from "../../src/testing/fakeAgentSessionFactory.ts";

describe("turnWithRepair (on the fake factory: it depends only on the port)", () => {
  it("sends repair prompts on the same runner until the check passes", async () => {
    await using factory = new FakeAgentSessionFactory({ respond: ({ turnIndex }) => `attempt ${turnIndex + 1}` });
    const runner = await factory.runner({ workingDirectory: tmpdir() });
    const outcome = await turnWithRepair(runner, "write the file", {
      check: (result) => (result.assistantText === "attempt 3" ? { ok: true } : { ok: false, problems: `not yet (${result.assistantText})` }),
      repairPrompt: (problems, attempt) => `repair ${attempt}: ${problems}`,
    });
    assert.equal(outcome.ok, true);
    assert.equal(outcome.attempts, 3);
    assert.deepEqual(factory.turns.map((t) => [t.runnerIndex, t.prompt]), [
      [0, "write the file"],
      [0, "repair 1: not yet (attempt 1)"],
      [0, "repair 2: not yet (attempt 2)"],
    ]);
  });

  it("stops after maxAttempts and reports every problem", async () => {
    await using factory = new FakeAgentSessionFactory();
    const runner = await factory.runner({ workingDirectory: tmpdir() });
    const outcome = await turnWithRepair(runner, "p", { check: (_, attempt) => ({ ok: false, problems: `bad ${attempt}` }), maxAttempts: 2 });
    assert.equal(outcome.ok, false);
    assert.deepEqual(outcome.problems, ["bad 1", "bad 2"]);
    assert.equal(factory.turns.length, 2);
    await assert.rejects(turnWithRepair(runner, "p", { check: () => ({ ok: true }), maxAttempts: 0 }), /maxAttempts/);
  });
});
