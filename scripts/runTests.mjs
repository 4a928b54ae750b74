// Runs the test suite: every test/**/*.test.ts file (Node 20's test runner does not expand
// globs itself), through tsx. Arguments filter files by substring: `npm test -- transport`.
// A full run (no filters) ends with VERSION_SUITE against every other supported codex version,
// so CI holds the integration suite to each of them. `--versions` (`npm run test:versions`) instead runs VERSION_SUITE
// (or the filtered files) once per supported codex version, with CODEX_BIN set to its binary.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const versionsMode = args.includes("--versions");
const filters = args.filter((arg) => !arg.startsWith("-"));
const flags = args.filter((arg) => arg.startsWith("-") && arg !== "--versions");

/** What `--versions` runs against each supported binary. */
const VERSION_SUITE = ["test/integration/", "test/cli/check"];

function collect(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "fixtures" ? [] : collect(full);
    return entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

const allFiles = collect(path.join(root, "test"))
  .map((file) => path.relative(root, file))
  .sort();

function select(wanted) {
  return allFiles.filter((file) => wanted.length === 0 || wanted.some((filter) => file.includes(filter)));
}

function runFiles(files, env = process.env) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...flags, ...files], {
    cwd: root,
    stdio: "inherit",
    env,
  });
  return result.status ?? 1;
}

/**
 * The supported versions (src/codex/supportedVersions.ts) with the native binary of each: the dev
 * dependency whose spec is that version of @openai/codex (`"@openai/codex": "0.169.0"`,
 * `"codex-0171": "npm:@openai/codex@0.171.0"`), resolved from its package, never a fixed path.
 */
function supportedBinaries() {
  const source = readFileSync(path.join(root, "src/codex/supportedVersions.ts"), "utf8");
  const list = /SUPPORTED_CODEX_VERSIONS = \[([^\]]*)\]/.exec(source)?.[1] ?? "";
  const versions = [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  const { devDependencies = {} } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  const pinned = readFileSync(path.join(root, "protocol/VERSION"), "utf8").trim().split(/\s+/).pop();
  return versions.map((version) => {
    const name = Object.keys(devDependencies).find((dep) => {
      const spec = devDependencies[dep];
      return (dep === "@openai/codex" && spec === version) || spec === `npm:@openai/codex@${version}`;
    });
    if (!name) throw new Error(`No dev dependency installs @openai/codex ${version}; add one (an npm alias) or drop the version from supportedVersions.ts.`);
    return { version, pinned: version === pinned, binary: nativeBinary(name) };
  });
}

const TRIPLES = {
  "linux-x64": "x86_64-unknown-linux-musl",
  "linux-arm64": "aarch64-unknown-linux-musl",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
  "win32-x64": "x86_64-pc-windows-msvc",
  "win32-arm64": "aarch64-pc-windows-msvc",
};

function nativeBinary(packageName) {
  const platform = `${process.platform}-${process.arch}`;
  const fromRoot = createRequire(path.join(root, "package.json"));
  const launcher = fromRoot.resolve(`${packageName}/package.json`);
  const platformPackage = createRequire(launcher).resolve(`@openai/codex-${platform}/package.json`);
  return path.join(path.dirname(platformPackage), "vendor", TRIPLES[platform], "bin", process.platform === "win32" ? "codex.exe" : "codex");
}

function runAgainst({ version, binary }, files) {
  console.log(`\n# codex ${version}: ${files.length} test files with CODEX_BIN=${binary}\n`);
  return runFiles(files, { ...process.env, CODEX_BIN: binary });
}

if (versionsMode) {
  const files = select(filters.length ? filters : VERSION_SUITE);
  let status = 0;
  for (const target of supportedBinaries()) status ||= runAgainst(target, files);
  process.exit(status);
}

const files = select(filters);
if (files.length === 0) {
  console.error(`No test files match ${filters.join(", ")}.`);
  process.exit(1);
}
let status = runFiles(files);
if (status === 0 && filters.length === 0) {
  for (const target of supportedBinaries().filter((t) => !t.pinned)) status ||= runAgainst(target, select(VERSION_SUITE));
}
process.exit(status);
