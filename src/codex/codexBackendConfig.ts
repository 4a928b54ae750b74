/**
 * The configuration of a CodexBackend: every option with its meaning and default, the start-up
 * deadline, and the params of `initialize` it makes. Checked by backendConfigSchema.ts.
 */
import type { CallbackErrorHandler } from "../callbacks.ts";
import type { ProtocolError } from "../errors.ts";
import type { OverloadRetryOptions } from "../protocol/retryWhileOverloaded.ts";
import type { ChildProcessTransportOptions } from "../transport/childProcessTransport.ts";
import type { CodexBackendAuth, ReconnectOptions } from "./backendEndpoint.ts";
import type { LivenessProbeOptions } from "./livenessMonitor.ts";
import { optedOutNotifications, type NotificationSelection } from "./notificationOptOut.ts";
import type { CodexBackendWarning } from "./serverVersion.ts";
import type { CodexTracingOption } from "./tracing.ts";

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
   * nothing else arrives, the backend is retired (see `CodexBackend.retire`). `false` turns
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

/**
 * The params of `initialize` for `config`. `onTraffic` is the traffic listener in effect (the
 * caller's or CODEX_RPC_DEBUG=traffic's): a traffic log sees every notification.
 */
export function initializeParams(config: CodexBackendConfig, onTraffic: unknown) {
  const optOut = optedOutNotifications({ notifications: config.notifications, onTraffic });
  return {
    clientInfo: config.clientInfo ?? DEFAULT_CLIENT_INFO,
    capabilities: { experimentalApi: config.experimentalApi ?? false, ...(optOut ? { optOutNotificationMethods: [...optOut] } : {}) },
  };
}
