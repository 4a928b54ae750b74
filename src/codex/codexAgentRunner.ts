/**
 * One conversation on a shared {@link CodexBackend}: the Codex implementation of the port's
 * {@link AgentRunner}. Its first turn starts (or resumes) the thread; later turns continue it.
 * One turn at a time; deadlines and aborts interrupt the turn on the server and leave the runner
 * usable, and a turn the caller was told had ended is settled before the next one starts (the
 * server would merge a new turn into a running one). A server that does not answer the
 * interrupt is retired. Beyond the port: live streams, steer, fork, compact, review, rollback,
 * typed output, close().
 */
import type { Disposable } from "vscode-jsonrpc/node";
import type { z } from "zod";
import { DEFAULT_TURN_TIMEOUT_SECONDS } from "../agent/defaults.ts";
import type { AgentConfig, AgentRunner, AgentTurnEvent, AgentTurnOptions, AgentTurnResult } from "../agent/port.ts";
import { callSafely } from "../callbacks.ts";
import { AgentError, InvalidConfigError, ProtocolError, RpcError, TurnFailedError } from "../errors.ts";
import type { TokenUsageBreakdown, Turn } from "../protocol/common.ts";
import type { ReviewTarget } from "../protocol/generated/stableClientRequestTypes.ts";
import { notificationTurnId, type ServerNotification } from "../protocol/serverNotifications.ts";
import { checkWorkingDirectory, parseAgentConfig, threadSettingsFromConfig, type ParsedAgentConfig } from "./agentConfig.ts";
import { checkRunnerOptions, checkText, checkTurnOptions, spawnsLocally } from "./optionChecks.ts";
import type { CodexBackend, ThreadRoute } from "./codexBackend.ts";
import type { ProtocolConnection, RequestOptions } from "../protocol/protocolConnection.ts";
import { createActiveTurn, rejectOnAbort, type ActiveTurn } from "./activeTurn.ts";
import { answerServerRequest, dynamicToolSpecs, type RequestHandlerOptions } from "./requestHandlers.ts";
import type { StructuredOutput } from "./structuredOutput.ts";
import { TurnStreamQueue, type TurnStreamChunk } from "./turnStream.ts";
import { retiredTurnError, settledWithin, TurnSettler } from "./turnSettler.ts";
import { liveEventOf } from "./progressEvents.ts";
import { checkReviewTarget } from "./conversationCatalog.ts";
import type { TurnTrace } from "./tracing.ts";

/** Default time to wait for an interrupted turn to report completion, in seconds. */
export const DEFAULT_INTERRUPT_SETTLE_SECONDS = 5;

/** Options of a {@link CodexAgentRunner} beyond the port's config. */
export interface CodexAgentRunnerOptions extends RequestHandlerOptions {
  /**
   * Called with each event of every turn as it is recorded, and with live-only events (kinds in
   * `LIVE_EVENT_KINDS`: item starts, output deltas, plan and diff updates) that the result omits.
   */
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
  /** Called with each event of this turn as it is recorded, and with its live-only events (see the runner's `onEvent`). */
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
  private backendValue: CodexBackend;
  private threadIdValue: string | undefined;
  private threadLoaded = false;
  private closed = false;
  private threadStarting: Promise<string> | undefined;
  private route: Disposable | undefined;
  /** What the backend calls for this runner's thread; one object, so re-registering it is no conflict. */
  private readonly routeHandlers: ThreadRoute = this.threadRoute();
  private active: ActiveTurn | undefined;
  /** Keeps the backend referenced while a turn runs (see CodexBackend.hold). */
  private turnHold: Disposable | undefined;
  /** Stops the running turn (close() uses it), and the run itself, to wait for its end. */
  private activeStop: AbortController | undefined;
  private running: Promise<unknown> | undefined;
  private closing: Promise<void> | undefined;
  /** The thread's token `total` after its latest update on the current backend (a turn's baseline). */
  private threadTotal: TokenUsageBreakdown | undefined;
  /** The model the server runs the thread with (thread/start or thread/resume said), for tracing. */
  private threadModel: string | undefined;
  /** The span of the running turn, whose requests become its child spans. */
  private turnTrace: TurnTrace | undefined;
  private readonly settler = new TurnSettler({
    backend: () => this.backend,
    threadId: () => this.threadIdValue,
    threadLoaded: () => this.threadLoaded,
    settleMs: () => this.settleMs(),
    setTurnId: (active, turnId) => this.setTurnId(active, turnId),
    requestOptions: () => this.requestOptions(),
  });
  /** Ids of this runner's completed turns, oldest first (for rollback). */
  private readonly turnIds: string[] = [];

