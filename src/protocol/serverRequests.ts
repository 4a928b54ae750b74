/**
 * Requests the app-server sends to the client. Each must be answered, or the turn waits
 * forever; this module has the params and result schema of every one the pinned protocol has.
 */
import { z } from "zod";

const ItemScoped = { threadId: z.string(), turnId: z.string(), itemId: z.string() };

/** Decisions on a command execution; the object forms carry policy amendments. */
export const CommandApprovalDecisionSchema = z.union([
  z.enum(["accept", "acceptForSession", "decline", "cancel"]),
  z.strictObject({ acceptWithExecpolicyAmendment: z.looseObject({ execpolicy_amendment: z.array(z.string()) }) }),
  z.strictObject({ applyNetworkPolicyAmendment: z.looseObject({}) }),
]);
export type CommandApprovalDecision = z.infer<typeof CommandApprovalDecisionSchema>;

export const CommandApprovalParamsSchema = z.looseObject({
  ...ItemScoped,
  command: z.string().nullish(),
  cwd: z.string().nullish(),
  reason: z.string().nullish(),
  approvalId: z.string().nullish(),
});
export const CommandApprovalResultSchema = z.looseObject({ decision: CommandApprovalDecisionSchema });

/** Decisions on a file change. */
export const FileChangeApprovalDecisionSchema = z.enum(["accept", "acceptForSession", "decline", "cancel"]);
export type FileChangeApprovalDecision = z.infer<typeof FileChangeApprovalDecisionSchema>;

export const FileChangeApprovalParamsSchema = z.looseObject({
  ...ItemScoped,
  reason: z.string().nullish(),
  grantRoot: z.string().nullish(),
});
export const FileChangeApprovalResultSchema = z.looseObject({ decision: FileChangeApprovalDecisionSchema });

export const PermissionsApprovalParamsSchema = z.looseObject({
  ...ItemScoped,
  cwd: z.string(),
  permissions: z.looseObject({}),
  reason: z.string().nullish(),
});
/** Granting nothing (`permissions: {}`) is how a permission request is declined. */
export const PermissionsApprovalResultSchema = z.looseObject({
  permissions: z.looseObject({}),
  scope: z.enum(["turn", "session"]).optional(),
});

export const UserInputQuestionSchema = z.looseObject({
  id: z.string(),
  header: z.string(),
  question: z.string(),
  options: z.array(z.looseObject({ label: z.string() })).nullish(),
  isOther: z.boolean().optional(),
  isSecret: z.boolean().optional(),
});
export const UserInputParamsSchema = z.looseObject({ ...ItemScoped, questions: z.array(UserInputQuestionSchema) });
export const UserInputResultSchema = z.looseObject({
  answers: z.record(z.string(), z.looseObject({ answers: z.array(z.string()) })),
});

export const ElicitationParamsSchema = z.looseObject({
  threadId: z.string().nullish(),
  turnId: z.string().nullish(),
  serverName: z.string().optional(),
});
export const ElicitationResultSchema = z.looseObject({
  action: z.enum(["accept", "decline", "cancel"]),
  content: z.unknown().optional(),
});

export const DynamicToolCallParamsSchema = z.looseObject({
  threadId: z.string(),
  turnId: z.string(),
  callId: z.string(),
  tool: z.string(),
  namespace: z.string().nullish(),
  arguments: z.unknown(),
});
export const DynamicToolCallResultSchema = z.looseObject({
  contentItems: z.array(
    z.union([
      z.looseObject({ type: z.literal("inputText"), text: z.string() }),
      z.looseObject({ type: z.literal("inputImage"), imageUrl: z.string() }),
    ]),
  ),
  success: z.boolean(),
});

export const AuthTokensRefreshParamsSchema = z.looseObject({ reason: z.string(), previousAccountId: z.string().nullish() });
export const AuthTokensRefreshResultSchema = z.looseObject({ accessToken: z.string(), chatgptAccountId: z.string() });
export const AttestationParamsSchema = z.looseObject({});
export const AttestationResultSchema = z.looseObject({ token: z.string() });

/** Decisions of the legacy approval requests (applyPatchApproval, execCommandApproval). */
export const LegacyReviewDecisionSchema = z.union([
  z.enum(["approved", "approved_for_session", "denied", "timed_out", "abort"]),
  z.looseObject({}),
]);
export const LegacyApprovalParamsSchema = z.looseObject({ conversationId: z.string(), callId: z.string() });
export const LegacyApprovalResultSchema = z.looseObject({ decision: LegacyReviewDecisionSchema });

/** Params and result schema of every server-initiated request, by method name. */
export const SERVER_REQUESTS = {
  "item/commandExecution/requestApproval": { params: CommandApprovalParamsSchema, result: CommandApprovalResultSchema },
  "item/fileChange/requestApproval": { params: FileChangeApprovalParamsSchema, result: FileChangeApprovalResultSchema },
  "item/permissions/requestApproval": { params: PermissionsApprovalParamsSchema, result: PermissionsApprovalResultSchema },
  "item/tool/requestUserInput": { params: UserInputParamsSchema, result: UserInputResultSchema },
  "mcpServer/elicitation/request": { params: ElicitationParamsSchema, result: ElicitationResultSchema },
  "item/tool/call": { params: DynamicToolCallParamsSchema, result: DynamicToolCallResultSchema },
  "account/chatgptAuthTokens/refresh": { params: AuthTokensRefreshParamsSchema, result: AuthTokensRefreshResultSchema },
  "attestation/generate": { params: AttestationParamsSchema, result: AttestationResultSchema },
  applyPatchApproval: { params: LegacyApprovalParamsSchema, result: LegacyApprovalResultSchema },
  execCommandApproval: { params: LegacyApprovalParamsSchema, result: LegacyApprovalResultSchema },
} as const;

/** Method names of {@link SERVER_REQUESTS}. */
export type ServerRequestMethod = keyof typeof SERVER_REQUESTS;
/** Validated params of a server request. */
export type ServerRequestParams<M extends ServerRequestMethod> = z.output<(typeof SERVER_REQUESTS)[M]["params"]>;
/** What a handler must answer (validated before it is sent). */
export type ServerRequestResult<M extends ServerRequestMethod> = z.input<(typeof SERVER_REQUESTS)[M]["result"]>;

/** True when `method` is one of {@link SERVER_REQUESTS}. */
export function isServerRequestMethod(method: string): method is ServerRequestMethod {
  return Object.hasOwn(SERVER_REQUESTS, method);
}
