/**
 * One `codex app-server` process and the typed connection to it: resolves the binary, spawns
 * it, completes the handshake, routes notifications and server requests to conversations by
 * thread id (one runner per thread), and fails everything pending at once if the process dies,
 * or once it is retired for having stopped answering.
 */
import type { Disposable, MessageReader, MessageWriter } from "vscode-jsonrpc/node";
import {
  AgentError,
  BackendExitedError,
  BackendRetiredError,
  BackendStartError,
  describeExit,
  ProtocolError,
  RpcError,
  UnsupportedVersionError,
  type ProcessExitInfo,
} from "../errors.ts";
import { checkEnvelope } from "../protocol/envelope.ts";
import { callSafely, guardCallback, type CallbackErrorHandler } from "../callbacks.ts";
import { createRedactor, type Redactor } from "../protocol/redaction.ts";
import type { InitializeResult } from "../protocol/clientRequests.ts";
import { ProtocolConnection, type OverloadRetryOptions } from "../protocol/protocolConnection.ts";
import { notificationThreadId, type ServerNotification } from "../protocol/serverNotifications.ts";
import { SERVER_REQUESTS, type ServerRequestMethod } from "../protocol/serverRequests.ts";
import { requestStable, type StableClientRequestArgs, type StableClientRequestMethod, type StableClientRequestResult } from "../protocol/stableClientRequests.ts";
import type { ChildProcessTransportOptions } from "../transport/childProcessTransport.ts";
import { approvalAnswer, defaultAnswer, isApprovalMethod } from "./approvals.ts";
import { withDebugLogging } from "./debugLog.ts";
import { checkBackendConfig } from "./backendConfigSchema.ts";
import { parseEndpoint, type BackendEndpoint, type CodexBackendAuth, type ReconnectOptions } from "./backendEndpoint.ts";
import { connectLink, spawnLink, type BackendLink, type LinkHooks } from "./backendLink.ts";
import { LivenessMonitor, type LivenessProbeOptions } from "./livenessMonitor.ts";
import { optedOutNotifications, type NotificationSelection } from "./notificationOptOut.ts";
import { childEnvironment, resolveCodexBinary, type ResolvedCodexBinary } from "./resolveCodexBinary.ts";
import { checkServerVersion, type CodexBackendWarning } from "./serverVersion.ts";
import { stableRequestValidators } from "./stableRequestSchema.ts";
import { ConversationCatalog } from "./conversationCatalog.ts";
import { CodexTracing, type CodexTracingOption } from "./tracing.ts";

/** How long a server with a broken stdin or stdout gets to exit on its own before SIGTERM, in ms. */
const BROKEN_PIPE_GRACE_MS = 500;

/** How long a failed handshake waits for the peer's own exit before stopping it, in ms. */
const EXIT_AFTER_FAILED_START_MS = 300;

/** The value `promise` resolves with within `ms`, else undefined; the timer never keeps the process alive. */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
    void promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

/** Default deadline of start-up (spawn + initialize), in seconds. */
export const DEFAULT_START_TIMEOUT_SECONDS = 30;

/** How codex-rpc introduces itself in `initialize`. */
export const DEFAULT_CLIENT_INFO = { name: "codex-rpc", title: "codex-rpc", version: "0.1.0" } as const;

