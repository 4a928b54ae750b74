/**
 * Derives, from a generated protocol directory (protocol/json), what `backend.request()` needs:
 * a TypeScript map `{ [method]: { params; result } }` of every stable client request, and a
 * trimmed JSON schema (only the definitions those methods reach) that the validators read at run
 * time. Pure: no binary, no writes; scripts/generateProtocol.ts writes the output, and a test
 * regenerates it in memory to prove the committed files are current.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { responseNameOf } from "../src/protocol/responseNames.ts";

type Json = Record<string, unknown>;


/** Keys that document a schema and never constrain a value. */
const DOC_KEYS = new Set(["description", "title", "$schema", "default", "examples"]);

/** One method of the trimmed runtime schema. */
export interface RuntimeMethod {
  /** The params schema as the ClientRequest variant states it (absent: the method takes none). */
  readonly params?: unknown;
  /** `{ $ref }` of the result definition. */
  readonly result: { readonly $ref: string };
}

/** What {@link buildClientRequestArtifacts} returns. */
export interface ClientRequestArtifacts {
  /** Stable client request methods, in schema order. */
  readonly methods: readonly string[];
  /** Runtime schema: `{ codexVersion, methods, definitions }` (definitions in the bundle's layout). */
  readonly schema: { readonly codexVersion: string; readonly methods: Record<string, RuntimeMethod>; readonly definitions: Json };
  /** The TypeScript module text. */
  readonly typesSource: string;
}

/** Builds the artifacts from `jsonDir` (a `generate-json-schema` output) for `codexVersion`. */
export function buildClientRequestArtifacts(jsonDir: string, codexVersion: string): ClientRequestArtifacts {
  const bundle = readJson(path.join(jsonDir, "codex_app_server_protocol.schemas.json"));
  const union = readJson(path.join(jsonDir, "ClientRequest.json"));
  const definitions = bundle.definitions as Json;
  const v2 = (definitions.v2 ?? {}) as Json;
  const refOf = (name: string): string | undefined =>
    name !== "v2" && name in definitions ? `#/definitions/${name}` : name in v2 ? `#/definitions/v2/${name}` : undefined;

  const methods: string[] = [];
  const runtime: Record<string, RuntimeMethod> = {};
  const problems: string[] = [];
  for (const variant of (union.oneOf ?? []) as Json[]) {
    const properties = (variant.properties ?? {}) as Record<string, Json>;
    const method = (properties.method?.enum as string[] | undefined)?.[0];
    if (!method) continue;
    const params = properties.params ? rebaseRefs(properties.params, refOf) : undefined;
    const paramsName = firstRefName(properties.params);
    const resultName = responseNameOf(method, paramsName);
    const resultRef = resultName ? refOf(resultName) : undefined;
    if (!resultRef) {
      problems.push(`${method}: no response definition (params ${paramsName ?? "none"}); add it to RESPONSE_NAME_OVERRIDES in src/protocol/responseNames.ts`);
      continue;
    }
    methods.push(method);
    runtime[method] = { ...(params !== undefined ? { params } : {}), result: { $ref: resultRef } };
  }
  if (problems.length) throw new Error(`Cannot map every client request to its response:\n${problems.join("\n")}`);

  // Keep only the definitions the methods reach, without documentation keys.
  const reached = new Set<string>();
  const queue = Object.values(runtime).flatMap((m) => [m.params, m.result]);
  while (queue.length) {
    for (const ref of refsIn(queue.pop())) {
      if (reached.has(ref)) continue;
      reached.add(ref);
      queue.push(resolve(bundle, ref));
    }
  }
  const trimmed: Json = {};
  for (const ref of [...reached].sort()) {
    const parts = ref.replace(/^#\/definitions\//, "").split("/");
    let target = trimmed;
    for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Json;
    target[parts.at(-1)!] = stripDocs(resolve(bundle, ref));
  }
  return {
    methods,
    schema: { codexVersion, methods: runtime, definitions: trimmed },
    typesSource: typesSource(codexVersion, methods, runtime, bundle, reached),
  };
}

/** The `XxxParams` name of a params schema (`$ref`, or `anyOf [$ref, null]`). */
function firstRefName(schema: Json | undefined): string | undefined {
  if (!schema) return undefined;
  if (typeof schema.$ref === "string") return schema.$ref.split("/").pop();
  for (const option of (schema.anyOf ?? []) as Json[]) if (typeof option.$ref === "string") return option.$ref.split("/").pop();
  return undefined;
}

/** ClientRequest.json refers to its own `#/definitions/X`; the bundle keeps v2 types under `#/definitions/v2/X`. */
function rebaseRefs(schema: unknown, refOf: (name: string) => string | undefined): unknown {
  if (Array.isArray(schema)) return schema.map((item) => rebaseRefs(item, refOf));
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === "$ref" && typeof value === "string") {
      const name = value.split("/").pop()!;
      const rebased = refOf(name);
      if (!rebased) throw new Error(`ClientRequest.json refers to ${value}, which the bundle does not define`);
      out[key] = rebased;
    } else if (!DOC_KEYS.has(key)) out[key] = rebaseRefs(value, refOf);
  }
  return out;
}

function refsIn(schema: unknown): string[] {
  if (Array.isArray(schema)) return schema.flatMap(refsIn);
  if (typeof schema !== "object" || schema === null) return [];
  return Object.entries(schema as Json).flatMap(([key, value]) => (key === "$ref" && typeof value === "string" ? [value] : refsIn(value)));
}

