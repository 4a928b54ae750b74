import { MAX_TIMER_MS } from "./checkSupport.ts";

/**
 * A turn's deadline that can be paused: time the turn spends waiting on the caller's approval
 * or input handlers does not count against its timeout. A deadline longer than a Node timer holds
 * (about 24.8 days) is a chain of timers, each at most {@link MAX_TIMER_MS}. The timer is unref'd,
 * so a pending deadline never keeps the process alive on its own.
 */
export class TurnDeadline {
  private remainingMs: number;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private pauses = 0;
  private done = false;

  /** Starts counting `timeoutMs` at once; `onExpire` runs once when it runs out. */
  constructor(
    timeoutMs: number,
    private readonly onExpire: () => void,
  ) {
    this.remainingMs = timeoutMs;
    this.arm();
  }

  /** Stops the clock until a matching {@link resume}; pauses nest. */
  pause(): void {
    if (this.done || this.pauses++ > 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remainingMs -= performance.now() - this.startedAt;
  }

  /** Undoes one {@link pause}; the clock runs again when none is left. */
  resume(): void {
    if (this.done || this.pauses === 0 || --this.pauses > 0) return;
    this.arm();
  }

  /** Stops the deadline for good. */
  cancel(): void {
    this.done = true;
    clearTimeout(this.timer);
  }

  private arm(): void {
    this.startedAt = performance.now();
    // Node fires a longer delay after 1 ms: wait as long as a timer holds, then for the rest.
    const segmentMs = Math.min(MAX_TIMER_MS, Math.max(0, this.remainingMs));
    this.timer = setTimeout(() => {
      if (this.remainingMs > segmentMs) {
        this.remainingMs -= segmentMs;
        this.arm();
        return;
      }
      this.done = true;
      this.onExpire();
    }, segmentMs);
    this.timer.unref();
  }
}
