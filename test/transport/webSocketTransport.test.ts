/** The WebSocket reader/writer pair and link, against `ws` servers on 127.0.0.1 and on a unix socket. */
import assert from "node:assert/strict";
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import type { Message } from "vscode-jsonrpc/node";
import { WebSocketServer, type WebSocket as ServerSocket, type RawData, type ServerOptions } from "ws";
import { WebSocketFrameError } from "../../src/transport/webSocketMessageReader.ts";
import { connectWebSocket, WebSocketConnectError, type WebSocketTransport } from "../../src/transport/webSocketTransport.ts";

const TIMEOUT = { timeout: 10_000 };

interface Peer {
  readonly url: string;
  readonly socketPath?: string;
  /** The server side of the first (or next) connection. */
  connection(): Promise<{ socket: ServerSocket; request: IncomingMessage; frames: { text: string; isBinary: boolean }[] }>;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A ws server on 127.0.0.1 (or a unix socket) that records each frame it receives. */
async function startPeer(options: { unix?: boolean; server?: Partial<ServerOptions> } = {}): Promise<Peer> {
  const http: Server = createHttpServer();
  const wss = new WebSocketServer({ server: http, ...options.server });
  type Connection = Awaited<ReturnType<Peer["connection"]>>;
  const pending: ((connection: Connection) => void)[] = [];
  const ready: Connection[] = [];
  wss.on("connection", (socket, request) => {
    const frames: { text: string; isBinary: boolean }[] = [];
    socket.on("message", (data: RawData, isBinary: boolean) => frames.push({ text: Buffer.from(data as Buffer).toString("utf8"), isBinary }));
    const entry = { socket, request, frames };
    const waiter = pending.shift();
    if (waiter) waiter(entry);
    else ready.push(entry);
  });
  let socketPath: string | undefined;
  if (options.unix) {
    const dir = mkdtempSync(path.join(tmpdir(), "codex-rpc-ws-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    socketPath = path.join(dir, "peer.sock");
    await new Promise<void>((resolve) => http.listen(socketPath, resolve));
  } else {
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  }
  const close = async (): Promise<void> => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  cleanups.push(close);
  const port = socketPath ? 0 : (http.address() as AddressInfo).port;
  return {
    url: socketPath ? "ws://localhost/" : `ws://127.0.0.1:${port}/`,
    ...(socketPath ? { socketPath } : {}),
    connection: () => {
      const entry = ready.shift();
      return entry ? Promise.resolve(entry) : new Promise((resolve) => pending.push(resolve));
    },
    close,
  };
}

/** Collects what the transport's reader delivers and the errors it reports. */
function collect(transport: WebSocketTransport) {
  const messages: Message[] = [];
  const errors: Error[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  transport.reader.onError((error) => {
    errors.push(error);
    check();
  });
  transport.reader.listen((message) => {
    messages.push(message);
    check();
  });
  function check(): void {
    for (const waiter of [...waiters]) if (messages.length + errors.length >= waiter.count) waiters.splice(waiters.indexOf(waiter), 1), waiter.resolve();
  }
  /** Waits until messages + errors reach `count`. */
  const until = (count: number): Promise<void> => (messages.length + errors.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })));
  return { messages, errors, until };
}

async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setImmediate(resolve));
}

