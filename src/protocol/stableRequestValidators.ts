/**
 * Run-time checks of the stable client requests codex-rpc has no zod schema for: params and
 * results validated with ajv against the trimmed schema generated from the pinned codex
 * (protocol/stableClientRequests.schema.json). Each validator is compiled once, on first use.
 * The schema is relaxed so that a newer server stays acceptable: unknown fields pass
 * (`additionalProperties: false` dropped) and a value may match more than one union branch
 * (`oneOf` read as `anyOf`, since dropping the former makes branches overlap). Results are relaxed
 * further, for what a newer codex ADDS (see {@link forResults}): enum values, union variants. What
 * breaks a client still fails: a missing required field, a known field of the wrong type.
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
/** The same definitions, relaxed for results (see {@link forResults}). */
const RESULT_SCHEMA_ID = "codex-rpc:stable-client-results";

/**
 * Names a newer codex uses to tag the variants of a union it made of a plain object (0.171 turned
 * `AgentMessageDisplay` into a union tagged on `mode`): an object carrying one that its schema
 * does not declare is read as such a variant.
 */
const NEW_UNION_TAGS = ["type", "mode"] as const;

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
    if (params === undefined) return this.validator(`${method} params`, entry.params, SCHEMA_ID)(null) ? undefined : "params are required";
    return this.run(`${method} params`, entry.params, params, SCHEMA_ID);
  }

  /**
   * Why `result` does not fit `method`'s result schema, or undefined when it does. Read leniently
   * for what a newer server adds: new fields, new enum values, new variants of a tagged union.
   */
  checkResult(method: string, result: unknown): string | undefined {
    return this.run(`${method} result`, this.entry(method).result, result, RESULT_SCHEMA_ID);
  }

  private entry(method: string) {
    const entry = this.ready().schema.methods[method];
    if (!entry || !Object.hasOwn(this.ready().schema.methods, method)) throw new Error(`${method} is not a stable client request`);
    return entry;
  }

  private run(key: string, schema: unknown, value: unknown, schemaId: string): string | undefined {
    const validate = this.validator(key, schema, schemaId);
    return validate(value) ? undefined : describeAjvErrors(validate.errors ?? []);
  }

  private validator(key: string, schema: unknown, schemaId: string): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      const relaxed = tolerant(schema);
      validate = this.ready().ajv.compile(rebase(schemaId === RESULT_SCHEMA_ID ? forResults(relaxed, false, true) : relaxed, schemaId) as object);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private ready(): { ajv: Ajv; schema: StableRequestSchema } {
    if (this.state) return this.state;
    const schema = this.load();
    const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
    addProtocolFormats(ajv);
    const definitions = tolerant(schema.definitions);
    ajv.addSchema({ $id: SCHEMA_ID, definitions }, SCHEMA_ID);
    ajv.addSchema({ $id: RESULT_SCHEMA_ID, definitions: rebase(forResultsDefinitions(definitions), RESULT_SCHEMA_ID) }, RESULT_SCHEMA_ID);
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

/** Points `#/definitions/...` refs into the shared schema `schemaId`. */
function rebase(schema: unknown, schemaId: string): unknown {
  if (Array.isArray(schema)) return schema.map((entry) => rebase(entry, schemaId));
  if (typeof schema !== "object" || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `${schemaId}${value}` : rebase(value, schemaId),
    ]),
  );
}

type SchemaNode = Record<string, unknown>;

/**
 * A (tolerant) schema relaxed for results, so that what a newer codex adds passes:
 * - an enum of several values stands for its base type (`CodexErrorInfo` gains `bioPolicy`);
 *   a one-value enum on a property is a tag, kept;
 * - a union tagged on a property (every object branch holds a one-value enum there) also takes
 *   an object with a tag it does not know (a new variant); an externally tagged union (each
 *   object branch one required key) takes an object with none of its keys;
 * - a plain object also takes one carrying a `type` or `mode` tag it does not declare
 *   ({@link NEW_UNION_TAGS}: a union a newer codex made of it).
 * A value with a known tag is still checked against that variant, and required fields and the
 * types of known fields still hold.
 */
