/**
 * A runner's answers to the server-initiated requests of its thread: approvals, questions to
 * the user, MCP elicitations and dynamic tool calls. The caller's handlers decide; without one,
 * everything fails closed. Each answer is recorded as an event of the turn.
 */
import type { AgentTurnEvent } from "../agent/port.ts";
import { AgentError } from "../errors.ts";
import type { ServerRequestMethod, ServerRequestParams, ServerRequestResult } from "../protocol/serverRequests.ts";
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

/** A question the agent asks the user (item/tool/requestUserInput). */
export interface UserInputQuestion {
  readonly id: string;
  readonly header: string;
  readonly question: string;
  readonly options: readonly string[];
  readonly isSecret: boolean;
}

/** The agent's questions; answer with question id → answer(s). Unanswered questions stay unanswered. */
export type UserInputHandler = (request: {
  readonly threadId: string;
  readonly turnId: string;
  readonly itemId: string;
  readonly questions: readonly UserInputQuestion[];
}) => Readonly<Record<string, string | readonly string[]>> | Promise<Readonly<Record<string, string | readonly string[]>>>;

/** An MCP server asks the user for something (mcpServer/elicitation/request). */
export type ElicitationHandler = (request: {
  readonly serverName: string | undefined;
  readonly message: string | undefined;
  readonly params: Readonly<Record<string, unknown>>;
}) => ElicitationAnswer | Promise<ElicitationAnswer>;

/** The answer to an elicitation: accept with content, decline or cancel. */
export type ElicitationAnswer = { readonly action: "accept"; readonly content?: unknown } | { readonly action: "decline" | "cancel" };

/** A tool the model can call in this conversation (a dynamic tool; needs `experimentalApi` on the backend). */
export interface DynamicTool {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments. */
  readonly inputSchema: Readonly<Record<string, unknown>>;
  /** Runs the tool; a string is its output; throwing reports a failed call to the model. */
  readonly handle: (args: unknown, context: { readonly threadId: string; readonly turnId: string; readonly callId: string }) =>
    | string
    | { readonly text: string; readonly success?: boolean }
    | Promise<string | { readonly text: string; readonly success?: boolean }>;
}

/** The handlers a runner may be given; every one is optional. */
export interface RequestHandlerOptions {
  /** Decides approvals: a fixed decision or a handler. Default: decline (fail closed). */
  readonly approvals?: ApprovalDecision | ApprovalHandler;
  /** Answers the agent's questions. Default: no answers. */
  readonly onUserInput?: UserInputHandler;
  /** Answers MCP elicitations. Default: decline. */
  readonly onElicitation?: ElicitationHandler;
  /** Tools the model may call. */
  readonly tools?: readonly DynamicTool[];
}

/** Where the answering side reports: the events of the turn, and when a handler starts and ends. */
export interface RequestSink {
  event(event: AgentTurnEvent): void;
  handlerStarted(): void;
  handlerEnded(): void;
}

/** Computes the answer to one server request of the runner's thread and records it. */
export async function answerServerRequest(
  method: ServerRequestMethod,
  params: Record<string, unknown>,
  handlers: RequestHandlerOptions,
  sink: RequestSink | undefined,
): Promise<unknown> {
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    sink?.handlerStarted();
    try {
      return await work();
    } finally {
      sink?.handlerEnded();
    }
  };
  if (isApprovalMethod(method)) {
    const request = toApprovalRequest(method, params as never);
    const { decision, decidedBy, note } = await timed(() => decide(handlers.approvals, request));
    sink?.event(approvalEvent(request, decision, decidedBy, note));
    return approvalAnswer(method, params as never, decision);
  }
  if (method === "item/tool/requestUserInput" && handlers.onUserInput) {
    return timed(() => answerQuestions(handlers.onUserInput!, params as ServerRequestParams<typeof method>, sink));
  }
  if (method === "mcpServer/elicitation/request" && handlers.onElicitation) {
    return timed(() => answerElicitation(handlers.onElicitation!, params, sink));
  }
  if (method === "item/tool/call") {
    const call = params as ServerRequestParams<typeof method>;
    const tool = handlers.tools?.find((candidate) => candidate.name === call.tool);
    if (tool) return timed(() => callTool(tool, call));
  }
  const fallback = defaultAnswer(method, params);
  if (!fallback) throw new AgentError("RPC", `codex-rpc cannot answer ${method}: no credentials or attestation are available to it.`);
  sink?.event(fallback.event);
  return fallback.answer;
}

