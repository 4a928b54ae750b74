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

  // Node 20's mock timers schedule a timer set inside a callback from the end of the tick, so each
  // tick below ends where a chained timer is due, and the last check allows a second either side.
  it("a deadline longer than a Node timer holds (25 days) fires at its time, not after 1 ms", () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      const DAY_MS = 24 * 60 * 60 * 1000;
      const MAX = 2 ** 31 - 1;
      let fired = 0;
      new TurnDeadline(25 * DAY_MS, () => fired++);
      mock.timers.tick(2);
      assert.equal(fired, 0, "fired at once: the delay overflowed the timer");
      mock.timers.tick(MAX - 2);
      assert.equal(fired, 0, "fired after the first 24.8 days");
      mock.timers.tick(25 * DAY_MS - MAX - 1000);
      assert.equal(fired, 0, "fired before its time");
      mock.timers.tick(2000);
      assert.equal(fired, 1);
      mock.timers.tick(100 * DAY_MS);
      assert.equal(fired, 1);
    } finally {
      mock.timers.reset();
    }
  });

  it("a long deadline paused and resumed still counts only the time it ran", () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      const DAY_MS = 24 * 60 * 60 * 1000;
      const MAX = 2 ** 31 - 1;
      let fired = 0;
      const deadline = new TurnDeadline(60 * DAY_MS, () => fired++);
      deadline.pause();
      mock.timers.tick(100 * DAY_MS);
      deadline.resume();
      mock.timers.tick(MAX);
      mock.timers.tick(MAX);
      mock.timers.tick(60 * DAY_MS - 2 * MAX - 1000);
      assert.equal(fired, 0, "fired before its time");
      mock.timers.tick(2000);
      assert.equal(fired, 1);
    } finally {
      mock.timers.reset();
    }
  });
});
