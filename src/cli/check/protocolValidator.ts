/**
 * Validates one recorded message against both descriptions of the protocol: the JSON schema
 * generated from the pinned codex binary (protocol/json, with ajv) and codex-rpc's zod schemas
 * (src/protocol). Requests and notifications are found by method in the method-tagged unions
 * (ClientRequest.json, ServerRequest.json, ServerNotification.json, ClientNotification.json);
 * a response is checked against the `XxxResponse` definition that pairs with its request's
 * `XxxParams`, in the bundle codex_app_server_protocol.schemas.json.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { z } from "zod";
import { checkEnvelope, CLIENT_REQUESTS, SERVER_NOTIFICATIONS, SERVER_REQUESTS } from "../../protocol/index.ts";
import { addProtocolFormats } from "../../protocol/jsonSchemaFormats.ts";
import { clip, compactJson } from "../messageSummary.ts";
import type { Direction } from "../transcript.ts";

/** The protocol/ directory shipped with the package (next to src/ and dist/). */
export function defaultProtocolJsonDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../protocol/json");
}

/** Which description of the protocol a problem comes from. */
export type ProblemSource = "envelope" | "json-schema" | "zod" | "pairing";

/** One way a message differs from the protocol. */
export interface Problem {
  readonly source: ProblemSource;
  /** Where in the message: a JSON pointer ("/params/turn/status"), or "" for the whole message. */
  readonly path: string;
  readonly message: string;
  /** What the schema allows there, when it says. */
  readonly expected?: string;
  /** What the message has there. */
  readonly actual?: string;
}

/** What a message is, as far as validation goes. */
export type MessageKind = "request" | "notification" | "response" | "error";

/** Classifies a parsed message by its envelope. */
export function messageKind(msg: Record<string, unknown>): MessageKind {
  if (typeof msg.method === "string") return "id" in msg ? "request" : "notification";
  return "error" in msg ? "error" : "response";
}

const UNION_FILES = {
  "c2s request": "ClientRequest.json",
  "c2s notification": "ClientNotification.json",
  "s2c request": "ServerRequest.json",
  "s2c notification": "ServerNotification.json",
} as const;
const BUNDLE = "codex_app_server_protocol.schemas.json";

type UnionKey = keyof typeof UNION_FILES;
type JsonObject = Record<string, unknown>;


