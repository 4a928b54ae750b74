/** The command surface: help for every subcommand, version, usage errors and their exit code. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { main } from "../../src/cli/main.ts";
import { captureIo, cliEnv, FIXTURES, MAIN, ROOT, runCli, TSX_LOADER } from "./cliHelpers.ts";

const SUBCOMMANDS = ["run", "tap", "show", "check", "replay"];
const version = (JSON.parse(readFileSync(`${ROOT}/package.json`, "utf8")) as { version: string }).version;

describe("codex-rpc command surface", () => {
  it("lists every subcommand in --help and exits 0", async () => {
    const io = captureIo();
    assert.equal(await main(["--help"], io), 0);
    for (const name of SUBCOMMANDS) assert.match(io.output(), new RegExp(`^  ${name} `, "m"), `${name} missing from --help`);
    assert.match(io.output(), /Exit codes \(every subcommand\):\n {2}0 {4}success\n {2}1 {4}the work failed/);
    assert.match(io.output(), /^ {2}3 {4}codex could not be started/m);
    assert.match(io.output(), /^ {2}130 {2}interrupted/m);
  });

  for (const name of SUBCOMMANDS) {
    it(`${name} --help describes its usage and exits 0`, async () => {
      const io = captureIo();
      assert.equal(await main([name, "--help"], io), 0);
      assert.match(io.output(), new RegExp(`^Usage: codex-rpc ${name} `, "m"));
      assert.match(io.output(), /--help/);
      assert.match(io.output(), /Exit codes \(every subcommand\)/, "the same table in every subcommand's help");
    });
  }

  it("--version prints the package version", async () => {
    const io = captureIo();
    assert.equal(await main(["--version"], io), 0);
    assert.equal(io.output().trim(), version);
  });

  it("an unknown command, option or bad option value is a usage error (exit 2)", async () => {
    for (const argv of [["bogus"], ["show", "--nope", "x"], ["run", "--approval", "sometimes", "hi"], ["check", "--timeout", "soon"], ["tap", "--", "true"]]) {
      const io = captureIo();
      assert.equal(await main(argv, io), 2, `codex-rpc ${argv.join(" ")}`);
      assert.match(io.errors(), /error:/, `codex-rpc ${argv.join(" ")} says why`);
    }
  });

  it("a missing input file is a usage error that names it", async () => {
    for (const name of ["show", "replay"]) {
      const io = captureIo();
      assert.equal(await main([name, "/nonexistent/transcript.jsonl"], io), 2);
      assert.match(io.errors(), /Cannot read the transcript \/nonexistent\/transcript\.jsonl/);
    }
  });

  it("runs as a program: the shebang entry point, exit codes and --version", async () => {
    const help = await runCli(["--version"]);
    assert.equal(help.code, 0);
    assert.equal(help.stdout.trim(), version);
    const usage = await runCli(["run"]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /run needs a prompt/);
    assert.ok(readFileSync(`${ROOT}/src/cli/main.ts`, "utf8").startsWith("#!/usr/bin/env node\n"));
  });

  it("reports an unknown tap option as unknown, and a missing --log as missing", async () => {
    for (const argv of [["tap", "--bogus"], ["tap", "--bogus", "--log", "/tmp/x.jsonl", "--", "true"]]) {
      const io = captureIo();
      assert.equal(await main(argv, io), 2, argv.join(" "));
      assert.match(io.errors(), /unknown option '--bogus'/, argv.join(" "));
      assert.doesNotMatch(io.errors(), /--log <file>' not specified/);
    }
    const io = captureIo();
    assert.equal(await main(["tap", "--", "true"], io), 2);
    assert.match(io.errors(), /tap needs --log FILE/);
  });

  it("a missing codex binary exits 3 in run and check alike, naming the flag", async () => {
    for (const argv of [["run", "--codex-bin", "/nonexistent/codex", "hi"], ["check", "--codex-bin", "/nonexistent/codex"]]) {
      const io = captureIo();
      assert.equal(await main(argv, io), 3, argv.join(" "));
      assert.match(io.errors(), /--codex-bin/, argv.join(" "));
      assert.doesNotMatch(io.errors(), /codexBin/, argv.join(" "));
    }
  });

  it("ends quietly with 0 when its output pipe is closed early (show | head)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-epipe-"));
    try {
      // Far more output than a pipe holds, so writes are still going on when the reader leaves.
      const line = readFileSync(path.join(FIXTURES, "session.jsonl"), "utf8");
      const big = path.join(dir, "big.jsonl");
      await writeFile(big, line.repeat(200));
      const child = spawn(process.execPath, ["--import", TSX_LOADER, MAIN, "show", "--width", "0", big], { env: cliEnv(), stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      child.stdout.once("data", () => child.stdout.destroy());
      const [code] = (await Promise.race([
        once(child, "close"),
        new Promise((_, reject) => setTimeout(() => reject(new Error("show did not end after its reader left")), 30_000).unref()),
      ])) as [number | null];
      assert.equal(stderr, "");
      assert.equal(code, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
