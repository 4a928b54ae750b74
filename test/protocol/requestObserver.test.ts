/**
 * The per-request hook of ProtocolConnection that tracing builds on: it sees each request's
 * method (never its params), puts its trace context in the request's `trace` member, and hears
 * how the request ended; an observer that throws changes nothing.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RpcError } from "../../src/errors.ts";
import { ProtocolConnection, type RequestObserver } from "../../src/protocol/protocolConnection.ts";
import { InMemoryPeer } from "../helpers/inMemoryPeer.ts";

const INITIALIZE_RESULT = { userAgent: "codex/0.169.0", codexHome: "/tmp/h", platformFamily: "unix", platformOs: "linux" };
const INITIALIZE_PARAMS = { clientInfo: { name: "t", version: "0" } };
const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

interface Seen {
  readonly method: string;
  ended: boolean;
  error?: unknown;
}

function recordingObserver(seen: Seen[], trace = { traceparent: TRACEPARENT, tracestate: "k=v" }): RequestObserver {
  return (method) => {
    const entry: Seen = { method, ended: false };
    seen.push(entry);
    return {
      trace,
      end: (error) => {
        assert.equal(entry.ended, false, "end is called once");
        entry.ended = true;
        entry.error = error;
      },
    };
  };
}

describe("request observer", () => {
  it("sends the trace context in the request's trace member and ends with no error on a result", async () => {
    const peer = new InMemoryPeer();
    const seen: Seen[] = [];
    const connection = new ProtocolConnection({ reader: peer.reader, writer: peer.writer, onRequest: recordingObserver(seen) });
    peer.answer("initialize", () => ({ result: INITIALIZE_RESULT }));
    await connection.request("initialize", INITIALIZE_PARAMS);
    assert.deepEqual(peer.received[0]?.trace, { traceparent: TRACEPARENT, tracestate: "k=v" });
    assert.deepEqual(peer.received[0]?.params, INITIALIZE_PARAMS);
    assert.deepEqual(seen, [{ method: "initialize", ended: true, error: undefined }]);
    await connection.notify("initialized");
    assert.equal("trace" in peer.received[1]!, false, "notifications carry no trace");
  });

  it("ends with the RpcError of an error answer", async () => {
    const peer = new InMemoryPeer();
    const seen: Seen[] = [];
    const connection = new ProtocolConnection({ reader: peer.reader, writer: peer.writer, onRequest: recordingObserver(seen) });
    peer.answer("turn/interrupt", () => ({ error: { code: -32600, message: "no active turn" } }));
    await assert.rejects(connection.request("turn/interrupt", { threadId: "t", turnId: "u" }), RpcError);
    assert.equal(seen[0]?.method, "turn/interrupt");
    assert.ok(seen[0]?.error instanceof RpcError);
    assert.equal((seen[0].error as RpcError).rpcCode, -32600);
  });

  it("a request's own observer takes the place of the connection's", async () => {
    const peer = new InMemoryPeer();
    const connectionSeen: Seen[] = [];
    const ownSeen: Seen[] = [];
    const connection = new ProtocolConnection({ reader: peer.reader, writer: peer.writer, onRequest: recordingObserver(connectionSeen) });
    peer.answer("initialize", () => ({ result: INITIALIZE_RESULT }));
    const own = { traceparent: "00-11111111111111111111111111111111-2222222222222222-01" };
    await connection.request("initialize", INITIALIZE_PARAMS, { observer: recordingObserver(ownSeen, own as never) });
    assert.deepEqual(peer.received[0]?.trace, own);
    assert.equal(connectionSeen.length, 0);
    assert.equal(ownSeen.length, 1);
  });

  it("an aborted request ends its observation with the abort reason", async () => {
    const peer = new InMemoryPeer();
    const seen: Seen[] = [];
    const connection = new ProtocolConnection({ reader: peer.reader, writer: peer.writer, onRequest: recordingObserver(seen) });
    const stop = new AbortController();
    const pending = connection.sendRaw("thread/loaded/list", {}, stop.signal);
    await peer.waitFor((m) => m.method === "thread/loaded/list");
    stop.abort(new Error("stop"));
    await assert.rejects(pending, /stop/);
    assert.equal(seen[0]?.ended, true);
    assert.match(String(seen[0]?.error), /stop/);
  });

  it("without an observer nothing is added; an observer that throws, or whose end throws, changes nothing", async () => {
    const peer = new InMemoryPeer();
    peer.answer("initialize", () => ({ result: INITIALIZE_RESULT }));
    const plain = new ProtocolConnection({ reader: peer.reader, writer: peer.writer });
    await plain.request("initialize", INITIALIZE_PARAMS);
    assert.equal("trace" in peer.received[0]!, false);

    const second = new InMemoryPeer();
    second.answer("initialize", () => ({ result: INITIALIZE_RESULT }));
    const throwing = new ProtocolConnection({
      reader: second.reader,
      writer: second.writer,
      onRequest: () => {
        throw new Error("observer bug");
      },
    });
    assert.equal((await throwing.request("initialize", INITIALIZE_PARAMS)).userAgent, "codex/0.169.0");
    const endThrows = await throwing.request("initialize", INITIALIZE_PARAMS, {
      observer: () => ({
        end: () => {
          throw new Error("end bug");
        },
      }),
    });
    assert.equal(endThrows.userAgent, "codex/0.169.0");
    assert.equal("trace" in second.received[0]!, false);
  });
});
