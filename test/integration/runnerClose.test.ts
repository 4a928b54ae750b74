/**
 * runner.close() with the real codex binary: the thread is let go of on the server
 * (`thread/unsubscribe` answered "unsubscribed"), a second runner on a live runner's thread is
 * refused with THREAD_BUSY, and after close() another runner resumes the conversation with its history.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { TrafficDirection } from "../../src/codex/codexBackend.ts";
import { rejectsWithin, within } from "../faults/faultHarness.ts";
import { startRealCodex, type RealCodex } from "../helpers/realCodex.ts";

describe("runner.close() (real codex)", { timeout: 60_000 }, () => {
  let codex: RealCodex;
  const traffic: { direction: TrafficDirection; message: Record<string, unknown> }[] = [];
  before(async () => {
    codex = await startRealCodex({
      backend: { onTraffic: (direction: TrafficDirection, message: unknown) => traffic.push({ direction, message: message as Record<string, unknown> }) },
    });
  });
  after(async () => {
    await codex?.dispose();
  });

  it("THREAD_BUSY while a runner has the thread; close() unsubscribes; a new runner resumes it with its history", async () => {
    const first = await codex.runner();
    const { threadId } = await within(20_000, "a first turn", first.turn("remember the word kiwi"));
    await rejectsWithin(codex.runner({}, { resumeThreadId: threadId }), 1_000, "THREAD_BUSY");

    await within(10_000, "close()", first.close());
    const request = traffic.find((t) => t.direction === "c2s" && t.message.method === "thread/unsubscribe");
    assert.deepEqual(request?.message.params, { threadId });
    const answer = traffic.find((t) => t.direction === "s2c" && t.message.id === request!.message.id);
    assert.deepEqual(answer?.message.result, { status: "unsubscribed" });
    await rejectsWithin(first.turn("after close"), 500, "CLOSED");

    const second = await codex.runner({}, { resumeThreadId: threadId });
    const requests = codex.model.requests.length;
    const result = await within(20_000, "a turn of the resuming runner", second.turn("which word?"));
    assert.equal(result.threadId, threadId);
    assert.deepEqual(codex.model.requests.slice(requests).at(-1)!.userTexts, ["remember the word kiwi", "which word?"]);
    await second.close();
  });
});
