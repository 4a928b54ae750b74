/**
 * The retry of requests the app-server rejects as "Server overloaded": exponential backoff with
 * equal jitter, abortable, and a final OVERLOADED error once the attempts are spent.
 */
import { RpcError } from "../errors.ts";

/** JSON-RPC error code of "Server overloaded; retry later." */
export const SERVER_OVERLOADED_CODE = -32001;

/** How requests rejected with {@link SERVER_OVERLOADED_CODE} are retried. */
export interface OverloadRetryOptions {
  /** Attempts in all, the first included; default 5. */
  readonly maxAttempts?: number;
  /** Delay before the first retry; doubles each time; default 100 ms. */
  readonly initialDelayMs?: number;
  /** Upper bound of one delay; default 2000 ms. */
  readonly maxDelayMs?: number;
}

/** The retry policy with every default filled in. */
export function overloadRetryPolicy(options: OverloadRetryOptions | undefined): Required<OverloadRetryOptions> {
  return {
    maxAttempts: options?.maxAttempts ?? 5,
    initialDelayMs: options?.initialDelayMs ?? 100,
    maxDelayMs: options?.maxDelayMs ?? 2000,
  };
}

/**
 * Runs `attempt` until it settles with anything but an overloaded RpcError, waiting a backoff
 * between attempts; after the last attempt the RpcError is rethrown with code OVERLOADED.
 */
export async function retryWhileOverloaded<T>(
  method: string,
  retry: Required<OverloadRetryOptions>,
  signal: AbortSignal | undefined,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof RpcError) || error.rpcCode !== SERVER_OVERLOADED_CODE) throw error;
      if (attemptNumber >= retry.maxAttempts) {
        throw new RpcError(method, error.rpcCode, error.rpcMessage, error.data, {
          code: "OVERLOADED",
          cause: error,
        });
      }
      await delay(backoffMs(retry, attemptNumber), signal);
    }
  }
}

function backoffMs(retry: Required<OverloadRetryOptions>, attempt: number): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (attempt - 1));
  // "Equal jitter": at least half the ceiling, so retries spread out but never bunch at zero.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
