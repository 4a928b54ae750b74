/**
 * Routing of a backend's traffic to conversations by thread id: one route per thread, held
 * weakly; notifications of no thread to the global listeners; server requests of a thread no
 * route owns answered fail-closed (approvals declined).
 */
import type { Disposable } from "vscode-jsonrpc/node";
import { callSafely, type CallbackErrorHandler } from "../callbacks.ts";
import { AgentError, type ProtocolError } from "../errors.ts";
import type { ProtocolConnection } from "../protocol/protocolConnection.ts";
import { notificationThreadId, type ServerNotification } from "../protocol/serverNotifications.ts";
import { SERVER_REQUESTS, type ServerRequestMethod } from "../protocol/serverRequests.ts";
import { approvalAnswer, defaultAnswer, isApprovalMethod } from "./approvals.ts";

/** What a conversation registers to receive its thread's traffic. */
export interface ThreadRoute {
  onNotification(notification: ServerNotification): void;
  /** A notification of this thread that failed its schema. */
  onInvalidNotification(method: string, params: unknown, error: ProtocolError): void;
  /** Answers a server request of this thread. */
  onServerRequest(method: ServerRequestMethod, params: Record<string, unknown>): Promise<unknown>;
  /** The backend died or closed; fail what is pending. */
  onBackendGone(error: AgentError): void;
}

/** The routes of one backend; see the module comment. */
export class ThreadRouter {
  /**
   * Routes by thread id, held weakly: a runner the caller lets go of without close() must not be
   * kept alive here (a runner holds its route strongly, through the disposable
   * register returned, and is itself held by its deadline timer while a turn runs).
   */
  private readonly routes = new Map<string, WeakRef<ThreadRoute>>();
  private readonly collectedRoutes = new FinalizationRegistry<{ readonly threadId: string; readonly ref: WeakRef<ThreadRoute> }>(({ threadId, ref }) => {
    if (this.routes.get(threadId) === ref) this.routes.delete(threadId);
  });
  private readonly globalListeners = new Set<(notification: ServerNotification) => void>();

  /** `heard` is called for everything routed (the liveness watch); `onCallbackError` gets what global listeners throw. */
  constructor(
    private readonly heard: () => void,
    private readonly onCallbackError: () => CallbackErrorHandler | undefined,
  ) {}

  /**
   * Routes a thread's notifications and server requests to `route` until disposed. Throws
   * THREAD_BUSY when another live route has the thread.
   */
  register(threadId: string, route: ThreadRoute): Disposable {
    const current = this.routes.get(threadId)?.deref();
    if (current !== undefined && current !== route) throw threadBusyError(threadId);
    const ref = new WeakRef(route);
    this.routes.set(threadId, ref);
    this.collectedRoutes.register(route, { threadId, ref }, ref);
    return {
      // Holds `route` strongly: whoever holds this disposable keeps the route registered.
      dispose: () => {
        if (this.routes.get(threadId)?.deref() === route) this.routes.delete(threadId);
        this.collectedRoutes.unregister(ref);
      },
    };
  }

  /** Listens to notifications that belong to no thread (configWarning, account updates...). */
  onGlobalNotification(listener: (notification: ServerNotification) => void): Disposable {
    this.globalListeners.add(listener);
    return { dispose: () => this.globalListeners.delete(listener) };
  }

  /** Takes `connection`'s notifications and answers its server requests through the routes. */
  wire(connection: ProtocolConnection): void {
    connection.onNotification((notification) => {
      this.heard();
      const threadId = notificationThreadId(notification.params);
      const route = threadId === undefined ? undefined : this.routes.get(threadId)?.deref();
      if (route) route.onNotification(notification);
      else if (threadId === undefined) for (const listener of this.globalListeners) callSafely("onGlobalNotification listener", listener, this.onCallbackError(), notification);
      // A notification for a thread nobody here owns (another client's, or a closed runner's) is dropped.
    });
    connection.onInvalidNotification((method, params, error) => {
      this.heard();
      const threadId = notificationThreadId(params);
      if (threadId !== undefined) this.routes.get(threadId)?.deref()?.onInvalidNotification(method, params, error);
    });
    for (const method of Object.keys(SERVER_REQUESTS) as ServerRequestMethod[]) {
      connection.serverRequests.set(method, (params) => this.routeServerRequest(method, params as Record<string, unknown>) as never);
    }
  }

  /** Tells every route the backend is gone, and forgets them all. */
  gone(error: AgentError): void {
    for (const ref of [...this.routes.values()]) ref.deref()?.onBackendGone(error);
    this.routes.clear();
  }

  private async routeServerRequest(method: ServerRequestMethod, params: Record<string, unknown>): Promise<unknown> {
    this.heard();
    const threadId = typeof params.threadId === "string" ? params.threadId : typeof params.conversationId === "string" ? params.conversationId : undefined;
    const route = threadId === undefined ? undefined : this.routes.get(threadId)?.deref();
    if (route) return route.onServerRequest(method, params);
    return unroutedAnswer(method, params);
  }
}

/** A second runner on a thread already routed on this backend. */
function threadBusyError(threadId: string): AgentError {
  return new AgentError(
    "THREAD_BUSY",
    `Thread ${threadId} already has a runner on this backend; two runners on one thread would take each other's traffic. ` +
      "Use that runner, or close() it first and then resume the thread.",
  );
}

/** Fail-closed answers for server requests of threads no runner here owns. */
function unroutedAnswer(method: ServerRequestMethod, params: Record<string, unknown>): unknown {
  if (isApprovalMethod(method)) return approvalAnswer(method, params as never, "decline");
  const fallback = defaultAnswer(method, params);
  if (fallback) return fallback.answer;
  throw new AgentError("RPC", `codex-rpc cannot answer ${method}: no credentials or attestation are available to it.`);
}
