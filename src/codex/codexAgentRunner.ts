/**
 * One conversation on a shared {@link CodexBackend}: the Codex implementation of the port's
 * {@link AgentRunner}. Its first turn starts the thread; later turns continue it. One turn at a
 * time; deadlines and aborts interrupt the turn on the server and leave the runner usable.
 */
import type { Disposable } from "vscode-jsonrpc/node";
import { DEFAULT_TURN_TIMEOUT_SECONDS } from "../agent/defaults.ts";
import type { AgentConfig, AgentRunner, AgentTurnEvent, AgentTurnOptions, AgentTurnResult } from "../agent/port.ts";
import { AgentError, InvalidConfigError, ProtocolError, TurnFailedError, TurnTimeoutError } from "../errors.ts";
import type { Turn } from "../protocol/common.ts";
import type { ServerNotification } from "../protocol/serverNotifications.ts";
import type { ServerRequestMethod } from "../protocol/serverRequests.ts";
import { parseAgentConfig, threadSettingsFromConfig, type ParsedAgentConfig } from "./agentConfig.ts";
import {
  APPROVAL_DECISIONS,
  approvalAnswer,
  approvalEvent,
  defaultAnswer,
  isApprovalMethod,
  toApprovalRequest,
  type ApprovalDecision,
  type ApprovalHandler,
  type ApprovalRequest,
  type DecidedBy,
} from "./approvals.ts";
import type { CodexBackend, ThreadRoute } from "./codexBackend.ts";
import { TurnDeadline } from "./turnDeadline.ts";
import { TurnRecorder } from "./turnRecorder.ts";

/** Default time to wait for an interrupted turn to report completion, in seconds. */
export const DEFAULT_INTERRUPT_SETTLE_SECONDS = 5;

/** Options of a {@link CodexAgentRunner} beyond the port's config. */
export interface CodexAgentRunnerOptions {
  /** Decides approval requests: a fixed decision, or a handler. Default: decline everything (fail closed). */
  readonly approvals?: ApprovalDecision | ApprovalHandler;
  /** Called with each event of a turn as it is recorded. */
  readonly onEvent?: (event: AgentTurnEvent) => void;
  /** Do not persist the conversation on disk (`ephemeral` thread); default false. */
  readonly ephemeral?: boolean;
  /** How long to wait for an interrupted turn to settle, in seconds; default 5. */
  readonly interruptSettleSeconds?: number;
}

interface ActiveTurn {
  readonly recorder: TurnRecorder;
  readonly deadline: TurnDeadline;
  readonly completion: Promise<Turn>;
  complete(turn: Turn): void;
  fail(error: unknown): void;
}

/** The Codex adapter's runner; see the module comment. */
export class CodexAgentRunner implements AgentRunner {
  /** The parsed configuration of this conversation. */
  readonly config: ParsedAgentConfig;
  private threadIdValue: string | undefined;
  private threadStarting: Promise<string> | undefined;
  private route: Disposable | undefined;
  private active: ActiveTurn | undefined;
  private unsettledTurnId: string | undefined;

  /** Parses `config` at once; throws InvalidConfigError (code INVALID_CONFIG) for a bad value. */
  constructor(
    private readonly backend: CodexBackend,
    config: AgentConfig,
    private readonly options: CodexAgentRunnerOptions = {},
  ) {
    this.config = parseAgentConfig(config);
    const approvals = options.approvals;
    if (typeof approvals === "string" && !APPROVAL_DECISIONS.includes(approvals)) {
      throw new InvalidConfigError("approvals", `approvals "${approvals}" is not a decision; allowed: ${APPROVAL_DECISIONS.join(", ")}, or a handler function.`);
    }
  }

  /** The conversation (thread) id, once the first turn has started it. */
  get threadId(): string | undefined {
    return this.threadIdValue;
  }

  /** True while a turn runs. */
  get busy(): boolean {
    return this.active !== undefined;
  }

