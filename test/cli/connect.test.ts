/**
 * `codex-rpc run --connect` and `check --connect` against real app-servers listening on
 * 127.0.0.1 (started by the test, hermetic HOME and CODEX_HOME, the project's model on loopback):
 * credentials from a token file, a shared-secret file or CODEX_RPC_TOKEN; refused and missing
 * credentials and an unreachable endpoint exit 3 naming the endpoint, with no secret printed;
 * `check --connect` runs the scenarios that need no model and lists the others as skipped.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { main } from "../../src/cli/main.ts";
import { SCENARIOS } from "../../src/cli/check/scenarios.ts";
import { createHermeticCodexHome, type HermeticCodexHome } from "../../src/testing/hermeticCodexHome.ts";
import { startListeningAppServer, type ListeningAppServer } from "../../src/testing/listeningAppServer.ts";
import { LoopbackModel } from "../../src/testing/loopbackModel.ts";
import { captureIo } from "./cliHelpers.ts";

const TOKEN = "cli-capability-token-0123456789abcdef";
const WRONG = "cli-wrong-token-fedcba9876543210";
const SECRET = "cli-shared-secret-0123456789abcdef-0123456789";

describe("codex-rpc run/check --connect", { timeout: 120_000 }, () => {
  let model: LoopbackModel;
  let home: HermeticCodexHome;
  let dir: string;
  let tokenFile: string;
  let wrongFile: string;
  let secretFile: string;
  let tokenServer: ListeningAppServer;
  let secretServer: ListeningAppServer;

  before(async () => {
    model = await LoopbackModel.start();
    home = await createHermeticCodexHome({ modelBaseUrl: model.baseUrl });
    dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-connect-"));
    tokenFile = path.join(dir, "token");
    wrongFile = path.join(dir, "wrong");
    secretFile = path.join(dir, "secret");
    await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    await writeFile(wrongFile, `${WRONG}\n`, { mode: 0o600 });
    await writeFile(secretFile, `${SECRET}\n`, { mode: 0o600 });
    [tokenServer, secretServer] = await Promise.all([
      startListeningAppServer({ env: home.env, auth: { tokenFile } }),
      startListeningAppServer({ env: home.env, auth: { sharedSecretFile: secretFile, issuer: "cli-tests", audience: "app-server" } }),
    ]);
  });
  after(async () => {
    await tokenServer?.stop();
    await secretServer?.stop();
    await model?.close();
    await home?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs `codex-rpc ARGS` in-process (cwd: the hermetic work dir); the exit code and what was printed. */
  async function cli(args: readonly string[], env: Record<string, string | undefined> = {}) {
    const io = captureIo({ cwd: home.workDir, env: { NO_COLOR: "1", ...env } });
    const code = await main(args, io);
    return { code, stdout: io.output(), stderr: io.errors() };
  }

  it("runs a turn on a server with a token file (a relative path, against the current directory)", async () => {
    const relative = path.relative(home.workDir, tokenFile);
    const result = await cli(["run", "--connect", tokenServer.endpoint, "--token-file", relative, "hello over ws"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "You said: hello over ws (turn 1)\n");
    assert.match(result.stderr, /tokens \d+ in/);
  });

  it("takes the token from CODEX_RPC_TOKEN, and signed bearer tokens from --shared-secret-file --issuer --audience", async () => {
    const fromEnv = await cli(["run", "--connect", tokenServer.endpoint, "from the environment"], { CODEX_RPC_TOKEN: TOKEN });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal(fromEnv.stdout, "You said: from the environment (turn 1)\n");
    const signed = await cli(["run", "--connect", secretServer.endpoint, "--shared-secret-file", secretFile, "--issuer", "cli-tests", "--audience", "app-server", "signed"]);
    assert.equal(signed.code, 0, signed.stderr);
    assert.equal(signed.stdout, "You said: signed (turn 1)\n");
  });

  it("exits 3 on a wrong token, naming the endpoint and the flag to check, printing no secret", async () => {
    const wrong = await cli(["run", "--connect", tokenServer.endpoint, "--token-file", wrongFile, "hello"]);
    assert.equal(wrong.code, 3, wrong.stderr);
    assert.equal(wrong.stdout, "");
    assert.ok(wrong.stderr.includes(`The codex app-server at ${tokenServer.endpoint} refused the credentials (HTTP 401)`), wrong.stderr);
    assert.match(wrong.stderr, /AUTH/);
    assert.match(wrong.stderr, /Check that --token-file holds the token of the server's --ws-token-file/);
    for (const secret of [WRONG, TOKEN]) assert.equal(wrong.stderr.includes(secret), false, "no token in the output");

    const wrongEnv = await cli(["run", "--connect", tokenServer.endpoint, "hello"], { CODEX_RPC_TOKEN: WRONG });
    assert.equal(wrongEnv.code, 3, wrongEnv.stderr);
    assert.match(wrongEnv.stderr, /Check that the token in CODEX_RPC_TOKEN holds the token/);
    assert.equal(wrongEnv.stderr.includes(WRONG), false);

    const missing = await cli(["run", "--connect", tokenServer.endpoint, "hello"]);
    assert.equal(missing.code, 3, missing.stderr);
    assert.match(missing.stderr, /requires a credential: pass --token-file or --shared-secret-file \(or set CODEX_RPC_TOKEN\)/);

    const wrongSecret = await cli(["check", "--connect", secretServer.endpoint, "--shared-secret-file", secretFile, "--issuer", "someone-else"]);
    assert.equal(wrongSecret.code, 3, wrongSecret.stdout + wrongSecret.stderr);
    assert.match(wrongSecret.stderr, /refused the credentials.*--shared-secret-file holds the server's --ws-shared-secret-file, that --issuer and --audience match/);
    assert.equal(wrongSecret.stderr.includes(SECRET), false);
  });

  it("exits 3 when nothing listens at the endpoint, and 2 for an unreadable token file", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const endpoint = `ws://127.0.0.1:${port}`;
    const unreachable = await cli(["run", "--connect", endpoint, "hello"]);
    assert.equal(unreachable.code, 3, unreachable.stderr);
    assert.ok(unreachable.stderr.includes(`Could not connect to the codex app-server at ${endpoint}`), unreachable.stderr);

    const unreadable = await cli(["run", "--connect", tokenServer.endpoint, "--token-file", path.join(dir, "no-such-file"), "hello"]);
    assert.equal(unreadable.code, 2, unreadable.stderr);
    assert.match(unreadable.stderr, /--token-file \S+no-such-file cannot be read \(ENOENT\)/);
  });

  it("refuses flags that do not go together, before connecting (exit 2)", async () => {
    const cases: [string[], RegExp][] = [
      [["run", "--token-file", tokenFile, "hi"], /--token-file goes with --connect URL/],
      [["run", "--connect", tokenServer.endpoint, "--offline", "hi"], /leave out --offline/],
      [["run", "--connect", tokenServer.endpoint, "--codex-bin", "/bin/false", "hi"], /leave out --codex-bin/],
      [["run", "--connect", "unix:///tmp/x.sock", "--token-file", tokenFile, "hi"], /unix socket: its file permissions decide/],
      [["run", "--connect", tokenServer.endpoint, "--token-file", tokenFile, "--shared-secret-file", secretFile, "hi"], /cannot be used with option/],
      [["run", "--connect", tokenServer.endpoint, "--issuer", "x", "hi"], /--issuer is a claim of signed bearer tokens: add --shared-secret-file/],
      [["run", "--connect", "http://127.0.0.1:1", "hi"], /unsupported scheme http:/],
      [["check", "--connect", tokenServer.endpoint, "--schema-from-binary"], /leave out --schema-from-binary/],
      [["check", "--transcript", tokenFile, "--connect", tokenServer.endpoint], /leave out --connect/],
    ];
    for (const [args, expected] of cases) {
      const result = await cli(args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, expected, args.join(" "));
    }
  });

  it("says at once when the server is not logged in (exit 3), naming the server, not the local login", async () => {
    const bare = await createHermeticCodexHome({ modelBaseUrl: "http://127.0.0.1:1/v1" });
    try {
      // codex's default provider (OpenAI, which needs a login), with the remote features still off.
      const config = await readFile(path.join(bare.codexHome, "config.toml"), "utf8");
      await writeFile(path.join(bare.codexHome, "config.toml"), config.slice(config.indexOf("[features]")));
      const socketPath = path.join(dir, "unlogged.sock");
      const unlogged = await startListeningAppServer({ env: bare.env, listen: `unix://${socketPath}` });
      try {
        const result = await cli(["run", "--connect", unlogged.endpoint, "--timeout", "300", "say hi"]);
        assert.equal(result.code, 3, result.stderr);
        assert.ok(result.stderr.includes(`NOT_LOGGED_IN The codex app-server at unix://${socketPath} is not logged in`), result.stderr);
        assert.match(result.stderr, /Log in on the server's host/);
        assert.doesNotMatch(result.stderr, /--offline/);
      } finally {
        await unlogged.stop();
      }
    } finally {
      await bare.dispose();
    }
  });

  it("check --connect runs the scenarios that need no model and lists the others as skipped, with the reason", async () => {
    const result = await cli(["check", "--connect", tokenServer.endpoint, "--token-file", tokenFile]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.ok(result.stdout.startsWith(`codex-rpc check ${tokenServer.endpoint}\nserver: codex`), result.stdout);
    assert.match(result.stdout, /^handshake +[1-9]\d* +0 +ok/m);
    assert.match(result.stdout, /^thread start\/read +[1-9]\d* +0 +ok/m);
    assert.match(result.stdout, /^Skipped \(they script the built-in model's answers/m);
    assert.match(result.stdout, /^thread start\/resume +skip +resuming needs a thread with a turn/m);
    assert.match(result.stdout, /^text turn +skip +expects the built-in model's exact answer$/m);
    assert.match(result.stdout, /conformant in the 2 scenarios that ran\n$/);
    assert.equal(result.stdout.includes(TOKEN), false);

    const json = await cli(["check", "--json", "--connect", tokenServer.endpoint], { CODEX_RPC_TOKEN: TOKEN });
    assert.equal(json.code, 0, json.stdout + json.stderr);
    const report = JSON.parse(json.stdout) as { ok: boolean; endpoint: string; scenarios: { name: string; ok: boolean }[]; skipped: { name: string; reason: string }[]; failures: unknown[] };
    assert.equal(report.ok, true);
    assert.equal(report.endpoint, tokenServer.endpoint);
    const remote = SCENARIOS.filter((s) => typeof s.remote === "function").map((s) => s.name);
    assert.deepEqual(report.scenarios.map((s) => s.name), remote);
    assert.deepEqual(report.skipped.map((s) => s.name), SCENARIOS.filter((s) => typeof s.remote !== "function").map((s) => s.name));
    assert.ok(report.skipped.every((s) => s.reason.length > 0));
    assert.deepEqual(report.failures, []);
    // The model behind the server was never asked: nothing of a skipped scenario ran.
    assert.equal(model.requests.some((request) => request.userTexts.some((text) => text.startsWith("conformance:") || text === "Say hello")), false);
  });
});