  /** Parses `config` at once; throws InvalidConfigError (code INVALID_CONFIG) for a bad value. */
  constructor(
    backend: CodexBackend,
    config: AgentConfig,
    private readonly options: CodexAgentRunnerOptions = {},
  ) {
    this.backendValue = backend;
    this.config = parseAgentConfig(config);
    checkRunnerOptions(options);
    if (spawnsLocally(backend.config)) checkWorkingDirectory(this.config.workingDirectory);
    if (options.tools?.length && !backend.config.experimentalApi) {
      throw new InvalidConfigError("tools", "Dynamic tools need the experimental API: create the backend with { experimentalApi: true }.");
    }
    if (options.resumeThreadId !== undefined) {
      // Claimed at once, so a second runner on the thread is refused before anything is sent.
      this.route = backend.registerThread(checkedThreadId(options.resumeThreadId), this.routeHandlers);
      this.threadIdValue = options.resumeThreadId;
    }
  }

  /** The backend this conversation lives on now (after its backend died: the replacement, from its next use on). */
  get backend(): CodexBackend {
    return this.backendValue;
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
   * Opens the conversation now instead of at the first turn: starts the thread (`thread/start`,
   * or `thread/resume` for `resumeThreadId`) and resolves with its id, so that the first turn
   * only sends `turn/start` and costs what a later turn costs. For applications that know a
   * conversation is coming before its first prompt. Idempotent: an open thread, or one being
   * opened, is not opened again; a failed open is tried again by the next call or turn.
   */
  open(): Promise<string> {
    return this.loadedThreadId();
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
    return queue.consumer(this.run(prompt, { ...options, signal }, queue), stop);
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
      await this.settler.settleLate(settleMs);
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
    checkText("text", text);
    const active = this.active;
    if (!active || active.adoptFirstTurn) throw new AgentError("NO_ACTIVE_TURN", "There is no running turn to steer; send the text as a new turn instead.");
    const turnId = await active.started;
    await (await this.liveConnection()).request("turn/steer", {
      threadId: this.threadIdValue!,
      expectedTurnId: turnId,
      input: [{ type: "text", text, text_elements: [] }],
    }, this.requestOptions());
  }

  /**
   * Forks the conversation into a new runner (`thread/fork`); this one is unchanged. Before any
   * turn there is nothing to fork: the new runner is a fresh conversation with the same config.
   */
  async fork(options: CodexAgentRunnerOptions = {}): Promise<CodexAgentRunner> {
    this.throwIfClosed();
    const fork = new CodexAgentRunner(this.backend, this.portConfig(), { ...this.options, ...options, resumeThreadId: undefined });
    if (this.threadIdValue === undefined) return fork;
    const threadId = await this.loadedThreadId();
    try {
      const result = await (await this.liveConnection()).request("thread/fork", { threadId, ...threadSettingsFromConfig(this.config) });
      fork.adoptThread(result.thread.id);
    } catch (error) {
      // A thread with no turn on record yet ("no rollout found"): an empty conversation to fork.
      if (!(error instanceof RpcError) || this.turnIds.length > 0) throw error;
    }
    return fork;
  }

  /** Compacts the conversation's context (`thread/compact/start`); resolves when the server reports it done. */
  async compact(options: { readonly timeoutSeconds?: number } = {}): Promise<void> {
    const threadId = await this.loadedThreadId();
    await this.run("", { timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TURN_TIMEOUT_SECONDS }, undefined, async (signal) => {
      const connection = await this.liveConnection();
      signal.throwIfAborted();
      await connection.request("thread/compact/start", { threadId }, this.requestOptions());
      return undefined;
    });
  }

  /**
   * Reviews code in this conversation (`review/start`, delivered inline: the review is a turn of
   * this thread) and resolves like a turn once it completes; `assistantText` is the review.
   * Default target: the uncommitted changes of the working directory.
   */
  async review(target: ReviewTarget = { type: "uncommittedChanges" }, options: Omit<CodexTurnOptions, "outputSchema"> = {}): Promise<CodexTurnResult> {
    checkReviewTarget(target);
    const threadId = await this.loadedThreadId();
    const start = async (signal: AbortSignal) => {
      await this.liveConnection();
      signal.throwIfAborted();
      return (await this.backend.request("review/start", { threadId, target })).turn.id;
    };
    // Not the first turn/started: that may be the review's helper turn's.
    return this.run("", options, undefined, start, "review");
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
    kind: "turn" | "compact" | "review" = startWork ? "compact" : "turn",
  ): Promise<CodexTurnResult> {
    this.throwIfClosed();
    if (this.active) {
      throw new AgentError("RUNNER_BUSY", "A turn is already running on this runner. Wait for it, or use another runner for concurrent work.");
    }
    const { timeoutSeconds, output } = checkTurnOptions(prompt, options);
    if (options.signal?.aborted) {
      throw new AgentError("ABORTED", "The turn's signal was already aborted; no turn was started.", { cause: options.signal.reason });
    }
    const stop = new AbortController();
    const active = createActiveTurn({
      timeoutSeconds,
      silenceSeconds: options.silenceTimeoutSeconds ?? this.options.silenceTimeoutSeconds,
      stop,
      // A compaction's turn id comes only with its turn/started; a review's with the review/start answer.
      adoptFirstTurn: kind === "compact",
      // Each of the caller's callbacks on its own: one that throws keeps neither the other nor the stream from the event.
      ...(this.options.onEvent || options.onEvent || stream
        ? {
            onEvent: (event: AgentTurnEvent) => {
              callSafely("onEvent (runner)", this.options.onEvent, this.backend.config.onCallbackError, event);
              callSafely("onEvent (turn)", options.onEvent, this.backend.config.onCallbackError, event);
              stream?.event(event);
            },
          }
        : {}),
      redact: (text) => this.backend.redactText(text),
      onCallbackError: this.backend.config.onCallbackError,
      ...(stream ? { onDelta: (itemId: string, delta: string) => stream.delta(itemId, delta) } : {}),
    });
    this.active = active;
    this.activeStop = stop;
    // A turn waits on notifications with no request pending: keep the backend referenced.
    this.turnHold = this.backend.hold();
    const onCallerAbort = () =>
      stop.abort(new AgentError("ABORTED", "The turn was aborted by the caller's signal; it was interrupted and the runner can take another turn.", { cause: options.signal?.reason }));
    options.signal?.addEventListener("abort", onCallerAbort, { once: true });
    const start = startWork ?? ((signal: AbortSignal) => this.startTurn(prompt, options, output, signal));
    const trace = this.backend.tracing.startTurn(kind, { threadId: this.threadIdValue, model: this.config.model });
    this.turnTrace = trace;
    const running = this.drive(active, start, stop.signal);
    this.running = running;
    let failed = false;
    let failure: unknown;
    try {
      return this.finish(await running, active, output);
    } catch (error) {
      failed = true;
      failure = error;
      throw error;
    } finally {
      this.turnTrace = undefined;
      trace?.end({
        threadId: this.threadIdValue,
        turnId: active.recorder.turnId,
        model: this.config.model ?? this.threadModel,
        turn: active.recorder.completed,
        usage: active.recorder.turnUsage,
        error: failure,
        failed,
      });
      active.deadline.cancel();
      active.watchdog?.cancel();
      options.signal?.removeEventListener("abort", onCallerAbort);
      this.turnHold?.dispose();
      this.turnHold = undefined;
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
    let watched = this.backend;
    let watch = watched.watchLiveness();
    let starting: Promise<string | undefined> | undefined;
    try {
      await Promise.race([this.settler.settlePrevious(), stopped]);
      active.recorder.setUsageBaseline(this.threadLoaded ? this.threadTotal : undefined);
      starting = start(stop);
      // The turn can fail (backend gone, bad notification) before its start is answered.
      const turnId = await Promise.race([starting, active.completion.then(() => undefined), stopped]);
      if (turnId !== undefined) this.setTurnId(active, turnId);
      if (this.backend !== watched) {
        // The start moved to a new backend (the old one had died): watch that one.
        watch.dispose();
        watched = this.backend;
        watch = watched.watchLiveness();
      }
      return await Promise.race([active.completion, stopped]);
    } catch (error) {
      // Gone or closed: nothing runs there any more, and there is nobody to interrupt.
      const backend = this.backend;
      if (backend.state !== "running") {
        if (error instanceof AgentError && error.code === "BACKEND_EXITED") reportBackendGone(active, error.message);
        throw error;
      }
      // Retired here, or meanwhile by the liveness watch: the error must say so.
      const retiredBecause = (await this.settler.interruptAndSettle(active, starting)) ?? backend.retiredBecause;
      if (retiredBecause === undefined) throw error;
      reportBackendGone(active, `The codex app-server stopped answering (${retiredBecause}) and was retired.`);
      throw retiredTurnError(error, retiredBecause);
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
    }, this.requestOptions());
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
      // Claimed before anything is sent: THREAD_BUSY if another runner here has the thread.
      this.route ??= this.backend.registerThread(this.threadIdValue, this.routeHandlers);
      const { personality: _unused, ...resumeSettings } = settings;
      try {
        const resumed = await connection.request("thread/resume", { ...resumeSettings, threadId: this.threadIdValue, excludeTurns: true }, this.requestOptions());
        this.threadModel = resumed.model;
        return resumed.thread.id;
      } catch (error) {
        if (!(error instanceof RpcError) || this.turnIds.length > 0) throw error;
        throw new InvalidConfigError(
          "resumeThreadId",
          `resumeThreadId ${this.threadIdValue}: codex cannot resume that conversation (${error.rpcMessage}). ` +
            "Check the id (runner.threadId of the conversation) and that codex runs with the CODEX_HOME it was recorded in.",
          { cause: error },
        );
      }
    }
    const tools = this.options.tools?.length ? { dynamicTools: dynamicToolSpecs(this.options.tools) } : {};
    const result = await connection.request("thread/start", { ...settings, ...tools, ...(this.options.ephemeral ? { ephemeral: true } : {}) }, this.requestOptions());
    this.threadModel = result.model;
    return result.thread.id;
  }

