/**
 * A typed JSON-RPC connection to the app-server over any vscode-jsonrpc reader/writer pair:
 * requests validated against their result schemas, notifications validated and dispatched,
 * server-initiated requests always answered. Knows nothing of processes or of the agent port.
 */
import {
  createMessageConnection,
  ResponseError,
  type Disposable,
  type Logger,
  type MessageConnection,
  type MessageReader,
  type MessageWriter,
} from "vscode-jsonrpc/node";
import type { z } from "zod";
import { AgentError, ProtocolError, RpcError } from "../errors.ts";
import {
  CLIENT_REQUESTS,
  type ClientRequestMethod,
  type ClientRequestParams,
  type ClientRequestResult,
} from "./clientRequests.ts";
import { describeZodError } from "./envelope.ts";
import { SERVER_NOTIFICATIONS, type ServerNotification } from "./serverNotifications.ts";
import { ServerRequestRegistry } from "./serverRequestRegistry.ts";

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

/** Options of {@link ProtocolConnection}. */
export interface ProtocolConnectionOptions {
  readonly reader: MessageReader;
  readonly writer: MessageWriter;
  /** Called for every message that broke the protocol (bad frame, bad params, unknown response id). */
  readonly onProtocolError?: (error: ProtocolError) => void;
  readonly overloadRetry?: OverloadRetryOptions;
  /** Called when the number of requests awaiting an answer changes (the backend keeps its process referenced meanwhile). */
  readonly onPendingChange?: (pending: number) => void;
}

/** Per-request options. */
export interface RequestOptions {
  /** Aborting rejects the pending request with the signal's reason (the server is not told). */
  readonly signal?: AbortSignal;
}

/** Called with every notification; known methods arrive validated. */
export type NotificationListener = (notification: ServerNotification) => void;
/** Called with a notification of a known method whose params failed its schema. */
export type InvalidNotificationListener = (method: string, params: unknown, error: ProtocolError) => void;

interface PendingRequest {
  reject(error: unknown): void;
}

/** A typed connection to a codex app-server; see the module comment. */
export class ProtocolConnection {
  /** Handlers of server-initiated requests; unhandled methods are answered with an error. */
  readonly serverRequests: ServerRequestRegistry;
  private readonly connection: MessageConnection;
  private readonly notificationListeners = new Set<NotificationListener>();
  private readonly invalidNotificationListeners = new Set<InvalidNotificationListener>();
  private readonly pending = new Set<PendingRequest>();
  private readonly onProtocolError: (error: ProtocolError) => void;
  private readonly retry: Required<OverloadRetryOptions>;
  private readonly onPendingChange: ((pending: number) => void) | undefined;
  private closedWith: unknown;
  /**
   * Messages handed to vscode-jsonrpc and not yet handled by it. It handles one message per
   * event-loop turn, which caps a flood of deltas far below what parsing allows; so while nothing
   * is queued there, a notification is dispatched at once instead (order is kept: one that arrives
   * behind a queued message waits its turn in the queue).
   */
  private queuedInConnection = 0;
  /** Ids of requests written and not yet answered, to spot responses nobody asked for. */
  private readonly outstandingIds = new Set<string | number>();

  constructor(options: ProtocolConnectionOptions) {
    this.onProtocolError = options.onProtocolError ?? (() => {});
    this.onPendingChange = options.onPendingChange;
    this.retry = {
      maxAttempts: options.overloadRetry?.maxAttempts ?? 5,
      initialDelayMs: options.overloadRetry?.initialDelayMs ?? 100,
      maxDelayMs: options.overloadRetry?.maxDelayMs ?? 2000,
    };
    this.serverRequests = new ServerRequestRegistry(this.onProtocolError);
    this.connection = createMessageConnection(
      watchResponses(
        options.reader,
        this.outstandingIds,
        (id) =>
          this.onProtocolError(new ProtocolError(`The app-server sent a response for request id ${JSON.stringify(id)}, which codex-rpc never sent or already settled; ignored.`)),
        (error, method) =>
          this.onProtocolError(
            new ProtocolError(`The app-server sent a message that could not be dispatched (${error instanceof Error ? error.message : String(error)}); ignored.`, method, { cause: error }),
          ),
        (method, params) => this.dispatchDirectly(method, params),
      ),
      watchRequests(options.writer, this.outstandingIds),
      this.logger(),
    );
    this.connection.onNotification((method, params) => {
      this.handedOver();
      this.dispatchNotification(method, params);
    });
    this.connection.onRequest((method, params) => {
      this.handedOver();
      return this.serverRequests.answer(method, params);
    });
    this.connection.onError(([error]) => {
      this.onProtocolError(
        error instanceof ProtocolError ? error : new ProtocolError(`Unreadable message from the app-server: ${error.message}`, undefined, { cause: error }),
      );
    });
    this.connection.listen();
  }

