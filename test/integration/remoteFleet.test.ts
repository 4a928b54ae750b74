/**
 * A factory over three listening app-servers (the pinned codex on ws://127.0.0.1 with a capability
 * token, one hermetic home each, the model on loopback), started and stopped by the test: a dozen
 * conversations spread over all three; one server killed mid-turn fails only its own turns, new
 * conversations go to the live ones, and once it is started again on the same address its
 * conversations resume there; an MCP-keyed backend is a local process even here; close() stops
 * that process and only disconnects from the servers.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { CodexAgentSessionFactory } from "../../src/codex/codexAgentSessionFactory.ts";
import type { CodexAgentRunner } from "../../src/codex/codexAgentRunner.ts";
import { resolveCodexBinary } from "../../src/codex/resolveCodexBinary.ts";
import { BackendExitedError } from "../../src/errors.ts";
import { createHermeticCodexHome, type HermeticCodexHome } from "../../src/testing/hermeticCodexHome.ts";
import { startListeningAppServer, type ListeningAppServer } from "../../src/testing/listeningAppServer.ts";
import { defaultResponder, LoopbackModel } from "../../src/testing/loopbackModel.ts";
import { processAlive, rejectsWithin, within } from "../faults/faultHarness.ts";

const TOKEN = "fleet-capability-token-0123456789abcdef";

describe("a factory over three listening app-servers (ws, token)", { timeout: 180_000 }, () => {
  it("spreads, fails only the killed server's turns, avoids it while down, resumes its conversations once it is back; MCP backends stay local; close() only disconnects", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const model = await LoopbackModel.start({
      respond: async (request) => {
        if (request.lastUserText?.startsWith("hang")) return { type: "hang" };
        if (request.lastUserText?.startsWith("held")) await released;
        return defaultResponder(request);
      },
    });
    const dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-fleet-"));
    const tokenFile = path.join(dir, "token");
    await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const homes: HermeticCodexHome[] = [];
    const servers: ListeningAppServer[] = [];
    let factory: CodexAgentSessionFactory | undefined;
    const codexBin = resolveCodexBinary({}).path;
    const listen = async (home: HermeticCodexHome, at?: string) => {
      const server = await startListeningAppServer({ codexBin, env: home.env, auth: { tokenFile }, ...(at ? { listen: at } : {}) });
      servers.push(server);
      return server;
    };
    try {
      for (let index = 0; index < 3; index++) homes.push(await createHermeticCodexHome({ modelBaseUrl: model.baseUrl }));
      const [s0, s1, s2] = await within(60_000, "three listening servers", Promise.all(homes.map((home) => listen(home))));
      factory = new CodexAgentSessionFactory(
        [s0!, s1!, s2!].map((server) => ({ endpoint: server.endpoint, auth: { tokenFile }, reconnect: { initialDelayMs: 20, maxAttempts: 2 } })),
      );
      const made = factory;
      await within(20_000, "start()", made.start());
      assert.deepEqual(made.backends.map((backend) => backend.pid), [undefined, undefined, undefined], "no process of ours");
      const spread = (runners: readonly CodexAgentRunner[]) => made.backends.map((backend) => runners.filter((runner) => runner.backend === backend).length);
      const runner = () => made.runner({ workingDirectory: homes[0]!.workDir });

      const runners = await within(10_000, "a dozen runners", Promise.all(Array.from({ length: 12 }, runner)));
      assert.deepEqual(spread(runners), [4, 4, 4]);
      const first = await within(60_000, "a dozen turns", Promise.all(runners.map((r, index) => r.turn(`remote ${index}`))));
      first.forEach((result, index) => assert.equal(result.assistantText, `You said: remote ${index} (turn 1)`));

      // Kill the second server mid-turn.
      const victim = made.backends[1]!;
      const mine = runners.filter((r) => r.backend === victim);
      const others = runners.filter((r) => r.backend !== victim);
      const requests = model.requests.length;
      const doomed = mine.map((r) => r.turn("hang until the kill", { timeoutSeconds: 60 }));
      const surviving = others.map((r, index) => r.turn(`held ${index}`, { timeoutSeconds: 60 }));
      await within(20_000, "all twelve turns reaching the model", model.waitForRequests(requests + 12, 20_000));
      // Watched from before the kill (they reject while kill() waits for the process to exit).
      const failures = Promise.all(doomed.map((turn) => rejectsWithin(turn, 10_000, "BACKEND_EXITED")));
      await within(10_000, "killing the server", s1!.kill());
      for (const { error } of await failures) {
        assert.ok(error instanceof BackendExitedError);
        assert.ok(error.message.includes(s1!.endpoint), error.message);
      }
      const newcomers = await within(10_000, "new runners", Promise.all(Array.from({ length: 4 }, runner)));
      assert.deepEqual(spread(newcomers), [2, 0, 2], "none on the dead server");
      release();
      (await within(30_000, "the other servers' turns", Promise.all(surviving))).forEach((result, index) => assert.equal(result.assistantText, `You said: held ${index} (turn 2)`));

      // Started again on the same address (and home): its conversations resume there.
      const restarted = await listen(homes[1]!, s1!.endpoint);
      const resumed = await within(30_000, "the victim's conversations again", Promise.all(mine.map((r) => r.turn("after the restart"))));
      for (const [index, r] of mine.entries()) {
        assert.equal(r.backend, made.backends[1], "on its own slot's new connection");
        assert.equal(resumed[index]!.threadId, first[runners.indexOf(r)]!.threadId);
        assert.match(resumed[index]!.assistantText, /^You said: after the restart \(turn \d\)$/);
      }
      assert.notEqual(made.backends[1], victim);

      // An MCP set gets a local process, built from the first config without its endpoint.
      const mcp = await within(20_000, "an MCP runner", made.runner({ workingDirectory: homes[0]!.workDir }, { mcpConfigOverrides: ["mcp_servers.fleet.command=\"node\"", "mcp_servers.fleet.enabled=false"] }));
      assert.equal(made.backends.length, 4);
      const mcpPid = mcp.backend.pid;
      assert.ok(mcpPid !== undefined && processAlive(mcpPid), "a local app-server");

      await within(10_000, "close()", made.close());
      assert.equal(processAlive(mcpPid), false, "the process it spawned is stopped");
      for (const server of [s0!, s2!, restarted]) assert.equal(processAlive(server.pid), true, "a server it only connected to keeps running");
    } finally {
      await factory?.close();
      for (const server of servers) await server.stop();
      await model.close();
      await Promise.all(homes.map((home) => home.dispose()));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
