/**
 * Any JSON the app-server can send survives redaction and recording: a message nested 20 000
 * levels deep does not overflow the stack in the redactor, kill `codex-rpc tap`, or stop a turn.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { compactJson } from "../../src/cli/messageSummary.ts";
import { parseTranscript } from "../../src/cli/transcript.ts";
import { createRedactor, NESTED_TOO_DEEP } from "../../src/protocol/redaction.ts";
import { FIXTURES, runCli } from "../cli/cliHelpers.ts";
import { startFakeSession, within } from "./faultHarness.ts";

const DEPTH = 20_000;
const SECRET = "sk-proj-DEEPsecret0123456789abcdef";

function deepArray(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function deepObject(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { apiKeyHolder: value, note: `level ${i}` };
  return value;
}

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-deep-json-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("JSON nested 20 000 levels deep", { timeout: 60_000 }, () => {
  it("the redactor neither overflows nor lets the secret at the bottom through; its output can be serialised", () => {
    const redactor = createRedactor({ env: {} });
    for (const deep of [deepArray(DEPTH, SECRET), deepObject(DEPTH, SECRET), { method: "x", params: { nested: deepArray(DEPTH, { token: "t0ps3cretvalue" }) } }]) {
      const redacted = redactor.value(deep);
      const text = JSON.stringify(redacted);
      assert.ok(!text.includes(SECRET) && !text.includes("t0ps3cretvalue"), text.slice(-300));
      assert.ok(text.includes(NESTED_TOO_DEEP), "what is below the cap is abbreviated, not dropped silently");
    }
    // Shallow values are untouched by the cap.
    assert.deepEqual(redactor.value({ a: [1, [2, [3]]] }), { a: [1, [2, [3]]] });
  });

  it("compactJson (show, replay) does not throw on it", () => {
    assert.equal(typeof compactJson(deepArray(DEPTH, 1)), "string");
  });

  it("codex-rpc tap keeps piping and recording after such a message", async () => {
    const log = path.join(dir, "deep.jsonl");
    const deepLine = JSON.stringify({ method: "deep/notification", params: { apiKey: SECRET } }).replace('"params":', `"nested":${"[".repeat(DEPTH)}1${"]".repeat(DEPTH)},"params":`);
    const input = [deepLine, JSON.stringify({ id: 7, method: "echo/after", params: { text: "still recording" } }), ""].join("\n");
    const result = await runCli(["tap", "--log", log, "--", process.execPath, path.join(FIXTURES, "echo-peer.mjs")], { input, timeoutMs: 30_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /still recording/);
    const { entries, problems } = parseTranscript(await readFile(log, "utf8"));
    assert.deepEqual(problems, []);
    const messages = entries.map((entry) => ("msg" in entry ? (entry.msg as { method?: string; id?: number }) : {}));
    assert.deepEqual(messages.map((m) => m.method ?? `response ${m.id}`), ["deep/notification", "echo/after", "response 7"]);
    assert.ok(!JSON.stringify(entries).includes(SECRET));
  });

  it("a turn with such a notification in it completes, with onTraffic on", async () => {
    await using session = await startFakeSession({ env: { FAKE_API_KEY: SECRET } });
    const runner = await session.runner();
    const result = await within(10_000, "the turn", runner.turn(`fault:deep-json=${DEPTH}`));
    assert.equal(result.assistantText, `echo: fault:deep-json=${DEPTH}`);
    for (const error of session.observed.protocolErrors) assert.ok(!error.message.includes(SECRET));
  });
});