function forResults(schema: unknown, inUnion = false, root = false): unknown {
  if (Array.isArray(schema)) return schema.map((entry) => forResults(entry));
  if (!isNode(schema)) return schema;
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "enum" && Array.isArray(value) && value.length > 1) continue;
    if (key === "properties") {
      out[key] = Object.fromEntries(Object.entries(value as SchemaNode).map(([name, s]) => [name, forResults(s)]));
    } else if (key === "anyOf" && Array.isArray(value)) {
      out[key] = value.map((branch) => forResults(branch, true));
    } else {
      out[key] = forResults(value);
    }
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 1 && out.type === undefined) {
    out.type = [...new Set(schema.enum.map((entry) => (entry === null ? "null" : typeof entry)))];
  }
  const branches = Array.isArray(schema.anyOf) ? (schema.anyOf as unknown[]) : undefined;
  // A whole result (a `...Response`) is never read as a new variant: it is what the client asked for.
  const fallback = branches ? newVariantOfUnion(branches) : inUnion || root ? undefined : newVariantOfObject(schema);
  if (!fallback) return out;
  if (branches) return { ...out, anyOf: [...(out.anyOf as unknown[]), fallback] };
  return { anyOf: [out, fallback] };
}

/** The definitions (and their namespaces, such as `v2`) relaxed by {@link forResults}. */
function forResultsDefinitions(definitions: unknown): unknown {
  if (!isNode(definitions)) return definitions;
  return Object.fromEntries(
    Object.entries(definitions).map(([name, value]) => [
      name,
      isNode(value) && !isSchema(value) ? forResultsDefinitions(value) : forResults(value, false, name.endsWith("Response")),
    ]),
  );
}

/** True for a schema, false for a namespace of definitions (which holds none of these keywords). */
function isSchema(node: SchemaNode): boolean {
  return ["type", "properties", "anyOf", "oneOf", "allOf", "$ref", "enum", "description", "format", "items", "not"].some((key) => Object.hasOwn(node, key)) || Object.keys(node).length === 0;
}

/** A branch taking the variants a newer server adds to a tagged union, or undefined for other unions. */
function newVariantOfUnion(branches: readonly unknown[]): SchemaNode | undefined {
  const objects = branches.filter((branch) => isNode(branch) && isNode(branch.properties));
  // A ref or a non-object branch other than null: not a union whose variants can be told apart here.
  if (objects.length < 2 || objects.length + branches.filter((b) => isNode(b) && b.type === "null").length + branches.filter(isEnumBranch).length !== branches.length) return undefined;
  const tagOf = (branch: SchemaNode, name: string) => {
    const property = (branch.properties as SchemaNode)[name];
    return isNode(property) && Array.isArray(property.enum) && property.enum.length === 1 ? (property.enum[0] as unknown) : undefined;
  };
  const names = Object.keys((objects[0] as SchemaNode).properties as SchemaNode);
  const tag = names.find((name) => objects.every((branch) => tagOf(branch as SchemaNode, name) !== undefined));
  if (tag !== undefined) {
    const known = objects.map((branch) => tagOf(branch as SchemaNode, tag));
    return { type: "object", required: [tag], properties: { [tag]: { not: { enum: known } } } };
  }
  const keys = objects.map((branch) => {
    const own = Object.keys((branch as SchemaNode).properties as SchemaNode);
    const required = (branch as SchemaNode).required;
    return own.length === 1 && Array.isArray(required) && required.length === 1 && required[0] === own[0] ? own[0] : undefined;
  });
  if (keys.some((key) => key === undefined)) return undefined;
  return { type: "object", not: { anyOf: keys.map((key) => ({ required: [key] })) } };
}

/** A branch taking an object that carries a tag its plain-object schema does not declare. */
function newVariantOfObject(schema: SchemaNode): SchemaNode | undefined {
  if (!isNode(schema.properties) || schema.type !== "object") return undefined;
  const declared = schema.properties;
  const undeclared = NEW_UNION_TAGS.filter((tag) => !Object.hasOwn(declared, tag));
  if (undeclared.length === 0) return undefined;
  return { type: "object", anyOf: undeclared.map((tag) => ({ required: [tag], properties: { [tag]: { type: "string" } } })) };
}

function isEnumBranch(branch: unknown): boolean {
  return isNode(branch) && Array.isArray(branch.enum);
}

function isNode(value: unknown): value is SchemaNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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
