/**
 * Secrets planted in the app-server's traffic and stderr (an API key, a bearer token, the value
 * of a secret-named variable of the child's environment, the tokens of a login message) must not
 * reach an error message: BackendExitedError / BackendStartError (message and stderr tail), the
 * errors reported to onProtocolError, and what the failed turn rejects with.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CodexBackend } from "../../src/codex/codexBackend.ts";
import { BackendExitedError, BackendStartError } from "../../src/errors.ts";
import { REDACTED } from "../../src/protocol/redaction.ts";
import { fakeBackendConfig, rejectsWithin, startFakeSession } from "./faultHarness.ts";

const SECRETS = {
  FAKE_API_KEY: "sk-proj-PLANTEDkey0123456789abcdefXYZ",
  FAKE_BEARER: "planted.bearer-token_0123456789",
  // Shaped like nothing: found only because its variable's name looks secret.
  FAKE_SERVICE_TOKEN: "quiet-planted-value-4711",
  // Names that do not look secret: these are found by the field names of the login message.
  FAKE_LOGIN_ACCESS: "at-planted-access-0123456789",
  FAKE_LOGIN_REFRESH: "rt-planted-refresh-0123456789",
  FAKE_LOGIN_ID: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJlLXBsYW50ZWQ",
} as const;

function assertNoSecret(text: string, where: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    assert.ok(!text.includes(secret), `${name} leaked into ${where}:\n${text}`);
  }
}

describe("secrets in the app-server's output never reach an error message", { timeout: 30_000 }, () => {
  it("a crash after leaking credentials on stderr and stdout: BackendExitedError and protocol errors are redacted", async () => {
    await using session = await startFakeSession({ env: SECRETS });
    const runner = await session.runner();
    const { error } = await rejectsWithin(runner.turn("fault:leak-secrets,exit-mid-turn", { timeoutSeconds: 30 }), 5_000, "BACKEND_EXITED");
    assert.ok(error instanceof BackendExitedError);
    // The fake did print them: the stderr lines handed to onStderrLine are raw (documented as such).
    assert.ok(session.observed.stderrLines.some((line) => line.includes(SECRETS.FAKE_SERVICE_TOKEN)), "the secrets were planted");
    assertNoSecret(error.message, "BackendExitedError.message");
    assertNoSecret(error.stderrTail, "BackendExitedError.stderrTail");
    assertNoSecret(error.exit.stderrTail, "BackendExitedError.exit.stderrTail");
    assertNoSecret(session.factory.backend.exitInfo?.stderrTail ?? "", "backend.exitInfo.stderrTail");
    assert.ok(error.stderrTail.includes(REDACTED), error.stderrTail);
    assert.match(error.stderrTail, /panicked mid-turn/, "the rest of the tail is kept");
    for (const protocolError of session.observed.protocolErrors) assertNoSecret(protocolError.message, "a ProtocolError message");
    assert.ok(session.observed.protocolErrors.length > 0, "the non-JSON line with secrets was reported");
  });

  it("a turn that fails with the API key in the server's message: TurnFailedError is redacted", async () => {
    await using session = await startFakeSession({ env: SECRETS });
    const runner = await session.runner();
    const { error } = await rejectsWithin(runner.turn("fault:failed-with-secret"), 3_000, "TURN_FAILED");
    assert.match(error.message, /Incorrect API key provided/);
    assertNoSecret(error.message, "TurnFailedError.message");
  });

  it("a start-up failure after printing secrets: BackendStartError is redacted", async () => {
    const { config } = fakeBackendConfig({ scenario: "leak-at-start,exit-at-start", env: SECRETS });
    const backend = new CodexBackend(config);
    const { error } = await rejectsWithin(backend.start(), 5_000, "BACKEND_START");
    assert.ok(error instanceof BackendStartError);
    assert.match(error.message, /could not load config/);
    assert.ok(error.message.includes(REDACTED), error.message);
    assertNoSecret(error.message, "BackendStartError.message");
    assertNoSecret(error.exit?.stderrTail ?? "", "BackendStartError.exit.stderrTail");
  });
});
