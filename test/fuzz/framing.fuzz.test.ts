/**
 * A fuzzer for the framing and the connection: streams of valid app-server messages, mutated
 * (bit flips, truncations, splices of two messages, inserted bytes and newlines, JSON that parses
 * but breaks the envelope or a schema) and cut into random chunks, fed to a JsonlMessageReader
 * and to a ProtocolConnection. Checks: no uncaught exception, no unhandled rejection, no hang,
 * every valid line delivered intact, and every malformed line reported as exactly one error.
 * Fixed seed (FUZZ_SEED overrides it), fixed iteration counts, a time budget as a safety net.
 */
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, it, type TestContext } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { AgentError } from "../../src/errors.ts";
import { checkEnvelope, JsonRpcMessageSchema } from "../../src/protocol/envelope.ts";
import { ProtocolConnection } from "../../src/protocol/protocolConnection.ts";
import { JsonlFrameError, JsonlMessageReader } from "../../src/transport/jsonlMessageReader.ts";
import { JsonlMessageWriter } from "../../src/transport/jsonlMessageWriter.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_c0de);
const READER_ITERATIONS = 1000;
const CONNECTION_ITERATIONS = 400;
const FRAMES_PER_STREAM = 24;
/** Safety net: stop early (and say so) rather than hang; wide, so a loaded machine still runs every iteration (unloaded: a few seconds). */
const BUDGET_MS = 40_000;
/** Longest a single stream may take to be read to its end. */
const STREAM_DEADLINE_MS = 2_000;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)]!, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof prng>;

const THREAD = "01a20759-e00a-7d71-8e1a-304b8b669a61";
const TURN = "0199a213-81c0-7800-8aa1-bbab2a035a53";
const USAGE = { cachedInputTokens: 0, inputTokens: 1200, outputTokens: 35, reasoningOutputTokens: 0, totalTokens: 1235 };

/** Messages as codex 0.169 sends them (shapes from PROTOCOL-NOTES.md and recorded sessions). */
const CORPUS: readonly Record<string, unknown>[] = [
  { id: 0, result: { userAgent: "codex-rpc/0.169.0 (Debian 12.0.0; x86_64)", codexHome: "/tmp/h/codex-home", platformFamily: "unix", platformOs: "linux" } },
  { method: "configWarning", params: { summary: "Codex could not find bubblewrap on PATH.", details: null }, emittedAtMs: 1795419660284 },
  { method: "remoteControl/status/changed", params: { status: "disabled", serverName: "vm", environmentId: null }, emittedAtMs: 1795419660284 },
  { id: 1, result: { thread: { id: THREAD, cwd: "/tmp/w", turns: [] }, model: "mock-model", modelProvider: "mock_provider", cwd: "/tmp/w", approvalPolicy: "never", sandbox: { type: "readOnly" }, reasoningEffort: null } },
  { method: "thread/started", params: { thread: { id: THREAD, cwd: "/tmp/w" } }, emittedAtMs: 1795419660301 },
  { id: 2, result: { turn: { id: TURN, status: "inProgress", items: [], error: null } } },
  { method: "thread/status/changed", params: { threadId: THREAD, status: { type: "active", activeFlags: [] } }, emittedAtMs: 1795419660302 },
  { method: "turn/started", params: { threadId: THREAD, turn: { id: TURN, status: "inProgress", items: [], error: null } }, emittedAtMs: 1795419660303 },
  { method: "item/started", params: { threadId: THREAD, turnId: TURN, item: { type: "userMessage", id: "u1", content: [{ type: "text", text: "héllo 😀", text_elements: [] }] } }, emittedAtMs: 1795419660304 },
  { method: "item/agentMessage/delta", params: { threadId: THREAD, turnId: TURN, itemId: "m1", delta: "You said: héllo\u2028world\u2029 — ✓ 漢字" }, emittedAtMs: 1795419660305 },
  { method: "item/completed", params: { threadId: THREAD, turnId: TURN, item: { type: "agentMessage", id: "m1", text: "You said: héllo\u2028world", phase: "final_answer" } }, emittedAtMs: 1795419660306 },
  {
    method: "item/completed",
    params: { threadId: THREAD, turnId: TURN, item: { type: "commandExecution", id: "c1", command: "echo hi", cwd: "/tmp/w", status: "completed", commandActions: [], exitCode: 0, aggregatedOutput: "hi\n", durationMs: 12 } },
    emittedAtMs: 1795419660307,
  },
  { method: "thread/tokenUsage/updated", params: { threadId: THREAD, turnId: TURN, tokenUsage: { total: USAGE, last: USAGE, modelContextWindow: 272000 } }, emittedAtMs: 1795419660308 },
  { method: "error", params: { threadId: THREAD, turnId: TURN, willRetry: false, error: { message: "stream disconnected", codexErrorInfo: "other" } }, emittedAtMs: 1795419660309 },
  { method: "turn/completed", params: { threadId: THREAD, turn: { id: TURN, status: "completed", items: [], error: null, durationMs: 843 } }, emittedAtMs: 1795419660310 },
  { id: 0, method: "item/commandExecution/requestApproval", params: { threadId: THREAD, turnId: TURN, itemId: "c2", command: "rm -rf /", cwd: "/tmp/w", reason: "why not" } },
  { id: 1, method: "item/fileChange/requestApproval", params: { threadId: THREAD, turnId: TURN, itemId: "f1" } },
  { id: 2, method: "some/futureRequest", params: { x: [1, 2, 3] } },
  { id: 3, error: { code: -32001, message: "Server overloaded; retry later." } },
  { id: 4, error: { code: -32600, message: "Invalid request: unknown variant `x`", data: null } },
  { id: null, error: { code: -32700, message: "Parse error" } },
  { method: "account/rateLimits/updated", params: { rateLimits: { primary: null, secondary: null } }, emittedAtMs: 1795419660311 },
];
const CORPUS_LINES = CORPUS.map((message) => Buffer.from(JSON.stringify(message), "utf8"));