describe("connectWebSocket", () => {
  it("sends each message as one text frame, without a newline and without an Origin header", TIMEOUT, async () => {
    const peer = await startPeer();
    const transport = await connectWebSocket({ url: peer.url, headers: { Authorization: "Bearer abc" } });
    const { socket, request, frames } = await peer.connection();
    assert.equal(request.headers.origin, undefined);
    assert.equal(request.headers["sec-websocket-origin"], undefined);
    assert.equal(request.headers.authorization, "Bearer abc");
    await Promise.all([1, 2, 3].map((id) => transport.writer.write({ jsonrpc: "2.0", id, method: "m", params: { n: id } } as Message)));
    await until(() => frames.length === 3);
    assert.deepEqual(
      frames.map((frame) => [frame.isBinary, frame.text.includes("\n"), (JSON.parse(frame.text) as { id: number }).id]),
      [
        [false, false, 1],
        [false, false, 2],
        [false, false, 3],
      ],
    );
    assert.equal(transport.writer.messagesWritten, 3);
    socket.close();
    await transport.closed;
  });

  it("a traffic callback that throws neither fails the write nor loses the frame; the error goes to onCallbackError", TIMEOUT, async () => {
    const peer = await startPeer();
    const caught: string[] = [];
    const transport = await connectWebSocket({
      url: peer.url,
      onMessageWritten: () => {
        throw new Error("tap broken");
      },
      onCallbackError: (_error, name) => caught.push(name),
    });
    const { socket, frames } = await peer.connection();
    await transport.writer.write({ jsonrpc: "2.0", id: 1, method: "m" } as Message);
    await until(() => frames.length === 1);
    assert.deepEqual(caught, ["onMessageWritten"]);
    socket.close();
    await transport.closed;
  });

  it("reports a binary, non-JSON or batch frame as an error and goes on reading", TIMEOUT, async () => {
    const peer = await startPeer();
    const transport = await connectWebSocket({ url: peer.url, checkMessage: (m) => ("bad" in (m as object) ? "refused by check" : undefined) });
    const seen = collect(transport);
    const { socket } = await peer.connection();
    socket.send(Buffer.from('{"jsonrpc":"2.0","method":"binary"}'), { binary: true });
    socket.send("not json");
    socket.send('[{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","method":"b"}]');
    socket.send('{"bad":1}');
    socket.send('{"jsonrpc":"2.0","method":"fine"}');
    await seen.until(5);
    assert.deepEqual(seen.messages, [{ jsonrpc: "2.0", method: "fine" }]);
    assert.equal(seen.errors.length, 4);
    assert.ok(seen.errors.every((error) => error instanceof WebSocketFrameError));
    assert.deepEqual(
      seen.errors.map((error) => (error as WebSocketFrameError).reason.split(/[:;]/)[0]),
      ["a binary frame of 35 bytes", "not JSON", "not a JSON object but an array", "refused by check"],
    );
    assert.equal(transport.reader.framesRejected, 4);
    await transport.close();
  });

  it("buffers messages that arrive before listen() and delivers them in order", TIMEOUT, async () => {
    const peer = await startPeer();
    const transport = await connectWebSocket({ url: peer.url });
    const { socket, frames } = await peer.connection();
    for (let i = 0; i < 5; i++) socket.send(JSON.stringify({ jsonrpc: "2.0", method: "n", params: { i } }));
    // A round trip through the server proves the five frames were sent and read first.
    await transport.writer.write({ jsonrpc: "2.0", method: "ping" } as Message);
    await until(() => frames.length === 1 && transport.reader.messagesRead === 5);
    const seen = collect(transport);
    assert.deepEqual(
      seen.messages.map((m) => (m as unknown as { params: { i: number } }).params.i),
      [0, 1, 2, 3, 4],
    );
    await transport.close();
  });

  it("carries an 8 MiB message both ways, each as one frame", TIMEOUT, async () => {
    const peer = await startPeer();
    const transport = await connectWebSocket({ url: peer.url });
    const seen = collect(transport);
    const { socket, frames } = await peer.connection();
    const big = "x".repeat(8 * 1024 * 1024);
    socket.send(JSON.stringify({ jsonrpc: "2.0", method: "big", params: { big } }));
    await seen.until(1);
    assert.equal((seen.messages[0] as unknown as { params: { big: string } }).params.big.length, big.length);
    await transport.writer.write({ jsonrpc: "2.0", method: "big", params: { big } } as Message);
    await until(() => frames.length === 1);
    assert.equal(frames[0]!.text, JSON.stringify({ jsonrpc: "2.0", method: "big", params: { big } }));
    await transport.close();
  });

  it("cuts the link, saying why, when a message exceeds maxPayloadBytes", TIMEOUT, async () => {
    const peer = await startPeer();
    const transport = await connectWebSocket({ url: peer.url, maxPayloadBytes: 1000 });
    const { socket } = await peer.connection();
    socket.send(JSON.stringify({ jsonrpc: "2.0", method: "big", params: { big: "x".repeat(2000) } }));
    const info = await transport.closed;
    assert.match(info.reason, /Max payload size exceeded/);
    assert.equal(info.byClient, false);
  });

  it("writes one frame at a time, in order, each write settling after the socket took it", TIMEOUT, async () => {
    const peer = await startPeer();
    const transport = await connectWebSocket({ url: peer.url });
    const { frames } = await peer.connection();
    const order: number[] = [];
    const writes = Array.from({ length: 200 }, (_, i) =>
      transport.writer.write({ jsonrpc: "2.0", method: "n", params: { i, pad: "y".repeat(i % 7 === 0 ? 100_000 : 10) } } as Message).then(() => order.push(i)),
    );
    await Promise.all(writes);
    assert.deepEqual(order, Array.from({ length: 200 }, (_, i) => i));
    await until(() => frames.length === 200);
    assert.deepEqual(
      frames.map((frame) => (JSON.parse(frame.text) as { params: { i: number } }).params.i),
      order,
    );
    await transport.close();
  });

  it("reports the peer's close once, with its code and reason; later writes reject", TIMEOUT, async () => {
    const peer = await startPeer();
    const transport = await connectWebSocket({ url: peer.url });
    let readerCloses = 0;
    let writerCloses = 0;
    transport.reader.onClose(() => readerCloses++);
    transport.writer.onClose(() => writerCloses++);
    const writerErrors: Error[] = [];
    transport.writer.onError(([error]) => writerErrors.push(error));
    const { socket } = await peer.connection();
    socket.close(4001, "going for a walk");
    const info = await transport.closed;
    assert.deepEqual({ code: info.code, reason: info.reason, byClient: info.byClient }, { code: 4001, reason: "going for a walk", byClient: false });
    await assert.rejects(transport.writer.write({ jsonrpc: "2.0", method: "late" } as Message), /Cannot write to the peer: the connection closed \(code 4001, going for a walk\)/);
    await assert.rejects(transport.writer.write({ jsonrpc: "2.0", method: "later" } as Message), /code 4001/);
    assert.equal(writerErrors.length, 1, "the cause is reported once");
    assert.equal(readerCloses, 1);
    assert.equal(writerCloses, 1);
    assert.equal(await transport.close(), info, "close() after the end returns the same info");
  });

  it("close() closes normally with 1000 and says the client asked", TIMEOUT, async () => {
    const peer = await startPeer();
    const transport = await connectWebSocket({ url: peer.url });
    const { socket } = await peer.connection();
    const serverSaw = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    const info = await transport.close();
    assert.equal(info.code, 1000);
    assert.equal(info.byClient, true);
    assert.equal(await serverSaw, 1000);
  });

  it("a lost connection (no closing handshake) ends with 1006", TIMEOUT, async () => {
    const peer = await startPeer();
    const transport = await connectWebSocket({ url: peer.url });
    const { socket } = await peer.connection();
    socket.terminate();
    const info = await transport.closed;
    assert.equal(info.code, 1006);
    assert.equal(info.byClient, false);
  });

  it("cuts the link when a ping goes unanswered", TIMEOUT, async () => {
    const peer = await startPeer({ server: { autoPong: false } });
    const transport = await connectWebSocket({ url: peer.url, keepaliveIntervalMs: 50 });
    await peer.connection();
    const info = await transport.closed;
    assert.equal(info.code, 1006);
    assert.match(info.reason, /no pong within 50 ms/);
  });

  it("keeps a link whose peer answers pings", TIMEOUT, async () => {
    const peer = await startPeer();
    const transport = await connectWebSocket({ url: peer.url, keepaliveIntervalMs: 50 });
    const { socket } = await peer.connection();
    let pings = 0;
    await new Promise<void>((resolve) =>
      socket.on("ping", () => {
        if (++pings === 5) resolve();
      }),
    );
    assert.equal(transport.closeInfo, undefined);
    await transport.close();
  });

  it("works over a unix socket", TIMEOUT, async () => {
    const peer = await startPeer({ unix: true });
    const transport = await connectWebSocket({ url: peer.url, socketPath: peer.socketPath! });
    const seen = collect(transport);
    const { socket, frames } = await peer.connection();
    await transport.writer.write({ jsonrpc: "2.0", id: 1, method: "hello" } as Message);
    await until(() => frames.length === 1);
    socket.send(JSON.stringify({ jsonrpc: "2.0", id: 1, result: { ok: true } }));
    await seen.until(1);
    assert.deepEqual(seen.messages, [{ jsonrpc: "2.0", id: 1, result: { ok: true } }]);
    await transport.close();
  });

  it("a refused upgrade rejects with the HTTP status and the server's text", TIMEOUT, async () => {
    const peer = await startPeer({
      server: { verifyClient: (_info: unknown, done: (ok: boolean, code?: number, message?: string) => void) => done(false, 401, "invalid websocket bearer token") },
    });
    const error = await connectWebSocket({ url: peer.url }).then(
      () => assert.fail("connected"),
      (error: unknown) => error,
    );
    assert.ok(error instanceof WebSocketConnectError);
    assert.equal(error.failure, "refused");
    assert.equal(error.statusCode, 401);
    assert.match(error.message, /HTTP 401/);
  });

  it("an endpoint nobody listens on is unreachable, over TCP and over a unix socket", TIMEOUT, async () => {
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    for (const options of [{ url: `ws://127.0.0.1:${port}/` }, { url: "ws://localhost/", socketPath: path.join(tmpdir(), "codex-rpc-no-such-dir", "x.sock") }]) {
      const error = await connectWebSocket(options).then(
        () => assert.fail("connected"),
        (error: unknown) => error,
      );
      assert.ok(error instanceof WebSocketConnectError);
      assert.equal(error.failure, "unreachable");
      assert.match(error.message, /ECONNREFUSED|ENOENT/);
    }
  });

  it("a server that accepts the connection but never answers the upgrade hits the handshake deadline", TIMEOUT, async () => {
    // Reads (and so sees the client's end) but never answers.
    const silent = createTcpServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const port = (silent.address() as AddressInfo).port;
    const error = await connectWebSocket({ url: `ws://127.0.0.1:${port}/`, handshakeTimeoutMs: 100 }).then(
      () => assert.fail("connected"),
      (error: unknown) => error,
    );
    assert.ok(error instanceof WebSocketConnectError);
    assert.equal(error.failure, "timeout");
    assert.match(error.message, /100 ms/);
  });

  it("a handshake given up through the signal rejects at once as aborted", TIMEOUT, async () => {
    let accepted = 0;
    const silent = createTcpServer((socket) => {
      accepted++;
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const controller = new AbortController();
    const connecting = connectWebSocket({ url: `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/`, handshakeTimeoutMs: 600_000, signal: controller.signal });
    while (accepted < 1) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const error = await connecting.then(
      () => assert.fail("connected"),
      (error: unknown) => error,
    );
    assert.ok(error instanceof WebSocketConnectError);
    assert.equal(error.failure, "aborted");
  });

  it("a malformed URL is invalid, not thrown", TIMEOUT, async () => {
    const error = await connectWebSocket({ url: "http//nope" }).then(
      () => assert.fail("connected"),
      (error: unknown) => error,
    );
    assert.ok(error instanceof WebSocketConnectError);
    assert.equal(error.failure, "invalid");
  });
});
