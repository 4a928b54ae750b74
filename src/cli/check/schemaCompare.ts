/**
 * Compares two versions of one place of the generated protocol schema, field by field, and
 * judges each difference the way a reviewer of a client would: by whether the client SENDS that
 * data (then a removed field, a newly required one, a narrower type breaks it) or READS it (then
 * a removed field, one that may now be missing or null, or a value the client does not accept
 * breaks it, but only where codex-rpc's zod schemas read it). Paths start at the nearest named
 * definition: `ThreadItem[mcpToolCall].environmentId`.
 */
import { accepts, acceptsTag, readsInside, step, type ZodCandidates } from "./zodReader.ts";

type Json = Record<string, unknown>;

/**
 * Whether the client sends the data (params) or reads it (results, notifications); `typed`: read
 * by no zod schema but validated by `backend.request()` against the pinned schema (the results of
 * the stable methods the runner does not use).
 */
export type DataDirection = "sent" | "read" | "typed";

/** One judged difference. */
export interface SchemaChange {
  /** Where: `ThreadItem[mcpToolCall].environmentId`, `ClientRequest modelProvider/default/set`. */
  readonly path: string;
  readonly change: "added" | "removed" | "changed";
  /** What changed, for a person: "added, optional", "made required", "type string → integer". */
  readonly detail: string;
  readonly compatible: boolean;
  /** Why it is (in)compatible: "codex-rpc does not read it", "clients send it". */
  readonly reason: string;
  /**
   * True when `backend.request()` would reject a result holding the new shape (its validators
   * follow the pinned schema, tolerating only new fields): compatible for the runner, but a
   * typed request of such a result fails on this binary.
   */
  readonly rejectedByTypedResults?: true;
}

interface Side {
  readonly root: Json;
}

interface Normalized {
  readonly core: unknown;
  readonly nullable: boolean;
}

/** Walks two schemas (each resolved in its own bundle) and collects judged changes. */
export class SchemaComparer {
  private readonly found = new Map<string, SchemaChange>();
  private readonly done = new Set<string>();
  private readonly zodIds = new WeakMap<object, number>();
  private nextZodId = 0;

  constructor(
    private readonly before: Side,
    private readonly after: Side,
  ) {}

  /** The changes found so far, one per path and detail (a breaking judgement wins). */
  changes(): SchemaChange[] {
    return [...this.found.values()];
  }

  /** Records a change that is not a schema walk (a method added or removed). */
  record(change: SchemaChange, direction?: DataDirection, typedRejects = false): void {
    if (direction === "typed" && typedRejects) change = { ...change, rejectedByTypedResults: true };
    const key = `${change.path}\u0000${change.detail}`;
    const seen = this.found.get(key);
    const typed = seen?.rejectedByTypedResults ?? change.rejectedByTypedResults;
    const worst = !seen || (seen.compatible && !change.compatible) ? change : seen;
    this.found.set(key, typed ? { ...worst, rejectedByTypedResults: true } : worst);
  }

  /** Compares `a` (pinned) with `b` (other) at `path`; `zod` describes what codex-rpc reads there. */
  compare(a: unknown, b: unknown, path: string, direction: DataDirection, zod: ZodCandidates): void {
    const refA = refName(a);
    const refB = refName(b);
    if (refA !== undefined && refA === refB) {
      // A named definition: compared once per direction and reader, its paths start at its name.
      const key = `${refA}|${direction}|${this.zodKey(zod)}`;
      if (this.done.has(key)) return;
      this.done.add(key);
      this.compare(resolve(this.before.root, a as Json), resolve(this.after.root, b as Json), refA, direction, zod);
      return;
    }
    if (refA !== undefined) return this.compare(resolve(this.before.root, a as Json), b, path, direction, zod);
    if (refB !== undefined) return this.compare(a, resolve(this.after.root, b as Json), path, direction, zod);

    const na = normalize(a);
    const nb = normalize(b);
    if (na.nullable !== nb.nullable) this.nullability(path, nb.nullable, direction, zod);
    if (na.core !== a || nb.core !== b) return this.compare(na.core, nb.core, path, direction, zod);

    if (isObjectAndUnion(a) || isObjectAndUnion(b)) {
      // Fields shared by every variant, next to the variants themselves (serde's flatten).
      this.objects(objectPart(a), objectPart(b), path, direction, zod);
      // The variants, when both sides have some (a plain object on one side differs in kind).
      return this.compare(unionPart(a as Json), unionPart(b as Json), path, direction, zod);
    }
    const kindA = kindOf(a);
    const kindB = kindOf(b);
    if (kindA !== kindB) {
      if (kindA === "any") return; // A value of any kind became specific: nothing a reader relied on.
      const read = direction !== "sent" && readsInside(zod);
      this.record({
        path,
        change: "changed",
        detail: `type ${describe(a, kindA)} → ${describe(b, kindB)}`,
        compatible: direction !== "sent" ? !read : kindB === "any",
        reason: direction === "sent" ? "clients send it" : read ? "codex-rpc reads it" : "codex-rpc does not read it",
      }, direction, true);
      return;
    }
    if (kindA === "object") return this.objects(a as Json, b as Json, path, direction, zod);
    if (kindA === "array") return this.compare((a as Json).items, (b as Json).items, `${path}[]`, direction, step(zod, { kind: "items" }));
    if (kindA === "union") return this.unions(a as Json, b as Json, path, direction, zod);
  }

