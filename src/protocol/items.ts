/**
 * Thread items: the units of a turn (messages, reasoning, commands, file changes, tool calls...).
 * Known item types are validated by their own schema; an item type this version does not know
 * passes through as {@link UnknownThreadItem}, so a newer server does not break a turn.
 */
import { z } from "zod";
import { UserInputSchema } from "./common.ts";

export const UserMessageItemSchema = z.looseObject({
  type: z.literal("userMessage"),
  id: z.string(),
  content: z.array(UserInputSchema),
});

/** Message phases; `final_answer` marks the turn's terminal answer (providers do not always send one). */
export const MessagePhaseSchema = z.enum(["commentary", "partial_answer", "final_answer"]);

export const AgentMessageItemSchema = z.looseObject({
  type: z.literal("agentMessage"),
  id: z.string(),
  text: z.string(),
  phase: MessagePhaseSchema.nullish(),
});

export const ReasoningItemSchema = z.looseObject({
  type: z.literal("reasoning"),
  id: z.string(),
  summary: z.array(z.string()).optional(),
  content: z.array(z.string()).optional(),
});

export const PlanItemSchema = z.looseObject({
  type: z.literal("plan"),
  id: z.string(),
  text: z.string(),
});

/** Statuses shared by command executions and file changes. */
export const ExecutionStatusSchema = z.enum(["inProgress", "completed", "failed", "declined"]);

export const CommandExecutionItemSchema = z.looseObject({
  type: z.literal("commandExecution"),
  id: z.string(),
  command: z.string(),
  cwd: z.string(),
  status: ExecutionStatusSchema,
  commandActions: z.array(z.unknown()),
  exitCode: z.number().int().nullish(),
  aggregatedOutput: z.string().nullish(),
  durationMs: z.number().nullish(),
  processId: z.string().nullish(),
});

/** One file of a file change: its path, the kind of change and the diff. */
export const FileUpdateChangeSchema = z.looseObject({
  path: z.string(),
  kind: z.looseObject({ type: z.enum(["add", "delete", "update"]), move_path: z.string().nullish() }),
  diff: z.string(),
});

export const FileChangeItemSchema = z.looseObject({
  type: z.literal("fileChange"),
  id: z.string(),
  changes: z.array(FileUpdateChangeSchema),
  status: ExecutionStatusSchema,
});

export const McpToolCallItemSchema = z.looseObject({
  type: z.literal("mcpToolCall"),
  id: z.string(),
  server: z.string(),
  tool: z.string(),
  status: z.enum(["inProgress", "completed", "failed"]),
  arguments: z.unknown(),
  result: z.unknown().optional(),
  error: z.unknown().optional(),
  durationMs: z.number().nullish(),
});

export const DynamicToolCallItemSchema = z.looseObject({
  type: z.literal("dynamicToolCall"),
  id: z.string(),
  tool: z.string(),
  status: z.string(),
  arguments: z.unknown(),
});

export const WebSearchItemSchema = z.looseObject({
  type: z.literal("webSearch"),
  id: z.string(),
  query: z.string(),
});

export const ContextCompactionItemSchema = z.looseObject({
  type: z.literal("contextCompaction"),
  id: z.string(),
});

const KNOWN_ITEM_SCHEMAS = [
  UserMessageItemSchema,
  AgentMessageItemSchema,
  ReasoningItemSchema,
  PlanItemSchema,
  CommandExecutionItemSchema,
  FileChangeItemSchema,
  McpToolCallItemSchema,
  DynamicToolCallItemSchema,
  WebSearchItemSchema,
  ContextCompactionItemSchema,
] as const;

/** Item types this version of codex-rpc validates field by field. */
export const KNOWN_ITEM_TYPES: ReadonlySet<string> = new Set(
  KNOWN_ITEM_SCHEMAS.map((schema) => schema.shape.type.value),
);

/** An item of a type codex-rpc does not model (hookPrompt, imageView, sleep, ... or newer ones). */
export const UnknownThreadItemSchema = z
  .looseObject({ type: z.string(), id: z.string() })
  .refine((item) => !KNOWN_ITEM_TYPES.has(item.type), {
    message: "item of a known type does not match its schema",
  });
export type UnknownThreadItem = z.infer<typeof UnknownThreadItemSchema>;

/** Any thread item: a known type validated strictly by its schema, or an unknown type passed through. */
export const ThreadItemSchema = z.union([
  z.discriminatedUnion("type", [...KNOWN_ITEM_SCHEMAS]),
  UnknownThreadItemSchema,
]);
export type ThreadItem = z.infer<typeof ThreadItemSchema>;
export type AgentMessageItem = z.infer<typeof AgentMessageItemSchema>;
export type CommandExecutionItem = z.infer<typeof CommandExecutionItemSchema>;
export type FileChangeItem = z.infer<typeof FileChangeItemSchema>;
export type McpToolCallItem = z.infer<typeof McpToolCallItemSchema>;
