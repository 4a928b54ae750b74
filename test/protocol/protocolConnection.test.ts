import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AgentError, ProtocolError, RpcError } from "../../src/errors.ts";
import { ProtocolConnection, SERVER_OVERLOADED_CODE } from "../../src/protocol/protocolConnection.ts";
import type { ServerNotification } from "../../src/protocol/serverNotifications.ts";
import { PassThrough } from "node:stream";
import { checkEnvelope } from "../../src/protocol/envelope.ts";
import { JsonlMessageReader } from "../../src/transport/jsonlMessageReader.ts";
import { JsonlMessageWriter } from "../../src/transport/jsonlMessageWriter.ts";
import { InMemoryPeer } from "../helpers/inMemoryPeer.ts";

const INITIALIZE_RESULT = { userAgent: "codex/0.169.0", codexHome: "/tmp/h", platformFamily: "unix", platformOs: "linux" };
const INITIALIZE_PARAMS = { clientInfo: { name: "t", version: "0" } };

function connect(options: { overloadRetry?: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number }; onCallbackError?: () => void } = {}) {
  const peer = new InMemoryPeer();
  const protocolErrors: ProtocolError[] = [];
  const connection = new ProtocolConnection({
    reader: peer.reader,
    writer: peer.writer,
    onProtocolError: (error) => protocolErrors.push(error),
    ...options,
  });
  return { peer, connection, protocolErrors };
}

describe("ProtocolConnection.request", () => {
  it("returns the validated result, keeping fields a newer server adds", async () => {
    const { peer, connection } = connect();
    peer.answer("initialize", () => ({ result: { ...INITIALIZE_RESULT, newField: 1 } }));
    const result = await connection.request("initialize", INITIALIZE_PARAMS);
    assert.equal(result.userAgent, "codex/0.169.0");
    assert.equal((result as Record<string, unknown>).newField, 1);
    assert.deepEqual(peer.received[0]?.params, INITIALIZE_PARAMS);
  });

  it("rejects a result that breaks its schema with a PROTOCOL error naming the field", async () => {
    const { peer, connection } = connect();
    peer.answer("initialize", () => ({ result: { ...INITIALIZE_RESULT, codexHome: 42 } }));
    await assert.rejects(connection.request("initialize", INITIALIZE_PARAMS), (error: unknown) => {
      assert.ok(error instanceof ProtocolError);
      assert.equal(error.code, "PROTOCOL");
      assert.match(error.message, /initialize/);
      assert.match(error.message, /codexHome/);
      return true;
    });
  });

  it("refuses to send invalid params and sends nothing", async () => {
    const { peer, connection } = connect();
    await assert.rejects(
      connection.request("turn/interrupt", { threadId: "t" } as never),
      (error: unknown) => error instanceof ProtocolError && /turnId/.test(error.message),
    );
    assert.equal(peer.received.length, 0);
  });

  it("turns a JSON-RPC error into an RpcError keeping code, message and data", async () => {
    const { peer, connection } = connect();
    peer.answer("turn/interrupt", () => ({ error: { code: -32600, message: "no active turn to interrupt", data: { x: 1 } } }));
    await assert.rejects(connection.request("turn/interrupt", { threadId: "t", turnId: "u" }), (error: unknown) => {
      assert.ok(error instanceof RpcError);
      assert.equal(error.code, "RPC");
      assert.equal(error.rpcCode, -32600);
      assert.equal(error.rpcMessage, "no active turn to interrupt");
      assert.deepEqual(error.data, { x: 1 });
      return true;
    });
  });

  it("retries 'Server overloaded' with backoff and then succeeds", async () => {
    const { peer, connection } = connect({ overloadRetry: { maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 4 } });
    let calls = 0;
    peer.answer("initialize", () =>
      ++calls < 3 ? { error: { code: SERVER_OVERLOADED_CODE, message: "Server overloaded; retry later." } } : { result: INITIALIZE_RESULT },
    );
    const result = await connection.request("initialize", INITIALIZE_PARAMS);
    assert.equal(result.platformOs, "linux");
    assert.equal(calls, 3);
  });

  it("gives up after maxAttempts with code OVERLOADED", async () => {
    const { peer, connection } = connect({ overloadRetry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 } });
    let calls = 0;
    peer.answer("initialize", () => {
      calls++;
      return { error: { code: SERVER_OVERLOADED_CODE, message: "Server overloaded; retry later." } };
    });
    await assert.rejects(connection.request("initialize", INITIALIZE_PARAMS), (error: unknown) => {
      assert.ok(error instanceof RpcError);
      assert.equal(error.code, "OVERLOADED");
      return true;
    });
    assert.equal(calls, 3);
  });

  it("close() rejects every pending request with the given error and refuses new ones", async () => {
    const { connection } = connect();
    const pending = connection.request("initialize", INITIALIZE_PARAMS);
    assert.equal(connection.pendingRequestCount, 1);
    const gone = new AgentError("BACKEND_EXITED", "gone");
    connection.close(gone);
    await assert.rejects(pending, (error) => error === gone);
    await assert.rejects(connection.request("initialize", INITIALIZE_PARAMS), (error) => error === gone);
  });

  it("an aborted signal rejects the pending request", async () => {
    const { connection } = connect();
    const controller = new AbortController();
    const pending = connection.request("initialize", INITIALIZE_PARAMS, { signal: controller.signal });
    controller.abort(new Error("stop"));
    await assert.rejects(pending, /stop/);
    assert.equal(connection.pendingRequestCount, 0);
  });

  it("reports a response for an unknown request id and keeps working", async () => {
    const { peer, connection, protocolErrors } = connect();
    peer.send({ id: 999, result: {} });
    peer.answer("initialize", () => ({ result: INITIALIZE_RESULT }));
    await connection.request("initialize", INITIALIZE_PARAMS);
    assert.ok(protocolErrors.some((error) => /999/.test(error.message)), protocolErrors.map((e) => e.message).join("\n"));
  });
});

