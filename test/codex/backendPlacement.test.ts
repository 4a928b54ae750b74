/**
 * The placement rule and its helpers, without processes: fewest open conversations among the
 * backends that are up, down ones only when none is up; MCP sets equal in any order; the config
 * of an MCP backend (local, without endpoint or credentials); labels that never hold a secret.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chooseSlot, checkMcpConfigOverrides, combinedError, mcpBackendConfig, mcpConfigKey, slotLabel } from "../../src/codex/backendPlacement.ts";
import type { BackendSlot } from "../../src/codex/backendSlot.ts";
import type { CodexBackendConfig } from "../../src/codex/codexBackend.ts";
import { spawnsLocally } from "../../src/codex/optionChecks.ts";
import { AgentError, InvalidConfigError } from "../../src/errors.ts";

/** Just what chooseSlot reads of a slot. */
const slot = (openConversations: number, down = false) => ({ openConversations, down }) as unknown as BackendSlot;

describe("backend placement", () => {
  it("chooses the slot with the fewest open conversations among those up; ties go to the earlier one", () => {
    const [a, b, c] = [slot(3), slot(1), slot(1)];
    assert.equal(chooseSlot([a, b, c], new Set()), b);
    assert.equal(chooseSlot([a, b, c], new Set([b])), c);
    assert.equal(chooseSlot([a, b, c], new Set([a, b, c])), undefined);
  });

  it("never chooses a down slot while one is up, however few conversations it has", () => {
    const [down, busy] = [slot(0, true), slot(50)];
    assert.equal(chooseSlot([down, busy], new Set()), busy);
    // Only when none is up: the down one with the fewest (its next use replaces its backend).
    const [downA, downB] = [slot(4, true), slot(2, true)];
    assert.equal(chooseSlot([downA, downB], new Set()), downB);
    assert.equal(chooseSlot([downA, downB, busy], new Set([busy])), downB);
  });

  it("keys MCP sets by their entries, whatever the order or repeats", () => {
    assert.equal(mcpConfigKey(["b=1", "a=2"]), mcpConfigKey(["a=2", "b=1", "a=2"]));
    assert.notEqual(mcpConfigKey(["a=2"]), mcpConfigKey(["a=2", "b=1"]));
    assert.equal(mcpConfigKey([]), "[]");
  });

  it("refuses mcpConfigOverrides that are not an array of strings, naming the field", () => {
    for (const bad of ["a=1", [1], null, { a: 1 }]) {
      assert.throws(() => checkMcpConfigOverrides(bad), (error: unknown) => error instanceof InvalidConfigError && error.field === "mcpConfigOverrides");
    }
    assert.deepEqual(checkMcpConfigOverrides(["a=1"]), ["a=1"]);
  });

  it("an MCP backend's config is the base with its set (sorted), local: no endpoint, no credentials", () => {
    const base: CodexBackendConfig = { codexBin: "/bin/codex", mcpConfigOverrides: ["old=1"], configOverrides: ["x=1"], endpoint: "ws://10.0.0.2:4500", auth: { token: "s3cret" }, reconnect: { maxAttempts: 2 } };
    const config = mcpBackendConfig(base, ["z=1", "a=1"]);
    assert.deepEqual(config, { codexBin: "/bin/codex", mcpConfigOverrides: ["a=1", "z=1"], configOverrides: ["x=1"] });
    assert.equal(spawnsLocally(config), true);
    assert.equal(spawnsLocally(base), false);
    assert.equal(spawnsLocally({ endpoint: "stdio" }), true);
  });

  it("labels name the place and endpoint, never a credential or an override", () => {
    const label = (config: CodexBackendConfig) => slotLabel("backend", 2, config);
    assert.equal(label({}), "backend #2 (stdio)");
    assert.equal(label({ endpoint: "ws://10.0.0.2:4500", auth: { token: "s3cret" } }), "backend #2 (ws://10.0.0.2:4500)");
    assert.equal(label({ endpoint: "unix:///run/codex.sock" }), "backend #2 (unix:///run/codex.sock)");
    assert.equal(label({ endpoint: "unix://", inheritEnv: false, env: { CODEX_HOME: "/home/me/.codex" } }), "backend #2 (unix:///home/me/.codex/app-server-control/app-server-control.sock)");
    assert.equal(label({ endpoint: "ws://user:pa55word@10.0.0.2:4500/?token=s3cret" }), "backend #2 (an endpoint that is not valid)");
    assert.equal(slotLabel("MCP backend", 1, { mcpConfigOverrides: ['mcp_servers.x.env.TOKEN="s3cret"'] }), "MCP backend #1 (stdio)");
  });

  it("one failure is reported as itself; several as one error naming each, with the code they share", () => {
    const only = new AgentError("AUTH" as never, "refused");
    assert.equal(combinedError([{ slot: { label: "backend #1 (stdio)" } as BackendSlot, error: only }], "start"), only);
    const two = combinedError(
      [
        { slot: { label: "backend #1 (ws://a:1)" } as BackendSlot, error: new AgentError("BACKEND_START", "unreachable.\nmore detail") },
        { slot: { label: "backend #2 (ws://b:1)" } as BackendSlot, error: new AgentError("BACKEND_START", "refused") },
      ],
      "start",
    );
    assert.equal(two.code, "BACKEND_START");
    assert.equal(two.message.split("\n").length, 1, "only the first line of each");
    assert.match(two.message, /backend #1 \(ws:\/\/a:1\): unreachable; backend #2 \(ws:\/\/b:1\): refused\./);
    const mixed = combinedError(
      [
        { slot: { label: "a" } as BackendSlot, error: new AgentError("CLOSED", "x") },
        { slot: { label: "b" } as BackendSlot, error: new AgentError("BACKEND_EXITED", "y") },
      ],
      "start",
    );
    assert.equal(mixed.code, "BACKEND_START");
  });
});
