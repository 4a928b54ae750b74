import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { TurnDeadline } from "../../src/codex/turnDeadline.ts";

describe("TurnDeadline", () => {
  it("fires once after the timeout, not counting paused time", () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      let fired = 0;
      const deadline = new TurnDeadline(1000, () => fired++);
      mock.timers.tick(400);
      deadline.pause();
      deadline.pause(); // nested: an approval and a question at once
      mock.timers.tick(5000);
      deadline.resume();
      mock.timers.tick(5000);
      assert.equal(fired, 0, "still paused by the second pause");
      deadline.resume();
      assert.equal(fired, 0);
      mock.timers.tick(1100);
      assert.equal(fired, 1);
      mock.timers.tick(5000);
      assert.equal(fired, 1);
    } finally {
      mock.timers.reset();
    }
  });

  it("never fires once cancelled", () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      let fired = 0;
      const deadline = new TurnDeadline(100, () => fired++);
      deadline.cancel();
      deadline.resume();
      mock.timers.tick(1000);
      assert.equal(fired, 0);
    } finally {
      mock.timers.reset();
    }
  });
});
