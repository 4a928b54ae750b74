/**
 * The layer boundaries of DESIGN.md, read from the import lines of src/: a test fails when one
 * is crossed.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../src");

function filesOf(dir: string): string[] {
  return readdirSync(path.join(src, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    return entry.isDirectory() ? filesOf(rel) : entry.name.endsWith(".ts") ? [rel] : [];
  });
}

/** Every module specifier a file imports or re-exports: ours as "layer" names, others as given. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(src, file), "utf8");
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/g)].map((m) => m[1]!);
  specifiers.push(...[...text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!));
  return specifiers.map((specifier) => {
    if (!specifier.startsWith(".")) return specifier;
    const target = path.relative(src, path.resolve(path.dirname(path.join(src, file)), specifier));
    if (target.startsWith("callbacks")) return "callbacks";
    return target.startsWith("errors") ? "errors" : target === "index.ts" ? "index" : target.split(path.sep)[0]!;
  });
}

const RULES: Record<string, { ours: string[]; packages: RegExp }> = {
  transport: { ours: ["transport", "errors", "callbacks"], packages: /^(node:.*|cross-spawn|ws|vscode-jsonrpc(\/node)?)$/ },
  protocol: { ours: ["protocol", "errors", "callbacks"], packages: /^(zod|ajv|vscode-jsonrpc(\/node)?)$/ },
  agent: { ours: ["agent", "errors", "callbacks"], packages: /^$/ },
  // @opentelemetry/api: types only (codex/tracing.ts loads it on demand; see test/codex/tracing.test.ts).
  codex: { ours: ["codex", "agent", "protocol", "transport", "errors", "callbacks"], packages: /^(node:(fs|path|module|os)|vscode-jsonrpc(\/node)?|zod|jose|@opentelemetry\/api)$/ },
  // testing/ uses codex/'s input checks, so the fake refuses exactly what the adapter refuses;
  // node:child_process: startListeningAppServer runs a codex app-server for tests to connect to.
  testing: { ours: ["testing", "agent", "codex", "errors", "callbacks"], packages: /^node:.*$/ },
  cli: { ours: ["cli", "index", "protocol", "testing"], packages: /.*/ },
};

const OUR_MODULES = new Set([...Object.keys(RULES), "errors", "callbacks", "index"]);

describe("layer boundaries", () => {
  for (const [layer, rule] of Object.entries(RULES)) {
    it(`${layer}/ imports only what DESIGN.md allows`, () => {
      const files = (() => {
        try {
          return filesOf(layer);
        } catch {
          return [];
        }
      })();
      const violations = files.flatMap((file) =>
        importsOf(file)
          .filter((name) => (OUR_MODULES.has(name) ? !rule.ours.includes(name) : !rule.packages.test(name)))
          .map((name) => `${file} imports ${name}`),
      );
      assert.deepEqual(violations, []);
    });
  }

  it("errors.ts imports nothing", () => {
    assert.deepEqual(importsOf("errors.ts"), []);
  });

  it("callbacks.ts imports nothing", () => {
    assert.deepEqual(importsOf("callbacks.ts"), []);
  });

  it("the rule check itself catches a crossing", () => {
    const rule = RULES.transport!;
    assert.equal(rule.ours.includes("protocol"), false);
    assert.equal(rule.packages.test("zod"), false);
    assert.equal(RULES.protocol!.packages.test("node:child_process"), false);
    assert.equal(RULES.protocol!.packages.test("cross-spawn"), false);
  });
});
