/**
 * Numbers and inputs taken on trust: every bad config, option and turn input is refused with
 * INVALID_CONFIG / INVALID_INPUT naming the field, before any process starts or any byte is sent,
 * and FakeAgentSessionFactory refuses exactly the same inputs with the same code and field.
 */
import assert from "node:assert/strict";
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { z as z3 } from "zod/v3";
import { CodexAgentSessionFactory } from "../../src/codex/codexAgentSessionFactory.ts";
import { CodexBackend } from "../../src/codex/codexBackend.ts";
import { AgentError } from "../../src/errors.ts";
import { InvalidInputError } from "../../src/index.ts";
import { FakeAgentSessionFactory } from "../../src/testing/fakeAgentSessionFactory.ts";
import { nodeSpawner, rejectsWithin, startFakeSession, within, type FakeSession } from "./faultHarness.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "codex-rpc-inputs-"));
const aFile = path.join(scratch, "file.txt");
writeFileSync(aFile, "not a directory");
const missing = path.join(scratch, "missing");
const dir = scratch;
after(() => rmSync(scratch, { recursive: true, force: true }));

const cyclic: Record<string, unknown> = { type: "object" };
cyclic.properties = { self: cyclic };

type Case = {
  readonly name: string;
  readonly code: "INVALID_CONFIG" | "INVALID_INPUT";
  readonly field: string;
  /** Message must match (names the fix). */
  readonly message?: RegExp;
} & (
  | { readonly level: "config"; readonly config: unknown }
  | { readonly level: "runnerOptions"; readonly options: unknown }
  | { readonly level: "turn"; readonly prompt: unknown; readonly options?: unknown }
);