function resolve(root: Json, ref: string): Json {
  let target: unknown = root;
  for (const part of ref.replace(/^#\//, "").split("/")) target = (target as Json | undefined)?.[part];
  if (typeof target !== "object" || target === null) throw new Error(`Unresolved $ref ${ref}`);
  return target as Json;
}

function stripDocs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripDocs);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (DOC_KEYS.has(key)) continue;
    // Property names are data, not keywords: keep them even when they read like "title".
    out[key] = key === "properties" ? Object.fromEntries(Object.entries(value as Json).map(([name, s]) => [name, stripDocs(s)])) : stripDocs(value);
  }
  return out;
}

// ---- TypeScript ----

function typesSource(version: string, methods: readonly string[], runtime: Record<string, RuntimeMethod>, bundle: Json, reached: Set<string>): string {
  const names = typeNames(bundle, reached);
  const emit = (schema: unknown, indent: string): string => tsType(schema, names, indent);
  const lines: string[] = [
    `// GENERATED from codex-cli ${version} (protocol/json) by scripts/generateProtocol.ts. DO NOT EDIT:`,
    "// run `npm run protocol:generate` instead. Types of every stable client request of the app-server.",
    "/* eslint-disable */",
    "",
    `/** The codex version these types were generated from. */`,
    `export const STABLE_CLIENT_REQUESTS_CODEX_VERSION = ${JSON.stringify(version)};`,
    "",
    "/** Every stable client request method of the pinned protocol, in schema order. */",
    "export const STABLE_CLIENT_REQUEST_METHODS = [",
    ...methods.map((method) => `  ${JSON.stringify(method)},`),
    "] as const;",
    "",
    "/** Params and result type of each stable client request (`params: undefined` when it takes none). */",
    "export interface StableClientRequestTypes {",
  ];
  for (const method of methods) {
    const entry = runtime[method]!;
    const params = entry.params === undefined ? "undefined" : emit(entry.params, "    ").replace(/\bnull\b/g, "undefined | null");
    lines.push(`  ${JSON.stringify(method)}: { params: ${params}; result: ${names.get(entry.result.$ref)} };`);
  }
  lines.push("}", "");
  for (const ref of [...reached].sort((a, b) => names.get(a)!.localeCompare(names.get(b)!))) {
    const schema = resolve(bundle, ref);
    const doc = typeof schema.description === "string" ? docComment(schema.description, "") : "";
    lines.push(`${doc}export type ${names.get(ref)} = ${emit(schema, "")};`);
  }
  return `${lines.join("\n")}\n`;
}

/** Definition name per ref; a v2 name that clashes with a different top-level one gets a `V2` prefix. */
function typeNames(bundle: Json, reached: Set<string>): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Map<string, string>();
  for (const ref of [...reached].sort()) {
    const name = ref.split("/").pop()!;
    const other = taken.get(name);
    if (other !== undefined && JSON.stringify(stripDocs(resolve(bundle, other))) === JSON.stringify(stripDocs(resolve(bundle, ref)))) {
      names.set(ref, name);
      continue;
    }
    const unique = other === undefined ? name : `V2${name}`;
    taken.set(unique, ref);
    names.set(ref, unique);
  }
  return names;
}

function tsType(schema: unknown, names: Map<string, string>, indent: string): string {
  if (schema === true || schema === undefined) return "unknown";
  if (schema === false) return "never";
  const s = schema as Json;
  if (typeof s.$ref === "string") {
    const name = names.get(s.$ref);
    if (!name) throw new Error(`No type for ${s.$ref}`);
    return name;
  }
  if ("const" in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return union(s.enum.map((value) => JSON.stringify(value)));
  const variants = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (Array.isArray(variants)) {
    const base = s.properties !== undefined ? tsType({ ...s, oneOf: undefined, anyOf: undefined }, names, indent) : undefined;
    const inner = union(variants.map((v) => tsType(v, names, indent)));
    return base && base !== "unknown" ? `${base} & (${inner})` : inner;
  }
  if (Array.isArray(s.allOf)) return s.allOf.map((v) => tsType(v, names, indent)).join(" & ");
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === "string" ? [s.type] : undefined;
  if (!types) return s.properties ? objectType(s, names, indent) : "unknown";
  return union(types.map((type) => primitive(type, s, names, indent)));
}

function primitive(type: string, s: Json, names: Map<string, string>, indent: string): string {
  switch (type) {
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array": {
      if (Array.isArray(s.items)) return `[${s.items.map((item) => tsType(item, names, indent)).join(", ")}]`;
      const item = tsType(s.items, names, indent);
      return /^[\w.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case "object":
      return objectType(s, names, indent);
    default:
      return "unknown";
  }
}

function objectType(s: Json, names: Map<string, string>, indent: string): string {
  const properties = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required ?? []) as string[]);
  const inner = `${indent}  `;
  const members = Object.entries(properties).map(([name, schema]) => {
    const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
    const doc = typeof schema.description === "string" ? docComment(schema.description, inner) : "";
    return `${doc}${inner}${key}${required.has(name) ? "" : "?"}: ${tsType(schema, names, inner)};`;
  });
  const extra = s.additionalProperties;
  if (typeof extra === "object" && extra !== null) members.push(`${inner}[key: string]: ${tsType(extra, names, inner)};`);
  if (members.length === 0) return extra === false ? "Record<string, never>" : "{ [key: string]: unknown }";
  return `{\n${members.join("\n")}\n${indent}}`;
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length === 0 ? "never" : unique.join(" | ");
}

function docComment(text: string, indent: string): string {
  const lines = text.replace(/\*\//g, "*\\/").split("\n");
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line ? ` ${line}` : ""}`).join("\n")}\n${indent} */\n`;
}

function readJson(file: string): Json {
  return JSON.parse(readFileSync(file, "utf8")) as Json;
}
