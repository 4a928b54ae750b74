/**
 * Tracing without the optional peer: nothing of src/ imports @opentelemetry/* at load time, the
 * package works (a real turn) where it cannot be resolved, and asking for tracing there is
 * INVALID_CONFIG naming `tracing`. Also the small pieces: the traceparent text and error codes.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as api from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { CodexBackend } from "../../src/codex/codexBackend.ts";
import { CodexTracing, errorCode, traceContextOf } from "../../src/codex/tracing.ts";
import { AgentError, InvalidConfigError, RpcError } from "../../src/errors.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Import and export statements of a file that load @opentelemetry/* at run time (not `import type`). */
function runtimeOpenTelemetryImports(text: string): string[] {
  const statements = [...text.matchAll(/(?:^|\n)\s*((?:import|export)\b[^;]*?(?:from\s+)?["'](@opentelemetry\/[^"']+)["'])/g)].map((m) => m[1]!);
  // `typeof import("...")` is a type; any other import("@opentelemetry/...") would load it.
  const literalDynamic = [...text.matchAll(/(?<!typeof\s*)import\(\s*["'](@opentelemetry\/[^"']+)["']\s*\)/g)].map((m) => m[0]);
  return [...statements.filter((statement) => !/^(?:import|export)\s+type\b/.test(statement)), ...literalDynamic];
}

describe("tracing without @opentelemetry/api", () => {
  it("no file of src/ imports @opentelemetry/* at run time (only `import type`)", () => {
    const found = sourceFiles(path.join(root, "src")).flatMap((file) =>
      runtimeOpenTelemetryImports(readFileSync(file, "utf8")).map((statement) => `${path.relative(root, file)}: ${statement}`),
    );
    assert.deepEqual(found, []);
    // The check sees a value import and lets a type import pass.
    assert.equal(runtimeOpenTelemetryImports('import { trace } from "@opentelemetry/api";').length, 1);
    assert.equal(runtimeOpenTelemetryImports('import "@opentelemetry/api";').length, 1);
    assert.equal(runtimeOpenTelemetryImports('export { trace } from "@opentelemetry/api";').length, 1);
    assert.equal(runtimeOpenTelemetryImports('const api = await import("@opentelemetry/api");').length, 1);
    assert.equal(runtimeOpenTelemetryImports('import type { Tracer } from "@opentelemetry/api";').length, 0);
    assert.equal(runtimeOpenTelemetryImports('type Api = typeof import("@opentelemetry/api");').length, 0);
  });

  it("where the package cannot be resolved, a real turn runs with tracing off, and tracing: true is INVALID_CONFIG", async () => {
    const fixtures = path.join(root, "test/fixtures/tracing");
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "--import", path.join(fixtures, "hideOpenTelemetry.mjs"), path.join(fixtures, "withoutOpenTelemetry.ts")],
        { cwd: root, timeout: 60_000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    const report = JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
    assert.deepEqual(report, {
      apiResolvable: { import: false, require: false },
      answer: "You said: hello (turn 1)",
      traceMembers: 0,
      tracingEnabled: false,
      explicit: "INVALID_CONFIG tracing",
    });
  });

  it("CodexTracing.create: off when the API is missing and nothing was asked; INVALID_CONFIG when it was; false never loads it", async () => {
    const missing = () => undefined;
    const off = CodexTracing.create(undefined, missing);
    assert.equal(off.enabled, false);
    assert.equal(off.onRequest, undefined);
    assert.equal(off.startTurn("turn", {}), undefined);
    for (const option of [true, { tracer: new BasicTracerProvider().getTracer("t") }]) {
      assert.throws(() => CodexTracing.create(option, missing), (error: unknown) => error instanceof InvalidConfigError && error.field === "tracing" && /npm install @opentelemetry\/api/.test(error.message));
    }
    let loaded = false;
    CodexTracing.create(false, () => {
      loaded = true;
      return api;
    });
    assert.equal(loaded, false);
    assert.equal((CodexTracing.create(undefined, () => api)).enabled, true);
    assert.equal((CodexTracing.create(true, () => api)).enabled, true);
  });

  it("a tracer that throws never fails a turn: startTurn gives no trace, a span whose methods throw is ended quietly", async () => {
    const throwing = { startSpan: () => { throw new Error("tracer bug"); }, startActiveSpan: () => { throw new Error("tracer bug"); } } as unknown as api.Tracer;
    const tracing = CodexTracing.create({ tracer: throwing }, () => api);
    assert.equal(tracing.startTurn("turn", {}), undefined);
    const real = new BasicTracerProvider().getTracer("t");
    const brokenSpans = {
      startSpan: (...args: Parameters<api.Tracer["startSpan"]>) => {
        const span = real.startSpan(...args);
        return Object.assign(span, {
          isRecording: () => true,
          setAttributes: () => {
            throw new Error("span bug");
          },
          end: () => {
            throw new Error("span bug");
          },
        });
      },
    } as unknown as api.Tracer;
    const turn = (CodexTracing.create({ tracer: brokenSpans }, () => api)).startTurn("turn", {});
    assert.ok(turn);
    turn.end({ failed: true, error: new AgentError("TURN_FAILED", "x") });
    turn.end({ failed: false });
  });

  it("the backend config refuses a tracing value that is not a boolean or { tracer }", () => {
    for (const tracing of ["yes", { tracer: {} }, { tracer: new BasicTracerProvider().getTracer("t"), extra: 1 }]) {
      assert.throws(() => new CodexBackend({ tracing } as never), (error: unknown) => error instanceof InvalidConfigError && /tracing/.test(error.message));
    }
    new CodexBackend({ tracing: { tracer: new BasicTracerProvider().getTracer("t") } });
    new CodexBackend({ tracing: false });
  });
});

describe("tracing pieces", () => {
  it("traceContextOf writes the W3C traceparent and tracestate, and nothing for an invalid context", () => {
    const context = {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: api.TraceFlags.SAMPLED,
      traceState: api.createTraceState("vendor=value"),
    };
    assert.deepEqual(traceContextOf(api, context), { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "vendor=value" });
    assert.deepEqual(traceContextOf(api, { ...context, traceFlags: api.TraceFlags.NONE, traceState: undefined }), {
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
    });
    assert.equal(traceContextOf(api, api.INVALID_SPAN_CONTEXT), undefined);
  });

  it("errorCode is the AgentError code, a plain error name, or ERROR; never message text", () => {
    assert.equal(errorCode(new AgentError("TURN_TIMEOUT", "secret text")), "TURN_TIMEOUT");
    assert.equal(errorCode(new RpcError("turn/start", -32600, "secret text")), "RPC");
    assert.equal(errorCode(new DOMException("secret text", "AbortError")), "AbortError");
    assert.equal(errorCode(Object.assign(new Error("x"), { name: "secret text here" })), "ERROR");
    assert.equal(errorCode("secret text"), "ERROR");
  });
});
