/**
 * Finds the codex binary to run: the `codexBin` option, then `CODEX_BIN`, then the bundled
 * `@openai/codex` package (its native binary directly, skipping the Node launcher), then `codex`
 * on PATH. A failure names every place it looked and how to fix it.
 */
import { accessSync, constants, existsSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { BackendStartError } from "../errors.ts";

/** Where the binary was found. */
export type CodexBinarySource = "option" | "CODEX_BIN" | "bundled-native" | "bundled-launcher" | "PATH";

/** A binary to spawn: the command, arguments that go before codex's own, and env it needs. */
export interface ResolvedCodexBinary {
  /** The executable to spawn. */
  readonly path: string;
  /** Arguments before codex's own (the launcher script when it runs through Node). */
  readonly prefixArgs: readonly string[];
  readonly source: CodexBinarySource;
  /** Variables the npm launcher would have set; added under the caller's environment. */
  readonly env: Readonly<Record<string, string>>;
}

/** Inputs of {@link resolveCodexBinary}. */
export interface ResolveCodexBinaryOptions {
  readonly codexBin?: string;
  /** Environment to read CODEX_BIN and PATH from (the child's: see {@link childEnvironment}); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The environment a backend's child gets, before the bundled launcher's variables: the caller's
 * (`parentEnv`, default process.env) with `env` over it, or only `env` when `inheritEnv` is
 * false. The binary is resolved from this same environment, so `CODEX_BIN` and `PATH` mean
 * what they mean to the child. A variable set to undefined in `env` is left out.
 */
export function childEnvironment(
  config: { readonly env?: Readonly<Record<string, string | undefined>>; readonly inheritEnv?: boolean },
  parentEnv: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...(config.inheritEnv === false ? {} : parentEnv), ...config.env };
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

const TARGET_TRIPLES: Readonly<Record<string, string>> = {
  "linux-x64": "x86_64-unknown-linux-musl",
  "linux-arm64": "aarch64-unknown-linux-musl",
  "android-x64": "x86_64-unknown-linux-musl",
  "android-arm64": "aarch64-unknown-linux-musl",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
  "win32-x64": "x86_64-pc-windows-msvc",
  "win32-arm64": "aarch64-pc-windows-msvc",
};

/** Resolves the codex binary; throws a BackendStartError listing every place tried. */
export function resolveCodexBinary(options: ResolveCodexBinaryOptions): ResolvedCodexBinary {
  const env = options.env ?? process.env;
  const tried: string[] = [];
  const explicit = options.codexBin ?? env.CODEX_BIN;
  if (explicit !== undefined && explicit !== "") {
    const source = options.codexBin !== undefined ? "option" : "CODEX_BIN";
    const found = isBareName(explicit) ? findOnPath(explicit, env) : executableOrUndefined(explicit);
    if (found) return { path: found, prefixArgs: [], source, env: {} };
    // An explicit choice that does not work is an error, not a reason to run another binary.
    throw new BackendStartError(
      `The codex binary given by ${source === "option" ? "the codexBin option" : "CODEX_BIN"} (${explicit}) ` +
        "does not exist or is not executable. Fix the path, or leave it unset to use the bundled @openai/codex.",
    );
  }
  tried.push("the codexBin option (not set)", "CODEX_BIN (not set)");

  const bundled = findBundled(tried);
  if (bundled) return bundled;

  const onPath = findOnPath(process.platform === "win32" ? "codex.exe" : "codex", env);
  if (onPath) return { path: onPath, prefixArgs: [], source: "PATH", env: {} };
  tried.push("`codex` on PATH (not found)");

  throw new BackendStartError(
    `No codex binary found. Looked at: ${tried.join("; ")}. ` +
      "Install it with `npm install @openai/codex@0.169.0`, or pass codexBin / set CODEX_BIN to its path.",
  );
}

/**
 * The bundled binary once found: an installed package does not move while a process runs, and
 * looking it up (module resolution, realpath, stats) costs more than the rest of a start-up's
 * client work. Misses are not kept, so a package installed later is still found.
 */
let bundledFound: ResolvedCodexBinary | undefined;

function findBundled(tried: string[]): ResolvedCodexBinary | undefined {
  bundledFound ??= lookUpBundled(tried);
  return bundledFound;
}

function lookUpBundled(tried: string[]): ResolvedCodexBinary | undefined {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve("@openai/codex/package.json");
  } catch {
    tried.push("the bundled @openai/codex package (not installed)");
    return undefined;
  }
  const packageRoot = realpathSync(path.dirname(packageJson));
  const launcherEnv = { CODEX_MANAGED_PACKAGE_ROOT: packageRoot, CODEX_MANAGED_BY_NPM: "1" };
  const triple = TARGET_TRIPLES[`${process.platform}-${process.arch}`];
  if (triple) {
    const platformPackage = `@openai/codex-${process.platform === "android" ? "linux" : process.platform}-${process.arch}`;
    const candidates: string[] = [];
    try {
      const platformJson = createRequire(packageJson).resolve(`${platformPackage}/package.json`);
      candidates.push(path.join(path.dirname(platformJson), "vendor", triple, "bin"));
    } catch {
      // Older layouts ship the vendor folder inside @openai/codex itself.
    }
    candidates.push(path.join(packageRoot, "vendor", triple, "bin"));
    for (const dir of candidates) {
      const native = executableOrUndefined(path.join(dir, process.platform === "win32" ? "codex.exe" : "codex"));
      if (native) return { path: native, prefixArgs: [], source: "bundled-native", env: launcherEnv };
      tried.push(`the native binary of ${platformPackage} (${dir}: not found)`);
    }
  }
  const launcher = path.join(packageRoot, "bin", "codex.js");
  if (existsSync(launcher)) {
    return { path: process.execPath, prefixArgs: [launcher], source: "bundled-launcher", env: {} };
  }
  tried.push(`the @openai/codex launcher (${launcher}: not found)`);
  return undefined;
}

function isBareName(command: string): boolean {
  return !command.includes("/") && !command.includes("\\");
}

function executableOrUndefined(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return undefined;
    if (process.platform !== "win32") accessSync(file, constants.X_OK);
    return path.resolve(file);
  } catch {
    return undefined;
  }
}

function findOnPath(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? "").split(path.delimiter).filter(Boolean);
  const extensions = process.platform === "win32" ? ["", ...(env.PATHEXT ?? ".EXE;.CMD").split(";")] : [""];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const found = executableOrUndefined(path.join(dir, name + extension));
      if (found) return found;
    }
  }
  return undefined;
}
