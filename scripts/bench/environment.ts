/**
 * What every side of the benchmark shares: the pinned codex binary, the built-in model on
 * 127.0.0.1 (in its own process), one hermetic HOME and CODEX_HOME pointing at it, and the
 * child environment codex-rpc would compute, given as is to the floor and the SDK.
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveCodexBinary, type ResolvedCodexBinary } from "../../src/index.ts";
import { createHermeticCodexHome, type HermeticCodexHome } from "../../src/testing/index.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository's root. */
export const ROOT = path.resolve(here, "../..");

/** The shared environment; see the module comment. */
export interface BenchEnvironment {
  readonly binary: ResolvedCodexBinary;
  readonly home: HermeticCodexHome;
  /** The working directory of every conversation. */
  readonly workDir: string;
  /** The variables codex-rpc lays over the inherited environment (CodexBackendConfig.env). */
  readonly backendEnv: Readonly<Record<string, string>>;
  /** The whole environment of a codex child, as codex-rpc computes it: binary's, inherited, hermetic. */
  readonly childEnv: Readonly<Record<string, string>>;
  readonly modelBaseUrl: string;
  readonly modelPid: number;
  readonly machine: MachineInfo;
  close(): Promise<void>;
}

/** Where the benchmark ran. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly codex: string;
  readonly sdk: string;
  readonly date: string;
}

/** Starts the model process and writes the hermetic home. */
export async function createBenchEnvironment(): Promise<BenchEnvironment> {
  const binary = resolveCodexBinary({});
  const model: ChildProcess = fork(path.join(here, "modelServer.ts"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const [hello] = (await once(model, "message")) as [{ baseUrl: string }];
  const home = await createHermeticCodexHome({ modelBaseUrl: hello.baseUrl });
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...binary.env, ...process.env, ...home.env })) if (value !== undefined) childEnv[key] = value;
  const sdkPackage = JSON.parse(readFileSync(path.join(ROOT, "node_modules/@openai/codex-sdk/package.json"), "utf8")) as { version: string };
  const machine: MachineInfo = {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown cpu",
    cores: os.cpus().length,
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    codex: execFileSync(binary.path, ["--version"], { encoding: "utf8", env: childEnv, stdio: ["ignore", "pipe", "ignore"] }).trim(),
    sdk: `@openai/codex-sdk ${sdkPackage.version}`,
    date: new Date().toISOString(),
  };
  return {
    binary,
    home,
    workDir: home.workDir,
    backendEnv: home.env,
    childEnv,
    modelBaseUrl: hello.baseUrl,
    modelPid: model.pid!,
    machine,
    async close() {
      const exited = once(model, "exit");
      model.disconnect();
      await exited;
      await home.dispose();
    },
  };
}
