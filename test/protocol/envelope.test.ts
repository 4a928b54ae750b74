import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkEnvelope } from "../../src/protocol/envelope.ts";

describe("checkEnvelope", () => {
  it("accepts the shapes the app-server sends (no jsonrpc field, emittedAtMs on notifications)", () => {
    assert.equal(checkEnvelope({ id: 1, result: {} }), undefined);
    assert.equal(checkEnvelope({ id: "a", error: { code: -32600, message: "x" } }), undefined);
    assert.equal(checkEnvelope({ method: "turn/started", params: {}, emittedAtMs: 1 }), undefined);
    assert.equal(checkEnvelope({ id: 0, method: "item/tool/call", params: {} }), undefined);
    assert.equal(checkEnvelope({ jsonrpc: "2.0", id: 0, result: null }), undefined);
  });

  it("names what is wrong with a frame that is not a message", () => {
    assert.match(checkEnvelope([1, 2]) ?? "", /object/);
    assert.match(checkEnvelope("x") ?? "", /object/);
    assert.match(checkEnvelope({ hello: 1 }) ?? "", /not a request/);
    assert.match(checkEnvelope({ id: {}, result: 1 }) ?? "", /id/);
    assert.match(checkEnvelope({ method: "x", surprise: 1 }) ?? "", /surprise/);
    assert.match(checkEnvelope({ id: 1, error: { message: "no code" } }) ?? "", /error\.code/);
  });
});
