import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRedactor, REDACTED } from "../../src/protocol/redaction.ts";

describe("createRedactor", () => {
  const redactor = createRedactor({ env: { OPENAI_API_KEY: "plain-env-secret-value-123", HOME: "/home/user", SHORT_TOKEN: "abc" } });

  it("replaces values of secret-named fields, keeping token counts", () => {
    const redacted = redactor.value({
      method: "account/login/start",
      params: { apiKey: "anything", accessToken: "x1", nested: [{ password: "p" }], tokenUsage: { last: { inputTokens: 5, totalTokens: 9 } } },
    });
    assert.deepEqual(redacted, {
      method: "account/login/start",
      params: { apiKey: REDACTED, accessToken: REDACTED, nested: [{ password: REDACTED }], tokenUsage: { last: { inputTokens: 5, totalTokens: 9 } } },
    });
  });

  it("finds credential-shaped strings and secret environment values anywhere in text", () => {
    const text = [
      "key sk-proj-ABCDEFGHIJKLMNOPQRSTUV",
      "Authorization: Bearer abc.def.ghi-jkl",
      "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV",
      "env plain-env-secret-value-123 leaked",
      "export GITHUB_TOKEN=ghx_notashape_butnamed",
      "home /home/user stays",
      "short abc stays",
    ].join("\n");
    const out = redactor.text(text);
    for (const secret of ["sk-proj-ABCDEFGHIJKLMNOPQRSTUV", "abc.def.ghi-jkl", "eyJhbGciOiJIUzI1NiJ9", "plain-env-secret-value-123", "ghx_notashape_butnamed"]) {
      assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
    }
    assert.match(out, /Bearer \[REDACTED\]/);
    assert.match(out, /home \/home\/user stays/);
    assert.match(out, /short abc stays/);
  });

  it("redacts inside strings of any field, and does not change its input", () => {
    const input = { params: { command: "curl -H 'Authorization: Bearer sk-live-0123456789abcdefXYZ' x" } };
    const out = redactor.value(input);
    assert.ok(!JSON.stringify(out).includes("sk-live-0123456789abcdefXYZ"));
    assert.match(input.params.command, /sk-live/);
  });
});

describe("createRedactor with -c overrides", () => {
  const redactor = createRedactor({
    env: {},
    configOverrides: [
      'model_providers.x.experimental_bearer_token="plainOverrideValue0042"',
      'mcp_servers.srv.env={API_TOKEN="mcpEnvSecret0099", LOG_LEVEL="debug"}',
      'model_providers.x.http_headers={"X-Api-Key"="hdrValue-777"}',
      "model_providers.x.password='pa\"ss-phrase-77'",
      'model="gpt-5.1-codex"',
      'approval_policy="never"',
    ],
  });

  it("redacts the values of secret-looking keys, as given and as a server prints them escaped", () => {
    const printed = JSON.stringify(["-c", 'model_providers.x.experimental_bearer_token="plainOverrideValue0042"', "-c", "password='pa\"ss-phrase-77'"]);
    const out = redactor.text(`args: ${printed} env API_TOKEN=mcpEnvSecret0099 header hdrValue-777 raw pa"ss-phrase-77 debug ${JSON.stringify(printed)}`);
    for (const secret of ["plainOverrideValue0042", "mcpEnvSecret0099", "hdrValue-777", 'pa"ss-phrase-77', 'pa\\"ss-phrase-77', "ss-phrase-77"]) {
      assert.ok(!out.includes(secret), `${secret} in ${out}`);
    }
    assert.match(out, /experimental_bearer_token/);
  });

  it("leaves values of other keys alone", () => {
    assert.equal(redactor.text("model gpt-5.1-codex, policy never, level debug"), "model gpt-5.1-codex, policy never, level debug");
  });
});