/** Both validators over one protocol directory; see the module comment. */
export class ProtocolValidator {
  private readonly ajv: Ajv;
  /** Index of each method's variant in its union file. */
  private readonly variants = new Map<UnionKey, Map<string, number>>();
  /** Name of the params definition of each request method, per union. */
  private readonly paramsNames = new Map<UnionKey, Map<string, string>>();
  private readonly bundleDefinitions: { top: Set<string>; v2: Set<string> };
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly protocolDir: string = defaultProtocolJsonDir()) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addProtocolFormats(this.ajv);
    for (const [key, file] of Object.entries(UNION_FILES) as [UnionKey, string][]) {
      const schema = this.load(file);
      this.ajv.addSchema(schema, file);
      const byMethod = new Map<string, number>();
      const params = new Map<string, string>();
      ((schema.oneOf ?? []) as JsonObject[]).forEach((variant, index) => {
        const properties = (variant.properties ?? {}) as Record<string, JsonObject>;
        const method = (properties.method?.enum as string[] | undefined)?.[0];
        if (!method) return;
        byMethod.set(method, index);
        const ref = properties.params?.$ref;
        if (typeof ref === "string") params.set(method, ref.split("/").pop()!);
      });
      this.variants.set(key, byMethod);
      this.paramsNames.set(key, params);
    }
    const bundle = this.load(BUNDLE);
    this.ajv.addSchema(bundle, BUNDLE);
    const definitions = (bundle.definitions ?? {}) as Record<string, JsonObject>;
    this.bundleDefinitions = { top: new Set(Object.keys(definitions)), v2: new Set(Object.keys(definitions.v2 ?? {})) };
  }

  /** Methods of one union (for reports). */
  methods(key: UnionKey): string[] {
    return [...(this.variants.get(key)?.keys() ?? [])];
  }

  /**
   * Problems of one message, empty when it conforms. `requestMethod` is the method of the
   * request a response answers (undefined when no request with its id was seen).
   */
  validate(dir: Direction, msg: unknown, requestMethod?: string): Problem[] {
    const envelope = checkEnvelope(msg);
    if (envelope) return [{ source: "envelope", path: "", message: envelope, actual: clip(compactJson(msg), 120) }];
    const m = msg as JsonObject;
    const kind = messageKind(m);
    const problems: Problem[] = [];
    if (kind === "request" || kind === "notification") {
      const method = m.method as string;
      const key = `${dir} ${kind}` as UnionKey;
      const index = this.variants.get(key)?.get(method);
      if (index === undefined) {
        problems.push({ source: "json-schema", path: "/method", message: `${method} is not a ${dir === "c2s" ? "client" : "server"} ${kind} of the pinned protocol (${UNION_FILES[key]})`, actual: JSON.stringify(method) });
      } else {
        problems.push(...this.ajvProblems(`${UNION_FILES[key]}#/oneOf/${index}`, m, ""));
      }
      problems.push(...zodProblems(zodSchemaFor(dir, kind, method), m.params, "/params"));
      return problems;
    }
    if (requestMethod === undefined) {
      return [{ source: "pairing", path: "/id", message: `a ${kind} to a request id that was never sent`, actual: JSON.stringify(m.id) }];
    }
    if (kind === "error") return this.ajvProblems(`${BUNDLE}#/definitions/JSONRPCError`, m, "");
    const requestKey: UnionKey = dir === "s2c" ? "c2s request" : "s2c request";
    const responseRef = this.responseRef(requestKey, requestMethod);
    if (responseRef) problems.push(...this.ajvProblems(responseRef, m.result, "/result"));
    problems.push(...zodProblems(zodResultSchemaFor(dir, requestMethod), m.result, "/result"));
    return problems;
  }

  private responseRef(key: UnionKey, method: string): string | undefined {
    const name = this.paramsNames.get(key)?.get(method)?.replace(/Params$/, "Response");
    if (!name) return undefined;
    if (this.bundleDefinitions.top.has(name)) return `${BUNDLE}#/definitions/${name}`;
    if (this.bundleDefinitions.v2.has(name)) return `${BUNDLE}#/definitions/v2/${name}`;
    return undefined;
  }

  private ajvProblems(ref: string, value: unknown, basePath: string): Problem[] {
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    if (validate(value)) return [];
    return explainAjv(validate.errors ?? [], value, basePath);
  }

  private load(file: string): JsonObject {
    return JSON.parse(readFileSync(path.join(this.protocolDir, file), "utf8")) as JsonObject;
  }
}

function zodSchemaFor(dir: Direction, kind: "request" | "notification", method: string): z.ZodType | undefined {
  if (dir === "c2s" && kind === "request") return lookup(CLIENT_REQUESTS, method)?.params;
  if (dir === "s2c" && kind === "request") return lookup(SERVER_REQUESTS, method)?.params;
  if (dir === "s2c" && kind === "notification") return lookup(SERVER_NOTIFICATIONS, method);
  return undefined;
}

function zodResultSchemaFor(dir: Direction, requestMethod: string): z.ZodType | undefined {
  return dir === "s2c" ? lookup(CLIENT_REQUESTS, requestMethod)?.result : lookup(SERVER_REQUESTS, requestMethod)?.result;
}

function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function zodProblems(schema: z.ZodType | undefined, value: unknown, basePath: string): Problem[] {
  if (!schema) return [];
  const parsed = schema.safeParse(value);
  if (parsed.success) return [];
  return flattenUnions(parsed.error.issues, [])
    .slice(0, 5)
    .map(({ issue, path: at }) => {
      const found = valueAt(value, at.map(String));
      const detail = issue as unknown as { expected?: unknown; values?: unknown[] };
      const expected = detail.values ? detail.values.map((v) => JSON.stringify(v)).join(" | ") : typeof detail.expected === "string" ? detail.expected : undefined;
      return {
        source: "zod" as const,
        path: basePath + at.map((part) => `/${String(part)}`).join(""),
        message: issue.message,
        ...(expected ? { expected } : {}),
        actual: found.present ? clip(compactJson(found.value) || "{}", 120) : "(missing)",
      };
    });
}

type ZodIssue = z.core.$ZodIssue;

/** Replaces "invalid union" by the issues of its closest branch (the one with the fewest issues). */
function flattenUnions(issues: readonly ZodIssue[], prefix: readonly PropertyKey[]): { issue: ZodIssue; path: PropertyKey[] }[] {
  return issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const closest = [...issue.errors].filter((branch) => branch.length > 0).sort((a, b) => a.length - b.length)[0];
      if (closest) return flattenUnions(closest, at);
    }
    return [{ issue, path: at }];
  });
}