const CASES: readonly Case[] = [
  // AgentConfig
  { name: "no config at all", level: "config", config: undefined, code: "INVALID_CONFIG", field: "config", message: /workingDirectory/ },
  { name: "a string for a config", level: "config", config: "/tmp", code: "INVALID_CONFIG", field: "config" },
  { name: "a working directory that does not exist", level: "config", config: { workingDirectory: missing }, code: "INVALID_CONFIG", field: "workingDirectory", message: /does not exist/ },
  { name: "a working directory that is a file", level: "config", config: { workingDirectory: aFile }, code: "INVALID_CONFIG", field: "workingDirectory", message: /not a directory/ },
  { name: "a relative working directory", level: "config", config: { workingDirectory: "rel/dir" }, code: "INVALID_CONFIG", field: "workingDirectory", message: /absolute/ },
  { name: "an unknown reasoning effort", level: "config", config: { workingDirectory: dir, reasoningEffort: "bogus" }, code: "INVALID_CONFIG", field: "reasoningEffort", message: /minimal, low, medium, high/ },
  { name: "instructions with a lone surrogate", level: "config", config: { workingDirectory: dir, developerInstructions: "be \ud800 brief" }, code: "INVALID_CONFIG", field: "developerInstructions", message: /lone UTF-16 surrogate .* index 3/ },
  { name: "a number for the model", level: "config", config: { workingDirectory: dir, model: 5 }, code: "INVALID_CONFIG", field: "model" },
  { name: "a misspelt config field", level: "config", config: { workingDirectory: dir, sandox: "read-only" }, code: "INVALID_CONFIG", field: "sandox" },
  // Runner options
  { name: "approvals that is no decision", level: "runnerOptions", options: { approvals: "sometimes" }, code: "INVALID_CONFIG", field: "approvals", message: /accept, acceptForSession, decline, cancel/ },
  { name: "a misspelt runner option", level: "runnerOptions", options: { aprovals: "accept" }, code: "INVALID_CONFIG", field: "aprovals", message: /did you mean "approvals"/ },
  { name: "a negative interruptSettleSeconds", level: "runnerOptions", options: { interruptSettleSeconds: -1 }, code: "INVALID_CONFIG", field: "interruptSettleSeconds", message: /more than 0/ },
  { name: "an interruptSettleSeconds no timer holds", level: "runnerOptions", options: { interruptSettleSeconds: 1e7 }, code: "INVALID_CONFIG", field: "interruptSettleSeconds", message: /24\.8 days/ },
  { name: "a negative silenceTimeoutSeconds", level: "runnerOptions", options: { silenceTimeoutSeconds: -1 }, code: "INVALID_CONFIG", field: "silenceTimeoutSeconds" },
  { name: "a NaN silenceTimeoutSeconds", level: "runnerOptions", options: { silenceTimeoutSeconds: Number.NaN }, code: "INVALID_CONFIG", field: "silenceTimeoutSeconds", message: /finite/ },
  { name: "an onEvent that is not a function", level: "runnerOptions", options: { onEvent: "log" }, code: "INVALID_CONFIG", field: "onEvent", message: /function/ },
  { name: "a tool without a handler function", level: "runnerOptions", options: { tools: [{ name: "t", description: "d", inputSchema: {}, handle: 1 }] }, code: "INVALID_CONFIG", field: "tools.0.handle" },
  { name: "a tool whose inputSchema is no JSON Schema", level: "runnerOptions", options: { tools: [{ name: "t", description: "d", inputSchema: { type: "bogus" }, handle: () => "" }] }, code: "INVALID_CONFIG", field: "tools.0.inputSchema", message: /inputSchema\/type must be equal to one of the allowed values/ },
  { name: "two tools of one name", level: "runnerOptions", options: { tools: [0, 1].map(() => ({ name: "t", description: "d", inputSchema: { type: "object" }, handle: () => "" })) }, code: "INVALID_CONFIG", field: "tools.1.name", message: /repeats the tool name/ },
  { name: "an empty resumeThreadId", level: "runnerOptions", options: { resumeThreadId: "" }, code: "INVALID_CONFIG", field: "resumeThreadId" },
  { name: "runner options that are not an object", level: "runnerOptions", options: "accept", code: "INVALID_CONFIG", field: "options" },
  { name: "MCP overrides that are not an array", level: "runnerOptions", options: { mcpConfigOverrides: "mcp_servers.x.command=y" }, code: "INVALID_CONFIG", field: "mcpConfigOverrides" },
  { name: "an MCP override that is no key=value", level: "runnerOptions", options: { mcpConfigOverrides: ["mcp_servers.x.command"] }, code: "INVALID_CONFIG", field: "mcpConfigOverrides.0" },
  // Turn inputs and options
  { name: "a prompt with a lone high surrogate", level: "turn", prompt: "hi \ud800", code: "INVALID_INPUT", field: "prompt", message: /index 3/ },
  { name: "a prompt with a lone low surrogate", level: "turn", prompt: "\udc00 there", code: "INVALID_INPUT", field: "prompt", message: /index 0/ },
  { name: "a prompt that is not a string", level: "turn", prompt: 42, code: "INVALID_INPUT", field: "prompt" },
  { name: "a negative timeoutSeconds", level: "turn", prompt: "hi", options: { timeoutSeconds: -1 }, code: "INVALID_CONFIG", field: "timeoutSeconds" },
  { name: "an infinite timeoutSeconds", level: "turn", prompt: "hi", options: { timeoutSeconds: Number.POSITIVE_INFINITY }, code: "INVALID_CONFIG", field: "timeoutSeconds", message: /finite/ },
  { name: "a string timeoutSeconds", level: "turn", prompt: "hi", options: { timeoutSeconds: "10" }, code: "INVALID_CONFIG", field: "timeoutSeconds" },
  { name: "a zero silenceTimeoutSeconds", level: "turn", prompt: "hi", options: { silenceTimeoutSeconds: 0 }, code: "INVALID_CONFIG", field: "silenceTimeoutSeconds" },
  { name: "a signal that is not an AbortSignal", level: "turn", prompt: "hi", options: { signal: {} }, code: "INVALID_CONFIG", field: "signal", message: /AbortSignal/ },
  { name: "a misspelt turn option", level: "turn", prompt: "hi", options: { timeout: 5 }, code: "INVALID_CONFIG", field: "timeout", message: /did you mean "timeoutSeconds"/ },
  { name: "an outputSchema of an unknown type", level: "turn", prompt: "hi", options: { outputSchema: { type: "bogus" } }, code: "INVALID_INPUT", field: "outputSchema", message: /not a valid JSON Schema: outputSchema\/type must be equal to one of the allowed values/ },
  { name: "an outputSchema with a dangling $ref", level: "turn", prompt: "hi", options: { outputSchema: { type: "object", properties: { a: { $ref: "#/definitions/nowhere" } } } }, code: "INVALID_INPUT", field: "outputSchema", message: /nowhere/ },
  { name: "an outputSchema that is an array", level: "turn", prompt: "hi", options: { outputSchema: [] }, code: "INVALID_INPUT", field: "outputSchema" },
  { name: "an outputSchema with a cycle", level: "turn", prompt: "hi", options: { outputSchema: cyclic }, code: "INVALID_INPUT", field: "outputSchema", message: /cycle/ },
  { name: "an outputSchema with a lone surrogate", level: "turn", prompt: "hi", options: { outputSchema: { type: "string", description: "\ud83d" } }, code: "INVALID_INPUT", field: "outputSchema", message: /surrogate/ },
  { name: "a zod 3 outputSchema", level: "turn", prompt: "hi", options: { outputSchema: z3.object({ a: z3.string() }) }, code: "INVALID_INPUT", field: "outputSchema", message: /needs zod 4 schemas.*npm install zod@\^4/ },
  { name: "a zod outputSchema that JSON Schema cannot hold", level: "turn", prompt: "hi", options: { outputSchema: z.object({ n: z.bigint() }) }, code: "INVALID_INPUT", field: "outputSchema", message: /cannot become the JSON Schema.*BigInt/i },
];

