import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { checkObject, didYouMean, loneSurrogateIndex, MAX_TIMER_MS, milliseconds, seconds } from "../../src/codex/checkSupport.ts";
import { InvalidConfigError, InvalidInputError } from "../../src/errors.ts";

describe("check support", () => {
  it("finds the first lone surrogate and passes well-formed text, pairs included", () => {
    assert.equal(loneSurrogateIndex("plain"), -1);
    assert.equal(loneSurrogateIndex("😀 pair \ud83d\ude00"), -1);
    assert.equal(loneSurrogateIndex("ab\ud800"), 2);
    assert.equal(loneSurrogateIndex("\udc00"), 0);
    assert.equal(loneSurrogateIndex("x\ud800\ud800\udc00"), 1);
    assert.equal(loneSurrogateIndex("\ud800\udc00\udc00"), 2);
  });

  it("suggests the option that was probably meant, and nothing for a stranger", () => {
    const known = ["codexBin", "configOverrides", "env", "inheritEnv", "startTimeoutSeconds"];
    assert.equal(didYouMean("codexBinary", known), "codexBin");
    assert.equal(didYouMean("codexbin", known), "codexBin");
    assert.equal(didYouMean("startTimeout", known), "startTimeoutSeconds");
    assert.equal(didYouMean("inheritenv", known), "inheritEnv");
    assert.equal(didYouMean("completelyElse", known), undefined);
  });

  it("durations: finite, more than 0 (or 0 when allowed), within a timer unless chained", () => {
    const valid = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;
    const plain = seconds();
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, "5", null, MAX_TIMER_MS / 1000 + 1]) assert.equal(valid(plain, bad), false, String(bad));
    for (const good of [0.001, 1, 30, Math.floor(MAX_TIMER_MS / 1000)]) assert.equal(valid(plain, good), true, String(good));
    assert.equal(valid(seconds({ chained: true }), 25 * 24 * 60 * 60), true);
    assert.equal(valid(seconds({ chained: true }), 1e300), false, "past what milliseconds can count");
    assert.equal(valid(milliseconds({ zeroAllowed: true }), 0), true);
    assert.equal(valid(milliseconds({ zeroAllowed: true }), -1), false);
    assert.equal(valid(milliseconds(), MAX_TIMER_MS + 1), false);
  });

  it("checkObject: INVALID_CONFIG or INVALID_INPUT by subject, with field, what it must be, and what it got", () => {
    const schema = z.strictObject({ n: seconds().optional(), name: z.string().optional() });
    assert.throws(
      () => checkObject({ kind: "config", owner: "Opts" }, schema, { n: -2 }),
      (error: unknown) => error instanceof InvalidConfigError && error.field === "n" && /Opts\.n must be more than 0 seconds \(got number -2\)/.test(error.message),
    );
    assert.throws(
      () => checkObject({ kind: "input", owner: "Opts" }, schema, { nme: "x" }),
      (error: unknown) => error instanceof InvalidInputError && error.field === "nme" && /did you mean "name".*the options are n, name/.test(error.message),
    );
    assert.throws(
      () => checkObject({ kind: "config", owner: "Opts", secretFields: ["name"] }, schema, { name: 5 }),
      (error: unknown) => error instanceof InvalidConfigError && /must be a string \(got number 5\)/.test(error.message),
    );
    assert.throws(() => checkObject({ kind: "config", owner: "Opts" }, schema, null), (error: unknown) => error instanceof InvalidConfigError && error.field === "options");
    assert.deepEqual(checkObject({ kind: "config", owner: "Opts" }, schema, { n: 1 }), { n: 1 });
  });

  it("never shows a string of a secret field, only its length", () => {
    const schema = z.strictObject({ env: z.record(z.string(), z.number()).optional() });
    assert.throws(
      () => checkObject({ kind: "config", owner: "Opts", secretFields: ["env"] }, schema, { env: { KEY: "sk-secret-value" } }),
      (error: unknown) => error instanceof InvalidConfigError && !error.message.includes("sk-secret") && /a string of 15 characters/.test(error.message),
    );
  });
});