describe("ProtocolConnection notifications", () => {
  it("delivers known notifications validated and unknown ones as received", async () => {
    const { peer, connection } = connect();
    const seen: ServerNotification[] = [];
    const done = new Promise<void>((resolve) =>
      connection.onNotification((notification) => {
        seen.push(notification);
        if (seen.length === 2) resolve();
      }),
    );
    peer.notify("item/agentMessage/delta", { threadId: "t", turnId: "u", itemId: "i", delta: "he", extra: true });
    peer.notify("brand/new", { anything: [1, 2] });
    await done;
    assert.equal(seen[0]?.method, "item/agentMessage/delta");
    assert.equal((seen[0]?.params as { delta: string }).delta, "he");
    assert.deepEqual(seen[1], { method: "brand/new", params: { anything: [1, 2] } });
  });

  it("routes a known notification with bad params to the invalid listener, not the normal one", async () => {
    const { peer, connection, protocolErrors } = connect();
    const normal: ServerNotification[] = [];
    connection.onNotification((n) => normal.push(n));
    const invalid = new Promise<[string, unknown, ProtocolError]>((resolve) =>
      connection.onInvalidNotification((method, params, error) => resolve([method, params, error])),
    );
    peer.notify("turn/completed", { threadId: "t", turn: { id: "u", status: "weird", items: [] } });
    const [method, , error] = await invalid;
    assert.equal(method, "turn/completed");
    assert.match(error.message, /turn\.status/);
    assert.equal(normal.length, 0);
    assert.equal(protocolErrors.length, 1);
  });
});

