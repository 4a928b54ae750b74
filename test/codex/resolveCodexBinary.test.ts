import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { CodexBackend } from "../../src/codex/codexBackend.ts";
import { childEnvironment, resolveCodexBinary } from "../../src/codex/resolveCodexBinary.ts";
import { BackendStartError } from "../../src/errors.ts";
import { FAKE_APP_SERVER, nodeSpawner, within } from "../faults/faultHarness.ts";

const dir = mkdtempSync(path.join(tmpdir(), "codex-rpc-bin-"));
const fake = path.join(dir, "codex");
writeFileSync(fake, "#!/bin/sh\nexit 0\n");
chmodSync(fake, 0o755);
after(() => rmSync(dir, { recursive: true, force: true }));

describe("resolveCodexBinary", () => {
  it("uses the bundled package's native binary directly, not its Node launcher", () => {
    const resolved = resolveCodexBinary({ env: { PATH: "" } });
    assert.equal(resolved.source, "bundled-native");
    assert.match(resolved.path, /@openai\/codex-[a-z0-9]+-[a-z0-9]+\/vendor\/[^/]+\/bin\/codex$/);
    assert.deepEqual(resolved.prefixArgs, []);
    assert.equal(resolved.env.CODEX_MANAGED_BY_NPM, "1");
  });

  it("prefers the codexBin option, then CODEX_BIN; a bare name is looked up on PATH", () => {
    assert.deepEqual(
      [resolveCodexBinary({ codexBin: fake, env: { CODEX_BIN: "/elsewhere" } }).source, resolveCodexBinary({ env: { CODEX_BIN: fake } }).source],
      ["option", "CODEX_BIN"],
    );
    assert.equal(resolveCodexBinary({ codexBin: "codex", env: { PATH: dir } }).path, fake);
  });

  it("refuses an explicit binary that does not exist instead of running another", () => {
    for (const [options, where] of [
      [{ codexBin: path.join(dir, "missing") }, /codexBin option/],
      [{ env: { CODEX_BIN: path.join(dir, "missing") } }, /CODEX_BIN/],
      [{ codexBin: "no-such-codex", env: { PATH: dir } }, /no-such-codex/],
    ] as const) {
      assert.throws(() => resolveCodexBinary(options), (error: unknown) => {
        assert.ok(error instanceof BackendStartError);
        assert.equal(error.code, "BACKEND_START");
        assert.match(error.message, where);
        assert.match(error.message, /leave it unset/);
        return true;
      });
    }
  });
});

describe("the binary is resolved from the environment the child gets", () => {
  it("childEnvironment: the caller's environment with env over it, or env alone when inheritEnv is false", () => {
    const parent = { PATH: "/bin", CODEX_BIN: "/parent/codex", HOME: "/home/u" };
    assert.deepEqual(childEnvironment({ env: { HOME: "/h" } }, parent), { PATH: "/bin", CODEX_BIN: "/parent/codex", HOME: "/h" });
    assert.deepEqual(childEnvironment({ inheritEnv: false, env: { HOME: "/h" } }, parent), { HOME: "/h" });
    assert.deepEqual(childEnvironment({ env: { CODEX_BIN: undefined } }, parent), { PATH: "/bin", HOME: "/home/u" });
    assert.deepEqual(childEnvironment({}, parent), parent);
  });

  it("CODEX_BIN of the caller's environment is honoured when env is passed too", async () => {
    const saved = process.env.CODEX_BIN;
    process.env.CODEX_BIN = FAKE_APP_SERVER;
    try {
      const backend = new CodexBackend({ env: { FAKE_APP_SERVER_SCENARIO: "" }, spawn: nodeSpawner, startTimeoutSeconds: 10 });
      try {
        await within(15_000, "starting the backend", backend.start());
        assert.equal(backend.binary?.source, "CODEX_BIN");
        assert.equal(backend.binary?.path, FAKE_APP_SERVER);
      } finally {
        await backend.close();
      }
    } finally {
      if (saved === undefined) delete process.env.CODEX_BIN;
      else process.env.CODEX_BIN = saved;
    }
  });

  it("CODEX_BIN in env wins over the caller's; inheritEnv: false or CODEX_BIN: undefined leaves the caller's out", () => {
    const parent = { PATH: "", CODEX_BIN: path.join(dir, "missing") };
    assert.equal(resolveCodexBinary({ env: childEnvironment({ env: { CODEX_BIN: fake } }, parent) }).path, fake);
    assert.equal(resolveCodexBinary({ env: childEnvironment({ inheritEnv: false, env: {} }, parent) }).source, "bundled-native");
    assert.equal(resolveCodexBinary({ env: childEnvironment({ env: { CODEX_BIN: undefined } }, parent) }).source, "bundled-native");
    // PATH too is the child's: a bare codexBin is looked up on the PATH the child gets.
    assert.equal(resolveCodexBinary({ codexBin: "codex", env: childEnvironment({ env: { PATH: dir } }, { PATH: "/nowhere" }) }).path, fake);
  });
});
