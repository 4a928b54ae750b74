/**
 * Notifications the app-server sends that codex-rpc reads. Each known method has a params
 * schema; a method not listed here passes through unvalidated (a newer server adds them often).
 */
import { z } from "zod";
import { ThreadSchema, ThreadStatusSchema, ThreadTokenUsageSchema, TurnErrorSchema, TurnSchema } from "./common.ts";
import { ThreadItemSchema } from "./items.ts";

const TurnScoped = { threadId: z.string(), turnId: z.string() };

export const ThreadStartedParamsSchema = z.looseObject({ thread: ThreadSchema });
export const ThreadStatusChangedParamsSchema = z.looseObject({ threadId: z.string(), status: ThreadStatusSchema });
export const TurnStartedParamsSchema = z.looseObject({ threadId: z.string(), turn: TurnSchema });
export const TurnCompletedParamsSchema = z.looseObject({ threadId: z.string(), turn: TurnSchema });
export const ItemStartedParamsSchema = z.looseObject({ ...TurnScoped, item: ThreadItemSchema });
export const ItemCompletedParamsSchema = z.looseObject({ ...TurnScoped, item: ThreadItemSchema });
export const AgentMessageDeltaParamsSchema = z.looseObject({ ...TurnScoped, itemId: z.string(), delta: z.string() });
export const OutputDeltaParamsSchema = z.looseObject({ ...TurnScoped, itemId: z.string(), delta: z.string() });
export const TokenUsageUpdatedParamsSchema = z.looseObject({ ...TurnScoped, tokenUsage: ThreadTokenUsageSchema });
export const ErrorNotificationParamsSchema = z.looseObject({
  ...TurnScoped,
  error: TurnErrorSchema,
  willRetry: z.boolean(),
});
export const WarningParamsSchema = z.looseObject({ message: z.string(), threadId: z.string().nullish() });
export const ConfigWarningParamsSchema = z.looseObject({ summary: z.string(), details: z.string().nullish() });
export const ServerRequestResolvedParamsSchema = z.looseObject({ threadId: z.string(), requestId: z.union([z.string(), z.number()]) });
export const ThreadCompactedParamsSchema = z.looseObject(TurnScoped);
export const TurnDiffUpdatedParamsSchema = z.looseObject({ ...TurnScoped, diff: z.string() });
export const TurnPlanStepSchema = z.looseObject({ step: z.string(), status: z.string() });
export const TurnPlanUpdatedParamsSchema = z.looseObject({ ...TurnScoped, explanation: z.string().nullish(), plan: z.array(TurnPlanStepSchema) });
export const ReasoningSummaryTextDeltaParamsSchema = z.looseObject({ ...TurnScoped, itemId: z.string(), delta: z.string(), summaryIndex: z.number().int() });

/** Params schema of every notification codex-rpc validates, by method name. */
export const SERVER_NOTIFICATIONS = {
  "thread/started": ThreadStartedParamsSchema,
  "thread/status/changed": ThreadStatusChangedParamsSchema,
  "thread/tokenUsage/updated": TokenUsageUpdatedParamsSchema,
  "thread/compacted": ThreadCompactedParamsSchema,
  "turn/started": TurnStartedParamsSchema,
  "turn/completed": TurnCompletedParamsSchema,
  "turn/diff/updated": TurnDiffUpdatedParamsSchema,
  "turn/plan/updated": TurnPlanUpdatedParamsSchema,
  "item/started": ItemStartedParamsSchema,
  "item/completed": ItemCompletedParamsSchema,
  "item/agentMessage/delta": AgentMessageDeltaParamsSchema,
  "item/commandExecution/outputDelta": OutputDeltaParamsSchema,
  "item/reasoning/summaryTextDelta": ReasoningSummaryTextDeltaParamsSchema,
  "item/reasoning/textDelta": OutputDeltaParamsSchema,
  "item/plan/delta": OutputDeltaParamsSchema,
  error: ErrorNotificationParamsSchema,
  warning: WarningParamsSchema,
  configWarning: ConfigWarningParamsSchema,
  "serverRequest/resolved": ServerRequestResolvedParamsSchema,
} as const;

/** Method names of {@link SERVER_NOTIFICATIONS}. */
export type KnownNotificationMethod = keyof typeof SERVER_NOTIFICATIONS;

/** A notification whose params were validated against its method's schema. */
export type KnownServerNotification = {
  [M in KnownNotificationMethod]: { readonly method: M; readonly params: z.output<(typeof SERVER_NOTIFICATIONS)[M]> };
}[KnownNotificationMethod];

/** A notification of a method codex-rpc does not model; params are as received. */
export interface OtherServerNotification {
  readonly method: string;
  readonly params: unknown;
}

/** What notification listeners receive: a validated known notification, or another one as received. */
export type ServerNotification = KnownServerNotification | OtherServerNotification;

/** Narrows a notification to one known method (its params already validated). */
export function isNotification<M extends KnownNotificationMethod>(
  notification: ServerNotification,
  method: M,
): notification is Extract<KnownServerNotification, { method: M }> {
  return notification.method === method;
}

/** Thread id a notification belongs to, when its params carry one (`threadId` or `thread.id`). */
export function notificationThreadId(params: unknown): string | undefined {
  return scopedId(params, "threadId", "thread");
}

/** Turn id a notification belongs to, when its params carry one (`turnId` or `turn.id`). */
export function notificationTurnId(params: unknown): string | undefined {
  return scopedId(params, "turnId", "turn");
}

/** `params[flat]`, or else `params[nested].id`, when it is a string. */
function scopedId(params: unknown, flat: string, nested: string): string | undefined {
  if (typeof params !== "object" || params === null) return undefined;
  const p = params as Record<string, unknown>;
  if (typeof p[flat] === "string") return p[flat];
  const inner = p[nested] as { id?: unknown } | null | undefined;
  return typeof inner?.id === "string" ? inner.id : undefined;
}
