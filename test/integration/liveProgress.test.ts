/**
 * Live progress against the real binary: a command that prints over time shows up as an item
 * start and output deltas before its completed event, in turnStream() and in onEvent, while the
 * turn's result keeps only completed items.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AgentTurnEvent } from "../../src/agent/port.ts";
import { isLiveEvent } from "../../src/codex/progressEvents.ts";
import { startRealCodex, type RealCodex } from "../helpers/realCodex.ts";

const SLOW_COMMAND = "run: for i in 1 2 3; do echo tick-$i; sleep 0.2; done";

describe("live progress against the real binary", () => {
  let codex: RealCodex;
  before(async () => {
    codex = await startRealCodex();
  });
  after(async () => {
    await codex?.dispose();
  });

  it("turnStream yields the item start and output deltas before the command completes", async () => {
    const runner = await codex.runner({ sandbox: "danger-full-access", approvalMode: "never" });
    const seen: string[] = [];
    let output = "";
    let completedAt = -1;
    let result;
    for await (const chunk of runner.turnStream(SLOW_COMMAND, { timeoutSeconds: 60 })) {
      if (chunk.type === "itemStarted" && chunk.itemType === "commandExecution") {
        seen.push("started");
        assert.match(String(chunk.event.metadata.command), /tick-/);
      }
      if (chunk.type === "progress" && chunk.kind === "commandOutput") {
        seen.push("output");
        output += chunk.delta;
      }
      if (chunk.type === "event" && chunk.event.kind === "commandExecution") {
        completedAt = seen.length;
        seen.push("completed");
      }
      if (chunk.type === "result") result = chunk.result;
    }
    assert.ok(completedAt > 0, `no completed command event: ${seen.join()}`);
    assert.equal(seen[0], "started", seen.join());
    assert.ok(seen.slice(0, completedAt).includes("output"), `no output delta before completion: ${seen.join()}`);
    // codex 0.169 sends output as deltas only after it reported the item started: what the command
    // printed before (here tick-1) is in the completed event's output alone.
    assert.match(output, /tick-3/);
    assert.ok(result, "the stream ended with a result");
    assert.ok(!result.events.some(isLiveEvent), "the result holds no live-only event");
  });

  it("onEvent receives the live events in order; the result stays one event per completed item", async () => {
    const events: AgentTurnEvent[] = [];
    const runner = await codex.runner({ sandbox: "danger-full-access", approvalMode: "never" }, { onEvent: (event) => events.push(event) });
    const result = await runner.turn(SLOW_COMMAND, { timeoutSeconds: 60 });
    const kinds = events.map((event) => event.kind);
    const started = kinds.findIndex((kind, i) => kind === "itemStarted" && events[i]!.metadata.itemType === "commandExecution");
    const firstOutput = kinds.indexOf("commandOutputDelta");
    const completed = kinds.indexOf("commandExecution");
    assert.ok(started >= 0 && firstOutput > started && completed > firstOutput, kinds.join());
    assert.deepEqual(
      result.events.map((event) => event.kind),
      events.filter((event) => !isLiveEvent(event)).map((event) => event.kind),
    );
  });
});