/** Configuration of a backend process. */
export interface CodexBackendConfig {
  /** Each passed to codex as `-c <override>` (MCP servers, for example `mcp_servers.x.command="..."`). */
  readonly mcpConfigOverrides?: readonly string[];
  /** The codex binary; else CODEX_BIN, the bundled @openai/codex, `codex` on PATH. */
  readonly codexBin?: string;
  /** Other `-c key=value` overrides, passed after the MCP ones. */
  readonly configOverrides?: readonly string[];
  /** Variables added to the child's environment (over the inherited ones). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Inherit the caller's environment (default true); false passes only `env`. */
  readonly inheritEnv?: boolean;
  /** Deadline of spawn + handshake, in seconds; default 30. */
  readonly startTimeoutSeconds?: number;
  /** Ask for the experimental API at initialize (needed for dynamic tools); default false. */
  readonly experimentalApi?: boolean;
  /**
   * `"needed"` (default): at initialize, opt out of the frequent notifications nothing in
   * codex-rpc reads (`UNREAD_NOTIFICATION_METHODS`), so the server does not write them;
   * `"all"`: ask for every notification (for `onGlobalNotification` listeners of those methods).
   * With `onTraffic` set the default is `"all"`: a traffic log sees everything.
   */
  readonly notifications?: NotificationSelection;
  /** Client identity sent at initialize. */
  readonly clientInfo?: { readonly name: string; readonly title?: string; readonly version: string };
  /** Retry policy for "Server overloaded" errors. */
  readonly overloadRetry?: OverloadRetryOptions;
  /** Called for every message that broke the protocol (for logs); the backend goes on. */
  readonly onProtocolError?: (error: ProtocolError) => void;
  /**
   * Sees every message both ways as it crosses the pipe (`line` is the exact JSON text), for
   * traffic logs and timing. Called synchronously on the hot path: keep it cheap. Not redacted:
   * redact before writing anything down (see `createRedactor`).
   */
  readonly onTraffic?: (direction: TrafficDirection, message: unknown, line: string) => void;
  /** Called with each line the app-server writes to stderr (colour codes stripped). */
  readonly onStderrLine?: (line: string) => void;
  /**
   * Receives every error thrown (or rejected) by a callback given to codex-rpc: onTraffic,
   * onStderrLine, onProtocolError, listeners, and runners' onEvent. Such an error never breaks
   * anything: codex-rpc goes on as if the callback had returned. Default: a process warning of
   * type `CodexRpcCallbackWarning`, once per callback.
   */
  readonly onCallbackError?: CallbackErrorHandler;
  /**
   * Called with each warning of the backend (today: a codex newer than the tested range, or a
   * version that could not be read; once per start). Also kept in `backend.warnings`.
   */
  readonly onWarning?: (warning: CodexBackendWarning) => void;
  /**
   * Wedge detection while a turn runs: after `afterSilenceSeconds` (default 30) with nothing from
   * the server, a cheap request is sent; unanswered within `timeoutSeconds` (default 10) while
   * nothing else arrives, the backend is retired (see {@link CodexBackend.retire}). `false` turns
   * the watch off (an unanswered turn/interrupt still retires the backend).
   */
  readonly livenessProbe?: LivenessProbeOptions | false;
  /**
   * OpenTelemetry spans for turns and requests, with W3C trace context sent on each request.
   * Default: the global tracer of `@opentelemetry/api` when that optional package can be loaded
   * (a no-op until the application registers a provider); `{ tracer }` uses that tracer; `false`
   * turns it off. Prompts, answers and message text are never recorded.
   */
  readonly tracing?: CodexTracingOption;
  /** Spawns the process; for tests. Default: cross-spawn. */
  readonly spawn?: ChildProcessTransportOptions["spawn"];
  /**
   * Where the app-server is: "stdio" (default: spawn the binary), "unix://" (the control socket
   * under the CODEX_HOME of `env`, then of the process), "unix:///abs/path.sock",
   * "ws://host:port", "wss://host:port". A remote server is only disconnected from, never stopped.
   */
  readonly endpoint?: string;
  /** Credentials for a ws(s):// endpoint; never logged, never in an error. */
  readonly auth?: CodexBackendAuth;
  /** Connection attempts of a remote backend (at start and when it is reconnected); see {@link ReconnectOptions}. */
  readonly reconnect?: ReconnectOptions;
}

/** Which way a message went: client to server, or server to client. */
export type TrafficDirection = "c2s" | "s2c";

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

/** Lifecycle of a backend. */
export type CodexBackendState = "new" | "starting" | "running" | "exited" | "closed";

