/**
 * Value types shared by several app-server messages: policies, user input, turns, threads,
 * token usage. Payload objects are loose so that fields a newer server adds do not break parsing.
 */
import { z } from "zod";

/** Approval policies the pinned app-server accepts by name. */
export const APPROVAL_POLICIES = ["untrusted", "on-request", "never"] as const;
/** `approvalPolicy` of thread/start and turn/start: a name, or the granular object form. */
export const ApprovalPolicySchema = z.union([
  z.enum(APPROVAL_POLICIES),
  z.strictObject({ granular: z.looseObject({}) }),
]);
export type ApprovalPolicy = z.infer<typeof ApprovalPolicySchema>;

/** Sandbox modes of thread/start. */
export const SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access"] as const;
export const SandboxModeSchema = z.enum(SANDBOX_MODES);
export type SandboxMode = z.infer<typeof SandboxModeSchema>;

/** Personalities of thread/start (deprecated by the server, still accepted). */
export const PERSONALITIES = ["none", "friendly", "pragmatic"] as const;
export const PersonalitySchema = z.enum(PERSONALITIES);

/** One piece of user input: text (the only kind codex-rpc sends today) or other kinds passed through. */
export const TextUserInputSchema = z.looseObject({
  type: z.literal("text"),
  text: z.string(),
  text_elements: z.array(z.unknown()).optional(),
});
export const UserInputSchema = z.union([
  TextUserInputSchema,
  z.looseObject({ type: z.enum(["image", "localImage", "audio", "skill", "mention"]) }),
]);
export type UserInput = z.infer<typeof UserInputSchema>;

/** Token counts of one breakdown (a turn's `last` or the thread's `total`). */
export const TokenUsageBreakdownSchema = z.looseObject({
  cachedInputTokens: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  reasoningOutputTokens: z.number(),
  totalTokens: z.number(),
});
export type TokenUsageBreakdown = z.infer<typeof TokenUsageBreakdownSchema>;

/** Token usage of a thread: the latest turn (`last`) and the running `total`. */
export const ThreadTokenUsageSchema = z.looseObject({
  last: TokenUsageBreakdownSchema,
  total: TokenUsageBreakdownSchema,
  modelContextWindow: z.number().nullish(),
});
export type ThreadTokenUsage = z.infer<typeof ThreadTokenUsageSchema>;

/** Statuses of a turn. */
export const TURN_STATUSES = ["completed", "interrupted", "failed", "inProgress"] as const;
export const TurnStatusSchema = z.enum(TURN_STATUSES);

/** Why a turn failed: the server's message and its machine-readable error info. */
export const TurnErrorSchema = z.looseObject({
  message: z.string(),
  codexErrorInfo: z.unknown().optional(),
  additionalDetails: z.string().nullish(),
});
export type TurnError = z.infer<typeof TurnErrorSchema>;

/** A turn as the server reports it; `items` is only a summary (build items from item/* notifications). */
export const TurnSchema = z.looseObject({
  id: z.string(),
  status: TurnStatusSchema,
  items: z.array(z.unknown()),
  error: TurnErrorSchema.nullish(),
  durationMs: z.number().nullish(),
  startedAt: z.number().nullish(),
  completedAt: z.number().nullish(),
});
export type Turn = z.infer<typeof TurnSchema>;

/** A thread (conversation) as the server reports it. */
export const ThreadSchema = z.looseObject({
  id: z.string(),
  cwd: z.string().optional(),
  ephemeral: z.boolean().optional(),
  forkedFromId: z.string().nullish(),
  turns: z.array(z.unknown()).optional(),
});
export type Thread = z.infer<typeof ThreadSchema>;

/** Status of a thread: idle, active (with flags such as waitingOnApproval), notLoaded, systemError. */
export const ThreadStatusSchema = z.looseObject({
  type: z.string(),
  activeFlags: z.array(z.string()).optional(),
});
