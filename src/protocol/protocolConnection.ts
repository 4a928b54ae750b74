/**
 * A typed JSON-RPC connection to the app-server over any vscode-jsonrpc reader/writer pair:
 * requests validated against their result schemas, notifications validated and dispatched,
 * server-initiated requests always answered. Knows nothing of processes or of the agent port.
 *
 * Messages are dispatched in the order read, as they are read, by a DispatchQueue (vscode-jsonrpc's own
 * connection handles one message per event-loop turn, which lets a flood pile up in memory). The
 * one wait: after a response, what was read behind it waits one event-loop turn, so that the
 * caller's continuations (learning a turn id, say) run before the notifications that follow.
 */
import { ErrorCodes, ResponseError, type Disposable, type Message, type MessageReader, type MessageWriter } from "vscode-jsonrpc/node";
import type { z } from "zod";
import { callSafely, guardCallback, type CallbackErrorHandler } from "../callbacks.ts";
import { AgentError, ProtocolError } from "../errors.ts";
import {
  CLIENT_REQUESTS,
  type ClientRequestMethod,
  type ClientRequestParams,
  type ClientRequestResult,
} from "./clientRequests.ts";
import { DispatchQueue } from "./dispatchQueue.ts";
import { describeZodError } from "./envelope.ts";
import { fastSafeParse } from "./fastSafeParse.ts";
import { PendingRequests } from "./pendingRequests.ts";
import { endObservation, observe, type RequestObserver } from "./requestObservation.ts";
import { overloadRetryPolicy, retryWhileOverloaded, type OverloadRetryOptions } from "./retryWhileOverloaded.ts";
import { SERVER_NOTIFICATIONS, type ServerNotification } from "./serverNotifications.ts";
import { ServerRequestRegistry } from "./serverRequestRegistry.ts";

// Moved to their own modules; re-exported so that importers of this module keep working.
export type { RequestObservation, RequestObserver, W3cTraceContext } from "./requestObservation.ts";
export { SERVER_OVERLOADED_CODE, type OverloadRetryOptions } from "./retryWhileOverloaded.ts";

/** The JSON-RPC cancellation notification (vscode-jsonrpc's and LSP's name for it). */
const CANCEL_METHOD = "$/cancelRequest";

/** Options of {@link ProtocolConnection}. */
export interface ProtocolConnectionOptions {
  readonly reader: MessageReader;
  readonly writer: MessageWriter;
  /** Called for every message that broke the protocol (bad frame, bad params, unknown response id). */
  readonly onProtocolError?: (error: ProtocolError) => void;
  readonly overloadRetry?: OverloadRetryOptions;
  /**
   * Receives what `onProtocolError` and the notification listeners throw (they never break the
   * connection); default: a process warning, once per callback.
   */
  readonly onCallbackError?: CallbackErrorHandler;
  /** Called when the number of requests awaiting an answer changes (the backend keeps its process referenced meanwhile). */
  readonly onPendingChange?: (pending: number) => void;
  /** Observes every request sent (tracing); a request's own `observer` takes its place. */
  readonly onRequest?: RequestObserver;
}

/** Per-request options. */
export interface RequestOptions {
  /** Aborting rejects the pending request with the signal's reason (the server is not told). */
  readonly signal?: AbortSignal;
  /** Observes this request instead of the connection's `onRequest` (each attempt of a retried one). */
  readonly observer?: RequestObserver;
}

/** Called with every notification; known methods arrive validated. */
export type NotificationListener = (notification: ServerNotification) => void;
/** Called with a notification of a known method whose params failed its schema. */
export type InvalidNotificationListener = (method: string, params: unknown, error: ProtocolError) => void;

/** A typed connection to a codex app-server; see the module comment. */
export class ProtocolConnection {
  /** Handlers of server-initiated requests; unhandled methods are answered with an error. */
  readonly serverRequests: ServerRequestRegistry;
  private readonly reader: MessageReader;
  private readonly writer: MessageWriter;
  private readonly subscriptions: Disposable[] = [];
  private readonly notificationListeners = new Set<NotificationListener>();
  private readonly invalidNotificationListeners = new Set<InvalidNotificationListener>();
  private readonly pending: PendingRequests;
  private readonly onProtocolError: (error: ProtocolError) => void;
  private readonly onCallbackError: CallbackErrorHandler | undefined;
  private readonly retry: Required<OverloadRetryOptions>;
  private readonly onRequest: RequestObserver | undefined;
  private closedWith: unknown;
  private readonly queue = new DispatchQueue(
    (message) => this.process(message),
    () => this.closedWith !== undefined,
  );

