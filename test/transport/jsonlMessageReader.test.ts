/** The JSON-lines reader: framing on the `\n` byte, bad lines reported and skipped, no size cap. */
import assert from "node:assert/strict";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { createMessageConnection, type Message } from "vscode-jsonrpc/node";
import { JsonlFrameError, JsonlMessageReader, type JsonlMessageReaderOptions } from "../../src/transport/jsonlMessageReader.ts";
import { JsonlMessageWriter } from "../../src/transport/jsonlMessageWriter.ts";

interface Run {
  readonly messages: unknown[];
  readonly errors: Error[];
  readonly reader: JsonlMessageReader;
}

/** Feeds `chunks` to a fresh reader, ends the stream, and resolves with what it reported by the close event. */
async function read(chunks: readonly (Buffer | string)[], options?: JsonlMessageReaderOptions): Promise<Run> {
  const input = new PassThrough();
  const reader = new JsonlMessageReader(input, options);
  const messages: unknown[] = [];
  const errors: Error[] = [];
  reader.listen((message) => messages.push(message));
  reader.onError((error) => errors.push(error));
  const closed = new Promise<void>((resolve) => reader.onClose(() => resolve()));
  for (const chunk of chunks) input.write(chunk);
  input.end();
  await closed;
  return { messages, errors, reader };
}

const line = (message: unknown): string => `${JSON.stringify(message)}\n`;

/** Each test waits on events; the timeout only turns a hang into a failure. */
const TIMEOUT = { timeout: 10_000 };

