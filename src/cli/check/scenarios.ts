/**
 * The conformance scenarios `codex-rpc check` drives a codex binary through, each with what it
 * must see: handshake, thread start and resume, a text turn, a tool call, an approval, a failed
 * turn, an interrupt, a steer, structured output. A scenario throws (with a message saying what
 * was expected and what happened) when the binary does not behave.
 */
import { AgentError, type CodexAgentRunner, type CodexAgentSessionFactory, type AgentTurnEvent, type ApprovalRequest } from "../../index.ts";
import { defaultResponder, type LoopbackModel, type LoopbackModelResponder } from "../../testing/index.ts";
import type { TranscriptEntry } from "../transcript.ts";

/** Prompts the check's model treats specially. */
export const CHECK_PROMPTS = {
  fail: "conformance: fail this turn",
  hang: "conformance: hang until interrupted",
  steer: "conformance: wait for a steer",
  steerInput: "conformance: steered input",
} as const;

/** What a scenario that needs no model works with; all an app-server at `--connect` gives. */
export interface RemoteScenarioContext {
  /** The started factory whose traffic is recorded (started by the handshake scenario). */
  factory(): Promise<CodexAgentSessionFactory>;
  /** Deadline of each turn, in seconds. */
  readonly timeoutSeconds: number;
  /** Messages recorded so far in this scenario. */
  messages(): readonly TranscriptEntry[];
  /** A directory for threads, or undefined to leave it to the server (a remote one may run elsewhere). */
  readonly threadDir: string | undefined;
}

/** What a scenario works with against a binary the check starts, with the built-in model. */
export interface ScenarioContext extends RemoteScenarioContext {
  /** Starts another recorded backend (another process) on the same CODEX_HOME; closed by the caller. */
  anotherFactory(): Promise<CodexAgentSessionFactory>;
  readonly model: LoopbackModel;
  readonly workDir: string;
  /** Releases a turn waiting in the model for a steer. */
  releaseSteer(): void;
}

/** One scenario. */
export interface Scenario {
  readonly name: string;
  run(context: ScenarioContext): Promise<void>;
  /**
   * Against an app-server at `--connect`: how to run it there, or why it is skipped. Scenarios
   * that script the built-in model's answers cannot run against a server with its own model.
   */
  readonly remote: ((context: RemoteScenarioContext) => Promise<void>) | { readonly skip: string };
}

/** The model behind the check: the default responder, plus failures, hangs and a wait for a steer. */
export function checkResponder(steered: () => Promise<void>): LoopbackModelResponder {
  return async (request) => {
    const last = request.lastUserText;
    if (last === CHECK_PROMPTS.fail) return { type: "fail", code: "server_error", message: "conformance check: scripted model failure" };
    if (last === CHECK_PROMPTS.hang) return { type: "hang" };
    if (last === CHECK_PROMPTS.steer) {
      await steered();
      return { type: "message", text: "not steered yet" };
    }
    if (request.userTexts.includes(CHECK_PROMPTS.steer) && last === CHECK_PROMPTS.steerInput) {
      return { type: "message", text: `steered: ${request.userTexts.slice(-2).join(" + ")}` };
    }
    return defaultResponder(request);
  };
}

/** Thrown when a scenario sees something other than what the protocol promises. */
export class ScenarioFailure extends Error {
  override readonly name = "ScenarioFailure";
}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ScenarioFailure(message);
}

function kinds(events: readonly AgentTurnEvent[]): string {
  return events.map((event) => event.kind).join(", ") || "(none)";
}

/** Methods of the recorded messages of one direction, in order. */
function methodsSeen(context: RemoteScenarioContext, dir: "c2s" | "s2c"): string[] {
  return context
    .messages()
    .filter((entry) => entry.dir === dir && "msg" in entry)
    .map((entry) => (entry as { msg: { method?: unknown } }).msg.method)
    .filter((method): method is string => typeof method === "string");
}

function completedStatuses(context: ScenarioContext): string[] {
  return context
    .messages()
    .flatMap((entry) => ("msg" in entry ? [entry.msg as { method?: string; params?: { turn?: { status?: string } } }] : []))
    .filter((msg) => msg.method === "turn/completed")
    .map((msg) => String(msg.params?.turn?.status));
}

async function runner(context: ScenarioContext, config: Record<string, string> = {}, options: Parameters<CodexAgentSessionFactory["runner"]>[1] = {}): Promise<CodexAgentRunner> {
  const factory = await context.factory();
  return factory.runner({ workingDirectory: context.workDir, ...config }, options);
}

/** Resolves once the model has received `count` requests in all; rejects early when `turn` settles first. */
async function modelReached(context: ScenarioContext, count: number, turn: Promise<unknown>): Promise<void> {
  const settled = turn.then(
    () => Promise.reject(new ScenarioFailure("the turn ended before the model was asked; expected it to keep running")),
    (error: unknown) => Promise.reject(new ScenarioFailure(`the turn failed before the model was asked: ${describe(error)}`)),
  );
  await Promise.race([context.model.waitForRequests(count, context.timeoutSeconds * 1000), settled]);
}

