/**
 * A caller's callback that throws (or returns a rejected promise) never crashes the process,
 * drops a message or stalls a turn: the library catches the error, goes on, and reports it once
 * per callback as a `CodexRpcCallbackWarning` (or to `onCallbackError`, every time, when given).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AgentTurnEvent } from "../../src/agent/port.ts";
import { CALLBACK_WARNING_TYPE } from "../../src/callbacks.ts";
import { startFakeSession, within } from "./faultHarness.ts";

/** Warnings of codex-rpc's type emitted while the suite runs. */
const warnings: Error[] = [];
const onWarning = (warning: Error) => {
  if (warning.name === CALLBACK_WARNING_TYPE) warnings.push(warning);
};
/** Lets process.emitWarning (a nextTick) fire. */
const warningsSettled = () => new Promise((resolve) => setImmediate(resolve));

describe("callbacks that throw (fake app-server)", { timeout: 60_000 }, () => {
  before(() => {
    process.on("warning", onWarning);
  });
  after(() => {
    process.off("warning", onWarning);
  });

  it("onTraffic throwing on every message: the turn completes, nothing is lost, one warning names it", async () => {
    let calls = 0;
    const seen: string[] = [];
    const onTraffic = (_direction: string, message: unknown) => {
      calls++;
      seen.push(String((message as { method?: unknown }).method ?? "response"));
      throw new Error("traffic logger is broken");
    };
    const before = warnings.length;
    await using session = await startFakeSession({ recordTraffic: false, backend: { onTraffic } });
    const runner = await session.runner();
    const result = await within(5_000, "the turn", runner.turn("hello"));
    assert.equal(result.assistantText, "echo: hello");
    assert.deepEqual(result.events.map((e) => e.kind), ["agentMessage", "tokenUsage"]);
    assert.ok(seen.includes("turn/completed"), `every message still reached onTraffic: ${seen.join(", ")}`);
    assert.ok(calls > 5);
    await warningsSettled();
    const mine = warnings.slice(before);
    assert.equal(mine.length, 1, `one warning for the callback, not one per call: ${mine.map((w) => w.message).join(" | ")}`);
    assert.match(mine[0]!.message, /onTraffic/);
    assert.match(mine[0]!.message, /traffic logger is broken/);
  });

  it("onStderrLine throwing: the process survives, every line still reaches the callback, the turn completes", async () => {
    const lines: string[] = [];
    const onStderrLine = (line: string) => {
      lines.push(line);
      throw new Error("stderr logger is broken");
    };
    await using session = await startFakeSession({ backend: { onStderrLine } });
    const runner = await session.runner();
    const result = await within(5_000, "the turn", runner.turn("fault:stderr-chatter"));
    assert.equal(result.assistantText, "echo: fault:stderr-chatter");
    await within(5_000, "the third stderr line", (async () => {
      while (!lines.some((line) => /chatter 2/.test(line))) await new Promise((resolve) => setTimeout(resolve, 10));
    })());
    assert.deepEqual(lines.filter((line) => /chatter/.test(line)).length, 3);
  });

  it("onEvent throwing (runner's and turn's): the turn completes with every event, both callbacks see all, nothing is blamed on the app-server", async () => {
    await using session = await startFakeSession();
    const runnerSaw: AgentTurnEvent[] = [];
    const turnSaw: AgentTurnEvent[] = [];
    const runner = await session.runner({
      onEvent: (event) => {
        runnerSaw.push(event);
        throw new Error("runner onEvent is broken");
      },
    });
    const result = await within(
      5_000,
      "the turn",
      runner.turn("fault:event-secrets", {
        timeoutSeconds: 30,
        onEvent: (event) => {
          turnSaw.push(event);
          throw new Error("turn onEvent is broken");
        },
      }),
    );
    assert.deepEqual(result.events.map((e) => e.kind), ["error", "warning", "agentMessage", "tokenUsage"]);
    assert.deepEqual(runnerSaw, result.events);
    assert.deepEqual(turnSaw, result.events);
    assert.deepEqual(session.observed.protocolErrors, [], "a caller's error is not a protocol error");
    // The runner takes the next turn.
    assert.equal((await within(5_000, "the next turn", runner.turn("again"))).assistantText, "echo: again");
  });

  it("an async onEvent that rejects: no unhandled rejection, the turn completes", async () => {
    await using session = await startFakeSession();
    const runner = await session.runner();
    let unhandled: unknown;
    const onUnhandled = (reason: unknown) => {
      unhandled = reason;
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      const result = await within(5_000, "the turn", runner.turn("hi", { onEvent: async () => Promise.reject(new Error("async onEvent failed")) }));
      assert.equal(result.assistantText, "echo: hi");
      await warningsSettled();
      await warningsSettled();
      assert.equal(unhandled, undefined);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("onProtocolError throwing on garbage lines: the turn completes", async () => {
    let reports = 0;
    await using session = await startFakeSession({
      backend: {
        onProtocolError: () => {
          reports++;
          throw new Error("protocol logger is broken");
        },
      },
    });
    const runner = await session.runner();
    const result = await within(5_000, "the turn", runner.turn("fault:garbage"));
    assert.equal(result.assistantText, "echo: fault:garbage");
    assert.ok(reports >= 10, `every garbage line still reported (${reports})`);
  });

  it("onCallbackError, when given, receives every error with the callback's name, and no warning is emitted", async () => {
    const caught: { name: string; message: string }[] = [];
    await using session = await startFakeSession({
      recordTraffic: false,
      backend: {
        onTraffic: () => {
          throw new Error("boom");
        },
        onCallbackError: (error, name) => caught.push({ name, message: (error as Error).message }),
      },
    });
    const before = warnings.length;
    const runner = await session.runner({
      onEvent: () => {
        throw new Error("event boom");
      },
    });
    await within(5_000, "the turn", runner.turn("x"));
    await warningsSettled();
    assert.equal(warnings.length, before, "no warning when onCallbackError is given");
    assert.ok(caught.filter((c) => c.name === "onTraffic").length > 5, JSON.stringify(caught.slice(0, 3)));
    assert.equal(caught.filter((c) => /onEvent/.test(c.name)).length, 2, JSON.stringify(caught.filter((c) => /onEvent/.test(c.name))));
  });
});
