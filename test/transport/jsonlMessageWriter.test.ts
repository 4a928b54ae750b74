/** The JSON-lines writer: one line per message, one write at a time, drain honoured, no crash on a dead peer. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { PassThrough, Writable } from "node:stream";
import { describe, it } from "node:test";
import type { Message } from "vscode-jsonrpc/node";
import { JsonlMessageWriter } from "../../src/transport/jsonlMessageWriter.ts";

const request = (id: number, extra: Record<string, unknown> = {}): Message => ({ jsonrpc: "2.0", id, method: "m", params: { id, ...extra } }) as Message;

/** A Writable that records each chunk it gets, calls back on the next turn, and checks it holds one line at a time. */
class RecordingWritable extends Writable {
  readonly chunks: string[] = [];
  /** Bytes buffered in the stream (beyond the chunk being written) whenever a chunk arrived. */
  readonly queuedBehind: number[] = [];

  constructor(highWaterMark?: number) {
    super(highWaterMark === undefined ? {} : { highWaterMark });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString("utf8"));
    this.queuedBehind.push(this.writableLength - chunk.length);
    setImmediate(callback);
  }
}

/** Each test waits on events; the timeout only turns a hang into a failure. */
const TIMEOUT = { timeout: 10_000 };

describe("JsonlMessageWriter", () => {
  it("writes each message as one line of JSON", TIMEOUT, async () => {
    const output = new PassThrough();
    const writer = new JsonlMessageWriter(output);
    const text: string[] = [];
    output.on("data", (chunk: Buffer) => text.push(chunk.toString("utf8")));
    await writer.write(request(1));
    await writer.write({ jsonrpc: "2.0", method: "note", params: { text: "two\nlines \u2028" } } as Message);
    writer.end();
    await once(output, "end");
    const lines = text.join("").split("\n");
    assert.equal(lines.pop(), "", "the output ends with a newline");
    assert.deepEqual(
      lines.map((line) => JSON.parse(line)),
      [request(1), { jsonrpc: "2.0", method: "note", params: { text: "two\nlines \u2028" } }],
    );
    assert.equal(writer.messagesWritten, 2);
  });

  it("hands the stream one whole line at a time, in call order, for concurrent writes", TIMEOUT, async () => {
    const output = new RecordingWritable();
    const writer = new JsonlMessageWriter(output);
    const sent = Array.from({ length: 200 }, (_, i) => request(i, { pad: "p".repeat((i * 37) % 500) }));
    await Promise.all(sent.map((message) => writer.write(message)));
    assert.equal(output.chunks.length, 200);
    for (const chunk of output.chunks) assert.ok(chunk.endsWith("\n") && chunk.indexOf("\n") === chunk.length - 1, "each chunk is exactly one line");
    assert.deepEqual(
      output.chunks.map((chunk) => JSON.parse(chunk)),
      sent,
    );
    assert.deepEqual(new Set(output.queuedBehind), new Set([0]), "nothing was queued behind the line being written");
  });

  it("waits for drain when the stream is full, and every message arrives in order", TIMEOUT, async () => {
    const output = new RecordingWritable(8);
    const writer = new JsonlMessageWriter(output);
    let writesWhileFull = 0;
    let drains = 0;
    output.on("drain", () => drains++);
    const write = output.write.bind(output) as (chunk: unknown, callback?: (error?: Error | null) => void) => boolean;
    output.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (output.writableNeedDrain) writesWhileFull++;
      return write(chunk, ...(rest as [((error?: Error | null) => void)?]));
    }) as typeof output.write;
    const sent = Array.from({ length: 50 }, (_, i) => request(i));
    await Promise.all(sent.map((message) => writer.write(message)));
    assert.equal(writesWhileFull, 0, "no write while the stream asked to wait for drain");
    assert.equal(drains, 50, "each line filled the tiny buffer and drained");
    assert.deepEqual(
      output.chunks.map((chunk) => JSON.parse(chunk)),
      sent,
    );
  });

  it("settles a write that waits on a stream which is then destroyed", TIMEOUT, async () => {
    // A stream that takes the first line and never calls back: that write would wait forever.
    let arrived: () => void = () => {};
    const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
    const output = new Writable({ highWaterMark: 4, write: () => arrived() });
    const writer = new JsonlMessageWriter(output);
    const errors: Error[] = [];
    writer.onError(([error]) => errors.push(error));
    const closed = new Promise<void>((resolve) => writer.onClose(() => resolve()));
    const stuck = writer.write(request(1));
    const queued = writer.write(request(2));
    await firstArrived;
    output.destroy(new Error("peer went away"));
    await assert.rejects(stuck, /Cannot write to the peer/);
    await assert.rejects(queued, /Cannot write to the peer: peer went away/);
    await closed;
    assert.ok(errors.some((error) => error.message === "peer went away"));
  });

  it("settles a waiting write when the stream is destroyed without an error", TIMEOUT, async () => {
    let arrived: () => void = () => {};
    const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
    const output = new Writable({ write: () => arrived() });
    const writer = new JsonlMessageWriter(output);
    const stuck = writer.write(request(1));
    await firstArrived;
    output.destroy();
    await assert.rejects(stuck, /Cannot write to the peer/);
  });

  it("rejects a write after the stream is destroyed, without an uncaught exception", TIMEOUT, async () => {
    const output = new PassThrough();
    const writer = new JsonlMessageWriter(output);
    output.destroy();
    await once(output, "close");
    await assert.rejects(writer.write(request(1)), /Cannot write to the peer/);
    await assert.rejects(writer.write(request(2)), /Cannot write to the peer/);
  });

  it("rejects writes after end() and ends the stream after the writes queued before it", TIMEOUT, async () => {
    const output = new RecordingWritable();
    const writer = new JsonlMessageWriter(output);
    const first = writer.write(request(1));
    const second = writer.write(request(2));
    writer.end();
    await assert.rejects(writer.write(request(3)), /ended/);
    await Promise.all([first, second, once(output, "finish")]);
    assert.deepEqual(
      output.chunks.map((chunk) => JSON.parse(chunk)),
      [request(1), request(2)],
    );
  });

  it("turns EPIPE on a dead child's stdin into rejections and one error event, never a crash", TIMEOUT, async () => {
    const child = spawn(process.execPath, ["-e", 'require("fs").closeSync(0); process.stdout.write("closed\\n"); setTimeout(() => {}, 2000)'], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    try {
      await once(child.stdout, "data"); // the child has closed its end of the pipe
      const writer = new JsonlMessageWriter(child.stdin);
      const errors: Error[] = [];
      writer.onError(([error]) => errors.push(error));
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => writer.write(request(i, { pad: "x".repeat(70_000) }))));
      assert.deepEqual(
        results.map((result) => result.status),
        Array(20).fill("rejected"),
      );
      const first = (results[0] as PromiseRejectedResult).reason as Error;
      assert.equal((first.cause as NodeJS.ErrnoException).code, "EPIPE");
      assert.equal(errors.length, 1, "the EPIPE is reported once");
      assert.equal((errors[0] as NodeJS.ErrnoException).code, "EPIPE");
    } finally {
      child.kill();
      await once(child, "close");
    }
  });

  it("calls onMessageWritten with each message and its line", TIMEOUT, async () => {
    const output = new PassThrough();
    output.resume();
    const seen: [unknown, string][] = [];
    const writer = new JsonlMessageWriter(output, { onMessageWritten: (message, line) => seen.push([message, line]) });
    await writer.write(request(1));
    assert.deepEqual(seen, [[request(1), `${JSON.stringify(request(1))}\n`]]);
  });
});
