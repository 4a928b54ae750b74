import { MAX_TIMER_MS } from "./checkSupport.ts";

/**
 * An optional watchdog for a turn: fires when the turn has had no traffic for `silenceMs`
 * while no handler is pending. Activity only stamps a time (cheap on a flood of deltas); the
 * single timer re-arms itself for what is left when it wakes early, and waits at most
 * {@link MAX_TIMER_MS} at a time (a longer silence is a chain of timers). Timers are unref'd.
 */
export class SilenceWatchdog {
  private lastActivity = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private pauses = 0;
  private done = false;

  constructor(
    private readonly silenceMs: number,
    private readonly onSilence: () => void,
  ) {
    this.arm(silenceMs);
  }

  /** Records traffic for the turn. */
  activity(): void {
    this.lastActivity = performance.now();
  }

  /** Stops watching while a handler runs (waiting on a person is not silence); nests. */
  pause(): void {
    if (this.done || this.pauses++ > 0) return;
    clearTimeout(this.timer);
  }

  /** Undoes one {@link pause}; the silence is counted from now. */
  resume(): void {
    if (this.done || this.pauses === 0 || --this.pauses > 0) return;
    this.activity();
    this.arm(this.silenceMs);
  }

  /** Stops for good. */
  cancel(): void {
    this.done = true;
    clearTimeout(this.timer);
  }

  private arm(ms: number): void {
    // Node fires a longer delay after 1 ms; waking early only re-arms for what is left.
    this.timer = setTimeout(() => {
      const quietFor = performance.now() - this.lastActivity;
      if (quietFor >= this.silenceMs) {
        this.done = true;
        this.onSilence();
      } else this.arm(this.silenceMs - quietFor);
    }, Math.min(MAX_TIMER_MS, ms));
    this.timer.unref();
  }
}
