/**
 * The requests codex-rpc sends to the app-server, one object per method: its name, the schema
 * of its params and the schema its result is validated against.
 */
import { z } from "zod";
import {
  ApprovalPolicySchema,
  PersonalitySchema,
  SandboxModeSchema,
  ThreadSchema,
  TurnSchema,
  UserInputSchema,
} from "./common.ts";

/** Describes one client request: method name, params schema, result schema. */
export interface ClientRequestDefinition<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly method: string;
  readonly params: P;
  readonly result: R;
}

function define<P extends z.ZodType, R extends z.ZodType>(method: string, params: P, result: R) {
  return { method, params, result } as const satisfies ClientRequestDefinition<P, R>;
}

export const ClientInfoSchema = z.looseObject({
  name: z.string(),
  title: z.string().nullish(),
  version: z.string(),
});

export const InitializeParamsSchema = z.looseObject({
  clientInfo: ClientInfoSchema,
  capabilities: z
    .looseObject({
      experimentalApi: z.boolean().optional(),
      optOutNotificationMethods: z.array(z.string()).nullish(),
    })
    .nullish(),
});
export const InitializeResultSchema = z.looseObject({
  userAgent: z.string(),
  codexHome: z.string(),
  platformFamily: z.string(),
  platformOs: z.string(),
});
export type InitializeResult = z.infer<typeof InitializeResultSchema>;

/** Settings shared by thread/start, thread/resume and thread/fork. */
const ThreadSettingsShape = {
  cwd: z.string().nullish(),
  model: z.string().nullish(),
  modelProvider: z.string().nullish(),
  approvalPolicy: ApprovalPolicySchema.nullish(),
  sandbox: SandboxModeSchema.nullish(),
  config: z.record(z.string(), z.unknown()).nullish(),
  baseInstructions: z.string().nullish(),
  developerInstructions: z.string().nullish(),
};

export const ThreadStartParamsSchema = z.looseObject({
  ...ThreadSettingsShape,
  personality: PersonalitySchema.nullish(),
  ephemeral: z.boolean().nullish(),
});
export type ThreadStartParams = z.infer<typeof ThreadStartParamsSchema>;

/** Result of thread/start, thread/resume and thread/fork: the thread and its effective settings. */
export const ThreadOpenedResultSchema = z.looseObject({
  thread: ThreadSchema,
  model: z.string(),
  modelProvider: z.string(),
  cwd: z.string(),
  approvalPolicy: z.unknown(),
  sandbox: z.unknown(),
  reasoningEffort: z.string().nullish(),
});
export type ThreadOpenedResult = z.infer<typeof ThreadOpenedResultSchema>;

export const ThreadResumeParamsSchema = z.looseObject({
  ...ThreadSettingsShape,
  threadId: z.string(),
  /** Leave the history out of the answer (it can be large; codex-rpc does not need it to continue). */
  excludeTurns: z.boolean().optional(),
});
export type ThreadResumeParams = z.infer<typeof ThreadResumeParamsSchema>;

export const ThreadForkParamsSchema = z.looseObject({ ...ThreadSettingsShape, threadId: z.string(), ephemeral: z.boolean().nullish() });
export type ThreadForkParams = z.infer<typeof ThreadForkParamsSchema>;

export const TurnStartParamsSchema = z.looseObject({
  threadId: z.string(),
  input: z.array(UserInputSchema),
  cwd: z.string().nullish(),
  model: z.string().nullish(),
  effort: z.string().min(1).nullish(),
  approvalPolicy: ApprovalPolicySchema.nullish(),
  outputSchema: z.unknown().optional(),
});
export type TurnStartParams = z.infer<typeof TurnStartParamsSchema>;
export const TurnStartResultSchema = z.looseObject({ turn: TurnSchema });

export const TurnInterruptParamsSchema = z.looseObject({ threadId: z.string(), turnId: z.string() });
export const EmptyResultSchema = z.looseObject({});

export const TurnSteerParamsSchema = z.looseObject({
  threadId: z.string(),
  expectedTurnId: z.string(),
  input: z.array(UserInputSchema),
});
export const TurnSteerResultSchema = z.looseObject({ turnId: z.string() });

export const ThreadIdParamsSchema = z.looseObject({ threadId: z.string() });
export const ThreadRevertParamsSchema = z.looseObject({ threadId: z.string(), beforeTurnId: z.string() });
export const ThreadResultSchema = z.looseObject({ thread: ThreadSchema });

export const AccountReadParamsSchema = z.looseObject({ refreshToken: z.boolean().optional() });
/** `account` is null when codex has no login; `requiresOpenaiAuth` says whether the configured provider needs one. */
export const AccountReadResultSchema = z.looseObject({ account: z.looseObject({ type: z.string() }).nullish(), requiresOpenaiAuth: z.boolean() });

/** Every client request codex-rpc makes, by method name. */
export const CLIENT_REQUESTS = {
  initialize: define("initialize", InitializeParamsSchema, InitializeResultSchema),
  "thread/start": define("thread/start", ThreadStartParamsSchema, ThreadOpenedResultSchema),
  "thread/resume": define("thread/resume", ThreadResumeParamsSchema, ThreadOpenedResultSchema),
  "thread/fork": define("thread/fork", ThreadForkParamsSchema, ThreadOpenedResultSchema),
  "thread/read": define("thread/read", ThreadIdParamsSchema.extend({ includeTurns: z.boolean().optional() }), ThreadResultSchema),
  "thread/compact/start": define("thread/compact/start", ThreadIdParamsSchema, EmptyResultSchema),
  "thread/revert": define("thread/revert", ThreadRevertParamsSchema, ThreadResultSchema),
  "turn/start": define("turn/start", TurnStartParamsSchema, TurnStartResultSchema),
  "turn/interrupt": define("turn/interrupt", TurnInterruptParamsSchema, EmptyResultSchema),
  "turn/steer": define("turn/steer", TurnSteerParamsSchema, TurnSteerResultSchema),
  "account/read": define("account/read", AccountReadParamsSchema, AccountReadResultSchema),
} as const;

/** Method names of {@link CLIENT_REQUESTS}. */
export type ClientRequestMethod = keyof typeof CLIENT_REQUESTS;
/** Params a method takes (before validation). */
export type ClientRequestParams<M extends ClientRequestMethod> = z.input<(typeof CLIENT_REQUESTS)[M]["params"]>;
/** Result a method resolves with (after validation). */
export type ClientRequestResult<M extends ClientRequestMethod> = z.output<(typeof CLIENT_REQUESTS)[M]["result"]>;
