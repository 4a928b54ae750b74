/**
 * Nothing kept that is done with: a runner the caller has let go of (the port has no
 * runner.close()) is not kept alive by the shared backend, while a runner in the middle of a
 * turn is, even when the caller holds nothing but the turn's promise.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { CodexAgentRunner } from "../../src/codex/codexAgentRunner.ts";
import { startFakeSession, within } from "./faultHarness.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Collects garbage across a few turns of the event loop (WeakRefs are cleared only between jobs). */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

describe("runner lifetime on a shared backend (fake app-server)", { timeout: 30_000 }, () => {
  it("a runner the caller dropped after its turns is collected; its thread's traffic is then dropped", async () => {
    await using session = await startFakeSession();
    // In a function of its own, so that no frame of the test keeps the last runner.
    const oneTurn = async (i: number) => {
      const runner = await session.runner();
      await within(5_000, "a turn", runner.turn(`one-off ${i}`));
      return new WeakRef(runner);
    };
    const refs: WeakRef<CodexAgentRunner>[] = [];
    for (let i = 0; i < 5; i++) refs.push(await oneTurn(i));
    await collect();
    assert.deepEqual(
      refs.map((ref) => ref.deref() === undefined),
      [true, true, true, true, true],
      "every dropped runner was collected (none kept by the backend's thread routes)",
    );
    // The backend goes on serving others.
    const other = await session.runner();
    assert.equal((await within(5_000, "another turn", other.turn("still serving"))).assistantText, "echo: still serving");
  });

  it("a runner whose caller holds only the turn's promise stays alive until the turn ends", async () => {
    await using session = await startFakeSession();
    let ref: WeakRef<CodexAgentRunner> | undefined;
    const turn = (async () => {
      const runner = await session.runner();
      ref = new WeakRef(runner);
      return runner.turn("fault:hang", { timeoutSeconds: 1 }).catch((error: { code?: string }) => error.code);
    })();
    // Collect while the turn hangs: the runner must survive to see its deadline and interrupt.
    await within(5_000, "the turn started on the server", session.observed.message((r) => r.direction === "s2c" && r.message.method === "turn/started"));
    await collect();
    assert.equal(await within(5_000, "the hanging turn", turn), "TURN_TIMEOUT");
    assert.ok(ref, "the runner was made");
    assert.equal(session.observed.sent("turn/interrupt").length, 1, "the runner interrupted its turn at the deadline");
  });
});
