/** The guard around a caller's callbacks: errors caught, reported once as a warning or each time to onCallbackError. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CALLBACK_WARNING_TYPE, callSafely, guardCallback } from "../src/callbacks.ts";

/** Warnings of codex-rpc's type emitted while `work` runs (and the ticks after it). */
async function warningsDuring(work: () => Promise<void> | void): Promise<Error[]> {
  const seen: Error[] = [];
  const listener = (warning: Error) => {
    if (warning.name === CALLBACK_WARNING_TYPE) seen.push(warning);
  };
  process.on("warning", listener);
  try {
    await work();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", listener);
  }
  return seen;
}

describe("callSafely / guardCallback", () => {
  it("catches a throw, warns once per callback (naming it), and passes the arguments", async () => {
    const args: unknown[] = [];
    const callback = (a: number, b: string) => {
      args.push([a, b]);
      throw new Error("broken");
    };
    const warnings = await warningsDuring(() => {
      for (let i = 0; i < 3; i++) callSafely("onSomething", callback, undefined, i, "x");
    });
    assert.deepEqual(args, [[0, "x"], [1, "x"], [2, "x"]]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /onSomething/);
    assert.match(warnings[0]!.message, /broken/);
  });

  it("catches a rejected promise a callback returns", async () => {
    const warnings = await warningsDuring(() => callSafely("onAsync", async () => Promise.reject(new Error("later")), undefined));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /later/);
  });

  it("hands every error to onError instead of warning; a throwing onError falls back to one warning", async () => {
    const caught: string[] = [];
    const guarded = guardCallback(
      "onX",
      () => {
        throw new Error("e");
      },
      (error, name) => caught.push(`${name}: ${(error as Error).message}`),
    )!;
    const none = await warningsDuring(() => {
      guarded();
      guarded();
    });
    assert.deepEqual(caught, ["onX: e", "onX: e"]);
    assert.deepEqual(none, []);
    const onError = () => {
      throw new Error("handler broken too");
    };
    const fallback = await warningsDuring(() => {
      callSafely("onY", () => {
        throw new Error("y");
      }, onError);
      callSafely("onY", () => {
        throw new Error("y");
      }, onError);
    });
    assert.equal(fallback.length, 1);
    assert.match(fallback[0]!.message, /onCallbackError/);
  });

  it("leaves an absent callback absent, and a working one untouched", () => {
    assert.equal(guardCallback("onZ", undefined), undefined);
    let called = 0;
    guardCallback("onZ", () => called++)!();
    assert.equal(called, 1);
  });
});