  private nullability(path: string, nowNullable: boolean, direction: DataDirection, zod: ZodCandidates): void {
    if (nowNullable) {
      const breaks = direction !== "sent" && zod.length > 0 && !accepts(zod, null);
      this.record({ path, change: "changed", detail: "may now be null", compatible: !breaks, reason: reasonFor(direction, breaks, zod) }, direction, true);
    } else {
      this.record({ path, change: "changed", detail: "no longer null", compatible: direction !== "sent", reason: direction === "sent" ? "clients may send null" : "readers need not expect null" });
    }
  }

  private objects(a: Json, b: Json, path: string, direction: DataDirection, zod: ZodCandidates): void {
    const propsA = (a.properties ?? {}) as Record<string, unknown>;
    const propsB = (b.properties ?? {}) as Record<string, unknown>;
    const requiredA = new Set((a.required ?? []) as string[]);
    const requiredB = new Set((b.required ?? []) as string[]);
    for (const name of Object.keys(propsB)) {
      if (Object.hasOwn(propsA, name)) continue;
      const required = requiredB.has(name);
      const breaks = direction === "sent" && required;
      this.record({
        path: `${path}.${name}`,
        change: "added",
        detail: `added, ${required ? "required" : "optional"}`,
        compatible: !breaks,
        reason: breaks ? "clients do not send it" : direction === "sent" ? "clients may leave it out" : "readers ignore fields they do not know",
      });
    }
    for (const [name, schema] of Object.entries(propsA)) {
      const fieldPath = `${path}.${name}`;
      const zodField = step(zod, { kind: "field", name });
      if (!Object.hasOwn(propsB, name)) {
        const breaks = direction === "sent" || (zodField.length > 0 && !accepts(zodField, undefined));
        this.record({ path: fieldPath, change: "removed", detail: "removed", compatible: !breaks, reason: direction === "sent" ? "clients send it" : reasonFor(direction, breaks, zodField) }, direction, requiredA.has(name));
        continue;
      }
      if (requiredA.has(name) !== requiredB.has(name)) {
        if (requiredB.has(name)) {
          this.record({ path: fieldPath, change: "changed", detail: "made required", compatible: direction !== "sent", reason: direction === "sent" ? "clients may leave it out" : "readers get it always" });
        } else {
          const breaks = direction !== "sent" && zodField.length > 0 && !accepts(zodField, undefined);
          this.record({ path: fieldPath, change: "changed", detail: "made optional", compatible: !breaks, reason: reasonFor(direction, breaks, zodField) }, direction, true);
        }
      }
      this.compare(schema, propsB[name], fieldPath, direction, zodField);
    }
    const extraA = a.additionalProperties;
    const extraB = b.additionalProperties;
    if (typeof extraA === "object" && extraA !== null && typeof extraB === "object" && extraB !== null) {
      this.compare(extraA, extraB, `${path}{}`, direction, step(zod, { kind: "values" }));
    }
  }

