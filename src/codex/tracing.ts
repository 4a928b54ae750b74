/**
 * OpenTelemetry tracing of turns and JSON-RPC requests, and the only module that knows
 * OpenTelemetry. `@opentelemetry/api` is an optional peer dependency: it is loaded on demand
 * when a backend starts (a guarded `require`, synchronous, so that start() still spawns at once),
 * and codex-rpc works the same without it; types are `import type` only, so nothing else loads
 * it. (Mixing its CommonJS build with an application's ES module build is safe: the API keeps
 * its registrations on a process-wide global.)
 *
 * A turn is a span ("codex.turn", "codex.compact" for a compaction) holding ids, model, status
 * and token usage; each request is a client span ("codex.rpc METHOD") and its W3C trace context
 * goes out as the request's `trace` member, so the app-server can continue the trace. Prompts,
 * answers, commands, params, results and error messages are never recorded: a failure is
 * recorded by its AgentError code only, since messages can quote model output or the server's
 * text.
 */
import { createRequire } from "node:module";
import type { Attributes, Context, Span, SpanContext, Tracer } from "@opentelemetry/api";
import { AgentError, InvalidConfigError, RpcError } from "../errors.ts";
import type { TokenUsageBreakdown, Turn } from "../protocol/common.ts";
import type { RequestObservation, RequestObserver, W3cTraceContext } from "../protocol/protocolConnection.ts";

/** The `@opentelemetry/api` module, as far as codex-rpc uses it. */
export type OpenTelemetryApi = typeof import("@opentelemetry/api");

/**
 * How a backend traces: `true` or omitted uses the global tracer of `@opentelemetry/api` (a no-op
 * until the application registers a provider; silently off when the package is absent, unless
 * `true` was asked for); `{ tracer }` uses that tracer; `false` turns tracing off.
 */
export type CodexTracingOption = boolean | { readonly tracer?: Tracer };

/** Name of the tracer codex-rpc asks the global provider for. */
export const TRACER_NAME = "codex-rpc";

/** Span attribute names codex-rpc records; nothing else is ever put in a span. */
export const SPAN_ATTRIBUTES = {
  threadId: "codex.thread.id",
  turnId: "codex.turn.id",
  turnStatus: "codex.turn.status",
  errorCode: "codex.error.code",
  model: "gen_ai.request.model",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  totalTokens: "codex.usage.total_tokens",
  cachedInputTokens: "codex.usage.cached_input_tokens",
  reasoningOutputTokens: "codex.usage.reasoning_output_tokens",
  rpcSystem: "rpc.system",
  rpcMethod: "rpc.method",
  rpcErrorCode: "rpc.jsonrpc.error_code",
} as const;

/** The package name, in a variable so bundlers leave the optional dependency alone. */
const OPENTELEMETRY_API_MODULE = "@opentelemetry/api";
/** The loaded API, null once it was found missing; undefined until first asked for. */
let loadedApi: OpenTelemetryApi | null | undefined;

/** Loads `@opentelemetry/api` once per process; undefined when it cannot be loaded. */
export function loadOpenTelemetryApi(): OpenTelemetryApi | undefined {
  if (loadedApi === undefined) {
    try {
      const module = createRequire(import.meta.url)(OPENTELEMETRY_API_MODULE) as OpenTelemetryApi | undefined;
      loadedApi = typeof module?.trace?.getTracer === "function" ? module : null;
    } catch {
      loadedApi = null;
    }
  }
  return loadedApi ?? undefined;
}

/** What a turn span records when it ends; only ids, names and numbers. */
export interface TurnTraceOutcome {
  readonly threadId?: string | undefined;
  readonly turnId?: string | undefined;
  readonly model?: string | undefined;
  /** The turn as the server completed it, if it did. */
  readonly turn?: Turn | undefined;
  readonly usage?: TokenUsageBreakdown | undefined;
  /** Why the turn rejected; only its AgentError code is recorded. */
  readonly error?: unknown;
  /** True when the turn rejected (an error may be any value). */
  readonly failed: boolean;
}

/** The span of one running turn, and the observer that makes its requests child spans. */
export class TurnTrace {
  /** Observes the turn's requests: child spans of the turn span. */
  readonly observer: RequestObserver;
  private ended = false;

  constructor(
    private readonly api: OpenTelemetryApi,
    private readonly span: Span,
    tracer: Tracer,
  ) {
    const parent = api.trace.setSpan(api.context.active(), span);
    this.observer = requestObserver(api, tracer, () => parent);
  }

  /** Records the outcome and ends the span; later calls do nothing. Never throws. */
  end(outcome: TurnTraceOutcome): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const attributes: Attributes = {};
      if (outcome.threadId !== undefined) attributes[SPAN_ATTRIBUTES.threadId] = outcome.threadId;
      const turnId = outcome.turnId ?? outcome.turn?.id;
      if (turnId !== undefined) attributes[SPAN_ATTRIBUTES.turnId] = turnId;
      if (outcome.model !== undefined) attributes[SPAN_ATTRIBUTES.model] = outcome.model;
      if (outcome.turn) attributes[SPAN_ATTRIBUTES.turnStatus] = outcome.turn.status;
      if (outcome.usage) {
        attributes[SPAN_ATTRIBUTES.inputTokens] = outcome.usage.inputTokens;
        attributes[SPAN_ATTRIBUTES.outputTokens] = outcome.usage.outputTokens;
        attributes[SPAN_ATTRIBUTES.totalTokens] = outcome.usage.totalTokens;
        attributes[SPAN_ATTRIBUTES.cachedInputTokens] = outcome.usage.cachedInputTokens;
        attributes[SPAN_ATTRIBUTES.reasoningOutputTokens] = outcome.usage.reasoningOutputTokens;
      }
      this.span.setAttributes(attributes);
      if (outcome.failed) markFailed(this.api, this.span, outcome.error);
      else this.span.setStatus({ code: this.api.SpanStatusCode.OK });
      this.span.end();
    } catch {
      // A tracer's failure never changes a turn's outcome.
    }
  }
}

