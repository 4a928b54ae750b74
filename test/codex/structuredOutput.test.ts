import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { OutputInvalidError, structuredOutput } from "../../src/codex/structuredOutput.ts";

describe("structuredOutput", () => {
  const Schema = z.object({
    title: z.string(),
    tags: z.array(z.object({ name: z.string(), weight: z.number().optional() })),
    note: z.string().optional(),
  });

  it("makes the strict JSON Schema the model API requires", () => {
    const { jsonSchema } = structuredOutput(Schema);
    assert.equal(jsonSchema.$schema, undefined);
    assert.deepEqual(jsonSchema.required, ["title", "tags", "note"]);
    assert.equal(jsonSchema.additionalProperties, false);
    const properties = jsonSchema.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(properties.note, { anyOf: [{ type: "string" }, { type: "null" }] });
    const tag = (properties.tags!.items as Record<string, unknown>);
    assert.deepEqual(tag.required, ["name", "weight"]);
    assert.equal(tag.additionalProperties, false);
  });

  it("parses the answer into a typed value, turning nulls of optional fields back into absent", () => {
    const output = structuredOutput(Schema).parse('{"title":"t","tags":[{"name":"a","weight":null},{"name":"b","weight":2}],"note":null}');
    assert.deepEqual(output, { title: "t", tags: [{ name: "a" }, { name: "b", weight: 2 }] });
    const title: string = output.title;
    assert.equal(title, "t");
  });

  it("rejects text that is not JSON, or JSON that does not match, with OUTPUT_INVALID and the raw text", () => {
    const { parse } = structuredOutput(Schema);
    for (const [text, reason] of [["not json", /not JSON/], ['{"title":1,"tags":[]}', /title/]] as const) {
      assert.throws(() => parse(text), (error: unknown) => {
        assert.ok(error instanceof OutputInvalidError);
        assert.equal(error.code, "OUTPUT_INVALID");
        assert.equal(error.rawText, text);
        assert.match(error.message, reason);
        return true;
      });
    }
  });
});
