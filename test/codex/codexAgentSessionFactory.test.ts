/**
 * The factory over several backends against the fake app-server (fast): what start() does when
 * some or all backends fail, the fallback of runner() to the next backend, onBackendDown, the
 * validation of the configs, and that a conversation its caller let go of stops counting.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { CodexAgentSessionFactory } from "../../src/codex/codexAgentSessionFactory.ts";
import type { CodexAgentRunner } from "../../src/codex/codexAgentRunner.ts";
import type { CodexBackend } from "../../src/codex/codexBackend.ts";
import { BackendStartError, InvalidConfigError, type AgentError } from "../../src/errors.ts";
import { fakeBackendConfig, processAlive, rejectsWithin, within } from "../faults/faultHarness.ts";

const good = () => fakeBackendConfig({ recordTraffic: false }).config;
/** A backend that exits during start-up (code 3, after a line on stderr). */
const failing = () => fakeBackendConfig({ scenario: "exit-at-start", recordTraffic: false }).config;
const work = { workingDirectory: process.cwd() };

function counts(factory: CodexAgentSessionFactory, runners: readonly CodexAgentRunner[]): number[] {
  return factory.backends.map((backend) => runners.filter((runner) => runner.backend === backend).length);
}

describe("a factory over several backends (fake app-server)", { timeout: 60_000 }, () => {
  it("start() with one of three failing: resolves; the failed one is down, reported, and gets no conversations; start() again retries it", async () => {
    const downs: { backend: CodexBackend; error: AgentError }[] = [];
    await using factory = new CodexAgentSessionFactory([good(), failing(), good()], {
      onBackendDown: (backend, error) => {
        downs.push({ backend, error });
        throw new Error("a logging callback that throws is ignored");
      },
    });
    await within(10_000, "start()", factory.start());
    const [first, broken, third] = factory.backends;
    assert.deepEqual(factory.backends.map((backend) => backend.state), ["running", "exited", "running"]);
    assert.equal(downs.length, 1);
    assert.equal(downs[0]!.backend, broken);
    assert.ok(downs[0]!.error instanceof BackendStartError);
    assert.match(downs[0]!.error.message, /exited during start-up \(exit code 3\)/);

    const runners = await within(5_000, "four runners", Promise.all(Array.from({ length: 4 }, () => factory.runner(work))));
    assert.deepEqual(counts(factory, runners), [2, 0, 2]);
    for (const runner of runners) assert.match((await within(5_000, "a turn", runner.turn("hi"))).assistantText, /^echo: hi/);

    await within(10_000, "start() again", factory.start());
    assert.equal(downs.length, 2, "the retry failed again, and was reported");
    assert.notEqual(factory.backends[1], broken, "a new backend was tried in the failed one's place");
    assert.equal(factory.backends[0], first);
    assert.equal(factory.backends[2], third);
    assert.equal(factory.backendGenerations, 4);
  });

  it("start() with every backend failing rejects with one error naming each backend (code shared by all), the errors in its cause", async () => {
    await using factory = new CodexAgentSessionFactory([failing(), { ...good(), codexBin: "/nonexistent/dir/codex" }]);
    const { error } = await rejectsWithin(factory.start(), 10_000, "BACKEND_START");
    assert.match(error.message, /None of the 2 codex backends could start/);
    assert.match(error.message, /backend #1 \(stdio\): The codex app-server .* exited during start-up \(exit code 3\)/);
    assert.match(error.message, /backend #2 \(stdio\): .*\/nonexistent\/dir\/codex/);
    assert.ok(error.cause instanceof AggregateError);
    assert.equal(error.cause.errors.length, 2);
    assert.ok(error.cause.errors.every((cause: unknown) => cause instanceof BackendStartError));
  });

  it("start() with a single backend failing rejects with that backend's own error, as before", async () => {
    await using factory = new CodexAgentSessionFactory(failing());
    const { error } = await rejectsWithin(factory.start(), 10_000, "BACKEND_START");
    assert.ok(error instanceof BackendStartError);
    assert.doesNotMatch(error.message, /None of/);
  });

  it("runner() on a factory not started: when the chosen backend fails to start, the conversation goes to the next", async () => {
    await using factory = new CodexAgentSessionFactory([failing(), good()]);
    const runner = await within(10_000, "a runner", factory.runner(work));
    assert.equal(runner.backend, factory.backends[1]);
    assert.equal(factory.backends[0]!.state, "exited");
    assert.equal((await within(5_000, "a turn", runner.turn("placed"))).assistantText.startsWith("echo: placed"), true);
    const next = await within(5_000, "another runner", factory.runner(work));
    assert.equal(next.backend, factory.backends[1], "a down backend gets no conversation while another is up");
  });

  it("respawn off: a backend that died stays dead; its conversations fail BACKEND_EXITED, new ones go to the live backend", async () => {
    await using factory = new CodexAgentSessionFactory([good(), good()], { respawn: false });
    await within(10_000, "start()", factory.start());
    const [a, b] = await Promise.all([factory.runner(work), factory.runner(work)]);
    assert.deepEqual(counts(factory, [a, b]), [1, 1]);
    await within(5_000, "a turn", a.turn("one"));
    const dead = a.backend;
    const gone = dead.onGoneOnce();
    process.kill(dead.pid!, "SIGKILL");
    await within(5_000, "the kill noticed", gone);
    await rejectsWithin(a.turn("two"), 2_000, "BACKEND_EXITED");
    const c = await within(5_000, "a runner", factory.runner(work));
    assert.equal(c.backend, b.backend);
    assert.equal(factory.backends[0], dead, "not replaced");
    assert.equal(factory.backendGenerations, 2);
  });

  it("a wedged backend is retired: only its turns fail, it gets no new conversations while the other is up, onBackendDown says why", async () => {
    const downs: AgentError[] = [];
    const silent = fakeBackendConfig({ scenario: "silent-after-initialize", recordTraffic: false, backend: { livenessProbe: { afterSilenceSeconds: 0.3, timeoutSeconds: 0.3 } } }).config;
    await using factory = new CodexAgentSessionFactory([good(), silent], { onBackendDown: (_backend, error) => downs.push(error) });
    await within(10_000, "start()", factory.start());
    const [healthy, stuck] = [await factory.runner(work), await factory.runner(work)];
    assert.deepEqual(counts(factory, [healthy, stuck]), [1, 1]);
    const wedged = factory.backends[1]!;
    const [ok] = await Promise.all([within(5_000, "the healthy turn", healthy.turn("fine")), rejectsWithin(stuck.turn("stuck", { timeoutSeconds: 30 }), 10_000, "BACKEND_EXITED")]);
    assert.match(ok.assistantText, /^echo: fine/);
    assert.equal(wedged.state, "exited");
    assert.equal(downs.length, 1);
    assert.match(downs[0]!.message, /stopped answering/);
    const newcomers = [await factory.runner(work), await factory.runner(work)];
    assert.deepEqual(counts(factory, newcomers), [2, 0], "none on the retired backend");
  });

  it("close() stops every backend it spawned, MCP-keyed ones included", async () => {
    const factory = new CodexAgentSessionFactory([good(), good()]);
    try {
      await within(10_000, "start()", factory.start());
      const mcp = await within(5_000, "an MCP runner", factory.runner(work, { mcpConfigOverrides: ["mcp_servers.x.enabled=false"] }));
      assert.equal(factory.backends.length, 3);
      assert.equal(factory.backends[2], mcp.backend);
      const pids = factory.backends.map((backend) => backend.pid!);
      await within(10_000, "close()", factory.close());
      for (const pid of pids) assert.equal(processAlive(pid), false);
      assert.deepEqual(factory.backends.map((backend) => backend.state), ["closed", "closed", "closed"]);
    } finally {
      await factory.close();
    }
  });

  it("a closed conversation stops counting", async () => {
    await using factory = new CodexAgentSessionFactory([good(), good()]);
    await within(10_000, "start()", factory.start());
    const placed = [await factory.runner(work), await factory.runner(work), await factory.runner(work)];
    assert.deepEqual(counts(factory, placed), [2, 1]);
    await within(5_000, "closing two", Promise.all(placed.filter((runner) => runner.backend === factory.backends[0]).map((runner) => runner.close())));
    const fresh = [await factory.runner(work), await factory.runner(work)];
    assert.deepEqual(counts(factory, fresh), [2, 0], "the first backend's two closed conversations no longer count");
    await rejectsWithin(placed[0]!.turn("after close"), 1_000, "CLOSED");
  });

  it("a conversation its caller let go of stops counting (runners are held weakly)", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    await using factory = new CodexAgentSessionFactory([good(), good()]);
    await within(10_000, "start()", factory.start());
    let dropped: CodexAgentRunner[] | undefined = [await factory.runner(work), await factory.runner(work), await factory.runner(work)];
    assert.deepEqual(counts(factory, dropped), [2, 1]);
    const kept = dropped.filter((runner) => runner.backend === factory.backends[1]);
    dropped = undefined;
    // WeakRefs read in this job stay alive until it ends: let it end before collecting.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const fresh = [await factory.runner(work), await factory.runner(work)];
    assert.deepEqual(counts(factory, fresh), [2, 0], "the first backend's two let-go conversations no longer count");
    assert.equal(kept.length, 1);
  });

  it("rejects a bad factory config at once: an empty list, an entry that is not an object", () => {
    assert.throws(() => new CodexAgentSessionFactory([]), (error: unknown) => error instanceof InvalidConfigError && error.field === "CodexBackendConfig" && /at least one/.test(error.message));
    assert.throws(() => new CodexAgentSessionFactory([good(), null as never]), (error: unknown) => error instanceof InvalidConfigError && /#2 of the list must be a CodexBackendConfig object, got null/.test(error.message));
  });
});