/** A backend's tracing: off, or a tracer and the API it came with. */
export class CodexTracing {
  /** Tracing off: no spans, no trace context on requests. */
  static readonly OFF = new CodexTracing(undefined, undefined);

  /** Observes requests sent outside any turn (initialize, probes...): spans under the active context. */
  readonly onRequest: RequestObserver | undefined;

  private constructor(
    private readonly api: OpenTelemetryApi | undefined,
    private readonly tracer: Tracer | undefined,
  ) {
    this.onRequest = api && tracer ? requestObserver(api, tracer, () => api.context.active()) : undefined;
  }

  /**
   * The tracing a backend config asks for. Throws InvalidConfigError (field `tracing`) when
   * tracing was asked for explicitly and `@opentelemetry/api` cannot be loaded.
   */
  static create(option: CodexTracingOption | undefined, loadApi: () => OpenTelemetryApi | undefined = loadOpenTelemetryApi): CodexTracing {
    if (option === false) return CodexTracing.OFF;
    let api: OpenTelemetryApi | undefined;
    try {
      api = loadApi();
    } catch {
      api = undefined;
    }
    if (!api) {
      if (option === undefined) return CodexTracing.OFF;
      throw new InvalidConfigError(
        "tracing",
        "Tracing was asked for, but @opentelemetry/api could not be loaded. Install it next to codex-rpc (npm install @opentelemetry/api), or leave the tracing option out.",
      );
    }
    const tracer = typeof option === "object" && option.tracer ? option.tracer : api.trace.getTracer(TRACER_NAME);
    return new CodexTracing(api, tracer);
  }

  /** True when spans are made (they may still be no-ops, as the global tracer is until a provider is registered). */
  get enabled(): boolean {
    return this.tracer !== undefined;
  }

  /** Starts the span of a turn (or compaction) under the active context; undefined when off. Never throws. */
  startTurn(kind: "turn" | "compact", known: { readonly threadId?: string | undefined; readonly model?: string | undefined }): TurnTrace | undefined {
    const { api, tracer } = this;
    if (!api || !tracer) return undefined;
    try {
      const attributes: Attributes = {};
      if (known.threadId !== undefined) attributes[SPAN_ATTRIBUTES.threadId] = known.threadId;
      if (known.model !== undefined) attributes[SPAN_ATTRIBUTES.model] = known.model;
      const span = tracer.startSpan(`codex.${kind}`, { kind: api.SpanKind.INTERNAL, attributes }, api.context.active());
      // A no-op tracer with nothing to propagate (no provider registered): nothing to do per turn.
      if (!span.isRecording() && !api.trace.isSpanContextValid(span.spanContext())) return undefined;
      return new TurnTrace(api, span, tracer);
    } catch {
      return undefined;
    }
  }
}

/** Requests as client spans under `parent()`, their context sent as the request's trace member. */
function requestObserver(api: OpenTelemetryApi, tracer: Tracer, parent: () => Context): RequestObserver {
  return (method): RequestObservation | undefined => {
    const span = tracer.startSpan(
      `codex.rpc ${method}`,
      { kind: api.SpanKind.CLIENT, attributes: { [SPAN_ATTRIBUTES.rpcSystem]: "jsonrpc", [SPAN_ATTRIBUTES.rpcMethod]: method } },
      parent(),
    );
    const trace = traceContextOf(api, span.spanContext());
    // Nothing recorded and nothing to send (a no-op tracer): leave the request alone.
    if (!trace && !span.isRecording()) return undefined;
    return {
      ...(trace ? { trace } : {}),
      end: (error) => {
        if (error !== undefined) {
          if (error instanceof RpcError) span.setAttribute(SPAN_ATTRIBUTES.rpcErrorCode, error.rpcCode);
          markFailed(api, span, error);
        }
        span.end();
      },
    };
  };
}

/** The W3C trace context of a span; undefined for an invalid one (a no-op tracer with no parent). */
export function traceContextOf(api: OpenTelemetryApi, context: SpanContext): W3cTraceContext | undefined {
  if (!api.trace.isSpanContextValid(context)) return undefined;
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, "0");
  const tracestate = context.traceState?.serialize();
  return { traceparent: `00-${context.traceId}-${context.spanId}-${flags}`, ...(tracestate ? { tracestate } : {}) };
}

/** Status ERROR with the error's code as its message, and the code as an attribute; no message text. */
function markFailed(api: OpenTelemetryApi, span: Span, error: unknown): void {
  const code = errorCode(error);
  span.setAttribute(SPAN_ATTRIBUTES.errorCode, code);
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: code });
}

/** A stable name for what went wrong: the AgentError code, else a plain error name, else "ERROR". */
export function errorCode(error: unknown): string {
  if (error instanceof AgentError) return error.code;
  const name = error instanceof Error ? error.name : undefined;
  return name !== undefined && /^[A-Za-z]\w{0,63}$/.test(name) ? name : "ERROR";
}
