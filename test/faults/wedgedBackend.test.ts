/**
 * A wedged app-server (fake): one that answers initialize and then nothing is retired, with a
 * truthful error for the turn that found out and BACKEND_EXITED naming the cause for the rest;
 * a quiet server that still answers the liveness probe is never retired.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CodexBackend } from "../../src/codex/codexBackend.ts";
import { BackendRetiredError, InvalidConfigError, TurnTimeoutError, type AgentError } from "../../src/errors.ts";
import { eventually, processAlive, rejectsWithin, startFakeSession, within } from "./faultHarness.ts";

describe("a wedged app-server is retired (fake app-server)", { timeout: 60_000 }, () => {
  it("answers nothing after initialize: the turn's deadline finds out, TURN_TIMEOUT says it was retired, the process is gone", async () => {
    await using session = await startFakeSession({ scenario: "silent-after-initialize", backend: { livenessProbe: false } });
    const backend = session.factory.backend;
    const pid = backend.pid!;
    const gone = backend.onGoneOnce();
    const runner = await session.runner({ interruptSettleSeconds: 0.5 });
    const events: string[] = [];
    const { error } = await rejectsWithin(runner.turn("anyone there?", { timeoutSeconds: 1, onEvent: (event) => events.push(`${event.kind}: ${event.summary}`) }), 5_000, "TURN_TIMEOUT");
    assert.deepEqual(events, [`error: The codex app-server stopped answering (${(error as TurnTimeoutError).retiredBecause}) and was retired.`]);
    assert.ok(error instanceof TurnTimeoutError);
    assert.match(error.retiredBecause ?? "", /liveness probe/);
    assert.match(error.message, /retired/);
    assert.match(error.message, /next turn runs on a new backend/);
    assert.doesNotMatch(error.message, /The runner can take another turn \(/);
    const goneError = await within(1_000, "onGone", gone);
    assert.ok(goneError instanceof BackendRetiredError);
    assert.equal(goneError.code, "BACKEND_EXITED");
    assert.match(goneError.message, /stopped answering/);
    assert.equal(backend.state, "exited");
    await eventually(5_000, `app-server ${pid} gone`, () => !processAlive(pid));
    assert.deepEqual(session.observed.sent("turn/start"), [], "no turn was ever started");
  });

  it("goes silent mid-turn: the liveness watch retires it long before the deadline; every pending turn rejects BACKEND_EXITED naming the cause", async () => {
    await using session = await startFakeSession({ scenario: "silent-after-initialize", backend: { livenessProbe: { afterSilenceSeconds: 0.3, timeoutSeconds: 0.3 } } });
    const events: string[] = [];
    const one = await session.runner({ onEvent: (event) => events.push(`${event.kind}: ${event.summary}`) });
    const two = await session.runner();
    const turns = [rejectsWithin(one.turn("a", { timeoutSeconds: 30 }), 10_000, "BACKEND_EXITED"), rejectsWithin(two.turn("b", { timeoutSeconds: 30 }), 10_000, "BACKEND_EXITED")];
    const [first, second] = (await Promise.all(turns)) as [Awaited<(typeof turns)[0]>, Awaited<(typeof turns)[1]>];
    assert.ok(first.error instanceof BackendRetiredError);
    assert.equal(first.error, second.error);
    assert.match(first.error.message, /sent nothing for 0\.3 s while a turn was running, and did not answer a liveness probe/);
    assert.equal(session.factory.backend.state, "exited");
    assert.equal(session.observed.sent("thread/loaded/list").length, 1, "one probe found it out");
    assert.equal(events.length, 1);
    assert.match(events[0]!, /^error: The codex app-server stopped answering \(it sent nothing/, "the event stream says why");
  });

  it("livenessProbe is checked before anything starts: INVALID_CONFIG naming it", () => {
    for (const livenessProbe of [true, { afterSilenceSeconds: -1 }, { timeoutSeconds: "10" }, { every: 3 }]) {
      assert.throws(() => new CodexBackend({ livenessProbe } as never), (error: unknown) => error instanceof InvalidConfigError && /livenessProbe/.test(error.field + error.message));
    }
    assert.equal(new CodexBackend({ livenessProbe: false }).state, "new");
    assert.equal(new CodexBackend({ livenessProbe: { afterSilenceSeconds: 0.5 } }).state, "new");
  });

  it("a quiet server that answers the probe is alive: a hanging turn times out the ordinary way and the backend stays", async () => {
    await using session = await startFakeSession({ backend: { livenessProbe: { afterSilenceSeconds: 0.2, timeoutSeconds: 0.5 } } });
    const backend = session.factory.backend;
    let goneWith: AgentError | undefined;
    backend.onGone((error) => (goneWith = error));
    const runner = await session.runner({ interruptSettleSeconds: 1 });
    const { error } = await rejectsWithin(runner.turn("fault:hang", { timeoutSeconds: 1.5 }), 6_000, "TURN_TIMEOUT");
    assert.equal((error as TurnTimeoutError).retiredBecause, undefined);
    assert.match(error.message, /it was interrupted/);
    assert.ok(session.observed.sent("thread/loaded/list").length >= 2, "probes were sent during the silence");
    assert.equal(goneWith, undefined);
    assert.equal(backend.state, "running");
    assert.equal((await within(5_000, "the next turn", runner.turn("still here"))).assistantText, "echo: still here");
  });
});
