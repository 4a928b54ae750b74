/** Line splitting, the traffic recorder (parse, redact, raw lines) and transcript parsing. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LineSplitter } from "../../src/cli/lineSplitter.ts";
import { parseTranscript, TrafficRecorder, type TranscriptEntry } from "../../src/cli/transcript.ts";
import { REDACTED } from "../../src/protocol/redaction.ts";

describe("LineSplitter", () => {
  it("splits on the \\n byte only, across chunks, dropping a trailing \\r", () => {
    const splitter = new LineSplitter();
    const text = '{"a":"x\u2028y\u2029z"}\r\n{"b":';
    const bytes = Buffer.from(text);
    // Cut inside the multi-byte U+2028 to prove lines are decoded whole.
    const cut = bytes.indexOf(0xe2) + 1;
    assert.deepEqual(splitter.push(bytes.subarray(0, cut)), []);
    assert.deepEqual(splitter.push(bytes.subarray(cut)), ['{"a":"x\u2028y\u2029z"}']);
    assert.deepEqual(splitter.push(Buffer.from("2}\n")), ['{"b":2}']);
    assert.equal(splitter.flush(), undefined);
    splitter.push(Buffer.from("tail"));
    assert.equal(splitter.flush(), "tail");
  });

  it("has no line length limit", () => {
    const splitter = new LineSplitter();
    const long = "x".repeat(300_000);
    for (let i = 0; i < long.length; i += 65_536) splitter.push(Buffer.from(long.slice(i, i + 65_536)));
    assert.deepEqual(splitter.push(Buffer.from("\n")), [long]);
  });
});

describe("TrafficRecorder", () => {
  it("parses, redacts and timestamps each line; keeps non-JSON lines as raw text", () => {
    const entries: TranscriptEntry[] = [];
    let clock = 1000;
    const recorder = new TrafficRecorder({ onEntry: (entry) => entries.push(entry), now: () => clock });
    clock = 1012.5;
    recorder.chunk("c2s", Buffer.from('{"id":1,"method":"account/login","params":{"apiKey":"sk-abcdefghijklmnopqrstuvwx"}}\nnot json, token=hunter22secret\n'));
    clock = 1020;
    recorder.chunk("s2c", Buffer.from('{"id":1,"result":{"ok":true,"usage":{"inputTokens":5}}}'));
    assert.equal(entries.length, 2);
    recorder.end("s2c");
    assert.deepEqual(entries, [
      { dir: "c2s", t: 12.5, msg: { id: 1, method: "account/login", params: { apiKey: REDACTED } } },
      { dir: "c2s", t: 12.5, raw: `not json, token=${REDACTED}` },
      { dir: "s2c", t: 20, msg: { id: 1, result: { ok: true, usage: { inputTokens: 5 } } } },
    ]);
  });
});

describe("parseTranscript", () => {
  it("reads entries and reports bad lines without throwing", () => {
    const { entries, problems } = parseTranscript(
      ['{"dir":"c2s","t":1,"msg":{"method":"initialized"}}', "", "garbage", '{"dir":"up","t":1,"msg":{}}', '{"dir":"s2c","t":2,"raw":"x"}'].join("\n"),
    );
    assert.deepEqual(entries, [
      { dir: "c2s", t: 1, msg: { method: "initialized" } },
      { dir: "s2c", t: 2, raw: "x" },
    ]);
    assert.deepEqual(
      problems.map((p) => p.line),
      [3, 4],
    );
  });
});
