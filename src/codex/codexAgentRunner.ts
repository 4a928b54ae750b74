/**
 * One conversation on a shared {@link CodexBackend}: the Codex implementation of the port's
 * {@link AgentRunner}. Its first turn starts (or resumes) the thread; later turns continue it.
 * One turn at a time; deadlines and aborts interrupt the turn on the server and leave the runner
 * usable, and a turn the caller was told had ended is settled before the next one starts (the
 * server would merge a new turn into a running one). A server that does not answer the
 * interrupt is retired. Beyond the port: live streams, steer, fork, compact, rollback, typed
 * output, close().
 */
import type { Disposable } from "vscode-jsonrpc/node";
import type { z } from "zod";
import { DEFAULT_TURN_TIMEOUT_SECONDS } from "../agent/defaults.ts";
import type { AgentConfig, AgentRunner, AgentTurnEvent, AgentTurnOptions, AgentTurnResult } from "../agent/port.ts";
import { AgentError, InvalidConfigError, ProtocolError, TurnFailedError, TurnTimeoutError } from "../errors.ts";
import type { TokenUsageBreakdown, Turn } from "../protocol/common.ts";
import { notificationTurnId, type ServerNotification } from "../protocol/serverNotifications.ts";
import { parseAgentConfig, threadSettingsFromConfig, type ParsedAgentConfig } from "./agentConfig.ts";
import { APPROVAL_DECISIONS } from "./approvals.ts";
import { threadBusyError, type CodexBackend, type ThreadRoute } from "./codexBackend.ts";
import type { ProtocolConnection } from "../protocol/protocolConnection.ts";
import { createActiveTurn, rejectOnAbort, type ActiveTurn } from "./activeTurn.ts";
import { answerServerRequest, dynamicToolSpecs, type RequestHandlerOptions } from "./requestHandlers.ts";
import { isZodSchema, structuredOutput, type StructuredOutput } from "./structuredOutput.ts";
import { TurnStreamQueue, type TurnStreamChunk } from "./turnStream.ts";

/** Default time to wait for an interrupted turn to report completion, in seconds. */
export const DEFAULT_INTERRUPT_SETTLE_SECONDS = 5;

/** Options of a {@link CodexAgentRunner} beyond the port's config. */
export interface CodexAgentRunnerOptions extends RequestHandlerOptions {
  /** Called with each event of every turn as it is recorded. */
  readonly onEvent?: (event: AgentTurnEvent) => void;
  /** Continue this existing conversation (thread id) instead of starting a new one; it may come from another process. */
  readonly resumeThreadId?: string;
  /** Do not persist the conversation on disk (`ephemeral` thread); default false. */
  readonly ephemeral?: boolean;
  /** How long to wait for an interrupted turn to settle, in seconds; default 5. */
  readonly interruptSettleSeconds?: number;
  /**
   * Silence watchdog, off by default: a turn with no traffic for this many seconds (while no
   * handler is pending) is interrupted and rejects with TURN_TIMEOUT. A turn may override it.
   */
  readonly silenceTimeoutSeconds?: number;
  /**
   * Gives a running backend when this runner's has died (the factory passes one that starts a
   * new process); the conversation then continues by resuming its thread there.
   */
  readonly backendProvider?: () => Promise<CodexBackend>;
}

/** Per-turn options: the port's, with a zod schema allowed for `outputSchema`. */
export interface CodexTurnOptions extends Omit<AgentTurnOptions, "outputSchema"> {
  /** JSON Schema, or a zod schema (then `result.output` is the parsed, typed value). */
  readonly outputSchema?: Readonly<Record<string, unknown>> | z.ZodType;
  /** Called with each event of this turn as it is recorded. */
  readonly onEvent?: (event: AgentTurnEvent) => void;
  /** Overrides the runner's silence watchdog for this turn (seconds). */
  readonly silenceTimeoutSeconds?: number;
}

/** A turn's result: the port's, plus the ids, the server's duration and the token usage of the turn. */
export interface CodexTurnResult<T = unknown> extends AgentTurnResult {
  readonly threadId: string;
  readonly turnId: string;
  /** Duration the server measured, in milliseconds. */
  readonly durationMs: number | null;
  /** Tokens of the whole turn: the growth of the thread's `total` over it (every model call of the turn). */
  readonly usage: TokenUsageBreakdown | null;
  /** Tokens of the turn's final model call only (the server's `last`). */
  readonly lastCallUsage: TokenUsageBreakdown | null;
  /** The parsed value, when `outputSchema` was a zod schema. */
  readonly output: T;
}


