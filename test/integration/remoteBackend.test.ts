/**
 * Backends on remote app-servers: the real codex binary listening on 127.0.0.1 (WebSocket, with
 * each kind of auth) and on unix sockets, started and stopped by the tests, in a hermetic HOME
 * and CODEX_HOME, against the project's model on loopback.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CodexAgentSessionFactory } from "../../src/codex/codexAgentSessionFactory.ts";
import { CodexBackend, type CodexBackendConfig } from "../../src/codex/codexBackend.ts";
import { AgentError, AuthError, BackendExitedError } from "../../src/errors.ts";
import { createHermeticCodexHome, type HermeticCodexHome } from "../../src/testing/hermeticCodexHome.ts";
import { startListeningAppServer, type ListeningAppServer, type ListeningAppServerOptions } from "../../src/testing/listeningAppServer.ts";
import { defaultResponder, LoopbackModel, type LoopbackModelResponder } from "../../src/testing/loopbackModel.ts";
import { processAlive } from "../helpers/realCodex.ts";
import { SUPPORTED_CODEX_VERSIONS } from "../../src/codex/supportedVersions.ts";

const FORGET_CLOSE = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/lifecycle/forgetCloseRemote.ts");
const TOKEN = "capability-token-0123456789abcdef";
const SECRET = "shared-secret-0123456789abcdef-0123456789";
/** Long enough that a retried AUTH would run into the test's timeout instead of passing. */
const NEVER_RETRY = { initialDelayMs: 600_000, maxDelayMs: 600_000, maxAttempts: 5 };

