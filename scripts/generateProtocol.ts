/**
 * Regenerates `protocol/` from the pinned codex binary: the JSON schema of every app-server
 * message and the version it came from. Run with `npm run protocol:generate`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, cpSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveCodexBinary } from "../src/codex/resolveCodexBinary.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const target = path.join(root, "protocol");
const binary = resolveCodexBinary({}).path;
const version = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
// The stable protocol, and the one with experimental fields (dynamic tools need them).
const variants: [string, string[]][] = [
  ["json", []],
  ["json-experimental", ["--experimental"]],
];
mkdirSync(target, { recursive: true });
for (const [folder, flags] of variants) {
  const scratch = mkdtempSync(path.join(tmpdir(), "codex-rpc-protocol-"));
  try {
    execFileSync(binary, ["app-server", "generate-json-schema", ...flags, "--out", scratch], { stdio: "inherit" });
    rmSync(path.join(target, folder), { recursive: true, force: true });
    cpSync(scratch, path.join(target, folder), { recursive: true });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
writeFileSync(path.join(target, "VERSION"), `${version}\n`);
console.log(`protocol/ regenerated from ${binary} (${version})`);
