/**
 * The scripted Responses-API model (over real HTTP on 127.0.0.1), the hermetic CODEX_HOME, and
 * both together under the real codex binary, spoken to in raw JSON lines.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createHermeticCodexHome, type HermeticCodexHome } from "../../src/testing/hermeticCodexHome.ts";
import {
  defaultResponder,
  LoopbackModel,
  type LoopbackModelRequest,
  type LoopbackModelResponder,
  type LoopbackModelStep,
} from "../../src/testing/loopbackModel.ts";

interface SseEvent {
  readonly event: string;
  readonly data: Record<string, any>;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      assert.ok(event !== undefined && data !== undefined, `malformed SSE block: ${block}`);
      const parsed = JSON.parse(data) as Record<string, any>;
      assert.equal(parsed["type"], event, "data.type repeats the event name");
      return { event, data: parsed };
    });
}

const ENVIRONMENT_CONTEXT = {
  type: "message",
  role: "user",
  content: [{ type: "input_text", text: "<environment_context>\n  <cwd>/tmp/a &amp; b</cwd>\n  <shell>bash</shell>\n</environment_context>" }],
};
const userMessage = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });

function post(model: LoopbackModel, body: unknown): Promise<Response> {
  return fetch(`${model.baseUrl}/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

async function postEvents(model: LoopbackModel, body: unknown): Promise<SseEvent[]> {
  const response = await post(model, body);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  return parseSse(await response.text());
}

/** A request as the model parses it, for calling responders directly. */
function requestOf(input: unknown[], extra: Partial<LoopbackModelRequest> = {}): LoopbackModelRequest {
  const userTexts = input.flatMap((item: any) => (item.role === "user" && !item.content[0].text.startsWith("<") ? [item.content[0].text] : []));
  return { index: 0, body: { input }, input, userTexts, lastUserText: userTexts.at(-1), functionCallOutputs: [], outputSchema: undefined, cwd: undefined, ...extra };
}

