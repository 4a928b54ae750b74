/**
 * One `codex app-server` process and the typed connection to it: resolves the binary, spawns
 * it, completes the handshake, routes notifications and server requests to conversations by
 * thread id (one runner per thread), and fails everything pending at once if the process dies,
 * or once it is retired for having stopped answering.
 */
import { callSafely } from "../callbacks.ts";
import type { Disposable } from "vscode-jsonrpc/node";
import { AgentError, BackendExitedError, BackendRetiredError, type ProcessExitInfo } from "../errors.ts";
import { guardCallback } from "../callbacks.ts";
import type { Redactor } from "../protocol/redaction.ts";
import type { InitializeResult } from "../protocol/clientRequests.ts";
import { ProtocolConnection } from "../protocol/protocolConnection.ts";
import type { ServerNotification } from "../protocol/serverNotifications.ts";
import { requestStable, type StableClientRequestArgs, type StableClientRequestMethod, type StableClientRequestResult } from "../protocol/stableClientRequests.ts";
import { checkBackendConfig } from "./backendConfigSchema.ts";
import { parseEndpoint } from "./backendEndpoint.ts";
import { BackendRedaction } from "./backendRedaction.ts";
import type { BackendLink } from "./backendLink.ts";
import { DEFAULT_CLIENT_INFO, DEFAULT_START_TIMEOUT_SECONDS, initializeParams, type CodexBackendConfig } from "./codexBackendConfig.ts";
import { connectionPipes, linkHooks } from "./connectionPipes.ts";
import { GoneNotice } from "./goneNotice.ts";
import { LivenessMonitor, sendLivenessProbe } from "./livenessMonitor.ts";
import { connectBackendLink, spawnBackendLink } from "./openBackendLink.ts";
import type { ResolvedCodexBinary } from "./resolveCodexBinary.ts";
import { checkServerVersion, type CodexBackendWarning } from "./serverVersion.ts";
import { stableRequestValidators } from "./stableRequestSchema.ts";
import { EXIT_AFTER_FAILED_START_MS, exitedDuringStart, settledWithin, startFailure } from "./startFailure.ts";
import { ConversationCatalog } from "./conversationCatalog.ts";
import { ThreadRouter, type ThreadRoute } from "./threadRouter.ts";
import { CodexTracing } from "./tracing.ts";

// The configuration and the routes have their own modules; re-exported for importers of this one.
export { DEFAULT_CLIENT_INFO, DEFAULT_START_TIMEOUT_SECONDS, type CodexBackendConfig, type TrafficDirection } from "./codexBackendConfig.ts";
export type { ThreadRoute } from "./threadRouter.ts";

