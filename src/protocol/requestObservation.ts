/**
 * Request observation (tracing): the types an observer of requests returns, and the guarded
 * calls that keep an observer's failure from changing a request's outcome.
 */

/** W3C Trace Context, sent as a request's `trace` member so the server can continue the trace. */
export interface W3cTraceContext {
  readonly traceparent?: string | null;
  readonly tracestate?: string | null;
}

/** One observed request: the trace context to send with it, and a call when it settles. */
export interface RequestObservation {
  /** Sent as the request's `trace` member; nothing is sent when undefined. */
  readonly trace?: W3cTraceContext;
  /** Called once when the request settles; `error` is undefined when a result came back. */
  end(error?: unknown): void;
}

/**
 * Called as each request is written (before the write); may return a {@link RequestObservation}.
 * Sees the method only, never the params. A throw is ignored: the request goes out unobserved.
 */
export type RequestObserver = (method: string) => RequestObservation | undefined;

/** The observation of one request; an observer that throws leaves the request unobserved. */
export function observe(observer: RequestObserver | undefined, method: string): RequestObservation | undefined {
  if (!observer) return undefined;
  try {
    return observer(method);
  } catch {
    return undefined;
  }
}

/** Ends an observation; what its `end` throws is swallowed. */
export function endObservation(observation: RequestObservation | undefined, error?: unknown): void {
  try {
    observation?.end(error);
  } catch {
    // An observer's failure never changes the request's outcome.
  }
}