function expectRefusal(error: unknown, expected: Case): true {
  assert.ok(error instanceof AgentError, `expected an AgentError, got ${String(error)}`);
  assert.equal(error.code, expected.code, error.message);
  assert.equal((error as AgentError & { field?: string }).field, expected.field, error.message);
  if (expected.message) assert.match(error.message, expected.message);
  if (expected.code === "INVALID_INPUT") assert.ok(error instanceof InvalidInputError);
  return true;
}

describe("every bad config, option and turn input is refused before anything is sent", () => {
  let session: FakeSession;
  before(async () => {
    session = await startFakeSession();
  });
  after(() => session.dispose());

  for (const testCase of CASES) {
    it(`${testCase.name}: ${testCase.code} naming ${testCase.field}, by the adapter and by the fake alike`, async () => {
      const sentBefore = session.observed.traffic.filter((record) => record.direction === "c2s").length;
      const fake = new FakeAgentSessionFactory();
      const attempts: [string, () => Promise<unknown>][] =
        testCase.level === "config"
          ? [
              ["adapter", () => session.factory.runner(testCase.config as never)],
              ["fake", () => fake.runner(testCase.config as never)],
            ]
          : testCase.level === "runnerOptions"
            ? [
                ["adapter", () => session.factory.runner({ workingDirectory: dir }, testCase.options as never)],
                ["fake", () => fake.runner({ workingDirectory: dir }, testCase.options as never)],
              ]
            : [
                ["adapter", async () => (await session.factory.runner({ workingDirectory: dir })).turn(testCase.prompt as never, testCase.options as never)],
                ["fake", async () => (await fake.runner({ workingDirectory: dir })).turn(testCase.prompt as never, testCase.options as never)],
              ];
      for (const [who, attempt] of attempts) {
        await assert.rejects(within(5000, `${who}: ${testCase.name}`, attempt()), (error: unknown) => expectRefusal(error, testCase), who);
      }
      assert.deepEqual(
        session.observed.traffic.filter((record) => record.direction === "c2s").slice(sentBefore).map((record) => record.message.method),
        [],
        "nothing was sent to the app-server",
      );
      assert.equal(fake.turns.length, 0, "the fake served no turn");
    });
  }

  it("steer text with a lone surrogate: INVALID_INPUT naming text, nothing sent", async () => {
    const runner = await session.factory.runner({ workingDirectory: dir });
    await assert.rejects(runner.steer("\ud800"), (error: unknown) => error instanceof InvalidInputError && error.field === "text");
  });
});

/** A spawn that records each call and never starts anything. */
function countingSpawn(): { spawn: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    spawn: (command, args, options) => {
      calls.push(command);
      return nodeSpawner(command, args, options);
    },
  };
}

