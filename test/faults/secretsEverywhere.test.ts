/**
 * One redactor, knowing the child's environment and the `-c` overrides, applied before anything
 * is cut or shown: turn events, excerpts of bad lines (even a secret straddling the excerpt's
 * end), start-up errors quoting the server's escaped arguments.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AgentTurnEvent } from "../../src/agent/port.ts";
import { CodexBackend } from "../../src/codex/codexBackend.ts";
import { BackendStartError } from "../../src/errors.ts";
import { REDACTED } from "../../src/protocol/redaction.ts";
import { fakeBackendConfig, rejectsWithin, startFakeSession, within } from "./faultHarness.ts";

const SECRETS = {
  FAKE_API_KEY: "sk-proj-PLANTEDkey0123456789abcdefXYZ",
  FAKE_BEARER: "planted.bearer-token_0123456789",
  FAKE_SERVICE_TOKEN: "quiet-planted-value-4711",
} as const;
/** Secrets given only as `-c` overrides, shaped like nothing. */
const OVERRIDE_BEARER = "plainOverrideValue0042";
const OVERRIDE_MCP_TOKEN = "mcpEnvSecret0099";
const OVERRIDE_QUOTED = 'pa"ss-phrase-77';

/** Fails when `text` holds a secret or any 6-character start of one (what a cut leaves). */
function assertNoSecret(text: string, where: string, secrets: readonly string[] = Object.values(SECRETS)): void {
  for (const secret of secrets) {
    assert.ok(!text.includes(secret.slice(0, 6)), `a piece of ${secret} leaked into ${where}:\n${text}`);
  }
}

describe("one redactor, before anything is cut or shown (fake app-server)", { timeout: 60_000 }, () => {
  it("error and warning events quoting an API key, a bearer token and a secret env value are redacted, in the result and in onEvent", async () => {
    await using session = await startFakeSession({ env: SECRETS });
    const live: AgentTurnEvent[] = [];
    const runner = await session.runner({ onEvent: (event) => live.push(event) });
    const result = await within(5_000, "the turn", runner.turn("fault:event-secrets", { timeoutSeconds: 30 }));
    const error = result.events.find((e) => e.kind === "error");
    const warning = result.events.find((e) => e.kind === "warning");
    assert.ok(error && warning, JSON.stringify(result.events));
    assert.match(error.summary, /Incorrect API key provided: \[REDACTED\]/);
    assert.match(warning.summary, /\[REDACTED\]/);
    assertNoSecret(JSON.stringify(result.events), "the turn's events");
    assertNoSecret(JSON.stringify(live), "the events handed to onEvent");
  });

  it("a bad line with secrets just before the 200-character excerpt end: no piece of them in the protocol error", async () => {
    await using session = await startFakeSession({ env: SECRETS });
    const runner = await session.runner();
    await within(5_000, "the turn", runner.turn("fault:boundary-secret"));
    const reports = session.observed.protocolErrors.filter((e) => /not JSON/.test(e.message));
    assert.equal(reports.length, 1, session.observed.protocolErrors.map((e) => e.message).join("\n"));
    assert.match(reports[0]!.message, /xxxxx/);
    assertNoSecret(reports[0]!.message, "the excerpt of the bad line");
    assertNoSecret(String((reports[0]!.cause as Error | undefined)?.message ?? ""), "the cause of the protocol error");
    assertNoSecret(JSON.stringify(reports[0]), "the protocol error's own fields");
  });

  it("-c overrides echoed escaped on stderr (bearer token, MCP env token, a value with a quote): BackendStartError is redacted", async () => {
    const { config } = fakeBackendConfig({ scenario: "echo-args,leak-at-start,exit-at-start", env: SECRETS });
    const backend = new CodexBackend({
      ...config,
      configOverrides: [`model_providers.fake.experimental_bearer_token="${OVERRIDE_BEARER}"`, `model_providers.fake.password="${OVERRIDE_QUOTED.replace('"', '\\"')}"`],
      mcpConfigOverrides: [`mcp_servers.srv.env={API_TOKEN="${OVERRIDE_MCP_TOKEN}"}`],
    });
    const { error } = await rejectsWithin(backend.start(), 5_000, "BACKEND_START");
    assert.ok(error instanceof BackendStartError);
    assert.match(error.message, /started with args/, "the echoed arguments are in the tail");
    assert.match(error.message, /experimental_bearer_token/, "the rest of the line is kept");
    assert.ok(error.message.includes(REDACTED));
    const secrets = [...Object.values(SECRETS), OVERRIDE_BEARER, OVERRIDE_MCP_TOKEN, "ss-phrase-77"];
    assertNoSecret(error.message, "BackendStartError.message", secrets);
    assertNoSecret(error.exit?.stderrTail ?? "", "BackendStartError.exit.stderrTail", secrets);
  });
});
