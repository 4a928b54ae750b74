/**
 * A backend per MCP configuration, with the real binary: `runner(config, { mcpConfigOverrides })`
 * runs on a local app-server started with exactly that set, shared by equal sets in any order;
 * a set equal to a configured backend's uses that backend; `factory.backends` lists them all; a
 * killed MCP backend comes back with the same set; close() leaves no process.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { processAlive, rejectsWithin, within } from "../faults/faultHarness.ts";
import { runningPids, startRealCodexFleet } from "../helpers/realCodexFleet.ts";

// Disabled MCP server entries: codex accepts them at start and spawns nothing for them.
const SET_A = ['mcp_servers.fleet_a.command="node"', "mcp_servers.fleet_a.enabled=false"];
const SET_B = ['mcp_servers.fleet_b.command="node"', "mcp_servers.fleet_b.enabled=false"];
const SET_OWN = ['mcp_servers.fleet_own.command="node"', "mcp_servers.fleet_own.enabled=false"];

/** The `-c` values the process with this pid was started with. */
function configArgs(pid: number): string[] {
  const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  return argv.flatMap((arg, index) => (argv[index - 1] === "-c" ? [arg] : []));
}

describe("a backend per MCP configuration", { timeout: 120_000 }, () => {
  it("two sets give two processes started with exactly their set; the same set in another order shares one; the factory's own set uses its backend", async () => {
    await using fleet = await within(30_000, "an app-server", startRealCodexFleet({ count: 1, backend: { mcpConfigOverrides: SET_OWN } }));
    const own = fleet.factory.backend;
    assert.deepEqual(configArgs(own.pid!), SET_OWN);

    const [a, aReversed, b, plain, ownReversed] = await within(
      20_000,
      "five runners",
      Promise.all([
        fleet.runner({ mcpConfigOverrides: SET_A }),
        fleet.runner({ mcpConfigOverrides: [...SET_A].reverse() }),
        fleet.runner({ mcpConfigOverrides: SET_B }),
        fleet.runner(),
        fleet.runner({ mcpConfigOverrides: [...SET_OWN].reverse() }),
      ]),
    );
    assert.equal(a.backend, aReversed.backend, "equal sets share one backend");
    assert.notEqual(a.backend, b.backend);
    assert.equal(plain.backend, own);
    assert.equal(ownReversed.backend, own, "a set equal to the configured backend's uses it");
    assert.deepEqual(fleet.factory.backends, [own, a.backend, b.backend], "configured first, then one per MCP set");
    const pids = runningPids(fleet.factory.backends);
    assert.equal(new Set(pids).size, 3, "three processes");
    assert.deepEqual(configArgs(a.backend.pid!), [...SET_A].sort());
    assert.deepEqual(configArgs(b.backend.pid!), [...SET_B].sort());

    const results = await within(60_000, "a turn on each", Promise.all([a, aReversed, b, plain, ownReversed].map((runner, index) => runner.turn(`mcp ${index}`))));
    results.forEach((result, index) => assert.equal(result.assistantText, `You said: mcp ${index} (turn 1)`));

    // Killed, the set's backend comes back with the same set on its next use; the conversation resumes there.
    const killedPid = b.backend.pid!;
    const gone = b.backend.onGoneOnce();
    process.kill(killedPid, "SIGKILL");
    await within(5_000, "the kill noticed", gone);
    const again = await within(30_000, "a turn after the kill", b.turn("mcp again"));
    assert.equal(again.threadId, results[2]!.threadId);
    assert.notEqual(b.backend.pid, killedPid);
    assert.deepEqual(configArgs(b.backend.pid!), [...SET_B].sort());
    assert.equal(fleet.factory.backends[2], b.backend, "replaced in its place");
    assert.equal(fleet.factory.backends.length, 3);

    const allPids = runningPids(fleet.factory.backends);
    await within(10_000, "close()", fleet.factory.close());
    for (const pid of [...allPids, killedPid]) assert.equal(processAlive(pid), false, `app-server ${pid} gone`);
  });

  it("an MCP backend starts on first use, not before; a bad mcpConfigOverrides or config is INVALID_CONFIG before any process starts", async () => {
    await using fleet = await within(30_000, "an app-server", startRealCodexFleet({ count: 1 }));
    assert.equal(fleet.factory.backends.length, 1);
    await rejectsWithin(fleet.runner({ mcpConfigOverrides: "mcp_servers.x.command=1" as never }), 1_000, "INVALID_CONFIG");
    await rejectsWithin(fleet.factory.runner({ workingDirectory: fleet.homes[0]!.workDir, sandbox: "everything" }, { mcpConfigOverrides: SET_A }), 1_000, "INVALID_CONFIG");
    assert.equal(fleet.factory.backends.length, 1, "no backend was made for a conversation that was refused");
    const runner = await within(20_000, "an MCP runner", fleet.runner({ mcpConfigOverrides: SET_A }));
    assert.equal(fleet.factory.backends.length, 2);
    assert.equal(runner.backend.state, "running");
  });
});