/** Turns ajv's errors into problems, deepest first, without the noise of the union branches that did not apply. */
function explainAjv(errors: readonly ErrorObject[], value: unknown, basePath: string): Problem[] {
  const pruned = pruneUnionBranches(errors).filter((error) => !["anyOf", "oneOf", "if", "allOf"].includes(error.keyword));
  const chosen = (pruned.length ? pruned : [...errors]).slice().sort((a, b) => depth(b.instancePath) - depth(a.instancePath));
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of chosen) {
    const at = error.keyword === "required" ? `${error.instancePath}/${String((error.params as { missingProperty: string }).missingProperty)}` : error.instancePath;
    const key = `${at} ${error.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const found = valueAt(value, at.split("/").slice(1).map(unescapePointer));
    problems.push({
      source: "json-schema",
      path: basePath + at,
      message: error.message ?? error.keyword,
      ...expectedOf(error),
      actual: found.present ? clip(compactJson(found.value) || "{}", 120) : "(missing)",
    });
    if (problems.length >= 5) break;
  }
  return problems;
}

const TAG_SCHEMA_PATH = /\/(?:oneOf|anyOf)\/\d+\/properties\/type\/(?:enum|const)$/;

/**
 * In a union of objects tagged by `type` (thread items, for one), ajv reports every branch. Keep
 * the branch whose tag matched; when none did, say that the tag is unknown and list the tags.
 * Also drops "must be null" of `anyOf: [X, null]` when X has something more useful to say.
 */
function pruneUnionBranches(errors: readonly ErrorObject[]): ErrorObject[] {
  const tags = errors.filter((error) => (error.keyword === "enum" || error.keyword === "const") && error.instancePath.endsWith("/type") && TAG_SCHEMA_PATH.test(error.schemaPath));
  const dead = tags.map((error) => ({
    parent: error.instancePath.slice(0, -"/type".length),
    branch: error.schemaPath.replace(/\/properties\/type\/(?:enum|const)$/, "/"),
    union: error.schemaPath.replace(/\/\d+\/properties\/type\/(?:enum|const)$/, "/"),
    allowed: error.keyword === "enum" ? ((error.params as { allowedValues: unknown[] }).allowedValues ?? []) : [(error.params as { allowedValue: unknown }).allowedValue],
  }));
  const under = (path: string, parent: string) => path === parent || path.startsWith(`${parent}/`);
  let kept = errors.filter((error) => !dead.some((d) => under(error.instancePath, d.parent) && error.schemaPath.startsWith(d.branch)));
  const unions = new Map<string, { parent: string; union: string; allowed: unknown[] }>();
  for (const d of dead) {
    const key = `${d.parent} ${d.union}`;
    const entry = unions.get(key) ?? { parent: d.parent, union: d.union, allowed: [] };
    entry.allowed.push(...d.allowed);
    unions.set(key, entry);
  }
  for (const { parent, union, allowed } of unions.values()) {
    if (kept.some((error) => under(error.instancePath, parent) && error.schemaPath.startsWith(union))) continue;
    kept.push({ instancePath: `${parent}/type`, schemaPath: `${union}type`, keyword: "enum", params: { allowedValues: allowed }, message: "must be one of the types of this union" });
  }
  kept = kept.filter(
    (error) => !(error.keyword === "type" && (error.params as { type?: unknown }).type === "null" && kept.some((other) => other !== error && under(other.instancePath, error.instancePath) && !(other.keyword === "type" && (other.params as { type?: unknown }).type === "null"))),
  );
  return kept;
}

function depth(pointer: string): number {
  return pointer.split("/").length;
}

function expectedOf(error: ErrorObject): { expected?: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "enum":
      return { expected: (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(" | ") };
    case "const":
      return { expected: JSON.stringify(params.allowedValue) };
    case "type":
      return { expected: String(params.type) };
    case "required":
      return { expected: `property "${String(params.missingProperty)}"` };
    case "additionalProperties":
      return { expected: `no property "${String(params.additionalProperty)}"` };
    case "format":
      return { expected: `format ${String(params.format)}` };
    default:
      return {};
  }
}

function valueAt(value: unknown, parts: readonly string[]): { present: boolean; value?: unknown } {
  let current: unknown = value;
  for (const part of parts) {
    if (typeof current !== "object" || current === null || !(part in current)) return { present: false };
    current = (current as Record<string, unknown>)[part];
  }
  return { present: true, value: current };
}

function unescapePointer(part: string): string {
  return part.replace(/~1/g, "/").replace(/~0/g, "~");
}
