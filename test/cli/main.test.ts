/** The command surface: help for every subcommand, version, usage errors and their exit code. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { main } from "../../src/cli/main.ts";
import { captureIo, ROOT, runCli } from "./cliHelpers.ts";

const SUBCOMMANDS = ["run", "tap", "show", "check", "replay"];
const version = (JSON.parse(readFileSync(`${ROOT}/package.json`, "utf8")) as { version: string }).version;

describe("codex-rpc command surface", () => {
  it("lists every subcommand in --help and exits 0", async () => {
    const io = captureIo();
    assert.equal(await main(["--help"], io), 0);
    for (const name of SUBCOMMANDS) assert.match(io.output(), new RegExp(`^  ${name} `, "m"), `${name} missing from --help`);
    assert.match(io.output(), /Exit codes: 0 success, 1 failure/);
  });

  for (const name of SUBCOMMANDS) {
    it(`${name} --help describes its usage and exits 0`, async () => {
      const io = captureIo();
      assert.equal(await main([name, "--help"], io), 0);
      assert.match(io.output(), new RegExp(`^Usage: codex-rpc ${name} `, "m"));
      assert.match(io.output(), /--help/);
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
});
