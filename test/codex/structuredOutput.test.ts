import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import * as zm from "zod/mini";
import { z as z3 } from "zod/v3";
import { OutputInvalidError, prepareOutputSchema, structuredOutput } from "../../src/codex/structuredOutput.ts";
import { InvalidInputError } from "../../src/errors.ts";

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

describe("prepareOutputSchema", () => {
  function refuses(schema: unknown, pattern: RegExp): void {
    assert.throws(
      () => prepareOutputSchema(schema),
      (error: unknown) => {
        assert.ok(error instanceof InvalidInputError, String(error));
        assert.equal(error.code, "INVALID_INPUT");
        assert.equal(error.field, "outputSchema");
        assert.match(error.message, pattern);
        return true;
      },
    );
  }

  it("passes a valid JSON Schema through as is, in draft 7 or 2020-12, the same schema twice included", () => {
    const schema = { $id: "answer", type: "object", properties: { n: { type: "number" } }, required: ["n"], additionalProperties: false };
    assert.equal(prepareOutputSchema(schema)?.jsonSchema, schema);
    assert.equal(prepareOutputSchema({ ...schema })?.output, undefined, "a second schema with the same $id is no duplicate");
    const modern = { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", $defs: { n: { type: "number" } }, properties: { n: { $ref: "#/$defs/n" } } };
    assert.equal(prepareOutputSchema(modern)?.jsonSchema, modern);
    assert.equal(prepareOutputSchema(undefined), undefined);
  });

  it("refuses a schema that is not one, with ajv's reason", () => {
    refuses({ type: "bogus" }, /outputSchema\/type must be equal to one of the allowed values/);
    refuses({ type: "object", required: "n" }, /required must be array/);
    refuses({ type: "object", properties: { a: { $ref: "#/definitions/none" } } }, /can't resolve reference/);
  });

  it("refuses what is not JSON: arrays, cycles, functions, NaN, lone surrogates in values and keys", () => {
    refuses([], /JSON Schema object or a zod 4 schema/);
    refuses("{}", /JSON Schema object/);
    const cyclic: Record<string, unknown> = {};
    cyclic.items = cyclic;
    refuses(cyclic, /outputSchema.items refers back to itself/);
    refuses({ type: "string", default: () => "x" }, /outputSchema.default is a function/);
    refuses({ type: "number", maximum: Number.NaN }, /NaN/);
    refuses({ type: "string", description: "a\ud800" }, /description holds a lone UTF-16 surrogate/);
    refuses({ type: "object", properties: { ["\udc00"]: { type: "string" } } }, /key .* lone UTF-16 surrogate/);
    refuses({ type: "string", pattern: new RegExp("x") }, /instance of RegExp/);
  });

  it("refuses a zod 3 schema and says how to get a zod 4 one", () => {
    refuses(z3.object({ a: z3.string() }), /codex-rpc needs zod 4 schemas.*zod 3.*npm install zod@\^4.*zod\/v4/);
  });

  it("refuses a zod schema that JSON Schema cannot hold with zod's reason, never a bare zod error", () => {
    refuses(z.object({ when: z.date() }), /cannot become the JSON Schema.*Date cannot be represented/);
    refuses(z.object({ n: z.bigint() }), /BigInt cannot be represented/);
  });

  it("takes a zod 4 schema from zod/mini too, and reads the answer back through it", () => {
    const prepared = prepareOutputSchema(zm.object({ n: zm.number() }));
    assert.ok(prepared?.output);
    assert.deepEqual(prepared.output.parse('{"n":1}'), { n: 1 });
    assert.throws(() => prepared.output!.parse('{"n":"x"}'), OutputInvalidError);
  });
});