describe("LoopbackModel over HTTP", () => {
  let model: LoopbackModel;
  before(async () => {
    model = await LoopbackModel.start();
  });
  after(async () => {
    await model.close();
  });

  it("parses what codex sends: prompts without injected context, cwd, tool outputs, output schema", async () => {
    model.setResponder(defaultResponder);
    const schema = { type: "object", properties: { a: { type: "string" } } };
    const events = await postEvents(model, {
      model: "mock-model",
      stream: true,
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "be helpful" }] },
        ENVIRONMENT_CONTEXT,
        userMessage("# AGENTS.md instructions for /tmp\n..."),
        userMessage("first"),
        { type: "function_call", call_id: "c1", name: "exec_command", arguments: "{}" },
        { type: "function_call_output", call_id: "c1", output: "out 1" },
        userMessage("<turn_aborted>\nThe user interrupted\n</turn_aborted>"),
        userMessage("second"),
      ],
      text: { format: { type: "json_schema", strict: true, name: "codex_output_schema", schema } },
    });
    const request = model.requests.at(-1)!;
    assert.deepEqual(request.userTexts, ["first", "second"]);
    assert.equal(request.lastUserText, "second");
    assert.equal(request.cwd, "/tmp/a & b");
    assert.deepEqual(request.functionCallOutputs, [{ callId: "c1", output: "out 1" }]);
    assert.deepEqual(request.outputSchema, schema);
    assert.equal(request.input.length, 8);
    assert.equal(request.body["model"], "mock-model");
    // The default responder answers a schema with a value fitting it.
    const done = events.find((e) => e.event === "response.output_item.done")!;
    assert.equal(done.data["item"].content[0].text, JSON.stringify({ a: "example" }));
  });

  it("streams a message as added, N deltas, done, then completed with usage", async () => {
    model.setResponder(() => ({ type: "message", text: "Hello, world", deltas: 3 }));
    const events = await postEvents(model, { input: [userMessage("hi")] });
    assert.deepEqual(
      events.map((e) => e.event),
      [
        "response.created",
        "response.output_item.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_item.done",
        "response.completed",
      ],
    );
    const responseId = events[0]!.data["response"].id as string;
    assert.ok(responseId);
    assert.equal(events.filter((e) => e.event === "response.output_text.delta").map((e) => e.data["delta"]).join(""), "Hello, world");
    const item = events[5]!.data["item"];
    assert.deepEqual([item.type, item.role, item.content[0].type, item.content[0].text], ["message", "assistant", "output_text", "Hello, world"]);
    assert.equal(events[2]!.data["item_id"], item.id);
    const completed = events[6]!.data["response"];
    assert.equal(completed.id, responseId);
    const usage = completed.usage;
    assert.equal(usage.input_tokens_details.cached_tokens, 0);
    assert.equal(usage.output_tokens_details.reasoning_tokens, 0);
    assert.ok(usage.input_tokens > 0 && usage.output_tokens > 0);
    assert.equal(usage.total_tokens, usage.input_tokens + usage.output_tokens);
    // Deterministic: the same request gets the same usage.
    const again = await postEvents(model, { input: [userMessage("hi")] });
    assert.deepEqual(again.at(-1)!.data["response"].usage, usage);
  });

  it("emits function calls with JSON-string arguments, default name and call ids, several steps in order", async () => {
    model.setResponder(() => [
      { type: "message", text: "about to run" },
      { type: "functionCall", arguments: { cmd: "ls", yield_time_ms: 10 } },
      { type: "functionCall", name: "view_image", arguments: { path: "/x.png" }, callId: "my-call" },
    ]);
    const events = await postEvents(model, { input: [userMessage("go")] });
    assert.deepEqual(
      events.map((e) => e.event),
      [
        "response.created",
        "response.output_item.added",
        "response.output_item.done",
        "response.output_item.added",
        "response.output_item.done",
        "response.output_item.added",
        "response.output_item.done",
        "response.completed",
      ],
    );
    const calls = events.filter((e) => e.event === "response.output_item.done" && e.data["item"].type === "function_call").map((e) => e.data["item"]);
    assert.equal(calls[0].name, "exec_command");
    assert.deepEqual(JSON.parse(calls[0].arguments), { cmd: "ls", yield_time_ms: 10 });
    assert.ok(typeof calls[0].call_id === "string" && calls[0].call_id.length > 0);
    assert.deepEqual([calls[1].name, calls[1].call_id], ["view_image", "my-call"]);
    assert.notEqual(calls[0].call_id, calls[1].call_id);
  });

  it("ends with response.failed for a fail step, and ignores the steps after it", async () => {
    model.setResponder(() => [{ type: "message", text: "partial" }, { type: "fail", message: "scripted failure" }, { type: "message", text: "never" }]);
    const events = await postEvents(model, { input: [userMessage("x")] });
    assert.deepEqual(events.map((e) => e.event), ["response.created", "response.output_item.added", "response.output_item.done", "response.failed"]);
    const failed = events.at(-1)!.data["response"];
    assert.equal(failed.id, events[0]!.data["response"].id);
    assert.equal(failed.error.message, "scripted failure");
    assert.equal(typeof failed.error.code, "string");
    model.setResponder(() => ({ type: "fail", code: "context_length_exceeded", message: "too long" }));
    const coded = await postEvents(model, { input: [] });
    assert.deepEqual(coded.at(-1)!.data["response"].error, { code: "context_length_exceeded", message: "too long" });
  });

  it("answers a throwing or rejecting responder with HTTP 500, records the request, and keeps serving", async () => {
    const before = model.requests.length;
    model.setResponder(() => {
      throw new Error("responder exploded");
    });
    const thrown = await post(model, { input: [userMessage("boom")] });
    assert.equal(thrown.status, 500);
    assert.match(((await thrown.json()) as any).error.message, /responder exploded/);
    model.setResponder(async () => Promise.reject(new Error("async explosion")));
    const rejected = await post(model, { input: [] });
    assert.equal(rejected.status, 500);
    assert.match(((await rejected.json()) as any).error.message, /async explosion/);
    assert.equal(model.requests.length, before + 2);
    assert.equal(model.requests[before]!.lastUserText, "boom");
    assert.equal(model.requests[before]!.index, before);
    model.setResponder(async () => ({ type: "message", text: "fine again" }));
    const events = await postEvents(model, { input: [] });
    assert.equal(events.at(-1)!.event, "response.completed");
  });

  it("answers other paths without hanging: GET /v1/models lists nothing, the rest is 404, bad JSON is 400", async () => {
    const before = model.requests.length;
    const models = await fetch(`${model.baseUrl}/models`);
    assert.equal(models.status, 200);
    assert.deepEqual(await models.json(), { object: "list", data: [], models: [] });
    const missing = await fetch(`${model.baseUrl}/nothing-here`, { method: "POST", body: "{}" });
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as any).error.message, /POST \/v1\/nothing-here/);
    const bad = await fetch(`${model.baseUrl}/responses`, { method: "POST", body: "{not json" });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    assert.equal(model.requests.length, before, "only served /responses requests are recorded");
  });

  it("waitForRequests resolves on the request event, times out, and counts from the start", async () => {
    model.setResponder(defaultResponder);
    const start = model.requests.length;
    await model.waitForRequests(start); // already there: resolves at once
    const waiting = model.waitForRequests(start + 2, 5_000);
    let settled = false;
    void waiting.then(() => (settled = true));
    await postEvents(model, { input: [userMessage("one")] });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, "one of two requests is not enough");
    await postEvents(model, { input: [userMessage("two")] });
    await waiting;
    await assert.rejects(model.waitForRequests(start + 10, 20), /of \d+ requests arrived within 20 ms/);
  });
});

