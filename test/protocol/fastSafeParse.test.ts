/**
 * fastSafeParse gives zod's answer without zod's copying: on real app-server traffic and on
 * every one-field mutation of it (a field removed, or replaced by null, a number, a string, an
 * array, an object), it accepts and refuses exactly what `safeParse` does, with equal data; the
 * schemas of every turn's messages are compiled (so the fast path is not silently lost).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { z } from "zod";
import { CLIENT_REQUESTS } from "../../src/protocol/clientRequests.ts";
import { compileCheck, fastSafeParse } from "../../src/protocol/fastSafeParse.ts";
import { SERVER_NOTIFICATIONS } from "../../src/protocol/serverNotifications.ts";

const recorded = readFileSync(new URL("../fixtures/cli/session.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((line) => (JSON.parse(line) as { dir: string; msg: { method?: string; params?: unknown } }).msg);
const notifications = recorded.filter((m): m is { method: keyof typeof SERVER_NOTIFICATIONS; params: unknown } => typeof m.method === "string" && m.method in SERVER_NOTIFICATIONS);

/** Every value obtained by changing one field (at any depth) of `value`. */
function* mutations(value: unknown): Generator<unknown> {
  if (typeof value !== "object" || value === null) return;
  const replacements: unknown[] = [null, 42, 1.5, "x", [], {}, true];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  for (const key of keys) {
    const at = (replacement: unknown, remove = false) => {
      if (Array.isArray(value)) {
        const copy: unknown[] = [...value];
        // (An element is spliced out: JSON has no holes in arrays.)
        if (remove) copy.splice(key as number, 1);
        else copy[key as number] = replacement;
        return copy;
      }
      const copy: Record<string, unknown> = { ...(value as object) };
      if (remove) delete copy[key];
      else copy[key] = replacement;
      return copy;
    };
    yield at(undefined, true);
    for (const replacement of replacements) yield at(replacement);
    const child = (value as Record<string | number, unknown>)[key];
    for (const mutated of mutations(child)) yield at(mutated);
  }
}

function assertSameAnswer(schema: z.ZodType, value: unknown, what: string): boolean {
  const slow = schema.safeParse(value);
  const fast = fastSafeParse(schema, value);
  assert.equal(fast.success, slow.success, `${what}: ${JSON.stringify(value)}`);
  if (slow.success && fast.success) assert.deepEqual(fast.data, slow.data, what);
  return slow.success;
}

describe("fastSafeParse", () => {
  it("compiles the schema of every notification codex-rpc validates, and the results of thread/start and turn/start", () => {
    for (const [method, schema] of Object.entries(SERVER_NOTIFICATIONS)) assert.notEqual(compileCheck(schema), null, method);
    assert.notEqual(compileCheck(CLIENT_REQUESTS["thread/start"].result), null);
    assert.notEqual(compileCheck(CLIENT_REQUESTS["turn/start"].result), null);
  });

  it("accepts recorded traffic as zod does, returning the params themselves", () => {
    assert.ok(notifications.length > 20);
    for (const { method, params } of notifications) {
      const result = fastSafeParse(SERVER_NOTIFICATIONS[method], params);
      assert.ok(result.success, method);
      assert.equal(result.data, params, `${method}: no copy`);
    }
  });

  it("refuses and accepts every one-field mutation of recorded traffic exactly as zod does", () => {
    let refused = 0;
    let accepted = 0;
    for (const { method, params } of notifications) {
      for (const mutated of mutations(params)) {
        if (assertSameAnswer(SERVER_NOTIFICATIONS[method], mutated, method)) accepted++;
        else refused++;
      }
    }
    assert.ok(refused > 100 && accepted > 100, `refused ${refused}, accepted ${accepted}`);
  });

  it("agrees with zod on the constructs it models and leaves the rest to zod", () => {
    const cases: [z.ZodType, unknown[]][] = [
      [z.strictObject({ a: z.string() }), [{ a: "x" }, { a: "x", b: 1 }, {}, null, []]],
      [z.number().int(), [1, 1.5, Number.NaN, Infinity, 2 ** 60, "1"]],
      [z.number(), [1.5, Number.NaN, -Infinity]],
      [z.string().nullish(), [undefined, null, "", 0]],
      [z.looseObject({ type: z.string() }).refine((v) => v.type !== "no"), [{ type: "yes" }, { type: "no" }, {}]],
      [z.object({ a: z.string() }), [{ a: "x", b: 1 }]],
      [z.string().trim(), [" x "]],
      [z.looseObject({ n: z.number().default(3) }), [{}]],
    ];
    for (const [schema, values] of cases) for (const value of values) assertSameAnswer(schema, value, String(schema._zod.def.type));
    // Stripping, trimming and defaults change the value: no check is compiled for those, zod runs.
    assert.equal(compileCheck(z.object({ a: z.string() })), null);
    assert.equal(compileCheck(z.string().trim()), null);
    assert.equal(compileCheck(z.looseObject({ n: z.number().default(3) })), null);
  });
});
