/**
 * Tracing end to end, against the real codex binary: a turn is one span with its ids, model,
 * status and usage; its requests are child spans whose W3C trace context goes out on the wire;
 * no prompt, answer, command or message text reaches any span; a failed turn is an ERROR span
 * with its code; without a tracer nothing breaks and nothing is added to the requests.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { SPAN_ATTRIBUTES } from "../../src/codex/tracing.ts";
import { AgentError, RpcError } from "../../src/errors.ts";
import { defaultResponder, type LoopbackModelResponder } from "../../src/testing/loopbackModel.ts";
import { startRealCodex, type RealCodex } from "../helpers/realCodex.ts";

type Sent = Record<string, unknown> & { method?: string; id?: unknown; trace?: { traceparent?: string; tracestate?: string } };

const PROMPT = "tracing-prompt-marker-5b1e please";
const FAILURE_TEXT = "model-failure-text-marker-77c2";
const COMMAND_MARKER = "command-marker-9d4f";

/** A responder that fails the turn whose prompt asks for it, and echoes (or runs) the rest. */
const respond: LoopbackModelResponder = (request) => {
  if (request.functionCallOutputs.length === 0 && request.lastUserText?.startsWith("fail")) return { type: "fail", code: "server_error", message: FAILURE_TEXT };
  if (request.lastUserText?.startsWith("hang")) return { type: "hang" };
  return defaultResponder(request);
};

function tracerSetup() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider };
}

function named(spans: readonly ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

/** Everything a span holds that an exporter would send, as text. */
function spanText(span: ReadableSpan): string {
  return JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, status: span.status, links: span.links });
}

function childOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return child.parentSpanContext?.spanId === parent.spanContext().spanId && child.spanContext().traceId === parent.spanContext().traceId;
}