/** How long a server with a broken stdin or stdout gets to exit on its own before SIGTERM, in ms. */
const BROKEN_PIPE_GRACE_MS = 500;

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
  /** Why the backend stopped being usable, and who is told (see goneNotice.ts). */
  private readonly goneNotice = new GoneNotice(() => this.config.onCallbackError);
  /** Keeps secrets of the child's environment out of error messages (stderr tails). */
  private readonly redaction = new BackendRedaction();
  /** Each thread's traffic to its runner (see threadRouter.ts). */
  private readonly router = new ThreadRouter(
    () => this.liveness.heard(),
    () => this.config.onCallbackError,
  );
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
      async () => sendLivenessProbe(this.connection),
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
    return exit && this.redaction.exit(exit);
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
    return this.goneNotice.error instanceof BackendRetiredError ? this.goneNotice.error.reason : undefined;
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
    return this.router.register(threadId, route);
  }

  /** Listens to notifications that belong to no thread (configWarning, account updates...). */
  onGlobalNotification(listener: (notification: ServerNotification) => void): Disposable {
    return this.router.onGlobalNotification(listener);
  }

  /** Resolves with the error once the backend has stopped being usable (at once if it already has). */
  onGoneOnce(): Promise<AgentError> {
    return this.goneNotice.onGoneOnce();
  }

  /** Called once when the backend stops being usable (process exit or close). */
  onGone(listener: (error: AgentError) => void): Disposable {
    return this.goneNotice.onGone(listener);
  }

  private async startProcess(): Promise<this> {
    // Checked before any process starts or byte is sent: INVALID_CONFIG names the field.
    const endpoint = parseEndpoint(this.config);
    this.tracingValue = CodexTracing.create(this.config.tracing);
    const timeoutSeconds = this.config.startTimeoutSeconds ?? DEFAULT_START_TIMEOUT_SECONDS;
    const deadlineAt = Date.now() + timeoutSeconds * 1000;
    const onCallbackError = this.config.onCallbackError;
    const { hooks, onTraffic } = linkHooks(this.config, () => this.redaction.redactor);
    const opening = {
      config: this.config,
      hooks,
      setRedactor: (redactor: Redactor) => {
        this.redaction.redactor = redactor;
      },
      redact: (text: string) => this.redaction.text(text),
    };
    let link: BackendLink;
    if (endpoint.kind === "stdio") {
      const spawned = spawnBackendLink(opening);
      this.binaryValue = spawned.binary;
      link = spawned.link;
    } else {
      link = await this.connectRemote(connectBackendLink(endpoint, { ...opening, deadlineAt, signal: this.startAbort.signal }));
    }
    this.link = link;
    // Spawning is not counted against the deadline (a loaded machine can take long to fork); connecting is.
    const deadline = AbortSignal.timeout(link.remote ? Math.max(1, deadlineAt - Date.now()) : timeoutSeconds * 1000);
    const exited = link.ended.then((exit) => this.redaction.exit(exit));
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
      ...connectionPipes(link, stopBroken, exitProcessed),
      onProtocolError: (error) => onProtocolError?.(this.redaction.protocolError(error)),
      ...(onCallbackError ? { onCallbackError } : {}),
      ...(this.config.overloadRetry ? { overloadRetry: this.config.overloadRetry } : {}),
      onPendingChange: () => this.updateKeepAlive(),
      ...(this.tracingValue.onRequest ? { onRequest: this.tracingValue.onRequest } : {}),
    });
    this.connectionValue = connection;
    this.router.wire(connection);

    try {
      const started = Promise.race([
        connection.request("initialize", initializeParams(this.config, onTraffic), { signal: deadline }),
        exitProcessed.then((exit) => Promise.reject(exitedDuringStart(link, exit))),
      ]);
      this.initializeResultValue = await started;
      this.judgeVersion(this.initializeResultValue.userAgent, this.binaryValue?.path ?? link.name);
      await connection.notify("initialized");
      // An exit while `initialized` was being written was ignored as "starting": report it here,
      // or the backend would be "running" with a dead process that nothing ever reports.
      if (link.endInfo) throw exitedDuringStart(link, this.redaction.exit(link.endInfo));
    } catch (error) {
      // A write that failed because the peer went away usually lands before its exit is read:
      // give the exit a moment, so the error tells the exit (code, stderr), not the broken pipe.
      const endedByItself = link.endInfo ?? (deadline.aborted ? undefined : await settledWithin(exitProcessed, EXIT_AFTER_FAILED_START_MS));
      const exit = this.redaction.exit(endedByItself ?? (await link.close({ graceMs: 500, termGraceMs: 1000 })));
      connection.close(error);
      if (this.stateValue === "closed") {
        throw new AgentError("CLOSED", "The codex backend was closed while it was starting.", { cause: error });
      }
      this.stateValue = "exited";
      throw startFailure(error, {
        link,
        exit,
        endedByItself: endedByItself !== undefined,
        deadlineAborted: deadline.aborted,
        timeoutSeconds,
        redact: (text) => this.redaction.text(text),
      });
    }
    if (this.stateValue !== "starting") {
      // close() was called during start-up.
      throw new AgentError("CLOSED", "The codex backend was closed while it was starting.");
    }
    this.stateValue = "running";
    this.updateKeepAlive();
    return this;
  }

  /** Waits for the connection to a remote app-server (see connectBackendLink); a close() meanwhile ends it. */
  private async connectRemote(connecting: Promise<BackendLink>): Promise<BackendLink> {
    try {
      const link = await connecting;
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
    callSafely("onWarning", this.config.onWarning, this.config.onCallbackError, warning);
  }

  /** `text` with the secrets this backend knows of (its child's environment, credential shapes) replaced. */
  redactText(text: string): string {
    return this.redaction.text(text);
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
    this.goneNotice.notify(error, () => {
      this.liveness.stop();
      this.router.gone(error);
    });
  }

  private notRunningError(): AgentError {
    if (this.stateValue === "exited" && this.goneNotice.error) return this.goneNotice.error;
    if (this.stateValue === "closed") return new AgentError("CLOSED", "This CodexBackend was closed; create a new one.");
    return new AgentError("CLOSED", "The codex backend is not running; call start() first.");
  }
}
