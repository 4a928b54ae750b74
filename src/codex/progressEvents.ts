/**
 * Live progress of a turn: what the app-server reports while an item runs (its start, command
 * output as it is produced, reasoning summary text, plan and diff updates), mapped to live-only
 * port events for `onEvent` and to `progress`/`itemStarted` chunks for `turnStream()`.
 *
 * Live events are never part of a turn's result: `result.events` keeps one event per completed
 * item plus the turn-level kinds, so a long command's output is not held twice.
 */
import type { AgentTurnEvent } from "../agent/port.ts";
import type { ServerNotification } from "../protocol/serverNotifications.ts";

/** Kinds of the live-only events `onEvent` receives (never in `result.events`). */
export const LIVE_EVENT_KINDS = ["itemStarted", "commandOutputDelta", "reasoningDelta", "planDelta", "planUpdated", "diffUpdated"] as const;

/** One of {@link LIVE_EVENT_KINDS}. */
export type LiveEventKind = (typeof LIVE_EVENT_KINDS)[number];

const LIVE_KINDS: ReadonlySet<string> = new Set(LIVE_EVENT_KINDS);

/** True for an event that only the live view sees (see {@link LIVE_EVENT_KINDS}). */
export function isLiveEvent(event: AgentTurnEvent): boolean {
  return LIVE_KINDS.has(event.kind);
}

/** The delta kinds of a `progress` chunk: text that adds to what came before for the same item. */
export type ProgressDeltaKind = "commandOutput" | "reasoning" | "plan";

/** A `turnStream()` chunk for live progress; deltas of one item may arrive merged (slow consumer). */
export type TurnProgressChunk =
  /** An item began (a command, a file change, a tool call, the model's message...); `event.metadata` has its fields. */
  | { readonly type: "itemStarted"; readonly itemId: string; readonly itemType: string; readonly event: AgentTurnEvent }
  /** Text added to an item: command output, reasoning summary, or the text of a proposed plan. */
  | { readonly type: "progress"; readonly kind: ProgressDeltaKind; readonly itemId: string; readonly delta: string }
  /** The turn's plan as it now stands (replaces the previous one). */
  | { readonly type: "progress"; readonly kind: "planUpdate"; readonly explanation: string | null; readonly steps: readonly PlanStep[] }
  /** The turn's aggregated unified diff as it now stands (replaces the previous one). */
  | { readonly type: "progress"; readonly kind: "diff"; readonly text: string };

/** One step of the turn's plan, as `turn/plan/updated` reports it. */
export interface PlanStep {
  readonly step: string;
  readonly status: string;
}

const SUMMARY_MAX_CHARS = 200;

/**
 * The live event for a notification of the running turn, or undefined when it is not one
 * (completed items and turn-level notifications go to the recorder instead).
 * `turnId` is the running turn's id, undefined while turn/start has not answered yet.
 */
export function liveEventOf(notification: ServerNotification, turnId: string | undefined): AgentTurnEvent | undefined {
  const params = notification.params as Record<string, unknown> | undefined;
  if (!params || typeof params !== "object") return undefined;
  if (turnId !== undefined && params.turnId !== turnId) return undefined;
  switch (notification.method) {
    case "item/started": {
      const item = params.item as { type: string; id: string } & Record<string, unknown>;
      return { kind: "itemStarted", summary: clip(startedSummary(item)), metadata: startedMetadata(item) };
    }
    case "item/commandExecution/outputDelta":
      return deltaEvent("commandOutputDelta", params);
    case "item/reasoning/summaryTextDelta":
      return deltaEvent("reasoningDelta", params);
    case "item/plan/delta":
      return deltaEvent("planDelta", params);
    case "turn/plan/updated": {
      const steps = (params.plan as PlanStep[]).map((s) => ({ step: String(s.step), status: String(s.status) }));
      const explanation = typeof params.explanation === "string" ? params.explanation : null;
      const summary = steps.map((s) => `[${s.status === "completed" ? "x" : s.status === "inProgress" ? ">" : " "}] ${s.step}`).join(" ");
      return { kind: "planUpdated", summary: clip(summary || explanation || "plan"), metadata: { explanation, plan: steps } };
    }
    case "turn/diff/updated": {
      const diff = String(params.diff);
      const files = diff.split("\n").filter((line) => line.startsWith("diff --git")).length;
      return { kind: "diffUpdated", summary: `diff of ${files} file${files === 1 ? "" : "s"}`, metadata: { diff } };
    }
    default:
      return undefined;
  }
}

