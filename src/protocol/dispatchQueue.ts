/**
 * The order in which messages read are dispatched: at once as they are read, except that after a
 * response, what was read behind it waits one event-loop turn (so the caller's continuations,
 * learning a turn id say, run before the notifications that follow); and a drain for closing
 * without losing what was already read.
 */
import type { Message } from "vscode-jsonrpc/node";

/** Dispatches messages in the order read, holding dispatch for one turn on request; see the module comment. */
export class DispatchQueue {
  /**
   * What the reader delivered while dispatch was held (for one event-loop turn after a
   * response), in order; dispatched when the hold ends. Never more than one turn's reading.
   */
  private inbox: (Message | undefined)[] = [];
  private inboxHead = 0;
  /** True while the continuations of an answered request have not run yet. */
  private holding = false;
  private drainWaiters: (() => void)[] = [];

  /** `dispatch` handles one message; `isClosed` stops dispatch once the connection is closed. */
  constructor(
    private readonly dispatch: (message: Message) => void,
    private readonly isClosed: () => boolean,
  ) {}

  /** Takes one message from the reader: dispatched at once unless dispatch is held, then queued. */
  receive(message: Message): void {
    if (this.isClosed()) return;
    if (this.holding || this.inboxHead < this.inbox.length) {
      this.inbox.push(message);
      return;
    }
    this.dispatch(message);
  }

  /** Holds dispatch until the next event-loop turn (every promise continuation has run by then). */
  holdForOneTurn(): void {
    if (this.holding) return;
    this.holding = true;
    setImmediate(() => {
      this.holding = false;
      this.pump();
    });
  }

  /** Resolves once everything received so far has been dispatched (at once when nothing waits, or once closed). */
  drained(): Promise<void> {
    if (this.isIdle() || this.isClosed()) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Drops what waits (the connection closed) and wakes every drain waiter. */
  clear(): void {
    this.inbox = [];
    this.inboxHead = 0;
    this.wakeDrainWaiters();
  }

  /** Dispatches queued messages until one holds dispatch again, or none are left. */
  private pump(): void {
    while (!this.holding && this.inboxHead < this.inbox.length && !this.isClosed()) {
      const message = this.inbox[this.inboxHead]!;
      this.inbox[this.inboxHead++] = undefined;
      this.dispatch(message);
    }
    if (this.inboxHead >= this.inbox.length) {
      this.inbox = [];
      this.inboxHead = 0;
    }
    if (this.isIdle()) this.wakeDrainWaiters();
  }

  private isIdle(): boolean {
    return !this.holding && this.inboxHead >= this.inbox.length;
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }
}
