/**
 * The errors a backend's start-up ends with when the app-server exits, closes the connection,
 * misses the deadline or fails the handshake: each says what happened and what to check.
 */
import { BackendStartError, describeExit, UnsupportedVersionError, type ProcessExitInfo } from "../errors.ts";
import type { BackendLink } from "./backendLink.ts";

/** How long a failed handshake waits for the peer's own exit before stopping it, in ms. */
export const EXIT_AFTER_FAILED_START_MS = 300;

/** The value `promise` resolves with within `ms`, else undefined; the timer never keeps the process alive. */
export function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
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

/** How a start-up that failed the handshake went: the link, how it ended (redacted), and the deadline. */
export interface StartFailureContext {
  readonly link: BackendLink;
  readonly exit: ProcessExitInfo;
  /** True when the peer exited (or closed the connection) by itself, not stopped by the backend. */
  readonly endedByItself: boolean;
  /** True when the start-up deadline fired. */
  readonly deadlineAborted: boolean;
  readonly timeoutSeconds: number;
  /** Removes the backend's secrets from a message. */
  readonly redact: (text: string) => string;
}

/**
 * What start() throws for `error`, raised during the handshake: a BackendStartError or
 * UnsupportedVersionError as is, else a BackendStartError telling the peer's exit when it ended
 * by itself, else saying whether the deadline fired.
 */
export function startFailure(error: unknown, context: StartFailureContext): unknown {
  const { link, exit } = context;
  if (error instanceof BackendStartError || error instanceof UnsupportedVersionError) return error;
  if (context.endedByItself) return exitedDuringStart(link, exit);
  if (context.deadlineAborted) {
    return new BackendStartError(
      `The ${link.name} did not answer initialize within ${context.timeoutSeconds} s; ${link.remote ? "the connection was closed" : "it was stopped"}. ` +
        `${link.remote ? "Check the server's log" : "Check the stderr tail below"}, or raise startTimeoutSeconds.`,
      exit,
      { cause: error },
    );
  }
  return new BackendStartError(`The ${link.name} failed the handshake: ${context.redact(error instanceof Error ? error.message : String(error))}`, exit, { cause: error });
}

/** The app-server exited (or the remote connection closed) during start-up. */
export function exitedDuringStart(link: BackendLink, exit: ProcessExitInfo): BackendStartError {
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
