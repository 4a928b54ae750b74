/**
 * Errors of codex-rpc. Every error the library throws or rejects with is an {@link AgentError}
 * with a stable string `code`; messages say what happened and what to do about it.
 *
 * This module imports nothing of ours, so every layer can use it.
 */

/** The stable codes of {@link AgentError}; match on these, not on messages. */
export const AGENT_ERROR_CODES = [
  "INVALID_CONFIG",
  "BACKEND_START",
  "BACKEND_EXITED",
  "PROTOCOL",
  "RPC",
  "OVERLOADED",
  "RUNNER_BUSY",
  "TURN_TIMEOUT",
  "TURN_FAILED",
  "ABORTED",
  "CLOSED",
  "OUTPUT_INVALID",
  "NO_ACTIVE_TURN",
  "INVALID_INPUT",
  "THREAD_BUSY",
  "UNSUPPORTED_VERSION",
  "AUTH",
] as const;

/** One of {@link AGENT_ERROR_CODES}. */
export type AgentErrorCode = (typeof AGENT_ERROR_CODES)[number];

/** Options shared by every {@link AgentError} constructor. */
export interface AgentErrorOptions {
  /** The error that led to this one, if any. */
  readonly cause?: unknown;
}

/** Base class of every error codex-rpc raises; `code` is stable across versions. */
export class AgentError extends Error {
  override readonly name: string = "AgentError";
  readonly code: AgentErrorCode;

