/**
 * zod's `safeParse` without its copying, for the messages of every turn. A loose object schema
 * makes zod build a new object holding every key of the input, at every level, for each
 * notification; the app-server's objects are large and codex-rpc only reads them. So a schema is
 * compiled once into a plain check that accepts exactly what zod accepts and leaves the value as
 * it is, and zod runs only for values the check refuses (to explain what is wrong) or for schemas
 * with parts the check does not model (transforms, defaults, string or array checks...).
 */
import type { z } from "zod";

/** A compiled check: true when zod would accept `value` and give back an equal value. */
type Check = (value: unknown) => boolean;

/** Thrown while compiling a schema with a part that zod might change the value of, or that is not modelled here. */
class Unsupported extends Error {}

/** The compiled check of each schema seen, or null when it has none (zod decides). */
const compiled = new WeakMap<z.ZodType, Check | null>();

/**
 * Same answer as `schema.safeParse(value)`; when the value is valid, `data` is `value` itself
 * (not a copy) wherever the schema allows it.
 */
export function fastSafeParse<T extends z.ZodType>(schema: T, value: unknown): z.ZodSafeParseResult<z.output<T>> {
  let check = compiled.get(schema);
  if (check === undefined) {
    check = compileCheck(schema);
    compiled.set(schema, check);
  }
  if (check?.(value)) return { success: true, data: value as z.output<T> };
  return schema.safeParse(value) as z.ZodSafeParseResult<z.output<T>>;
}

/** The check of `schema`, or null when some part of it is not modelled. */
export function compileCheck(schema: z.ZodType): Check | null {
  try {
    return compile(schema);
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

interface Def {
  readonly type: string;
  readonly checks?: readonly { readonly _zod: { readonly def: { readonly check: string; readonly format?: string } } }[];
  readonly shape?: Record<string, z.ZodType>;
  readonly catchall?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly entries?: Record<string, unknown>;
  readonly values?: readonly unknown[];
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

function compile(schema: z.ZodType): Check {
  const def = defOf(schema);
  const checks = def.checks ?? [];
  // Refinements only accept or refuse (they never change the value): zod decides those nodes.
  if (checks.some((c) => c._zod.def.check === "custom")) {
    if (checks.some((c) => c._zod.def.check !== "custom")) throw new Unsupported();
    const inner = compileWithoutChecks(schema, def);
    return (value) => inner(value) && schema.safeParse(value).success;
  }
  if (def.type === "number") {
    const formats = checks.map((c) => (c._zod.def.check === "number_format" ? c._zod.def.format : "other"));
    if (formats.some((format) => format !== "safeint")) throw new Unsupported();
    return formats.length ? (value) => Number.isSafeInteger(value) : (value) => typeof value === "number" && Number.isFinite(value);
  }
  if (checks.length > 0) throw new Unsupported();
  return compileWithoutChecks(schema, def);
}

function compileWithoutChecks(schema: z.ZodType, def: Def): Check {
  switch (def.type) {
    case "unknown":
    case "any":
      return () => true;
    case "string":
      return (value) => typeof value === "string";
    case "boolean":
      return (value) => typeof value === "boolean";
    case "number":
      return (value) => typeof value === "number" && Number.isFinite(value);
    case "null":
      return (value) => value === null;
    case "literal": {
      const values = def.values!;
      return values.length === 1 ? (value) => value === values[0] : (value) => values.includes(value);
    }
    case "enum": {
      const values = new Set(Object.values(def.entries!));
      return (value) => values.has(value);
    }
    case "optional": {
      const inner = compile(def.innerType!);
      return (value) => value === undefined || inner(value);
    }
    case "nullable": {
      const inner = compile(def.innerType!);
      return (value) => value === null || inner(value);
    }
    case "array": {
      const element = compile(def.element!);
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (const item of value) if (!element(item)) return false;
        return true;
      };
    }
    case "union": {
      const options = def.options!.map(compile);
      return (value) => {
        for (const option of options) if (option(value)) return true;
        return false;
      };
    }
    case "object":
      return compileObject(def);
    default:
      throw new Unsupported(`${def.type} in ${String(schema.description ?? "a schema")}`);
  }
}

function compileObject(def: Def): Check {
  const catchall = def.catchall ? defOf(def.catchall).type : undefined;
  // Loose (every other key kept as it is) and strict (no other key) leave the value unchanged; the default strips other keys.
  if (catchall !== "unknown" && catchall !== "any" && catchall !== "never") throw new Unsupported();
  const fields = Object.entries(def.shape!).map(([key, field]) => [key, compile(field)] as const);
  const known = new Set(fields.map(([key]) => key));
  const strict = catchall === "never";
  return (value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    for (const [key, check] of fields) if (!check(record[key])) return false;
    if (strict) for (const key in record) if (!known.has(key)) return false;
    return true;
  };
}