  constructor(options: ProtocolConnectionOptions) {
    this.onCallbackError = options.onCallbackError;
    this.onProtocolError = guardCallback("onProtocolError", options.onProtocolError, options.onCallbackError) ?? (() => {});
    this.pending = new PendingRequests(options.onPendingChange);
    this.retry = overloadRetryPolicy(options.overloadRetry);
    this.onRequest = options.onRequest;
    this.serverRequests = new ServerRequestRegistry(this.onProtocolError);
    this.reader = options.reader;
    this.writer = options.writer;
    // Reader errors (bad frames) are handled at once, not behind held messages: a malformed
    // response fails its request without delay, and a close never drops a report.
    this.subscriptions.push(
      options.reader.onError((error) => {
        if (this.closedWith === undefined) this.onReaderError(error);
      }),
      options.reader.onClose(() => {
        void this.drained().then(() => this.close(new AgentError("CLOSED", "The app-server closed its output; the connection is closed.")));
      }),
      options.writer.onError(([error]) => {
        if (this.closedWith === undefined) this.onProtocolError(new ProtocolError(`codex-rpc could not write to the app-server: ${error.message}`, undefined, { cause: error }));
      }),
      options.reader.listen((message) => this.queue.receive(message)),
    );
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
    const checkedParams = fastSafeParse(definition.params, params);
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
    return retryWhileOverloaded(method, this.retry, options.signal, async () => parse(await this.sendRaw(method, params, options.signal, options.observer)));
  }

