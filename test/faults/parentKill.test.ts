/**
 * A client that dies leaves no app-server behind: a small Node script starts a backend and
 * prints the app-server's pid, the test SIGKILLs the script (no close(), no exit handlers), and
 * the app-server must be gone within a few seconds (it exits on stdin EOF). With the real binary,
 * and with the fake app-server reached through an executable wrapper script as `codexBin`.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createHermeticCodexHome } from "../../src/testing/hermeticCodexHome.ts";
import { eventually, FAKE_APP_SERVER, processAlive, within } from "./faultHarness.ts";

const HOLD_BACKEND = fileURLToPath(new URL("../fixtures/faults/holdBackend.ts", import.meta.url));

/** Runs holdBackend.ts with `config`, SIGKILLs it once it reports the app-server's pid, and returns that pid. */
async function killParentHolding(config: { codexBin?: string; env: Record<string, string> }): Promise<number> {
  const parent = spawn(process.execPath, ["--import", "tsx", HOLD_BACKEND], {
    env: { ...process.env, HOLD_BACKEND_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  parent.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(parent, "exit");
  try {
    const lines = createInterface({ input: parent.stdout });
    const first = await within(30_000, "the script reporting the app-server pid", once(lines, "line").then(([line]) => String(line)));
    const { pid } = JSON.parse(first) as { pid: number };
    assert.equal(typeof pid, "number");
    assert.ok(processAlive(pid), "the app-server runs while its parent does");
    parent.kill("SIGKILL");
    const [, signal] = await within(5_000, "the script dying", exited);
    assert.equal(signal, "SIGKILL");
    return pid;
  } catch (error) {
    parent.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n--- script stderr ---\n${stderr}`, { cause: error });
  }
}

describe("a client killed with SIGKILL leaves no app-server behind", { timeout: 60_000 }, () => {
  it("the real codex app-server exits within 5 s of its parent's death", async () => {
    await using home = await createHermeticCodexHome({ modelBaseUrl: "http://127.0.0.1:9/v1" });
    const pid = await killParentHolding({ env: home.env });
    await eventually(5_000, `app-server ${pid} still running after its parent was killed`, () => !processAlive(pid));
  });

  it("the fake app-server, run through a wrapper script given as codexBin, exits within 5 s too", async () => {
    // A directory name with a space and a `;`: the wrapper is run directly, never through a shell.
    const dir = mkdtempSync(path.join(tmpdir(), "codex rpc;wrapper-"));
    try {
      const wrapper = path.join(dir, "codex");
      writeFileSync(wrapper, `#!/bin/sh\nexec '${process.execPath}' '${FAKE_APP_SERVER}' "$@"\n`);
      chmodSync(wrapper, 0o755);
      const pid = await killParentHolding({ codexBin: wrapper, env: { FAKE_APP_SERVER_SCENARIO: "" } });
      await eventually(5_000, `fake app-server ${pid} still running after its parent was killed`, () => !processAlive(pid));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
