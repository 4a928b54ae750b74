/**
 * One conversation on a shared {@link CodexBackend}: the Codex implementation of the port's
 * {@link AgentRunner}. Its first turn starts (or resumes) the thread; later turns continue it.
 * One turn at a time; deadlines and aborts interrupt the turn on the server and leave the runner
 * usable. Beyond the port: live streams, steer, fork, compact, rollback, typed output.
 */
import type { Disposable } from "vscode-jsonrpc/node";
import type { z } from "zod";
import { DEFAULT_TURN_TIMEOUT_SECONDS } from "../agent/defaults.ts";
import type { AgentConfig, AgentRunner, AgentTurnEvent, AgentTurnOptions, AgentTurnResult } from "../agent/port.ts";
import { AgentError, InvalidConfigError, ProtocolError, TurnFailedError } from "../errors.ts";
import type { TokenUsageBreakdown, Turn } from "../protocol/common.ts";
import { notificationTurnId, type ServerNotification } from "../protocol/serverNotifications.ts";
import { checkWorkingDirectory, parseAgentConfig, threadSettingsFromConfig, type ParsedAgentConfig } from "./agentConfig.ts";
import { checkRunnerOptions, checkText, checkTurnOptions, spawnsLocally } from "./optionChecks.ts";
import type { CodexBackend, ThreadRoute } from "./codexBackend.ts";
import type { ProtocolConnection } from "../protocol/protocolConnection.ts";
import { createActiveTurn, rejectOnAbort, type ActiveTurn } from "./activeTurn.ts";
import { answerServerRequest, dynamicToolSpecs, type RequestHandlerOptions } from "./requestHandlers.ts";
import type { StructuredOutput } from "./structuredOutput.ts";
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
  /** Tokens of this turn (`last` of the thread's usage). */
  readonly usage: TokenUsageBreakdown | null;
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
  private threadStarting: Promise<string> | undefined;
  private route: Disposable | undefined;
  private active: ActiveTurn | undefined;
  private unsettledTurnId: string | undefined;
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
    if (options.resumeThreadId !== undefined) this.threadIdValue = options.resumeThreadId;
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
   * Leaving the loop early aborts the turn. Errors are thrown from the iterator.
   */
  turnStream(prompt: string, options: CodexTurnOptions = {}): AsyncIterable<TurnStreamChunk<CodexTurnResult>> {
    const queue = new TurnStreamQueue<CodexTurnResult>();
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    this.run(prompt, { ...options, signal }, queue).then(
      (result) => queue.finish(result),
      (error: unknown) => queue.fail(error),
    );
    return {
      [Symbol.asyncIterator]: () => {
        const inner = queue[Symbol.asyncIterator]();
        return {
          next: () => inner.next(),
          return: async () => {
            stop.abort(new Error("the stream's consumer stopped reading"));
            return { value: undefined, done: true };
          },
        };
      },
    };
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
    });
  }

  /** Forks the conversation into a new runner (`thread/fork`); this one is unchanged. */
  async fork(options: CodexAgentRunnerOptions = {}): Promise<CodexAgentRunner> {
    const threadId = await this.loadedThreadId();
    const result = await (await this.liveConnection()).request("thread/fork", { threadId, ...threadSettingsFromConfig(this.config) });
    const fork = new CodexAgentRunner(this.backend, this.portConfig(), { ...this.options, ...options, resumeThreadId: undefined });
    fork.adoptThread(result.thread.id);
    return fork;
  }

  /** Compacts the conversation's context (`thread/compact/start`); resolves when the server reports it done. */
  async compact(options: { readonly timeoutSeconds?: number } = {}): Promise<void> {
    const threadId = await this.loadedThreadId();
    await this.run("", { timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TURN_TIMEOUT_SECONDS }, undefined, async () => {
      await (await this.liveConnection()).request("thread/compact/start", { threadId });
      return undefined;
    });
  }

  /**
   * Removes the last `turns` turns of this runner from the conversation (`thread/revert`): the
   * model no longer sees them. Local file changes they made are not undone.
   */
  async rollback(turns = 1): Promise<void> {
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
    startWork?: () => Promise<string | undefined>,
  ): Promise<CodexTurnResult> {
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
      adoptFirstTurn: startWork !== undefined,
      onEvent: (event) => {
        this.options.onEvent?.(event);
        options.onEvent?.(event);
        stream?.event(event);
      },
      ...(stream ? { onDelta: (itemId: string, delta: string) => stream.delta(itemId, delta) } : {}),
    });
    this.active = active;
    const onCallerAbort = () =>
      stop.abort(new AgentError("ABORTED", "The turn was aborted by the caller's signal; it was interrupted and the runner can take another turn.", { cause: options.signal?.reason }));
    options.signal?.addEventListener("abort", onCallerAbort, { once: true });
    try {
      const start = startWork ?? (() => this.startTurn(prompt, options, output));
      const turn = await this.drive(active, start, stop.signal);
      return this.finish(turn, active, output);
    } finally {
      active.deadline.cancel();
      active.watchdog?.cancel();
      options.signal?.removeEventListener("abort", onCallerAbort);
      this.active = undefined;
    }
  }

  /** Starts the work, follows it to turn/completed, and interrupts it on deadline, abort or error. */
  private async drive(active: ActiveTurn, start: () => Promise<string | undefined>, stop: AbortSignal): Promise<Turn> {
    const stopped = rejectOnAbort(stop);
    let starting: Promise<string | undefined> | undefined;
    try {
      await Promise.race([this.settlePreviousTurn(), stopped]);
      starting = start();
      // The turn can fail (backend gone, bad notification) before its start is answered.
      const turnId = await Promise.race([starting, active.completion.then(() => undefined), stopped]);
      if (turnId !== undefined) this.setTurnId(active, turnId);
      return await Promise.race([active.completion, stopped]);
    } catch (error) {
      if (error instanceof AgentError && (error.code === "BACKEND_EXITED" || error.code === "CLOSED")) throw error;
      await this.interruptAndSettle(active, starting);
      throw error;
    } finally {
      stopped.dispose();
    }
  }

  private async startTurn(prompt: string, options: CodexTurnOptions, output: StructuredOutput<unknown> | undefined): Promise<string> {
    const threadId = await this.loadedThreadId();
    const outputSchema = output ? output.jsonSchema : (options.outputSchema as Record<string, unknown> | undefined);
    const { turn } = await (await this.liveConnection()).request("turn/start", {
      threadId,
      input: [{ type: "text", text: prompt, text_elements: [] }],
      ...(this.config.reasoningEffort ? { effort: this.config.reasoningEffort } : {}),
      ...(outputSchema ? { outputSchema } : {}),
    });
    return turn.id;
  }

  private setTurnId(active: ActiveTurn, turnId: string): void {
    active.markStarted(turnId);
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
        usage: active.recorder.tokenUsage?.last ?? null,
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
      const { personality: _unused, ...resumeSettings } = settings;
      return (await connection.request("thread/resume", { ...resumeSettings, threadId: this.threadIdValue, excludeTurns: true })).thread.id;
    }
    const tools = this.options.tools?.length ? { dynamicTools: dynamicToolSpecs(this.options.tools) } : {};
    const result = await connection.request("thread/start", { ...settings, ...tools, ...(this.options.ephemeral ? { ephemeral: true } : {}) });
    return result.thread.id;
  }

  private adoptThread(threadId: string): void {
    this.threadIdValue = threadId;
    this.threadLoaded = true;
    this.route?.dispose();
    this.route = this.backend.registerThread(threadId, this.threadRoute());
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
        this.active?.fail(error);
      },
    };
  }

  private onThreadNotification(notification: ServerNotification): void {
    const active = this.active;
    if (!active) return;
    active.watchdog?.activity();
    if (active.adoptFirstTurn && active.recorder.turnId === undefined && notification.method === "turn/started") {
      this.setTurnId(active, (notification.params as { turn: Turn }).turn.id);
    }
    if (notification.method === "item/agentMessage/delta" && active.onDelta) {
      const params = notification.params as { turnId: string; itemId: string; delta: string };
      if (params.turnId === active.recorder.turnId || active.recorder.turnId === undefined) active.onDelta(params.itemId, params.delta);
      return;
    }
    if (active.recorder.accept(notification) === "completed") active.complete(active.recorder.completed!);
  }

  /** After a deadline, abort or error: interrupt the turn on the server and wait briefly for it to end. */
  private async interruptAndSettle(active: ActiveTurn, starting: Promise<string | undefined> | undefined): Promise<void> {
    const settle = rejectOnAbort(AbortSignal.timeout((this.options.interruptSettleSeconds ?? DEFAULT_INTERRUPT_SETTLE_SECONDS) * 1000));
    let turnId = active.recorder.turnId;
    try {
      if (turnId === undefined && starting) {
        turnId = (await Promise.race([starting, settle])) ?? (await Promise.race([active.started, settle]));
        this.setTurnId(active, turnId);
      }
      if (turnId === undefined || active.recorder.completed || this.threadIdValue === undefined) return;
      await Promise.race([this.backend.connection.request("turn/interrupt", { threadId: this.threadIdValue, turnId }).catch(() => {}), settle]);
      await Promise.race([active.completion, settle]);
    } catch {
      // Not settled in time (or the backend is gone): the next turn interrupts it again first.
      if (turnId !== undefined && !active.recorder.completed) this.unsettledTurnId = turnId;
    } finally {
      settle.dispose();
    }
  }

  /** A turn that did not settle after its interrupt is interrupted again before the next one starts. */
  private async settlePreviousTurn(): Promise<void> {
    const turnId = this.unsettledTurnId;
    this.unsettledTurnId = undefined;
    if (turnId === undefined || this.threadIdValue === undefined || !this.threadLoaded || this.backend.state !== "running") return;
    await this.backend.connection.request("turn/interrupt", { threadId: this.threadIdValue, turnId }).catch(() => {});
  }

  /** The connection of a running backend: a new one from `backendProvider` if this runner's has died. */
  private async liveConnection(): Promise<ProtocolConnection> {
    const provider = this.options.backendProvider;
    if (provider && (this.backend.state === "exited" || this.backend.state === "closed")) {
      const next = await provider();
      if (next !== this.backend) {
        this.backendValue = next;
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