describe("a bad backend config is refused at construction, before any spawn", () => {
  const BAD: readonly [string, Record<string, unknown>, string, RegExp][] = [
    ["a misspelt option", { codexBinary: "/x" }, "codexBinary", /did you mean "codexBin".*the options are .*codexBin/],
    ["a negative startTimeoutSeconds", { startTimeoutSeconds: -5 }, "startTimeoutSeconds", /more than 0/],
    ["a startTimeoutSeconds no timer holds", { startTimeoutSeconds: 1e7 }, "startTimeoutSeconds", /at most 2147483 seconds/],
    ["a NaN startTimeoutSeconds", { startTimeoutSeconds: Number.NaN }, "startTimeoutSeconds", /finite/],
    ["overrides that are not an array", { mcpConfigOverrides: "mcp_servers.x.command=y" }, "mcpConfigOverrides", /array/],
    ["an override without =", { configOverrides: ["model"] }, "configOverrides.0", /key=value/],
    ["an env value that is a number", { env: { PORT: 8080 } }, "env.PORT", /must be a string/],
    ["an env value with a NUL byte", { env: { A: "x\0y" } }, "env.A", /NUL/],
    ["inheritEnv as a string", { inheritEnv: "false" }, "inheritEnv", /boolean/],
    ["onTraffic that is not a function", { onTraffic: true }, "onTraffic", /function/],
    ["notifications that is not a selection", { notifications: "none" }, "notifications", /"needed".*"all"/],
    ["a negative overloadRetry delay", { overloadRetry: { initialDelayMs: -1 } }, "overloadRetry.initialDelayMs", /0 or more/],
    ["zero overloadRetry attempts", { overloadRetry: { maxAttempts: 0 } }, "overloadRetry.maxAttempts", /at least 1/],
    ["an unknown overloadRetry option", { overloadRetry: { retries: 3 } }, "overloadRetry.retries", /maxAttempts, initialDelayMs, maxDelayMs/],
    ["a clientInfo with no version", { clientInfo: { name: "me" } }, "clientInfo.version", /string/],
    ["an empty codexBin", { codexBin: "" }, "codexBin", /empty/],
    ["an endpoint that is not a string", { endpoint: 5 }, "endpoint", /string/],
    ["a config that is an array", [] as unknown as Record<string, unknown>, "CodexBackendConfig", /object/],
  ];
  for (const [name, config, field, message] of BAD) {
    it(`${name}: INVALID_CONFIG naming ${field}, from CodexBackend and from the factory`, () => {
      const { spawn, calls } = countingSpawn();
      const withSpawn = Array.isArray(config) ? config : { ...config, spawn };
      for (const construct of [() => new CodexBackend(withSpawn as never), () => new CodexAgentSessionFactory(withSpawn as never)]) {
        assert.throws(construct, (error: unknown) => {
          assert.ok(error instanceof AgentError, String(error));
          assert.equal(error.code, "INVALID_CONFIG", error.message);
          assert.equal((error as AgentError & { field: string }).field, field, error.message);
          assert.match(error.message, message);
          return true;
        });
      }
      assert.deepEqual(calls, [], "nothing was spawned");
    });
  }

  it("accepts the remote options' types (their contents are the remote endpoints' to check)", () => {
    assert.doesNotThrow(() => new CodexBackend({ endpoint: "ws://127.0.0.1:1", auth: { token: "t" } } as never));
  });

  it("refuses bad factory options: unknown ones, and bad runner defaults", () => {
    assert.throws(() => new CodexAgentSessionFactory({}, { respawns: false } as never), (error: unknown) => error instanceof AgentError && error.code === "INVALID_CONFIG" && (error as AgentError & { field: string }).field === "respawns");
    assert.throws(
      () => new CodexAgentSessionFactory({}, { runnerDefaults: { interruptSettleSeconds: -1 } }),
      (error: unknown) => error instanceof AgentError && error.code === "INVALID_CONFIG" && (error as AgentError & { field: string }).field === "runnerDefaults.interruptSettleSeconds",
    );
  });
});

describe("long durations are honoured, not clamped to 1 ms", () => {
  it("a timeoutSeconds of 25 days does not fire at once: the turn runs until it is aborted", async () => {
    await using session = await startFakeSession();
    const runner = await session.runner();
    const controller = new AbortController();
    const turn = runner.turn("fault:hang", { timeoutSeconds: 25 * 24 * 60 * 60, signal: controller.signal });
    // The turn is under way on the server (turn/start answered and the turn started) before the abort.
    await within(5000, "turn/started", session.observed.message((record) => record.direction === "s2c" && record.message.method === "turn/started"));
    controller.abort();
    await rejectsWithin(turn, 10_000, "ABORTED");
  });

  it("the fake's timeout of 25 days does not fire at once either", async () => {
    const fake = new FakeAgentSessionFactory({ respond: ({ signal }) => new Promise((resolve) => signal.addEventListener("abort", () => resolve("late"))) });
    const runner = await fake.runner({ workingDirectory: dir });
    const controller = new AbortController();
    const turn = runner.turn("wait", { timeoutSeconds: 25 * 24 * 60 * 60, signal: controller.signal });
    // Timers fire in order of their due time: a deadline clamped to 1 ms would fire before this one.
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await rejectsWithin(turn, 5000, "ABORTED");
  });
});
