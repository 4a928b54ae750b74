/**
 * Conversation control end to end against the real binary: live streams, steer, resume from a
 * new process, fork, compact, rollback, typed structured output, every handler kind, handler
 * time excluded from the deadline, and the turn's metadata.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { turnWithRepair } from "../../src/agent/turnWithRepair.ts";
import { CodexAgentSessionFactory } from "../../src/codex/codexAgentSessionFactory.ts";
import type { CodexTurnResult } from "../../src/codex/codexAgentRunner.ts";
import type { TurnStreamChunk } from "../../src/codex/turnStream.ts";
import { AgentError } from "../../src/errors.ts";
import { defaultResponder, type LoopbackModelReply, type LoopbackModelRequest, type LoopbackModelResponder } from "../../src/testing/loopbackModel.ts";
import { startRealCodex, type RealCodex } from "../helpers/realCodex.ts";

const isCode = (code: string) => (error: unknown) => {
  assert.ok(error instanceof AgentError, `expected an AgentError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return true;
};

/** Replies to the first request of a turn with `first`, and to the follow-up (after a tool call) with what the model saw. */
function toolThenReport(first: LoopbackModelReply): LoopbackModelResponder {
  return (request) => {
    const last = request.input.at(-1) as { type?: string } | undefined;
    if (last?.type === "function_call_output") {
      const outputs = request.functionCallOutputs.map((o) => o.output).join(" | ");
      return { type: "message", text: `saw: ${outputs} / users: ${request.userTexts.join(" + ")}` };
    }
    return first;
  };
}

const COMPACTION_MARKER = "CONTEXT CHECKPOINT COMPACTION";

