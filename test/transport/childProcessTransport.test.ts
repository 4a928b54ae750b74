/** The child process transport, against a small fixture server run with the current node. */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Message } from "vscode-jsonrpc/node";
import { startChildProcess, type ChildProcessTransport, type ChildProcessTransportOptions } from "../../src/transport/childProcessTransport.ts";

const ECHO_SERVER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/transport/echoServer.mjs");

type Received = Message & { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown };

/** Starts the fixture with `flags`; `next(predicate)` waits for the first message (seen or future) that matches. */
function startEcho(flags: readonly string[] = [], options: Partial<ChildProcessTransportOptions> = {}) {
  const transport = startChildProcess({ command: process.execPath, args: [ECHO_SERVER, ...flags], ...options });
  const messages: Received[] = [];
  const waiters: { predicate: (message: Received) => boolean; resolve: (message: Received) => void }[] = [];
  transport.reader.listen((message) => {
    messages.push(message as Received);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message as Received)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message as Received);
      }
    }
  });
  const next = (predicate: (message: Received) => boolean): Promise<Received> => {
    const seen = messages.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ predicate, resolve }));
  };
  const ready = next((message) => message.method === "ready");
  return { transport, messages, next, ready };
}

const started: ChildProcessTransport[] = [];
// Every test closes what it starts; this only stops children left behind by a failed test.
after(() => {
  for (const transport of started) {
    if (transport.exitInfo || transport.pid === undefined) continue;
    try {
      process.kill(transport.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});
function track<T extends { transport: ChildProcessTransport }>(run: T): T {
  started.push(run.transport);
  return run;
}

/** Each test waits on events; the timeout only turns a hang into a failure. */
const TIMEOUT = { timeout: 10_000 };

describe("startChildProcess", () => {
  it("round-trips messages through the writer and the reader", TIMEOUT, async () => {
    const { transport, next, ready } = track(startEcho());
    assert.equal(typeof transport.pid, "number");
    await ready;
    const sent = { jsonrpc: "2.0", id: 1, method: "echo/me", params: { text: "héllo\u2028😀" } } as Message;
    await transport.writer.write(sent);
    assert.deepEqual(await next((message) => message.id === 1), sent);
    const exit = await transport.close();
    assert.deepEqual({ exitCode: exit.exitCode, signal: exit.signal }, { exitCode: 0, signal: null });
    assert.match(exit.stderrTail, /echoServer: stdin ended/, "the child saw end of input: close began by ending stdin");
    assert.equal(transport.exitInfo, exit);
  });

  it("passes the child exactly the environment it is given", TIMEOUT, async () => {
    const env = { CODEX_RPC_ONLY: "yes", WITH_SPACES: "a b; c", LEFT_OUT: undefined };
    const { transport, next, ready } = track(startEcho([], { env }));
    await ready;
    await transport.writer.write({ jsonrpc: "2.0", id: 2, method: "env" } as Message);
    const reply = await next((message) => message.id === 2);
    assert.deepEqual(reply.result, { CODEX_RPC_ONLY: "yes", WITH_SPACES: "a b; c" });
    await transport.close();
  });

  it("keeps a bounded stderr tail with colour codes stripped, starting at a line boundary", TIMEOUT, async () => {
    const lines: string[] = [];
    const { transport, ready } = track(startEcho(["--stderr-lines=2000"], { stderrTailBytes: 1024, onStderrLine: (line) => lines.push(line) }));
    await ready;
    const exit = await transport.close();
    const tail = exit.stderrTail;
    assert.ok(Buffer.byteLength(tail) <= 1024, `tail is ${Buffer.byteLength(tail)} bytes`);
    assert.ok(Buffer.byteLength(tail) > 900, "the tail is not needlessly short");
    assert.doesNotMatch(tail, /\x1b/);
    assert.match(tail, /^2025-01-01T00:00:00Z  INFO line \d+ of 2000\n/, "the tail starts with a whole line");
    assert.match(tail, /line 1999 of 2000\n/);
    assert.match(tail, /echoServer: stdin ended\n$/, JSON.stringify({ ...exit, stderrTail: tail.slice(-100) }));
    assert.equal(lines[0], "2025-01-01T00:00:00Z  INFO line 0 of 2000", "onStderrLine sees every line, stripped");
    assert.equal(lines.length, 2002, "2000 lines, then started and stdin ended");
  });

  it("reports an exit code and the stderr of a child that fails", TIMEOUT, async () => {
    const { transport } = track(startEcho(["--fail"]));
    const exit = await transport.exited;
    assert.equal(exit.exitCode, 3);
    assert.equal(exit.signal, null);
    assert.match(exit.stderrTail, /^ERROR echoServer: told to fail\n$/);
    assert.equal(await transport.close(), exit, "close after exit returns the same info");
  });

  it("reads a 10 MB line from the child", TIMEOUT, async () => {
    const size = 10 * 1024 * 1024;
    const { transport, next } = track(startEcho([`--big-line=${size}`]));
    const big = await next((message) => message.method === "big");
    assert.equal((big.params?.data as string).length, size);
    assert.match((big.params?.data as string).slice(0, 3), /^x{3}$/);
    await transport.close();
  });

  it("sends SIGTERM to a child that ignores end of input", TIMEOUT, async () => {
    const { transport, ready } = track(startEcho(["--ignore-eof"]));
    await ready;
    const exit = await transport.close({ graceMs: 200, termGraceMs: 5000 });
    assert.equal(exit.signal, "SIGTERM");
    assert.equal(exit.exitCode, null);
    assert.match(exit.stderrTail, /stdin ended/);
  });

  it("sends SIGKILL to a child that ignores end of input and SIGTERM", TIMEOUT, async () => {
    const { transport, ready } = track(startEcho(["--ignore-eof", "--ignore-sigterm"]));
    await ready;
    const exit = await transport.close({ graceMs: 200, termGraceMs: 300 });
    assert.equal(exit.signal, "SIGKILL");
    assert.match(exit.stderrTail, /stdin ended\n/);
    assert.match(exit.stderrTail, /ignoring SIGTERM/, "SIGTERM came first");
  });

  it("shares one close between concurrent and later calls", TIMEOUT, async () => {
    const { transport, ready } = track(startEcho(["--ignore-eof"]));
    await ready;
    const [first, second] = await Promise.all([transport.close({ graceMs: 100 }), transport.close({ graceMs: 60_000 })]);
    assert.equal(first, second);
    assert.equal(await transport.close(), first);
    assert.equal(await transport.exited, first);
    assert.equal(first.signal, "SIGTERM");
  });

  it("does not throw for a command that does not exist", TIMEOUT, async () => {
    const missing = path.join(tmpdir(), "codex-rpc-no-such-binary", "codex");
    let transport: ChildProcessTransport | undefined;
    assert.doesNotThrow(() => {
      transport = startChildProcess({ command: missing, args: ["app-server"] });
    });
    const exit = await transport!.exited;
    assert.deepEqual({ exitCode: exit.exitCode, signal: exit.signal }, { exitCode: null, signal: null });
    assert.equal((transport!.spawnError as NodeJS.ErrnoException | undefined)?.code, "ENOENT");
    assert.match(exit.stderrTail, /ENOENT/);
    assert.equal(transport!.pid, undefined);
    await assert.rejects(transport!.writer.write({ jsonrpc: "2.0", method: "x" } as Message));
    assert.equal(await transport!.close(), exit);
  });

  it("turns a spawn that throws into spawnError", TIMEOUT, async () => {
    const transport = startChildProcess({
      command: "anything",
      args: [],
      spawn: () => {
        throw new Error("spawn EINVAL");
      },
    });
    const exit = await transport.exited;
    assert.equal(transport.spawnError?.message, "spawn EINVAL");
    assert.match(exit.stderrTail, /spawn EINVAL/);
    assert.equal(await transport.close(), exit);
  });

  it("runs a command whose path has spaces and shell metacharacters, and nothing else", TIMEOUT, async () => {
    const root = mkdtempSync(path.join(tmpdir(), "codex-rpc-transport-"));
    try {
      const dir = path.join(root, "a b; touch PWNED");
      mkdirSync(dir);
      const command = path.join(dir, "node $(touch PWNED2) `touch PWNED3` & touch PWNED4");
      symlinkSync(process.execPath, command);
      const script = path.join(dir, "echo server; touch PWNED5.mjs");
      copyFileSync(ECHO_SERVER, script);
      const transport = startChildProcess({ command, args: [script, "--x; touch PWNED6"], cwd: root });
      started.push(transport);
      const messages: Received[] = [];
      const echoed = new Promise<void>((resolve) =>
        transport.reader.listen((message) => {
          messages.push(message as Received);
          if ((message as Received).id === 9) resolve();
        }),
      );
      await transport.writer.write({ jsonrpc: "2.0", id: 9, method: "ping" } as Message);
      await echoed;
      assert.equal(messages[0]?.method, "ready");
      const exit = await transport.close();
      assert.equal(exit.exitCode, 0);
      for (const where of [root, dir, process.cwd()]) {
        assert.deepEqual(
          readdirSync(where).filter((name) => name.startsWith("PWNED")),
          [],
          `no PWNED file in ${where}`,
        );
      }
      assert.ok(!existsSync(path.join(root, "PWNED")));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("resolves exited even when a grandchild keeps the child's stdio open", TIMEOUT, async () => {
    const { transport, next } = track(startEcho(["--hold-stdio"]));
    const grandchild = await next((message) => message.method === "grandchild");
    try {
      const exit = await transport.exited;
      assert.equal(exit.exitCode, 0);
    } finally {
      try {
        process.kill(grandchild.params?.pid as number, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
});
