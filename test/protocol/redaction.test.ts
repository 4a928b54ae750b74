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
