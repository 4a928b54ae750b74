/**
 * Collects the notifications of one turn into the port's result: one event per completed item,
 * plus tokenUsage, error, warning and approval events, and the final assistant text.
 * Pure bookkeeping: no I/O, so it is tested on its own.
 */
import type { AgentTurnEvent, AgentTurnResult } from "../agent/port.ts";
import { callSafely, type CallbackErrorHandler } from "../callbacks.ts";
import type { ThreadTokenUsage, TokenUsageBreakdown, Turn } from "../protocol/common.ts";
import type { AgentMessageItem, CommandExecutionItem, FileChangeItem, McpToolCallItem, ThreadItem } from "../protocol/items.ts";
import { notificationTurnId, type ServerNotification } from "../protocol/serverNotifications.ts";

const SUMMARY_MAX_CHARS = 200;

/** Options of a {@link TurnRecorder} beyond its onEvent. */
export interface TurnRecorderOptions {
  /** Removes secrets from the server's texts (error and warning messages) before they become events. */
  readonly redact?: (text: string) => string;
  /** Receives what onEvent throws; default: a process warning, once. The event is recorded either way. */
  readonly onCallbackError?: CallbackErrorHandler;
}

/** What the recorder makes of one notification. */
export type RecorderOutcome = "ignored" | "recorded" | "completed";

/** Records one turn; see the module comment. */
export class TurnRecorder {
  private readonly recorded: AgentTurnEvent[] = [];
  private readonly early: ServerNotification[] = [];
  private turnIdValue: string | undefined;
  private finalAnswer: string | undefined;
  private lastAgentMessage: string | undefined;
  private usage: ThreadTokenUsage | undefined;
  private usageBaseline: TokenUsageBreakdown | undefined;
  private completedTurn: Turn | undefined;

  /** Called with each event as it is recorded (live view); optional. Its errors never reach the turn. */
  constructor(
    private readonly onEvent?: (event: AgentTurnEvent) => void,
    private readonly options: TurnRecorderOptions = {},
  ) {}

  /** The turn's id, once turn/start has answered. */
  get turnId(): string | undefined {
    return this.turnIdValue;
  }

  /** The turn as reported by turn/completed, once it has arrived. */
  get completed(): Turn | undefined {
    return this.completedTurn;
  }

  /** The latest thread/tokenUsage/updated of the turn (the thread's total, the last model call), if any arrived. */
  get tokenUsage(): ThreadTokenUsage | undefined {
    return this.usage;
  }

  /**
   * Tokens of the whole turn: the growth of the thread's `total` over it. A turn that calls a
   * tool makes several model calls, and `last` is only the final one.
   */
  get turnUsage(): TokenUsageBreakdown | undefined {
    return this.usage && this.usageBaseline && subtractUsage(this.usage.total, this.usageBaseline);
  }

  /**
   * The thread's `total` before this turn, when known. Without it (a new or just resumed
   * thread) the first update of the turn gives it: its `total` minus its `last`.
   */
  setUsageBaseline(total: TokenUsageBreakdown | undefined): void {
    this.usageBaseline = total;
  }

  /**
   * Sets the turn id from the turn/start answer and replays notifications that came before it,
   * dropping those of other (earlier, interrupted) turns.
   */
  setTurnId(turnId: string): RecorderOutcome {
    this.turnIdValue = turnId;
    let outcome: RecorderOutcome = "ignored";
    for (const notification of this.early.splice(0)) {
      const result = this.accept(notification);
      if (result !== "ignored") outcome = result;
    }
    return outcome;
  }

  /** Takes one notification of this turn's thread; says whether it was recorded or completed the turn. */
  accept(notification: ServerNotification): RecorderOutcome {
    if (this.completedTurn) return "ignored";
    const turnId = notificationTurnId(notification.params);
    if (this.turnIdValue === undefined) {
      // turn/start has not answered yet: keep what may belong to this turn until it does.
      if (turnId !== undefined || notification.method === "warning") this.early.push(notification);
      return "ignored";
    }
    if (turnId !== undefined && turnId !== this.turnIdValue) return "ignored";
    return this.record(notification);
  }

  /** Records an event that did not come from a notification (approvals). */
  addEvent(event: AgentTurnEvent): void {
    this.push(event);
  }

  /**
   * Hands a live-only event (item start, output delta, plan or diff update: see progressEvents.ts)
   * to the live view without recording it in the result. Same callback path as recorded events,
   * so whatever guards or redacts that path guards and redacts these too.
   */
  live(event: AgentTurnEvent): void {
    if (this.completedTurn) return;
    this.onEvent?.(event);
  }

  /** The port's result: final assistant text and the events in the order they happened. */
  result(): AgentTurnResult {
    return { assistantText: this.finalAnswer ?? this.lastAgentMessage ?? "", events: [...this.recorded] };
  }