/** Valid JSON that breaks the envelope or a method's schema. */
function structuralMutation(random: Random): Buffer {
  const message = structuredClone(random.pick(CORPUS)) as Record<string, unknown>;
  const keys = Object.keys(message);
  const odd = [null, 0, -1, 1e308, "", "x", true, [], {}, [1, "a"], { nested: { deep: [null] } }];
  switch (random.int(6)) {
    case 0:
      delete message[random.pick(keys)];
      break;
    case 1:
      message[random.pick(keys)] = random.pick(odd);
      break;
    case 2:
      message[random.pick(["jsonrpc", "extra", "result", "error", "method", "id"])] = random.pick(odd);
      break;
    case 3: {
      const params = message.params as Record<string, unknown> | undefined;
      if (params && typeof params === "object") params[random.pick(Object.keys(params).concat("threadId"))] = random.pick(odd);
      else message.params = random.pick(odd);
      break;
    }
    case 4:
      return Buffer.from(JSON.stringify(random.pick([[message], 42, "str", null, true, [], 1.5])), "utf8");
    default:
      message.method = random.pick(["turn/completed", "item/completed", "error", "$/cancelRequest", "$/progress", "initialize", ""]);
  }
  return Buffer.from(JSON.stringify(message), "utf8");
}

const INSERTS = [Buffer.from("\n"), Buffer.from("\r"), Buffer.from("\r\n"), Buffer.from("\u2028"), Buffer.from([0xff]), Buffer.from([0xe2, 0x80]), Buffer.from([0]), Buffer.from("{"), Buffer.from('"'), Buffer.from(" ")];

/** One frame: a valid line, or a mutation of one. May contain `\n` (then it is several lines). */
function frame(random: Random): Buffer {
  const base = random.pick(CORPUS_LINES);
  switch (random.int(10)) {
    case 0:
    case 1:
    case 2:
      return base;
    case 3: {
      const bytes = Buffer.from(base);
      for (let flips = 1 + random.int(3); flips > 0; flips--) bytes[random.int(bytes.length)]! ^= 1 << random.int(8);
      return bytes;
    }
    case 4:
      return base.subarray(0, random.int(base.length));
    case 5: {
      const other = random.pick(CORPUS_LINES);
      return Buffer.concat([base.subarray(0, random.int(base.length)), other.subarray(random.int(other.length))]);
    }
    case 6: {
      const at = random.int(base.length);
      return Buffer.concat([base.subarray(0, at), random.pick(INSERTS), base.subarray(at)]);
    }
    case 7:
      return Buffer.from(Array.from({ length: random.int(40) }, () => random.int(256)));
    case 8:
      return structuralMutation(random);
    default: {
      const at = random.int(base.length);
      return random.chance(0.5) ? Buffer.concat([base.subarray(0, at), base.subarray(at + 1)]) : Buffer.concat([base.subarray(0, at + 1), base.subarray(at)]);
    }
  }
}

