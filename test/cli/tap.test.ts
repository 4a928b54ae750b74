/**
 * `codex-rpc tap` against a fixture echo peer: bytes through unchanged, the transcript, exit
 * codes and signals. (The tap in front of the real codex binary is in realSession.test.ts.)
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseTranscript } from "../../src/cli/transcript.ts";
import { REDACTED } from "../../src/protocol/redaction.ts";
import { cliEnv, FIXTURES, MAIN, runCli, TSX_LOADER } from "./cliHelpers.ts";

const ECHO_PEER = path.join(FIXTURES, "echo-peer.mjs");

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-tap-test-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the peer answers when run directly, as bytes. */
function direct(input: string): Promise<Buffer> {
  const child = spawn(process.execPath, [ECHO_PEER], { stdio: ["pipe", "pipe", "inherit"] });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stdin.end(input);
  return once(child, "close").then(() => Buffer.concat(chunks));
}

describe("codex-rpc tap", () => {
  it("passes every byte through unchanged and appends a redacted transcript", async () => {
    const log = path.join(dir, "echo.jsonl");
    const input = [
      JSON.stringify({ id: 1, method: "echo/text", params: { text: "line\u2028separator\u2029inside" } }),
      JSON.stringify({ method: "note/only" }),
      "this line is not JSON",
      JSON.stringify({ id: "two", method: "account/login/start", params: { apiKey: "sk-live-abcdefghijklmnopqrstuvwxyz" } }),
      "",
    ].join("\n");
    const result = await runCli(["tap", "--log", log, "--", process.execPath, ECHO_PEER], { input });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(Buffer.from(result.stdout), await direct(input), "stdout differs from the peer's own output");

    const { entries, problems } = parseTranscript(await readFile(log, "utf8"));
    assert.deepEqual(problems, []);
    const summary = entries.map((entry) => ("msg" in entry ? `${entry.dir} ${JSON.stringify(entry.msg)}` : `${entry.dir} raw ${entry.raw}`));
    assert.deepEqual(summary.filter((line) => line.startsWith("c2s")), [
      `c2s {"id":1,"method":"echo/text","params":{"text":"line\u2028separator\u2029inside"}}`,
      `c2s {"method":"note/only"}`,
      "c2s raw this line is not JSON",
      `c2s {"id":"two","method":"account/login/start","params":{"apiKey":"${REDACTED}"}}`,
    ]);
    assert.deepEqual(summary.filter((line) => line.startsWith("s2c")), [
      `s2c {"id":1,"result":{"text":"line\u2028separator\u2029inside"}}`,
      `s2c {"id":"two","result":{"apiKey":"${REDACTED}"}}`,
    ]);
    assert.ok(!(await readFile(log, "utf8")).includes("sk-live-"), "the secret reached the transcript");
    for (const entry of entries) assert.ok(entry.t >= 0 && Number.isFinite(entry.t));
    const times = entries.filter((e) => e.dir === "c2s").map((e) => e.t);
    assert.deepEqual([...times].sort((a, b) => a - b), times, "times of one direction go forward");
  });

  it("appends to an existing transcript", async () => {
    const log = path.join(dir, "twice.jsonl");
    const input = `${JSON.stringify({ id: 1, method: "a" })}\n`;
    for (let i = 0; i < 2; i++) assert.equal((await runCli(["tap", "--log", log, "--", process.execPath, ECHO_PEER], { input })).code, 0);
    assert.equal(parseTranscript(await readFile(log, "utf8")).entries.length, 4);
  });

  it("exits with the child's exit code", async () => {
    const result = await runCli(["tap", "--log", path.join(dir, "exit.jsonl"), "--", process.execPath, ECHO_PEER], {
      env: cliEnv({ ECHO_PEER_EXIT_CODE: "3" }),
    });
    assert.equal(result.code, 3);
  });

  it("exits 127 when the command does not exist, and 2 when the log cannot be opened", async () => {
    const missing = await runCli(["tap", "--log", path.join(dir, "missing.jsonl"), "--", "/nonexistent/codex", "app-server"]);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /cannot run \/nonexistent\/codex/);
    const badLog = await runCli(["tap", "--log", path.join(dir, "no/such/dir/log.jsonl"), "--", process.execPath, ECHO_PEER]);
    assert.equal(badLog.code, 2);
    assert.match(badLog.stderr, /Cannot open the transcript/);
  });

  it("forwards a signal to the child and exits 128 + its number when the child dies of it", async () => {
    const log = path.join(dir, "signal.jsonl");
    const tap = spawn(process.execPath, ["--import", TSX_LOADER, MAIN, "tap", "--log", log, "--", process.execPath, ECHO_PEER], {
      env: cliEnv(),
      stdio: ["pipe", "pipe", "inherit"],
    });
    // Once an answer has come back, the child is running behind the tap.
    tap.stdin.write(`${JSON.stringify({ id: 1, method: "ping" })}\n`);
    await once(tap.stdout, "data");
    tap.kill("SIGTERM");
    const [code, signal] = (await once(tap, "close")) as [number | null, NodeJS.Signals | null];
    assert.equal(signal, null, "the tap itself must not die of the signal");
    assert.equal(code, 128 + 15);
  });
});
