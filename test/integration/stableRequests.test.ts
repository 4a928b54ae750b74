/**
 * `backend.request()` and `backend.serverVersion` against the real binary (the pinned one, or the
 * one CODEX_BIN names under `npm run test:versions`), offline: stable methods beyond turns answer
 * with results that pass their validators.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { SUPPORTED_CODEX_VERSIONS } from "../../src/codex/supportedVersions.ts";
import { RpcError } from "../../src/errors.ts";
import { startRealCodex } from "../helpers/realCodex.ts";

// Given explicitly: the backend reads CODEX_BIN only from its own env, which the helper replaces.
const backendConfig = process.env.CODEX_BIN ? { codexBin: process.env.CODEX_BIN } : {};

describe("backend.request against the real app-server", { timeout: 60_000 }, () => {
  it("reads the server's version and calls stable methods with validated results", async () => {
    await using codex = await startRealCodex({ backend: backendConfig });
    const backend = codex.factory.backend;
    assert.ok((SUPPORTED_CODEX_VERSIONS as readonly string[]).includes(backend.serverVersion ?? ""), `serverVersion ${backend.serverVersion}`);
    assert.deepEqual(backend.warnings, []);
    if (process.env.CODEX_BIN) {
      // The binary asked for is the one that answered.
      assert.match(execFileSync(process.env.CODEX_BIN, ["--version"], { encoding: "utf8" }), new RegExp(`${backend.serverVersion!.replace(/\./g, "\\.")}$`, "m"));
    }

    const runner = await codex.runner();
    await runner.turn("Hello", { timeoutSeconds: 30 });
    const listed = await backend.request("thread/list", {});
    assert.ok(Array.isArray(listed.data));
    const read = await backend.request("thread/read", { threadId: runner.threadId!, includeTurns: true });
    assert.equal(read.thread.id, runner.threadId);

    const models = await backend.request("model/list", {});
    assert.ok(Array.isArray(models.data));
    const config = await backend.request("config/read", {});
    assert.equal(typeof config.config, "object");
    const account = await backend.request("account/read", {});
    assert.ok("account" in account);
    // A method without params.
    const requirements = await backend.request("configRequirements/read");
    assert.equal(typeof requirements, "object");
    // The server's refusal arrives as an RpcError, not as a validation failure.
    await assert.rejects(backend.request("thread/archive", { threadId: "00000000-0000-0000-0000-000000000000" }), RpcError);
  });
});