async function decide(approvals: RequestHandlerOptions["approvals"], request: ApprovalRequest): Promise<{ decision: ApprovalDecision; decidedBy: DecidedBy; note?: string }> {
  if (approvals === undefined) return { decision: "decline", decidedBy: "default" };
  if (typeof approvals === "string") return { decision: approvals, decidedBy: "option" };
  try {
    const decision = await approvals(request);
    if (APPROVAL_DECISIONS.includes(decision)) return { decision, decidedBy: "handler" };
    return { decision: "decline", decidedBy: "handler", note: `the handler returned ${JSON.stringify(decision)}, which is not a decision; declined` };
  } catch (error) {
    return { decision: "decline", decidedBy: "handler", note: `the handler threw (${messageOf(error)}); declined` };
  }
}

async function answerQuestions(
  handler: UserInputHandler,
  params: ServerRequestParams<"item/tool/requestUserInput">,
  sink: RequestSink | undefined,
): Promise<ServerRequestResult<"item/tool/requestUserInput">> {
  const questions: UserInputQuestion[] = params.questions.map((q) => ({
    id: q.id,
    header: q.header,
    question: q.question,
    options: (q.options ?? []).map((option) => option.label),
    isSecret: q.isSecret ?? false,
  }));
  let answers: Record<string, { answers: string[] }> = {};
  let note: string | undefined;
  try {
    const given = await handler({ threadId: params.threadId, turnId: params.turnId, itemId: params.itemId, questions });
    for (const [id, value] of Object.entries(given)) answers[id] = { answers: typeof value === "string" ? [value] : [...value] };
  } catch (error) {
    answers = {};
    note = `the handler threw (${messageOf(error)}); no answers sent`;
  }
  const secret = new Set(questions.filter((q) => q.isSecret).map((q) => q.id));
  sink?.event({
    kind: "approval",
    summary: `answered ${Object.keys(answers).length} of ${questions.length} question(s)${note ? `: ${note}` : ""}`,
    metadata: {
      request: "userInput",
      method: "item/tool/requestUserInput",
      itemId: params.itemId,
      decidedBy: "handler",
      questions: questions.map((q) => q.question),
      // Answers to secret questions never reach the events.
      answers: Object.fromEntries(Object.entries(answers).map(([id, a]) => [id, secret.has(id) ? ["[secret]"] : a.answers])),
      ...(note ? { note } : {}),
    },
  });
  return { answers };
}

async function answerElicitation(handler: ElicitationHandler, params: Record<string, unknown>, sink: RequestSink | undefined): Promise<unknown> {
  let answer: ElicitationAnswer;
  let note: string | undefined;
  try {
    answer = await handler({
      serverName: typeof params.serverName === "string" ? params.serverName : undefined,
      message: typeof params.message === "string" ? params.message : undefined,
      params,
    });
    if (!["accept", "decline", "cancel"].includes(answer?.action)) throw new Error(`action ${JSON.stringify(answer?.action)} is not accept, decline or cancel`);
  } catch (error) {
    answer = { action: "decline" };
    note = `the handler failed (${messageOf(error)}); declined`;
  }
  sink?.event({
    kind: "approval",
    summary: `${answer.action} an MCP elicitation${typeof params.serverName === "string" ? ` of ${params.serverName}` : ""}${note ? `: ${note}` : ""}`,
    metadata: { request: "mcpElicitation", method: "mcpServer/elicitation/request", decision: answer.action, decidedBy: "handler", ...(note ? { note } : {}) },
  });
  return answer.action === "accept" ? { action: "accept", content: answer.content ?? {} } : { action: answer.action };
}

async function callTool(tool: DynamicTool, call: ServerRequestParams<"item/tool/call">): Promise<ServerRequestResult<"item/tool/call">> {
  let text: string;
  let success: boolean;
  try {
    const output = await tool.handle(call.arguments, { threadId: call.threadId, turnId: call.turnId, callId: call.callId });
    text = typeof output === "string" ? output : output.text;
    success = typeof output === "string" ? true : (output.success ?? true);
  } catch (error) {
    text = `The tool ${tool.name} failed: ${messageOf(error)}`;
    success = false;
  }
  // The server reports the call as a dynamicToolCall item of the turn; no extra event here.
  return { contentItems: [{ type: "inputText", text }], success };
}

/** The thread/start form of dynamic tools. */
export function dynamicToolSpecs(tools: readonly DynamicTool[]): { type: "function"; name: string; description: string; inputSchema: unknown }[] {
  return tools.map((tool) => ({ type: "function", name: tool.name, description: tool.description, inputSchema: tool.inputSchema }));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
