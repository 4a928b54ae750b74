/**
 * Calls a caller's callback so that it can never break the library: an error it throws (or a
 * promise it returns that rejects) is caught, the library goes on as if the callback had
 * returned, and the error is reported: to `onCallbackError` every time when the caller gave one,
 * else once per callback function as a process warning of type {@link CALLBACK_WARNING_TYPE}.
 *
 * This module imports nothing of ours, so transport/, protocol/ and codex/ can all use it.
 */

/** The `name` of the process warning a throwing callback is reported with. */
export const CALLBACK_WARNING_TYPE = "CodexRpcCallbackWarning";

/** Receives the error of a caller's callback and the callback's name (`onTraffic`, `onEvent`...). */
export type CallbackErrorHandler = (error: unknown, callbackName: string) => void;

/** Callbacks whose failure has been reported as a warning already: once each is enough. */
const warned = new WeakSet<object>();

/**
 * Calls `callback(...args)`; never throws, and a returned promise that rejects is caught too.
 * `name` is what the report calls it; `onError` replaces the default warning.
 */
export function callSafely<A extends unknown[]>(
  name: string,
  callback: ((...args: A) => unknown) | undefined,
  onError: CallbackErrorHandler | undefined,
  ...args: A
): void {
  if (!callback) return;
  try {
    const result = callback(...args);
    if (isThenable(result)) result.then(undefined, (error: unknown) => reportCallbackError(name, callback, error, onError));
  } catch (error) {
    reportCallbackError(name, callback, error, onError);
  }
}

/** `callback` wrapped by {@link callSafely}; undefined stays undefined. */
export function guardCallback<A extends unknown[]>(
  name: string,
  callback: ((...args: A) => unknown) | undefined,
  onError?: CallbackErrorHandler,
): ((...args: A) => void) | undefined {
  if (!callback) return undefined;
  return (...args: A) => callSafely(name, callback, onError, ...args);
}

/** Reports one failure of a caller's callback; see the module comment. Never throws. */
function reportCallbackError(name: string, callback: object, error: unknown, onError: CallbackErrorHandler | undefined): void {
  if (onError) {
    try {
      onError(error, name);
      return;
    } catch (handlerError) {
      // The handler of failures failed too: fall back to the warning, about the handler.
      warnOnce("onCallbackError", onError, handlerError);
      return;
    }
  }
  warnOnce(name, callback, error);
}

function warnOnce(name: string, callback: object, error: unknown): void {
  if (warned.has(callback)) return;
  warned.add(callback);
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  try {
    process.emitWarning(
      `codex-rpc caught an error thrown by your ${name} callback and went on without it (${reason}). ` +
        "Later errors of this callback are not reported; pass onCallbackError to see each one.",
      { type: CALLBACK_WARNING_TYPE },
    );
  } catch {
    // --throw-deprecation and friends aside, emitWarning does not throw; if it does, stay quiet.
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}
