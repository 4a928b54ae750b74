/**
 * The requests codex-rpc has sent and not yet seen answered, by id: opening one (with its abort
 * signal), matching a response to it, failing it on a malformed answer or a close, and
 * forgetting the ids of settled ones so a server that never answers cannot grow the table.
 */
import { ProtocolError, RpcError } from "../errors.ts";

/** Settled requests whose late answers are still recognised (older ones are forgotten). */
const SETTLED_IDS_KEPT = 1024;

interface PendingRequest {
  readonly method: string;
  /** True once settled (answered, aborted, closed); a late response is then dropped quietly. */
  settled: boolean;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/** A request just opened: its id, the promise of its answer, and how to fail it when it was never sent. */
export interface OpenedRequest {
  readonly id: number;
  readonly answered: Promise<unknown>;
  /** Fails the request because it could not be written (its id is forgotten: no answer will come). */
  unsent(error: unknown): void;
}

/** The table of requests awaiting an answer; see the module comment. */
export class PendingRequests {
  private readonly pending = new Set<PendingRequest>();
  /** Our requests by id, until answered (kept after an abort, so its late answer is not "unknown"). */
  private readonly requests = new Map<string | number, PendingRequest>();
  private nextId = 0;

  /** `onChange` is called with the new count whenever the number of pending requests changes. */
  constructor(private readonly onChange: ((pending: number) => void) | undefined) {}

  /** Number of requests awaiting an answer. */
  get size(): number {
    return this.pending.size;
  }

  /** Registers a request of `method` under a new id; aborting `signal` rejects it with the signal's reason. */
  open(method: string, signal: AbortSignal | undefined): OpenedRequest {
    const id = this.nextId++;
    let entry!: PendingRequest;
    const answered = new Promise<unknown>((resolve, reject) => {
      const settle = (action: () => void) => {
        if (entry.settled) return;
        entry.settled = true;
        if (this.pending.delete(entry)) this.onChange?.(this.pending.size);
        signal?.removeEventListener("abort", onAbort);
        action();
      };
      entry = {
        method,
        settled: false,
        resolve: (result) => settle(() => resolve(result)),
        reject: (error) => settle(() => reject(error)),
      };
      const onAbort = () => settle(() => reject(signal?.reason));
      this.pending.add(entry);
      this.requests.set(id, entry);
      if (this.requests.size > this.pending.size + SETTLED_IDS_KEPT) this.forgetOldestSettled();
      this.onChange?.(this.pending.size);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    return {
      id,
      answered,
      unsent: (error) => {
        if (this.requests.get(id) === entry) this.requests.delete(id);
        entry.reject(error);
      },
    };
  }

  /**
   * Settles the request a response answers. Returns false, after reporting it, when the response
   * matches no request; true when a request was settled (resolved, or failed with RPC or a
   * malformed-response PROTOCOL error, which is reported too).
   */
  answer(m: Record<string, unknown>, report: (error: ProtocolError) => void): boolean {
    const id = m.id;
    if (id === undefined || id === null) {
      const error = m.error as { message?: unknown } | undefined;
      report(new ProtocolError(`The app-server could not read a request of codex-rpc and answered without an id: ${typeof error?.message === "string" ? error.message : "no message"}`));
      return false;
    }
    const entry = typeof id === "string" || typeof id === "number" ? this.requests.get(id) : undefined;
    if (!entry) {
      report(new ProtocolError(`The app-server sent a response for request id ${JSON.stringify(id)}, which codex-rpc never sent or already settled; ignored.`));
      return false;
    }
    this.requests.delete(id as string | number);
    const problem = responseProblem(m);
    if (problem !== undefined) {
      const error = malformedResponse(entry.method, problem);
      report(error);
      entry.reject(error);
    } else if ("error" in m) {
      const error = m.error as { code: number; message: string; data?: unknown };
      entry.reject(new RpcError(entry.method, error.code, error.message, error.data));
    } else entry.resolve(m.result);
    return true;
  }

  /** Fails the request `id` with a malformed-response error; false when no such request waits. */
  failMalformed(id: string | number, problem: string): boolean {
    const entry = this.requests.get(id);
    if (!entry) return false;
    this.requests.delete(id);
    entry.reject(malformedResponse(entry.method, problem));
    return true;
  }

  /** Rejects every pending request with `error` and forgets every id. */
  rejectAll(error: unknown): void {
    for (const entry of [...this.pending]) entry.reject(error);
    this.requests.clear();
  }

  /** Drops the oldest settled (aborted) requests' ids: a server that never answers them must not grow this map. */
  private forgetOldestSettled(): void {
    let excess = this.requests.size - this.pending.size - SETTLED_IDS_KEPT / 2;
    for (const [id, entry] of this.requests) {
      if (excess <= 0) break;
      if (!entry.settled) continue;
      this.requests.delete(id);
      excess--;
    }
  }
}

/** Why a response to one of our requests is malformed, or undefined when it is well-formed. */
function responseProblem(m: Record<string, unknown>): string | undefined {
  const hasResult = "result" in m;
  const hasError = "error" in m;
  if (hasResult && hasError) return "it has both result and error";
  if (!hasResult && !hasError) return "it has neither result nor error";
  if (hasError) {
    const error = m.error as { code?: unknown; message?: unknown } | null;
    if (typeof error !== "object" || error === null || !Number.isInteger(error.code) || typeof error.message !== "string") {
      return "its error is not {code, message}";
    }
  }
  return undefined;
}

function malformedResponse(method: string, problem: string): ProtocolError {
  return new ProtocolError(
    `The app-server sent a malformed response to ${method} (${problem}); the request failed. Is the codex binary a different version than the protocol codex-rpc was built for?`,
    method,
  );
}
