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
import type { AgentConfig, AgentRunner } from "../agent/port.ts";
import { AgentError, InvalidConfigError, RpcError } from "../errors.ts";
import type { TokenUsageBreakdown, Turn } from "../protocol/common.ts";
import type { ReviewTarget } from "../protocol/generated/stableClientRequestTypes.ts";
import type { ProtocolConnection, RequestOptions } from "../protocol/protocolConnection.ts";
import { createActiveTurn, setTurnId, turnEventFanOut, type ActiveTurn } from "./activeTurn.ts";
import { checkWorkingDirectory, parseAgentConfig, threadSettingsFromConfig, type ParsedAgentConfig } from "./agentConfig.ts";
import type { CodexBackend, ThreadRoute } from "./codexBackend.ts";
import { DEFAULT_INTERRUPT_SETTLE_SECONDS, type CodexAgentRunnerOptions, type CodexTurnOptions, type CodexTurnResult } from "./codexAgentRunnerOptions.ts";
import { checkReviewTarget } from "./conversationCatalog.ts";
import { conversationRoute } from "./conversationRoute.ts";
import { driveTurn } from "./driveTurn.ts";
import { openThread } from "./openThread.ts";
import { checkedThreadId, checkRollbackTurns, checkRunnerOptions, checkText, checkTurnOptions, spawnsLocally } from "./optionChecks.ts";
import type { StructuredOutput } from "./structuredOutput.ts";
import type { TurnTrace } from "./tracing.ts";
import { turnResult } from "./turnResult.ts";
import { TurnStreamQueue, type TurnStreamChunk } from "./turnStream.ts";
import { compactStarter, reviewStarter, turnStarter, type WorkStarter, type WorkStarterHost } from "./workStarters.ts";
import { settledWithin, TurnSettler } from "./turnSettler.ts";

// The options and result types have their own module; re-exported for importers of this one.
export { DEFAULT_INTERRUPT_SETTLE_SECONDS, type CodexAgentRunnerOptions, type CodexTurnOptions, type CodexTurnResult } from "./codexAgentRunnerOptions.ts";

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
    setTurnId,
    requestOptions: () => this.requestOptions(),
  });
  /** What starting a turn, a compaction or a review reads of this runner (see workStarters.ts). */
  private readonly starterHost: WorkStarterHost = {
    config: () => this.config,
    loadedThreadId: () => this.loadedThreadId(),
    liveConnection: () => this.liveConnection(),
    backend: () => this.backend,
    requestOptions: () => this.requestOptions(),
  };
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
    await this.run("", { timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TURN_TIMEOUT_SECONDS }, undefined, compactStarter(this.starterHost, threadId));
  }

  /**
   * Reviews code in this conversation (`review/start`, delivered inline: the review is a turn of
   * this thread) and resolves like a turn once it completes; `assistantText` is the review.
   * Default target: the uncommitted changes of the working directory.
   */
  async review(target: ReviewTarget = { type: "uncommittedChanges" }, options: Omit<CodexTurnOptions, "outputSchema"> = {}): Promise<CodexTurnResult> {
    checkReviewTarget(target);
    const threadId = await this.loadedThreadId();
    // Not the first turn/started: that may be the review's helper turn's.
    return this.run("", options, undefined, reviewStarter(this.starterHost, threadId, target), "review");
  }

  /**
   * Removes the last `turns` turns of this runner from the conversation (`thread/revert`): the
   * model no longer sees them. Local file changes they made are not undone.
   */
  async rollback(turns = 1): Promise<void> {
    this.throwIfClosed();
    if (this.active) throw new AgentError("RUNNER_BUSY", "Cannot roll back while a turn is running.");
    checkRollbackTurns(turns, this.turnIds.length);
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
    startWork?: WorkStarter,
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
    const onEvent = turnEventFanOut(this.options.onEvent, options.onEvent, stream, () => this.backend.config.onCallbackError);
    const active = createActiveTurn({
      timeoutSeconds,
      silenceSeconds: options.silenceTimeoutSeconds ?? this.options.silenceTimeoutSeconds,
      stop,
      // A compaction's turn id comes only with its turn/started; a review's with the review/start answer.
      adoptFirstTurn: kind === "compact",
      ...(onEvent ? { onEvent } : {}),
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
    const start = startWork ?? turnStarter(this.starterHost, prompt, options, output);
    const trace = this.backend.tracing.startTurn(kind, { threadId: this.threadIdValue, model: this.config.model });
    this.turnTrace = trace;
    const running = driveTurn(
      { backend: () => this.backend, settler: this.settler, usageBaseline: () => (this.threadLoaded ? this.threadTotal : undefined) },
      active,
      start,
      stop.signal,
    );
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

  private finish(turn: Turn, active: ActiveTurn, output: StructuredOutput<unknown> | undefined): CodexTurnResult {
    if (turn.status === "completed") this.turnIds.push(turn.id);
    return turnResult(turn, active, output, this.threadIdValue!, (text) => this.backend.redactText(text));
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
    return openThread({
      connection,
      config: this.config,
      runnerOptions: this.options,
      threadId: this.threadIdValue,
      claim: (threadId) => {
        this.route ??= this.backend.registerThread(threadId, this.routeHandlers);
      },
      hasTurns: () => this.turnIds.length > 0,
      onModel: (model) => {
        this.threadModel = model;
      },
      requestOptions: this.requestOptions(),
    });
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
    return conversationRoute({
      handlerOptions: () => this.options,
      active: () => this.active,
      tokenTotal: (total) => {
        this.threadTotal = total;
      },
      turnCompleted: (turnId) => this.settler.turnCompleted(turnId),
      backendGone: (error) => {
        this.route = undefined;
        this.threadLoaded = false;
        this.settler.backendGone();
        this.active?.fail(error);
      },
    });
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
