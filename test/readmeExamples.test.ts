/**
 * Every TypeScript example of the README is type-checked against the source (as `codex-rpc`,
 * `codex-rpc/testing`, `codex-rpc/replay`), and the ones that need no login are run: the
 * loopback-model example against the real binary, the replay example against a recording.
 * Fragments may use `factory`, `runner`, `config`, `savedThreadId` and `runTests` without
 * defining them; this test declares them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIR = path.join(ROOT, ".tmp", `readme-examples-${process.pid}`);

/** Names fragments use without defining, and how this test declares them. */
const FREE_NAMES: Readonly<Record<string, string>> = {
  factory: "declare const factory: Readme.CodexAgentSessionFactory;",
  runner: "declare const runner: Readme.CodexAgentRunner;",
  config: "declare const config: Readme.AgentConfig;",
  savedThreadId: "declare const savedThreadId: string;",
  runTests: "declare function runTests(): Promise<{ passed: boolean }>;",
};

interface Example {
  readonly line: number;
  readonly code: string;
}

function examples(): Example[] {
  const lines = readFileSync(path.join(ROOT, "README.md"), "utf8").split("\n");
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```ts") continue;
    const start = i + 1;
    while (i + 1 < lines.length && lines[i + 1] !== "```") i++;
    found.push({ line: start + 1, code: lines.slice(start, i + 1).join("\n") });
    i++;
  }
  return found;
}

/** The example as a module, with declarations for the free names it uses; the prelude has no line breaks so lines stay aligned. */
function moduleSource(example: Example): string {
  const declared = (name: string) => new RegExp(`\\b(const|let|using|function)\\s+${name}\\b|\\{[^}]*\\b${name}\\b[^}]*\\}\\s*=`).test(example.code);
  const used = Object.keys(FREE_NAMES).filter((name) => new RegExp(`\\b${name}\\b`).test(example.code) && !declared(name));
  const prelude = [
    used.length ? 'import type * as Readme from "codex-rpc";' : "",
    ...used.map((name) => FREE_NAMES[name]),
    "export {};",
  ].join(" ");
  return `${prelude}\n${example.code}\n`;
}

const fileOf = (index: number) => path.join(DIR, `example${index + 1}.ts`);

describe("README examples", () => {
  const all = examples();
  before(() => {
    mkdirSync(DIR, { recursive: true });
    all.forEach((example, index) => writeFileSync(fileOf(index), moduleSource(example)));
    const rel = (file: string) => path.relative(DIR, path.join(ROOT, file));
    writeFileSync(
      path.join(DIR, "tsconfig.json"),
      JSON.stringify({
        extends: rel("tsconfig.json"),
        compilerOptions: {
          noEmit: true,
          rootDir: rel("."),
          noUnusedLocals: false,
          paths: { "codex-rpc": [rel("src/index.ts")], "codex-rpc/testing": [rel("src/testing/index.ts")], "codex-rpc/replay": [rel("src/cli/replay.ts")] },
        },
        include: ["*.ts"],
      }),
    );
  });
  after(() => rmSync(DIR, { recursive: true, force: true }));

  it("finds the examples", () => {
    assert.ok(all.length >= 10, `only ${all.length} TypeScript examples found`);
  });

  it("every example type-checks against the source", () => {
    const tsc = spawnSync(process.execPath, [path.join(ROOT, "node_modules/typescript/lib/tsc.js"), "-p", DIR], { encoding: "utf8", timeout: 120_000 });
    // tsc names exampleN.ts(L,C); say which README line that is (the prelude is line 1).
    const explained = `${tsc.stdout}${tsc.stderr}`.replace(/example(\d+)\.ts\((\d+),(\d+)\)/g, (text, n: string, l: string) => `${text} [README.md line ${all[Number(n) - 1]!.line + Number(l) - 2}]`);
    assert.equal(tsc.status, 0, explained);
  });

  it("the loopback-model example runs against the real binary and prints what it says", () => {
    const index = all.findIndex((example) => example.code.includes("LoopbackModel.start("));
    assert.ok(index >= 0, "the example is in the README");
    const run = spawnSync(process.execPath, ["--import", "tsx", fileOf(index)], { cwd: DIR, encoding: "utf8", timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, "echo hi\n");
  });

  it("the replay example runs a recorded session behind a factory, with no process", () => {
    const index = all.findIndex((example) => example.code.includes("replayTranscript("));
    assert.ok(index >= 0, "the example is in the README");
    copyFileSync(path.join(ROOT, "test/fixtures/cli/session.jsonl"), path.join(DIR, "session.jsonl"));
    const run = spawnSync(process.execPath, ["--import", "tsx", fileOf(index)], { cwd: DIR, encoding: "utf8", timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, "You said: Hello there (turn 1)\n");
  });
});