describe("LoopbackModel lifecycle", () => {
  it("close() ends a hanging response, rejects pending waits, and is idempotent", async () => {
    const model = await LoopbackModel.start({ respond: () => ({ type: "hang" }) });
    try {
      const response = await post(model, { input: [userMessage("hang")] });
      assert.equal(response.status, 200);
      const reader = response.body!.getReader();
      const first = await reader.read();
      const text = new TextDecoder().decode(first.value);
      assert.deepEqual(parseSse(text).map((e) => e.event), ["response.created"]);
      const pending = model.waitForRequests(5, 60_000);
      const started = performance.now();
      await Promise.all([model.close(), model.close()]);
      assert.ok(performance.now() - started < 1_000, "close does not wait for the hanging response");
      await assert.rejects(pending, /closed/);
      // The stream ends (or errors): nothing more arrives after response.created.
      const rest = await reader.read().then(
        (chunk) => (chunk.done ? "" : new TextDecoder().decode(chunk.value)),
        () => "",
      );
      assert.equal(rest, "");
      await assert.rejects(fetch(`${model.baseUrl}/models`));
      await model[Symbol.asyncDispose]();
    } finally {
      await model.close();
    }
  });

  it("listens on 127.0.0.1 only", async () => {
    await assert.rejects(LoopbackModel.start({ host: "0.0.0.0" as "127.0.0.1" }), /127\.0\.0\.1/);
    await using model = await LoopbackModel.start();
    assert.match(model.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.equal(model.baseUrl, `http://127.0.0.1:${model.port}/v1`);
  });
});

describe("defaultResponder", () => {
  it("echoes the last prompt with the number of prompts, in deltas", async () => {
    const reply = await defaultResponder(requestOf([userMessage("a"), userMessage("b")]));
    assert.deepEqual(reply, { type: "message", text: "You said: b (turn 2)", deltas: 3 });
  });

  it("turns `run: CMD` into exec_command in the request's cwd", async () => {
    const reply = await defaultResponder(requestOf([userMessage("run: echo hi")], { cwd: "/w" }));
    assert.deepEqual(reply, { type: "functionCall", name: "exec_command", arguments: { cmd: "echo hi", workdir: "/w", yield_time_ms: 2000 } });
    const noCwd = await defaultResponder(requestOf([userMessage("run: ls")]));
    assert.deepEqual(noCwd, { type: "functionCall", name: "exec_command", arguments: { cmd: "ls", yield_time_ms: 2000 } });
  });

  it("reports a tool's output without exec_command's varying header (nested for apply_patch)", async () => {
    const output = (text: string) => requestOf([userMessage("run: x"), { type: "function_call_output", call_id: "c", output: text }]);
    const exec = "Chunk ID: ab12\nWall time: 0.0001 seconds\nProcess exited with code 0\nOriginal token count: 1\nOutput:\nhi\n";
    assert.deepEqual(await defaultResponder(output(exec)), { type: "message", text: "Command finished. Output:\nhi" });
    const patch = "Wall time: 0.0000 seconds\nOutput:\nExit code: 0\nWall time: 0.1 seconds\nOutput:\nSuccess. Updated the following files:\nA a.txt\n";
    assert.deepEqual(await defaultResponder(output(patch)), { type: "message", text: "Command finished. Output:\nSuccess. Updated the following files:\nA a.txt" });
    assert.deepEqual(await defaultResponder(output("  rejected by user \n")), { type: "message", text: "Command finished. Output:\nrejected by user" });
  });

  it("answers an output schema with a value that fits it", async () => {
    const outputSchema = {
      type: "object",
      properties: {
        s: { type: "string" },
        n: { type: "number" },
        i: { type: "integer" },
        b: { type: "boolean" },
        list: { type: "array", items: { type: "string" } },
        mode: { type: "string", enum: ["fast", "slow"] },
        maybe: { type: ["string", "null"] },
        nested: { type: "object", properties: { x: { type: "number" } }, required: ["x"], additionalProperties: false },
      },
    };
    const reply = (await defaultResponder(requestOf([userMessage("json please")], { outputSchema }))) as LoopbackModelStep;
    assert.ok(reply.type === "message");
    assert.deepEqual(JSON.parse(reply.text), { s: "example", n: 1, i: 1, b: true, list: [], mode: "fast", maybe: "example", nested: { x: 1 } });
  });
});

describe("createHermeticCodexHome", () => {
  it("writes HOME, CODEX_HOME with config.toml, a work dir and env; dispose removes it all", async () => {
    const home = await createHermeticCodexHome({
      modelBaseUrl: "http://127.0.0.1:1234/v1",
      sandboxMode: "workspace-write",
      extraConfigToml: '[shell_environment_policy]\ninherit = "core"',
    });
    try {
      assert.equal(path.dirname(home.home), home.root);
      assert.equal(home.env["HOME"], home.home);
      assert.equal(home.env["CODEX_HOME"], home.codexHome);
      assert.equal(home.env["RUST_LOG"], "warn");
      for (const dir of [home.home, home.codexHome, home.workDir]) assert.ok(existsSync(dir), dir);
      assert.ok(existsSync(home.env["CODEX_CA_CERTIFICATE"]!));
      const config = readFileSync(path.join(home.codexHome, "config.toml"), "utf8");
      assert.match(config, /^model = "mock-model"$/m);
      assert.match(config, /^model_provider = "mock_provider"$/m);
      const catalogPath = /^model_catalog_json = "(.+)"$/m.exec(config)?.[1];
      assert.ok(catalogPath && catalogPath.startsWith(home.codexHome), config);
      const catalog = JSON.parse(readFileSync(catalogPath, "utf8")) as { models: { slug: string }[] };
      assert.deepEqual(catalog.models.map((model) => model.slug), ["mock-model"]);
      assert.match(config, /^approval_policy = "never"$/m);
      assert.match(config, /^sandbox_mode = "workspace-write"$/m);
      assert.match(config, /^base_url = "http:\/\/127\.0\.0\.1:1234\/v1"$/m);
      assert.match(config, /^request_max_retries = 0$/m);
      assert.match(config, /^\[features\]\n(.+\n)*shell_snapshot = false$/m);
      assert.ok(config.trimEnd().endsWith('[shell_environment_policy]\ninherit = "core"'));
    } finally {
      await home.dispose();
    }
    assert.equal(existsSync(home.root), false);
    await home.dispose();
    await home[Symbol.asyncDispose]();
  });

  it('refuses approvalPolicy "untrusted", which codex 0.169 rejects in config.toml', async () => {
    await assert.rejects(createHermeticCodexHome({ modelBaseUrl: "http://127.0.0.1:1/v1", approvalPolicy: "untrusted" }), /thread\/start/);
  });
});

// --- The real binary ---------------------------------------------------------------------------

const TARGET_TRIPLES: Readonly<Record<string, string>> = {
  "linux-x64": "x86_64-unknown-linux-musl",
  "linux-arm64": "aarch64-unknown-linux-musl",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
};

function findCodexBinary(): string | undefined {
  if (process.env["CODEX_BIN"]) return process.env["CODEX_BIN"];
  const key = `${process.platform}-${process.arch}`;
  const triple = TARGET_TRIPLES[key];
  if (!triple) return undefined;
  try {
    const packageJson = createRequire(import.meta.url).resolve(`@openai/codex-${key}/package.json`);
    const binary = path.join(path.dirname(packageJson), "vendor", triple, "bin", "codex");
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const CODEX_BINARY = findCodexBinary();
const LINE_TIMEOUT_MS = 10_000;

type Message = Record<string, any>;

/** A raw JSON-lines conversation with `codex app-server`. */
class RawCodex {
  readonly messages: Message[] = [];
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  #buffer = Buffer.alloc(0);
  #stderr = "";
  #nextId = 1;
  #listeners = new Set<() => void>();

  constructor(binary: string, env: Readonly<Record<string, string>>) {
    this.child = spawn(binary, ["app-server"], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.child.stdin.on("error", () => {}); // EPIPE after an early exit shows up as a failed wait instead
    this.child.stderr.on("data", (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString("utf8")).slice(-4_000)));
    this.child.stdout.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      for (let end = this.#buffer.indexOf(10); end >= 0; end = this.#buffer.indexOf(10)) {
        const line = this.#buffer.subarray(0, end).toString("utf8");
        this.#buffer = this.#buffer.subarray(end + 1);
        if (line.trim() !== "") this.messages.push(JSON.parse(line) as Message);
      }
      for (const listener of this.#listeners) listener();
    });
  }

  send(message: Message): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  /** Resolves with the first message from `from` on that matches. */
  waitFor(predicate: (message: Message) => boolean, from = 0): Promise<Message> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.slice(from).find(predicate);
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching message within ${LINE_TIMEOUT_MS} ms; stderr tail:\n${this.#stderr}`));
      }, LINE_TIMEOUT_MS);
      const cleanup = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
      check();
    });
  }

  async request(method: string, params: unknown): Promise<Message> {
    const id = this.#nextId++;
    const from = this.messages.length;
    this.send({ id, method, params });
    const reply = await this.waitFor((m) => m["id"] === id && m["method"] === undefined, from);
    assert.equal(reply["error"], undefined, `${method} failed: ${JSON.stringify(reply["error"])}`);
    return reply["result"] as Message;
  }

  /** Starts a turn and resolves with every message of it once `turn/completed` arrives. */
  async turn(threadId: string, text: string): Promise<{ completed: Message; messages: Message[] }> {
    const from = this.messages.length;
    await this.request("turn/start", { threadId, input: [{ type: "text", text, text_elements: [] }] });
    const completed = await this.waitFor((m) => m["method"] === "turn/completed" && m["params"].threadId === threadId, from);
    return { completed, messages: this.messages.slice(from, this.messages.indexOf(completed) + 1) };
  }

  async close(): Promise<number | null> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