/** The Codex adapter's runner; see the module comment. */
export class CodexAgentRunner implements AgentRunner {
  /** The parsed configuration of this conversation. */
  readonly config: ParsedAgentConfig;
  private threadIdValue: string | undefined;
  private threadLoaded = false;
  private closed = false;
  private threadStarting: Promise<string> | undefined;
  private route: Disposable | undefined;
  private active: ActiveTurn | undefined;
  private unsettledTurnId: string | undefined;
  /** Settles a turn whose turn/start was answered after the caller had been told it ended. */
  private lateSettle: Promise<void> | undefined;
  /** Stops the running turn (close() uses it), and the run itself, to wait for its end. */
  private activeStop: AbortController | undefined;
  private running: Promise<unknown> | undefined;
  private closing: Promise<void> | undefined;
  /** The thread's token `total` after its latest update on the current backend (a turn's baseline). */
  private threadTotal: TokenUsageBreakdown | undefined;
  /** Ids of turns of this thread seen completing lately, and waiters for others to complete. */
  private readonly recentlyCompleted: string[] = [];
  private readonly completionWaiters = new Map<string, () => void>();
  /** Ids of this runner's completed turns, oldest first (for rollback). */
  private readonly turnIds: string[] = [];

  /** Parses `config` at once; throws InvalidConfigError (code INVALID_CONFIG) for a bad value. */
  constructor(
    private backend: CodexBackend,
    config: AgentConfig,
    private readonly options: CodexAgentRunnerOptions = {},
  ) {
    this.config = parseAgentConfig(config);
    const approvals = options.approvals;
    if (typeof approvals === "string" && !APPROVAL_DECISIONS.includes(approvals)) {
      throw new InvalidConfigError("approvals", `approvals "${approvals}" is not a decision; allowed: ${APPROVAL_DECISIONS.join(", ")}, or a handler function.`);
    }
    if (options.tools?.length && !backend.config.experimentalApi) {
      throw new InvalidConfigError("tools", "Dynamic tools need the experimental API: create the backend with { experimentalApi: true }.");
    }
    if (options.resumeThreadId !== undefined) {
      if (backend.isThreadRouted(options.resumeThreadId)) throw threadBusyError(options.resumeThreadId);
      this.threadIdValue = options.resumeThreadId;
    }
  }

  /** The conversation (thread) id: once the first turn has started it, or the one being resumed. */
  get threadId(): string | undefined {
    return this.threadIdValue;
  }

  /** True while a turn (or a compaction) runs. */
  get busy(): boolean {
    return this.active !== undefined;
  }

  /**
   * Runs one turn and resolves with its final assistant text and events. Rejects at once with
   * RUNNER_BUSY when a turn is already running on this runner.
   */
  turn<S extends z.ZodType>(prompt: string, options: CodexTurnOptions & { readonly outputSchema: S }): Promise<CodexTurnResult<z.output<S>>>;
  turn(prompt: string, options?: CodexTurnOptions): Promise<CodexTurnResult>;
  async turn(prompt: string, options: CodexTurnOptions = {}): Promise<CodexTurnResult> {
    return this.run(prompt, options, undefined);
  }

