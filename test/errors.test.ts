import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BackendExitedError, BackendStartError } from "../src/errors.ts";

const exit = (stderrTail: string) => ({ exitCode: 1, signal: null, stderrTail });

describe("errors of the backend process", () => {
  it("point at the stderr tail only when there is one", () => {
    const withTail = new BackendExitedError(exit("boom: bad config\n"), "running a turn");
    assert.match(withTail.message, /Check the stderr tail below;[\s\S]*--- stderr \(tail\) ---\nboom: bad config$/);

    const noTail = new BackendExitedError(exit("  \n"), "running a turn");
    assert.doesNotMatch(noTail.message, /stderr tail below/);
    assert.match(noTail.message, /It wrote nothing to stderr; the next use of the factory starts a new backend\.$/);

    const start = new BackendStartError("It did not answer initialize. Check the stderr tail below, or raise startTimeoutSeconds.", exit(""));
    assert.equal(start.message, "It did not answer initialize. It wrote nothing to stderr; raise startTimeoutSeconds.");
  });
});
