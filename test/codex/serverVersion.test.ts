/**
 * The server's version, read from initialize's userAgent and judged against the supported range:
 * older fails start with UNSUPPORTED_VERSION (and stops the process), newer or unreadable gives
 * one warning and starts.
 */
import assert from "node:assert/strict";
import { spawn as nodeSpawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { CodexBackend, type CodexBackendConfig } from "../../src/codex/codexBackend.ts";
import { checkServerVersion, compareVersions, parseServerVersion, type CodexBackendWarning } from "../../src/codex/serverVersion.ts";
import { MAX_TESTED_CODEX_VERSION, MIN_SUPPORTED_CODEX_VERSION, SUPPORTED_CODEX_VERSIONS } from "../../src/codex/supportedVersions.ts";
import { UnsupportedVersionError } from "../../src/errors.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/versions/versionedAppServer.mjs", import.meta.url));

function backendAnswering(userAgent: string, extra: Partial<CodexBackendConfig> = {}): CodexBackend {
  return new CodexBackend({
    codexBin: process.execPath,
    env: { FAKE_USER_AGENT: userAgent },
    startTimeoutSeconds: 10,
    // The fixture is a script: run it with this node, whatever the binary path says.
    spawn: (_command, _args, options) => nodeSpawn(process.execPath, [FIXTURE], options),
    ...extra,
  });
}

describe("parseServerVersion", () => {
  it("reads the version after our client name, even one with spaces", () => {
    assert.equal(parseServerVersion("codex-rpc/0.169.0 (Debian 12.0.0; x86_64) xterm (codex-rpc; 0.1.0)", "codex-rpc"), "0.169.0");
    assert.equal(parseServerVersion("my client/0.171.0 (Debian 12.0.0; x86_64) xterm (my client; 9.9.9)", "my client"), "0.171.0");
    assert.equal(parseServerVersion("a/b/0.171.0-alpha.2 (Linux)", "a/b"), "0.171.0-alpha.2");
  });

  it("reads it after another client's name on a shared server", () => {
    assert.equal(parseServerVersion("vscode/0.171.0 (Debian 12.0.0; x86_64) xterm (codex-rpc; 0.1.0)", "codex-rpc"), "0.171.0");
    assert.equal(parseServerVersion("codex_vscode/0.169.0", "codex-rpc"), "0.169.0");
  });

  it("gives undefined when there is no version to read", () => {
    assert.equal(parseServerVersion("recorded", "codex-rpc"), undefined);
    assert.equal(parseServerVersion("codex-rpc/latest (Linux)", "codex-rpc"), undefined);
    assert.equal(parseServerVersion("", "codex-rpc"), undefined);
  });
});

describe("compareVersions and the range", () => {
  it("orders versions numerically, a pre-release before its release", () => {
    assert.ok(compareVersions("0.169.0", "0.171.0") < 0);
    assert.ok(compareVersions("0.1000.0", "0.171.0") > 0);
    assert.ok(compareVersions("0.171.0-alpha.1", "0.171.0") < 0);
    assert.equal(compareVersions("0.171.0", "0.171.0"), 0);
  });

  it("declares 0.169.0 and 0.171.0", () => {
    assert.deepEqual([...SUPPORTED_CODEX_VERSIONS], ["0.169.0", "0.171.0"]);
    assert.equal(MIN_SUPPORTED_CODEX_VERSION, "0.169.0");
    assert.equal(MAX_TESTED_CODEX_VERSION, "0.171.0");
  });

  it("judges: in range quietly, newer and unreadable with a warning, older with UNSUPPORTED_VERSION", () => {
    assert.deepEqual(checkServerVersion({ userAgent: "codex-rpc/0.170.0 (x)", binary: "/b" }), { version: "0.170.0" });
    assert.equal(checkServerVersion({ userAgent: "codex-rpc/0.172.0 (x)", binary: "/b" }).warning?.code, "VERSION_UNTESTED");
    assert.equal(checkServerVersion({ userAgent: "???", binary: "/b" }).warning?.code, "VERSION_UNKNOWN");
    assert.throws(() => checkServerVersion({ userAgent: "codex-rpc/0.168.9 (x)", binary: "/b" }), UnsupportedVersionError);
  });
});

describe("CodexBackend and the server's version", { timeout: 30_000 }, () => {
  it("exposes serverVersion after start", async () => {
    await using backend = backendAnswering("codex-rpc/0.171.0 (Debian 12.0.0; x86_64) xterm (codex-rpc; 0.1.0)");
    await backend.start();
    assert.equal(backend.serverVersion, "0.171.0");
    assert.deepEqual(backend.warnings, []);
  });

  it("refuses an older binary with UNSUPPORTED_VERSION naming the binary, its version and the range, and stops it", async () => {
    const backend = backendAnswering("codex-rpc/0.160.0 (Debian 12.0.0; x86_64) xterm (codex-rpc; 0.1.0)");
    try {
      await assert.rejects(backend.start(), (error: unknown) => {
        assert.ok(error instanceof UnsupportedVersionError, String(error));
        assert.equal(error.code, "UNSUPPORTED_VERSION");
        assert.equal(error.version, "0.160.0");
        assert.match(error.message, new RegExp(`${process.execPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is version 0\\.160\\.0, older than codex-rpc supports \\(0\\.169\\.0 to 0\\.171\\.0\\)`));
        return true;
      });
      assert.equal(backend.state, "exited");
      assert.notEqual(backend.exitInfo, undefined, "the process must have been stopped");
    } finally {
      await backend.close();
    }
  });

  it("starts a newer binary with one warning (callback and backend.warnings)", async () => {
    const seen: CodexBackendWarning[] = [];
    await using backend = backendAnswering("codex-rpc/0.180.0 (Linux)", {
      onWarning: (warning) => {
        seen.push(warning);
        throw new Error("a caller's callback that throws must not break start");
      },
    });
    await backend.start();
    assert.equal(backend.state, "running");
    assert.equal(backend.serverVersion, "0.180.0");
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.code, "VERSION_UNTESTED");
    assert.match(seen[0]!.message, /0\.180\.0, newer than codex-rpc is tested with \(0\.169\.0 to 0\.171\.0\)/);
    assert.deepEqual(backend.warnings, seen);
  });

  it("starts with a warning when the version cannot be read", async () => {
    await using backend = backendAnswering("something else entirely");
    await backend.start();
    assert.equal(backend.serverVersion, undefined);
    assert.equal(backend.warnings[0]?.code, "VERSION_UNKNOWN");
  });
});