/** A stream of frames with separators (`\n`, `\r\n`, blank lines), and how it splits into chunks. */
function stream(random: Random): { bytes: Buffer; chunks: Buffer[] } {
  const parts: Buffer[] = [];
  for (let i = 0; i < FRAMES_PER_STREAM; i++) {
    parts.push(frame(random));
    parts.push(Buffer.from(random.pick(["\n", "\n", "\n", "\r\n", "\n\n", "\n \t\n", "\r\n\r\n"])));
  }
  if (random.chance(0.3)) parts.pop(); // the last line ends with the stream, not a newline
  const bytes = Buffer.concat(parts);
  const chunks: Buffer[] = [];
  const style = random.int(4);
  for (let at = 0; at < bytes.length; ) {
    const size = style === 0 ? 1 : style === 1 ? 1 + random.int(7) : style === 2 ? 1 + random.int(300) : bytes.length;
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return { bytes, chunks };
}

/**
 * What the reader must make of `bytes`: the spec of the framing, written out independently (the
 * envelope judged by the zod union itself, not by checkEnvelope's fast path).
 */
function expected(bytes: Buffer): { messages: unknown[]; errors: number } {
  const messages: unknown[] = [];
  let errors = 0;
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    const last = end === -1;
    if (last) end = bytes.length;
    let lineEnd = end;
    if (lineEnd > start && bytes[lineEnd - 1] === 0x0d) lineEnd--;
    if (lineEnd > start) {
      const text = bytes.toString("utf8", start, lineEnd);
      let value: unknown;
      let parsed = true;
      try {
        value = JSON.parse(text);
      } catch {
        parsed = false;
      }
      if (!parsed) {
        if (!/^\s*$/.test(text)) errors++;
      } else if (typeof value !== "object" || value === null || Array.isArray(value) || !JsonRpcMessageSchema.safeParse(value).success) errors++;
      else messages.push(value);
    }
    if (last) break;
    start = end + 1;
  }
  return { messages, errors };
}

