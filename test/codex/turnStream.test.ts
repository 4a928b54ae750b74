import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AgentTurnResult } from "../../src/agent/port.ts";
import { TurnStreamQueue, type TurnStreamChunk } from "../../src/codex/turnStream.ts";

async function drain<R extends AgentTurnResult>(queue: TurnStreamQueue<R>): Promise<TurnStreamChunk<R>[]> {
  const chunks: TurnStreamChunk<R>[] = [];
  for await (const chunk of queue) chunks.push(chunk);
  return chunks;
}

describe("TurnStreamQueue", () => {
  it("hands chunks to a waiting consumer in order and ends with the result", async () => {
    const queue = new TurnStreamQueue<AgentTurnResult>();
    const drained = drain(queue);
    queue.delta("i1", "Hel");
    queue.event({ kind: "agentMessage", summary: "Hello", metadata: {} });
    queue.finish({ assistantText: "Hello", events: [] });
    const chunks = await drained;
    assert.deepEqual(chunks.map((c) => c.type), ["delta", "event", "result"]);
  });

  it("merges deltas of one item while the consumer is behind, losing nothing", async () => {
    const queue = new TurnStreamQueue<AgentTurnResult>();
    for (let i = 0; i < 100_000; i++) queue.delta("i1", "x");
    queue.delta("i2", "y");
    queue.delta("i2", "z");
    assert.equal(queue.backlog, 2, "100 000 deltas of one item held as one chunk");
    queue.finish({ assistantText: "", events: [] });
    const chunks = await drain(queue);
    assert.equal(chunks[0]?.type === "delta" && chunks[0].delta.length, 100_000);
    assert.equal(chunks[1]?.type === "delta" && chunks[1].delta, "yz");
  });

  it("throws the failure after what was queued", async () => {
    const queue = new TurnStreamQueue<AgentTurnResult>();
    queue.delta("i1", "partial");
    queue.fail(new Error("backend died"));
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const chunk of queue) seen.push(chunk.type);
    }, /backend died/);
    assert.deepEqual(seen, ["delta"]);
  });

  it("wakes a waiting consumer with a failure", async () => {
    const queue = new TurnStreamQueue<AgentTurnResult>();
    const drained = drain(queue);
    queue.fail(new Error("timeout"));
    await assert.rejects(drained, /timeout/);
  });

  it("merges live progress of one item, keeps a newer plan or diff only, and never merges across an event", async () => {
    const queue = new TurnStreamQueue<AgentTurnResult>();
    const out = (itemId: string, delta: string) => ({ kind: "commandOutputDelta", summary: delta, metadata: { itemId, delta } });
    queue.event({ kind: "itemStarted", summary: "$ ls", metadata: { itemId: "c1", itemType: "commandExecution", command: "ls" } });
    for (let i = 0; i < 10_000; i++) queue.event(out("c1", "x"));
    queue.event({ kind: "diffUpdated", summary: "", metadata: { diff: "old" } });
    queue.event({ kind: "diffUpdated", summary: "", metadata: { diff: "new" } });
    queue.event({ kind: "commandExecution", summary: "$ ls", metadata: { itemId: "c1" } });
    queue.event(out("c1", "late"));
    assert.equal(queue.backlog, 5);
    queue.finish({ assistantText: "", events: [] });
    const chunks = await drain(queue);
    assert.deepEqual(chunks.map((c) => (c.type === "progress" ? `${c.type}:${c.kind}` : c.type)), [
      "itemStarted",
      "progress:commandOutput",
      "progress:diff",
      "event",
      "progress:commandOutput",
      "result",
    ]);
    const output = chunks[1];
    assert.equal(output?.type === "progress" && output.kind === "commandOutput" && output.delta.length, 10_000);
    const diff = chunks[2];
    assert.equal(diff?.type === "progress" && diff.kind === "diff" && diff.text, "new");
  });

  it("consumer(): leaving the loop early aborts the turn and returns only once the run has ended", async () => {
    const queue = new TurnStreamQueue<AgentTurnResult>();
    const stop = new AbortController();
    const ended: string[] = [];
    const run = new Promise<AgentTurnResult>((_, reject) => {
      // The run ends (the interrupted turn has settled) only after its stop was asked for.
      stop.signal.addEventListener("abort", () => setImmediate(() => {
        ended.push("run");
        reject(stop.signal.reason);
      }));
    });
    queue.delta("i1", "partial");
    for await (const chunk of queue.consumer(run, stop)) {
      assert.equal(chunk.type, "delta");
      break;
    }
    ended.push("loop");
    assert.deepEqual(ended, ["run", "loop"]);
    assert.equal((stop.signal.reason as { code?: string }).code, "ABORTED");
  });

  it("consumer(): ends with the run's result, or throws its error", async () => {
    const ok = new TurnStreamQueue<AgentTurnResult>();
    const chunks: TurnStreamChunk<AgentTurnResult>[] = [];
    for await (const chunk of ok.consumer(Promise.resolve({ assistantText: "done", events: [] }), new AbortController())) chunks.push(chunk);
    assert.deepEqual(chunks.map((c) => c.type), ["result"]);
    const failing = new TurnStreamQueue<AgentTurnResult>();
    await assert.rejects(async () => {
      for await (const _chunk of failing.consumer(Promise.reject(new Error("turn failed")), new AbortController()));
    }, /turn failed/);
  });
});
