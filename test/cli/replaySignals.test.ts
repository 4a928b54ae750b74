/**
 * `codex-rpc replay` stopped by a signal while stdin stays open (a client that kills its server
 * instead of closing the pipe) still prints its summary and the --strict verdict, and exits with
 * the verdict's code. Before, it died silently.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { cliEnv, MAIN, ROOT, TSX_LOADER } from "./cliHelpers.ts";

const RECORDING = [
  { dir: "c2s", t: 0, msg: { id: 0, method: "initialize", params: {} } },
  { dir: "s2c", t: 1, msg: { id: 0, result: { userAgent: "codex-rpc/0.169.0 (Linux)" } } },
  { dir: "c2s", t: 2, msg: { method: "initialized" } },
  { dir: "c2s", t: 3, msg: { id: 1, method: "thread/start", params: {} } },
  { dir: "s2c", t: 4, msg: { id: 1, result: { thread: { id: "t" } } } },
];

let dir: string;
let file: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-replay-signals-"));
  file = path.join(dir, "session.jsonl");
  await writeFile(file, RECORDING.map((entry) => JSON.stringify(entry)).join("\n"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts `replay --strict`, sends `lines` without closing stdin, waits for `answers` replies, then sends `signal`. */
async function replayStoppedBy(signal: NodeJS.Signals, lines: unknown[], answers: number) {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, MAIN, "replay", "--strict", file], { cwd: ROOT, env: cliEnv(), stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const deadline = setTimeout(() => child.kill("SIGKILL"), 30_000);
  try {
    const answered = new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8");
        if (stdout.split("\n").filter(Boolean).length >= answers) resolve();
      });
      child.once("close", () => reject(new Error(`replay ended before answering: ${stderr}`)));
    });
    for (const line of lines) child.stdin.write(`${JSON.stringify(line)}\n`);
    await answered;
    const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once("close", (code, sig) => resolve([code, sig])));
    child.kill(signal);
    const [code, killedBy] = await closed;
    return { code, killedBy, stdout, stderr };
  } finally {
    clearTimeout(deadline);
    child.stdin.destroy();
  }
}

describe("codex-rpc replay stopped by a signal", { timeout: 60_000 }, () => {
  it("on SIGTERM mid-session: prints the summary and fails --strict (exit 1)", async () => {
    const result = await replayStoppedBy("SIGTERM", [{ id: 7, method: "initialize", params: {} }], 1);
    assert.equal(result.killedBy, null, "it must exit on its own, not die of the signal");
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /codex-rpc replay: stopped by SIGTERM; 1 client messages matched, 1 server messages sent; recorded but not sent by the client: notification initialized, request thread\/start/);
    assert.match(result.stderr, /--strict: FAIL/);
  });

  it("on SIGINT after the whole session: prints the summary and passes --strict (exit 0)", async () => {
    const result = await replayStoppedBy(
      "SIGINT",
      [{ id: 0, method: "initialize", params: {} }, { method: "initialized" }, { id: 1, method: "thread/start", params: {} }],
      2,
    );
    assert.equal(result.killedBy, null);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /stopped by SIGINT; 3 client messages matched, 2 server messages sent\n/);
    assert.match(result.stderr, /--strict: ok/);
  });
});
