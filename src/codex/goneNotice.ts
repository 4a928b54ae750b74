/**
 * The end of a backend's usefulness (exit, close, retirement): the error it ended with, recorded
 * once, and the listeners told of it.
 */
import type { Disposable } from "vscode-jsonrpc/node";
import { callSafely, type CallbackErrorHandler } from "../callbacks.ts";
import type { AgentError } from "../errors.ts";

/** Records once why a backend stopped being usable and tells its listeners; see the module comment. */
export class GoneNotice {
  private errorValue: AgentError | undefined;
  private readonly listeners = new Set<(error: AgentError) => void>();

  /** `onCallbackError` gives, when called, what receives a listener's throw. */
  constructor(private readonly onCallbackError: () => CallbackErrorHandler | undefined) {}

  /** The error the backend ended with, once it has. */
  get error(): AgentError | undefined {
    return this.errorValue;
  }

  /**
   * Records `error` unless an error was recorded before (then does nothing), runs `first`, then
   * calls every listener (a listener that throws breaks nothing).
   */
  notify(error: AgentError, first: () => void): void {
    if (this.errorValue) return;
    this.errorValue = error;
    first();
    for (const listener of [...this.listeners]) callSafely("onGone listener", listener, this.onCallbackError(), error);
  }

  /** Calls `listener` once the backend is gone. */
  onGone(listener: (error: AgentError) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Resolves with the error once the backend is gone (at once if it already is). */
  onGoneOnce(): Promise<AgentError> {
    if (this.errorValue) return Promise.resolve(this.errorValue);
    return new Promise((resolve) => {
      const subscription = this.onGone((error) => {
        subscription.dispose();
        resolve(error);
      });
    });
  }
}
