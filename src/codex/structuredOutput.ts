/**
 * Typed structured output: a zod schema becomes the strict JSON Schema the model API requires
 * (every property required, optional ones nullable, no additional properties), and the model's
 * answer is parsed back through the zod schema into a typed value.
 */
import { createRequire } from "node:module";
import { z } from "zod";
import { AgentError, InvalidInputError } from "../errors.ts";
import { describeZodError } from "../protocol/envelope.ts";
import { isPlainObject, malformedTextProblem } from "./checkSupport.ts";

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

/**
 * True for zod 4 schemas (as opposed to plain JSON Schema objects), from this copy of zod or
 * another one (zod 4 marks every schema with `_zod`).
 */
export function isZodSchema(value: unknown): value is z.ZodType {
  return value instanceof z.ZodType || (value !== null && typeof value === "object" && "_zod" in value);
}

/** True for a zod 3 schema: it has zod 3's `_def` and `safeParse`, and no `_zod`. */
function isZod3Schema(value: unknown): boolean {
  return value !== null && typeof value === "object" && "_def" in value && !("_zod" in value) && typeof (value as { safeParse?: unknown }).safeParse === "function";
}

/** Prepares a zod schema for `outputSchema`; see the module comment. Throws INVALID_INPUT when it cannot become JSON Schema. */
export function structuredOutput<S extends z.ZodType>(schema: S): StructuredOutput<z.output<S>> {
  let generated: Json;
  try {
    generated = z.toJSONSchema(schema, { target: "draft-7", io: "output", unrepresentable: "throw" }) as Json;
  } catch (error) {
    throw new InvalidInputError(
      "outputSchema",
      `The zod outputSchema cannot become the JSON Schema the model needs: ${error instanceof Error ? error.message : String(error)}. ` +
        "Use only JSON types in it (no bigint, date, map, set, symbol, function or custom types; transforms only where the output is JSON).",
      { cause: error },
    );
  }
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
      // z.safeParse works for any zod 4 schema, classic or mini, from any copy of zod.
      const parsed = z.safeParse(schema, value);
      if (!parsed.success) throw new OutputInvalidError(text, describeZodError(parsed.error), { cause: parsed.error });
      return parsed.data;
    },
  };
}

/** An output schema ready for turn/start: the JSON Schema to send, and the parser when it was a zod schema. */
export interface PreparedOutputSchema {
  readonly jsonSchema: Json;
  readonly output: StructuredOutput<unknown> | undefined;
}

/**
 * Checks and prepares a turn's `outputSchema` before anything is sent: a zod 4 schema becomes
 * strict JSON Schema; a JSON Schema object must be JSON (no cycles, functions, bigint, lone
 * surrogates) and a valid schema (checked with ajv against its draft's meta-schema, `$ref`s
 * resolved). Anything else throws INVALID_INPUT naming `outputSchema`. `undefined` gives undefined.
 */
export function prepareOutputSchema(schema: unknown): PreparedOutputSchema | undefined {
  if (schema === undefined) return undefined;
  if (isZod3Schema(schema)) {
    throw new InvalidInputError(
      "outputSchema",
      "codex-rpc needs zod 4 schemas; this outputSchema is a zod 3 schema. Install zod 4 (`npm install zod@^4`) and build it with " +
        '`import { z } from "zod"` (with zod 3.25, `import { z } from "zod/v4"`), or pass a JSON Schema object.',
    );
  }
  if (isZodSchema(schema)) {
    const output = structuredOutput(schema);
    return { jsonSchema: output.jsonSchema, output };
  }
  if (!isPlainObject(schema)) {
    throw new InvalidInputError("outputSchema", `outputSchema must be a JSON Schema object or a zod 4 schema (got ${Array.isArray(schema) ? "an array" : schema === null ? "null" : typeof schema}).`);
  }
  const problem = jsonSchemaProblem(schema, "outputSchema");
  if (problem) throw new InvalidInputError("outputSchema", `${problem}. Fix the schema; nothing was sent.`);
  return { jsonSchema: schema, output: undefined };
}

/**
 * Why a JSON Schema object (named `name` in the message) cannot be sent: not JSON, or not a
 * valid schema of its draft (ajv's reason, `$ref`s resolved); undefined when it can.
 */
export function jsonSchemaProblem(schema: Json, name: string): string | undefined {
  const problem = notJson(schema, name, new Set());
  if (problem) return `${name} is not JSON: ${problem}`;
  const invalid = schemaInvalidity(schema, name);
  return invalid && `${name} is not a valid JSON Schema: ${invalid}`;
}

/** Where `value` stops being JSON that survives a round trip, or undefined. */
function notJson(value: unknown, path: string, open: Set<object>): string | undefined {
  switch (typeof value) {
    case "string": {
      const problem = malformedTextProblem(value);
      return problem && `${path} ${problem}`;
    }
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot hold`;
    case "object": {
      if (value === null) return undefined;
      if (open.has(value)) return `${path} refers back to itself (a cycle)`;
      if (!Array.isArray(value) && !isPlainObject(value)) return `${path} is an instance of ${value.constructor?.name ?? "a class"}, not a plain object`;
      open.add(value);
      try {
        for (const [key, item] of Object.entries(value)) {
          const keyProblem = malformedTextProblem(key);
          if (keyProblem) return `the key ${JSON.stringify(key)} of ${path} ${keyProblem}`;
          const problem = notJson(item, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, open);
          if (problem) return problem;
        }
      } finally {
        open.delete(value);
      }
      return undefined;
    }
    default:
      return `${path} is ${typeof value === "undefined" ? "undefined" : `a ${typeof value}`}, which JSON cannot hold`;
  }
}

interface AjvLike {
  validateSchema(schema: unknown): boolean | Promise<unknown>;
  compile(schema: unknown): unknown;
  errorsText(errors?: unknown, options?: { dataVar?: string }): string;
  removeSchema(schema: unknown): unknown;
  errors?: unknown;
}
type AjvClass = new (options: Record<string, unknown>) => AjvLike;

const ajvByDraft = new Map<string, AjvLike>();

/** ajv for the schema's draft, loaded on first use (ajv takes a few hundred ms to load; most callers never need it). */
function ajvFor(schema: Json): AjvLike {
  const declared = typeof schema.$schema === "string" ? schema.$schema : "";
  const draft = declared.includes("2020-12") ? "2020" : declared.includes("2019-09") ? "2019" : "7";
  let ajv = ajvByDraft.get(draft);
  if (!ajv) {
    const require = createRequire(import.meta.url);
    const module = require(draft === "2020" ? "ajv/dist/2020" : draft === "2019" ? "ajv/dist/2019" : "ajv") as AjvClass | { default: AjvClass };
    const Ajv = "default" in module ? module.default : module;
    // strict: false, because the model API has keywords of its own and unknown formats are not errors there.
    ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
    ajvByDraft.set(draft, ajv);
  }
  return ajv;
}

function schemaInvalidity(schema: Json, name: string): string | undefined {
  const ajv = ajvFor(schema);
  let problem: string | undefined;
  try {
    if (ajv.validateSchema(schema) !== true) problem = ajv.errorsText(ajv.errors, { dataVar: name });
    // Compiling resolves every $ref: a reference to nothing fails here, not at the model.
    else ajv.compile(schema);
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  } finally {
    // Forget it, or the next schema with the same $id would be refused as a duplicate.
    ajv.removeSchema(schema);
  }
  return problem;
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
