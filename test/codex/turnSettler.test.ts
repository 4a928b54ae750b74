/** What a turn's error says once its backend was retired: what happened, kept; "interrupted, take another turn", replaced. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { retiredTurnError } from "../../src/codex/turnSettler.ts";
import { AgentError, TurnTimeoutError } from "../../src/errors.ts";

const REASON = "it did not answer turn/interrupt within 1 s";

describe("retiredTurnError", () => {
  for (const [code, message, kept] of [
    ["ABORTED", "The turn was aborted by the caller's signal; it was interrupted and the runner can take another turn.", "The turn was aborted by the caller's signal."],
    ["CLOSED", "The runner was closed during the turn; the turn was interrupted.", "The runner was closed during the turn."],
    ["TURN_TIMEOUT", "The turn had no traffic for 3 s (silence watchdog); it was interrupted. The runner can take another turn.", "The turn had no traffic for 3 s (silence watchdog)."],
    ["PROTOCOL", "turn/completed broke its schema. The turn cannot be followed reliably and was interrupted.", "turn/completed broke its schema. The turn cannot be followed reliably."],
  ] as const) {
    it(`${code}: keeps what happened, says the server was retired`, () => {
      const error = retiredTurnError(new AgentError(code, message), REASON) as AgentError;
      assert.equal(error.code, code);
      assert.ok(error.message.startsWith(`${kept} The codex app-server could not be interrupted: ${REASON}. It was retired`), error.message);
      assert.doesNotMatch(error.message, /can take another turn/);
    });
  }

  it("TURN_TIMEOUT of the deadline: a TurnTimeoutError with retiredBecause", () => {
    const error = retiredTurnError(new TurnTimeoutError(2, "turn-1"), REASON) as TurnTimeoutError;
    assert.ok(error instanceof TurnTimeoutError);
    assert.equal(error.retiredBecause, REASON);
    assert.equal(error.turnId, "turn-1");
    assert.match(error.message, /^The turn did not complete within 2 s, and the codex app-server could not be interrupted: it did not answer turn\/interrupt within 1 s\. It was taken to be wedged and retired/);
  });
});
