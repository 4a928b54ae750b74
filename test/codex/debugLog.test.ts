import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { debugChannels, withDebugLogging } from "../../src/codex/debugLog.ts";
import { createRedactor } from "../../src/protocol/redaction.ts";

describe("CODEX_RPC_DEBUG", () => {
  it("reads traffic, stderr, all and combinations; off when unset", () => {
    assert.deepEqual(debugChannels({}), { traffic: false, stderr: false });
    assert.deepEqual(debugChannels({ CODEX_RPC_DEBUG: "traffic" }), { traffic: true, stderr: false });
    assert.deepEqual(debugChannels({ CODEX_RPC_DEBUG: "stderr" }), { traffic: false, stderr: true });
    assert.deepEqual(debugChannels({ CODEX_RPC_DEBUG: "traffic,stderr" }), { traffic: true, stderr: true });
    assert.deepEqual(debugChannels({ CODEX_RPC_DEBUG: "all" }), { traffic: true, stderr: true });
    assert.deepEqual(debugChannels({ CODEX_RPC_DEBUG: "0" }), { traffic: false, stderr: false });
  });

  it("logs redacted traffic and stderr, and still calls the caller's hooks", () => {
    const logged: string[] = [];
    const seen: string[] = [];
    const redactor = createRedactor({ env: {} });
    const hooks = withDebugLogging(
      { onTraffic: (direction) => seen.push(direction), onStderrLine: (line) => seen.push(line) },
      () => redactor,
      { env: { CODEX_RPC_DEBUG: "all" }, write: (line) => logged.push(line) },
    );
    hooks.onTraffic?.("c2s", { id: 1, method: "x", params: { apiKey: "abc123456789" } }, "{}");
    hooks.onStderrLine?.("using token sk-abcdefghijklmnopqrstuvwxyz");
    assert.deepEqual(seen, ["c2s", "using token sk-abcdefghijklmnopqrstuvwxyz"]);
    assert.match(logged[0]!, /^codex-rpc\[backend \d+\] → \{"id":1,"method":"x","params":\{"apiKey":"\[REDACTED\]"\}\}\n$/);
    assert.match(logged[1]!, /^codex-rpc\[backend \d+\] stderr: using token \[REDACTED\]\n$/);
  });

  it("leaves the hooks as they are when off", () => {
    const hooks = { onStderrLine: () => {} };
    assert.equal(withDebugLogging(hooks, () => createRedactor(), { env: {} }), hooks);
  });
});