const completedItems = (messages: Message[], type: string) =>
  messages.filter((m) => m["method"] === "item/completed" && m["params"].item.type === type).map((m) => m["params"].item as Message);

describe("the real codex app-server against LoopbackModel", { skip: CODEX_BINARY ? false : "the codex binary for this platform is not installed" }, () => {
  let model: LoopbackModel;
  let home: HermeticCodexHome;
  let codex: RawCodex | undefined;
  let respond: LoopbackModelResponder = defaultResponder;
  before(async () => {
    model = await LoopbackModel.start({ respond: (request) => respond(request) });
    // danger-full-access: commands run without bubblewrap, so the test also passes where user namespaces are off.
    home = await createHermeticCodexHome({ modelBaseUrl: model.baseUrl, sandboxMode: "danger-full-access" });
    codex = new RawCodex(CODEX_BINARY!, home.env);
    const initialized = await codex.request("initialize", { clientInfo: { name: "codex-rpc-test", title: "test", version: "0" }, capabilities: {} });
    assert.equal(initialized["codexHome"], home.codexHome);
    codex.send({ method: "initialized" });
  });
  after(async () => {
    try {
      if (codex && codex.child.exitCode === null) assert.equal(await codex.close(), 0);
    } finally {
      if (codex && codex.child.exitCode === null) codex.child.kill("SIGKILL");
      await model?.close();
      await home?.dispose();
    }
  });
  const startThread = async () => ((await codex!.request("thread/start", { cwd: home.workDir })) as any).thread.id as string;

  it("runs a turn: the model sees the prompt and codex reports the echoed answer", async () => {
    respond = defaultResponder;
    const threadId = await startThread();
    const before = model.requests.length;
    const { completed, messages } = await codex!.turn(threadId, "hello");
    assert.equal(completed["params"].turn.status, "completed");
    assert.deepEqual(completedItems(messages, "agentMessage").map((item) => item["text"]), ["You said: hello (turn 1)"]);
    const deltas = messages.filter((m) => m["method"] === "item/agentMessage/delta").map((m) => m["params"].delta);
    assert.equal(deltas.join(""), "You said: hello (turn 1)");
    assert.ok(messages.some((m) => m["method"] === "thread/tokenUsage/updated"));
    const request = model.requests[before]!;
    assert.deepEqual(request.userTexts, ["hello"]);
    assert.equal(request.cwd, home.workDir);
    assert.equal(request.body["stream"], true);
  });

  it("runs `run: echo hi` as a commandExecution with exit code 0 and reports its output", async () => {
    respond = defaultResponder;
    const threadId = await startThread();
    const before = model.requests.length;
    const { completed, messages } = await codex!.turn(threadId, "run: echo hi");
    assert.equal(completed["params"].turn.status, "completed");
    const [command] = completedItems(messages, "commandExecution");
    assert.ok(command, "a commandExecution item");
    assert.equal(command["exitCode"], 0);
    assert.equal(command["status"], "completed");
    assert.equal(command["cwd"], home.workDir);
    assert.equal(command["aggregatedOutput"], "hi\n");
    assert.deepEqual(completedItems(messages, "agentMessage").map((item) => item["text"]), ["Command finished. Output:\nhi"]);
    assert.equal(model.requests.length, before + 2);
    assert.equal(model.requests[before + 1]!.functionCallOutputs.length, 1);
  });

  it("fails the turn on a fail step and ends a hanging response on turn/interrupt", async () => {
    const threadId = await startThread();
    respond = () => ({ type: "fail", message: "scripted failure" });
    const failed = await codex!.turn(threadId, "fail please");
    assert.equal(failed.completed["params"].turn.status, "failed");
    assert.match(failed.completed["params"].turn.error.message, /scripted failure/);

    respond = () => ({ type: "hang" });
    const from = codex!.messages.length;
    const before = model.requests.length;
    const turn = (await codex!.request("turn/start", { threadId, input: [{ type: "text", text: "hang", text_elements: [] }] })) as any;
    await model.waitForRequests(before + 1);
    await codex!.request("turn/interrupt", { threadId, turnId: turn.turn.id });
    const completed = await codex!.waitFor((m) => m["method"] === "turn/completed" && m["params"].threadId === threadId, from);
    assert.equal(completed["params"].turn.status, "interrupted");
  });
});