  private unions(a: Json, b: Json, path: string, direction: DataDirection, zod: ZodCandidates): void {
    const before = variantsOf(a, this.before.root);
    const after = variantsOf(b, this.after.root);
    const read = direction !== "sent" && readsInside(zod);
    for (const [key, variant] of after.variants) {
      if (before.variants.has(key)) continue;
      let tolerated = true;
      if (read) tolerated = variant.value !== undefined && (variant.tag === undefined ? accepts(zod, variant.value) : acceptsTag(zod, variant.tag, variant.value));
      this.record({
        path: `${path}[${key}]`,
        change: "added",
        detail: variant.tag === undefined && variant.value !== undefined ? "value added" : "variant added",
        compatible: tolerated,
        reason: direction === "sent" ? "clients may keep sending the others" : !read ? "codex-rpc does not read it" : tolerated ? "codex-rpc tolerates it" : "codex-rpc rejects it",
      }, direction, true);
    }
    for (const [key, variant] of before.variants) {
      const next = after.variants.get(key);
      if (!next) {
        this.record({
          path: `${path}[${key}]`,
          change: "removed",
          detail: variant.tag === undefined && variant.value !== undefined ? "value removed" : "variant removed",
          compatible: direction !== "sent",
          reason: direction === "sent" ? "clients send it" : "readers never get it now",
        });
        continue;
      }
      if (variant.tag === undefined && variant.value !== undefined) continue; // the same value on both sides
      const zodVariant = variant.value === undefined ? zod : step(zod, { kind: "variant", tag: variant.tag, value: variant.value });
      this.compare(variant.schema, next.schema, `${path}[${key}]`, direction, zodVariant);
    }
  }

  private zodKey(zod: ZodCandidates): string {
    return zod
      .map((schema) => {
        let id = this.zodIds.get(schema);
        if (id === undefined) this.zodIds.set(schema, (id = this.nextZodId++));
        return id;
      })
      .join(",");
  }
}

function reasonFor(direction: DataDirection, breaks: boolean, zod: ZodCandidates): string {
  if (direction === "sent") return breaks ? "clients send it" : "clients need not change";
  if (breaks) return "codex-rpc reads it";
  return zod.length > 0 ? "codex-rpc reads it as optional" : "codex-rpc does not read it";
}

function isObjectAndUnion(schema: unknown): boolean {
  if (typeof schema !== "object" || schema === null) return false;
  const s = schema as Json;
  return s.properties !== undefined && (Array.isArray(s.oneOf) || Array.isArray(s.anyOf));
}

function objectPart(schema: unknown): Json {
  const { oneOf: _oneOf, anyOf: _anyOf, ...rest } = (typeof schema === "object" && schema !== null ? schema : {}) as Json;
  return rest;
}

function unionPart(schema: Json): Json {
  const { properties: _properties, required: _required, additionalProperties: _extra, type: _type, ...rest } = schema;
  // A plain object keeps its kind; only the shared fields were compared already.
  return Array.isArray(rest.oneOf) || Array.isArray(rest.anyOf) ? rest : { type: "object" };
}

type Kind = "any" | "object" | "array" | "union" | "string" | "integer" | "number" | "boolean" | "null";

function kindOf(schema: unknown): Kind {
  if (typeof schema !== "object" || schema === null) return "any";
  const s = schema as Json;
  if (Array.isArray(s.enum) || Array.isArray(s.oneOf) || Array.isArray(s.anyOf) || "const" in s) return "union";
  if (Array.isArray(s.allOf) && s.allOf.length === 1) return kindOf(s.allOf[0]);
  if (s.type === "object" || s.properties !== undefined) return "object";
  if (typeof s.type === "string") return s.type as Kind;
  return "any";
}

function describe(schema: unknown, kind: Kind): string {
  if (kind !== "union") return kind;
  const s = schema as Json;
  if (Array.isArray(s.enum)) return `enum (${s.enum.map((v) => JSON.stringify(v)).join(", ")})`;
  const variants = variantsOf(s, {});
  const tag = [...variants.variants.values()].find((v) => v.tag !== undefined)?.tag;
  return `union of ${[...variants.variants.keys()].join(", ")}${tag ? ` (tagged on ${tag})` : ""}`;
}

/** Splits a schema into its non-null part and whether null is allowed. */
function normalize(schema: unknown): Normalized {
  if (typeof schema !== "object" || schema === null) return { core: schema, nullable: false };
  const s = schema as Json;
  if (Array.isArray(s.type) && s.type.includes("null")) {
    const rest = s.type.filter((t) => t !== "null");
    return { core: { ...s, type: rest.length === 1 ? rest[0] : rest }, nullable: true };
  }
  if (Array.isArray(s.enum) && s.enum.includes(null)) return { core: { ...s, enum: s.enum.filter((v) => v !== null) }, nullable: true };
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = s[key];
    if (!Array.isArray(options)) continue;
    const rest = options.filter((option) => !isNull(option));
    if (rest.length === options.length) continue;
    const { [key]: _dropped, ...others } = s;
    return { core: rest.length === 1 ? { ...others, ...(rest[0] as Json) } : { ...others, [key]: rest }, nullable: true };
  }
  return { core: schema, nullable: false };
}