  constructor(code: AgentErrorCode, message: string, options?: AgentErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** A configuration value was rejected before any traffic; `field` names it. */
export class InvalidConfigError extends AgentError {
  override readonly name = "InvalidConfigError";
  constructor(
    readonly field: string,
    message: string,
    options?: AgentErrorOptions,
  ) {
    super("INVALID_CONFIG", message, options);
  }
}

/** A turn input (prompt, outputSchema, steer text...) was rejected before any byte was sent; `field` names it. */
export class InvalidInputError extends AgentError {
  override readonly name = "InvalidInputError";
  constructor(
    readonly field: string,
    message: string,
    options?: AgentErrorOptions,
  ) {
    super("INVALID_INPUT", message, options);
  }
}

/** How a backend process ended: its exit code or signal, and the tail of its stderr. */
export interface ProcessExitInfo {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderrTail: string;
  /** For a remote app-server (no process of ours): the endpoint and how the connection to it closed. */
  readonly connection?: ConnectionCloseInfo;
}

/** How the connection to a remote app-server closed. */
export interface ConnectionCloseInfo {
  /** The endpoint, as configured (it never holds a credential). */
  readonly endpoint: string;
  /** The WebSocket close code: 1000 normal, 1001 going away, 1006 lost without a closing handshake... */
  readonly closeCode: number;
  /** The close reason, or why the link was cut; may be empty. */
  readonly closeReason: string;
}

/** Describes an exit for a person: "exit code 1", "signal SIGKILL", "close code 1006 (...)". */
export function describeExit(exit: Pick<ProcessExitInfo, "exitCode" | "signal" | "connection">): string {
  if (exit.connection) return `close code ${exit.connection.closeCode}${exit.connection.closeReason ? `: ${exit.connection.closeReason}` : ""}`;
  if (exit.signal) return `signal ${exit.signal}`;
  if (exit.exitCode !== null) return `exit code ${exit.exitCode}`;
  return "an unknown cause";
}

function withStderr(message: string, stderrTail: string): string {
  const tail = stderrTail.trim();
  if (tail) return `${message}\n--- stderr (tail) ---\n${tail}`;
  // The message points at a tail; with none, say so rather than point at nothing.
  return message.replace(/Check the stderr tail below(, or |; )?/, (_match, rest?: string) => (rest ? "It wrote nothing to stderr; " : "It wrote nothing to stderr"));
}

/** The backend process could not be started or did not complete the handshake. */
export class BackendStartError extends AgentError {
  override readonly name = "BackendStartError";
  constructor(
    message: string,
    readonly exit?: ProcessExitInfo,
    options?: AgentErrorOptions,
  ) {
    super("BACKEND_START", exit ? withStderr(message, exit.stderrTail) : message, options);
  }
}

/** The codex binary is older than every version codex-rpc supports; it was stopped at start. */
export class UnsupportedVersionError extends AgentError {
  override readonly name = "UnsupportedVersionError";
  constructor(
    /** The binary that was started. */
    readonly binary: string,
    /** Its version, as its `initialize` answer gave it. */
    readonly version: string,
    /** The supported versions, e.g. "0.169.0 to 0.171.0". */
    readonly supported: string,
    options?: AgentErrorOptions,
  ) {
    super(
      "UNSUPPORTED_VERSION",
      `The codex binary ${binary} is version ${version}, older than codex-rpc supports (${supported}). ` +
        "Install a supported @openai/codex, or point codexBin / CODEX_BIN at one.",
      options,
    );
  }
}

/** The backend process ended while work was pending; carries its exit code or signal and stderr tail. */
export class BackendExitedError extends AgentError {
  override readonly name = "BackendExitedError";
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderrTail: string;
  constructor(
    readonly exit: ProcessExitInfo,
    doing: string,
    options?: AgentErrorOptions,
  ) {
    super(
      "BACKEND_EXITED",
      exit.connection
        ? `The connection to the codex app-server at ${exit.connection.endpoint} was lost (${describeExit(exit)}) while ${doing}. ` +
            "Check that the server is still running and reachable; the next use of the factory reconnects."
        : withStderr(
            `The codex app-server exited (${describeExit(exit)}) while ${doing}. ` +
              "Check the stderr tail below; the next use of the factory starts a new backend.",
            exit.stderrTail,
          ),
      options,
    );
    this.exitCode = exit.exitCode;
    this.signal = exit.signal;
    this.stderrTail = exit.stderrTail;
  }
}

/**
 * A remote app-server refused the credentials at the handshake (HTTP 401 or 403). Never retried:
 * the same credentials would be refused again.
 */
export class AuthError extends AgentError {
  override readonly name = "AuthError";
  constructor(
    /** The endpoint, as configured. */
    readonly endpoint: string,
    /** The HTTP status of the refusal. */
    readonly statusCode: number,
    message: string,
    options?: AgentErrorOptions,
  ) {
    super("AUTH", message, options);
  }
}

/**
 * The backend stopped answering while its process or connection stayed up (stopped, deadlocked,
 * stuck) and codex-rpc retired it: the process was killed. Code BACKEND_EXITED, like a crash:
 * the next use of the factory starts a new backend and conversations resume their threads there.
 */
export class BackendRetiredError extends AgentError {
  override readonly name = "BackendRetiredError";
  constructor(
    /** Why it was judged wedged, for example "it did not answer turn/interrupt within 5 s". */
    readonly reason: string,
    options?: AgentErrorOptions,
  ) {
    super(
      "BACKEND_EXITED",
      `The codex app-server stopped answering (${reason}) and was retired: codex-rpc stopped its process. ` +
        "The next use of the factory starts a new backend, and conversations resume their threads there.",
      options,
    );
  }
}

/** The server answered a request with a JSON-RPC error; keeps its code, message and data. */
export class RpcError extends AgentError {
  override readonly name = "RpcError";
  constructor(
    readonly method: string,
    readonly rpcCode: number,
    readonly rpcMessage: string,
    readonly data?: unknown,
    options?: AgentErrorOptions & { readonly code?: "RPC" | "OVERLOADED" },
  ) {
    super(
      options?.code ?? "RPC",
      `The app-server rejected ${method} with error ${rpcCode}: ${rpcMessage}`,
      options,
    );
  }
}

/** A message broke the protocol: not JSON, or not the shape its schema requires. */
export class ProtocolError extends AgentError {
  override readonly name = "ProtocolError";
  constructor(
    message: string,
    readonly method?: string,
    options?: AgentErrorOptions,
  ) {
    super("PROTOCOL", message, options);
  }
}

/** A turn ended with status "failed"; carries the server's message and error info. */
export class TurnFailedError extends AgentError {
  override readonly name = "TurnFailedError";
  constructor(
    message: string,
    readonly errorInfo: unknown,
    readonly turnId: string | undefined,
    options?: AgentErrorOptions,
  ) {
    super("TURN_FAILED", message, options);
  }
}

/**
 * A turn ran past its deadline. Normally it was interrupted on the server and the runner is
 * usable again; when the server did not answer (`retiredBecause` set) the backend was retired
 * and the runner's next turn runs on a new one.
 */
export class TurnTimeoutError extends AgentError {
  override readonly name = "TurnTimeoutError";
  /** Why the backend was retired at this timeout, if it was. */
  readonly retiredBecause: string | undefined;
  constructor(
    readonly timeoutSeconds: number,
    readonly turnId: string | undefined,
    options?: AgentErrorOptions & { readonly retiredBecause?: string },
  ) {
    super(
      "TURN_TIMEOUT",
      options?.retiredBecause === undefined
        ? `The turn did not complete within ${timeoutSeconds} s; it was interrupted. ` +
            "The runner can take another turn (for example a shorter or repair prompt), or pass a larger timeoutSeconds."
        : `The turn did not complete within ${timeoutSeconds} s, and the codex app-server could not be interrupted: ` +
            `${options.retiredBecause}. It was taken to be wedged and retired (its process stopped); ` +
            "the runner's next turn runs on a new backend and resumes this conversation there.",
      options,
    );
    this.retiredBecause = options?.retiredBecause;
  }
}