function describe(error: unknown): string {
  return error instanceof AgentError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
}

async function handshake(context: RemoteScenarioContext): Promise<void> {
  const factory = await context.factory();
  const result = factory.backend.initializeResult;
  expect(result && result.userAgent.length > 0, "initialize answered without a userAgent");
  const sent = methodsSeen(context, "c2s");
  expect(sent.includes("initialize") && sent.includes("initialized"), `expected initialize and initialized to be sent; sent ${sent.join(", ")}`);
}

/** A thread without a turn: started, announced and readable; no model is asked. Ephemeral, so nothing stays on a shared server. */
async function threadStartRead(context: RemoteScenarioContext): Promise<void> {
  const backend = (await context.factory()).backend;
  const started = await backend.request("thread/start", { ephemeral: true, ...(context.threadDir !== undefined ? { cwd: context.threadDir } : {}) });
  const threadId = started.thread.id;
  expect(typeof threadId === "string" && threadId.length > 0, "thread/start answered without a thread id");
  const read = await backend.request("thread/read", { threadId, includeTurns: false });
  expect(read.thread.id === threadId, `thread/read answered thread ${String(read.thread.id)}, expected ${threadId}`);
  const sent = methodsSeen(context, "c2s");
  expect(sent.includes("thread/start") && sent.includes("thread/read"), `expected thread/start and thread/read; sent ${sent.join(", ")}`);
}

