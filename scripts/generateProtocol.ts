/**
 * Regenerates `protocol/` from the pinned codex binary: the JSON schema of every app-server
 * message and the version it came from; then what `backend.request()` is built on: the types of
 * every stable client request (src/protocol/generated/stableClientRequestTypes.ts) and the trimmed
 * schema its results are validated against at run time (protocol/stableClientRequests.schema.json).
 * Run with `npm run protocol:generate`; `-- --derived-only` redoes only the second step from the
 * committed protocol/json (no binary needed).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveCodexBinary } from "../src/codex/resolveCodexBinary.ts";
import { buildClientRequestArtifacts } from "./clientRequestArtifacts.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const target = path.join(root, "protocol");

/** Where the derived files go (a test compares them with a fresh build). */
export const DERIVED_FILES = {
  types: path.join(root, "src/protocol/generated/stableClientRequestTypes.ts"),
  schema: path.join(target, "stableClientRequests.schema.json"),
} as const;

/** Writes the derived files from protocol/json and protocol/VERSION. */
export function writeDerived(): void {
  const version = /(\d+\.\d+\.\d+\S*)/.exec(readFileSync(path.join(target, "VERSION"), "utf8"))?.[1] ?? "unknown";
  const artifacts = buildClientRequestArtifacts(path.join(target, "json"), version);
  mkdirSync(path.dirname(DERIVED_FILES.types), { recursive: true });
  writeFileSync(DERIVED_FILES.types, artifacts.typesSource);
  writeFileSync(DERIVED_FILES.schema, `${JSON.stringify(artifacts.schema)}\n`);
  console.log(`${artifacts.methods.length} stable client requests typed (${path.relative(root, DERIVED_FILES.types)}, ${path.relative(root, DERIVED_FILES.schema)})`);
}

function regenerateFromBinary(): void {
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
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes("--derived-only")) regenerateFromBinary();
  writeDerived();
}
