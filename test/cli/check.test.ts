/**
 * `codex-rpc check`: passes against the pinned codex binary (or the one CODEX_BIN names under
 * `npm run test:versions`), fails (with a diff of each broken message) against a fixture server
 * that breaks the protocol; the schema comparison names every difference by its path and judges
 * it compatible or breaking (test/cli/checkDrift.test.ts drives it against codex 0.171.0).
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

describe("codex-rpc check", { timeout: 150_000 }, () => {
  it("passes against the pinned codex binary, every scenario, every message valid (--json, --schema-from-binary)", async () => {
    const result = await runCli(["check", "--json", "--schema-from-binary"], { timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      binaryVersion: string;
      pinnedVersion: string;
      scenarios: { name: string; ok: boolean; messages: number; failedMessages: number }[];
      failures: unknown[];
      schemaChanges: { compatible: boolean }[];
    };
    assert.equal(report.ok, true);
    // Against another supported version (test:versions) the drift must be all compatible.
    if (report.binaryVersion !== report.pinnedVersion) assert.ok(process.env.CODEX_BIN, `${report.binaryVersion} is not the pinned ${report.pinnedVersion}`);
    assert.deepEqual(report.scenarios.map((s) => s.name), SCENARIOS.map((s) => s.name));
    for (const scenario of report.scenarios) {
      assert.ok(scenario.ok, `${scenario.name} failed`);
      assert.ok(scenario.messages > 0, `${scenario.name} saw no messages`);
    }
    assert.deepEqual(report.failures, []);
    if (report.binaryVersion === report.pinnedVersion) assert.deepEqual(report.schemaChanges, []);
    else assert.deepEqual(report.schemaChanges.filter((change) => !change.compatible), []);
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

  it("compares a generated schema with protocol/json: methods and fields by path, judged compatible or breaking", async () => {
    const other = path.join(dir, "other");
    await cp(defaultProtocolJsonDir(), other, { recursive: true });
    const file = path.join(other, "ServerNotification.json");
    const union = JSON.parse(await readFile(file, "utf8")) as { oneOf: { properties: { method: { enum: string[] } } }[] };
    union.oneOf = union.oneOf.filter((variant) => !["thread/archived", "turn/started"].includes(variant.properties.method.enum[0]!));
    union.oneOf.push({ properties: { method: { enum: ["thread/teleported"] } } });
    await writeFile(file, JSON.stringify(union));
    const bundleFile = path.join(other, "codex_app_server_protocol.schemas.json");
    const bundle = JSON.parse(await readFile(bundleFile, "utf8")) as { definitions: { v2: Record<string, { properties: Record<string, unknown>; required?: string[] }> } };
    const v2 = bundle.definitions.v2;
    delete v2.WarningNotification!.properties.message; // codex-rpc reads it
    delete v2.ThreadNameUpdatedNotification!.properties.threadName; // read by nobody in codex-rpc
    v2.WarningNotification!.properties.severity = { type: "string" };
    v2.TurnCompletedNotification!.properties.threadId = { type: "integer" }; // codex-rpc routes by it
    delete v2.Turn!.properties.status; // codex-rpc reads it
    v2.ThreadStartParams!.required = [...(v2.ThreadStartParams!.required ?? []), "workspace"];
    v2.ThreadStartParams!.properties.workspace = { type: "string" };
    await writeFile(bundleFile, JSON.stringify(bundle));
    const changes = await diffSchemaDirs(defaultProtocolJsonDir(), other);
    const lines = changes.map((c) => `${c.compatible ? "compatible" : "BREAKING"} ${c.path}: ${c.detail}`);
    assert.deepEqual(lines, [
      "BREAKING ServerNotification turn/started: notification removed",
      "BREAKING ThreadStartParams.workspace: added, required",
      "BREAKING Turn.status: removed",
      "BREAKING TurnCompletedNotification.threadId: type string → integer",
      "BREAKING WarningNotification.message: removed",
      "compatible ServerNotification thread/archived: notification removed",
      "compatible ServerNotification thread/teleported: notification added",
      "compatible ThreadNameUpdatedNotification.threadName: removed",
      "compatible WarningNotification.severity: added, optional",
    ]);
    assert.match(changes.find((c) => c.path === "Turn.status")!.reason, /codex-rpc reads it/);
  });
});