  /**
   * Runs one turn as a stream: events and agent-message deltas as they arrive, then the result.
   * Leaving the loop early aborts the turn, and returns once it has settled on the server (or
   * was given up on), so the runner can take the next turn at once. Errors are thrown from the
   * iterator. Only this turn's deltas are yielded.
   */
  turnStream(prompt: string, options: CodexTurnOptions = {}): AsyncIterable<TurnStreamChunk<CodexTurnResult>> {
    const queue = new TurnStreamQueue<CodexTurnResult>();
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const run = this.run(prompt, { ...options, signal }, queue);
    run.then(
      (result) => queue.finish(result),
      (error: unknown) => queue.fail(error),
    );
    return {
      [Symbol.asyncIterator]: () => {
        const inner = queue[Symbol.asyncIterator]();
        return {
          next: () => inner.next(),
          return: async () => {
            stop.abort(new AgentError("ABORTED", "The stream's consumer stopped reading; the turn was interrupted."));
            // The run ends once the interrupted turn has settled (bounded by interruptSettleSeconds).
            await run.catch(() => {});
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  /**
   * Ends this conversation on this runner: interrupts a running turn and waits for it to settle,
   * lets go of the thread on the server (`thread/unsubscribe`) and stops routing it here. The
   * thread stays on disk: another runner may resume it. Later calls reject with CLOSED.
   * Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      const settleMs = this.settleMs();
      this.activeStop?.abort(new AgentError("CLOSED", "The runner was closed during the turn; the turn was interrupted."));
      await this.running?.catch(() => {});
      await settledWithin(this.lateSettle, settleMs);
      await settledWithin(this.threadStarting, settleMs);
      const threadId = this.threadIdValue;
      if (threadId !== undefined && this.threadLoaded && this.backend.state === "running") {
        await settledWithin(this.backend.connection.sendRaw("thread/unsubscribe", { threadId }), settleMs);
      }
      this.route?.dispose();
      this.route = undefined;
      this.threadLoaded = false;
    })();
    return this.closing;
  }

  /** Same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Adds input to the running turn (`turn/steer`); NO_ACTIVE_TURN when none runs. */
  async steer(text: string): Promise<void> {
    const active = this.active;
    if (!active || active.adoptFirstTurn) throw new AgentError("NO_ACTIVE_TURN", "There is no running turn to steer; send the text as a new turn instead.");
    const turnId = await active.started;
    await (await this.liveConnection()).request("turn/steer", {
      threadId: this.threadIdValue!,
      expectedTurnId: turnId,
      input: [{ type: "text", text, text_elements: [] }],
    });
  }

  /** Forks the conversation into a new runner (`thread/fork`); this one is unchanged. */
  async fork(options: CodexAgentRunnerOptions = {}): Promise<CodexAgentRunner> {
    this.throwIfClosed();
    const threadId = await this.loadedThreadId();
    const result = await (await this.liveConnection()).request("thread/fork", { threadId, ...threadSettingsFromConfig(this.config) });
    const fork = new CodexAgentRunner(this.backend, this.portConfig(), { ...this.options, ...options, resumeThreadId: undefined });
    fork.adoptThread(result.thread.id);
    return fork;
  }

  /** Compacts the conversation's context (`thread/compact/start`); resolves when the server reports it done. */
  async compact(options: { readonly timeoutSeconds?: number } = {}): Promise<void> {
    const threadId = await this.loadedThreadId();
    await this.run("", { timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TURN_TIMEOUT_SECONDS }, undefined, async (signal) => {
      const connection = await this.liveConnection();
      signal.throwIfAborted();
      await connection.request("thread/compact/start", { threadId });
      return undefined;
    });
  }

  /**
   * Removes the last `turns` turns of this runner from the conversation (`thread/revert`): the
   * model no longer sees them. Local file changes they made are not undone.
   */
  async rollback(turns = 1): Promise<void> {
    this.throwIfClosed();
    if (this.active) throw new AgentError("RUNNER_BUSY", "Cannot roll back while a turn is running.");
    if (!Number.isInteger(turns) || turns < 1 || turns > this.turnIds.length) {
      throw new InvalidConfigError("turns", `rollback(turns) needs a whole number from 1 to ${this.turnIds.length} (the turns this runner completed); got ${turns}.`);
    }
    const beforeTurnId = this.turnIds[this.turnIds.length - turns]!;
    const threadId = await this.loadedThreadId();
    await (await this.liveConnection()).request("thread/revert", { threadId, beforeTurnId });
    this.turnIds.splice(this.turnIds.length - turns);
  }

  /** Runs a turn, or (with `startWork`) another operation that produces one, such as compaction. */
  private async run(
    prompt: string,
    options: CodexTurnOptions,
    stream: TurnStreamQueue<CodexTurnResult> | undefined,
    startWork?: (signal: AbortSignal) => Promise<string | undefined>,
  ): Promise<CodexTurnResult> {
    this.throwIfClosed();
    if (this.active) {
      throw new AgentError("RUNNER_BUSY", "A turn is already running on this runner. Wait for it, or use another runner for concurrent work.");
    }
    const timeoutSeconds = checkTurnOptions(prompt, options);
    if (options.signal?.aborted) {
      throw new AgentError("ABORTED", "The turn's signal was already aborted; no turn was started.", { cause: options.signal.reason });
    }
    const output = isZodSchema(options.outputSchema) ? structuredOutput(options.outputSchema) : undefined;
    const stop = new AbortController();
    const active = createActiveTurn({
      timeoutSeconds,
      silenceSeconds: options.silenceTimeoutSeconds ?? this.options.silenceTimeoutSeconds,
      stop,
      adoptFirstTurn: startWork !== undefined,
      onEvent: (event) => {
        this.options.onEvent?.(event);
        options.onEvent?.(event);
        stream?.event(event);
      },
      ...(stream ? { onDelta: (itemId: string, delta: string) => stream.delta(itemId, delta) } : {}),
    });
    this.active = active;
    this.activeStop = stop;
    const onCallerAbort = () =>
      stop.abort(new AgentError("ABORTED", "The turn was aborted by the caller's signal; it was interrupted and the runner can take another turn.", { cause: options.signal?.reason }));
    options.signal?.addEventListener("abort", onCallerAbort, { once: true });
    const start = startWork ?? ((signal: AbortSignal) => this.startTurn(prompt, options, output, signal));
    const running = this.drive(active, start, stop.signal);
    this.running = running;
    try {
      return this.finish(await running, active, output);
    } finally {
      active.deadline.cancel();
      active.watchdog?.cancel();
      options.signal?.removeEventListener("abort", onCallerAbort);
      this.active = undefined;
      this.activeStop = undefined;
      this.running = undefined;
    }
  }

  /**
   * Starts the work, follows it to turn/completed, and interrupts it on deadline, abort or error.
   * `start` must send nothing once its signal has aborted.
   */
  private async drive(active: ActiveTurn, start: (signal: AbortSignal) => Promise<string | undefined>, stop: AbortSignal): Promise<Turn> {
    const stopped = rejectOnAbort(stop);
    const watch = this.backend.watchLiveness();
    let starting: Promise<string | undefined> | undefined;
    try {
      await Promise.race([this.settlePreviousTurn(), stopped]);
      active.recorder.setUsageBaseline(this.threadLoaded ? this.threadTotal : undefined);
      starting = start(stop);
      // The turn can fail (backend gone, bad notification) before its start is answered.
      const turnId = await Promise.race([starting, active.completion.then(() => undefined), stopped]);
      if (turnId !== undefined) this.setTurnId(active, turnId);
      return await Promise.race([active.completion, stopped]);
    } catch (error) {
      // Gone or closed: nothing runs there any more, and there is nobody to interrupt.
      const backend = this.backend;
      if (backend.state !== "running") throw error;
      // Retired here, or meanwhile by the liveness watch: the error must say so.
      const retiredBecause = (await this.interruptAndSettle(active, starting)) ?? backend.retiredBecause;
      throw retiredBecause === undefined ? error : retiredTurnError(error, retiredBecause);
    } finally {
      stopped.dispose();
      watch.dispose();
    }
  }

  private async startTurn(prompt: string, options: CodexTurnOptions, output: StructuredOutput<unknown> | undefined, signal: AbortSignal): Promise<string> {
    const threadId = await this.loadedThreadId();
    const outputSchema = output ? output.jsonSchema : (options.outputSchema as Record<string, unknown> | undefined);
    const connection = await this.liveConnection();
    // The caller has been told the turn ended (deadline, abort, close): start nothing.
    signal.throwIfAborted();
    const { turn } = await connection.request("turn/start", {
      threadId,
      input: [{ type: "text", text: prompt, text_elements: [] }],
      ...(this.config.reasoningEffort ? { effort: this.config.reasoningEffort } : {}),
      ...(outputSchema ? { outputSchema } : {}),
    });
    return turn.id;
  }

  private setTurnId(active: ActiveTurn, turnId: string): void {
    active.markStarted(turnId);
    if (active.onDelta) for (const early of active.earlyDeltas.splice(0)) if (early.turnId === turnId) active.onDelta(early.itemId, early.delta);
    if (active.recorder.setTurnId(turnId) === "completed") active.complete(active.recorder.completed!);
  }

  private finish(turn: Turn, active: ActiveTurn, output: StructuredOutput<unknown> | undefined): CodexTurnResult {
    if (turn.status === "completed") {
      this.turnIds.push(turn.id);
      const result = active.recorder.result();
      return {
        ...result,
        threadId: this.threadIdValue!,
        turnId: turn.id,
        durationMs: turn.durationMs ?? null,
        usage: active.recorder.turnUsage ?? null,
        lastCallUsage: active.recorder.tokenUsage?.last ?? null,
        output: output ? output.parse(result.assistantText) : undefined,
      };
    }
    if (turn.status === "failed") {
      throw new TurnFailedError(
        // The server's message can quote credentials (an "Incorrect API key" message does).
        `The turn failed on the server: ${this.backend.redactText(turn.error?.message ?? "no message")}. The conversation is kept; you can send another turn.`,
        turn.error?.codexErrorInfo ?? null,
        turn.id,
      );
    }
    throw new TurnFailedError(
      `The turn ended with status "${turn.status}" (interrupted by the server, or by a "cancel" approval decision). The runner can take another turn.`,
      turn.error?.codexErrorInfo ?? null,
      turn.id,
    );
  }

  /** The thread id, starting the thread (or resuming it on this backend) first if needed. A start cut short by a deadline still completes in the background. */
  private loadedThreadId(): Promise<string> {
    if (this.closed) return Promise.reject(this.closedError());
    if (this.threadLoaded && this.threadIdValue) return Promise.resolve(this.threadIdValue);
    this.threadStarting ??= this.openThread()
      .then((threadId) => {
        this.adoptThread(threadId);
        return threadId;
      })
      .finally(() => {
        this.threadStarting = undefined;
      });
    return this.threadStarting;
  }

  private async openThread(): Promise<string> {
    const connection = await this.liveConnection();
    const settings = threadSettingsFromConfig(this.config);
    if (this.threadIdValue !== undefined) {
      // Refused before anything is sent: another runner here owns the thread.
      if (this.backend.isThreadRouted(this.threadIdValue)) throw threadBusyError(this.threadIdValue);
      const { personality: _unused, ...resumeSettings } = settings;
      return (await connection.request("thread/resume", { ...resumeSettings, threadId: this.threadIdValue, excludeTurns: true })).thread.id;
    }
    const tools = this.options.tools?.length ? { dynamicTools: dynamicToolSpecs(this.options.tools) } : {};
    const result = await connection.request("thread/start", { ...settings, ...tools, ...(this.options.ephemeral ? { ephemeral: true } : {}) });
    return result.thread.id;
  }

  private adoptThread(threadId: string): void {
    this.threadIdValue = threadId;
    // A start that completed after close(): the thread is kept on disk, nothing routes it here.
    if (this.closed) return;
    this.route?.dispose();
    this.route = undefined;
    this.route = this.backend.registerThread(threadId, this.threadRoute());
    this.threadLoaded = true;
    this.threadTotal = undefined;
  }

  private threadRoute(): ThreadRoute {
    return {
      onNotification: (notification: ServerNotification) => this.onThreadNotification(notification),
      onInvalidNotification: (method, params, error: ProtocolError) => {
        const turnId = notificationTurnId(params);
        const active = this.active;
        if (active && (turnId === undefined || turnId === active.recorder.turnId)) {
          active.fail(new ProtocolError(`${error.message} The turn cannot be followed reliably and was interrupted.`, method, { cause: error }));
        }
      },
      onServerRequest: (method, params) => {
        const active = this.active;
        return answerServerRequest(method, params, this.options, active && {
          event: (event) => active.recorder.addEvent(event),
          handlerStarted: () => {
            active.deadline.pause();
            active.watchdog?.pause();
          },
          handlerEnded: () => {
            active.deadline.resume();
            active.watchdog?.resume();
          },
        });
      },
      onBackendGone: (error) => {
        this.route = undefined;
        this.threadLoaded = false;
        // Turns still running there died with it.
        for (const resolve of this.completionWaiters.values()) resolve();
        this.completionWaiters.clear();
        this.active?.fail(error);
      },
    };
  }

  private onThreadNotification(notification: ServerNotification): void {
    if (notification.method === "thread/tokenUsage/updated") {
      this.threadTotal = (notification.params as { tokenUsage: { total: TokenUsageBreakdown } }).tokenUsage.total;
    } else if (notification.method === "turn/completed") {
      this.turnCompleted((notification.params as { turn: Turn }).turn.id);
    }
    const active = this.active;
    if (!active) return;
    active.watchdog?.activity();
    if (active.adoptFirstTurn && active.recorder.turnId === undefined && notification.method === "turn/started") {
      this.setTurnId(active, (notification.params as { turn: Turn }).turn.id);
    }
    if (notification.method === "item/agentMessage/delta") {
      if (!active.onDelta) return;
      const params = notification.params as { turnId: string; itemId: string; delta: string };
      // Until turn/start answers, a delta may be another turn's (one being interrupted): hold it.
      if (active.recorder.turnId === undefined) active.earlyDeltas.push(params);
      else if (params.turnId === active.recorder.turnId) active.onDelta(params.itemId, params.delta);
      return;
    }
    if (active.recorder.accept(notification) === "completed") active.complete(active.recorder.completed!);
  }

  /**
   * After a deadline, abort or error: interrupt the turn on the server and wait briefly for it
   * to end. A server that answers neither the interrupt nor (while the start is unanswered) a
   * probe within the settle time is retired; resolves with why, or undefined.
   */
  private async interruptAndSettle(active: ActiveTurn, starting: Promise<string | undefined> | undefined): Promise<string | undefined> {
    const backend = this.backend;
    const settleMs = this.settleMs();
    const settle = rejectOnAbort(AbortSignal.timeout(settleMs));
    let turnId = active.recorder.turnId;
    // While the start is unanswered, a probe tells a slow server from a wedged one.
    const alive = turnId === undefined && starting ? backend.probe(settleMs) : undefined;
    try {
      if (turnId === undefined && starting) {
        turnId = (await Promise.race([starting, settle])) ?? (await Promise.race([active.started, settle]));
        this.setTurnId(active, turnId);
      }
      if (turnId === undefined || active.recorder.completed || this.threadIdValue === undefined) return undefined;
      const mark = backend.heardMark();
      const interrupt = backend.connection.request("turn/interrupt", { threadId: this.threadIdValue, turnId });
      const answered = await Promise.race([interrupt.then(() => true, () => true), settle.catch(() => false)]);
      if (!answered && !backend.heardSince(mark)) return this.retire(backend, `it did not answer turn/interrupt within ${settleMs / 1000} s`);
      await Promise.race([active.completion, settle]);
    } catch {
      if (active.recorder.turnId === undefined && starting) {
        // The start may still be answered: that turn is then interrupted at once.
        this.settleLateStart(starting);
        if (alive && !(await alive)) return this.retire(backend, `it answered neither turn/start nor a liveness probe within ${settleMs / 1000} s`);
      } else if (turnId !== undefined && !active.recorder.completed) {
        // Not settled in time (or the backend is gone): the next turn interrupts it again first.
        this.unsettledTurnId = turnId;
      }
    } finally {
      settle.dispose();
    }
    return undefined;
  }

  private retire(backend: CodexBackend, reason: string): string | undefined {
    if (backend.state !== "running") return undefined;
    backend.retire(reason);
    return reason;
  }

  /** A turn/start answered after its turn was given up on: interrupt that turn as soon as its id is known. */
  private settleLateStart(starting: Promise<string | undefined>): void {
    const late: Promise<void> = starting
      .then(
        (turnId) => (turnId === undefined ? undefined : this.settleOrphan(turnId)),
        () => {},
      )
      .finally(() => {
        if (this.lateSettle === late) this.lateSettle = undefined;
      });
    this.lateSettle = late;
  }

  /** Interrupts a turn nobody waits for and waits (bounded) for it to complete. */
  private async settleOrphan(turnId: string): Promise<void> {
    const backend = this.backend;
    const threadId = this.threadIdValue;
    if (this.recentlyCompleted.includes(turnId) || threadId === undefined || backend.state !== "running") return;
    const settleMs = this.settleMs();
    const completed = new Promise<void>((resolve) => this.completionWaiters.set(turnId, resolve));
    try {
      const mark = backend.heardMark();
      const answered = await settledWithin(backend.connection.request("turn/interrupt", { threadId, turnId }), settleMs);
      if (!answered && !backend.heardSince(mark)) {
        this.retire(backend, `it did not answer turn/interrupt within ${settleMs / 1000} s`);
        return;
      }
      if (!(await settledWithin(completed, settleMs))) this.unsettledTurnId = turnId;
    } finally {
      this.completionWaiters.delete(turnId);
    }
  }

  private turnCompleted(turnId: string): void {
    this.recentlyCompleted.push(turnId);
    if (this.recentlyCompleted.length > 8) this.recentlyCompleted.shift();
    this.completionWaiters.get(turnId)?.();
  }

  /**
   * Before a turn starts: a late-answered turn/start is settled first (bounded), and a turn that
   * did not settle after its interrupt is interrupted again; the server would merge a new turn
   * into a running one.
   */
  private async settlePreviousTurn(): Promise<void> {
    // Bounded by the new turn's deadline (drive() races it), and by the backend going away.
    await this.lateSettle;
    const turnId = this.unsettledTurnId;
    this.unsettledTurnId = undefined;
    if (turnId === undefined || this.threadIdValue === undefined || !this.threadLoaded || this.backend.state !== "running") return;
    await this.backend.connection.request("turn/interrupt", { threadId: this.threadIdValue, turnId }).catch(() => {});
  }

  private settleMs(): number {
    return (this.options.interruptSettleSeconds ?? DEFAULT_INTERRUPT_SETTLE_SECONDS) * 1000;
  }

  private throwIfClosed(): void {
    if (this.closed) throw this.closedError();
  }

  private closedError(): AgentError {
    const resume = this.threadIdValue === undefined ? "" : ` (resumeThreadId: "${this.threadIdValue}" continues this conversation)`;
    return new AgentError("CLOSED", `This runner was closed; make a new runner${resume}.`);
  }

  /** The connection of a running backend: a new one from `backendProvider` if this runner's has died. */
  private async liveConnection(): Promise<ProtocolConnection> {
    const provider = this.options.backendProvider;
    if (provider && (this.backend.state === "exited" || this.backend.state === "closed")) {
      const next = await provider();
      if (next !== this.backend) {
        this.backend = next;
        this.route?.dispose();
        this.route = undefined;
        this.threadLoaded = false;
      }
    }
    return this.backend.connection;
  }

  private portConfig(): AgentConfig {
    return Object.fromEntries(Object.entries(this.config).filter(([, value]) => value !== undefined)) as unknown as AgentConfig;
  }
}

/** True when `promise` settles (either way) within `ms`; nothing to wait for counts as settled. */
function settledWithin(promise: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (promise === undefined) return Promise.resolve(true);
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The turn's error, told that the backend was retired: its "the runner can take another turn" no longer holds as it was. */
function retiredTurnError(error: unknown, reason: string): unknown {
  if (error instanceof TurnTimeoutError) return new TurnTimeoutError(error.timeoutSeconds, error.turnId, { retiredBecause: reason, cause: error.cause });
  if (!(error instanceof AgentError)) return error;
  return new AgentError(
    error.code,
    `${error.message.replace(/ ?(it was interrupted[.;]? ?)?The runner can take another turn.*$/s, "")} The codex app-server could not be interrupted: ${reason}. ` +
      "It was retired (its process stopped); the runner's next turn runs on a new backend and resumes this conversation there.",
    { cause: error },
  );
}

function checkTurnOptions(prompt: string, options: CodexTurnOptions): number {
  if (typeof prompt !== "string") throw new InvalidConfigError("prompt", `The prompt must be a string (got ${typeof prompt}).`);
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TURN_TIMEOUT_SECONDS;
  if (typeof timeoutSeconds !== "number" || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new InvalidConfigError("timeoutSeconds", `timeoutSeconds must be a positive number of seconds (got ${String(options.timeoutSeconds)}).`);
  }
  const schema = options.outputSchema;
  if (schema !== undefined && (typeof schema !== "object" || schema === null || Array.isArray(schema))) {
    throw new InvalidConfigError("outputSchema", "outputSchema must be a JSON Schema object or a zod schema.");
  }
  return timeoutSeconds;
}
