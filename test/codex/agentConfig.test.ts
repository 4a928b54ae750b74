import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after } from "node:test";
import { checkWorkingDirectory, parseAgentConfig, REASONING_EFFORTS, threadSettingsFromConfig } from "../../src/codex/agentConfig.ts";
import { InvalidConfigError } from "../../src/errors.ts";

function rejects(config: unknown, field: string, pattern: RegExp): void {
  assert.throws(
    () => parseAgentConfig(config as never),
    (error: unknown) => {
      assert.ok(error instanceof InvalidConfigError, String(error));
      assert.equal(error.code, "INVALID_CONFIG");
      assert.equal(error.field, field);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe("parseAgentConfig", () => {
  it("accepts a full config and maps it to thread/start settings", () => {
    const parsed = parseAgentConfig({
      workingDirectory: "/work",
      model: "m",
      modelProvider: "p",
      reasoningEffort: "high",
      approvalMode: "untrusted",
      sandbox: "workspace-write",
      baseInstructions: "b",
      developerInstructions: "d",
      personality: "pragmatic",
    });
    assert.deepEqual(threadSettingsFromConfig(parsed), {
      cwd: "/work",
      model: "m",
      modelProvider: "p",
      approvalPolicy: "untrusted",
      sandbox: "workspace-write",
      baseInstructions: "b",
      developerInstructions: "d",
      personality: "pragmatic",
    });
  });

  it("names the field and the allowed values for a bad approvalMode or sandbox", () => {
    rejects({ workingDirectory: "/w", approvalMode: "always" }, "approvalMode", /untrusted, on-request, never/);
    rejects({ workingDirectory: "/w", sandbox: "none" }, "sandbox", /read-only, workspace-write, danger-full-access/);
    rejects({ workingDirectory: "/w", sandbox: "none" }, "sandbox", /got "none"/);
  });

  it("explains that on-failure was removed and what to use instead", () => {
    rejects({ workingDirectory: "/w", approvalMode: "on-failure" }, "approvalMode", /on-request/);
  });

  it("rejects a relative or missing working directory, empty model and unknown fields", () => {
    rejects({ workingDirectory: "rel/dir" }, "workingDirectory", /absolute/);
    rejects({}, "workingDirectory", /workingDirectory/);
    rejects({ workingDirectory: "/w", model: " " }, "model", /empty/);
    rejects({ workingDirectory: "/w", sandox: "read-only" }, "sandox", /unknown field/);
  });

  it("refuses a reasoning effort codex's models do not know, listing the ones they do", () => {
    rejects({ workingDirectory: "/w", reasoningEffort: "bogus" }, "reasoningEffort", /got "bogus".*none, minimal, low, medium, high, xhigh/);
    for (const effort of REASONING_EFFORTS) assert.equal(parseAgentConfig({ workingDirectory: "/w", reasoningEffort: effort }).reasoningEffort, effort);
  });

  it("refuses no config, or one that is not an object, with INVALID_CONFIG (never a raw TypeError)", () => {
    for (const config of [undefined, null, "/w", 3, ["/w"]]) rejects(config, "config", /AgentConfig object is required/);
  });

  it("refuses text with a lone surrogate in any field sent to the server, naming where", () => {
    rejects({ workingDirectory: "/w", baseInstructions: "ok \udc00" }, "baseInstructions", /lone UTF-16 surrogate \(\\uDC00\) at index 3/);
    rejects({ workingDirectory: "/w\ud800" }, "workingDirectory", /surrogate/);
    rejects({ workingDirectory: "/w", model: "gpt\ud83d" }, "model", /surrogate/);
    assert.equal(parseAgentConfig({ workingDirectory: "/w", developerInstructions: "emoji \ud83d\ude00 is fine" }).developerInstructions, "emoji \ud83d\ude00 is fine");
  });
});

describe("checkWorkingDirectory", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "codex-rpc-cwd-"));
  const file = path.join(dir, "file");
  writeFileSync(file, "");
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts a directory and refuses what is missing or not a directory, naming the path", () => {
    checkWorkingDirectory(dir);
    for (const [bad, why] of [
      [path.join(dir, "missing"), /does not exist/],
      [file, /is not a directory/],
      [path.join(file, "below"), /not a directory/],
    ] as const) {
      assert.throws(
        () => checkWorkingDirectory(bad),
        (error: unknown) => error instanceof InvalidConfigError && error.field === "workingDirectory" && why.test(error.message) && error.message.includes(bad),
      );
    }
  });
});
