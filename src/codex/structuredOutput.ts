/**
 * Typed structured output: a zod schema becomes the strict JSON Schema the model API requires
 * (every property required, optional ones nullable, no additional properties), and the model's
 * answer is parsed back through the zod schema into a typed value.
 */
import { z } from "zod";
import { AgentError } from "../errors.ts";
import { describeZodError } from "../protocol/envelope.ts";

/** Raised when the final answer is not JSON or does not match the schema; `rawText` holds it for a repair turn. */
export class OutputInvalidError extends AgentError {
  override readonly name = "OutputInvalidError";
  constructor(
    readonly rawText: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      "OUTPUT_INVALID",
      `The final answer does not match the output schema: ${reason}. ` +
        "The raw text is in error.rawText; send a repair turn on the same runner (see turnWithRepair).",
      options,
    );
  }
}

type Json = Record<string, unknown>;

/** A zod schema prepared for a turn: the JSON Schema to send and how to read the answer back. */
export interface StructuredOutput<T> {
  readonly jsonSchema: Json;
  parse(text: string): T;
}

/** True for zod schemas (as opposed to plain JSON Schema objects). */
export function isZodSchema(value: unknown): value is z.ZodType {
  return value instanceof z.ZodType;
}

/** Prepares a zod schema for `outputSchema`; see the module comment. */
export function structuredOutput<S extends z.ZodType>(schema: S): StructuredOutput<z.output<S>> {
  const generated = z.toJSONSchema(schema, { target: "draft-7", io: "output", unrepresentable: "throw" }) as Json;
  delete generated.$schema;
  const nullablePaths: string[][] = [];
  const jsonSchema = makeStrict(generated, [], nullablePaths);
  return {
    jsonSchema,
    parse(text: string): z.output<S> {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new OutputInvalidError(text, `it is not JSON (${(error as Error).message})`, { cause: error });
      }
      for (const path of nullablePaths) dropNulls(value, path);
      const parsed = schema.safeParse(value);
      if (!parsed.success) throw new OutputInvalidError(text, describeZodError(parsed.error), { cause: parsed.error });
      return parsed.data;
    },
  };
}

/** Requires every property of every object, making the ones that were optional nullable. */
function makeStrict(schema: Json, path: string[], nullablePaths: string[][]): Json {
  const out: Json = { ...schema };
  if (out.type === "object" || out.properties) {
    const properties = (out.properties ?? {}) as Record<string, Json>;
    const required = new Set((out.required ?? []) as string[]);
    const strictProperties: Record<string, Json> = {};
    for (const [key, property] of Object.entries(properties)) {
      const strict = makeStrict(property, [...path, key], nullablePaths);
      if (required.has(key)) strictProperties[key] = strict;
      else {
        strictProperties[key] = { anyOf: [strict, { type: "null" }] };
        nullablePaths.push([...path, key]);
      }
    }
    out.properties = strictProperties;
    out.required = Object.keys(strictProperties);
    out.additionalProperties = false;
  }
  if (out.items && typeof out.items === "object" && !Array.isArray(out.items)) out.items = makeStrict(out.items as Json, [...path, "*"], nullablePaths);
  for (const key of ["anyOf", "oneOf", "allOf"] as const) {
    if (Array.isArray(out[key])) out[key] = (out[key] as Json[]).map((variant) => makeStrict(variant, path, nullablePaths));
  }
  return out;
}

/** Turns `null` back into "absent" for a property that was optional in the zod schema. */
function dropNulls(value: unknown, path: readonly string[]): void {
  if (value === null || typeof value !== "object") return;
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (head === "*") {
    if (Array.isArray(value)) for (const item of value) dropNulls(item, rest);
    return;
  }
  const record = value as Record<string, unknown>;
  if (rest.length === 0) {
    if (record[head] === null) delete record[head];
  } else dropNulls(record[head], rest);
}
