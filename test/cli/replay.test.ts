/**
 * `codex-rpc replay` and `replayTranscript()`: a recorded session served as a fake app-server,
 * in memory and as the codex binary of the library (test/fixtures/cli/replay-codex.sh).
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { REPLAY_NO_ANSWER_CODE, replayTranscript } from "../../src/cli/replay.ts";
import { parseTranscript, type TranscriptEntry } from "../../src/cli/transcript.ts";
import { CodexAgentSessionFactory } from "../../src/index.ts";
import { FIXTURES } from "./cliHelpers.ts";

const SESSION = path.join(FIXTURES, "session.jsonl");

/** Runs a replay in memory; `send` writes client lines, `received` collects what came back. */
function inMemory(entries: TranscriptEntry[]) {
  const input = new PassThrough();
  const output = new PassThrough();
  const received: Record<string, unknown>[] = [];
  let pending = "";
  output.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    let newline;
    while ((newline = pending.indexOf("\n")) !== -1) {
      received.push(JSON.parse(pending.slice(0, newline)) as Record<string, unknown>);
      pending = pending.slice(newline + 1);
    }
  });
  const unmatched: unknown[] = [];
  const done = replayTranscript(entries, { input, output, onUnmatched: (message) => unmatched.push(message) });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    received,
    unmatched,
    send: async (message: unknown) => {
      input.write(`${JSON.stringify(message)}\n`);
      await settle();
    },
    end: async () => {
      input.end();
      return done;
    },
  };
}

const entry = (dir: "c2s" | "s2c", msg: unknown): TranscriptEntry => ({ dir, t: 0, msg });

describe("replayTranscript", () => {
  const recording = [
    entry("c2s", { id: 0, method: "initialize", params: {} }),
    entry("s2c", { id: 0, result: { userAgent: "recorded" } }),
    entry("s2c", { method: "configWarning", params: { summary: "w" } }),
    entry("c2s", { method: "initialized" }),
    entry("c2s", { id: 1, method: "turn/start", params: { threadId: "t" } }),
    entry("s2c", { method: "warning", params: { message: "before the answer" } }),
    entry("s2c", { id: 1, result: { turn: { id: "u1" } } }),
    entry("s2c", { method: "item/commandExecution/requestApproval", id: 0, params: { itemId: "c1" } }),
    entry("c2s", { id: 0, result: { decision: "accept" } }),
    entry("s2c", { method: "turn/completed", params: { turn: { id: "u1", status: "completed" } } }),
  ];

  it("answers by method with the client's ids and sends what followed each client message, in order", async () => {
    const replay = inMemory(recording);
    await replay.send({ id: "a", method: "initialize", params: { clientInfo: {} } });
    assert.deepEqual(replay.received, [
      { id: "a", result: { userAgent: "recorded" } },
      { method: "configWarning", params: { summary: "w" } },
    ]);
    await replay.send({ method: "initialized" });
    await replay.send({ id: 42, method: "turn/start", params: { threadId: "t" } });
    assert.deepEqual(replay.received.slice(2), [
      { method: "warning", params: { message: "before the answer" } },
      { id: 42, result: { turn: { id: "u1" } } },
      { method: "item/commandExecution/requestApproval", id: 0, params: { itemId: "c1" } },
    ]);
    // The rest of the turn waits for the answer to the server's request.
    await replay.send({ id: 0, result: { decision: "decline" } });
    assert.deepEqual(replay.received.at(-1), { method: "turn/completed", params: { turn: { id: "u1", status: "completed" } } });
    const stats = await replay.end();
    assert.deepEqual(stats, { matched: 4, unmatched: 0, sent: 6, unused: [] });
  });

  it("answers a request the recording has no (more) answers to with an error, never silence", async () => {
    const replay = inMemory(recording);
    await replay.send({ id: 1, method: "thread/list", params: {} });
    await replay.send({ id: 2, method: "initialize", params: {} });
    await replay.send({ id: 3, method: "initialize", params: {} });
    await replay.send({ method: "some/notification" });
    assert.deepEqual(replay.received[0], { id: 1, error: { code: REPLAY_NO_ANSWER_CODE, message: "codex-rpc replay: the recording has no (more) answers to thread/list" } });
    assert.deepEqual(replay.received.at(-1), { id: 3, error: { code: REPLAY_NO_ANSWER_CODE, message: "codex-rpc replay: the recording has no (more) answers to initialize" } });
    const stats = await replay.end();
    assert.equal(stats.unmatched, 3);
    assert.deepEqual(stats.unused, ["notification initialized", "request turn/start", "answer to server request 0"]);
    assert.equal(replay.unmatched.length, 3);
  });

  it("serves a recorded real session (the fixture) to the library as its codex binary", async () => {
    const factory = new CodexAgentSessionFactory({
      codexBin: path.join(FIXTURES, "replay-codex.sh"),
      env: { CODEX_RPC_REPLAY_TRANSCRIPT: SESSION, CODEX_RPC_NODE: process.execPath },
    });
    try {
      const runner = await factory.runner({ workingDirectory: "/tmp", approvalMode: "untrusted" }, { approvals: "accept" });
      const first = await runner.turn("Hello there", { timeoutSeconds: 20 });
      assert.equal(first.assistantText, "You said: Hello there (turn 1)");
      assert.equal(runner.threadId, "01a20759-e00a-7d71-8e1a-304b8b669a61");
      const second = await runner.turn("run: echo hi", { timeoutSeconds: 20 });
      assert.equal(second.assistantText, "Command finished. Output:\nhi");
      assert.deepEqual(
        second.events.map((event) => event.kind),
        ["warning", "userMessage", "approval", "commandExecution", "agentMessage", "tokenUsage"],
      );
      const { entries } = parseTranscript(await readFile(SESSION, "utf8"));
      assert.ok(entries.length > 40);
    } finally {
      await factory.close();
    }
  });
});