describe("ProtocolConnection ordering", () => {
  it("a notification never overtakes a response that arrived before it", async () => {
    const { peer, connection } = connect();
    const order: string[] = [];
    connection.onNotification((n) => order.push(n.method));
    const answered = connection.request("initialize", INITIALIZE_PARAMS).then(() => order.push("response"));
    const request = await peer.waitFor((m) => m.method === "initialize");
    const delivered = new Promise<void>((resolve) => connection.onNotification((n) => n.method === "warning" && resolve()));
    peer.send({ id: request.id, result: INITIALIZE_RESULT });
    peer.notify("warning", { message: "sent after the response" });
    await Promise.all([answered, delivered]);
    assert.deepEqual(order, ["response", "warning"]);
  });

  it("delivers a flood of notifications in order, at once when nothing is queued ahead", () => {
    const { peer, connection } = connect();
    const deltas: string[] = [];
    connection.onNotification((n) => deltas.push((n.params as { delta: string }).delta));
    for (let i = 0; i < 1000; i++) peer.notify("item/agentMessage/delta", { threadId: "t", turnId: "u", itemId: "i", delta: String(i) });
    assert.equal(deltas.length, 1000, "dispatched synchronously, not one per event-loop turn");
    assert.deepEqual(deltas.slice(0, 3), ["0", "1", "2"]);
    assert.equal(deltas.at(-1), "999");
  });
});

describe("ProtocolConnection server requests", () => {
  const approvalParams = { threadId: "t", turnId: "u", itemId: "i", command: "ls", cwd: "/", startedAtMs: 1 };

  it("answers with the handler's validated result", async () => {
    const { peer, connection } = connect();
    connection.serverRequests.set("item/commandExecution/requestApproval", (params) => {
      assert.equal(params.command, "ls");
      return { decision: "accept" };
    });
    const response = await peer.request("item/commandExecution/requestApproval", approvalParams);
    assert.deepEqual(response.result, { decision: "accept" });
  });

  it("answers a known method without a handler with a method-not-found error", async () => {
    const { peer } = connect();
    const response = await peer.request("item/fileChange/requestApproval", approvalParams);
    assert.equal((response.error as { code: number }).code, -32601);
    assert.match((response.error as { message: string }).message, /no handler/);
  });

  it("answers an unknown method with an error, never silence", async () => {
    const { peer } = connect();
    const response = await peer.request("something/new", {});
    assert.equal((response.error as { code: number }).code, -32601);
  });

  it("answers invalid params with -32602 and reports it", async () => {
    const { peer, connection, protocolErrors } = connect();
    connection.serverRequests.set("item/commandExecution/requestApproval", () => ({ decision: "accept" }));
    const response = await peer.request("item/commandExecution/requestApproval", { threadId: 1 });
    assert.equal((response.error as { code: number }).code, -32602);
    assert.equal(protocolErrors.length, 1);
  });

  it("answers a failing handler and an invalid answer with -32603", async () => {
    const { peer, connection } = connect();
    connection.serverRequests.set("item/commandExecution/requestApproval", () => {
      throw new Error("boom");
    });
    const thrown = await peer.request("item/commandExecution/requestApproval", approvalParams);
    assert.equal((thrown.error as { code: number }).code, -32603);
    assert.match((thrown.error as { message: string }).message, /boom/);
    connection.serverRequests.set("item/commandExecution/requestApproval", () => ({ decision: "maybe" }) as never);
    const invalid = await peer.request("item/commandExecution/requestApproval", approvalParams);
    assert.equal((invalid.error as { code: number }).code, -32603);
    assert.match((invalid.error as { message: string }).message, /decision/);
  });
});

