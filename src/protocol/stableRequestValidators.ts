/**
 * Run-time checks of the stable client requests codex-rpc has no zod schema for: params and
 * results validated with ajv against the trimmed schema generated from the pinned codex
 * (protocol/stableClientRequests.schema.json). Each validator is compiled once, on first use.
 * The schema is relaxed so that a newer server stays acceptable: unknown fields pass
 * (`additionalProperties: false` dropped) and a value may match more than one union branch
 * (`oneOf` read as `anyOf`, since dropping the former makes branches overlap).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { addProtocolFormats } from "./jsonSchemaFormats.ts";

/** The layout of protocol/stableClientRequests.schema.json. */
export interface StableRequestSchema {
  readonly codexVersion: string;
  readonly methods: Readonly<Record<string, { readonly params?: unknown; readonly result: { readonly $ref: string } }>>;
  readonly definitions: Readonly<Record<string, unknown>>;
}

const SCHEMA_ID = "codex-rpc:stable-client-requests";

/** Lazily compiled validators over one {@link StableRequestSchema}; see the module comment. */
export class StableRequestValidators {
  private state: { ajv: Ajv; schema: StableRequestSchema } | undefined;
  private readonly compiled = new Map<string, ValidateFunction>();

  /** `load` is called once, on the first validation (the file is large: nothing is read before it is needed). */
  constructor(private readonly load: () => StableRequestSchema) {}

  /** The codex version the schema was generated from. */
  get codexVersion(): string {
    return this.ready().schema.codexVersion;
  }

  /** True when `method` is a stable client request of the schema. */
  has(method: string): boolean {
    return Object.hasOwn(this.ready().schema.methods, method);
  }

  /** Why `params` do not fit `method`'s params schema, or undefined when they do. */
  checkParams(method: string, params: unknown): string | undefined {
    const entry = this.entry(method);
    // A method without params takes none: absent or null.
    if (entry.params === undefined) return params === undefined || params === null ? undefined : "this method takes no params";
    if (params === undefined) return this.validator(`${method} params`, entry.params)(null) ? undefined : "params are required";
    return this.run(`${method} params`, entry.params, params);
  }

  /** Why `result` does not fit `method`'s result schema, or undefined when it does. */
  checkResult(method: string, result: unknown): string | undefined {
    return this.run(`${method} result`, this.entry(method).result, result);
  }

  private entry(method: string) {
    const entry = this.ready().schema.methods[method];
    if (!entry || !Object.hasOwn(this.ready().schema.methods, method)) throw new Error(`${method} is not a stable client request`);
    return entry;
  }

  private run(key: string, schema: unknown, value: unknown): string | undefined {
    const validate = this.validator(key, schema);
    return validate(value) ? undefined : describeAjvErrors(validate.errors ?? []);
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ready().ajv.compile(rebase(tolerant(schema)) as object);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private ready(): { ajv: Ajv; schema: StableRequestSchema } {
    if (this.state) return this.state;
    const schema = this.load();
    const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
    addProtocolFormats(ajv);
    ajv.addSchema({ $id: SCHEMA_ID, definitions: tolerant(schema.definitions) }, SCHEMA_ID);
    this.state = { ajv, schema };
    return this.state;
  }
}

/** The schema with `additionalProperties: false` dropped and `oneOf` read as `anyOf`. */
function tolerant(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(tolerant);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "additionalProperties" && value === false) continue;
    // Property names are data: a field called "oneOf" stays a field.
    if (key === "properties") out[key] = Object.fromEntries(Object.entries(value as object).map(([name, s]) => [name, tolerant(s)]));
    else out[key === "oneOf" ? "anyOf" : key] = tolerant(value);
  }
  return out;
}

/** Points the method's own `#/definitions/...` refs into the shared schema. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (typeof schema !== "object" || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `${SCHEMA_ID}${value}` : rebase(value)]),
  );
}

/** ajv's errors as one short sentence: where, and what is wrong there. */
function describeAjvErrors(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 3)
    .map((error) => {
      const at = error.keyword === "required" ? `${error.instancePath}/${String((error.params as { missingProperty?: unknown }).missingProperty)}` : error.instancePath;
      return `${at || "(the value)"} ${error.keyword === "required" ? "is missing" : (error.message ?? error.keyword)}`;
    })
    .join("; ");
}
