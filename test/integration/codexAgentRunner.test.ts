/**
 * The Codex adapter end to end: the real codex binary (the pinned @openai/codex) against the
 * project's Responses-API model on 127.0.0.1, in a hermetic HOME and CODEX_HOME.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AgentError, BackendExitedError, TurnFailedError } from "../../src/errors.ts";
import { defaultResponder, type LoopbackModelResponder } from "../../src/testing/loopbackModel.ts";
import { processAlive, startRealCodex, type RealCodex } from "../helpers/realCodex.ts";

const isCode = (code: string) => (error: unknown) => {
  assert.ok(error instanceof AgentError, `expected an AgentError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return true;
};

describe("CodexAgentRunner against the real binary", () => {
  let codex: RealCodex;
  // Each test installs the responder it needs; the default echoes the prompt.
  let respond: LoopbackModelResponder = defaultResponder;
  before(async () => {
    codex = await startRealCodex({ respond: (request) => respond(request) });
  });
  after(async () => {
    await codex?.dispose();
  });
  const use = (responder: LoopbackModelResponder) => {
    respond = responder;
  };

  it("runs a turn and returns the final text and events", async () => {
    use(defaultResponder);
    const runner = await codex.runner();
    const result = await runner.turn("hello");
    assert.equal(result.assistantText, "You said: hello (turn 1)");
    const kinds = result.events.map((event) => event.kind);
    assert.ok(kinds.includes("agentMessage"), kinds.join());
    assert.ok(kinds.includes("tokenUsage"), kinds.join());
    assert.match(runner.threadId ?? "", /^[0-9a-f-]{36}$/);
  });

  it("continues the conversation on the second turn (the model sees the first)", async () => {
    use(defaultResponder);
    const runner = await codex.runner();
    await runner.turn("remember the word avocado");
    const before = codex.model.requests.length;
    const second = await runner.turn("which word?");
    assert.equal(second.assistantText, "You said: which word? (turn 2)");
    const request = codex.model.requests[before]!;
    assert.deepEqual(request.userTexts, ["remember the word avocado", "which word?"]);
  });

  it("runs eight conversations at once on one backend, each getting its own answer", async () => {
    use(defaultResponder);
    const pid = codex.factory.backend.pid;
    const runners = await Promise.all(Array.from({ length: 8 }, () => codex.runner()));
    const results = await Promise.all(runners.map((runner, i) => runner.turn(`runner number ${i}`)));
    results.forEach((result, i) => assert.equal(result.assistantText, `You said: runner number ${i} (turn 1)`));
    assert.equal(new Set(runners.map((r) => r.threadId)).size, 8);
    assert.equal(codex.factory.backend.pid, pid, "one backend process for all");
  });

  it("rejects a second turn on a busy runner at once, and a timeout interrupts so a repair turn works", async () => {
    use((request) => (request.lastUserText === "hang" ? { type: "hang" } : defaultResponder(request)));
    const runner = await codex.runner();
    const started = performance.now();
    const hanging = runner.turn("hang", { timeoutSeconds: 1.5 });
    await assert.rejects(runner.turn("meanwhile"), isCode("RUNNER_BUSY"));
    await assert.rejects(hanging, isCode("TURN_TIMEOUT"));
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 1400 && elapsed < 8000, `timed out after ${elapsed} ms`);
    const repair = await runner.turn("repair please", { timeoutSeconds: 30 });
    assert.equal(repair.assistantText, "You said: repair please (turn 2)");
  });

  it("an aborted signal interrupts the turn with ABORTED and the runner goes on", async () => {
    use((request) => (request.lastUserText === "hang" ? { type: "hang" } : defaultResponder(request)));
    const runner = await codex.runner();
    const controller = new AbortController();
    const requests = codex.model.requests.length;
    const turn = runner.turn("hang", { signal: controller.signal });
    await codex.model.waitForRequests(requests + 1);
    controller.abort();
    await assert.rejects(turn, isCode("ABORTED"));
    assert.equal((await runner.turn("next")).assistantText, "You said: next (turn 2)");
  });

  it("a failed turn rejects with TURN_FAILED carrying the server's message", async () => {
    use(() => ({ type: "fail", code: "server_error", message: "the model fell over" }));
    const runner = await codex.runner();
    await assert.rejects(runner.turn("anything"), (error: unknown) => {
      assert.ok(error instanceof TurnFailedError, String(error));
      assert.equal(error.code, "TURN_FAILED");
      assert.match(error.message, /fell over/);
      return true;
    });
    use(defaultResponder);
    assert.equal((await runner.turn("again")).assistantText, "You said: again (turn 2)");
  });

  it("reports a shell command with its metadata", async () => {
    use(defaultResponder);
    const runner = await codex.runner({ sandbox: "danger-full-access" });
    const result = await runner.turn("run: echo codex-rpc-was-here");
    const command = result.events.find((event) => event.kind === "commandExecution");
    assert.ok(command, JSON.stringify(result.events));
    assert.equal(command.metadata.exitCode, 0);
    assert.equal(command.metadata.status, "completed");
    assert.equal(command.metadata.cwd, codex.home.workDir);
    assert.match(String(command.metadata.command), /echo codex-rpc-was-here/);
    assert.match(String(command.metadata.output), /codex-rpc-was-here/);
    assert.equal(typeof command.metadata.durationMs, "number");
    assert.match(result.assistantText, /codex-rpc-was-here/);
  });

  it("sends outputSchema with that turn only", async () => {
    use(defaultResponder);
    const runner = await codex.runner();
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
    const first = codex.model.requests.length;
    const structured = await runner.turn("give me json", { outputSchema: schema });
    assert.deepEqual(JSON.parse(structured.assistantText), { answer: "example" });
    assert.deepEqual(codex.model.requests[first]!.outputSchema, schema);
    const second = codex.model.requests.length;
    await runner.turn("plain text now");
    assert.equal(codex.model.requests[second]!.outputSchema, undefined);
  });

  it("declines approvals by default without hanging, and a handler can accept", async () => {
    use(defaultResponder);
    const declined = await (await codex.runner({ approvalMode: "untrusted", sandbox: "danger-full-access" })).turn("run: echo should-not-run", { timeoutSeconds: 30 });
    const approval = declined.events.find((event) => event.kind === "approval");
    assert.ok(approval, JSON.stringify(declined.events));
    assert.equal(approval.metadata.decision, "decline");
    assert.equal(approval.metadata.decidedBy, "default");
    const command = declined.events.find((event) => event.kind === "commandExecution");
    assert.equal(command?.metadata.status, "declined");

    const asked: string[] = [];
    const accepting = await codex.runner(
      { approvalMode: "untrusted", sandbox: "danger-full-access" },
      {
        approvals: (request) => {
          asked.push(`${request.kind}: ${request.command}`);
          return "accept";
        },
      },
    );
    const accepted = await accepting.turn("run: echo approved-run", { timeoutSeconds: 30 });
    assert.equal(asked.length, 1);
    assert.match(asked[0]!, /commandExecution: .*echo approved-run/);
    const acceptedApproval = accepted.events.find((event) => event.kind === "approval");
    assert.equal(acceptedApproval?.metadata.decision, "accept");
    assert.equal(acceptedApproval?.metadata.decidedBy, "handler");
    const ran = accepted.events.find((event) => event.kind === "commandExecution");
    assert.equal(ran?.metadata.exitCode, 0);
    assert.match(String(ran?.metadata.output), /approved-run/);
  });

  it("rejects a bogus config value before any traffic", async () => {
    const requests = codex.model.requests.length;
    await assert.rejects(codex.runner({ approvalMode: "sometimes" }), (error: unknown) => {
      isCode("INVALID_CONFIG")(error);
      assert.match((error as Error).message, /approvalMode.*untrusted, on-request, never/);
      return true;
    });
    assert.equal(codex.model.requests.length, requests);
  });
});

describe("CodexBackend process lifecycle", () => {
  it("names where it looked when the binary is missing", async () => {
    const { CodexAgentSessionFactory } = await import("../../src/codex/codexAgentSessionFactory.ts");
    const factory = new CodexAgentSessionFactory({ codexBin: "/nonexistent/dir/codex" });
    await assert.rejects(factory.start(), (error: unknown) => {
      isCode("BACKEND_START")(error);
      assert.match((error as Error).message, /\/nonexistent\/dir\/codex/);
      assert.match((error as Error).message, /codexBin/);
      return true;
    });
    await factory.close();
  });

  it("fails a running turn at once when the backend is killed, with the signal and stderr tail", async () => {
    await using codex = await startRealCodex({ respond: () => ({ type: "hang" }) });
    const runner = await codex.runner();
    const turn = runner.turn("hang forever", { timeoutSeconds: 60 });
    await codex.model.waitForRequests(1);
    const started = performance.now();
    process.kill(codex.factory.backend.pid!, "SIGKILL");
    await assert.rejects(turn, (error: unknown) => {
      assert.ok(error instanceof BackendExitedError, String(error));
      assert.equal(error.code, "BACKEND_EXITED");
      assert.equal(error.signal, "SIGKILL");
      assert.match(error.message, /SIGKILL/);
      return true;
    });
    assert.ok(performance.now() - started < 5000);
  });

  it("after the backend dies, the next turn runs on a new backend and still sees the conversation", async () => {
    await using codex = await startRealCodex();
    const runner = await codex.runner();
    await runner.turn("remember the fruit mango");
    const firstPid = codex.factory.backend.pid!;
    process.kill(firstPid, "SIGKILL");
    await codex.factory.backend.onGoneOnce();
    const second = await runner.turn("which fruit?");
    assert.equal(second.assistantText, "You said: which fruit? (turn 2)");
    assert.deepEqual(codex.model.requests.at(-1)!.userTexts, ["remember the fruit mango", "which fruit?"]);
    assert.notEqual(codex.factory.backend.pid, firstPid);
    assert.equal(codex.factory.backendGenerations, 2);
    assert.equal(processAlive(firstPid), false);
  });

  it("with respawn off, a dead backend stays dead: turns reject with BACKEND_EXITED", async () => {
    await using codex = await startRealCodex({ factory: { respawn: false } });
    const runner = await codex.runner();
    await runner.turn("hello");
    process.kill(codex.factory.backend.pid!, "SIGKILL");
    await codex.factory.backend.onGoneOnce();
    await assert.rejects(runner.turn("after death"), isCode("BACKEND_EXITED"));
    await assert.rejects(codex.factory.runner({ workingDirectory: codex.home.workDir }), isCode("BACKEND_EXITED"));
  });

  it("onTraffic sees every message both ways, as the exact lines on the pipe", async () => {
    const seen: { direction: string; method?: string; line: string }[] = [];
    await using codex = await startRealCodex({
      backend: { onTraffic: (direction, message, line) => seen.push({ direction, method: (message as { method?: string }).method, line }) },
    });
    await (await codex.runner()).turn("hello");
    assert.deepEqual(seen.filter((m) => m.direction === "c2s").slice(0, 2).map((m) => m.method), ["initialize", "initialized"]);
    assert.equal(seen[0]?.method, "initialize");
    for (const method of ["thread/start", "turn/start"]) assert.ok(seen.some((m) => m.direction === "c2s" && m.method === method), method);
    for (const method of ["turn/started", "item/agentMessage/delta", "turn/completed"]) assert.ok(seen.some((m) => m.direction === "s2c" && m.method === method), method);
    for (const m of seen) {
      assert.doesNotThrow(() => JSON.parse(m.line));
      assert.ok(!m.line.includes("\n"));
    }
  });

  it("close() leaves no process behind and later turns reject with CLOSED", async () => {
    const codex = await startRealCodex();
    const runner = await codex.runner();
    await runner.turn("hello");
    const pid = codex.factory.backend.pid!;
    assert.ok(processAlive(pid));
    await codex.dispose();
    assert.equal(processAlive(pid), false);
    await assert.rejects(runner.turn("after close"), isCode("CLOSED"));
    await codex.factory.close(); // twice is fine
  });
});