describe("tracing with a tracer given", () => {
  const { exporter, provider } = tracerSetup();
  const sent: Sent[] = [];
  const received: Sent[] = [];
  let codex: RealCodex;
  let initializeSpans: ReadableSpan[] = [];
  before(async () => {
    codex = await startRealCodex({
      respond,
      backend: {
        tracing: { tracer: provider.getTracer("test") },
        onTraffic: (direction, message) => (direction === "c2s" ? sent : received).push(message as Sent),
      },
    });
    initializeSpans = named(exporter.getFinishedSpans(), "codex.rpc initialize");
  });
  after(async () => {
    await codex?.dispose();
    await provider.shutdown();
  });

  it("a turn is one span with ids, model, status and usage; thread/start and turn/start are its children, and the server gets the trace context", async () => {
    exporter.reset();
    const runner = await codex.runner();
    const result = await runner.turn(PROMPT);
    assert.match(result.assistantText, /tracing-prompt-marker/);
    const spans = exporter.getFinishedSpans();
    const turns = named(spans, "codex.turn");
    assert.equal(turns.length, 1, spans.map((span) => span.name).join());
    const turn = turns[0]!;
    const attributes = turn.attributes;
    assert.equal(attributes[SPAN_ATTRIBUTES.threadId], result.threadId);
    assert.equal(attributes[SPAN_ATTRIBUTES.turnId], result.turnId);
    assert.equal(attributes[SPAN_ATTRIBUTES.turnStatus], "completed");
    const threadStartAnswer = received.find((m) => m.id !== undefined && m.id === sent.find((s) => s.method === "thread/start")?.id);
    const model = (threadStartAnswer?.result as { model?: string } | undefined)?.model;
    assert.ok(model, "thread/start answered with a model");
    assert.equal(attributes[SPAN_ATTRIBUTES.model], model);
    assert.ok(result.usage, "the loopback model reports usage");
    assert.equal(attributes[SPAN_ATTRIBUTES.inputTokens], result.usage.inputTokens);
    assert.equal(attributes[SPAN_ATTRIBUTES.outputTokens], result.usage.outputTokens);
    assert.equal(attributes[SPAN_ATTRIBUTES.totalTokens], result.usage.totalTokens);
    assert.equal(turn.status.code, 1 /* SpanStatusCode.OK */);

    const threadStart = named(spans, "codex.rpc thread/start");
    const turnStart = named(spans, "codex.rpc turn/start");
    assert.equal(threadStart.length, 1);
    assert.equal(turnStart.length, 1);
    assert.ok(childOf(threadStart[0]!, turn), "thread/start is a child of the turn");
    assert.ok(childOf(turnStart[0]!, turn), "turn/start is a child of the turn");
    assert.equal(turnStart[0]!.attributes[SPAN_ATTRIBUTES.rpcMethod], "turn/start");
    assert.equal(turnStart[0]!.attributes[SPAN_ATTRIBUTES.rpcSystem], "jsonrpc");

    const turnStartRequest = sent.find((m) => m.method === "turn/start");
    const context = turnStart[0]!.spanContext();
    assert.equal(turnStartRequest?.trace?.traceparent, `00-${context.traceId}-${context.spanId}-01`);
    assert.equal(turnStartRequest?.trace?.traceparent?.split("-")[1], turn.spanContext().traceId);
  });

  it("initialize, sent outside any turn, is a root span whose context is sent too", () => {
    assert.equal(initializeSpans.length, 1);
    const span = initializeSpans[0]!;
    assert.equal(span.parentSpanContext, undefined);
    assert.equal(span.status.code, 0 /* UNSET: answered */);
    assert.equal(sent.find((m) => m.method === "initialize")?.trace?.traceparent, `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });

  it("no prompt, answer, command or output text appears in any span", async () => {
    exporter.reset();
    const runner = await codex.runner({ sandbox: "danger-full-access" });
    const answered = await runner.turn(PROMPT);
    const ran = await runner.turn(`run: echo ${COMMAND_MARKER}`);
    assert.match(ran.assistantText, new RegExp(COMMAND_MARKER));
    const spans = exporter.getFinishedSpans();
    assert.equal(named(spans, "codex.turn").length, 2);
    for (const span of spans) {
      const text = spanText(span);
      for (const secret of ["tracing-prompt-marker", answered.assistantText, COMMAND_MARKER, "You said", "Command finished"]) {
        assert.equal(text.includes(secret), false, `${span.name} holds ${secret}: ${text}`);
      }
    }
  });

  it("a failed turn is an ERROR span with the code, the status and no message text; its runner goes on", async () => {
    exporter.reset();
    const runner = await codex.runner();
    const failed = await runner.turn("fail now").then(
      () => assert.fail("the turn should fail"),
      (error: unknown) => error,
    );
    assert.ok(failed instanceof AgentError);
    assert.equal(failed.code, "TURN_FAILED");
    assert.match(failed.message, new RegExp(FAILURE_TEXT), "the caller still gets the server's message");
    const turn = named(exporter.getFinishedSpans(), "codex.turn")[0];
    assert.ok(turn);
    assert.equal(turn.status.code, 2 /* SpanStatusCode.ERROR */);
    assert.equal(turn.status.message, "TURN_FAILED");
    assert.equal(turn.attributes[SPAN_ATTRIBUTES.errorCode], "TURN_FAILED");
    assert.equal(turn.attributes[SPAN_ATTRIBUTES.turnStatus], "failed");
    assert.equal(turn.attributes[SPAN_ATTRIBUTES.threadId], runner.threadId);
    for (const span of exporter.getFinishedSpans()) assert.equal(spanText(span).includes(FAILURE_TEXT), false, spanText(span));
    assert.match((await runner.turn("again")).assistantText, /again/);
  });

  it("a turn past its deadline is an ERROR span with TURN_TIMEOUT, its turn/interrupt a child span", async () => {
    exporter.reset();
    const runner = await codex.runner();
    const requests = codex.model.requests.length;
    await assert.rejects(runner.turn("hang on", { timeoutSeconds: 1 }), (error: unknown) => error instanceof AgentError && error.code === "TURN_TIMEOUT");
    assert.ok(codex.model.requests.length > requests, "the model was asked");
    const spans = exporter.getFinishedSpans();
    const turn = named(spans, "codex.turn")[0];
    assert.ok(turn);
    assert.equal(turn.status.message, "TURN_TIMEOUT");
    assert.equal(turn.attributes[SPAN_ATTRIBUTES.errorCode], "TURN_TIMEOUT");
    const interrupt = named(spans, "codex.rpc turn/interrupt");
    assert.equal(interrupt.length, 1, spans.map((span) => span.name).join());
    assert.ok(childOf(interrupt[0]!, turn));
    assert.match((await runner.turn("after the deadline")).assistantText, /after the deadline/);
  });

  it("a request answered with an error is an ERROR span with the JSON-RPC code and no message", async () => {
    exporter.reset();
    const missing = "00000000-0000-4000-8000-000000000000";
    const error = await codex.factory.backend.connection.request("thread/read", { threadId: missing }).then(
      () => assert.fail("thread/read of an unknown thread should fail"),
      (failure: unknown) => failure,
    );
    assert.ok(error instanceof RpcError, String(error));
    const span = named(exporter.getFinishedSpans(), "codex.rpc thread/read")[0];
    assert.ok(span);
    assert.equal(span.parentSpanContext, undefined, "outside a turn: a root span");
    assert.equal(span.status.code, 2 /* ERROR */);
    assert.equal(span.status.message, "RPC");
    assert.equal(span.attributes[SPAN_ATTRIBUTES.rpcErrorCode], error.rpcCode);
    assert.equal(spanText(span).includes(error.rpcMessage), false, spanText(span));
    assert.equal(spanText(span).includes(missing), false, "params are never recorded");
  });
});

describe("tracing by default", () => {
  const sent: Sent[] = [];
  let codex: RealCodex;
  before(async () => {
    codex = await startRealCodex({ respond, backend: { onTraffic: (direction, message) => direction === "c2s" && sent.push(message as Sent) } });
  });
  after(async () => {
    trace.disable();
    await codex?.dispose();
  });

  it("with no provider registered, turns work and no request carries a trace member", async () => {
    const runner = await codex.runner();
    assert.match((await runner.turn("plain")).assistantText, /plain/);
    assert.ok(sent.some((m) => m.method === "turn/start"));
    assert.deepEqual(sent.filter((m) => "trace" in m).map((m) => m.method), []);
  });

  it("a provider the application registers later is used: the global tracer", async () => {
    const { exporter, provider } = tracerSetup();
    assert.equal(trace.setGlobalTracerProvider(provider), true);
    const runner = await codex.runner();
    const result = await runner.turn("traced");
    const turns = named(exporter.getFinishedSpans(), "codex.turn");
    assert.equal(turns.length, 1);
    assert.equal(turns[0]!.attributes[SPAN_ATTRIBUTES.turnId], result.turnId);
    assert.equal(turns[0]!.instrumentationScope.name, "codex-rpc");
    assert.ok(sent.find((m) => m.method === "turn/start" && m.trace?.traceparent?.includes(turns[0]!.spanContext().traceId)));
    await provider.shutdown();
  });
});