/** A codex app-server process with its connection; see the module comment. */
export class CodexBackend implements AsyncDisposable {
  private stateValue: CodexBackendState = "new";
  private starting: Promise<this> | undefined;
  private closing: Promise<void> | undefined;
  private link: BackendLink | undefined;
  /** Ends the connection attempts of a remote backend when close() comes during start-up. */
  private readonly startAbort = new AbortController();
  private connectionValue: ProtocolConnection | undefined;
  private initializeResultValue: InitializeResult | undefined;
  private serverVersionValue: string | undefined;
  private readonly warningsValue: CodexBackendWarning[] = [];
  private binaryValue: ResolvedCodexBinary | undefined;
  private goneError: AgentError | undefined;
  /** Keeps secrets of the child's environment out of error messages (stderr tails). */
  private redactor: Redactor = createRedactor();
  /**
   * Routes by thread id, held weakly: a runner the caller lets go of without close() must not be
   * kept alive here (a runner holds its route strongly, through the disposable
   * registerThread returned, and is itself held by its deadline timer while a turn runs).
   */
  private readonly routes = new Map<string, WeakRef<ThreadRoute>>();
  private readonly collectedRoutes = new FinalizationRegistry<{ readonly threadId: string; readonly ref: WeakRef<ThreadRoute> }>(({ threadId, ref }) => {
    if (this.routes.get(threadId) === ref) this.routes.delete(threadId);
  });
  private readonly globalListeners = new Set<(notification: ServerNotification) => void>();
  private readonly exitListeners = new Set<(error: AgentError) => void>();
  private readonly liveness: LivenessMonitor;
  private tracingValue: CodexTracing = CodexTracing.OFF;

  /** Work that needs the process while no request is pending: running turns ({@link hold}). */
  private holds = 0;

  /** Checks `config` at once (INVALID_CONFIG naming the option); spawns nothing until start(). */
  constructor(readonly config: CodexBackendConfig = {}) {
    checkBackendConfig(config);
    // The endpoint's shape too; credential files are read (and checked) at start().
    parseEndpoint(config, { readFiles: false });
    this.liveness = new LivenessMonitor(
      config.livenessProbe,
      async () => {
        try {
          await this.connection.sendRaw(LIVENESS_PROBE_METHOD, { limit: 1 });
        } catch (error) {
          // An error answer is an answer: the server read the request and replied.
          if (!(error instanceof RpcError)) throw error;
        }
      },
      (reason) => this.retire(reason),
    );
  }

  /**
   * Keeps the process referenced (the caller's event loop alive) until disposed, for work that
   * waits on the server without a pending request (a running turn). While the backend is
   * running with no request pending and nothing held, its process and pipes are unreferenced,
   * so a script that forgot `close()` still exits; the app-server then sees its stdin close.
   */
  hold(): Disposable {
    this.holds++;
    this.updateKeepAlive();
    let released = false;
    return {
      dispose: () => {
        if (released) return;
        released = true;
        this.holds--;
        this.updateKeepAlive();
      },
    };
  }

  private updateKeepAlive(): void {
    const idle = this.stateValue === "running" && this.holds === 0 && (this.connectionValue?.pendingRequestCount ?? 0) === 0;
    this.link?.keepAlive(!idle);
  }

  /** Current lifecycle state. */
  get state(): CodexBackendState {
    return this.stateValue;
  }

  /** The binary in use, once started. */
  get binary(): ResolvedCodexBinary | undefined {
    return this.binaryValue;
  }

  /** What the server answered to `initialize`. */
  get initializeResult(): InitializeResult | undefined {
    return this.initializeResultValue;
  }

  /** How this backend traces (off until started; see `CodexBackendConfig.tracing`). */
  get tracing(): CodexTracing {
    return this.tracingValue;
  }

  /** The codex version of the server ("0.169.0"), read from initialize's userAgent; undefined until started or when unreadable. */
  get serverVersion(): string | undefined {
    return this.serverVersionValue;
  }

  /** Warnings so far (see `onWarning`). */
  get warnings(): readonly CodexBackendWarning[] {
    return this.warningsValue;
  }

  /** The process id, while running; undefined for a remote app-server. */
  get pid(): number | undefined {
    return this.link?.pid;
  }

  /** Where the app-server is: "stdio", or the remote endpoint as configured (never a credential). */
  get endpoint(): string {
    return this.config.endpoint ?? "stdio";
  }

