/** LivenessMonitor: a probe answered, or anything heard, is alive; silence through the probe's timeout is a wedge. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LivenessMonitor } from "../../src/codex/livenessMonitor.ts";
import { within } from "../faults/faultHarness.ts";

const never = () => new Promise<void>(() => {});

describe("LivenessMonitor", () => {
  // The monitor's timers never keep a process alive (a running turn's deadline does): stand in for it.
  let keepAlive: NodeJS.Timeout;
  before(() => {
    keepAlive = setInterval(() => {}, 1_000);
  });
  after(() => clearInterval(keepAlive));

  it("a probe answered (even with an error answer, which the backend resolves) is alive", async () => {
    const monitor = new LivenessMonitor(false, async () => {}, () => assert.fail("not wedged"));
    assert.equal(await within(1_000, "probe", monitor.probe(500)), true);
  });

  it("a probe unanswered while nothing arrives is not alive; one unanswered while other traffic arrives is", async () => {
    const monitor = new LivenessMonitor(false, never, () => {});
    assert.equal(await within(2_000, "probe", monitor.probe(50)), false);
    const probing = monitor.probe(50);
    monitor.heard();
    assert.equal(await within(2_000, "probe", probing), true);
  });

  it("a probe that cannot be sent (connection closed) is not an answer", async () => {
    const monitor = new LivenessMonitor(false, () => Promise.reject(new Error("closed")), () => {});
    assert.equal(await within(2_000, "probe", monitor.probe(50)), false);
  });

  it("while watched, silence leads to a probe; unanswered, onWedged is called with the reason", async () => {
    let probes = 0;
    const wedged: string[] = [];
    const reported = new Promise<void>((resolve) => {
      const monitor = new LivenessMonitor(
        { afterSilenceSeconds: 0.05, timeoutSeconds: 0.05 },
        () => {
          probes++;
          return never();
        },
        (reason) => {
          wedged.push(reason);
          resolve();
        },
      );
      monitor.watch();
    });
    await within(3_000, "onWedged", reported);
    assert.equal(probes, 1);
    assert.deepEqual(wedged, ["it sent nothing for 0.05 s while a turn was running, and did not answer a liveness probe within 0.05 s"]);
  });

  it("not watched (no turn running): no probe is ever sent", async () => {
    let probes = 0;
    const monitor = new LivenessMonitor({ afterSilenceSeconds: 0.01, timeoutSeconds: 0.01 }, async () => void probes++, () => {});
    const watch = monitor.watch();
    watch.dispose();
    watch.dispose();
    // A probe of the watch would be due after 10 ms; a probe of our own, sent later, comes first in the count.
    assert.equal(await monitor.probe(20), true);
    assert.equal(probes, 1);
  });
});
