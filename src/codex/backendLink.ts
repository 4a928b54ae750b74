/**
 * The link to an app-server, whatever carries it: a child process on stdio that codex-rpc
 * spawns ({@link spawnLink}), or a WebSocket to one that runs elsewhere, over TCP or a unix
 * socket ({@link connectLink}). The backend does the same handshake and routing over either.
 */
import type { MessageReader, MessageWriter } from "vscode-jsonrpc/node";
import type { CallbackErrorHandler } from "../callbacks.ts";
import { AuthError, BackendStartError, InvalidConfigError, type ProcessExitInfo } from "../errors.ts";
import { startChildProcess, type CloseOptions, type SpawnFunction } from "../transport/childProcessTransport.ts";
import { connectWebSocket, DEFAULT_HANDSHAKE_TIMEOUT_MS, WebSocketConnectError, type WebSocketCloseInfo, type WebSocketTransport } from "../transport/webSocketTransport.ts";
import { credentialsFor, reconnectDelayMs, type BackendEndpoint, type CodexBackendAuth, type ReconnectOptions, DEFAULT_RECONNECT } from "./backendEndpoint.ts";
import type { ResolvedCodexBinary } from "./resolveCodexBinary.ts";

/** An open link to an app-server. */
export interface BackendLink {
  readonly reader: MessageReader;
  readonly writer: MessageWriter;
  /** Resolves (never rejects) once the link has ended: the process exited, or the connection closed. */
  readonly ended: Promise<ProcessExitInfo>;
  /** How the link ended, once it has. */
  readonly endInfo: ProcessExitInfo | undefined;
  /** Names the server in messages: "codex app-server (/path/to/codex)" or "codex app-server at ws://host:port". */
  readonly name: string;
  /** The child's process id; undefined for a remote server. */
  readonly pid: number | undefined;
  /** True for a server codex-rpc did not start (it is only disconnected from, never stopped). */
  readonly remote: boolean;
  /** Secrets used to open the link (tokens, the shared secret, the JWT), to keep out of every message. */
  readonly secrets: readonly string[];
  /** Stops the child in steps, or closes the connection; idempotent. */
  close(options?: CloseOptions): Promise<ProcessExitInfo>;
  /** Whether the link keeps the caller's event loop alive (default true). */
  keepAlive(alive: boolean): void;
}

/** Message hooks of a link, for traffic taps. */
export interface LinkHooks {
  readonly checkMessage?: (message: unknown) => string | undefined;
  readonly onMessageRead?: (message: unknown, text: string) => void;
  readonly onMessageWritten?: (message: unknown, text: string) => void;
  readonly onStderrLine?: (line: string) => void;
  /** Receives what the hooks throw (they never break the transport). */
  readonly onCallbackError?: CallbackErrorHandler;
}

/** The hooks both kinds of link hand to their reader and writer, the ones given and no others. */
function readerWriterHooks(hooks: LinkHooks & { readonly redact?: ((text: string) => string) | undefined }) {
  return {
    ...(hooks.checkMessage ? { checkMessage: hooks.checkMessage } : {}),
    ...(hooks.onMessageRead ? { onMessageRead: hooks.onMessageRead } : {}),
    ...(hooks.onMessageWritten ? { onMessageWritten: hooks.onMessageWritten } : {}),
    ...(hooks.redact ? { redact: hooks.redact } : {}),
    ...(hooks.onCallbackError ? { onCallbackError: hooks.onCallbackError } : {}),
  };
}

/** Spawns the app-server with piped stdio; never throws for a spawn failure (the link ends at once). */
export function spawnLink(
  binary: ResolvedCodexBinary,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  hooks: LinkHooks & {
    readonly spawn?: SpawnFunction;
    /** Removes secrets from the stderr tail and excerpts of bad lines, before they are cut. */
    readonly redact?: (text: string) => string;
  },
): BackendLink {
  const transport = startChildProcess({
    command: binary.path,
    args,
    env,
    ...readerWriterHooks(hooks),
    ...(hooks.onStderrLine ? { onStderrLine: hooks.onStderrLine } : {}),
    ...(hooks.spawn ? { spawn: hooks.spawn } : {}),
  });
  return {
    reader: transport.reader,
    writer: transport.writer,
    ended: transport.exited,
    get endInfo() {
      return transport.exitInfo;
    },
    name: `codex app-server (${binary.path})`,
    get pid() {
      return transport.pid;
    },
    remote: false,
    secrets: [],
    close: (options) => transport.close(options),
    keepAlive: (alive) => transport.keepAlive(alive),
  };
}

/** What {@link connectLink} needs beyond the endpoint. */
export interface ConnectLinkOptions extends LinkHooks {
  readonly auth?: CodexBackendAuth;
  readonly reconnect?: ReconnectOptions;
  /** When the attempts must have succeeded (the start deadline), as `Date.now()` milliseconds. */
  readonly deadlineAt: number;
  /** Ends the attempts early (close() during start-up); rejects with its reason. */
  readonly signal?: AbortSignal;
  /** Called with each attempt's secrets before it is made, so a failure can be redacted. */
  readonly onSecrets?: (secrets: readonly string[]) => void;
  /** Removes secrets from text that came from the server or the network (a proxy may echo headers). */
  readonly redact?: (text: string) => string;
}

