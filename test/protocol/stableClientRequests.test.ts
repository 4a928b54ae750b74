/**
 * `backend.request()`'s typed surface: every stable method of the pinned schema is typed and
 * validated (the schema's method list walked against it), the generated files are current, and
 * results are validated tolerantly (new fields pass) but for real (a wrong type fails).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { buildClientRequestArtifacts } from "../../scripts/clientRequestArtifacts.ts";
import { stableRequestValidators } from "../../src/codex/stableRequestSchema.ts";
import { ProtocolError, RpcError } from "../../src/errors.ts";
import { CLIENT_REQUESTS } from "../../src/protocol/clientRequests.ts";
import { STABLE_CLIENT_REQUEST_METHODS, type StableClientRequestTypes } from "../../src/protocol/generated/stableClientRequestTypes.ts";
import { ProtocolConnection, SERVER_OVERLOADED_CODE } from "../../src/protocol/protocolConnection.ts";
import { requestStable, type StableClientRequestMethod, type StableClientRequestResult } from "../../src/protocol/stableClientRequests.ts";
import { InMemoryPeer } from "../helpers/inMemoryPeer.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const JSON_DIR = path.join(ROOT, "protocol/json");

// Compile-time: the runtime list and the type map hold the same methods.
type Listed = (typeof STABLE_CLIENT_REQUEST_METHODS)[number];
const sameMethods: [Exclude<Listed, StableClientRequestMethod>, Exclude<StableClientRequestMethod, Listed>] extends [never, never] ? true : false = true;
// Compile-time: the zod methods keep their zod result type; the others get the generated one.
const zodTyped: StableClientRequestResult<"turn/start">["turn"]["id"] = "t";
const generatedTyped: StableClientRequestResult<"thread/list"> extends StableClientRequestTypes["thread/list"]["result"] ? true : false = true;

function schemaMethods(): string[] {
  const union = JSON.parse(readFileSync(path.join(JSON_DIR, "ClientRequest.json"), "utf8")) as { oneOf: { properties: { method: { enum: string[] } } }[] };
  return union.oneOf.map((variant) => variant.properties.method.enum[0]!);
}

function connect() {
  const peer = new InMemoryPeer();
  const connection = new ProtocolConnection({ reader: peer.reader, writer: peer.writer, overloadRetry: { initialDelayMs: 1, maxDelayMs: 2 } });
  return { peer, connection, validators: stableRequestValidators() };
}

describe("stable client requests", () => {
  it("type and validate every stable method of protocol/json/ClientRequest.json", () => {
    assert.ok(sameMethods && zodTyped && generatedTyped);
    const methods = schemaMethods();
    assert.ok(methods.length >= 100, `only ${methods.length} methods in the schema`);
    assert.deepEqual([...STABLE_CLIENT_REQUEST_METHODS].sort(), [...methods].sort());
    const validators = stableRequestValidators();
    for (const method of methods) {
      assert.ok(validators.has(method), `${method} has no validator`);
      // Compiles the method's validators (each at most once); a value of the wrong kind must fail.
      assert.notEqual(validators.checkResult(method, "not an object"), undefined, `${method}'s result validator accepts anything`);
    }
    for (const method of Object.keys(CLIENT_REQUESTS)) assert.ok(methods.includes(method), `zod method ${method} is not in the stable schema`);
  });

  it("the committed generated files are what the generator makes from protocol/json", () => {
    const version = /(\d+\.\d+\.\d+)/.exec(readFileSync(path.join(ROOT, "protocol/VERSION"), "utf8"))![1]!;
    const fresh = buildClientRequestArtifacts(JSON_DIR, version);
    assert.equal(readFileSync(path.join(ROOT, "src/protocol/generated/stableClientRequestTypes.ts"), "utf8"), fresh.typesSource, "run `npm run protocol:generate -- --derived-only`");
    assert.deepEqual(JSON.parse(readFileSync(path.join(ROOT, "protocol/stableClientRequests.schema.json"), "utf8")), JSON.parse(JSON.stringify(fresh.schema)));
  });

  it("validates a result with ajv and keeps fields a newer server adds", async () => {
    const { peer, connection, validators } = connect();
    const result = { models: [], nextCursor: null, futureField: { nested: true } };
    peer.answer("model/list", () => ({ result: { data: [], nextCursor: null, futureField: { nested: true } } }));
    const listed = await requestStable(connection, validators, "model/list", {});
    assert.deepEqual(listed as unknown, { data: [], nextCursor: null, futureField: result.futureField });
    assert.deepEqual(peer.received.at(-1)?.params, {});
  });

  it("rejects a result of the wrong shape with a PROTOCOL error naming the field", async () => {
    const { peer, connection, validators } = connect();
    peer.answer("thread/list", () => ({ result: { data: "not a list", nextCursor: null } }));
    await assert.rejects(requestStable(connection, validators, "thread/list", {}), (error: unknown) => {
      assert.ok(error instanceof ProtocolError, String(error));
      assert.match(error.message, /thread\/list/);
      assert.match(error.message, /\/data/);
      return true;
    });
  });

  it("refuses bad params, unknown methods, and sends a no-params method without params", async () => {
    const { peer, connection, validators } = connect();
    await assert.rejects(requestStable(connection, validators, "thread/archive", { threadId: 42 } as never), /refused to send thread\/archive: its params are invalid \(\/threadId must be string\)/);
    await assert.rejects(requestStable(connection, validators, "thread/archive", undefined as never), /params are required/);
    await assert.rejects(requestStable(connection, validators, "thread/teleport" as never, {} as never), (error: unknown) => error instanceof ProtocolError && /not a stable client request/.test(error.message));
    assert.equal(peer.received.length, 0, "nothing may be sent for refused requests");
    peer.answer("account/logout", () => ({ result: {} }));
    assert.deepEqual(await requestStable(connection, validators, "account/logout"), {});
    assert.equal(JSON.stringify(peer.received[0]).includes("params"), false);
  });

  it("uses the zod definition for the methods the runner consumes (one source of truth)", async () => {
    const { peer, connection, validators } = connect();
    await assert.rejects(requestStable(connection, validators, "turn/interrupt", { threadId: "t" } as never), /refused to send turn\/interrupt: its params are invalid \(turnId/);
    peer.answer("turn/interrupt", () => ({ result: {} }));
    assert.deepEqual(await requestStable(connection, validators, "turn/interrupt", { threadId: "t", turnId: "u" }), {});
  });

  it("passes server errors through as RpcError, retries overload, honours the signal", async () => {
    const { peer, connection, validators } = connect();
    let calls = 0;
    peer.answer("model/list", () => (++calls < 2 ? { error: { code: SERVER_OVERLOADED_CODE, message: "Server overloaded; retry later." } } : { result: { data: [], nextCursor: null } }));
    await requestStable(connection, validators, "model/list", {});
    assert.equal(calls, 2);
    peer.answer("thread/read", () => ({ error: { code: -32600, message: "no such thread" } }));
    await assert.rejects(requestStable(connection, validators, "thread/read", { threadId: "x" }), (error: unknown) => error instanceof RpcError && error.rpcCode === -32600);
    const controller = new AbortController();
    const pending = requestStable(connection, validators, "config/read", {}, { signal: controller.signal });
    controller.abort(new Error("stop"));
    await assert.rejects(pending, /stop/);
  });
});
