/**
 * A scripted Responses-API model on 127.0.0.1 (node:http only), so the real codex binary can run
 * offline: codex POSTs the whole conversation to `/v1/responses` and reads the answer as
 * server-sent events. A responder decides each answer from the parsed request.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { commandOutput, contentText, decodeBody, exampleForSchema, functionOutputText, isRecord, splitText, tokenCount, unescapeXml } from "./loopbackModelText.ts";

/** One `POST /v1/responses` as codex sent it, parsed for assertions and responders. */
export interface LoopbackModelRequest {
  /** 0-based count of `/v1/responses` requests served before this one. */
  readonly index: number;
  /** The parsed JSON request body. */
  readonly body: Readonly<Record<string, unknown>>;
  /** `body.input`: the whole conversation so far. */
  readonly input: readonly unknown[];
  /** Text of every real user prompt in `input`, in order (codex's injected context blocks left out). */
  readonly userTexts: readonly string[];
  /** The newest entry of `userTexts`. */
  readonly lastUserText: string | undefined;
  /** Every `function_call_output` item in `input`, in order. */
  readonly functionCallOutputs: readonly { callId: string; output: string }[];
  /** `body.text.format.schema` when the format is `json_schema` (a turn's `outputSchema`), else undefined. */
  readonly outputSchema: unknown;
  /** The `<cwd>` of the newest `<environment_context>` in `input`, if any. */
  readonly cwd: string | undefined;
  /** True when codex asks for a code review (`review/start`): `input` carries its review guidelines. */
  readonly review: boolean;
}

/** One output item of a scripted response, or how the response ends. */
export type LoopbackModelStep =
  /** An assistant message; with `deltas`, first streamed as that many `output_text` deltas. */
  | { readonly type: "message"; readonly text: string; readonly deltas?: number }
  /** A tool call; `name` defaults to `exec_command`, `callId` to a generated id; `namespace` for namespaced tools (MCP servers: `mcp__NAME`). */
  | {
      readonly type: "functionCall";
      readonly name?: string;
      readonly namespace?: string;
      readonly arguments: Readonly<Record<string, unknown>>;
      readonly callId?: string;
    }
  /** Ends the response with `response.failed` (the turn fails); later steps are ignored. */
  | { readonly type: "fail"; readonly code?: string; readonly message: string }
  /** Sends nothing more until the client goes away (keeps the turn running); later steps are ignored. */
  | { readonly type: "hang" };

/** What a responder returns: one step or several, emitted in order. */
export type LoopbackModelReply = LoopbackModelStep | readonly LoopbackModelStep[];

/** Decides the answer to each request; a throw (or rejection) becomes an HTTP 500 with its message. */
export type LoopbackModelResponder = (request: LoopbackModelRequest) => LoopbackModelReply | Promise<LoopbackModelReply>;

/** Options of {@link LoopbackModel.start}. */
export interface LoopbackModelOptions {
  /** Decides every answer; default {@link defaultResponder}. */
  readonly respond?: LoopbackModelResponder;
  /** The only address supported: the model never listens beyond loopback. */
  readonly host?: "127.0.0.1";
}

/** Default of {@link LoopbackModel.waitForRequests}. */
export const DEFAULT_WAIT_FOR_REQUESTS_TIMEOUT_MS = 10_000;

// User-role messages codex writes itself; they are context, not prompts.
const INJECTED_USER_TEXT_PREFIXES = ["<environment_context>", "# AGENTS.md", "<user_instructions>", "<turn_aborted>"];

// How codex's review prompt (a developer message) begins.
const REVIEW_GUIDELINES_PREFIX = "# Review guidelines";

