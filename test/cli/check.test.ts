/**
 * `codex-rpc check`: passes against the pinned codex binary, fails (with a diff of each broken
 * message) against a fixture server that breaks the protocol; the schema comparison finds
 * added, removed and changed methods and fields.
 */
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { checkBinary } from "../../src/cli/checkCommand.ts";
import { defaultProtocolJsonDir, ProtocolValidator } from "../../src/cli/check/protocolValidator.ts";
import { diffSchemaDirs } from "../../src/cli/check/schemaDiff.ts";
import { SCENARIOS } from "../../src/cli/check/scenarios.ts";
import { captureIo, FIXTURES, runCli } from "./cliHelpers.ts";

const BROKEN = path.join(FIXTURES, "broken-app-server.mjs");

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-check-test-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("codex-rpc check", { timeout: 60_000 }, () => {
  it("passes against the pinned codex binary, every scenario, every message valid (--json, --schema-from-binary)", async () => {
    const result = await runCli(["check", "--json", "--schema-from-binary"], { timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      binaryVersion: string;
      pinnedVersion: string;
      scenarios: { name: string; ok: boolean; messages: number; failedMessages: number }[];
      failures: unknown[];
      schemaChanges: unknown[];
    };
    assert.equal(report.ok, true);
    assert.equal(report.binaryVersion, report.pinnedVersion);
    assert.deepEqual(report.scenarios.map((s) => s.name), SCENARIOS.map((s) => s.name));
    for (const scenario of report.scenarios) {
      assert.ok(scenario.ok, `${scenario.name} failed`);
      assert.ok(scenario.messages > 0, `${scenario.name} saw no messages`);
    }
    assert.deepEqual(report.failures, []);
    assert.deepEqual(report.schemaChanges, []);
  });

  it("fails against a server that breaks the protocol, with a diff of each broken message", async () => {
    const io = captureIo();
    const code = await checkBinary({ io, codexBin: BROKEN, timeoutSeconds: 10 });
    const text = io.output();
    assert.equal(code, 1, text);
    assert.match(text, /^text turn +\d+ +[1-9]\d* +FAIL/m);
    assert.match(text, /^total +\d+ +[1-9]\d* +FAIL$/m);
    assert.match(text, /server → client notification turn\/completed/);
    assert.match(text, /json-schema \/params\/turn\/status: must be equal to one of the allowed values\n {4}- expected "completed" \| "interrupted" \| "failed" \| "inProgress"\n {4}\+ actual {3}"done"/);
    assert.match(text, /zod \/params\/turn\/status: Invalid option/);
    assert.match(text, /json-schema \/params\/item\/id: must have required property 'id'/);
    assert.match(text, /more messages like this/);
    assert.match(text, /NOT conformant/);
  });

  it("validates single messages against both schemas", () => {
    const validator = new ProtocolValidator();
    assert.deepEqual(validator.validate("c2s", { id: 1, method: "turn/interrupt", params: { threadId: "t", turnId: "u" } }), []);
    assert.deepEqual(validator.validate("s2c", { id: 1, result: {} }, "turn/interrupt"), []);
    const unknown = validator.validate("s2c", { method: "made/up", params: {} });
    assert.match(unknown[0]!.message, /made\/up is not a server notification of the pinned protocol/);
    const badItem = validator.validate("s2c", { method: "item/completed", params: { threadId: "t", turnId: "u", completedAtMs: 1, item: { type: "teleport", id: "i" } } });
    assert.ok(badItem.some((p) => p.source === "json-schema" && p.path === "/params/item/type" && p.expected?.includes('"agentMessage"')), JSON.stringify(badItem));
    const orphan = validator.validate("s2c", { id: 99, result: {} }, undefined);
    assert.equal(orphan[0]!.source, "pairing");
    const envelope = validator.validate("s2c", { id: 1, result: {}, extra: true });
    assert.equal(envelope[0]!.source, "envelope");
  });

  it("compares a generated schema with protocol/json: methods and fields added, removed, changed", async () => {
    const other = path.join(dir, "other");
    await cp(defaultProtocolJsonDir(), other, { recursive: true });
    const file = path.join(other, "ServerNotification.json");
    const schema = JSON.parse(await readFile(file, "utf8")) as { oneOf: { properties: { method: { enum: string[] } } }[]; definitions: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    schema.oneOf = schema.oneOf.filter((variant) => variant.properties.method.enum[0] !== "thread/compacted");
    schema.oneOf.push({ properties: { method: { enum: ["thread/teleported"] } } });
    const warning = schema.definitions.WarningNotification!;
    delete warning.properties!.message;
    warning.properties!.severity = { type: "string" };
    schema.definitions.TurnCompletedNotification!.properties!.threadId = { type: "integer" };
    await writeFile(file, JSON.stringify(schema));
    const changes = await diffSchemaDirs(defaultProtocolJsonDir(), other);
    const lines = changes.map((c) => `${c.change} ${c.union} ${c.method}${c.field ? ` ${c.field}` : ""}${c.detail ? ` (${c.detail})` : ""}`);
    assert.deepEqual(lines.sort(), [
      "added ServerNotification thread/teleported",
      "added ServerNotification warning params.severity",
      "changed ServerNotification turn/completed params.threadId (type string → integer)",
      "removed ServerNotification thread/compacted",
      "removed ServerNotification warning params.message",
    ]);
  });
});
