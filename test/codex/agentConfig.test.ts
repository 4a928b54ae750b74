import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAgentConfig, threadSettingsFromConfig } from "../../src/codex/agentConfig.ts";
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
});