describe("JsonlMessageReader", () => {
  it("reads one message", TIMEOUT, async () => {
    const { messages, errors } = await read([line({ jsonrpc: "2.0", method: "a", params: { x: 1 } })]);
    assert.deepEqual(messages, [{ jsonrpc: "2.0", method: "a", params: { x: 1 } }]);
    assert.deepEqual(errors, []);
  });

  it("reads many messages from one chunk, in order", TIMEOUT, async () => {
    const sent = Array.from({ length: 1000 }, (_, i) => ({ id: i, method: "m", params: { i } }));
    const { messages, errors, reader } = await read([Buffer.from(sent.map(line).join(""))]);
    assert.deepEqual(messages, sent);
    assert.deepEqual(errors, []);
    assert.equal(reader.messagesRead, 1000);
  });

  it("reads a message split byte by byte, including inside multi-byte UTF-8 characters", TIMEOUT, async () => {
    const sent = { method: "t", params: { text: "héllo € 😀 ü", more: "日本語" } };
    const bytes = Buffer.from(line(sent) + line({ method: "next" }));
    const text = line(sent) + line({ method: "next" });
    assert.ok(bytes.length > text.length + 10, "multi-byte characters are in the line");
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    const { messages, errors } = await read(chunks);
    assert.deepEqual(messages, [sent, { method: "next" }]);
    assert.deepEqual(errors, []);
  });

  it("keeps raw U+2028 and U+2029 inside a string in the same message", TIMEOUT, async () => {
    const sent = { method: "t", params: { text: "one\u2028two\u2029three" } };
    const bytes = Buffer.from(line(sent) + line({ method: "after" }));
    assert.ok(bytes.includes(Buffer.from([0xe2, 0x80, 0xa8])), "U+2028 travels raw, not escaped");
    const { messages, errors } = await read([bytes]);
    assert.deepEqual(messages, [sent, { method: "after" }]);
    assert.deepEqual(errors, []);
  });

  it("strips a trailing \\r (CRLF line ends)", TIMEOUT, async () => {
    const lines: string[] = [];
    const { messages, errors } = await read([`{"id":1,"result":"a"}\r\n{"id":2,"result":"b\\r"}\r\n`], { onMessageRead: (_message, line) => lines.push(line) });
    assert.deepEqual(lines, ['{"id":1,"result":"a"}', '{"id":2,"result":"b\\r"}'], "the line ends before the \\r");
    assert.deepEqual(messages, [
      { id: 1, result: "a" },
      { id: 2, result: "b\r" },
    ]);
    assert.deepEqual(errors, []);
  });

  it("ignores empty and blank lines", TIMEOUT, async () => {
    const { messages, errors, reader } = await read(["\n\n", "   \n\r\n", line({ id: 1, result: null }), "\t\n", "\n"]);
    assert.deepEqual(messages, [{ id: 1, result: null }]);
    assert.deepEqual(errors, []);
    assert.equal(reader.framesRejected, 0);
  });

  it("reads a 10 MB message that arrives in 64 KiB chunks", TIMEOUT, async () => {
    // Multi-byte characters make chunk boundaries fall inside characters too.
    const data = "abcdé€😀".repeat(Math.ceil((10 * 1024 * 1024) / 13)); // 13 bytes of UTF-8 each
    const bytes = Buffer.from(line({ method: "big", params: { data } }) + line({ method: "after" }));
    assert.ok(bytes.length > 10 * 1024 * 1024);
    const chunks: Buffer[] = [];
    for (let start = 0; start < bytes.length; start += 64 * 1024) chunks.push(bytes.subarray(start, start + 64 * 1024));
    const { messages, errors } = await read(chunks);
    assert.deepEqual(errors, []);
    assert.equal(messages.length, 2);
    assert.ok((messages[0] as { params: { data: string } }).params.data === data, "the big message arrives intact");
    assert.deepEqual(messages[1], { method: "after" });
  });

  it("reports a line that is not JSON with an excerpt, and reads on", TIMEOUT, async () => {
    const garbage = `not json ${"z".repeat(1000)}`;
    const { messages, errors, reader } = await read([`${garbage}\n`, line({ id: 7, result: "ok" })]);
    assert.deepEqual(messages, [{ id: 7, result: "ok" }]);
    assert.equal(errors.length, 1);
    const error = errors[0];
    assert.ok(error instanceof JsonlFrameError);
    assert.match(error.reason, /^not JSON/);
    assert.ok(error.excerpt.length <= 200, `excerpt is ${error.excerpt.length} characters`);
    assert.ok(error.excerpt.startsWith("not json zzz"));
    assert.equal(reader.framesRejected, 1);
    assert.equal(reader.messagesRead, 1);
  });

  it("reports JSON that is not an object (array, number, string, null)", TIMEOUT, async () => {
    const { messages, errors } = await read(["[1,2]\n", "42\n", '"text"\n', "null\n", line({ method: "ok" })]);
    assert.deepEqual(messages, [{ method: "ok" }]);
    assert.equal(errors.length, 4);
    for (const error of errors) {
      assert.ok(error instanceof JsonlFrameError);
      assert.match(error.reason, /not a JSON object/);
    }
    assert.deepEqual(
      errors.map((error) => (error as JsonlFrameError).excerpt),
      ["[1,2]", "42", '"text"', "null"],
    );
  });

  it("reports a message that checkMessage rejects, with its reason", TIMEOUT, async () => {
    const checkMessage = (message: unknown) => ("method" in (message as object) || "id" in (message as object) ? undefined : "neither a method nor an id");
    const { messages, errors, reader } = await read([line({ nonsense: true }), line({ method: "fine" })], { checkMessage });
    assert.deepEqual(messages, [{ method: "fine" }]);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof JsonlFrameError);
    assert.equal(errors[0].reason, "neither a method nor an id");
    assert.equal(errors[0].excerpt, '{"nonsense":true}');
    assert.equal(reader.framesRejected, 1);
  });

  it("keeps messages that arrive before listen() and delivers them in order", TIMEOUT, async () => {
    const input = new PassThrough();
    const reader = new JsonlMessageReader(input);
    const closed = new Promise<void>((resolve) => reader.onClose(() => resolve()));
    input.end(line({ id: 1, result: "first" }) + line({ id: 2, result: "second" }));
    await closed; // every byte has been read, with nobody listening yet
    assert.equal(reader.messagesRead, 2);
    const messages: unknown[] = [];
    reader.listen((message) => messages.push(message));
    assert.deepEqual(messages, [
      { id: 1, result: "first" },
      { id: 2, result: "second" },
    ]);
    assert.throws(() => reader.listen(() => {}), /only once/);
  });

  it("fires close when the stream ends, after delivering a last line that has no newline", TIMEOUT, async () => {
    const { messages, errors } = await read([line({ method: "a" }), '{"method":"b"}']);
    assert.deepEqual(messages, [{ method: "a" }, { method: "b" }]);
    assert.deepEqual(errors, []);
  });

  it("fires error and close when the stream fails", TIMEOUT, async () => {
    const input = new PassThrough();
    const reader = new JsonlMessageReader(input);
    const errors: Error[] = [];
    reader.onError((error) => errors.push(error));
    const closed = new Promise<void>((resolve) => reader.onClose(() => resolve()));
    input.write('{"method":"cut o');
    input.destroy(new Error("boom"));
    await closed;
    assert.ok(errors.some((error) => error.message === "boom"));
    assert.ok(errors.some((error) => error instanceof JsonlFrameError && /closed in the middle of a line/.test(error.reason)));
  });

  it("works as the reader of a vscode-jsonrpc connection", TIMEOUT, async () => {
    const clientToServer = new PassThrough();
    const serverToClient = new PassThrough();
    const server = createMessageConnection(new JsonlMessageReader(clientToServer), new JsonlMessageWriter(serverToClient));
    const client = createMessageConnection(new JsonlMessageReader(serverToClient), new JsonlMessageWriter(clientToServer));
    server.onRequest("add", (params: { a: number; b: number }) => ({ sum: params.a + params.b, text: "\u2028" }));
    server.listen();
    client.listen();
    try {
      assert.deepEqual(await client.sendRequest("add", { a: 2, b: 3 }), { sum: 5, text: "\u2028" });
    } finally {
      client.dispose();
      server.dispose();
      clientToServer.end();
      serverToClient.end();
      await Promise.all([once(clientToServer, "close"), once(serverToClient, "close")]);
    }
  });

  it("delivers nothing after dispose() but keeps draining the stream", TIMEOUT, async () => {
    const input = new PassThrough();
    const reader = new JsonlMessageReader(input);
    const messages: Message[] = [];
    let delivered: () => void = () => {};
    const firstDelivered = new Promise<void>((resolve) => (delivered = resolve));
    reader.listen((message) => {
      messages.push(message);
      delivered();
    });
    input.write(line({ method: "before" }));
    await firstDelivered;
    reader.dispose();
    input.end(line({ method: "after" }));
    await once(input, "end");
    assert.deepEqual(messages, [{ method: "before" }]);
  });
});