/** Every scenario, in the order they run. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: "handshake",
    run: handshake,
    remote: handshake,
  },
  {
    name: "thread start/read",
    run: threadStartRead,
    remote: threadStartRead,
  },
  {
    name: "thread start/resume",
    remote: { skip: "resuming needs a thread with a turn, and a turn asks the server's own model" },
    async run(context) {
      // Start the conversation in another process and close it: a thread has one writer at a
      // time, and resuming from a new process is what a client restarting does.
      const other = await context.anotherFactory();
      let threadId: string | undefined;
      try {
        const first = await other.runner({ workingDirectory: context.workDir });
        await first.turn("remember the word kiwi", { timeoutSeconds: context.timeoutSeconds });
        threadId = first.threadId;
      } finally {
        await other.close();
      }
      expect(threadId, "the first turn did not start a thread");
      const resumed = await runner(context, {}, { resumeThreadId: threadId });
      const before = context.model.requests.length;
      await resumed.turn("what was the word?", { timeoutSeconds: context.timeoutSeconds });
      expect(resumed.threadId === threadId, `the resumed conversation has thread ${String(resumed.threadId)}, expected ${threadId}`);
      const request = context.model.requests[before];
      expect(request?.userTexts.includes("remember the word kiwi"), "the resumed thread's model request does not carry the earlier prompt");
      const sent = methodsSeen(context, "c2s");
      expect(sent.includes("thread/start") && sent.includes("thread/resume"), `expected thread/start and thread/resume; sent ${sent.join(", ")}`);
    },
  },
  {
    name: "text turn",
    remote: { skip: "expects the built-in model's exact answer" },
    async run(context) {
      const conversation = await runner(context);
      let streamed = "";
      let result: { assistantText: string; events: readonly AgentTurnEvent[] } | undefined;
      for await (const chunk of conversation.turnStream("Say hello", { timeoutSeconds: context.timeoutSeconds })) {
        if (chunk.type === "delta") streamed += chunk.delta;
        if (chunk.type === "result") result = chunk.result;
      }
      expect(result, "the stream ended without a result");
      expect(result.assistantText === "You said: Say hello (turn 1)", `assistant text ${JSON.stringify(result.assistantText)}, expected "You said: Say hello (turn 1)"`);
      expect(streamed === result.assistantText, `streamed deltas ${JSON.stringify(streamed)} do not add up to the final text`);
      expect(result.events.some((event) => event.kind === "tokenUsage"), `no token usage reported; events: ${kinds(result.events)}`);
    },
  },
  {
    name: "tool call",
    remote: { skip: "needs the built-in model to ask for a command" },
    async run(context) {
      const conversation = await runner(context);
      const result = await conversation.turn("run: echo hi", { timeoutSeconds: context.timeoutSeconds });
      const command = result.events.find((event) => event.kind === "commandExecution");
      expect(command, `no commandExecution event; events: ${kinds(result.events)}`);
      expect(command.metadata.exitCode === 0, `command exit code ${String(command.metadata.exitCode)}, expected 0 (${command.summary})`);
      expect(String(command.metadata.output).includes("hi"), `command output ${JSON.stringify(command.metadata.output)} lacks "hi"`);
    },
  },
  {
    name: "approval",
    remote: { skip: "needs the built-in model to ask for a command that needs approval" },
    async run(context) {
      const asked: ApprovalRequest[] = [];
      const conversation = await runner(context, { approvalMode: "untrusted" }, {
        approvals: (request) => {
          asked.push(request);
          return "accept";
        },
      });
      const result = await conversation.turn("run: echo approved", { timeoutSeconds: context.timeoutSeconds });
      expect(asked.length === 1 && asked[0]!.kind === "commandExecution", `expected one command approval request; got ${asked.map((r) => r.kind).join(", ") || "none"}`);
      const approval = result.events.find((event) => event.kind === "approval");
      expect(approval?.metadata.decidedBy === "handler", `no approval event decided by the handler; events: ${kinds(result.events)}`);
      const command = result.events.find((event) => event.kind === "commandExecution");
      expect(command?.metadata.exitCode === 0, `the approved command did not run to exit 0 (${command?.summary ?? "no commandExecution event"})`);
      expect(methodsSeen(context, "s2c").includes("item/commandExecution/requestApproval"), "no item/commandExecution/requestApproval was sent");
    },
  },
  {
    name: "failed turn",
    remote: { skip: "needs the built-in model to fail on cue" },
    async run(context) {
      const conversation = await runner(context);
      const outcome = await conversation.turn(CHECK_PROMPTS.fail, { timeoutSeconds: context.timeoutSeconds }).then(
        () => "completed",
        (error: unknown) => (error instanceof AgentError ? error.code : describe(error)),
      );
      expect(outcome === "TURN_FAILED", `the turn ended ${outcome}, expected TURN_FAILED`);
      expect(completedStatuses(context).includes("failed"), `no turn/completed with status "failed"; saw ${completedStatuses(context).join(", ") || "none"}`);
      const next = await conversation.turn("are you still there?", { timeoutSeconds: context.timeoutSeconds });
      expect(next.assistantText.startsWith("You said:"), "the conversation did not take another turn after the failure");
    },
  },
  {
    name: "interrupt",
    remote: { skip: "needs the built-in model to hang on cue" },
    async run(context) {
      const conversation = await runner(context);
      const stop = new AbortController();
      const before = context.model.requests.length;
      const turn = conversation.turn(CHECK_PROMPTS.hang, { timeoutSeconds: context.timeoutSeconds, signal: stop.signal });
      turn.catch(() => {});
      await modelReached(context, before + 1, turn);
      stop.abort(new Error("conformance check: interrupt"));
      const outcome = await turn.then(
        () => "completed",
        (error: unknown) => (error instanceof AgentError ? error.code : describe(error)),
      );
      expect(outcome === "ABORTED", `the aborted turn ended ${outcome}, expected ABORTED`);
      expect(methodsSeen(context, "c2s").includes("turn/interrupt"), "no turn/interrupt was sent");
      expect(completedStatuses(context).includes("interrupted"), `no turn/completed with status "interrupted"; saw ${completedStatuses(context).join(", ") || "none"}`);
    },
  },
  {
    name: "steer",
    remote: { skip: "needs the built-in model to wait for the steer" },
    async run(context) {
      const conversation = await runner(context);
      const before = context.model.requests.length;
      const turn = conversation.turn(CHECK_PROMPTS.steer, { timeoutSeconds: context.timeoutSeconds });
      turn.catch(() => {});
      await modelReached(context, before + 1, turn);
      try {
        await conversation.steer(CHECK_PROMPTS.steerInput);
      } finally {
        context.releaseSteer();
      }
      const result = await turn;
      expect(result.assistantText.startsWith("steered:"), `assistant text ${JSON.stringify(result.assistantText)}: the steered input did not reach the model`);
      expect(methodsSeen(context, "c2s").includes("turn/steer"), "no turn/steer was sent");
    },
  },
  {
    name: "structured output",
    remote: { skip: "reads the request the built-in model receives" },
    async run(context) {
      const conversation = await runner(context);
      const schema = {
        type: "object",
        properties: { answer: { type: "string" }, confident: { type: "boolean" } },
        required: ["answer", "confident"],
        additionalProperties: false,
      };
      const before = context.model.requests.length;
      const result = await conversation.turn("Answer as JSON", { timeoutSeconds: context.timeoutSeconds, outputSchema: schema });
      expect(JSON.stringify(context.model.requests[before]?.outputSchema) === JSON.stringify(schema), "the model request did not carry the turn's output schema");
      let value: unknown;
      try {
        value = JSON.parse(result.assistantText);
      } catch {
        throw new ScenarioFailure(`assistant text is not JSON: ${JSON.stringify(result.assistantText)}`);
      }
      const object = value as Record<string, unknown>;
      expect(typeof object.answer === "string" && typeof object.confident === "boolean", `structured output ${result.assistantText} does not fit the schema`);
    },
  },
];