  private record(notification: ServerNotification): RecorderOutcome {
    const params = notification.params as Record<string, unknown>;
    switch (notification.method) {
      case "item/completed":
        this.recordItem(params.item as ThreadItem);
        return "recorded";
      case "thread/tokenUsage/updated":
        this.usage = params.tokenUsage as ThreadTokenUsage;
        this.usageBaseline ??= subtractUsage(this.usage.total, this.usage.last);
        return "recorded";
      case "error": {
        const error = params.error as { message: string; codexErrorInfo?: unknown };
        // The server's message can quote credentials (an "Incorrect API key" message does).
        const message = this.redact(error.message);
        this.push({
          kind: "error",
          summary: `${message}${params.willRetry ? " (retrying)" : ""}`,
          metadata: { message, codexErrorInfo: error.codexErrorInfo ?? null, willRetry: params.willRetry },
        });
        return "recorded";
      }
      case "warning":
      {
        const message = this.redact(String(params.message));
        this.push({ kind: "warning", summary: message, metadata: { message: typeof params.message === "string" ? message : params.message } });
      }
        return "recorded";
      case "turn/completed":
        this.completedTurn = params.turn as Turn;
        if (this.usage) this.push(tokenUsageEvent(this.usage, this.turnUsage ?? this.usage.last));
        return "completed";
      default:
        return "ignored";
    }
  }

  private recordItem(item: ThreadItem): void {
    if (item.type === "agentMessage") {
      const message = item as AgentMessageItem;
      this.lastAgentMessage = message.text;
      if (message.phase === "final_answer") this.finalAnswer = message.text;
    }
    this.push(itemEvent(item));
  }

  private push(event: AgentTurnEvent): void {
    this.recorded.push(event);
    // A caller's callback that throws must not stall the turn (the notification would go unfinished).
    if (this.onEvent) callSafely("onEvent", this.onEvent, this.options.onCallbackError, event);
  }

  private redact(text: string): string {
    return this.options.redact ? this.options.redact(text) : text;
  }
}

/** The event that stands for one completed item. */
export function itemEvent(item: ThreadItem): AgentTurnEvent {
  switch (item.type) {
    case "agentMessage": {
      const message = item as AgentMessageItem;
      return { kind: item.type, summary: clip(message.text), metadata: { itemId: item.id, phase: message.phase ?? null, text: message.text } };
    }
    case "commandExecution": {
      const command = item as CommandExecutionItem;
      const exit = command.exitCode === null || command.exitCode === undefined ? "" : ` exit ${command.exitCode}`;
      return {
        kind: item.type,
        summary: clip(`$ ${command.command} (${command.status}${exit})`),
        metadata: {
          itemId: item.id,
          command: command.command,
          cwd: command.cwd,
          status: command.status,
          exitCode: command.exitCode ?? null,
          durationMs: command.durationMs ?? null,
          output: command.aggregatedOutput ?? "",
        },
      };
    }
    case "fileChange": {
      const change = item as FileChangeItem;
      const changes = change.changes.map((c) => ({ path: c.path, kind: c.kind.type, movePath: c.kind.move_path ?? null, diff: c.diff }));
      return {
        kind: item.type,
        summary: clip(`${changes.map((c) => `${c.kind} ${c.path}`).join(", ") || "no files"} (${change.status})`),
        metadata: { itemId: item.id, status: change.status, paths: changes.map((c) => c.path), changes },
      };
    }
    case "mcpToolCall": {
      const call = item as McpToolCallItem;
      return {
        kind: item.type,
        summary: `${call.server}.${call.tool} (${call.status})`,
        metadata: {
          itemId: item.id,
          server: call.server,
          tool: call.tool,
          arguments: call.arguments,
          status: call.status,
          result: call.result ?? null,
          error: call.error ?? null,
          durationMs: call.durationMs ?? null,
        },
      };
    }
    default: {
      const { type, id, ...rest } = item as { type: string; id: string } & Record<string, unknown>;
      return { kind: type, summary: clip(summaryOfOther(type, rest)), metadata: { itemId: id, ...rest } };
    }
  }
}

function summaryOfOther(type: string, fields: Record<string, unknown>): string {
  if (typeof fields.text === "string") return fields.text;
  if (typeof fields.query === "string") return fields.query;
  if (Array.isArray(fields.summary) && fields.summary.length) return fields.summary.join(" ");
  if (Array.isArray(fields.content) && type === "userMessage") {
    return fields.content.map((part) => (part as { text?: string }).text ?? `[${(part as { type?: string }).type}]`).join(" ");
  }
  if (typeof fields.tool === "string") return `${fields.tool} (${String(fields.status ?? "")})`;
  return type;
}

/** The turn's usage event: the summary and `turn` are the whole turn; `last` and `total` as the server sent them. */
function tokenUsageEvent(usage: ThreadTokenUsage, turn: TokenUsageBreakdown): AgentTurnEvent {
  return {
    kind: "tokenUsage",
    summary: `${turn.inputTokens} in (${turn.cachedInputTokens} cached), ${turn.outputTokens} out (${turn.reasoningOutputTokens} reasoning), ${turn.totalTokens} total`,
    metadata: { turn, last: usage.last, total: usage.total, modelContextWindow: usage.modelContextWindow ?? null },
  };
}

/** Field by field `a - b`, never below zero (a total the server reset must not give negative counts). */
export function subtractUsage(a: TokenUsageBreakdown, b: TokenUsageBreakdown): TokenUsageBreakdown {
  const minus = (x: number, y: number) => Math.max(0, x - y);
  return {
    cachedInputTokens: minus(a.cachedInputTokens, b.cachedInputTokens),
    inputTokens: minus(a.inputTokens, b.inputTokens),
    outputTokens: minus(a.outputTokens, b.outputTokens),
    reasoningOutputTokens: minus(a.reasoningOutputTokens, b.reasoningOutputTokens),
    totalTokens: minus(a.totalTokens, b.totalTokens),
  };
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > SUMMARY_MAX_CHARS ? `${oneLine.slice(0, SUMMARY_MAX_CHARS - 1)}…` : oneLine;
}
