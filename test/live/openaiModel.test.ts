/**
 * Opt-in: one turn against OpenAI's real model through the user's own codex login. Runs only
 * with CODEX_RPC_LIVE=1 (never in CI); it uses the caller's HOME and CODEX_HOME as they are.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { it } from "node:test";
import { CodexAgentSessionFactory } from "../../src/index.ts";

const live = process.env.CODEX_RPC_LIVE === "1";

it("answers a prompt through the real model", { skip: live ? false : "set CODEX_RPC_LIVE=1 to run against the real model" }, async () => {
  const workDir = mkdtempSync(path.join(tmpdir(), "codex-rpc-live-"));
  try {
    await using factory = await new CodexAgentSessionFactory().start();
    const runner = await factory.runner({ workingDirectory: workDir, sandbox: "read-only", approvalMode: "never" });
    const result = await runner.turn("Reply with exactly the word: pong", { timeoutSeconds: 120 });
    assert.match(result.assistantText.toLowerCase(), /pong/);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
});
