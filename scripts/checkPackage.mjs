// Checks the package as a user gets it: builds, packs the tarball, installs it into a fresh
// temporary project (from npm's cache: --offline, else --prefer-offline), and fails when the
// install warns (EBADENGINE, deprecated...), when the tarball ships what dist/ never reads
// (protocol/json-experimental, source maps, sources), or when `npx codex-rpc --help` fails.
// Usage: node scripts/checkPackage.mjs [--keep]   (--keep leaves the temp project for a look)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const keep = process.argv.includes("--keep");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const work = mkdtempSync(path.join(tmpdir(), "codex-rpc-package-"));
const problems = [];

function run(command, args, cwd, env = {}) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false", ...env } });
  if (result.error) throw result.error;
  return result;
}

try {
  // A fresh dist/, so files of renamed sources are not shipped.
  rmSync(path.join(root, "dist"), { recursive: true, force: true });
  const packed = run(npm, ["pack", "--json", "--pack-destination", work], root);
  if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[")));
  const files = info.files.map((file) => file.path);
  const shipped = (pattern) => files.filter((file) => pattern.test(file));
  for (const [pattern, why] of [
    [/^protocol\/json-experimental\//, "protocol/json-experimental is never read by dist/"],
    [/\.map$/, "source maps name ../src files that are not shipped"],
    [/^src\//, "sources are not shipped"],
    [/^test\//, "tests are not shipped"],
  ]) {
    const found = shipped(pattern);
    if (found.length) problems.push(`the tarball holds ${found.length} file(s) like ${found[0]}: ${why}`);
  }
  for (const needed of ["dist/index.js", "dist/cli/main.js", "dist/testing/index.js", "protocol/json/ServerNotification.json", "protocol/VERSION", "protocol/stableClientRequests.schema.json"]) {
    if (!files.includes(needed)) problems.push(`the tarball lacks ${needed}`);
  }
  const tarball = path.join(work, info.filename);

  const project = path.join(work, "project");
  run("mkdir", ["-p", project], work);
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "fresh-project", version: "1.0.0", private: true, type: "module" }));
  const installArgs = ["install", tarball, "--no-audit", "--no-fund", "--omit=optional"];
  let install = run(npm, [...installArgs, "--offline"], project);
  let mode = "--offline";
  if (install.status !== 0) {
    install = run(npm, [...installArgs, "--prefer-offline"], project);
    mode = "--prefer-offline";
  }
  if (install.status !== 0) throw new Error(`npm install of the tarball failed (${mode}):\n${install.stderr}`);
  const warnings = install.stderr.split("\n").filter((line) => /\bwarn\b/i.test(line));
  if (warnings.length) problems.push(`npm install warned:\n  ${warnings.join("\n  ")}`);

  const help = run("npx", ["--no-install", "codex-rpc", "--help"], project);
  if (help.status !== 0 || !/Usage: codex-rpc/.test(help.stdout)) problems.push(`npx codex-rpc --help failed (exit ${help.status}):\n${help.stderr}`);
  const imported = run(process.execPath, ["--input-type=module", "-e", 'const m = await import("codex-rpc"); const t = await import("codex-rpc/testing"); if (typeof m.CodexAgentSessionFactory !== "function" || typeof t.LoopbackModel !== "function") process.exit(1);'], project);
  if (imported.status !== 0) problems.push(`importing codex-rpc and codex-rpc/testing failed:\n${imported.stderr}`);

  const unpacked = folderBytes(path.join(project, "node_modules", "codex-rpc"));
  console.log(`tarball ${info.filename}: ${info.files.length} files, ${(info.size / 1e6).toFixed(2)} MB packed, ${(unpacked / 1e6).toFixed(2)} MB unpacked`);
  console.log(`installed into a fresh project with ${mode}: ${warnings.length} warning(s); npx codex-rpc --help: exit ${help.status}`);
} catch (error) {
  problems.push(error instanceof Error ? error.message : String(error));
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
if (problems.length) {
  console.error(`package check FAILED:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log("package check ok");

function folderBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(full) : statSync(full).size;
  }
  return total;
}