  /**
   * Runs one turn and resolves with its final assistant text and events. Rejects at once with
   * RUNNER_BUSY when a turn is already running on this runner.
   */
  async turn(prompt: string, options: AgentTurnOptions = {}): Promise<AgentTurnResult> {
    if (this.active) {
      throw new AgentError("RUNNER_BUSY", "A turn is already running on this runner. Wait for it, or use another runner for concurrent work.");
    }
    const timeoutSeconds = checkTurnOptions(prompt, options);
    if (options.signal?.aborted) {
      throw new AgentError("ABORTED", "The turn's signal was already aborted; no turn was started.", { cause: options.signal.reason });
    }
    let complete!: (turn: Turn) => void;
    let fail!: (error: unknown) => void;
    const completion = new Promise<Turn>((resolve, reject) => {
      complete = resolve;
      fail = reject;
    });
    completion.catch(() => {}); // observed below; keeps a late failure from being "unhandled"
    const stop = new AbortController();
    const active: ActiveTurn = {
      recorder: new TurnRecorder(this.options.onEvent),
      deadline: new TurnDeadline(timeoutSeconds * 1000, () => stop.abort(new TurnTimeoutError(timeoutSeconds, this.active?.recorder.turnId))),
      completion,
      complete,
      fail,
    };
    this.active = active;
    const onCallerAbort = () =>
      stop.abort(new AgentError("ABORTED", "The turn was aborted by the caller's signal; it was interrupted and the runner can take another turn.", { cause: options.signal?.reason }));
    options.signal?.addEventListener("abort", onCallerAbort, { once: true });
    try {
      return await this.runTurn(prompt, options, active, stop.signal);
    } finally {
      active.deadline.cancel();
      options.signal?.removeEventListener("abort", onCallerAbort);
      this.active = undefined;
    }
  }

  private async runTurn(prompt: string, options: AgentTurnOptions, active: ActiveTurn, stop: AbortSignal): Promise<AgentTurnResult> {
    const stopped = rejectOnAbort(stop);
    let turnStart: Promise<{ turn: Turn }> | undefined;
    try {
      await Promise.race([this.settlePreviousTurn(), stopped]);
      const threadId = await Promise.race([this.ensureThread(), stopped]);
      turnStart = this.backend.connection.request("turn/start", {
        threadId,
        input: [{ type: "text", text: prompt, text_elements: [] }],
        ...(this.config.reasoningEffort ? { effort: this.config.reasoningEffort } : {}),
        ...(options.outputSchema ? { outputSchema: options.outputSchema } : {}),
      });
      // The turn can fail (backend gone, bad notification) before turn/start answers.
      const started = await Promise.race([turnStart, active.completion.then(() => undefined), stopped]);
      if (started && active.recorder.setTurnId(started.turn.id) === "completed") active.complete(active.recorder.completed!);
      const turn = await Promise.race([active.completion, stopped]);
      return this.finish(turn, active);
    } catch (error) {
      if (error instanceof AgentError && (error.code === "BACKEND_EXITED" || error.code === "CLOSED")) throw error;
      await this.interruptAndSettle(active, turnStart);
      throw error;
    } finally {
      stopped.dispose();
    }
  }