const isCode = (code: string) => (error: unknown) => {
  assert.ok(error instanceof AgentError, `expected an AgentError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return true;
};

describe("backends on listening app-servers", { timeout: 120_000 }, () => {
  let model: LoopbackModel;
  let home: HermeticCodexHome;
  let dir: string;
  let tokenFile: string;
  let secretFile: string;
  let respond: LoopbackModelResponder = defaultResponder;
  const servers: ListeningAppServer[] = [];
  const factories: CodexAgentSessionFactory[] = [];

  before(async () => {
    model = await LoopbackModel.start({ respond: (request) => respond(request) });
    home = await createHermeticCodexHome({ modelBaseUrl: model.baseUrl });
    dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-remote-"));
    tokenFile = path.join(dir, "token");
    secretFile = path.join(dir, "secret");
    await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    await writeFile(secretFile, `${SECRET}\n`, { mode: 0o600 });
  });
  after(async () => {
    for (const factory of factories) await factory.close();
    for (const server of servers) await server.stop();
    await model?.close();
    await home?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function server(options: Partial<ListeningAppServerOptions> = {}): Promise<ListeningAppServer> {
    const started = await startListeningAppServer({ env: home.env, ...options });
    servers.push(started);
    return started;
  }
  function factory(config: CodexBackendConfig): CodexAgentSessionFactory {
    const made = new CodexAgentSessionFactory({ env: home.env, ...config });
    factories.push(made);
    return made;
  }
  async function twoTurns(made: CodexAgentSessionFactory): Promise<void> {
    const runner = await made.runner({ workingDirectory: home.workDir });
    assert.equal((await runner.turn("hello")).assistantText, "You said: hello (turn 1)");
    assert.equal((await runner.turn("again")).assistantText, "You said: again (turn 2)");
  }

  it("holds a conversation over ws:// with a capability token; the token is in no message and is redacted", async () => {
    const listening = await server({ auth: { tokenFile } });
    const lines: string[] = [];
    const made = factory({ endpoint: listening.endpoint, auth: { token: TOKEN }, onTraffic: (_direction, _message, line) => lines.push(line) });
    await made.start();
    assert.equal(made.backend.pid, undefined, "no process of ours");
    assert.equal(made.backend.endpoint, listening.endpoint);
    // The pinned binary, or the one CODEX_BIN names (`npm run test:versions`).
    assert.ok((SUPPORTED_CODEX_VERSIONS as readonly string[]).includes(made.backend.serverVersion ?? ""), `server version ${made.backend.serverVersion}`);
    await twoTurns(made);
    assert.ok(lines.length > 10);
    assert.equal(lines.some((line) => line.includes(TOKEN)), false);
    assert.equal(made.backend.redactText(`header was ${TOKEN}.`), "header was [REDACTED].");
    await made.close();
  });

  it("a traffic callback that throws on every message breaks nothing over ws://: both turns complete, each error reaches onCallbackError", async () => {
    const listening = await server();
    const caught: string[] = [];
    const made = factory({
      endpoint: listening.endpoint,
      onTraffic: () => {
        throw new Error("tap broken");
      },
      onCallbackError: (_error, name) => caught.push(name),
    });
    await twoTurns(made);
    assert.ok(caught.length > 10, `caught ${caught.length} callback errors`);
    await made.close();
  });

  it("holds a conversation with a token file (read when connecting)", async () => {
    const listening = await server({ auth: { tokenFile } });
    const made = factory({ endpoint: listening.endpoint, auth: { tokenFile } });
    await twoTurns(made);
    await made.close();
  });

  it("holds a conversation with a signed bearer token (HS256 JWT with exp, iss and aud)", async () => {
    const listening = await server({ auth: { sharedSecretFile: secretFile, issuer: "codex-rpc-tests", audience: "app-server" } });
    const made = factory({ endpoint: listening.endpoint, auth: { sharedSecretFile: secretFile, issuer: "codex-rpc-tests", audience: "app-server" } });
    await twoTurns(made);
    assert.equal(made.backend.redactText(SECRET), "[REDACTED]");
    await made.close();
  });

  it("holds a conversation over a unix socket, by path and as the control socket under CODEX_HOME", async () => {
    const socketPath = path.join(dir, "app-server.sock");
    const byPath = await server({ listen: `unix://${socketPath}` });
    assert.equal(byPath.endpoint, `unix://${socketPath}`);
    const made = factory({ endpoint: byPath.endpoint });
    await twoTurns(made);
    await made.close();
    await byPath.stop();

    const control = await server({ listen: "unix://" });
    assert.equal(control.endpoint, `unix://${path.join(home.codexHome, "app-server-control", "app-server-control.sock")}`);
    const viaHome = factory({ endpoint: "unix://" });
    await twoTurns(viaHome);
    await viaHome.close();
    await control.stop();
  });

  it("a wrong token is AUTH at once, naming the endpoint and not the token; so is a missing one", async () => {
    const listening = await server({ auth: { tokenFile } });
    const wrong = "wrong-token-0123456789";
    const error = await new CodexBackend({ endpoint: listening.endpoint, auth: { token: wrong }, env: home.env, reconnect: NEVER_RETRY }).start().then(
      () => assert.fail("connected"),
      (error: unknown) => error,
    );
    assert.ok(error instanceof AuthError, String(error));
    assert.equal(error.code, "AUTH");
    assert.equal(error.statusCode, 401);
    assert.ok(error.message.includes(listening.endpoint), error.message);
    assert.match(error.message, /auth\.token/);
    assert.equal(error.message.includes(wrong), false);
    assert.equal(String(error.stack).includes(wrong), false);

    const made = factory({ endpoint: listening.endpoint, reconnect: NEVER_RETRY });
    await assert.rejects(made.start(), (error: unknown) => {
      isCode("AUTH")(error);
      assert.match((error as Error).message, /requires a credential: set auth/);
      return true;
    });
    // A rejected start leaves the factory usable: the next use tries again (and is refused again).
    await assert.rejects(made.runner({ workingDirectory: home.workDir }), isCode("AUTH"));
  });

  it("an endpoint nobody listens on is BACKEND_START naming it, after the configured attempts", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const endpoint = `ws://127.0.0.1:${port}`;
    await assert.rejects(new CodexBackend({ endpoint, reconnect: { initialDelayMs: 5, maxAttempts: 3 } }).start(), (error: unknown) => {
      isCode("BACKEND_START")(error);
      assert.ok((error as Error).message.includes(endpoint), (error as Error).message);
      assert.match((error as Error).message, /after 3 attempts .*ECONNREFUSED/);
      return true;
    });
    const missing = `unix://${path.join(dir, "nobody.sock")}`;
    await assert.rejects(new CodexBackend({ endpoint: missing, reconnect: { initialDelayMs: 5, maxAttempts: 2 } }).start(), (error: unknown) => {
      isCode("BACKEND_START")(error);
      assert.ok((error as Error).message.includes(missing), (error as Error).message);
      return true;
    });
  });

  for (const transport of ["ws", "unix"] as const) {
    it(`a server killed mid-turn fails the turn at once with BACKEND_EXITED naming it; restarted on the same address, the conversation resumes there (${transport})`, async () => {
      const listen = transport === "ws" ? {} : { listen: `unix://${path.join(dir, "restart.sock")}` };
      const auth = transport === "ws" ? { tokenFile } : undefined;
      const first = await server({ ...listen, ...(auth ? { auth } : {}) });
      const made = factory({ endpoint: first.endpoint, ...(auth ? { auth } : {}), reconnect: { initialDelayMs: 50, maxAttempts: 3 } });
      const runner = await made.runner({ workingDirectory: home.workDir });
      assert.equal((await runner.turn("remember avocado")).assistantText, "You said: remember avocado (turn 1)");
      const backendBefore = made.backend;
      const threadId = runner.threadId;

      respond = (request) => (request.lastUserText === "hang here" ? { type: "hang" } : defaultResponder(request));
      const requestsBefore = model.requests.length;
      const turn = runner.turn("hang here", { timeoutSeconds: 600 }).then(
        () => assert.fail("the turn completed"),
        (error: unknown) => error,
      );
      await model.waitForRequests(requestsBefore + 1);
      await first.kill();
      await assert.rejects(turn.then((error) => Promise.reject(error)), (error: unknown) => {
        assert.ok(error instanceof BackendExitedError, String(error));
        assert.ok(error.message.includes(first.endpoint), error.message);
        assert.match(error.message, /close code \d+/);
        assert.equal(error.exit.connection?.endpoint, first.endpoint);
        return true;
      });
      respond = defaultResponder;

      // While it is down, the next use tries the configured attempts and fails naming it.
      await assert.rejects(runner.turn("anyone there?"), (error: unknown) => {
        isCode("BACKEND_START")(error);
        assert.ok((error as Error).message.includes(first.endpoint));
        return true;
      });

      const second = await server({ ...(auth ? { auth } : {}), listen: first.endpoint });
      assert.equal(second.endpoint, first.endpoint);
      const answer = await runner.turn("which word?");
      assert.match(answer.assistantText, /^You said: which word\? \(turn \d\)$/);
      assert.equal(runner.threadId, threadId, "the same conversation");
      assert.notEqual(made.backend, backendBefore, "on a new connection");
      assert.equal(backendBefore.state, "exited");
      const last = model.requests.at(-1)!;
      assert.ok(last.userTexts.includes("remember avocado"), "the model saw the history of the thread");
      await made.close();
    });
  }

  it("a dropped link to a server that keeps running: the turn fails at once, the next one resumes the thread on the same server", async () => {
    const listening = await server({ auth: { tokenFile } });
    const target = Number(new URL(listening.endpoint).port);
    // A TCP proxy between client and server whose connections the test can cut, as a network would.
    const links = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = connect(target, "127.0.0.1");
      for (const socket of [client, upstream]) {
        links.add(socket);
        socket.on("error", () => {});
        socket.on("close", () => links.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const endpoint = `ws://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const made = factory({ endpoint, auth: { tokenFile }, reconnect: { initialDelayMs: 50, maxAttempts: 3 } });
    const runner = await made.runner({ workingDirectory: home.workDir });
    assert.equal((await runner.turn("remember kiwi")).assistantText, "You said: remember kiwi (turn 1)");

    respond = (request) => (request.lastUserText === "hang here" ? { type: "hang" } : defaultResponder(request));
    const requestsBefore = model.requests.length;
    const turn = runner.turn("hang here", { timeoutSeconds: 600 }).then(
      () => assert.fail("the turn completed"),
      (error: unknown) => error,
    );
    await model.waitForRequests(requestsBefore + 1);
    for (const socket of links) socket.destroy();
    const error = await turn;
    assert.ok(error instanceof BackendExitedError, String(error));
    assert.ok(error.message.includes(endpoint), error.message);
    respond = defaultResponder;

    const answer = await runner.turn("which fruit?");
    assert.match(answer.assistantText, /^You said: which fruit\? \(turn \d\)$/);
    assert.ok(model.requests.at(-1)!.userTexts.includes("remember kiwi"), "the model saw the history of the thread");
    assert.equal(processAlive(listening.pid), true);
    await made.close();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  it("close() only disconnects: the server keeps running and takes a new client", async () => {
    const listening = await server({ auth: { tokenFile } });
    const made = factory({ endpoint: listening.endpoint, auth: { tokenFile } });
    await twoTurns(made);
    await made.close();
    assert.equal(processAlive(listening.pid), true);
    const again = factory({ endpoint: listening.endpoint, auth: { tokenFile } });
    await twoTurns(again);
    await again.close();
    await listening.stop();
    assert.equal(processAlive(listening.pid), false);
  });

  it("a script that forgets close() on a remote backend still exits; the server keeps running", async () => {
    const listening = await server({ auth: { tokenFile } });
    const child = spawn(process.execPath, ["--import", "tsx", FORGET_CLOSE], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORGET_CLOSE_ENDPOINT: listening.endpoint, FORGET_CLOSE_TOKEN_FILE: tokenFile, FORGET_CLOSE_WORKDIR: home.workDir },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const [code, signal] = (await once(child, "close")) as [number | null, string | null];
    clearTimeout(timer);
    assert.equal(signal, null, `the script did not exit by itself (killed)\n${stderr}`);
    assert.equal(code, 0, stderr);
    assert.deepEqual((JSON.parse(stdout) as { answers: string[] }).answers, ["You said: hi (turn 1)", "You said: again (turn 2)"]);
    assert.equal(processAlive(listening.pid), true);
  });
});
