/**
 * Answers to the app-server's approval and input requests. Without a handler everything fails
 * closed: commands, file changes and permission grants are declined, questions get no answers,
 * elicitations are declined, unknown dynamic tools fail. Every decision is described as an
 * `approval` event of the turn.
 */
import type { AgentTurnEvent } from "../agent/port.ts";
import type { ServerRequestMethod, ServerRequestParams, ServerRequestResult } from "../protocol/serverRequests.ts";

/** What a caller may decide about an approval request. */
export type ApprovalDecision = "accept" | "acceptForSession" | "decline" | "cancel";

/** All decisions, in the order the protocol lists them. */
export const APPROVAL_DECISIONS: readonly ApprovalDecision[] = ["accept", "acceptForSession", "decline", "cancel"];

/** What kind of thing is asked for. */
export type ApprovalKind = "commandExecution" | "fileChange" | "permissions";

/** One approval request, as given to an {@link ApprovalHandler}. */
export interface ApprovalRequest {
  readonly kind: ApprovalKind;
  /** The protocol method that asked. */
  readonly method: string;
  readonly threadId: string;
  readonly turnId: string;
  readonly itemId: string;
  /** The command to run (commandExecution). */
  readonly command?: string;
  readonly cwd?: string;
  /** Why the agent asks, when it says. */
  readonly reason?: string;
  /** The permissions asked for (permissions). */
  readonly permissions?: unknown;
  /** The request's params as received, for anything not lifted above. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** Decides approval requests; may be async (time spent here does not count against the turn's timeout). */
export type ApprovalHandler = (request: ApprovalRequest) => ApprovalDecision | Promise<ApprovalDecision>;

/** Who made a decision: the caller's handler, a fixed decision the caller configured, or the fail-closed default. */
export type DecidedBy = "handler" | "option" | "default";

/** The approval methods and what they ask for. */
export const APPROVAL_METHODS = {
  "item/commandExecution/requestApproval": "commandExecution",
  "item/fileChange/requestApproval": "fileChange",
  "item/permissions/requestApproval": "permissions",
} as const satisfies Partial<Record<ServerRequestMethod, ApprovalKind>>;

/** Methods that carry an approval decision. */
export type ApprovalMethod = keyof typeof APPROVAL_METHODS;

/** True when `method` asks for an approval decision. */
export function isApprovalMethod(method: string): method is ApprovalMethod {
  return Object.hasOwn(APPROVAL_METHODS, method);
}

/** Lifts an approval request's params into an {@link ApprovalRequest}. */
export function toApprovalRequest<M extends ApprovalMethod>(method: M, params: ServerRequestParams<M>): ApprovalRequest {
  const p = params as ServerRequestParams<ApprovalMethod> & Record<string, unknown>;
  return {
    kind: APPROVAL_METHODS[method],
    method,
    threadId: p.threadId,
    turnId: p.turnId,
    itemId: p.itemId,
    ...(typeof p.command === "string" ? { command: p.command } : {}),
    ...(typeof p.cwd === "string" ? { cwd: p.cwd } : {}),
    ...(typeof p.reason === "string" ? { reason: p.reason } : {}),
    ...("permissions" in p ? { permissions: p.permissions } : {}),
    params: p,
  };
}

/** The answer that carries `decision` for an approval method. */
export function approvalAnswer<M extends ApprovalMethod>(
  method: M,
  params: ServerRequestParams<M>,
  decision: ApprovalDecision,
): ServerRequestResult<M> {
  if (method === "item/permissions/requestApproval") {
    const granted = decision === "accept" || decision === "acceptForSession";
    const asked = (params as ServerRequestParams<"item/permissions/requestApproval">).permissions;
    // Declining a permission request means granting nothing.
    return { permissions: granted ? asked : {}, scope: decision === "acceptForSession" ? "session" : "turn" } as ServerRequestResult<M>;
  }
  return { decision } as ServerRequestResult<M>;
}

/** The `approval` event that records a decision. */
export function approvalEvent(request: ApprovalRequest, decision: ApprovalDecision, decidedBy: DecidedBy, note?: string): AgentTurnEvent {
  const what =
    request.kind === "commandExecution"
      ? `command ${request.command ?? "(unknown)"}`
      : request.kind === "fileChange"
        ? "file change"
        : "permission request";
  const by = decidedBy === "default" ? " (default: no approval handler)" : decidedBy === "option" ? " (fixed decision)" : "";
  return {
    kind: "approval",
    summary: `${decision} ${what}${by}${note ? `: ${note}` : ""}`,
    metadata: {
      request: request.kind,
      method: request.method,
      itemId: request.itemId,
      turnId: request.turnId,
      decision,
      decidedBy,
      ...(request.command !== undefined ? { command: request.command } : {}),
      ...(request.cwd !== undefined ? { cwd: request.cwd } : {}),
      ...(request.reason !== undefined ? { reason: request.reason } : {}),
      ...(request.permissions !== undefined ? { permissions: request.permissions } : {}),
      ...(note ? { note } : {}),
    },
  };
}

/** Fail-closed answers to the server requests that are not approvals, when nobody handles them. */
export function defaultAnswer(method: ServerRequestMethod, params: Record<string, unknown>): { answer: unknown; event: AgentTurnEvent } | undefined {
  switch (method) {
    case "item/tool/requestUserInput":
      return {
        answer: { answers: {} },
        event: {
          kind: "approval",
          summary: "declined to answer the agent's questions (default: no input handler)",
          metadata: { request: "userInput", method, itemId: params.itemId, decision: "decline", decidedBy: "default", questions: params.questions },
        },
      };
    case "mcpServer/elicitation/request":
      return {
        answer: { action: "decline" },
        event: {
          kind: "approval",
          summary: `declined an MCP elicitation${typeof params.serverName === "string" ? ` of ${params.serverName}` : ""} (default: no elicitation handler)`,
          metadata: { request: "mcpElicitation", method, decision: "decline", decidedBy: "default", message: params.message },
        },
      };
    case "item/tool/call":
      return {
        answer: {
          contentItems: [{ type: "inputText", text: `No handler is registered for the tool ${String(params.tool)}.` }],
          success: false,
        },
        event: {
          kind: "approval",
          summary: `refused a call of the dynamic tool ${String(params.tool)} (default: no tool handler)`,
          metadata: { request: "dynamicToolCall", method, tool: params.tool, callId: params.callId, decision: "decline", decidedBy: "default" },
        },
      };
    case "applyPatchApproval":
    case "execCommandApproval":
      return {
        answer: { decision: "denied" },
        event: {
          kind: "approval",
          summary: `declined a legacy ${method} request (default: fail closed)`,
          metadata: { request: method, method, callId: params.callId, decision: "decline", decidedBy: "default" },
        },
      };
    default:
      return undefined;
  }
}