  /**
   * Sends a request of any method without schema checks; the raw result is returned as is.
   * For methods codex-rpc does not model; prefer {@link request}. `observer` takes the place of
   * the connection's `onRequest` for this request.
   */
  sendRaw(method: string, params: unknown, signal?: AbortSignal, observer?: RequestObserver): Promise<unknown> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const observation = observe(observer ?? this.onRequest, method);
    const { id, answered, unsent } = this.pending.open(method, signal);
    const message: Record<string, unknown> = params === undefined ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", id, method, params };
    if (observation?.trace) message.trace = observation.trace;
    // A writer that throws instead of rejecting must still end in a rejected request, never a throw.
    const written = (async () => this.writer.write(message as unknown as Message))();
    written.then(undefined, (error: unknown) => {
      // Never sent, so never answered. Once closed, the reason of the close is the truth (a
      // write that failed because the peer died says less).
      unsent(
        this.closedWith ??
          new AgentError("CLOSED", `codex-rpc could not send ${method} to the app-server (${error instanceof Error ? error.message : String(error)}).`, {
            cause: error,
          }),
      );
    });
    if (!observation) return answered;
    return answered.then(
      (result) => {
        endObservation(observation);
        return result;
      },
      (error: unknown) => {
        endObservation(observation, error);
        throw error;
      },
    );
  }

  /** Sends a notification (e.g. `initialized`). */
  async notify(method: string, params?: unknown): Promise<void> {
    if (this.closedWith !== undefined) throw this.closedWith;
    const message: Record<string, unknown> = params === undefined ? { jsonrpc: "2.0", method } : { jsonrpc: "2.0", method, params };
    await this.writer.write(message as unknown as Message);
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
   * Resolves once everything the reader has delivered so far has been dispatched (at once when
   * nothing waits, or once closed). Close after it, and nothing already read is lost.
   */
  drained(): Promise<void> {
    return this.queue.drained();
  }

  /**
   * Rejects every pending request with `error` and refuses new ones; disposes the underlying
   * connection. Does NOT close the reader's or writer's streams (the transport owns them).
   */
  close(error: unknown = new AgentError("CLOSED", "The connection to the app-server is closed.")): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = error;
    this.pending.rejectAll(error);
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.reader.dispose();
    this.writer.dispose();
    this.queue.clear();
  }

  /** Number of requests awaiting an answer. */
  get pendingRequestCount(): number {
    return this.pending.size;
  }

  private process(message: Message): void {
    const m = message as { id?: unknown; method?: unknown; params?: unknown };
    try {
      if (typeof m.method === "string") {
        if (m.method === CANCEL_METHOD && (m.id === undefined || m.id === null)) this.onCancel(m.params);
        else if (m.id === undefined || m.id === null) this.dispatchNotification(m.method, m.params);
        else this.answerServerRequest(m.id, m.method, m.params);
      } else if (m.method === undefined && ("result" in m || "error" in m || "id" in m)) {
        this.onResponse(m as Record<string, unknown>);
      } else {
        this.onProtocolError(new ProtocolError("The app-server sent a message that is neither a request, a notification nor a response; ignored."));
      }
    } catch (error) {
      // Our own bug: never into the stream's data handler, where it would crash the process.
      this.onProtocolError(
        new ProtocolError(`The app-server sent a message that could not be dispatched (${error instanceof Error ? error.message : String(error)}); ignored.`, typeof m.method === "string" ? m.method : undefined, {
          cause: error,
        }),
      );
    }
  }

  /**
   * `$/cancelRequest`: the server no longer needs the answer to one of its requests. The answer
   * (a handler may be waiting for a person) is still sent when ready, which the protocol allows.
   */
  private onCancel(params: unknown): void {
    const id = (params as { id?: unknown } | null | undefined)?.id;
    if (typeof id === "string" || typeof id === "number") return;
    this.onProtocolError(new ProtocolError(`The app-server sent ${CANCEL_METHOD} without a string or number params.id; ignored.`, CANCEL_METHOD));
  }

  /** Computes the answer of a server request (see {@link ServerRequestRegistry}) and writes it: always an answer. */
  private answerServerRequest(id: unknown, method: string, params: unknown): void {
    if (typeof id !== "string" && typeof id !== "number") {
      this.onProtocolError(new ProtocolError(`The app-server sent the request ${method} with an id that is not a string or number; it cannot be answered.`, method));
      return;
    }
    const reply = (answer: { result: unknown } | { error: unknown }) => {
      if (this.closedWith !== undefined) return;
      this.writer.write({ jsonrpc: "2.0", id, ...answer } as unknown as Message).catch(() => {
        // The writer reports its failure (onError); the server is gone or going.
      });
    };
    let answering: Promise<unknown>;
    try {
      answering = Promise.resolve(this.serverRequests.answer(method, params));
    } catch (error) {
      answering = Promise.reject(error);
    }
    answering.then(
      (result) => reply({ result: result === undefined ? null : result }),
      (error: unknown) =>
        reply({
          error:
            error instanceof ResponseError
              ? error.toJson()
              : { code: ErrorCodes.InternalError, message: `Request ${method} failed with message: ${error instanceof Error ? error.message : String(error)}` },
        }),
    );
  }

  /** A response: settles its request; what was read after it waits until the caller's continuations have run. */
  private onResponse(m: Record<string, unknown>): void {
    // What the caller does with the answer (e.g. learn a turn id) happens before what was read after it.
    if (this.pending.answer(m, this.onProtocolError)) this.queue.holdForOneTurn();
  }

  /** A frame the reader rejected: reported; a response among it settles its request at once. */
  private onReaderError(error: Error): void {
    this.onProtocolError(error instanceof ProtocolError ? error : new ProtocolError(`Unreadable message from the app-server: ${error.message}`, undefined, { cause: error }));
    const ids = (error as { responseIds?: unknown }).responseIds;
    if (!Array.isArray(ids)) return;
    const reason = (error as { reason?: unknown }).reason;
    for (const id of ids as unknown[]) {
      if (typeof id !== "string" && typeof id !== "number") continue;
      if (this.pending.failMalformed(id, typeof reason === "string" ? reason : error.message)) this.queue.holdForOneTurn();
    }
  }

  private dispatchNotification(method: string, params: unknown): void {
    const schema = (SERVER_NOTIFICATIONS as Record<string, z.ZodType | undefined>)[method];
    let notification: ServerNotification = { method, params };
    if (schema) {
      // Checked without zod's copy of every key at every level (the params are only read).
      const parsed = fastSafeParse(schema, params);
      if (!parsed.success) {
        const error = new ProtocolError(
          `The app-server sent ${method} with params that do not match its schema (${describeZodError(parsed.error)}).`,
          method,
        );
        this.onProtocolError(error);
        for (const listener of this.invalidNotificationListeners) callSafely("onInvalidNotification listener", listener, this.onCallbackError, method, params, error);
        return;
      }
      notification = { method, params: parsed.data } as ServerNotification;
    }
    for (const listener of this.notificationListeners) callSafely("onNotification listener", listener, this.onCallbackError, notification);
  }
}

function parseResult(method: string, schema: z.ZodType, raw: unknown): unknown {
  const parsed = fastSafeParse(schema, raw);
  if (parsed.success) return parsed.data;
  throw new ProtocolError(
    `The app-server answered ${method} with a result that does not match its schema (${describeZodError(parsed.error)}). ` +
      "Is the codex binary a different version than the protocol codex-rpc was built for?",
    method,
  );
}