interface Waiter {
  readonly count: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** The model server; see the module comment. Start it with {@link LoopbackModel.start}. */
export class LoopbackModel implements AsyncDisposable {
  /** The TCP port it listens on (on 127.0.0.1). */
  readonly port: number;
  /** The provider `base_url` for codex's config: `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string;
  readonly #server: Server;
  readonly #requests: LoopbackModelRequest[] = [];
  readonly #waiters = new Set<Waiter>();
  #respond: LoopbackModelResponder;
  #closing: Promise<void> | undefined;

  private constructor(server: Server, respond: LoopbackModelResponder) {
    this.#server = server;
    this.#respond = respond;
    this.port = (server.address() as AddressInfo).port;
    this.baseUrl = `http://127.0.0.1:${this.port}/v1`;
  }

  /** Starts a model on a free port of 127.0.0.1; resolves once it is listening. */
  static async start(options: LoopbackModelOptions = {}): Promise<LoopbackModel> {
    const host = options.host ?? "127.0.0.1";
    if (host !== "127.0.0.1") throw new TypeError(`LoopbackModel listens on 127.0.0.1 only, not ${String(host)}`);
    const server = createServer();
    server.listen(0, host);
    await once(server, "listening");
    const model = new LoopbackModel(server, options.respond ?? defaultResponder);
    server.on("request", (req, res) => {
      model.#handle(req, res).catch((error: unknown) => {
        // Only a broken socket gets here; the answer cannot be delivered anyway.
        if (!res.headersSent) sendJson(res, 500, { error: { message: errorMessage(error) } });
        else res.destroy();
      });
    });
    return model;
  }

  /** Every `/v1/responses` request served (including ones whose responder threw), in order. */
  get requests(): readonly LoopbackModelRequest[] {
    return this.#requests;
  }

  /** Replaces the responder for requests that arrive from now on. */
  setResponder(respond: LoopbackModelResponder): void {
    this.#respond = respond;
  }

  /** Resolves once `requests.length >= count`; rejects after `timeoutMs` (default 10,000 ms) or when the model closes. */
  waitForRequests(count: number, timeoutMs: number = DEFAULT_WAIT_FOR_REQUESTS_TIMEOUT_MS): Promise<void> {
    if (this.#requests.length >= count) return Promise.resolve();
    if (this.#closing) return Promise.reject(new Error(`LoopbackModel is closed; ${this.#requests.length} of ${count} requests arrived`));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`LoopbackModel: ${this.#requests.length} of ${count} requests arrived within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = { count, resolve, reject, timer };
      this.#waiters.add(waiter);
    });
  }

  /** Stops listening and destroys open connections, hanging responses included; idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const waiter of this.#waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`LoopbackModel closed; ${this.#requests.length} of ${waiter.count} requests arrived`));
      }
      this.#waiters.clear();
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeAllConnections();
      await closed;
    })();
    return this.#closing;
  }

  /** Same as {@link LoopbackModel.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname.replace(/\/+$/, "");
    const raw = await readBody(req);
    if (req.method === "GET" && path.endsWith("/models")) {
      sendJson(res, 200, { object: "list", data: [], models: [] });
      return;
    }
    if (req.method !== "POST" || !path.endsWith("/responses")) {
      sendJson(res, 404, { error: { message: `LoopbackModel serves POST /v1/responses, not ${req.method} ${path}` } });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(decodeBody(raw, req.headers["content-encoding"]).toString("utf8"));
    } catch (error) {
      sendJson(res, 400, { error: { message: `LoopbackModel could not parse the request body: ${errorMessage(error)}` } });
      return;
    }
    if (!isRecord(body)) {
      sendJson(res, 400, { error: { message: "LoopbackModel expects a JSON object as the request body" } });
      return;
    }
    const request = parseRequest(this.#requests.length, body);
    this.#requests.push(request);
    this.#notifyWaiters();
    let reply: LoopbackModelReply;
    try {
      reply = await this.#respond(request);
    } catch (error) {
      sendJson(res, 500, { error: { message: errorMessage(error), type: "server_error", code: "loopback_responder_error" } });
      return;
    }
    streamReply(res, request, Array.isArray(reply) ? (reply as readonly LoopbackModelStep[]) : [reply as LoopbackModelStep]);
  }

  #notifyWaiters(): void {
    for (const waiter of this.#waiters) {
      if (this.#requests.length < waiter.count) continue;
      clearTimeout(waiter.timer);
      this.#waiters.delete(waiter);
      waiter.resolve();
    }
  }
}

/**
 * The default responder, deterministic and offline: after a tool call it reports the output
 * (`Command finished. Output:\nOUTPUT`, without exec_command's timing header); a prompt `run: CMD` becomes an `exec_command` call of CMD
 * in the request's cwd; with an output schema it answers a JSON value fitting the schema; a
 * code review gets a review without findings (`overall_explanation`: `Reviewed: PROMPT`);
 * otherwise it echoes `You said: PROMPT (turn N)` in three deltas, N being the number of prompts.
 */