  /** How the process ended, or how the connection to a remote server closed, once it has (stderr tail redacted). */
  get exitInfo(): ProcessExitInfo | undefined {
    const exit = this.link?.endInfo;
    return exit && this.redactExit(exit);
  }

  /** The typed connection; throws CLOSED unless the backend is running. */
  get connection(): ProtocolConnection {
    if (this.stateValue !== "running" || !this.connectionValue) throw this.notRunningError();
    return this.connectionValue;
  }

  /**
   * Sends any stable client request of the pinned protocol (`thread/list`, `model/list`, ...):
   * params and result typed from protocol/, checked before sending and validated on arrival
   * (fields a newer server adds pass). Rejects with CLOSED unless running, PROTOCOL for bad
   * params or a result that does not fit, RPC for the server's error answer.
   */
  request<M extends StableClientRequestMethod>(method: M, ...args: StableClientRequestArgs<M>): Promise<StableClientRequestResult<M>> {
    return this.stateValue === "running" ? requestStable(this.connection, stableRequestValidators(), method, ...args) : Promise.reject(this.notRunningError());
  }

  /** Conversations, models and the account as plain methods over {@link request} (see ConversationCatalog). */
  get catalog(): ConversationCatalog {
    return new ConversationCatalog(this);
  }

  /** Spawns the app-server and completes the handshake; idempotent while running. */
  start(): Promise<this> {
    if (this.stateValue === "running") return Promise.resolve(this);
    if (this.starting) return this.starting;
    if (this.stateValue === "closed") return Promise.reject(new AgentError("CLOSED", "This CodexBackend was closed; create a new one."));
    if (this.stateValue === "exited") return Promise.reject(this.notRunningError());
    this.stateValue = "starting";
    this.starting = this.startProcess().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /**
   * Stops the process (end stdin, then SIGTERM, then SIGKILL), or only disconnects from a remote
   * app-server; pending work rejects with CLOSED. Idempotent.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const wasState = this.stateValue;
    this.stateValue = "closed";
    this.updateKeepAlive(); // referenced again until the process has stopped
    const error = new AgentError("CLOSED", "The codex backend was closed while this was pending.");
    this.closing = (async () => {
      if (wasState !== "exited") this.gone(error);
      // Rejects a pending initialize at once: close() during start-up must not wait for its deadline.
      this.connectionValue?.close(error);
      this.startAbort.abort(error);
      await this.starting?.catch(() => {});
      await this.link?.close();
    })();
    return this.closing;
  }

  /** Same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Stops a backend that has stopped answering while its process stays up (stopped, deadlocked,
   * stuck): the process is killed, and everything pending, and `onGone`, get a
   * BackendRetiredError (code BACKEND_EXITED) naming `reason`. The state becomes "exited", so the
   * factory starts a new backend on the next use and conversations resume their threads there.
   * No-op unless running.
   */
  retire(reason: string): void {
    if (this.stateValue !== "running") return;
    this.stateValue = "exited";
    const error = new BackendRetiredError(reason);
    this.connectionValue?.close(error);
    this.gone(error);
    // SIGKILL at once: a stopped process acts on nothing else, and a wedged one has nothing to save.
    // (A remote server is not ours: its link is only closed.)
    void this.link?.close({ graceMs: 0, termGraceMs: 0 });
  }

  /**
   * Sends a cheap request (`thread/loaded/list`): true when it is answered, or anything else
   * arrives from the server, within `timeoutMs`; false when the server stayed silent.
   */
  probe(timeoutMs?: number): Promise<boolean> {
    return this.liveness.probe(timeoutMs);
  }

  /** Why this backend was retired, if it was (see {@link retire}). */
  get retiredBecause(): string | undefined {
    return this.goneError instanceof BackendRetiredError ? this.goneError.reason : undefined;
  }

  /** A timestamp for {@link heardSince}. */
  heardMark(): number {
    return this.liveness.now();
  }

  /** True when anything arrived from the server after `mark` (from {@link heardMark}). */
  heardSince(mark: number): boolean {
    return this.liveness.heardSince(mark);
  }

  /** Watches the server for silence while a turn runs (see `livenessProbe`) until disposed. */
  watchLiveness(): Disposable {
    return this.liveness.watch();
  }

  /**
   * Routes a thread's notifications and server requests to `route` until disposed. Throws
   * THREAD_BUSY when another live route has the thread: two writers on one thread would take
   * each other's traffic.
   */
  registerThread(threadId: string, route: ThreadRoute): Disposable {
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

  /** Resolves with the error once the backend has stopped being usable (at once if it already has). */
  onGoneOnce(): Promise<AgentError> {
    if (this.goneError) return Promise.resolve(this.goneError);
    return new Promise((resolve) => {
      const subscription = this.onGone((error) => {
        subscription.dispose();
        resolve(error);
      });
    });
  }

  /** Called once when the backend stops being usable (process exit or close). */
  onGone(listener: (error: AgentError) => void): Disposable {
    this.exitListeners.add(listener);
    return { dispose: () => this.exitListeners.delete(listener) };
  }

  private async startProcess(): Promise<this> {
    // Checked before any process starts or byte is sent: INVALID_CONFIG names the field.
    const endpoint = parseEndpoint(this.config);
    this.tracingValue = CodexTracing.create(this.config.tracing);
    const timeoutSeconds = this.config.startTimeoutSeconds ?? DEFAULT_START_TIMEOUT_SECONDS;
    const deadlineAt = Date.now() + timeoutSeconds * 1000;
    // The caller's callbacks never break anything (callbacks.ts); CODEX_RPC_DEBUG adds redacted logging to stderr here (debugLog.ts).
    const onCallbackError = this.config.onCallbackError;
    const onTraffic = guardCallback("onTraffic", this.config.onTraffic, onCallbackError);
    const onStderrLine = guardCallback("onStderrLine", this.config.onStderrLine, onCallbackError);
    const logHooks = withDebugLogging({ ...(onTraffic ? { onTraffic } : {}), ...(onStderrLine ? { onStderrLine } : {}) }, () => this.redactor);
    const hooks = {
      checkMessage: checkEnvelope,
      ...(logHooks.onTraffic ? trafficHooks(logHooks.onTraffic) : {}),
      ...(logHooks.onStderrLine ? { onStderrLine: logHooks.onStderrLine } : {}),
    };
    let link: BackendLink;
    if (endpoint.kind === "stdio") {
      // The binary is looked for in the environment the child gets (CODEX_BIN, PATH), not the caller's.
      const childEnv = childEnvironment(this.config);
      const binary = resolveCodexBinary({ codexBin: this.config.codexBin, env: childEnv });
      this.binaryValue = binary;
      const args = [
        ...binary.prefixArgs,
        ...(this.config.mcpConfigOverrides ?? []).flatMap((override) => ["-c", override]),
        ...(this.config.configOverrides ?? []).flatMap((override) => ["-c", override]),
        "app-server",
      ];
      const env = { ...binary.env, ...childEnv };
      // One redactor for everything this backend shows: it knows the child's environment and the overrides.
      this.redactor = createRedactor({ env, configOverrides: [...(this.config.mcpConfigOverrides ?? []), ...(this.config.configOverrides ?? [])] });
      link = spawnLink(binary, args, env, {
        ...hooks,
        redact: (text) => this.redactor.text(text),
        ...(onCallbackError ? { onCallbackError } : {}),
        ...(this.config.spawn ? { spawn: this.config.spawn } : {}),
      });
    } else {
      link = await this.connectRemote(endpoint, hooks, deadlineAt);
    }
    this.link = link;
    // Spawning is not counted against the deadline (a loaded machine can take long to fork); connecting is.
    const deadline = AbortSignal.timeout(link.remote ? Math.max(1, deadlineAt - Date.now()) : timeoutSeconds * 1000);
    const exited = link.ended.then((exit) => this.redactExit(exit));
    // Everything read before the exit is delivered before the exit is: a turn the server completed
    // and then exited is reported completed, not BACKEND_EXITED.
    const exitProcessed = exited.then(async (exit) => {
      await this.connectionValue?.drained();
      this.onProcessExit(exit);
      return exit;
    });
    // A server whose stdout has closed, or whose stdin no longer takes writes (EPIPE), can do no
    // more work: stop it, so that its exit fails what is pending with BACKEND_EXITED (exit code,
    // signal, stderr) instead of a bare "connection closed" or a write error posing as an RPC error.
    // (For a remote server the link has ended already: this only disconnects.)
    const stopBroken = () => void link.close({ graceMs: BROKEN_PIPE_GRACE_MS });
    link.reader.onClose(stopBroken);
    const onProtocolError = guardCallback("onProtocolError", this.config.onProtocolError, onCallbackError);
    const connection = new ProtocolConnection({
      reader: withoutCloseEvent(link.reader),
      writer: failingOnExit(link.writer, stopBroken, exitProcessed),
      onProtocolError: (error) => onProtocolError?.(this.redactProtocolError(error)),
      ...(onCallbackError ? { onCallbackError } : {}),
      ...(this.config.overloadRetry ? { overloadRetry: this.config.overloadRetry } : {}),
      onPendingChange: () => this.updateKeepAlive(),
      ...(this.tracingValue.onRequest ? { onRequest: this.tracingValue.onRequest } : {}),
    });
    this.connectionValue = connection;
    this.wire(connection);

    try {
      const started = Promise.race([
        connection.request(
          "initialize",
          {
            clientInfo: this.config.clientInfo ?? DEFAULT_CLIENT_INFO,
            // A traffic log (onTraffic, CODEX_RPC_DEBUG=traffic) sees every notification.
            capabilities: { experimentalApi: this.config.experimentalApi ?? false, ...optOut({ notifications: this.config.notifications, onTraffic: logHooks.onTraffic }) },
          },
          { signal: deadline },
        ),
        exitProcessed.then((exit) => Promise.reject(exitedDuringStart(link, exit))),
      ]);
      this.initializeResultValue = await started;
      this.judgeVersion(this.initializeResultValue.userAgent, this.binaryValue?.path ?? link.name);
      await connection.notify("initialized");
      // An exit while `initialized` was being written was ignored as "starting": report it here,
      // or the backend would be "running" with a dead process that nothing ever reports.
      if (link.endInfo) throw exitedDuringStart(link, this.redactExit(link.endInfo));
    } catch (error) {
      // A write that failed because the peer went away usually lands before its exit is read:
      // give the exit a moment, so the error tells the exit (code, stderr), not the broken pipe.
      const endedByItself = link.endInfo ?? (deadline.aborted ? undefined : await settledWithin(exitProcessed, EXIT_AFTER_FAILED_START_MS));
      const exit = this.redactExit(endedByItself ?? (await link.close({ graceMs: 500, termGraceMs: 1000 })));
      connection.close(error);
      if (this.stateValue === "closed") {
        throw new AgentError("CLOSED", "The codex backend was closed while it was starting.", { cause: error });
      }
      this.stateValue = "exited";
      if (error instanceof BackendStartError || error instanceof UnsupportedVersionError) throw error;
      if (endedByItself) throw exitedDuringStart(link, exit);
      if (deadline.aborted) {
        throw new BackendStartError(
          `The ${link.name} did not answer initialize within ${timeoutSeconds} s; ${link.remote ? "the connection was closed" : "it was stopped"}. ` +
            `${link.remote ? "Check the server's log" : "Check the stderr tail below"}, or raise startTimeoutSeconds.`,
          exit,
          { cause: error },
        );
      }
      throw new BackendStartError(
        `The ${link.name} failed the handshake: ${this.redactor.text(error instanceof Error ? error.message : String(error))}`,
        exit,
        { cause: error },
      );
    }
    if (this.stateValue !== "starting") {
      // close() was called during start-up.
      throw new AgentError("CLOSED", "The codex backend was closed while it was starting.");
    }
    this.stateValue = "running";
    this.updateKeepAlive();
    return this;
  }

  /** Connects to a remote app-server (with retries); the secrets it uses join the redactor's literals. */
  private async connectRemote(
    endpoint: Exclude<BackendEndpoint, { kind: "stdio" }>,
    hooks: LinkHooks,
    deadlineAt: number,
  ): Promise<BackendLink> {
    const env = childEnvironment(this.config);
    const redactorWith = (secrets: readonly string[]) => createRedactor({ env, secrets: [...secrets] });
    this.redactor = redactorWith([]);
    try {
      const link = await connectLink(endpoint, {
        ...hooks,
        ...(this.config.auth ? { auth: this.config.auth } : {}),
        ...(this.config.reconnect ? { reconnect: this.config.reconnect } : {}),
        deadlineAt,
        signal: this.startAbort.signal,
        onSecrets: (secrets) => {
          this.redactor = redactorWith(secrets);
        },
        redact: (text) => this.redactor.text(text),
      });
      if (this.stateValue !== "closed") return link;
      await link.close();
      throw new AgentError("CLOSED", "The codex backend was closed while it was starting.");
    } catch (error) {
      if (this.stateValue === "closed") throw new AgentError("CLOSED", "The codex backend was closed while it was starting.", { cause: error });
      this.stateValue = "exited";
      throw error;
    }
  }

  /** Reads and judges the server's version (throws UNSUPPORTED_VERSION below the range). */
  private judgeVersion(userAgent: string, binary: string): void {
    const { version, warning } = checkServerVersion({ userAgent, binary, clientName: (this.config.clientInfo ?? DEFAULT_CLIENT_INFO).name });
    this.serverVersionValue = version;
    if (!warning) return;
    this.warningsValue.push(warning);
    try {
      this.config.onWarning?.(warning);
    } catch {
      // A caller's callback that throws never breaks the backend.
    }
  }

  private wire(connection: ProtocolConnection): void {
    connection.onNotification((notification) => {
      this.liveness.heard();
      const threadId = notificationThreadId(notification.params);
      const route = threadId === undefined ? undefined : this.routes.get(threadId)?.deref();
      if (route) route.onNotification(notification);
      else if (threadId === undefined) for (const listener of this.globalListeners) callSafely("onGlobalNotification listener", listener, this.config.onCallbackError, notification);
      // A notification for a thread nobody here owns (another client's, or a closed runner's) is dropped.
    });
    connection.onInvalidNotification((method, params, error) => {
      this.liveness.heard();
      const threadId = notificationThreadId(params);
      if (threadId !== undefined) this.routes.get(threadId)?.deref()?.onInvalidNotification(method, params, error);
    });
    for (const method of Object.keys(SERVER_REQUESTS) as ServerRequestMethod[]) {
      connection.serverRequests.set(method, (params) => this.routeServerRequest(method, params as Record<string, unknown>) as never);
    }
  }

  private async routeServerRequest(method: ServerRequestMethod, params: Record<string, unknown>): Promise<unknown> {
    this.liveness.heard();
    const threadId = typeof params.threadId === "string" ? params.threadId : typeof params.conversationId === "string" ? params.conversationId : undefined;
    const route = threadId === undefined ? undefined : this.routes.get(threadId)?.deref();
    if (route) return route.onServerRequest(method, params);
    return unroutedAnswer(method, params);
  }

  /** `text` with the secrets this backend knows of (its child's environment, credential shapes) replaced. */
  redactText(text: string): string {
    return this.redactor.text(text);
  }

  /**
   * The error with its message redacted (an excerpt of a bad line can hold a credential). The
   * cause is left out when anything was redacted: it holds the raw line.
   */
  private redactProtocolError(error: ProtocolError): ProtocolError {
    const message = this.redactor.text(error.message);
    return message === error.message ? error : new ProtocolError(message, error.method);
  }

  private redactExit(exit: ProcessExitInfo): ProcessExitInfo {
    return { ...exit, stderrTail: this.redactor.text(exit.stderrTail) };
  }

  private onProcessExit(exit: ProcessExitInfo): void {
    if (this.stateValue === "closed" || this.stateValue === "new") return;
    if (this.stateValue === "starting") return; // start() reports it
    this.stateValue = "exited";
    const error = new BackendExitedError(exit, "work was pending");
    this.connectionValue?.close(error);
    this.gone(error);
  }

  private gone(error: AgentError): void {
    if (this.goneError) return;
    this.goneError = error;
    this.liveness.stop();
    for (const ref of [...this.routes.values()]) ref.deref()?.onBackendGone(error);
    this.routes.clear();
    for (const listener of [...this.exitListeners]) callSafely("onGone listener", listener, this.config.onCallbackError, error);
  }

  private notRunningError(): AgentError {
    if (this.stateValue === "exited" && this.goneError) return this.goneError;
    if (this.stateValue === "closed") return new AgentError("CLOSED", "This CodexBackend was closed; create a new one.");
    return new AgentError("CLOSED", "The codex backend is not running; call start() first.");
  }
}

/**
 * The request a liveness probe sends: read-only, answered from memory at once (measured in
 * scripts/benchProbe.ts), and any answer, an error included, shows the server is alive.
 */
const LIVENESS_PROBE_METHOD = "thread/loaded/list";

/** A second runner on a thread already routed on this backend. */
function threadBusyError(threadId: string): AgentError {
  return new AgentError(
    "THREAD_BUSY",
    `Thread ${threadId} already has a runner on this backend; two runners on one thread would take each other's traffic. ` +
      "Use that runner, or close() it first and then resume the thread.",
  );
}

/**
 * The reader without its close event. The backend ends the connection itself once the process
 * has exited (with its exit code and stderr); a connection closed earlier, when stdout ends,
 * would make requests sent meanwhile throw a bare "Connection is closed".
 */
function withoutCloseEvent(reader: MessageReader): MessageReader {
  return {
    onError: reader.onError,
    onClose: () => ({ dispose: () => {} }),
    onPartialMessage: reader.onPartialMessage,
    listen: (callback) => reader.listen(callback),
    dispose: () => reader.dispose(),
  };
}

/**
 * The writer whose failed writes stop the process and reject only once it has exited, by when
 * the exit has already failed the request with BACKEND_EXITED (`exited` settles the backend
 * first: its handlers were registered before any write). Its close event is left out for the
 * reason given at {@link withoutCloseEvent}.
 */
function failingOnExit(writer: MessageWriter, stop: () => void, exited: Promise<unknown>): MessageWriter {
  return {
    onError: writer.onError,
    onClose: () => ({ dispose: () => {} }),
    dispose: () => writer.dispose(),
    end: () => writer.end(),
    write: (message) =>
      writer.write(message).catch(async (error: unknown) => {
        stop();
        await exited;
        throw error;
      }),
  };
}

function exitedDuringStart(link: BackendLink, exit: ProcessExitInfo): BackendStartError {
  if (link.remote) {
    return new BackendStartError(
      `The connection to the ${link.name} closed during start-up (${describeExit(exit)}). Check the server's log and that it is a codex app-server.`,
    );
  }
  return new BackendStartError(
    `The ${link.name} exited during start-up (${describeExit(exit)}). ` +
      "Check the stderr tail below; a bad -c override or an unreadable CODEX_HOME are common causes.",
    exit,
  );
}

function optOut(config: Pick<CodexBackendConfig, "notifications" | "onTraffic">): { optOutNotificationMethods?: string[] } {
  const methods = optedOutNotifications(config);
  return methods ? { optOutNotificationMethods: [...methods] } : {};
}

function trafficHooks(onTraffic: NonNullable<CodexBackendConfig["onTraffic"]>) {
  return {
    onMessageRead: (message: unknown, line: string) => onTraffic("s2c", message, line),
    // The writer hands over the line with its newline; the log wants the JSON alone.
    onMessageWritten: (message: unknown, line: string) => onTraffic("c2s", message, line.endsWith("\n") ? line.slice(0, -1) : line),
  };
}

/** Fail-closed answers for server requests of threads no runner here owns. */
function unroutedAnswer(method: ServerRequestMethod, params: Record<string, unknown>): unknown {
  if (isApprovalMethod(method)) return approvalAnswer(method, params as never, "decline");
  const fallback = defaultAnswer(method, params);
  if (fallback) return fallback.answer;
  throw new AgentError("RPC", `codex-rpc cannot answer ${method}: no credentials or attestation are available to it.`);
}
