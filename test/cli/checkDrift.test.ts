/**
 * `codex-rpc check` as a reviewer of drift: against codex 0.171.0 it exits 0 and lists every
 * compatible difference by its path; a schema with a removed field codex-rpc reads or a newly
 * required param exits 1. `check --transcript FILE...` validates recorded traffic instead.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { defaultProtocolJsonDir } from "../../src/cli/check/protocolValidator.ts";
import { main } from "../../src/cli/main.ts";
import { captureIo, cliEnv, FIXTURES, ROOT, runCli } from "./cliHelpers.ts";

/** The native binary of codex 0.171.0, resolved from its npm alias (never a fixed path). */
function codex0171(): string {
  const launcher = createRequire(path.join(ROOT, "package.json")).resolve("codex-0171/package.json");
  const platform = createRequire(launcher).resolve("@openai/codex-linux-x64/package.json");
  return path.join(path.dirname(platform), "vendor/x86_64-unknown-linux-musl/bin/codex");
}

/** The pinned native binary (what the library resolves by default). */
function pinnedCodex(): string {
  const platform = createRequire(path.join(ROOT, "package.json")).resolve("@openai/codex-linux-x64/package.json");
  return path.join(path.dirname(platform), "vendor/x86_64-unknown-linux-musl/bin/codex");
}

const supported = process.platform === "linux" && process.arch === "x64";

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-check-drift-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("codex-rpc check against another codex version", { timeout: 180_000, skip: !supported && "codex 0.171.0's binary is installed for linux-x64 only" }, () => {
  it("exits 0 against 0.171.0 and lists the compatible drift field by field (stable and experimental)", async () => {
    const binary = codex0171();
    assert.match(execFileSync(binary, ["--version"], { encoding: "utf8" }), /0\.171\.0/);
    const saved = path.join(dir, "handshake.jsonl");
    const result = await runCli(["check", "--codex-bin", binary, "--schema-from-binary", "--experimental", "--scenario", "handshake", "--write-transcript", saved], { timeoutMs: 90_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const [stable, experimental] = result.stdout.split("Experimental schema from the binary");
    for (const line of [
      "compatible ClientRequest modelProvider/default/set: method added",
      "compatible ServerNotification thread/search/partial: notification added",
      "compatible ThreadItem[mcpToolCall].environmentId: added, optional",
      "compatible AgentMessageDisplay: type object → union of show, hide, block (tagged on mode)",
      "compatible CodexErrorInfo[bioPolicy]: value added",
    ]) {
      assert.ok(stable!.includes(line), `missing: ${line}\n${stable}`);
    }
    assert.match(stable!, /\d+ differences, all compatible/);
    assert.doesNotMatch(result.stdout, /BREAKING|definition changed/);
    assert.match(experimental!, /compatible ServerRequest currentTime\/read: server request removed/);
    assert.equal((experimental!.match(/compatible ClientRequest \S+: method added/g) ?? []).length, 5, experimental);
    assert.match(result.stdout, /\nconformant\n/);
    const transcript = (await readFile(saved, "utf8")).trim().split("\n");
    assert.ok(transcript.length >= 3, "the scenario's messages are written with --write-transcript");
  });

  it("exits 1 when the binary's schema removes a field codex-rpc reads or requires a new param", async () => {
    const doctored = path.join(dir, "doctored");
    await cp(defaultProtocolJsonDir(), doctored, { recursive: true });
    const bundleFile = path.join(doctored, "codex_app_server_protocol.schemas.json");
    const bundle = JSON.parse(await readFile(bundleFile, "utf8")) as { definitions: { v2: Record<string, { properties: Record<string, unknown>; required?: string[] }> } };
    delete bundle.definitions.v2.Turn!.properties.status;
    bundle.definitions.v2.TurnStartParams!.properties.budget = { type: "integer" };
    bundle.definitions.v2.TurnStartParams!.required = [...(bundle.definitions.v2.TurnStartParams!.required ?? []), "budget"];
    await writeFile(bundleFile, JSON.stringify(bundle));
    const result = await runCli(["check", "--codex-bin", path.join(FIXTURES, "doctored-schema-codex.sh"), "--schema-from-binary", "--scenario", "handshake"], {
      env: cliEnv({ CODEX_RPC_DOCTORED_SCHEMA: doctored, CODEX_RPC_REAL_CODEX: pinnedCodex() }),
      timeoutMs: 60_000,
    });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /BREAKING {3}Turn\.status: removed \(codex-rpc reads it; /);
    assert.match(result.stdout, /BREAKING {3}TurnStartParams\.budget: added, required \(clients do not send it\)/);
    assert.match(result.stdout, /2 breaking, 0 compatible differences/);
    assert.match(result.stdout, /NOT conformant/);
  });
});

describe("codex-rpc check --transcript", { timeout: 60_000 }, () => {
  // In process: what is measured is the validation, not a CLI start per case.
  const check = async (...args: string[]) => {
    const io = captureIo();
    const code = await main(["check", ...args], io);
    return { code, stdout: io.output(), stderr: io.errors() };
  };

  it("validates a recorded session: every message conforms", async () => {
    const result = await check("--transcript", path.join(FIXTURES, "session.jsonl"));
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /session\.jsonl +\d+ +0 +ok/);
    assert.match(result.stdout, /\nconformant\n/);
  });

  it("fails a transcript with a broken message, naming the field, and takes several files (--json)", async () => {
    const broken = path.join(dir, "broken.jsonl");
    const entries = [
      { dir: "c2s", t: 1, msg: { id: 0, method: "thread/read", params: { threadId: "t" } } },
      { dir: "s2c", t: 2, msg: { id: 0, result: { thread: { id: 5 } } } },
      { dir: "s2c", t: 3, msg: { method: "turn/completed", params: { threadId: "t", turn: { id: "u", status: "done", items: [] } } } },
    ];
    await writeFile(broken, entries.map((entry) => JSON.stringify(entry)).join("\n"));
    const text = await check("--transcript", broken);
    assert.equal(text.code, 1, text.stdout + text.stderr);
    assert.match(text.stdout, /server → client notification turn\/completed/);
    assert.match(text.stdout, /json-schema \/params\/turn\/status: must be equal to one of the allowed values/);
    assert.match(text.stdout, /NOT conformant/);
    const json = await check("--json", "--transcript", path.join(FIXTURES, "session.jsonl"), broken);
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout) as { ok: boolean; transcripts: { name: string; ok: boolean; failedMessages: number }[] };
    assert.deepEqual(report.transcripts.map((t) => [path.basename(t.name), t.ok]), [["session.jsonl", true], ["broken.jsonl", false]]);
    assert.equal(report.transcripts[1]!.failedMessages, 2);
  });

  it("refuses flags that would run a binary, and a missing file, as usage errors", async () => {
    const mixed = await check("--transcript", path.join(FIXTURES, "session.jsonl"), "--schema-from-binary");
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /--transcript validates recordings and runs nothing; leave out --schema-from-binary/);
    const missing = await check("--transcript", path.join(dir, "nope.jsonl"));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read the transcript/);
  });
});