function isNull(schema: unknown): boolean {
  return typeof schema === "object" && schema !== null && (schema as Json).type === "null" && Object.keys(schema).every((k) => ["type", "description", "title"].includes(k));
}

interface Variant {
  readonly schema: unknown;
  /** The tag field an object variant is picked by (`type`, `mode`), if any. */
  readonly tag: string | undefined;
  /** The tag's value, or the value itself for an enum value. */
  readonly value: unknown;
}

/** The variants of a union (or the values of an enum), keyed by what tells them apart. */
function variantsOf(schema: Json, root: Json): { variants: Map<string, Variant> } {
  const variants = new Map<string, Variant>();
  const add = (key: string, variant: Variant) => {
    let unique = key;
    for (let i = 2; variants.has(unique); i++) unique = `${key}#${i}`;
    variants.set(unique, variant);
  };
  if (Array.isArray(schema.enum)) {
    for (const value of schema.enum) add(String(value), { schema: { const: value }, tag: undefined, value });
    return { variants };
  }
  if ("const" in schema) {
    add(String(schema.const), { schema, tag: undefined, value: schema.const });
    return { variants };
  }
  const options = ((schema.oneOf ?? schema.anyOf) as unknown[]).map((option) => (refName(option) !== undefined ? { option, resolved: resolve(root, option as Json) } : { option, resolved: option as Json }));
  const tag = commonTag(options.map((o) => o.resolved));
  options.forEach(({ option, resolved }, index) => {
    if (Array.isArray(resolved?.enum) && !resolved.properties) {
      for (const value of resolved.enum) add(String(value), { schema: { const: value }, tag: undefined, value });
      return;
    }
    const properties = (resolved?.properties ?? {}) as Record<string, Json>;
    if (tag && properties[tag]) {
      const value = singleValue(properties[tag]);
      add(String(value), { schema: option, tag, value });
      return;
    }
    const required = (resolved?.required ?? []) as string[];
    if (required.length === 1 && Object.keys(properties).length === 1) {
      add(required[0]!, { schema: option, tag: required[0], value: undefined });
      return;
    }
    add(refName(option) ?? (typeof resolved?.title === "string" ? resolved.title : `${kindOf(resolved)}#${index}`), { schema: option, tag: undefined, value: undefined });
  });
  return { variants };
}

/** A property every object option has with a single allowed value (`type`, `mode`, `method`). */
function commonTag(options: readonly Json[]): string | undefined {
  const objects = options.filter((o) => typeof o === "object" && o !== null && typeof o.properties === "object");
  if (objects.length < 2) return objects.length === 1 ? tagOf(objects[0]!) : undefined;
  const candidates = Object.keys(objects[0]!.properties as Json).filter((name) => objects.every((o) => singleValue((o.properties as Record<string, Json>)[name]) !== undefined));
  return candidates.includes("type") ? "type" : candidates[0];
}

function tagOf(object: Json): string | undefined {
  return Object.entries(object.properties as Record<string, Json>).find(([, s]) => singleValue(s) !== undefined)?.[0];
}

function singleValue(schema: Json | undefined): unknown {
  if (typeof schema !== "object" || schema === null) return undefined;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length === 1) return schema.enum[0];
  return undefined;
}

function refName(schema: unknown): string | undefined {
  const ref = typeof schema === "object" && schema !== null ? (schema as Json).$ref : undefined;
  return typeof ref === "string" ? ref.split("/").pop() : undefined;
}

/** Resolves a `$ref` by definition name in a bundle (top level, then v2), whatever file it was written for. */
export function resolve(root: Json, schema: Json): Json {
  const ref = schema.$ref as string;
  const name = ref.split("/").pop()!;
  const definitions = (root.definitions ?? {}) as Record<string, Json>;
  const v2 = (definitions.v2 ?? {}) as Record<string, Json>;
  const found = ref.includes("/v2/") ? (v2[name] ?? definitions[name]) : name !== "v2" ? (definitions[name] ?? v2[name]) : undefined;
  return found ?? {};
}