describe("JsonlMessageReader: redaction and callbacks", () => {
  const SECRET = "quiet-planted-value-4711";
  const redact = (text: string) => text.split(SECRET).join("[REDACTED]");

  it("redacts a rejected line before cutting its excerpt: a secret straddling the 200th character leaves no piece", TIMEOUT, async () => {
    const garbage = `not json ${"x".repeat(181)}${SECRET} and more`;
    assert.equal(garbage.indexOf(SECRET), 190);
    const { errors } = await read([`${garbage}\n`], { redact });
    const error = errors[0];
    assert.ok(error instanceof JsonlFrameError);
    assert.ok(!error.excerpt.includes(SECRET.slice(0, 6)), error.excerpt);
    assert.ok(!error.message.includes(SECRET.slice(0, 6)), error.message);
    assert.ok(!String((error.cause as Error | undefined)?.message).includes(SECRET.slice(0, 6)), String(error.cause));
    assert.match(error.excerpt, /^not json x+/);
  });

  it("keeps the ids of a rejected frame that has no method (a malformed response), and only those", TIMEOUT, async () => {
    const { errors } = await read(
      [line({ id: 3, result: {}, error: { code: 1, message: "m" } }), line([{ id: 4, result: {} }, { id: 5, method: "x" }]), line({ id: 6, method: 5 }), "not json\n"],
      { checkMessage: (m) => ("error" in (m as object) || typeof (m as { method?: unknown }).method === "number" ? "bad" : undefined) },
    );
    assert.deepEqual(
      errors.map((e) => (e as JsonlFrameError).responseIds),
      [[3], [4], [], []],
    );
  });

  it("a throwing onMessageRead neither crashes nor loses the message", TIMEOUT, async () => {
    const { messages } = await read([line({ id: 1, result: 1 }), line({ method: "n" })], {
      onMessageRead: () => {
        throw new Error("tap is broken");
      },
      onCallbackError: () => {},
    });
    assert.deepEqual(messages, [{ id: 1, result: 1 }, { method: "n" }]);
  });
});
