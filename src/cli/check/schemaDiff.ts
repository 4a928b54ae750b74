/**
 * Compares two generated protocol schemas (`codex app-server generate-json-schema --out DIR`):
 * methods added to or removed from the method-tagged unions, and for the methods both have,
 * params and response fields added, removed or changed (type, enum values, required-ness).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One difference between the pinned schema and another. */
export interface SchemaChange {
  readonly change: "added" | "removed" | "changed";
  /** The union the method belongs to: ClientRequest, ServerRequest, ServerNotification, ClientNotification. */
  readonly union: string;
  readonly method: string;
  /** `params.x` or `response.x`; absent when the whole method was added or removed. */
  readonly field?: string;
  readonly detail?: string;
}

type Json = Record<string, unknown>;

const UNIONS = ["ClientRequest", "ServerRequest", "ServerNotification", "ClientNotification"] as const;
const BUNDLE = "codex_app_server_protocol.schemas.json";
const IGNORED_KEYS = new Set(["description", "title", "$schema", "default", "examples"]);
const MAX_REF_DEPTH = 4;

/** Runs `<bin> app-server generate-json-schema` into a temp dir and diffs it against `pinnedDir`. */
export async function diffBinarySchema(bin: string, pinnedDir: string): Promise<SchemaChange[]> {
  const out = await mkdtemp(path.join(tmpdir(), "codex-rpc-schema-"));
  try {
    await run(bin, ["app-server", "generate-json-schema", "--out", out], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    return await diffSchemaDirs(pinnedDir, out);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** Diffs two schema directories; see the module comment. */
export async function diffSchemaDirs(pinnedDir: string, otherDir: string): Promise<SchemaChange[]> {
  const changes: SchemaChange[] = [];
  const [pinnedBundle, otherBundle] = await Promise.all([readJson(pinnedDir, BUNDLE), readJson(otherDir, BUNDLE)]);
  for (const union of UNIONS) {
    const [pinned, other] = await Promise.all([readJson(pinnedDir, `${union}.json`), readJson(otherDir, `${union}.json`)]);
    const before = variants(pinned);
    const after = variants(other);
    for (const method of after.keys()) if (!before.has(method)) changes.push({ change: "added", union, method });
    for (const [method, variant] of before) {
      const next = after.get(method);
      if (!next) {
        changes.push({ change: "removed", union, method });
        continue;
      }
      changes.push(...diffObject(union, method, "params", paramsOf(variant, pinned), paramsOf(next, other)));
      if (union === "ClientRequest" || union === "ServerRequest") {
        changes.push(...diffObject(union, method, "response", responseOf(variant, pinnedBundle), responseOf(next, otherBundle)));
      }
    }
  }
  return changes;
}

interface Resolved {
  readonly schema: Json | undefined;
  readonly root: Json;
}

function diffObject(union: string, method: string, part: string, before: Resolved, after: Resolved): SchemaChange[] {
  if (!before.schema && !after.schema) return [];
  if (!before.schema || !after.schema) {
    return [{ change: before.schema ? "removed" : "added", union, method, field: part }];
  }
  const changes: SchemaChange[] = [];
  const beforeProps = (before.schema.properties ?? {}) as Record<string, Json>;
  const afterProps = (after.schema.properties ?? {}) as Record<string, Json>;
  const beforeRequired = new Set((before.schema.required ?? []) as string[]);
  const afterRequired = new Set((after.schema.required ?? []) as string[]);
  for (const name of Object.keys(afterProps)) {
    if (!(name in beforeProps)) changes.push({ change: "added", union, method, field: `${part}.${name}`, ...(afterRequired.has(name) ? { detail: "required" } : {}) });
  }
  for (const [name, schema] of Object.entries(beforeProps)) {
    const field = `${part}.${name}`;
    const next = afterProps[name];
    if (!next) {
      changes.push({ change: "removed", union, method, field });
      continue;
    }
    const details: string[] = [];
    if (beforeRequired.has(name) !== afterRequired.has(name)) details.push(afterRequired.has(name) ? "now required" : "now optional");
    const a = shape(schema, before.root, 0);
    const b = shape(next, after.root, 0);
    if (JSON.stringify(a) !== JSON.stringify(b)) details.push(describeChange(a, b));
    if (details.length) changes.push({ change: "changed", union, method, field, detail: details.join("; ") });
  }
  return changes;
}

function describeChange(before: unknown, after: unknown): string {
  const a = enumOf(before);
  const b = enumOf(after);
  if (a && b) {
    const added = [...b].filter((v) => !a.has(v)).map((v) => `+${v}`);
    const removed = [...a].filter((v) => !b.has(v)).map((v) => `-${v}`);
    return `values ${[...added, ...removed].join(" ")}`;
  }
  const typeA = typeOf(before);
  const typeB = typeOf(after);
  if (typeA !== typeB) return `type ${typeA} → ${typeB}`;
  return "definition changed";
}

/** The schema with refs resolved (a few levels deep) and documentation dropped, for comparison. */
function shape(schema: unknown, root: Json, depth: number, nesting = 0): unknown {
  // A schema nested without end (a broken or hostile binary) is compared as far as it can be, never by stack overflow.
  if (nesting >= MAX_NESTING) return "[nested too deep]";
  if (Array.isArray(schema)) return schema.map((item) => shape(item, root, depth, nesting + 1));
  if (typeof schema !== "object" || schema === null) return schema;
  const s = schema as Json;
  if (typeof s.$ref === "string") {
    if (depth >= MAX_REF_DEPTH) return { $ref: s.$ref.split("/").pop() };
    return shape(resolvePointer(root, s.$ref), root, depth + 1, nesting + 1);
  }
  const out: Json = {};
  for (const key of Object.keys(s).sort()) if (!IGNORED_KEYS.has(key)) out[key] = shape(s[key], root, depth, nesting + 1);
  return out;
}

/** Levels of a schema the comparison walks into. */
const MAX_NESTING = 200;

function enumOf(schema: unknown, nesting = 0): Set<string> | undefined {
  if (typeof schema !== "object" || schema === null || nesting >= MAX_NESTING) return undefined;
  const s = schema as Json;
  if (Array.isArray(s.enum)) return new Set(s.enum.map((v) => JSON.stringify(v)));
  const variants = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (!Array.isArray(variants)) return undefined;
  const values = new Set<string>();
  for (const variant of variants) {
    const inner = enumOf(variant, nesting + 1);
    if (inner) inner.forEach((v) => values.add(v));
    else if (typeOf(variant) !== "null") return undefined;
  }
  return values;
}

function typeOf(schema: unknown, nesting = 0): string {
  if (typeof schema !== "object" || schema === null) return String(schema);
  if (nesting >= MAX_NESTING) return "any";
  const s = schema as Json;
  if (s.type !== undefined) return Array.isArray(s.type) ? s.type.join("|") : String(s.type);
  if (Array.isArray(s.anyOf ?? s.oneOf)) return ((s.anyOf ?? s.oneOf) as unknown[]).map((variant) => typeOf(variant, nesting + 1)).join("|");
  return s.$ref ? String(s.$ref) : "any";
}

function variants(union: Json): Map<string, Json> {
  const map = new Map<string, Json>();
  for (const variant of (union.oneOf ?? []) as Json[]) {
    const method = ((variant.properties as Record<string, Json> | undefined)?.method?.enum as string[] | undefined)?.[0];
    if (method) map.set(method, variant);
  }
  return map;
}

function paramsOf(variant: Json, root: Json): Resolved {
  const params = (variant.properties as Record<string, Json> | undefined)?.params;
  return { schema: params ? (resolveRefs(params, root) as Json) : undefined, root };
}

function responseOf(variant: Json, bundle: Json): Resolved {
  const ref = (variant.properties as Record<string, Json> | undefined)?.params?.$ref;
  if (typeof ref !== "string") return { schema: undefined, root: bundle };
  const name = ref.split("/").pop()!.replace(/Params$/, "Response");
  const definitions = (bundle.definitions ?? {}) as Record<string, Json>;
  const found = definitions[name] ?? (definitions.v2 as Record<string, Json> | undefined)?.[name];
  return { schema: found ? (resolveRefs(found, bundle) as Json) : undefined, root: bundle };
}

function resolveRefs(schema: Json, root: Json): unknown {
  let current: unknown = schema;
  for (let i = 0; i < 10 && typeof current === "object" && current !== null && typeof (current as Json).$ref === "string"; i++) {
    current = resolvePointer(root, (current as Json).$ref as string);
  }
  return current;
}

function resolvePointer(root: Json, ref: string): unknown {
  let target: unknown = root;
  for (const part of ref.replace(/^#\/?/, "").split("/")) {
    if (typeof target !== "object" || target === null) return undefined;
    target = (target as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return target;
}

async function readJson(dir: string, file: string): Promise<Json> {
  return JSON.parse(await readFile(path.join(dir, file), "utf8")) as Json;
}
