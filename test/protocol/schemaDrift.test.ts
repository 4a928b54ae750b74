/**
 * Holds the zod schemas of src/protocol against the JSON schema generated from the pinned codex
 * binary (protocol/json). Drift fails here: a field we read that the protocol no longer has, a
 * field we require that the server may omit, a value we send that the server would reject, an
 * enum value the server may send that we would reject.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { z } from "zod";
import { CLIENT_REQUESTS } from "../../src/protocol/clientRequests.ts";
import { ThreadSchema, ThreadTokenUsageSchema, TurnErrorSchema, TurnSchema } from "../../src/protocol/common.ts";
import { ThreadItemSchema } from "../../src/protocol/items.ts";
import { SERVER_NOTIFICATIONS } from "../../src/protocol/serverNotifications.ts";
import { SERVER_REQUESTS } from "../../src/protocol/serverRequests.ts";

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, JsonSchema>;
  required?: string[];
  $ref?: string;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  definitions?: Record<string, JsonSchema>;
};

const load = (name: string): JsonSchema => JSON.parse(readFileSync(new URL(`../../protocol/json/${name}`, import.meta.url), "utf8"));
const clientRequestFile = load("ClientRequest.json");
const serverRequestFile = load("ServerRequest.json");
const serverNotificationFile = load("ServerNotification.json");
const v2File = load("codex_app_server_protocol.v2.schemas.json");
const topFile = load("codex_app_server_protocol.schemas.json");

/** Follows `$ref`s (and single-entry allOf) within one generated file. */
function resolve(schema: JsonSchema, file: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; depth < 10; depth++) {
    if (current.$ref) {
      const parts = current.$ref.replace(/^#\//, "").split("/");
      let target: unknown = file;
      for (const part of parts) target = (target as Record<string, unknown>)[part];
      assert.ok(target, `unresolved $ref ${current.$ref}`);
      current = target as JsonSchema;
    } else if (current.allOf?.length === 1 && !current.properties) {
      current = current.allOf[0]!;
    } else break;
  }
  return current;
}

/** Enum values a (resolved) generated schema allows, or undefined when it is not a plain string enum. */
function enumValues(schema: JsonSchema, file: JsonSchema): Set<unknown> | undefined {
  const s = resolve(schema, file);
  if (s.enum) return new Set(s.enum);
  const variants = s.oneOf ?? s.anyOf;
  if (!variants) return undefined;
  const values = new Set<unknown>();
  for (const variant of variants) {
    const v = resolve(variant, file);
    if (v.type === "null") continue;
    if (!v.enum) return undefined;
    for (const value of v.enum) values.add(value);
  }
  return values;
}

type Direction = "read" | "send";

/** Compares one of our object schemas with the generated one; returns the differences. */
function drift(name: string, ours: z.ZodType, theirsRaw: JsonSchema, file: JsonSchema, direction: Direction): string[] {
  const oursJson = z.toJSONSchema(ours, { io: direction === "read" ? "output" : "input", unrepresentable: "any" }) as JsonSchema;
  const theirs = resolve(theirsRaw, file);
  const problems: string[] = [];
  const theirProps = theirs.properties ?? {};
  const theirRequired = new Set(theirs.required ?? []);
  const ourRequired = new Set(oursJson.required ?? []);
  for (const [prop, ourProp] of Object.entries(oursJson.properties ?? {})) {
    const theirProp = theirProps[prop];
    if (!theirProp) {
      problems.push(`${name}.${prop}: codex-rpc models it, the pinned protocol has no such field`);
      continue;
    }
    if (direction === "read" && ourRequired.has(prop) && !theirRequired.has(prop)) {
      problems.push(`${name}.${prop}: codex-rpc requires it, the pinned protocol may omit it`);
    }
    const ourEnum = enumValues(ourProp, oursJson);
    const theirEnum = enumValues(theirProp, file);
    if (ourEnum && theirEnum) {
      const [must, within, what] =
        direction === "read" ? [theirEnum, ourEnum, "the server may send"] : [ourEnum, theirEnum, "codex-rpc may send"];
      for (const value of must) {
        if (!within.has(value)) problems.push(`${name}.${prop}: ${what} ${JSON.stringify(value)}, the other side does not accept it`);
      }
    }
  }
  if (direction === "send") {
    for (const prop of theirRequired) {
      if (!(prop in (oursJson.properties ?? {}))) problems.push(`${name}.${prop}: the pinned protocol requires it, codex-rpc does not send it`);
    }
  }
  return problems;
}

