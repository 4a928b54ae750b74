import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { resolveCodexBinary } from "../../src/codex/resolveCodexBinary.ts";
import { BackendStartError } from "../../src/errors.ts";

describe("resolveCodexBinary", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "codex-rpc-bin-"));
  const fake = path.join(dir, "codex");
  writeFileSync(fake, "#!/bin/sh\nexit 0\n");
  chmodSync(fake, 0o755);
  after(() => rmSync(dir, { recursive: true, force: true }));

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