/** Rejects after `ms` unless `promise` settles first. */
function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`hang: ${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Collects uncaught exceptions and unhandled rejections while `body` runs. */
async function guarded(body: () => Promise<void>): Promise<unknown[]> {
  const escaped: unknown[] = [];
  const onEscape = (error: unknown) => escaped.push(error);
  process.on("uncaughtException", onEscape);
  process.on("unhandledRejection", onEscape);
  try {
    await body();
    // Let late rejections surface (they are reported once the microtask queue drains) before the listeners go.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("uncaughtException", onEscape);
    process.off("unhandledRejection", onEscape);
  }
  return escaped;
}

function report(t: TestContext, line: string): void {
  t.diagnostic(line);
}

describe("framing fuzzer", { timeout: 60_000 }, () => {
  it("JsonlMessageReader: every valid line delivered intact, every malformed line one error, never a crash or hang", async (t) => {
    const random = prng(SEED);
    let iterations = 0;
    let delivered = 0;
    let rejected = 0;
    const started = performance.now();
    const escaped = await guarded(async () => {
      for (; iterations < READER_ITERATIONS && performance.now() - started < BUDGET_MS; iterations++) {
        const { bytes, chunks } = stream(random);
        const want = expected(bytes);
        const input = new PassThrough();
        const reader = new JsonlMessageReader(input, { checkMessage: checkEnvelope });
        const messages: unknown[] = [];
        const errors: Error[] = [];
        reader.listen((message) => messages.push(message));
        reader.onError((error) => errors.push(error));
        const closed = new Promise<void>((resolve) => reader.onClose(() => resolve()));
        for (const chunk of chunks) input.write(chunk);
        input.end();
        await deadline(closed, STREAM_DEADLINE_MS, `reading stream #${iterations}`);
        const context = `seed ${SEED}, iteration ${iterations}, stream ${JSON.stringify(bytes.toString("latin1")).slice(0, 2000)}`;
        assert.equal(errors.length, want.errors, `error events (${context})`);
        for (const error of errors) assert.ok(error instanceof JsonlFrameError, `${String(error)} (${context})`);
        assert.ok(isDeepStrictEqual(messages, want.messages), `delivered messages differ (${context})`);
        assert.equal(reader.framesRejected, want.errors);
        delivered += messages.length;
        rejected += errors.length;
      }
    });
    report(t, `reader fuzz: seed ${SEED}, ${iterations} streams, ${iterations * FRAMES_PER_STREAM} frames, ${delivered} messages delivered, ${rejected} malformed lines reported, ${Math.round(performance.now() - started)} ms`);
    assert.deepEqual(escaped, []);
    assert.equal(iterations, READER_ITERATIONS, `the time budget of ${BUDGET_MS} ms ran out after ${iterations} iterations`);
  });

  it("ProtocolConnection over the reader: every malformed frame reported, every request settled, every server request answered, never a crash or hang", async (t) => {
    const seed = (SEED ^ 0x9e3779b9) >>> 0;
    const random = prng(seed);
    let iterations = 0;
    let frameErrors = 0;
    let otherErrors = 0;
    let answeredCount = 0;
    const started = performance.now();
    const escaped = await guarded(async () => {
      for (; iterations < CONNECTION_ITERATIONS && performance.now() - started < BUDGET_MS; iterations++) {
        const { bytes, chunks } = stream(random);
        const want = expected(bytes);
        const input = new PassThrough();
        const output = new PassThrough();
        // The client writes whole lines; note the ids it answers (messages without a method) as they come.
        const answered = new Set<string>();
        let unanswered = () => true;
        let onAnswersComplete = () => {};
        output.on("data", (chunk: Buffer) => {
          for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
            const message = JSON.parse(line) as Record<string, unknown>;
            if (message.method === undefined) answered.add(String(message.id));
          }
          if (!unanswered()) onAnswersComplete();
        });
        const reader = new JsonlMessageReader(input, { checkMessage: checkEnvelope });
        const writer = new JsonlMessageWriter(output);
        const protocolErrors: AgentError[] = [];
        const connection = new ProtocolConnection({
          reader,
          writer,
          onProtocolError: (error) => protocolErrors.push(error),
          overloadRetry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
        });
        let notifications = 0;
        connection.onNotification(() => notifications++);
        connection.onInvalidNotification(() => {});
        // Requests with ids 0..2, so that fuzzed responses (ids 0..4) meet pending ones.
        const requests = [
          connection.request("initialize", { clientInfo: { name: "fuzz", version: "0" } }),
          connection.request("thread/start", { cwd: "/tmp/w" }),
          connection.request("turn/start", { threadId: THREAD, input: [{ type: "text", text: "x" }] }),
        ].map((request) => request.then(() => "resolved", (error: unknown) => error));
        const closed = new Promise<void>((resolve) => reader.onClose(() => resolve()));
        for (const chunk of chunks) input.write(chunk);
        input.end();
        await deadline(closed, STREAM_DEADLINE_MS, `connection stream #${iterations}`);
        // Every request the fuzzed stream carried gets an answer (a result or an error): wait for them.
        // A server that reuses an id breaks the protocol; each of its requests is answered, so count ids.
        const requestIds = new Set(
          want.messages.filter((m) => typeof (m as { method?: unknown }).method === "string" && "id" in (m as object)).map((m) => String((m as { id: unknown }).id)),
        );
        unanswered = () => [...requestIds].some((id) => !answered.has(id));
        await deadline(
          new Promise<void>((resolve) => {
            onAnswersComplete = resolve;
            if (!unanswered()) resolve();
          }),
          STREAM_DEADLINE_MS,
          `answering the server requests of stream #${iterations} (ids ${[...requestIds].join()}; answered ${[...answered].join()})`,
        );
        connection.close();
        const outcomes = await deadline(Promise.all(requests), STREAM_DEADLINE_MS, `settling the requests of stream #${iterations}`);
        const context = `seed ${seed}, iteration ${iterations}, stream ${JSON.stringify(bytes.toString("latin1")).slice(0, 2000)}`;
        for (const outcome of outcomes) {
          assert.ok(outcome === "resolved" || outcome instanceof AgentError, `a request settled with ${String(outcome)} (${context})`);
        }
        const fromFrames = protocolErrors.filter((error) => error.cause instanceof JsonlFrameError);
        assert.equal(fromFrames.length, want.errors, `frame errors reported (${context})`);
        frameErrors += fromFrames.length;
        otherErrors += protocolErrors.length - fromFrames.length;
        assert.deepEqual([...answered].sort(), [...requestIds].sort(), `answers to server requests (${context})`);
        answeredCount += answered.size;
        assert.ok(notifications <= want.messages.length);
      }
    });
    report(
      t,
      `connection fuzz: seed ${seed}, ${iterations} streams, ${frameErrors} malformed frames reported, ${otherErrors} other protocol errors (schema, unknown ids), ${answeredCount} server requests answered, ${Math.round(performance.now() - started)} ms`,
    );
    assert.deepEqual(escaped, []);
    assert.equal(iterations, CONNECTION_ITERATIONS, `the time budget of ${BUDGET_MS} ms ran out after ${iterations} iterations`);
  });
});