/**
 * Connects to a remote app-server, trying again with backoff and jitter while it cannot be
 * reached. Rejects with AUTH at once when the credentials are refused (HTTP 401/403, never
 * retried), INVALID_CONFIG when a credential file cannot be read, and BACKEND_START naming the
 * endpoint once the attempts or the deadline are used up.
 */
export async function connectLink(endpoint: Exclude<BackendEndpoint, { kind: "stdio" }>, options: ConnectLinkOptions): Promise<BackendLink> {
  const maxAttempts = options.reconnect?.maxAttempts ?? DEFAULT_RECONNECT.maxAttempts;
  const name = `codex app-server at ${endpoint.display}`;
  let lastError: WebSocketConnectError | undefined;
  let outOfTime = false;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) await sleep(Math.min(reconnectDelayMs(attempt, options.reconnect), options.deadlineAt - Date.now()), options.signal);
    options.signal?.throwIfAborted();
    if (Date.now() >= options.deadlineAt) {
      outOfTime = true;
      break;
    }
    const credentials = await credentialsFor(options.auth);
    options.onSecrets?.(credentials.secrets);
    let transport: WebSocketTransport;
    try {
      transport = await connectWebSocket({
        url: endpoint.kind === "ws" ? endpoint.url : "ws://localhost/",
        ...(endpoint.kind === "unix" ? { socketPath: endpoint.socketPath } : {}),
        ...(credentials.authorization ? { headers: { Authorization: credentials.authorization } } : {}),
        handshakeTimeoutMs: Math.min(DEFAULT_HANDSHAKE_TIMEOUT_MS, Math.max(1, options.deadlineAt - Date.now())),
        ...readerWriterHooks(options),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (!(error instanceof WebSocketConnectError)) throw error;
      options.signal?.throwIfAborted();
      if (error.failure === "refused" && (error.statusCode === 401 || error.statusCode === 403)) throw authError(endpoint, options.auth, error);
      if (error.failure === "invalid") throw new InvalidConfigError("endpoint", `endpoint ${endpoint.display}: ${error.message}`);
      lastError = error;
      continue;
    }
    return remoteLink(transport, endpoint.display, name, credentials.secrets);
  }
  const why = lastError ? ` (last error: ${options.redact ? options.redact(lastError.message) : lastError.message})` : "";
  throw new BackendStartError(
    outOfTime
      ? `Could not connect to the ${name} before the start deadline${why}. Check that it is running and reachable, or raise startTimeoutSeconds.`
      : `Could not connect to the ${name} after ${maxAttempts} attempt${maxAttempts === 1 ? "" : "s"}${why}. ` +
          `Check that it is running (codex app-server --listen ${endpoint.kind === "unix" ? endpoint.display : "ws://IP:PORT"}) and that the address is right.`,
  );
}

function remoteLink(transport: WebSocketTransport, display: string, name: string, secrets: readonly string[]): BackendLink {
  const toExit = (info: WebSocketCloseInfo): ProcessExitInfo => ({
    exitCode: null,
    signal: null,
    stderrTail: "",
    connection: { endpoint: display, closeCode: info.code, closeReason: info.reason },
  });
  const ended = transport.closed.then(toExit);
  let endInfo: ProcessExitInfo | undefined;
  void ended.then((info) => {
    endInfo = info;
  });
  return {
    reader: transport.reader,
    writer: transport.writer,
    ended,
    get endInfo() {
      return endInfo ?? (transport.closeInfo && toExit(transport.closeInfo));
    },
    name,
    pid: undefined,
    remote: true,
    secrets,
    // Only a disconnect: the server is not ours to stop.
    close: () => transport.close().then(toExit),
    keepAlive: (alive) => transport.keepAlive(alive),
  };
}

function authError(endpoint: Exclude<BackendEndpoint, { kind: "stdio" }>, auth: CodexBackendAuth | undefined, error: WebSocketConnectError): AuthError {
  const status = error.statusCode!;
  const check =
    auth === undefined
      ? "The server requires a credential: set auth ({token}, {tokenFile} or {sharedSecretFile})."
      : "token" in auth || "tokenFile" in auth
        ? `Check that auth.${"token" in auth ? "token" : "tokenFile"} holds the token of the server's --ws-token-file, and that the server runs with --ws-auth capability-token.`
        : "Check that auth.sharedSecretFile holds the server's --ws-shared-secret-file, that issuer and audience match its --ws-issuer and --ws-audience, and that both clocks are right.";
  const origin = status === 403 ? " (403: the server also refuses requests with an Origin header)" : "";
  return new AuthError(endpoint.display, status, `The codex app-server at ${endpoint.display} refused the credentials (HTTP ${status}${origin}). ${check}`);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