/** `params` schema of a method in one of the generated union files. */
function paramsOf(file: JsonSchema, method: string): JsonSchema {
  const variant = file.oneOf?.find((v) => (v.properties?.method?.enum as unknown[] | undefined)?.[0] === method);
  assert.ok(variant, `the pinned protocol has no method ${method}`);
  return variant.properties!.params!;
}

function responseOf(method: string, params: JsonSchema, file: JsonSchema): JsonSchema {
  // Generated names pair XxxParams with XxxResponse.
  const ref = params.$ref ?? "";
  const responseName = ref.split("/").pop()!.replace(/Params$/, "Response");
  const inV2 = v2File.definitions?.[responseName];
  const inTop = topFile.definitions?.[responseName];
  const found = inV2 ?? inTop ?? file.definitions?.[responseName];
  assert.ok(found, `no generated response type ${responseName} for ${method}`);
  return found;
}

describe("zod schemas against the pinned protocol", () => {
  it("client requests: params we send and results we read", () => {
    const problems: string[] = [];
    for (const [method, definition] of Object.entries(CLIENT_REQUESTS)) {
      const params = paramsOf(clientRequestFile, method);
      problems.push(...drift(`${method} params`, definition.params, params, clientRequestFile, "send"));
      const response = responseOf(method, params, clientRequestFile);
      problems.push(...drift(`${method} result`, definition.result, response, v2File.definitions?.[String(response.title)] ? v2File : topFile, "read"));
    }
    assert.deepEqual(problems, []);
  });

  it("notifications we read", () => {
    const problems: string[] = [];
    for (const [method, schema] of Object.entries(SERVER_NOTIFICATIONS)) {
      problems.push(...drift(method, schema, paramsOf(serverNotificationFile, method), serverNotificationFile, "read"));
    }
    assert.deepEqual(problems, []);
  });

  it("server requests: params we read and answers we send", () => {
    const problems: string[] = [];
    const generated = new Set(serverRequestFile.oneOf!.map((v) => (v.properties!.method!.enum as string[])[0]));
    for (const [method, schemas] of Object.entries(SERVER_REQUESTS)) {
      const params = paramsOf(serverRequestFile, method);
      problems.push(...drift(`${method} params`, schemas.params, params, serverRequestFile, "read"));
      problems.push(...drift(`${method} answer`, schemas.result, responseOf(method, params, serverRequestFile), topFile, "send"));
      generated.delete(method);
    }
    assert.deepEqual([...generated], [], "server requests of the pinned protocol that codex-rpc cannot answer");
    assert.deepEqual(problems, []);
  });

  it("thread items and shared value types", () => {
    const problems: string[] = [];
    const itemVariants = resolve(v2File.definitions!.ThreadItem!, v2File).oneOf!;
    const known = ThreadItemSchema.options[0].options;
    for (const ours of known) {
      const type = ours.shape.type.value;
      const theirs = itemVariants.find((v) => (v.properties?.type?.enum as unknown[])?.[0] === type);
      assert.ok(theirs, `the pinned protocol has no item type ${type}`);
      problems.push(...drift(`item ${type}`, ours, theirs, v2File, "read"));
    }
    const shared: [string, z.ZodType][] = [
      ["Thread", ThreadSchema],
      ["Turn", TurnSchema],
      ["TurnError", TurnErrorSchema],
      ["ThreadTokenUsage", ThreadTokenUsageSchema],
    ];
    for (const [name, ours] of shared) problems.push(...drift(name, ours, v2File.definitions![name]!, v2File, "read"));
    assert.deepEqual(problems, []);
  });

  it("detects drift (the check itself can fail)", () => {
    const renamed = z.looseObject({ threadId: z.string(), turnIdentifier: z.string() });
    const problems = drift("turn/completed", renamed, paramsOf(serverNotificationFile, "turn/completed"), serverNotificationFile, "read");
    assert.ok(problems.some((p) => p.includes("turnIdentifier")), problems.join("\n"));
    const tooStrict = z.looseObject({ threadId: z.string(), status: z.enum(["completed"]) });
    const enumProblems = drift("x", z.looseObject({ turn: z.unknown(), threadId: z.string() }), paramsOf(serverNotificationFile, "turn/completed"), serverNotificationFile, "read");
    assert.deepEqual(enumProblems, []);
    const sendProblems = drift("turn/interrupt params", z.looseObject({ threadId: z.string() }), paramsOf(clientRequestFile, "turn/interrupt"), clientRequestFile, "send");
    assert.ok(sendProblems.some((p) => p.includes("turnId")), sendProblems.join("\n"));
    void tooStrict;
  });
});
