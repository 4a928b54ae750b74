/** Connecting a backend to a remote endpoint, against small servers on 127.0.0.1: refusals, retries, close() during the attempts. */
import assert from "node:assert/strict";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from "node:net";
import { after, describe, it } from "node:test";
import { CodexBackend } from "../../src/codex/codexBackend.ts";
import { AgentError, AuthError } from "../../src/errors.ts";

const TIMEOUT = { timeout: 10_000 };
const servers: (Server | TcpServer)[] = [];
after(async () => {
  for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** An HTTP server that answers every request (the upgrade included) with `status`; counts the requests. */
async function answering(status: number, body = ""): Promise<{ endpoint: string; requests: () => number }> {
  let requests = 0;
  const server = createHttpServer((_request, response) => {
    requests++;
    response.writeHead(status).end("no");
  });
  server.on("upgrade", (_request, socket) => {
    requests++;
    socket.on("error", () => {}); // the client resets the connection once it has read the refusal
    socket.end(`HTTP/1.1 ${status} No\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { endpoint: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

const isCode = (code: string) => (error: unknown) => {
  assert.ok(error instanceof AgentError, `expected an AgentError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return true;
};

describe("connecting a backend to a remote endpoint", () => {
  it("HTTP 403 is AUTH, tried once, and the message mentions the Origin rule", TIMEOUT, async () => {
    const server = await answering(403);
    const error = await new CodexBackend({ endpoint: server.endpoint, auth: { token: "secret-token-123456" }, reconnect: { initialDelayMs: 600_000, maxAttempts: 5 } })
      .start()
      .then(
        () => assert.fail("connected"),
        (error: unknown) => error,
      );
    assert.ok(error instanceof AuthError);
    assert.equal(error.statusCode, 403);
    assert.match(error.message, /HTTP 403.*Origin/);
    assert.equal(error.message.includes("secret-token-123456"), false);
    assert.equal(server.requests(), 1);
  });

  it("another HTTP refusal (503) is retried, then BACKEND_START naming the endpoint", TIMEOUT, async () => {
    const server = await answering(503);
    await assert.rejects(new CodexBackend({ endpoint: server.endpoint, reconnect: { initialDelayMs: 1, maxAttempts: 3 } }).start(), (error: unknown) => {
      isCode("BACKEND_START")(error);
      assert.match((error as Error).message, new RegExp(`${server.endpoint}.*after 3 attempts.*HTTP 503`));
      return true;
    });
    assert.equal(server.requests(), 3);
  });

  it("a refusal whose body echoes the credential (a proxy's error page) is redacted in the error", TIMEOUT, async () => {
    const token = "echoed-token-0123456789";
    const server = await answering(502, `bad gateway for token ${token}`);
    await assert.rejects(new CodexBackend({ endpoint: server.endpoint, auth: { token }, reconnect: { initialDelayMs: 1, maxAttempts: 1 } }).start(), (error: unknown) => {
      isCode("BACKEND_START")(error);
      assert.match((error as Error).message, /HTTP 502 \(bad gateway for token \[REDACTED\]\)/);
      return true;
    });
  });

  it("close() while waiting between attempts ends the start at once with CLOSED", TIMEOUT, async () => {
    const server = await answering(503);
    const backend = new CodexBackend({ endpoint: server.endpoint, reconnect: { initialDelayMs: 600_000, maxDelayMs: 600_000, maxAttempts: 5 } });
    const started = backend.start();
    while (server.requests() < 1) await new Promise((resolve) => setImmediate(resolve));
    await backend.close();
    await assert.rejects(started, isCode("CLOSED"));
    assert.equal(backend.state, "closed");
  });

  it("close() during a handshake the server never answers ends the start at once with CLOSED", TIMEOUT, async () => {
    let accepted = 0;
    const silent = createTcpServer((socket) => {
      accepted++;
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    servers.push(silent);
    const backend = new CodexBackend({ endpoint: `ws://127.0.0.1:${(silent.address() as AddressInfo).port}`, startTimeoutSeconds: 600 });
    const started = backend.start();
    while (accepted < 1) await new Promise((resolve) => setImmediate(resolve));
    await backend.close();
    await assert.rejects(started, isCode("CLOSED"));
  });
});
