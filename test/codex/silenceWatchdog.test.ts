import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { SilenceWatchdog } from "../../src/codex/silenceWatchdog.ts";
import { MAX_TIMER_MS } from "../../src/codex/checkSupport.ts";

describe("SilenceWatchdog", () => {
  it("a silence longer than a Node timer holds waits in timers a Node timer can hold, not in a 1 ms loop", () => {
    const delays: number[] = [];
    const setTimeoutSpy = mock.method(globalThis, "setTimeout", ((callback: () => void, ms: number) => {
      delays.push(ms);
      // Never run: only the delays asked for matter here.
      return { unref() {}, ref() {}, hasRef: () => false, refresh() {}, [Symbol.toPrimitive]: () => 0 } as unknown as NodeJS.Timeout;
    }) as typeof setTimeout);
    try {
      const watchdog = new SilenceWatchdog(25 * 24 * 60 * 60 * 1000, () => assert.fail("fired"));
      watchdog.pause();
      watchdog.resume();
      watchdog.cancel();
    } finally {
      setTimeoutSpy.mock.restore();
    }
    assert.equal(delays.length, 2);
    for (const ms of delays) assert.ok(ms <= MAX_TIMER_MS, `asked for a ${ms} ms timer, which Node fires after 1 ms`);
  });
});