describe("ProtocolConnection: malformed responses settle their request at once", () => {
  it("a response with both result and error: PROTOCOL naming the method, and a report", async () => {
    const { peer, connection, protocolErrors } = connect();
    const pending = connection.request("initialize", INITIALIZE_PARAMS);
    const request = await peer.waitFor((m) => m.method === "initialize");
    peer.send({ id: request.id, result: INITIALIZE_RESULT, error: { code: 1, message: "both" } });
    await assert.rejects(pending, (error: unknown) => error instanceof ProtocolError && /initialize/.test(error.message) && /malformed/.test(error.message));
    assert.equal(protocolErrors.length, 1);
    assert.equal(connection.pendingRequestCount, 0);
  });

  it("a frame the reader rejects (bad envelope) that carries an outstanding id: PROTOCOL at once", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const protocolErrors: ProtocolError[] = [];
    const connection = new ProtocolConnection({
      reader: new JsonlMessageReader(input, { checkMessage: checkEnvelope }),
      writer: new JsonlMessageWriter(output),
      onProtocolError: (error) => protocolErrors.push(error),
    });
    const sent = new Promise<{ id: number }>((resolve) => output.once("data", (chunk: Buffer) => resolve(JSON.parse(chunk.toString()))));
    const pending = connection.request("initialize", INITIALIZE_PARAMS);
    const { id } = await sent;
    input.write(`${JSON.stringify({ id, result: INITIALIZE_RESULT, extra: "not allowed" })}\n`);
    await assert.rejects(pending, (error: unknown) => error instanceof ProtocolError && /initialize/.test(error.message));
    assert.equal(protocolErrors.length, 1);
    // Another malformed frame with that (now settled) id settles nothing and breaks nothing.
    input.write(`${JSON.stringify({ id, result: 1, error: { code: 1, message: "x" } })}\n`);
    const again = connection.request("initialize", INITIALIZE_PARAMS);
    const second = await new Promise<{ id: number }>((resolve) => output.once("data", (chunk: Buffer) => resolve(JSON.parse(chunk.toString()))));
    input.write(`${JSON.stringify({ id: second.id, result: INITIALIZE_RESULT })}\n`);
    assert.equal((await again).userAgent, INITIALIZE_RESULT.userAgent);
    connection.close();
  });
});

describe("ProtocolConnection: nothing read is dropped, a flood behind a response does not pile up", () => {
  it("notifications queued behind a response are all dispatched as soon as it is handled", async () => {
    const { peer, connection } = connect();
    const deltas: string[] = [];
    connection.onNotification((n) => deltas.push((n.params as { delta: string }).delta));
    const pending = connection.request("initialize", INITIALIZE_PARAMS);
    const request = await peer.waitFor((m) => m.method === "initialize");
    peer.send({ id: request.id, result: INITIALIZE_RESULT });
    for (let i = 0; i < 1000; i++) peer.notify("item/agentMessage/delta", { threadId: "t", turnId: "u", itemId: "i", delta: String(i) });
    await pending;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(deltas.length, 1000, "all delivered within an event-loop turn of the response, not one per turn");
    assert.equal(deltas.at(-1), "999");
  });

  it("drained() resolves once everything handed over has been dispatched, so a close after it loses nothing", async () => {
    const { peer, connection } = connect();
    const seen: string[] = [];
    connection.onNotification((n) => seen.push(n.method));
    const pending = connection.request("initialize", INITIALIZE_PARAMS).catch((error: unknown) => error);
    const request = await peer.waitFor((m) => m.method === "initialize");
    peer.send({ id: request.id, method: "item/tool/requestUserInput", params: { threadId: "t", turnId: "u", itemId: "i", questions: [] } });
    peer.send({ id: request.id, result: INITIALIZE_RESULT });
    for (let i = 0; i < 50; i++) peer.notify("warning", { message: `w${i}` });
    await connection.drained();
    connection.close();
    assert.equal(seen.length, 50);
    assert.equal(((await pending) as { userAgent?: string }).userAgent, INITIALIZE_RESULT.userAgent);
  });

  it("a listener that throws does not keep the others from the notification", () => {
    const { peer, connection } = connect({ onCallbackError: () => {} });
    const seen: string[] = [];
    connection.onNotification(() => {
      throw new Error("broken listener");
    });
    connection.onNotification((n) => seen.push(n.method));
    peer.notify("warning", { message: "m" });
    assert.deepEqual(seen, ["warning"]);
  });
});