export const defaultResponder: LoopbackModelResponder = (request) => {
  const newest = request.input.at(-1);
  if (isRecord(newest) && newest["type"] === "function_call_output") {
    return { type: "message", text: `Command finished. Output:\n${commandOutput(functionOutputText(newest["output"])).trim()}` };
  }
  const prompt = request.lastUserText;
  if (prompt?.startsWith("run: ")) {
    const args: Record<string, unknown> = { cmd: prompt.slice("run: ".length) };
    if (request.cwd !== undefined) args["workdir"] = request.cwd;
    args["yield_time_ms"] = 2000;
    return { type: "functionCall", name: "exec_command", arguments: args };
  }
  if (request.outputSchema !== undefined) {
    return { type: "message", text: JSON.stringify(exampleForSchema(request.outputSchema)) };
  }
  if (request.review) {
    // The JSON codex's review prompt asks for; codex turns it into the review text.
    const review = { findings: [], overall_correctness: "patch is correct", overall_explanation: `Reviewed: ${prompt ?? ""}`, overall_confidence_score: 0.5 };
    return { type: "message", text: JSON.stringify(review) };
  }
  return { type: "message", text: `You said: ${prompt ?? ""} (turn ${request.userTexts.length})`, deltas: 3 };
};

function parseRequest(index: number, body: Record<string, unknown>): LoopbackModelRequest {
  const input = Array.isArray(body["input"]) ? (body["input"] as unknown[]) : [];
  const userTexts: string[] = [];
  const functionCallOutputs: { callId: string; output: string }[] = [];
  let cwd: string | undefined;
  let review = false;
  for (const item of input) {
    if (!isRecord(item)) continue;
    if (item["role"] === "developer" && contentText(item["content"]).startsWith(REVIEW_GUIDELINES_PREFIX)) review = true;
    if (item["type"] === "function_call_output") {
      functionCallOutputs.push({ callId: String(item["call_id"] ?? ""), output: functionOutputText(item["output"]) });
      continue;
    }
    if ((item["type"] ?? "message") !== "message" || item["role"] !== "user") continue;
    const text = contentText(item["content"]);
    const cwdMatch = /^<environment_context>[\s\S]*?<cwd>([\s\S]*?)<\/cwd>/.exec(text);
    if (cwdMatch?.[1] !== undefined) cwd = unescapeXml(cwdMatch[1].trim());
    if (!INJECTED_USER_TEXT_PREFIXES.some((prefix) => text.startsWith(prefix))) userTexts.push(text);
  }
  const format = isRecord(body["text"]) ? body["text"]["format"] : undefined;
  const outputSchema = isRecord(format) && format["type"] === "json_schema" ? format["schema"] : undefined;
  return { index, body, input, userTexts, lastUserText: userTexts.at(-1), functionCallOutputs, outputSchema, cwd, review };
}

function streamReply(res: ServerResponse, request: LoopbackModelRequest, steps: readonly LoopbackModelStep[]): void {
  const responseId = `resp_${request.index}`;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send("response.created", { response: { id: responseId, status: "in_progress" } });
  let outputTokens = 0;
  for (const [outputIndex, step] of steps.entries()) {
    const itemId = `${responseId}_item_${outputIndex}`;
    switch (step.type) {
      case "message": {
        const message = { type: "message", role: "assistant", id: itemId };
        send("response.output_item.added", { output_index: outputIndex, item: { ...message, status: "in_progress", content: [] } });
        for (const delta of splitText(step.text, step.deltas ?? 0)) {
          send("response.output_text.delta", { item_id: itemId, output_index: outputIndex, content_index: 0, delta });
        }
        const content = [{ type: "output_text", text: step.text, annotations: [] }];
        send("response.output_item.done", { output_index: outputIndex, item: { ...message, status: "completed", content } });
        outputTokens += tokenCount(step.text);
        break;
      }
      case "functionCall": {
        const item = {
          type: "function_call",
          id: itemId,
          call_id: step.callId ?? `call_${request.index}_${outputIndex}`,
          name: step.name ?? "exec_command",
          ...(step.namespace ? { namespace: step.namespace } : {}),
          arguments: JSON.stringify(step.arguments),
        };
        send("response.output_item.added", { output_index: outputIndex, item: { ...item, status: "in_progress" } });
        send("response.output_item.done", { output_index: outputIndex, item: { ...item, status: "completed" } });
        outputTokens += tokenCount(item.arguments);
        break;
      }
      case "fail":
        send("response.failed", {
          response: { id: responseId, status: "failed", error: { code: step.code ?? "server_error", message: step.message } },
        });
        res.end();
        return;
      case "hang":
        // Keep the stream open; codex ends it by going away (interrupt, exit) or close() destroys it.
        return;
    }
  }
  const inputTokens = 10 * request.input.length + request.userTexts.reduce((sum, text) => sum + tokenCount(text), 0);
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
  send("response.completed", { response: { id: responseId, status: "completed", usage } });
  res.end();
}

/** A value fitting simple JSON schemas: enums take their first value, objects fill every property. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
