/** The WebSocket reader's rejected frames: redacted before they are cut, responses' ids kept, a throwing tap contained. */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import type { WebSocket } from "ws";
import { WebSocketFrameError, WebSocketMessageReader } from "../../src/transport/webSocketMessageReader.ts";

const SECRET = "quiet-planted-value-4711";

/** Enough of a `ws` socket for the reader: message events, and an open state. */
function fakeSocket(): EventEmitter & { readyState: number; CLOSED: number } {
  return Object.assign(new EventEmitter(), { readyState: 1, CLOSED: 3 });
}

describe("WebSocketMessageReader: redaction, response ids, callbacks", () => {
  it("redacts a rejected frame before cutting its excerpt, and keeps the ids of malformed responses", () => {
    const socket = fakeSocket();
    const reader = new WebSocketMessageReader(socket as unknown as WebSocket, {
      checkMessage: (m) => ("error" in (m as object) ? "bad envelope" : undefined),
      redact: (text) => text.split(SECRET).join("[REDACTED]"),
    });
    const errors: Error[] = [];
    reader.onError((error) => errors.push(error));
    reader.listen(() => {});
    socket.emit("message", Buffer.from(`not json ${"x".repeat(181)}${SECRET} tail`), false);
    socket.emit("message", Buffer.from(JSON.stringify({ id: 4, result: {}, error: { code: 1, message: "m" } })), false);
    assert.equal(errors.length, 2);
    const [notJson, malformed] = errors as WebSocketFrameError[];
    assert.ok(notJson instanceof WebSocketFrameError);
    assert.ok(!notJson.message.includes(SECRET.slice(0, 6)), notJson.message);
    assert.ok(!String((notJson.cause as Error).message).includes(SECRET.slice(0, 6)));
    assert.deepEqual(malformed!.responseIds, [4]);
  });

  it("a throwing onMessageRead neither crashes nor loses the message", () => {
    const socket = fakeSocket();
    const reader = new WebSocketMessageReader(socket as unknown as WebSocket, {
      onMessageRead: () => {
        throw new Error("tap is broken");
      },
      onCallbackError: () => {},
    });
    const messages: unknown[] = [];
    reader.listen((message) => messages.push(message));
    socket.emit("message", Buffer.from(JSON.stringify({ method: "n" })), false);
    assert.deepEqual(messages, [{ method: "n" }]);
  });
});