describe("conversation control against the real binary", () => {
  let codex: RealCodex;
  let respond: LoopbackModelResponder = defaultResponder;
  const use = (responder: LoopbackModelResponder) => {
    respond = responder;
  };
  before(async () => {
    codex = await startRealCodex({
      respond: (request) => respond(request),
      backend: {
        experimentalApi: true,
        // Both tools are off by default in 0.169; the handlers they lead to are what is tested.
        configOverrides: ["features.request_permissions_tool=true", "features.default_mode_request_user_input=true"],
      },
    });
  });
  after(async () => {
    await codex?.dispose();
  });
  const lastRequest = (): LoopbackModelRequest => codex.model.requests.at(-1)!;

  it("streams deltas and events as they arrive, ending with the result and its metadata", async () => {
    use(() => ({ type: "message", text: "streamed answer in five parts", deltas: 5 }));
    const runner = await codex.runner();
    const chunks: TurnStreamChunk<CodexTurnResult>[] = [];
    for await (const chunk of runner.turnStream("stream please")) chunks.push(chunk);
    const deltas = chunks.filter((c) => c.type === "delta");
    assert.ok(deltas.length >= 1, JSON.stringify(chunks.map((c) => c.type)));
    assert.equal(deltas.map((c) => (c.type === "delta" ? c.delta : "")).join(""), "streamed answer in five parts");
    const last = chunks.at(-1)!;
    assert.equal(last.type, "result");
    if (last.type !== "result") return;
    assert.equal(last.result.assistantText, "streamed answer in five parts");
    assert.match(last.result.turnId, /^[0-9a-f-]{36}$/);
    assert.equal(last.result.threadId, runner.threadId);
    assert.equal(typeof last.result.durationMs, "number");
    assert.ok((last.result.usage?.totalTokens ?? 0) > 0, JSON.stringify(last.result.usage));
    assert.ok(chunks.findIndex((c) => c.type === "delta") < chunks.findIndex((c) => c.type === "event" && c.event.kind === "agentMessage"));
  });

  it("steer adds input to the running turn; steering with no turn is NO_ACTIVE_TURN", async () => {
    use(toolThenReport({ type: "functionCall", arguments: { cmd: "sleep 1; echo slept", yield_time_ms: 5000 } }));
    const runner = await codex.runner({ sandbox: "danger-full-access" });
    await assert.rejects(runner.steer("too early"), isCode("NO_ACTIVE_TURN"));
    const requests = codex.model.requests.length;
    const turn = runner.turn("start a slow command", { timeoutSeconds: 30 });
    await codex.model.waitForRequests(requests + 1);
    await runner.steer("also mention bananas");
    const result = await turn;
    assert.ok(lastRequest().userTexts.includes("also mention bananas"), JSON.stringify(lastRequest().userTexts));
    assert.match(result.assistantText, /bananas/);
  });

  it("resumes a conversation by id from a new backend process (a restart)", async () => {
    use(defaultResponder);
    // The first process must be gone (or have let go of the thread) before another resumes it.
    const before = new CodexAgentSessionFactory({ env: codex.home.env });
    let threadId: string;
    try {
      const first = await before.runner({ workingDirectory: codex.home.workDir });
      await first.turn("remember the fruit kiwi");
      threadId = first.threadId!;
    } finally {
      await before.close();
    }
    const after = new CodexAgentSessionFactory({ env: codex.home.env });
    try {
      const resumed = await after.runner({ workingDirectory: codex.home.workDir }, { resumeThreadId: threadId });
      assert.equal(resumed.threadId, threadId);
      const result = await resumed.turn("which fruit?");
      assert.deepEqual(lastRequest().userTexts, ["remember the fruit kiwi", "which fruit?"]);
      assert.equal(result.assistantText, "You said: which fruit? (turn 2)");
    } finally {
      await after.close();
    }
  });

  it("forks a conversation into a new runner; the original is unchanged", async () => {
    use(defaultResponder);
    const original = await codex.runner();
    await original.turn("shared base");
    const fork = await original.fork();
    assert.ok(fork.threadId && fork.threadId !== original.threadId);
    await fork.turn("only in the fork");
    assert.deepEqual(lastRequest().userTexts, ["shared base", "only in the fork"]);
    await original.turn("only in the original");
    assert.deepEqual(lastRequest().userTexts, ["shared base", "only in the original"]);
  });

  it("compact() summarises the history; the next request carries the summary instead", async () => {
    use((request) =>
      request.lastUserText?.includes(COMPACTION_MARKER) ? { type: "message", text: "SUMMARY: the user talked about a secret number" } : defaultResponder(request),
    );
    const runner = await codex.runner();
    await runner.turn("the secret number is 4711");
    await runner.turn("and the colour is teal");
    const requests = codex.model.requests.length;
    await runner.compact({ timeoutSeconds: 30 });
    assert.ok(codex.model.requests.length > requests, "compaction asked the model for a summary");
    await runner.turn("what do you know?");
    const text = JSON.stringify(lastRequest().input);
    assert.match(text, /SUMMARY: the user talked about a secret number/);
    assert.doesNotMatch(text, /You said: and the colour is teal/, "the old answers are gone from the context");
  });

  it("rollback(n) removes the last turns: the model no longer sees them", async () => {
    use(defaultResponder);
    const runner = await codex.runner();
    await runner.turn("alpha");
    await runner.turn("beta");
    await runner.turn("gamma");
    await runner.rollback(2);
    await runner.turn("delta");
    assert.deepEqual(lastRequest().userTexts, ["alpha", "delta"]);
    await assert.rejects(runner.rollback(5), isCode("INVALID_CONFIG"));
  });

  it("a zod outputSchema gives a typed value; invalid output is OUTPUT_INVALID with the raw text, and a repair turn fixes it", async () => {
    const Answer = z.object({ city: z.string(), population: z.number(), nickname: z.string().optional() });
    use((request) => {
      const schema = request.outputSchema as { required?: string[]; additionalProperties?: boolean } | undefined;
      assert.deepEqual(schema?.required, ["city", "population", "nickname"]);
      assert.equal(schema?.additionalProperties, false);
      return request.lastUserText === "broken"
        ? { type: "message", text: "not json at all" }
        : { type: "message", text: '{"city":"Lyon","population":522250,"nickname":null}' };
    });
    const runner = await codex.runner();
    const result = await runner.turn("city facts", { outputSchema: Answer });
    const population: number = result.output.population;
    assert.equal(population, 522250);
    assert.deepEqual(result.output, { city: "Lyon", population: 522250 });
    await assert.rejects(runner.turn("broken", { outputSchema: Answer }), (error: unknown) => {
      isCode("OUTPUT_INVALID")(error);
      assert.equal((error as { rawText: string }).rawText, "not json at all");
      return true;
    });
    const repaired = await turnWithRepair(runner, "broken", {
      outputSchema: Answer as never,
      check: () => ({ ok: true }),
      repairPrompt: (problems) => `please answer with JSON: ${problems}`,
    });
    assert.equal(repaired.attempts, 2);
    assert.equal(repaired.problems.length, 1);
    assert.match(lastRequest().lastUserText ?? "", /^please answer with JSON: The answer did not match/);
    assert.equal((repaired.result as { output?: { city: string } }).output?.city, "Lyon");
  });

  it("answers every handler kind: file change, permissions, user input, dynamic tool, accept-for-session", async () => {
    const file = path.join(codex.home.workDir, "created-by-patch.txt");
    const patch = `apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: ${file}\n+hello from a patch\n*** End Patch\nEOF\n`;
    const seen: string[] = [];
    const runner = await codex.runner(
      { approvalMode: "untrusted", sandbox: "workspace-write" },
      {
        approvals: (request) => {
          seen.push(request.kind);
          return request.kind === "permissions" ? "acceptForSession" : "accept";
        },
        onUserInput: ({ questions }) => Object.fromEntries(questions.map((q) => [q.id, `answer to ${q.id}`])),
        tools: [
          {
            name: "lookup_weather",
            description: "Weather of a city",
            inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
            handle: (args) => `sunny in ${(args as { city: string }).city}`,
          },
        ],
      },
    );

    use(toolThenReport({ type: "functionCall", arguments: { cmd: patch, workdir: codex.home.workDir } }));
    const patched = await runner.turn("add a file", { timeoutSeconds: 30 });
    assert.ok(existsSync(file), JSON.stringify(patched.events));
    assert.equal(readFileSync(file, "utf8"), "hello from a patch\n");
    const change = patched.events.find((e) => e.kind === "fileChange");
    assert.deepEqual(change?.metadata.paths, [file]);
    assert.ok(seen.includes("fileChange"), seen.join());

    use(toolThenReport({ type: "functionCall", name: "request_permissions", arguments: { permissions: { network: { enabled: true } }, reason: "fetch docs" } }));
    const permitted = await runner.turn("ask for network", { timeoutSeconds: 30 });
    assert.ok(seen.includes("permissions"), seen.join());
    const grant = permitted.events.find((e) => e.kind === "approval" && e.metadata.request === "permissions");
    assert.equal(grant?.metadata.decision, "acceptForSession");

    use(toolThenReport({ type: "functionCall", name: "request_user_input", arguments: { questions: [{ id: "colour", header: "Colour", question: "Which colour?", options: [{ label: "Red", description: "warm" }, { label: "Blue", description: "cold" }] }] } }));
    const answered = await runner.turn("ask me something", { timeoutSeconds: 30 });
    assert.match(answered.assistantText, /answer to colour/);

    use(toolThenReport({ type: "functionCall", name: "lookup_weather", arguments: { city: "Oslo" } }));
    const tooled = await runner.turn("weather?", { timeoutSeconds: 30 });
    assert.match(tooled.assistantText, /sunny in Oslo/);
  });

  it("answers MCP elicitations: declined by default, the handler's answer reaches the MCP server", async () => {
    const server = path.join(import.meta.dirname, "../fixtures/mcp/elicitingMcpServer.mjs");
    await using mcp = await startRealCodex({
      respond: toolThenReport({ type: "functionCall", namespace: "mcp__fixture", name: "ask_user", arguments: {} }),
      backend: { mcpConfigOverrides: [`mcp_servers.fixture.command=${JSON.stringify(process.execPath)}`, `mcp_servers.fixture.args=[${JSON.stringify(server)}]`] },
    });
    const declined = await (await mcp.runner({ approvalMode: "on-request" })).turn("use the tool", { timeoutSeconds: 30 });
    const refusal = declined.events.find((e) => e.kind === "approval" && e.metadata.request === "mcpElicitation");
    assert.equal(refusal?.metadata.decision, "decline");
    assert.equal(refusal?.metadata.decidedBy, "default");

    const messages: (string | undefined)[] = [];
    const runner = await mcp.runner(
      { approvalMode: "on-request" },
      {
        onElicitation: ({ serverName, message }) => {
          assert.equal(serverName, "fixture");
          messages.push(message);
          return { action: "accept", content: { number: 42 } };
        },
      },
    );
    const result = await runner.turn("use the tool", { timeoutSeconds: 30 });
    assert.ok(messages.includes("What is your favourite number?"), JSON.stringify(messages));
    assert.match(result.assistantText, /user said \{"number":42\}/);
    const call = result.events.find((e) => e.kind === "mcpToolCall");
    assert.equal(call?.metadata.server, "fixture");
    assert.equal(call?.metadata.tool, "ask_user");
    assert.equal(call?.metadata.status, "completed");
  });

  it("time spent in a handler does not count against the turn's timeout", async () => {
    use(toolThenReport({ type: "functionCall", arguments: { cmd: "echo slow-approval" } }));
    const runner = await codex.runner(
      { approvalMode: "untrusted", sandbox: "danger-full-access" },
      { approvals: () => new Promise((resolve) => setTimeout(() => resolve("accept"), 2500)) },
    );
    const started = performance.now();
    const result = await runner.turn("needs a slow approval", { timeoutSeconds: 1.5 });
    assert.ok(performance.now() - started > 2500);
    assert.match(result.assistantText, /slow-approval/);
  });
});
