/**
 * With the real codex binary: `runner.open()` starts the thread ahead of the first prompt (the
 * first turn then sends only turn/start; open is idempotent), and the notification opt-out at
 * initialize (`notifications`: the server stops sending what codex-rpc never reads, turns give
 * the same results; `onTraffic` alone asks for everything).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { TrafficDirection } from "../../src/codex/codexBackend.ts";
import { UNREAD_NOTIFICATION_METHODS } from "../../src/codex/notificationOptOut.ts";
import { within } from "../faults/faultHarness.ts";
import { startRealCodex, type RealCodex } from "../helpers/realCodex.ts";

type Seen = { direction: TrafficDirection; message: Record<string, unknown> };
const unread: ReadonlySet<string> = new Set(UNREAD_NOTIFICATION_METHODS);
const methods = (seen: readonly Seen[], direction: TrafficDirection) =>
  seen.filter((t) => t.direction === direction && typeof t.message.method === "string").map((t) => t.message.method as string);
const initializeOf = (seen: readonly Seen[]) => seen.find((t) => t.direction === "c2s" && t.message.method === "initialize")!.message.params as { capabilities: Record<string, unknown> };

describe("runner.open() and the notification opt-out (real codex)", { timeout: 90_000 }, () => {
  let needed: RealCodex;
  let all: RealCodex;
  const neededTraffic: Seen[] = [];
  const allTraffic: Seen[] = [];
  before(async () => {
    [needed, all] = await Promise.all([
      startRealCodex({
        backend: { notifications: "needed", onTraffic: (direction, message) => neededTraffic.push({ direction, message: message as Record<string, unknown> }) },
      }),
      startRealCodex({ backend: { onTraffic: (direction, message) => allTraffic.push({ direction, message: message as Record<string, unknown> }) } }),
    ]);
  });
  after(async () => {
    await Promise.all([needed?.dispose(), all?.dispose()]);
  });

  it("open() starts the thread once; the first turn then sends only turn/start", async () => {
    const runner = await needed.runner();
    const from = neededTraffic.length;
    const [threadId, again] = await within(20_000, "open() twice at once", Promise.all([runner.open(), runner.open()]));
    assert.equal(threadId, again);
    assert.equal(runner.threadId, threadId);
    assert.equal(await runner.open(), threadId, "an open thread is not opened again");
    assert.deepEqual(methods(neededTraffic.slice(from), "c2s"), ["thread/start"]);

    const turnFrom = neededTraffic.length;
    const result = await within(20_000, "the first turn after open()", runner.turn("hello after open"));
    assert.equal(result.threadId, threadId);
    assert.equal(result.assistantText, "You said: hello after open (turn 1)");
    assert.deepEqual(methods(neededTraffic.slice(turnFrom), "c2s"), ["turn/start"]);
  });

  it('notifications: "needed" opts out at initialize; the server sends none of them and turns are unchanged', async () => {
    assert.deepEqual(initializeOf(neededTraffic).capabilities.optOutNotificationMethods, [...UNREAD_NOTIFICATION_METHODS]);
    const runner = await needed.runner();
    const first = await within(20_000, "a first turn", runner.turn("first"));
    const later = await within(20_000, "a later turn", runner.turn("later"));
    assert.equal(first.assistantText, "You said: first (turn 1)");
    assert.equal(later.assistantText, "You said: later (turn 2)");
    // (The hermetic home may add a model-metadata warning; it is not one of the opted-out methods.)
    assert.deepEqual(later.events.map((e) => e.kind).filter((kind) => kind !== "warning"), ["userMessage", "agentMessage", "tokenUsage"]);
    const received = methods(neededTraffic, "s2c");
    assert.ok(received.includes("turn/completed") && received.includes("item/agentMessage/delta"), "what codex-rpc reads still arrives");
    assert.deepEqual(received.filter((method) => unread.has(method)), []);
  });

  it("onTraffic alone asks for every notification", async () => {
    assert.equal(initializeOf(allTraffic).capabilities.optOutNotificationMethods, undefined);
    const runner = await all.runner();
    const result = await within(20_000, "a turn", runner.turn("everything"));
    assert.equal(result.assistantText, "You said: everything (turn 1)");
    const received = methods(allTraffic, "s2c");
    assert.ok(received.includes("thread/started") && received.includes("thread/status/changed"), `got ${received.join(", ")}`);
  });
});
