/**
 * `codex-rpc run` against the real codex binary with the built-in model (--offline): text,
 * JSON lines, approvals, the prompt loop, structured output, timeouts, usage errors, colours,
 * and a run driven by a replayed recording (--codex-bin).
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { UsageError } from "../../src/cli/io.ts";
import { runTurns, type RunOptions } from "../../src/cli/runCommand.ts";
import { createHermeticCodexHome } from "../../src/testing/hermeticCodexHome.ts";
import { captureIo, cliEnv, FIXTURES, runCli } from "./cliHelpers.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-run-test-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(options: Omit<RunOptions, "io">, io = captureIo({ cwd: dir })) {
  const code = await runTurns({ offline: true, timeoutSeconds: 30, ...options, io });
  return { code, stdout: io.output(), stderr: io.errors() };
}

describe("codex-rpc run", { timeout: 60_000 }, () => {
  it("runs one turn offline: the agent's text on stdout, usage on stderr, exit 0", async () => {
    const result = await runCli(["run", "--offline", "Hello there"], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "You said: Hello there (turn 1)\n");
    assert.match(result.stderr, /tokens \d+ in \(\d+ cached\), \d+ out, \d+ total · \d+ ms · thread \S+/);
    assert.doesNotMatch(result.stderr, /\x1b\[/, "NO_COLOR: no escape codes");
    assert.doesNotMatch(result.stderr, /warning|Model metadata/, "the built-in model's metadata is known to codex");
  });

  it("shows a command with its exit code and output", async () => {
    const { code, stdout, stderr } = await run({ prompt: "run: echo hi && echo there" });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^\$ \/bin\/bash -lc 'echo hi && echo there' exit 0\n {2}hi\n {2}there$/m);
    assert.equal(stdout, "Command finished. Output:\nhi\nthere\n");
  });

  it("prints JSON lines with --json: the turn, each event, the result", async () => {
    const { code, stdout } = await run({ prompt: "run: echo hi", json: true });
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as { type: string; event?: { kind: string; metadata: Record<string, unknown> }; result?: Record<string, unknown> });
    assert.deepEqual(lines[0], { type: "turn", prompt: "run: echo hi" });
    const command = lines.find((line) => line.event?.kind === "commandExecution");
    assert.equal(command?.event?.metadata.exitCode, 0);
    const last = lines.at(-1)!;
    assert.equal(last.type, "result");
    assert.equal(last.result?.assistantText, "Command finished. Output:\nhi");
    assert.equal(typeof last.result?.threadId, "string");
  });

  it("declines approvals when stdin is not a terminal, accepts them with --yes", async () => {
    const declined = await run({ prompt: "run: echo hi", approval: "untrusted" });
    assert.equal(declined.code, 0);
    assert.match(declined.stderr, /^\? decline command \/bin\/bash -lc 'echo hi' \(not asked: stdin is not a terminal; --yes accepts\)$/m);
    assert.match(declined.stderr, /^\$ \/bin\/bash -lc 'echo hi' declined$/m);
    const accepted = await run({ prompt: "run: echo hi", approval: "untrusted", yes: true });
    assert.match(accepted.stderr, /^\? accept command \/bin\/bash -lc 'echo hi'/m);
    assert.match(accepted.stderr, /^\$ \/bin\/bash -lc 'echo hi' exit 0$/m);
  });

  it("asks approvals on a terminal and follows the answer", async () => {
    const io = captureIo({ cwd: dir });
    for (const stream of [io.stdin, io.stderr]) Object.assign(stream, { isTTY: true });
    const answering = (async () => {
      while (!io.errors().includes("[c]ancel turn: ")) await new Promise((resolve) => setTimeout(resolve, 10));
      io.stdin.write("y\n");
    })();
    const { code, stdout, stderr } = await run({ prompt: "run: echo asked", approval: "untrusted" }, io);
    await answering;
    assert.equal(code, 0, stderr);
    assert.match(stderr, /\? Allow codex to run \/bin\/bash -lc 'echo asked' in \S+\? \[y\]es, \[a\]lways, \[N\]o, \[c\]ancel turn: /);
    assert.match(stderr, /^\$ \/bin\/bash -lc 'echo asked' exit 0$/m);
    assert.equal(stdout, "Command finished. Output:\nasked\n");
  });

  it("--interactive runs each line as a turn of the same conversation", async () => {
    const io = captureIo({ cwd: dir });
    io.stdin.end("first\n\nsecond\nexit\nnever sent\n");
    const { code, stdout } = await run({ interactive: true }, io);
    assert.equal(code, 0);
    assert.equal(stdout, "You said: first (turn 1)\nYou said: second (turn 2)\n");
  });

  it("--output-schema makes the answer JSON that fits the schema", async () => {
    const schema = path.join(dir, "schema.json");
    await writeFile(schema, JSON.stringify({ type: "object", properties: { verdict: { type: "string", enum: ["pass", "fail"] } }, required: ["verdict"], additionalProperties: false }));
    const { code, stdout } = await run({ prompt: "judge it", outputSchema: schema });
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), { verdict: "pass" });
  });

  it("exits 1 when the turn times out", async () => {
    const { code, stderr } = await run({ prompt: "run: sleep 5", timeoutSeconds: 1 });
    assert.equal(code, 1);
    assert.match(stderr, /✗ TURN_TIMEOUT The turn did not complete within 1 s/);
  });

  it("rejects bad input as usage errors before starting codex", async () => {
    await assert.rejects(run({}), UsageError);
    await assert.rejects(run({ prompt: "x", cwd: "/nonexistent/dir" }), /--cwd \/nonexistent\/dir is not a directory/);
    await assert.rejects(run({ prompt: "x", outputSchema: path.join(dir, "missing.json") }), /Cannot read the output schema/);
    const notJson = path.join(dir, "bad.json");
    await writeFile(notJson, "{nope");
    await assert.rejects(run({ prompt: "x", outputSchema: notJson }), /is not JSON/);
  });

  it("colours stderr with FORCE_COLOR unless NO_COLOR is set", async () => {
    const coloured = await run({ prompt: "run: echo hi" }, captureIo({ cwd: dir, env: { FORCE_COLOR: "1" } }));
    assert.match(coloured.stderr, /\x1b\[/);
    const plain = await run({ prompt: "run: echo hi" }, captureIo({ cwd: dir, env: { FORCE_COLOR: "1", NO_COLOR: "1" } }));
    assert.doesNotMatch(plain.stderr, /\x1b\[/);
  });

  it("runs against a recorded session replayed as the codex binary", async () => {
    const result = await runCli(["run", "--codex-bin", path.join(FIXTURES, "replay-codex.sh"), "Hello there"], {
      cwd: dir,
      env: cliEnv({ CODEX_RPC_REPLAY_TRANSCRIPT: path.join(FIXTURES, "session.jsonl"), CODEX_RPC_NODE: process.execPath }),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "You said: Hello there (turn 1)\n");
    assert.match(result.stderr, /thread 01a20759-e00a-7d71-8e1a-304b8b669a61/);
  });
});

describe("codex-rpc run: live progress, login, debug", { timeout: 120_000 }, () => {
  it("shows the running command live: a plain start line, output streamed under --verbose, progress in --json", async () => {
    const prompt = "run: for i in 1 2 3; do echo tick-$i; sleep 0.2; done";
    const plain = await run({ prompt, sandbox: "danger-full-access" });
    assert.equal(plain.code, 0, plain.stderr);
    const started = plain.stderr.indexOf("▸ $ /bin/bash -lc 'for i in 1 2 3");
    const completed = plain.stderr.search(/^\$ \/bin\/bash -lc 'for i in 1 2 3.*exit 0$/m);
    assert.ok(started >= 0 && completed > started, plain.stderr);

    const verbose = await run({ prompt, sandbox: "danger-full-access", verbose: true });
    assert.equal(verbose.code, 0, verbose.stderr);
    const streamedLine = verbose.stderr.indexOf("  tick-3\n");
    const header = verbose.stderr.search(/^\$ \/bin\/bash -lc 'for i in 1 2 3.*exit 0$/m);
    assert.ok(streamedLine >= 0 && header > streamedLine, `output streamed before the command's end line:\n${verbose.stderr}`);
    assert.equal(verbose.stderr.split("  tick-3\n").length, 2, `streamed output is not repeated:\n${verbose.stderr}`);
    assert.match(verbose.stderr, /tick-1/, "what codex did not stream is shown at the end");

    const json = await run({ prompt, sandbox: "danger-full-access", json: true });
    const types = json.stdout.trimEnd().split("\n").map((line) => {
      const chunk = JSON.parse(line) as { type: string; kind?: string; itemType?: string; event?: { kind: string } };
      return chunk.type === "progress" ? `progress:${chunk.kind}` : chunk.type === "itemStarted" ? `itemStarted:${chunk.itemType}` : chunk.event?.kind ?? chunk.type;
    });
    const first = types.indexOf("itemStarted:commandExecution");
    const output = types.indexOf("progress:commandOutput");
    const done = types.indexOf("commandExecution");
    assert.ok(first >= 0 && output > first && done > output, types.join());
  });

  it("without a login, says so at once (exit 3) instead of retrying the model until the deadline", async () => {
    const home = await createHermeticCodexHome({ modelBaseUrl: "http://127.0.0.1:1/v1" });
    try {
      // codex's default provider (OpenAI, which needs a login), with the remote features still off.
      const config = await readFile(path.join(home.codexHome, "config.toml"), "utf8");
      await writeFile(path.join(home.codexHome, "config.toml"), config.slice(config.indexOf("[features]")));
      const result = await runCli(["run", "--timeout", "300", "say hi"], { cwd: dir, env: cliEnv(home.env), timeoutMs: 60_000 });
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, /NOT_LOGGED_IN codex is not logged in.*`codex login`.*--offline/);
      assert.doesNotMatch(result.stderr, /Reconnecting/);
    } finally {
      await home.dispose();
    }
  });

  it("CODEX_RPC_DEBUG=all logs the backend's traffic and stderr, redacted", async () => {
    const secret = "sk-debuglogtest1234567890abcdef";
    const result = await runCli(["run", "--offline", `remember ${secret}`], { cwd: dir, env: cliEnv({ CODEX_RPC_DEBUG: "all" }) });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^codex-rpc\[backend \d+\] → \{"jsonrpc":"2\.0","id":0,"method":"initialize"/m);
    assert.match(result.stderr, /^codex-rpc\[backend \d+\] ← \{"id":0,"result":\{"userAgent"/m);
    assert.match(result.stderr, /^codex-rpc\[backend \d+\] → .*"method":"turn\/start".*\[REDACTED\]/m);
    assert.match(result.stderr, /^codex-rpc\[backend \d+\] stderr: /m);
    assert.ok(!result.stderr.includes(secret), "the secret never reaches the log");
    const quiet = await runCli(["run", "--offline", "hi"], { cwd: dir });
    assert.doesNotMatch(quiet.stderr, /codex-rpc\[backend/);
  });
});