/** The stream chunk for a live event, or undefined for any other event. */
export function progressChunkOf(event: AgentTurnEvent): TurnProgressChunk | undefined {
  const m = event.metadata;
  switch (event.kind) {
    case "itemStarted":
      return { type: "itemStarted", itemId: String(m.itemId), itemType: String(m.itemType), event };
    case "commandOutputDelta":
      return { type: "progress", kind: "commandOutput", itemId: String(m.itemId), delta: String(m.delta) };
    case "reasoningDelta":
      return { type: "progress", kind: "reasoning", itemId: String(m.itemId), delta: String(m.delta) };
    case "planDelta":
      return { type: "progress", kind: "plan", itemId: String(m.itemId), delta: String(m.delta) };
    case "planUpdated":
      return { type: "progress", kind: "planUpdate", explanation: (m.explanation as string | null) ?? null, steps: m.plan as PlanStep[] };
    case "diffUpdated":
      return { type: "progress", kind: "diff", text: String(m.diff) };
    default:
      return undefined;
  }
}

/**
 * Merges `next` into `previous` when a consumer has not taken `previous` yet: deltas of the same
 * kind and item are joined, a plan or diff replaces the older one. Undefined when they stay apart.
 */
export function mergeProgress(previous: TurnProgressChunk, next: TurnProgressChunk): TurnProgressChunk | undefined {
  if (previous.type !== "progress" || next.type !== "progress" || previous.kind !== next.kind) return undefined;
  if (previous.kind === "planUpdate" || previous.kind === "diff") return next;
  if ("delta" in previous && "delta" in next && previous.itemId === next.itemId) return { ...previous, delta: previous.delta + next.delta };
  return undefined;
}

function deltaEvent(kind: LiveEventKind, params: Record<string, unknown>): AgentTurnEvent {
  const delta = String(params.delta);
  return { kind, summary: clip(delta), metadata: { itemId: String(params.itemId), delta } };
}

function startedSummary(item: { type: string } & Record<string, unknown>): string {
  switch (item.type) {
    case "commandExecution":
      return `$ ${String(item.command)}`;
    case "fileChange": {
      const changes = Array.isArray(item.changes) ? (item.changes as { path?: unknown }[]) : [];
      return `editing ${changes.map((c) => String(c.path)).join(", ") || "files"}`;
    }
    case "mcpToolCall":
      return `${String(item.server)}.${String(item.tool)}`;
    case "dynamicToolCall":
      return String(item.tool);
    case "webSearch":
      return `searching ${String(item.query ?? "")}`.trim();
    default:
      return item.type;
  }
}

/** The started item's identifying fields (not its growing content, which arrives as deltas). */
function startedMetadata(item: { type: string; id: string } & Record<string, unknown>): Record<string, unknown> {
  const base = { itemId: item.id, itemType: item.type };
  switch (item.type) {
    case "commandExecution":
      return { ...base, command: item.command, cwd: item.cwd };
    case "fileChange":
      return { ...base, paths: Array.isArray(item.changes) ? (item.changes as { path?: unknown }[]).map((c) => c.path) : [] };
    case "mcpToolCall":
      return { ...base, server: item.server, tool: item.tool };
    case "dynamicToolCall":
      return { ...base, tool: item.tool };
    default:
      return base;
  }
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > SUMMARY_MAX_CHARS ? `${oneLine.slice(0, SUMMARY_MAX_CHARS - 1)}…` : oneLine;
}
