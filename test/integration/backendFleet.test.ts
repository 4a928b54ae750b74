/**
 * A factory over three real app-servers (the pinned codex, stdio, one hermetic home each, the
 * model on loopback): a dozen conversations spread over all three with every answer right; one
 * app-server killed mid-turn fails only its own turns, new conversations go to the live ones
 * while it is down, and its conversations resume on its slot's replacement (never elsewhere).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CodexAgentRunner } from "../../src/codex/codexAgentRunner.ts";
import { BackendExitedError } from "../../src/errors.ts";
import { defaultResponder, type LoopbackModelResponder } from "../../src/testing/loopbackModel.ts";
import { processAlive, rejectsWithin, within } from "../faults/faultHarness.ts";
import { runningPids, spread, startRealCodexFleet } from "../helpers/realCodexFleet.ts";

/** Prompts starting with "hang" never get an answer; "held" ones are answered once `release()` is called. */
function gatedResponder(): { respond: LoopbackModelResponder; release(): void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    respond: async (request) => {
      if (request.lastUserText?.startsWith("hang")) return { type: "hang" };
      if (request.lastUserText?.startsWith("held")) await released;
      return defaultResponder(request);
    },
  };
}

describe("a factory over three app-servers", { timeout: 120_000 }, () => {
  it("spreads a dozen conversations over all three (fewest open first); every answer is right; conversations stay where they started", async () => {
    await using fleet = await within(30_000, "three app-servers", startRealCodexFleet({ count: 3 }));
    const backends = fleet.factory.backends;
    assert.equal(backends.length, 3);
    assert.equal(new Set(runningPids(backends)).size, 3, "three processes");
    assert.equal(fleet.factory.backend, backends[0], "`backend` is the first slot's");

    const runners = await within(10_000, "a dozen runners", Promise.all(Array.from({ length: 12 }, () => fleet.runner())));
    assert.deepEqual(spread(fleet, runners), [4, 4, 4]);
    const first = await within(60_000, "a dozen first turns", Promise.all(runners.map((runner, index) => runner.turn(`conversation ${index}`))));
    first.forEach((result, index) => assert.equal(result.assistantText, `You said: conversation ${index} (turn 1)`));
    const second = await within(60_000, "a dozen second turns", Promise.all(runners.map((runner, index) => runner.turn(`again ${index}`))));
    second.forEach((result, index) => {
      assert.equal(result.assistantText, `You said: again ${index} (turn 2)`);
      assert.equal(result.threadId, first[index]!.threadId);
    });
    assert.deepEqual(spread(fleet, runners), [4, 4, 4], "no conversation moved");
    assert.equal(fleet.factory.backendGenerations, 3);

    // The thirteenth goes to a slot with the fewest (all tie: the first), the next two fill the others.
    const more = await Promise.all([fleet.runner(), fleet.runner(), fleet.runner()]);
    assert.deepEqual(spread(fleet, more), [1, 1, 1]);
  });

  it("one app-server killed mid-turn: its turns fail at once with BACKEND_EXITED, the others finish; new conversations avoid it; its conversations resume on its slot's replacement", async () => {
    const gate = gatedResponder();
    const downs: { pid: number | undefined; code: string }[] = [];
    await using fleet = await within(
      30_000,
      "three app-servers",
      startRealCodexFleet({ count: 3, respond: gate.respond, factory: { onBackendDown: (backend, error) => downs.push({ pid: backend.pid, code: error.code }) } }),
    );
    const runners = await Promise.all(Array.from({ length: 6 }, () => fleet.runner()));
    assert.deepEqual(spread(fleet, runners), [2, 2, 2]);
    const first = await within(60_000, "first turns", Promise.all(runners.map((runner, index) => runner.turn(`first ${index}`))));
    const before = fleet.factory.backends;
    const victim = before[1]!;
    const victimPid = victim.pid!;
    const mine = runners.filter((runner) => runner.backend === victim);
    const others = runners.filter((runner) => runner.backend !== victim);
    assert.equal(mine.length, 2);

    const requests = fleet.model.requests.length;
    const doomed = mine.map((runner) => runner.turn("hang until the kill", { timeoutSeconds: 60 }));
    const surviving = others.map((runner, index) => runner.turn(`held ${index}`, { timeoutSeconds: 60 }));
    let survivorsSettled = false;
    void Promise.allSettled(surviving).then(() => (survivorsSettled = true));
    await within(20_000, "all six turns reaching the model", fleet.model.waitForRequests(requests + 6, 20_000));
    const gone = victim.onGoneOnce();
    process.kill(victimPid, "SIGKILL");
    const failures = await Promise.all(doomed.map((turn) => rejectsWithin(turn, 5_000, "BACKEND_EXITED")));
    for (const { error } of failures) assert.equal((error as BackendExitedError).signal, "SIGKILL");
    await within(5_000, "the factory noticing the kill", gone);
    assert.equal(survivorsSettled, false, "the other backends' turns were still running when the victim's failed");
    assert.deepEqual(downs, [{ pid: victimPid, code: "BACKEND_EXITED" }], "onBackendDown named the victim");

    // While it is down: new conversations go to the two live backends, and nothing restarts it.
    const newcomers = await Promise.all(Array.from({ length: 4 }, () => fleet.runner()));
    assert.deepEqual(spread(fleet, newcomers), [2, 0, 2]);
    gate.release();
    const finished = await within(30_000, "the other backends' turns", Promise.all(surviving));
    finished.forEach((result, index) => assert.match(result.assistantText, new RegExp(`^You said: held ${index} \\(turn 2\\)$`)));
    const newcomerTurns = await within(30_000, "the newcomers' turns", Promise.all(newcomers.map((runner, index) => runner.turn(`new ${index}`))));
    newcomerTurns.forEach((result, index) => assert.equal(result.assistantText, `You said: new ${index} (turn 1)`));
    assert.equal(fleet.factory.backends[1], victim, "the slot is not replaced before its next use");
    assert.equal(victim.state, "exited");
    assert.equal(processAlive(victimPid), false);

    // The victim's conversations resume on their own slot (their threads live only in its home).
    const resumed = await within(30_000, "the victim's conversations again", Promise.all(mine.map((runner) => runner.turn("after the kill"))));
    const replacement = fleet.factory.backends[1]!;
    assert.notEqual(replacement, victim);
    assert.equal(replacement.state, "running");
    assert.notEqual(replacement.pid, victimPid);
    mine.forEach((runner, index) => {
      assert.equal(runner.backend, replacement);
      assert.equal(resumed[index]!.threadId, first[runners.indexOf(runner)]!.threadId, "the same conversation");
      assert.match(resumed[index]!.assistantText, /^You said: after the kill \(turn \d\)$/);
    });
    assert.equal(fleet.factory.backends[0], before[0], "the other backends were not touched");
    assert.equal(fleet.factory.backends[2], before[2], "the other backends were not touched");
    assert.equal(fleet.factory.backendGenerations, 4);
    assert.deepEqual(spread(fleet, [...runners, ...newcomers]), [4, 2, 4]);
  });

  it("close() stops every app-server of the fleet; later turns and runners reject CLOSED", async () => {
    const fleet = await within(30_000, "three app-servers", startRealCodexFleet({ count: 3 }));
    let runner: CodexAgentRunner | undefined;
    try {
      runner = await fleet.runner();
      await within(20_000, "a turn", runner.turn("hello"));
      const pids = runningPids(fleet.factory.backends);
      assert.equal(pids.length, 3);
      await within(10_000, "close()", fleet.factory.close());
      for (const pid of pids) assert.equal(processAlive(pid), false, `app-server ${pid} gone`);
      await rejectsWithin(runner.turn("after close"), 1_000, "CLOSED");
      await rejectsWithin(fleet.runner(), 1_000, "CLOSED");
      await rejectsWithin(fleet.factory.start(), 1_000, "CLOSED");
    } finally {
      await fleet.dispose();
    }
  });
});
