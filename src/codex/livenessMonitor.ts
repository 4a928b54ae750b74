/**
 * Tells a wedged app-server from a slow one. A server is alive while anything arrives from it,
 * or while it answers a cheap probe request; it is wedged when a probe stays unanswered for its
 * timeout and nothing else arrived meanwhile. While work is pending, a probe is sent only after
 * a stretch of silence, so a turn that streams never pays for one.
 */
import type { Disposable } from "vscode-jsonrpc/node";
import { RpcError } from "../errors.ts";

/** When to probe a backend that has gone quiet while work is pending. */
export interface LivenessProbeOptions {
  /** Probe after this many seconds with nothing from the server while a turn runs; default 30. */
  readonly afterSilenceSeconds?: number;
  /** The server is wedged when the probe stays unanswered this long and nothing else arrives; default 10. */
  readonly timeoutSeconds?: number;
}

/** Default of {@link LivenessProbeOptions.afterSilenceSeconds}. */
export const DEFAULT_PROBE_AFTER_SILENCE_SECONDS = 30;
/** Default of {@link LivenessProbeOptions.timeoutSeconds}. */
export const DEFAULT_PROBE_TIMEOUT_SECONDS = 10;

/**
 * The request a liveness probe sends: read-only, answered from memory at once (measured in
 * scripts/benchProbe.ts), and any answer, an error included, shows the server is alive.
 */
const LIVENESS_PROBE_METHOD = "thread/loaded/list";

/** Sends the probe request over `connection`; resolves once it is answered (an error answer included). */
export async function sendLivenessProbe(connection: { sendRaw(method: string, params: unknown): Promise<unknown> }): Promise<void> {
  try {
    await connection.sendRaw(LIVENESS_PROBE_METHOD, { limit: 1 });
  } catch (error) {
    // An error answer is an answer: the server read the request and replied.
    if (!(error instanceof RpcError)) throw error;
  }
}

/** Watches one backend's connection; see the module comment. */
export class LivenessMonitor {
  private lastHeard = performance.now();
  /** When the current stretch of watched work began: silence before it does not count. */
  private watchStarted = 0;
  private watchers = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly afterSilenceMs: number;
  private readonly timeoutMs: number;

  constructor(
    options: LivenessProbeOptions | false | undefined,
    /** Sends the probe request; resolves when it is answered (a JSON-RPC error is an answer too), rejects when it cannot be. */
    private readonly sendProbe: () => Promise<unknown>,
    /** Called once when a probe of the silence watch went unanswered. */
    private readonly onWedged: (reason: string) => void,
  ) {
    this.afterSilenceMs = options === false ? Infinity : (options?.afterSilenceSeconds ?? DEFAULT_PROBE_AFTER_SILENCE_SECONDS) * 1000;
    this.timeoutMs = (options === false ? DEFAULT_PROBE_TIMEOUT_SECONDS : (options?.timeoutSeconds ?? DEFAULT_PROBE_TIMEOUT_SECONDS)) * 1000;
  }

  /** Something arrived from the server. Called for every message: keep it cheap. */
  heard(): void {
    this.lastHeard = performance.now();
  }

  /** A timestamp to pass to {@link heardSince}. */
  now(): number {
    return performance.now();
  }

  /** True when anything arrived from the server after `time` (a {@link now} value). */
  heardSince(time: number): boolean {
    return this.lastHeard > time;
  }

  /**
   * Sends a probe: true when it is answered, or anything else arrives, within `timeoutMs`
   * (default the configured probe timeout); false when the server stayed silent.
   */
  async probe(timeoutMs = this.timeoutMs): Promise<boolean> {
    const sentAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    // A rejection is no answer: the connection is closed (the backend gone, or retired meanwhile).
    const answered = this.sendProbe().then(
      () => true,
      () => false,
    );
    const alive = await Promise.race([answered, silent]);
    clearTimeout(timer);
    if (alive) this.heard();
    return alive || this.heardSince(sentAt);
  }

  /** Watches for silence until disposed (one per running turn); probes after the configured silence. */
  watch(): Disposable {
    if (this.watchers++ === 0) this.watchStarted = performance.now();
    this.schedule();
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        if (--this.watchers === 0) this.clearTimer();
      },
    };
  }

  /** Stops watching for good (the backend is gone). */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private schedule(): void {
    if (this.timer || this.stopped || this.watchers === 0 || this.afterSilenceMs === Infinity) return;
    const due = this.silentSince() + this.afterSilenceMs - performance.now();
    this.timer = setTimeout(() => void this.tick(), Math.max(0, due));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.stopped || this.watchers === 0) return;
    if (performance.now() - this.silentSince() >= this.afterSilenceMs) {
      const alive = await this.probe();
      if (this.stopped) return;
      if (!alive) {
        this.stop();
        this.onWedged(
          `it sent nothing for ${formatSeconds(this.afterSilenceMs)} s while a turn was running, ` +
            `and did not answer a liveness probe within ${formatSeconds(this.timeoutMs)} s`,
        );
        return;
      }
    }
    this.schedule();
  }

  private silentSince(): number {
    return Math.max(this.lastHeard, this.watchStarted);
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}
