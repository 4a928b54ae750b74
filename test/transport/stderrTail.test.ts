/** The stderr tail: bounded in bytes, colour codes stripped, cut at line boundaries. */
import assert from "node:assert/strict";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { DEFAULT_STDERR_TAIL_BYTES, StderrTail } from "../../src/transport/stderrTail.ts";

/** Each test waits on events; the timeout only turns a hang into a failure. */
const TIMEOUT = { timeout: 10_000 };

async function tailOf(chunks: readonly (string | Buffer)[], maxBytes?: number): Promise<{ text: string; lines: string[] }> {
  const input = new PassThrough();
  const lines: string[] = [];
  const tail = new StderrTail(input, { ...(maxBytes === undefined ? {} : { maxBytes }), onLine: (line) => lines.push(line) });
  for (const chunk of chunks) input.write(chunk);
  input.end();
  await once(input, "end");
  return { text: tail.text(), lines };
}

describe("StderrTail", () => {
  it("keeps everything while under the bound, colour codes stripped even when split across chunks", TIMEOUT, async () => {
    const { text, lines } = await tailOf(["\x1b[3", "1mred\x1b[0m plain\r\n", "\x1b]0;title\x07next", " line\n", "no newline at the end"]);
    assert.equal(text, "red plain\nnext line\nno newline at the end\n", "at the end of the stream the last line counts as complete");
    assert.deepEqual(lines, ["red plain", "next line", "no newline at the end"]);
  });

  it("keeps at most maxBytes bytes of UTF-8, starting at a line boundary", TIMEOUT, async () => {
    const chunks = Array.from({ length: 500 }, (_, i) => `€ line ${i} ünïcödé\n`);
    const { text } = await tailOf(chunks, 300);
    assert.ok(Buffer.byteLength(text) <= 300, `${Buffer.byteLength(text)} bytes`);
    assert.ok(Buffer.byteLength(text) > 300 - Buffer.byteLength(chunks[0]!), "no more than one line short of the bound");
    assert.match(text, /^€ line \d+ ünïcödé\n/);
    assert.match(text, /€ line 499 ünïcödé\n$/);
  });

  it("cuts a single line longer than the bound at a character boundary, keeping its end", TIMEOUT, async () => {
    const { text } = await tailOf([`start ${"😀".repeat(10_000)} end\n`], 101);
    assert.ok(Buffer.byteLength(text) <= 101);
    assert.ok(!text.includes("\ufffd"), "no broken character");
    assert.match(text, /😀 end\n$/);
  });

  it("drains a stream with nobody else reading it, by default keeping 16 KiB", TIMEOUT, async () => {
    assert.equal(DEFAULT_STDERR_TAIL_BYTES, 16 * 1024);
    const input = new PassThrough({ highWaterMark: 1024 });
    const tail = new StderrTail(input);
    const big = Buffer.alloc(1024 * 1024, "a\n");
    // Without a reader the write would never call back: the stream would stay full.
    await new Promise<void>((resolve, reject) => input.write(big, (error) => (error ? reject(error) : resolve())));
    input.end();
    await once(input, "end");
    assert.equal(tail.text(), "a\n".repeat(8 * 1024));
  });

  it("takes appended text like stream output", TIMEOUT, () => {
    const tail = new StderrTail(undefined, { maxBytes: 20 });
    tail.append("first line\n");
    tail.append("cannot start x: spawn x ENOENT\n");
    assert.doesNotMatch(tail.text(), /first/);
    assert.ok(Buffer.byteLength(tail.text()) <= 20);
    assert.match(tail.text(), /ENOENT\n$/);
  });
});

describe("StderrTail: redaction and callbacks", () => {
  const SECRET = "quiet-planted-value-4711";
  const redact = (text: string) => text.split(SECRET).join("[REDACTED]");

  it("redacts each whole line before the tail is cut", TIMEOUT, async () => {
    const input = new PassThrough();
    const tail = new StderrTail(input, { maxBytes: 40, redact });
    input.write(`${"y".repeat(30)}${SECRET}\n`);
    input.write(`partial ${SECRET}`);
    assert.ok(!tail.text().includes(SECRET.slice(0, 6)), tail.text());
    input.end();
    await once(input, "end");
    assert.ok(!tail.text().includes(SECRET.slice(0, 6)), tail.text());
    assert.match(tail.text(), /REDACTED/);
  });

  it("a throwing onLine neither crashes nor loses the line from the tail", TIMEOUT, async () => {
    const input = new PassThrough();
    let calls = 0;
    const tail = new StderrTail(input, {
      onLine: () => {
        calls++;
        throw new Error("logger is broken");
      },
      onCallbackError: () => {},
    });
    input.write("one\ntwo\n");
    input.end();
    await once(input, "end");
    assert.equal(calls, 2);
    assert.equal(tail.text(), "one\ntwo\n");
  });
});
