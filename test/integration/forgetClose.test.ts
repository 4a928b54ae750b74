/**
 * A script that forgets `close()` still exits: while no request or turn is pending, the
 * backend's process and pipes do not keep the event loop alive; the app-server then sees its
 * stdin close and exits too.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { rm } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { processAlive } from "../helpers/realCodex.ts";

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/lifecycle/forgetClose.ts");
const DEADLINE_MS = 60_000;

describe("a script that forgets close()", () => {
  it("exits by itself after its turns, and leaves no app-server behind", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPT], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), DEADLINE_MS);
    const [code, signal] = (await once(child, "close")) as [number | null, string | null];
    clearTimeout(timer);
    const home = stderr.trim().split("\n").at(-1);
    if (home?.includes("codex-rpc-home-")) await rm(home, { recursive: true, force: true });
    assert.equal(signal, null, `the script did not exit within ${DEADLINE_MS} ms (killed)\n${stderr}`);
    assert.equal(code, 0, stderr);
    const { answers, pid } = JSON.parse(stdout) as { answers: string[]; pid: number };
    assert.deepEqual(answers, ["You said: hi (turn 1)", "You said: again (turn 2)"]);
    const gone = Date.now() + 10_000;
    while (processAlive(pid) && Date.now() < gone) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(processAlive(pid), false, "the app-server exited when its stdin closed");
  });
});