  /**
   * Sends a request, validates its params before sending and its result after, and retries
   * with exponential backoff and jitter while the server answers "overloaded".
   */
  async request<M extends ClientRequestMethod>(
    method: M,
    params: ClientRequestParams<M>,
    options: RequestOptions = {},
  ): Promise<ClientRequestResult<M>> {
    const definition = CLIENT_REQUESTS[method];
    const checkedParams = definition.params.safeParse(params);
    if (!checkedParams.success) {
      throw new ProtocolError(
        `codex-rpc refused to send ${method}: its params are invalid (${describeZodError(checkedParams.error)}).`,
        method,
      );
    }
    return this.requestParsed(method, params, (raw) => parseResult(method, definition.result, raw) as ClientRequestResult<M>, options);
  }

  /**
   * Sends a request of any method, hands its raw result to `parse` (which validates it and
   * throws a ProtocolError when it does not fit), and retries like {@link request} while the
   * server answers "overloaded". Params are sent as given: check them before.
   */
  async requestParsed<T>(method: string, params: unknown, parse: (raw: unknown) => T, options: RequestOptions = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const raw = await this.sendRaw(method, params, options.signal);
        return parse(raw);
      } catch (error) {
        if (!(error instanceof RpcError) || error.rpcCode !== SERVER_OVERLOADED_CODE) throw error;
        if (attempt >= this.retry.maxAttempts) {
          throw new RpcError(method, error.rpcCode, error.rpcMessage, error.data, {
            code: "OVERLOADED",
            cause: error,
          });
        }
        await delay(this.backoffMs(attempt), options.signal);
      }
    }
  }

  /**
   * Sends a request of any method without schema checks; the raw result is returned as is.
   * For methods codex-rpc does not model; prefer {@link request}.
   */
  sendRaw(method: string, params: unknown, signal?: AbortSignal): Promise<unknown> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const entry: PendingRequest = { reject };
      const onAbort = () => settle(() => reject(signal?.reason));
      const settle = (action: () => void) => {
        if (this.pending.delete(entry)) this.onPendingChange?.(this.pending.size);
        signal?.removeEventListener("abort", onAbort);
        action();
      };
      entry.reject = (error) => settle(() => reject(error));
      this.pending.add(entry);
      this.onPendingChange?.(this.pending.size);
      signal?.addEventListener("abort", onAbort, { once: true });
      const sent = params === undefined ? this.connection.sendRequest(method) : this.connection.sendRequest(method, params);
      sent.then(
        (result) => {
          this.handedOver();
          settle(() => resolve(result));
        },
        // Once closed, the reason of the close is the truth (a write that failed because the peer died says less).
        (error: unknown) => {
          this.handedOver();
          settle(() => reject(this.closedWith ?? toRequestError(method, error)));
        },
      );
    });
  }

  /** Sends a notification (e.g. `initialized`). */
  async notify(method: string, params?: unknown): Promise<void> {
    if (this.closedWith !== undefined) throw this.closedWith;
    await (params === undefined ? this.connection.sendNotification(method) : this.connection.sendNotification(method, params));
  }

  /** Adds a listener for every notification; returns a disposable that removes it. */
  onNotification(listener: NotificationListener): Disposable {
    this.notificationListeners.add(listener);
    return { dispose: () => this.notificationListeners.delete(listener) };
  }

  /** Adds a listener for notifications of known methods that failed their schema. */
  onInvalidNotification(listener: InvalidNotificationListener): Disposable {
    this.invalidNotificationListeners.add(listener);
    return { dispose: () => this.invalidNotificationListeners.delete(listener) };
  }

  /**
   * Rejects every pending request with `error` and refuses new ones; disposes the underlying
   * connection. Does NOT close the reader's or writer's streams (the transport owns them).
   */
  close(error: unknown = new AgentError("CLOSED", "The connection to the app-server is closed.")): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = error;
    for (const entry of [...this.pending]) entry.reject(error);
    this.connection.dispose();
  }

  /** Number of requests awaiting an answer. */
  get pendingRequestCount(): number {
    return this.pending.size;
  }

  /** Called by the reader for each message; true when it was dispatched here, not handed over. */
  private dispatchDirectly(method: string | undefined, params: unknown): boolean {
    // `$/` methods (cancellation, tracing) stay with vscode-jsonrpc, which gives them meaning.
    if (method === undefined || this.queuedInConnection > 0 || method.startsWith("$/") || this.closedWith !== undefined) {
      this.queuedInConnection++;
      return false;
    }
    this.dispatchNotification(method, params);
    return true;
  }

  /** vscode-jsonrpc has handled one message handed to it. */
  private handedOver(): void {
    if (this.queuedInConnection > 0) this.queuedInConnection--;
  }

  private dispatchNotification(method: string, params: unknown): void {
    const schema = (SERVER_NOTIFICATIONS as Record<string, z.ZodType | undefined>)[method];
    let notification: ServerNotification = { method, params };
    if (schema) {
      const parsed = schema.safeParse(params);
      if (!parsed.success) {
        const error = new ProtocolError(
          `The app-server sent ${method} with params that do not match its schema (${describeZodError(parsed.error)}).`,
          method,
        );
        this.onProtocolError(error);
        for (const listener of this.invalidNotificationListeners) listener(method, params, error);
        return;
      }
      notification = { method, params: parsed.data } as ServerNotification;
    }
    for (const listener of this.notificationListeners) listener(notification);
  }

  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** (attempt - 1));
    // "Equal jitter": at least half the ceiling, so retries spread out but never bunch at zero.
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private logger(): Logger {
    const report = (message: string) => this.onProtocolError(new ProtocolError(`JSON-RPC: ${message}`));
    return { error: report, warn: report, info: () => {}, log: () => {} };
  }
}

