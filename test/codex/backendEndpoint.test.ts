/** Endpoint, auth and reconnect options of a backend: checked before any connection; credentials made per connection. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { credentialsFor, DEFAULT_RECONNECT, parseEndpoint, reconnectDelayMs, SIGNED_TOKEN_LIFETIME_SECONDS, type EndpointConfig } from "../../src/codex/backendEndpoint.ts";
import { CodexBackend } from "../../src/codex/codexBackend.ts";
import { InvalidConfigError } from "../../src/errors.ts";

const dir = mkdtempSync(path.join(tmpdir(), "codex-rpc-endpoint-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string): string => {
  const full = path.join(dir, name);
  writeFileSync(full, content, { mode: 0o600 });
  return full;
};
const SECRET = "0123456789abcdef0123456789abcdef-secret";

function invalid(config: EndpointConfig, field: string, message: RegExp): void {
  assert.throws(
    () => parseEndpoint(config),
    (error: unknown) => {
      assert.ok(error instanceof InvalidConfigError, String(error));
      assert.equal(error.field, field, error.message);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe("parseEndpoint", () => {
  it("reads stdio, ws, wss and unix endpoints", () => {
    assert.deepEqual(parseEndpoint({}), { kind: "stdio" });
    assert.deepEqual(parseEndpoint({ endpoint: "stdio" }), { kind: "stdio" });
    assert.deepEqual(parseEndpoint({ endpoint: "ws://127.0.0.1:4500" }), { kind: "ws", display: "ws://127.0.0.1:4500", url: "ws://127.0.0.1:4500/" });
    assert.equal(parseEndpoint({ endpoint: "wss://codex.example:443" }).kind, "ws");
    assert.deepEqual(parseEndpoint({ endpoint: "unix:///run/codex/s.sock" }), { kind: "unix", display: "unix:///run/codex/s.sock", socketPath: "/run/codex/s.sock" });
  });

  it("a bare unix:// is the control socket under the CODEX_HOME of config.env, then of the process", () => {
    const socket = (codexHome: string) => path.join(codexHome, "app-server-control", "app-server-control.sock");
    assert.deepEqual(parseEndpoint({ endpoint: "unix://", env: { CODEX_HOME: "/ch" } }), { kind: "unix", display: `unix://${socket("/ch")}`, socketPath: socket("/ch") });
    const saved = process.env.CODEX_HOME;
    process.env.CODEX_HOME = "/from-process";
    try {
      assert.equal((parseEndpoint({ endpoint: "unix://" }) as { socketPath: string }).socketPath, socket("/from-process"));
      assert.equal((parseEndpoint({ endpoint: "unix://", inheritEnv: false, env: { HOME: "/h" } }) as { socketPath: string }).socketPath, socket("/h/.codex"));
    } finally {
      if (saved === undefined) delete process.env.CODEX_HOME;
      else process.env.CODEX_HOME = saved;
    }
  });

  it("refuses bad endpoints, naming the field and what is allowed", () => {
    invalid({ endpoint: "http://127.0.0.1:1" }, "endpoint", /unsupported scheme http:.*ws:\/\/host:port/);
    invalid({ endpoint: "127.0.0.1:4500" }, "endpoint", /unsupported scheme|not a URL/);
    invalid({ endpoint: "not a url" }, "endpoint", /not a URL/);
    invalid({ endpoint: "unix://relative.sock" }, "endpoint", /must be absolute/);
    invalid({ endpoint: "ws://user:pw@127.0.0.1:1" }, "endpoint", /must not hold credentials.*auth/);
    invalid({ endpoint: "ws://127.0.0.1:1/?token=abc" }, "endpoint", /must not hold credentials/);
    invalid({ endpoint: 42 as unknown as string }, "endpoint", /must be a string/);
  });

  it("refuses auth where it cannot apply, and options a remote server cannot take", () => {
    invalid({ auth: { token: "t" } }, "auth", /spawned on stdio needs none/);
    invalid({ endpoint: "unix:///tmp/x.sock", auth: { token: "t" } }, "auth", /file permissions/);
    invalid({ endpoint: "ws://127.0.0.1:1", mcpConfigOverrides: ['mcp_servers.x.command="y"'] }, "mcpConfigOverrides", /configuration it was started with/);
    assert.equal(parseEndpoint({ endpoint: "ws://127.0.0.1:1", mcpConfigOverrides: [] }).kind, "ws");
  });

  it("refuses bad auth before any connection: shape, missing or empty files, a short secret", () => {
    const ws = "ws://127.0.0.1:1";
    invalid({ endpoint: ws, auth: {} as never }, "auth", /exactly one of token, tokenFile, sharedSecretFile \(got none\)/);
    invalid({ endpoint: ws, auth: { token: "a", tokenFile: "/b" } as never }, "auth", /got token, tokenFile/);
    invalid({ endpoint: ws, auth: { token: " " } }, "auth.token", /non-empty/);
    invalid({ endpoint: ws, auth: { tokenFile: path.join(dir, "missing") } }, "auth.tokenFile", /cannot be read \(ENOENT\)/);
    invalid({ endpoint: ws, auth: { tokenFile: "relative/token" } }, "auth.tokenFile", /absolute path/);
    invalid({ endpoint: ws, auth: { tokenFile: file("empty", "\n") } }, "auth.tokenFile", /is empty/);
    invalid({ endpoint: ws, auth: { sharedSecretFile: file("short", "short-secret\n") } }, "auth.sharedSecretFile", /fewer than 32 bytes/);
    invalid({ endpoint: ws, auth: { sharedSecretFile: file("s1", SECRET), issuer: "" } }, "auth.issuer", /non-empty/);
  });

  it("refuses bad reconnect options", () => {
    invalid({ reconnect: { maxAttempts: 0 } }, "reconnect.maxAttempts", /1 or more/);
    invalid({ reconnect: { maxAttempts: 1.5 } }, "reconnect.maxAttempts", /whole number/);
    invalid({ reconnect: { initialDelayMs: -1 } }, "reconnect.initialDelayMs", /milliseconds/);
    invalid({ reconnect: { maxDelayMs: Number.NaN } }, "reconnect.maxDelayMs", /milliseconds/);
  });

  it("new CodexBackend() refuses a bad endpoint or misplaced auth at once; credential files wait for start()", () => {
    for (const [config, field] of [
      [{ endpoint: "http://127.0.0.1:1" }, "endpoint"],
      [{ auth: { token: "t" } }, "auth"],
      [{ endpoint: "ws://127.0.0.1:1", auth: { tokenFile: "relative" } }, "auth.tokenFile"],
      [{ endpoint: "ws://127.0.0.1:1", reconnect: { maxAttempts: 0 } }, "reconnect.maxAttempts"],
    ] as const) {
      assert.throws(
        () => new CodexBackend(config as never),
        (error: unknown) => error instanceof InvalidConfigError && error.field === field,
        JSON.stringify(config),
      );
    }
    assert.doesNotThrow(() => new CodexBackend({ endpoint: "ws://127.0.0.1:1", auth: { tokenFile: path.join(dir, "not-yet") } }));
  });

  it("CodexBackend.start() rejects a bad endpoint with INVALID_CONFIG before anything starts", async () => {
    const backend = new CodexBackend({ endpoint: "ws://127.0.0.1:1", auth: { tokenFile: path.join(dir, "missing") }, spawn: () => assert.fail("spawned") });
    await assert.rejects(backend.start(), (error: unknown) => error instanceof InvalidConfigError && error.field === "auth.tokenFile");
    assert.equal(backend.pid, undefined);
  });
});

describe("credentialsFor", () => {
  it("sends a token, or a token file's trimmed content, as a bearer token; both are secrets", async () => {
    assert.deepEqual(await credentialsFor(undefined), { authorization: undefined, secrets: [] });
    assert.deepEqual(await credentialsFor({ token: "abc" }), { authorization: "Bearer abc", secrets: ["abc"] });
    const tokenFile = file("token", "from-file\n");
    assert.deepEqual(await credentialsFor({ tokenFile }), { authorization: "Bearer from-file", secrets: ["from-file"] });
    writeFileSync(tokenFile, "rotated\n");
    assert.equal((await credentialsFor({ tokenFile })).authorization, "Bearer rotated", "read at each connection");
  });

  it("signs a short-lived HS256 JWT with exp, iat, and iss/aud when given, keyed by the trimmed secret", async () => {
    const sharedSecretFile = file("secret", `${SECRET}\n`);
    const before = Math.floor(Date.now() / 1000);
    const { authorization, secrets } = await credentialsFor({ sharedSecretFile, issuer: "me", audience: "them" });
    const jwt = authorization!.replace(/^Bearer /, "");
    assert.deepEqual(decodeProtectedHeader(jwt), { alg: "HS256", typ: "JWT" });
    const claims = decodeJwt(jwt);
    assert.equal(claims.iss, "me");
    assert.equal(claims.aud, "them");
    assert.ok(claims.iat! >= before);
    assert.equal(claims.exp! - claims.iat!, SIGNED_TOKEN_LIFETIME_SECONDS);
    assert.deepEqual(secrets, [SECRET, jwt]);
    const bare = decodeJwt((await credentialsFor({ sharedSecretFile })).authorization!.replace(/^Bearer /, ""));
    assert.equal("iss" in bare || "aud" in bare, false);
  });
});

describe("reconnectDelayMs", () => {
  it("doubles from initialDelayMs up to maxDelayMs, with half of each wait random", () => {
    const low = (attempt: number) => reconnectDelayMs(attempt, {}, () => 0);
    const high = (attempt: number) => reconnectDelayMs(attempt, {}, () => 1);
    assert.deepEqual([2, 3, 4, 5].map(high), [200, 400, 800, 1600]);
    assert.deepEqual([2, 3, 4, 5].map(low), [100, 200, 400, 800]);
    assert.equal(high(20), DEFAULT_RECONNECT.maxDelayMs);
    assert.equal(reconnectDelayMs(3, { initialDelayMs: 10, maxDelayMs: 15 }, () => 1), 15);
  });
});