  private finish(turn: Turn, active: ActiveTurn): AgentTurnResult {
    if (turn.status === "completed") return active.recorder.result();
    if (turn.status === "failed") {
      const message = turn.error?.message ?? "no message";
      throw new TurnFailedError(
        `The turn failed on the server: ${message}. The conversation is kept; you can send another turn.`,
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

  /** Starts the thread on the first turn; later turns reuse it. A start cut short by a deadline still completes in the background. */
  private ensureThread(): Promise<string> {
    if (this.threadIdValue) return Promise.resolve(this.threadIdValue);
    this.threadStarting ??= this.backend.connection
      .request("thread/start", { ...threadSettingsFromConfig(this.config), ...(this.options.ephemeral ? { ephemeral: true } : {}) })
      .then((result) => {
        this.adoptThread(result.thread.id);
        return result.thread.id;
      })
      .finally(() => {
        this.threadStarting = undefined;
      });
    return this.threadStarting;
  }

  private adoptThread(threadId: string): void {
    this.threadIdValue = threadId;
    this.route?.dispose();
    this.route = this.backend.registerThread(threadId, this.threadRoute());
  }

  private threadRoute(): ThreadRoute {
    return {
      onNotification: (notification: ServerNotification) => {
        const active = this.active;
        if (active && active.recorder.accept(notification) === "completed") active.complete(active.recorder.completed!);
      },
      onInvalidNotification: (method, params, error: ProtocolError) => {
        const turnId = (params as { turnId?: unknown; turn?: { id?: unknown } } | null)?.turnId ?? (params as { turn?: { id?: unknown } } | null)?.turn?.id;
        const active = this.active;
        if (active && (turnId === undefined || turnId === active.recorder.turnId)) {
          active.fail(new ProtocolError(`${error.message} The turn cannot be followed reliably and was interrupted.`, method, { cause: error }));
        }
      },
      onServerRequest: (method, params) => this.answerServerRequest(method, params),
      onBackendGone: (error) => {
        this.route = undefined;
        this.active?.fail(error);
      },
    };
  }

  private async answerServerRequest(method: ServerRequestMethod, params: Record<string, unknown>): Promise<unknown> {
    const active = this.active;
    if (isApprovalMethod(method)) {
      const request = toApprovalRequest(method, params as never);
      active?.deadline.pause();
      try {
        const { decision, decidedBy, note } = await this.decide(request);
        active?.recorder.addEvent(approvalEvent(request, decision, decidedBy, note));
        return approvalAnswer(method, params as never, decision);
      } finally {
        active?.deadline.resume();
      }
    }
    const fallback = defaultAnswer(method, params);
    if (!fallback) throw new AgentError("RPC", `codex-rpc cannot answer ${method}: no credentials or attestation are available to it.`);
    active?.recorder.addEvent(fallback.event);
    return fallback.answer;
  }

  private async decide(request: ApprovalRequest): Promise<{ decision: ApprovalDecision; decidedBy: DecidedBy; note?: string }> {
    const approvals = this.options.approvals;
    if (approvals === undefined) return { decision: "decline", decidedBy: "default" };
    if (typeof approvals === "string") return { decision: approvals, decidedBy: "option" };
    try {
      const decision = await approvals(request);
      if (APPROVAL_DECISIONS.includes(decision)) return { decision, decidedBy: "handler" };
      return { decision: "decline", decidedBy: "handler", note: `the handler returned ${JSON.stringify(decision)}, which is not a decision; declined` };
    } catch (error) {
      return { decision: "decline", decidedBy: "handler", note: `the handler threw (${error instanceof Error ? error.message : String(error)}); declined` };
    }
  }

  /** After a deadline, abort or error: interrupt the turn on the server and wait briefly for it to end. */
  private async interruptAndSettle(active: ActiveTurn, turnStart: Promise<{ turn: Turn }> | undefined): Promise<void> {
    const settle = rejectOnAbort(AbortSignal.timeout((this.options.interruptSettleSeconds ?? DEFAULT_INTERRUPT_SETTLE_SECONDS) * 1000));
    let turnId = active.recorder.turnId;
    try {
      if (turnId === undefined && turnStart) {
        const started = await Promise.race([turnStart, settle]);
        turnId = started.turn.id;
        active.recorder.setTurnId(turnId);
      }
      if (turnId === undefined || active.recorder.completed || this.threadIdValue === undefined) return;
      await Promise.race([
        this.backend.connection.request("turn/interrupt", { threadId: this.threadIdValue, turnId }).catch(() => {}),
        settle,
      ]);
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
    if (turnId === undefined || this.threadIdValue === undefined) return;
    await this.backend.connection.request("turn/interrupt", { threadId: this.threadIdValue, turnId }).catch(() => {});
  }
}

function checkTurnOptions(prompt: string, options: AgentTurnOptions): number {
  if (typeof prompt !== "string") throw new InvalidConfigError("prompt", `The prompt must be a string (got ${typeof prompt}).`);
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TURN_TIMEOUT_SECONDS;
  if (typeof timeoutSeconds !== "number" || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new InvalidConfigError("timeoutSeconds", `timeoutSeconds must be a positive number of seconds (got ${String(options.timeoutSeconds)}).`);
  }
  const schema = options.outputSchema;
  if (schema !== undefined && (typeof schema !== "object" || schema === null || Array.isArray(schema))) {
    throw new InvalidConfigError("outputSchema", "outputSchema must be a JSON Schema object.");
  }
  return timeoutSeconds;
}

/** A promise that rejects with the signal's reason when it aborts; `dispose()` detaches it. */
function rejectOnAbort(signal: AbortSignal): Promise<never> & { dispose(): void } {
  let onAbort: () => void = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  }) as Promise<never> & { dispose(): void };
  promise.catch(() => {});
  promise.dispose = () => signal.removeEventListener("abort", onAbort);
  return promise;
}
