/**
 * Compares two generated protocol schemas (`codex app-server generate-json-schema --out DIR`),
 * the pinned one and another binary's, like a careful reviewer of a client: every difference
 * named by its full path (`ThreadItem[mcpToolCall].environmentId: added, optional`) and judged
 * compatible or breaking (see schemaCompare.ts). Methods: added ones are compatible; a removed
 * client request or client notification breaks clients that send it, a removed notification
 * breaks codex-rpc only where it reads it; server requests come and go freely (codex-rpc answers
 * the ones it does not know with an error).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { z } from "zod";
import { CLIENT_REQUESTS, SERVER_NOTIFICATIONS, SERVER_REQUESTS, STABLE_CLIENT_REQUEST_METHODS } from "../../protocol/index.ts";
import { responseNameOf } from "../../protocol/responseNames.ts";
import { SchemaComparer, type DataDirection, type SchemaChange } from "./schemaCompare.ts";

export type { SchemaChange } from "./schemaCompare.ts";

const run = promisify(execFile);

type Json = Record<string, unknown>;

const UNIONS = ["ClientRequest", "ServerRequest", "ServerNotification", "ClientNotification"] as const;
type Union = (typeof UNIONS)[number];
const BUNDLE = "codex_app_server_protocol.schemas.json";
const STABLE: ReadonlySet<string> = new Set(STABLE_CLIENT_REQUEST_METHODS);

/** Runs `<bin> app-server generate-json-schema [--experimental]` into a temp dir and diffs it against `pinnedDir`. */
export async function diffBinarySchema(bin: string, pinnedDir: string, options: { readonly experimental?: boolean } = {}): Promise<SchemaChange[]> {
  const out = await mkdtemp(path.join(tmpdir(), "codex-rpc-schema-"));
  try {
    const flags = options.experimental ? ["--experimental"] : [];
    await run(bin, ["app-server", "generate-json-schema", ...flags, "--out", out], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    return await diffSchemaDirs(pinnedDir, out);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** Diffs two schema directories; see the module comment. Breaking changes first, then by path. */
export async function diffSchemaDirs(pinnedDir: string, otherDir: string): Promise<SchemaChange[]> {
  const [pinnedBundle, otherBundle] = await Promise.all([readJson(pinnedDir, BUNDLE), readJson(otherDir, BUNDLE)]);
  const comparer = new SchemaComparer({ root: pinnedBundle }, { root: otherBundle });
  for (const union of UNIONS) {
    const [pinned, other] = await Promise.all([readJson(pinnedDir, `${union}.json`), readJson(otherDir, `${union}.json`)]);
    const before = variants(pinned);
    const after = variants(other);
    for (const method of after.keys()) {
      if (!before.has(method)) comparer.record({ path: `${union} ${method}`, change: "added", detail: `${noun(union)} added`, compatible: true, reason: addedReason(union) });
    }
    for (const [method, variant] of before) {
      const next = after.get(method);
      if (!next) {
        const breaks = union === "ClientRequest" || union === "ClientNotification" || (union === "ServerNotification" && lookup(SERVER_NOTIFICATIONS, method) !== undefined);
        comparer.record({ path: `${union} ${method}`, change: "removed", detail: `${noun(union)} removed`, compatible: !breaks, reason: removedReason(union, breaks) });
        continue;
      }
      for (const part of parts(union, method)) {
        const a = part.of(variant, pinnedBundle);
        const b = part.of(next, otherBundle);
        if (a === undefined && b === undefined) continue;
        if (a === undefined || b === undefined) {
          comparer.record({ path: `${union} ${method} ${part.name}`, change: a ? "removed" : "added", detail: `${part.name} ${a ? "removed" : "added"}`, compatible: false, reason: "the method's shape changed" });
          continue;
        }
        comparer.compare(a, b, `${union} ${method} ${part.name}`, part.direction, part.zod ? [part.zod] : []);
      }
    }
  }
  return comparer.changes().sort((x, y) => Number(x.compatible) - Number(y.compatible) || x.path.localeCompare(y.path));
}

interface Part {
  readonly name: "params" | "result";
  readonly direction: DataDirection;
  readonly zod: z.ZodType | undefined;
  of(variant: Json, bundle: Json): unknown;
}

/** What of a method is compared, which way the data goes, and what codex-rpc reads of it. */
function parts(union: Union, method: string): Part[] {
  const params = (variant: Json) => (variant.properties as Record<string, unknown> | undefined)?.params;
  const result = (variant: Json, bundle: Json) => {
    const name = responseNameOf(method, paramsName(params(variant)));
    return name === undefined ? undefined : definitionRef(bundle, name);
  };
  switch (union) {
    case "ClientRequest":
      return [
        { name: "params", direction: "sent", zod: undefined, of: params },
        // The runner's methods are read by zod; the other stable ones by backend.request's validators.
        { name: "result", direction: lookup(CLIENT_REQUESTS, method) || !STABLE.has(method) ? "read" : "typed", zod: lookup(CLIENT_REQUESTS, method)?.result, of: result },
      ];
    case "ServerRequest":
      return [
        { name: "params", direction: "read", zod: lookup(SERVER_REQUESTS, method)?.params, of: params },
        { name: "result", direction: "sent", zod: undefined, of: result },
      ];
    case "ServerNotification":
      return [{ name: "params", direction: "read", zod: lookup(SERVER_NOTIFICATIONS, method) as z.ZodType | undefined, of: params }];
    case "ClientNotification":
      return [{ name: "params", direction: "sent", zod: undefined, of: params }];
  }
}

function noun(union: Union): string {
  return { ClientRequest: "method", ServerRequest: "server request", ServerNotification: "notification", ClientNotification: "client notification" }[union];
}

function addedReason(union: Union): string {
  if (union === "ServerRequest") return "codex-rpc answers server requests it does not know with an error";
  if (union === "ServerNotification") return "codex-rpc passes notifications it does not know through";
  return "clients that do not use it are unaffected";
}

function removedReason(union: Union, breaks: boolean): string {
  if (union === "ServerRequest") return "codex-rpc just never gets it";
  if (union === "ServerNotification") return breaks ? "codex-rpc reads it" : "codex-rpc does not read it";
  return "clients send it";
}

function paramsName(schema: unknown): string | undefined {
  if (typeof schema !== "object" || schema === null) return undefined;
  const s = schema as Json;
  if (typeof s.$ref === "string") return s.$ref.split("/").pop();
  for (const option of (s.anyOf ?? []) as Json[]) if (typeof option.$ref === "string") return option.$ref.split("/").pop();
  return undefined;
}

function definitionRef(bundle: Json, name: string): Json | undefined {
  const definitions = (bundle.definitions ?? {}) as Record<string, unknown>;
  if (name !== "v2" && Object.hasOwn(definitions, name)) return { $ref: `#/definitions/${name}` };
  const v2 = (definitions.v2 ?? {}) as Record<string, unknown>;
  return Object.hasOwn(v2, name) ? { $ref: `#/definitions/v2/${name}` } : undefined;
}

function variants(union: Json): Map<string, Json> {
  const map = new Map<string, Json>();
  for (const variant of (union.oneOf ?? []) as Json[]) {
    const method = ((variant.properties as Record<string, Json> | undefined)?.method?.enum as string[] | undefined)?.[0];
    if (method) map.set(method, variant);
  }
  return map;
}

function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

async function readJson(dir: string, file: string): Promise<Json> {
  return JSON.parse(await readFile(path.join(dir, file), "utf8")) as Json;
}