  private adoptThread(threadId: string): void {
    this.threadIdValue = threadId;
    // A start that completed after close(): the thread is kept on disk, nothing routes it here.
    if (this.closed) return;
    this.route?.dispose();
    this.route = undefined;
    this.route = this.backend.registerThread(threadId, this.routeHandlers);
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
        this.settler.backendGone();
        this.active?.fail(error);
      },
    };
  }

  private onThreadNotification(notification: ServerNotification): void {
    if (notification.method === "thread/tokenUsage/updated") {
      this.threadTotal = (notification.params as { tokenUsage: { total: TokenUsageBreakdown } }).tokenUsage.total;
    } else if (notification.method === "turn/completed") {
      this.settler.turnCompleted((notification.params as { turn: Turn }).turn.id);
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
    // Live progress (progressEvents.ts) only once the turn's id is known: before, it may be another turn's.
    // Nobody watching live: no live event is built.
    const live = !active.watched || active.recorder.turnId === undefined ? undefined : liveEventOf(notification, active.recorder.turnId);
    if (live) active.recorder.live(live);
    if (active.recorder.accept(notification) === "completed") active.complete(active.recorder.completed!);
  }

  /** Options that make a request a child span of the running turn's (none outside a turn). */
  private requestOptions(): RequestOptions {
    return this.turnTrace ? { observer: this.turnTrace.observer } : {};
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
        this.backendValue = next;
        if (this.turnHold) {
          this.turnHold.dispose();
          this.turnHold = next.hold();
        }
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

/** The event stream says why the backend went (crash, or retired as wedged), before the turn rejects. */
function reportBackendGone(active: ActiveTurn, message: string): void {
  active.recorder.addEvent({ kind: "error", summary: message.split("\n")[0]!, metadata: { message, codexErrorInfo: null, willRetry: false } });
}

/** A resumeThreadId that cannot be a conversation id (not a string, empty, blanks) is refused before any traffic. */
function checkedThreadId(threadId: unknown): string {
  if (typeof threadId === "string" && /^\S+$/.test(threadId)) return threadId;
  throw new InvalidConfigError(
    "resumeThreadId",
    `resumeThreadId must be a conversation id as runner.threadId gives it (such as 01a22bbd-917f-78d3-88bc-d6124400afaf); got ${JSON.stringify(threadId)}.`,
  );
}