/**
 * A reader that reports responses whose id is not outstanding, and forgets ids once answered.
 * It also keeps a message vscode-jsonrpc throws on while dispatching (a `$/cancelRequest` without
 * params.id does) from escaping into the stream's data handler, where it would crash the process.
 */
function watchResponses(
  reader: MessageReader,
  outstanding: Set<string | number>,
  onUnknown: (id: unknown) => void,
  onUndispatchable: (error: unknown, method: string | undefined) => void,
  /** Offered every notification (method) and every request/response (undefined); true if it took it. */
  dispatchDirectly: (method: string | undefined, params: unknown) => boolean,
): MessageReader {
  return {
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    dispose: () => reader.dispose(),
    listen: (callback) =>
      reader.listen((message) => {
        const m = message as { id?: string | number | null; method?: unknown };
        if (m.method === undefined && m.id !== undefined && m.id !== null && !outstanding.delete(m.id)) {
          onUnknown(m.id);
          return;
        }
        try {
          // An error response with a null id is only logged by vscode-jsonrpc, never handed back: not counted.
          const counted = !(m.method === undefined && (m.id === undefined || m.id === null));
          const isNotification = typeof m.method === "string" && (m.id === undefined || m.id === null);
          if (counted && dispatchDirectly(isNotification ? (m.method as string) : undefined, (message as { params?: unknown }).params)) return;
          callback(message);
        } catch (error) {
          onUndispatchable(error, typeof m.method === "string" ? m.method : undefined);
        }
      }),
  };
}

/** A writer that remembers the ids of the requests it writes. */
function watchRequests(writer: MessageWriter, outstanding: Set<string | number>): MessageWriter {
  return {
    onError: writer.onError,
    onClose: writer.onClose,
    dispose: () => writer.dispose(),
    end: () => writer.end(),
    write: (message) => {
      const m = message as { id?: string | number | null; method?: unknown };
      if (typeof m.method === "string" && m.id !== undefined && m.id !== null) outstanding.add(m.id);
      return writer.write(message);
    },
  };
}

function parseResult(method: string, schema: z.ZodType, raw: unknown): unknown {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ProtocolError(
    `The app-server answered ${method} with a result that does not match its schema (${describeZodError(parsed.error)}). ` +
      "Is the codex binary a different version than the protocol codex-rpc was built for?",
    method,
  );
}

function toRequestError(method: string, error: unknown): unknown {
  if (error instanceof ResponseError) return new RpcError(method, error.code, error.message, error.data);
  return error;
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
