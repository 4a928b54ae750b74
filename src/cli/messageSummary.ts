/**
 * One-line descriptions of app-server messages for people: what a request asks, what a
 * response answers, what a notification reports. Pure functions over parsed JSON; anything not
 * recognised is shown as compact JSON.
 */

import { jsonText } from "../protocol/redaction.ts";

/** Shortest useful form of any JSON value on one line (nested without end: abbreviated, never a stack overflow). */
export function compactJson(value: unknown): string {
  if (value === undefined) return "";
  const text = jsonText(value) ?? String(value);
  return text === "{}" ? "" : text;
}

/** Text collapsed onto one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** `text` cut to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  if (max <= 0 || text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The thread a message's params (or result) belong to: threadId, conversationId or thread.id. */
export function threadIdOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.threadId === "string") return value.threadId;
  if (typeof value.conversationId === "string") return value.conversationId;
  if (isObject(value.thread) && typeof value.thread.id === "string") return value.thread.id;
  return undefined;
}

/** The turn a message's params belong to: turnId or turn.id. */
export function turnIdOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.turnId === "string") return value.turnId;
  if (isObject(value.turn) && typeof value.turn.id === "string") return value.turn.id;
  return undefined;
}

/** What a request asks for, by method. */
export function describeRequest(method: string, params: unknown): string {
  const p = isObject(params) ? params : {};
  switch (method) {
    case "initialize": {
      const info = isObject(p.clientInfo) ? p.clientInfo : {};
      return `${String(info.name ?? "?")} ${String(info.version ?? "")}`.trim();
    }
    case "thread/start":
    case "thread/resume":
    case "thread/fork":
      return fields(p, ["threadId", "cwd", "model", "approvalPolicy", "sandbox", "ephemeral"]);
    case "turn/start":
    case "turn/steer":
      return [quote(inputText(p.input)), p.outputSchema !== undefined && p.outputSchema !== null ? "(with outputSchema)" : ""].filter(Boolean).join(" ");
    case "turn/interrupt":
      return fields(p, ["turnId"]);
    case "item/commandExecution/requestApproval":
      return [p.command ? `$ ${oneLine(String(p.command))}` : "", p.reason ? `(${String(p.reason)})` : ""].filter(Boolean).join(" ");
    case "item/fileChange/requestApproval":
      return [p.reason ? String(p.reason) : "file change", p.grantRoot ? `grantRoot=${String(p.grantRoot)}` : ""].filter(Boolean).join(" ");
    case "item/permissions/requestApproval":
      return `${compactJson(p.permissions)}${p.reason ? ` (${String(p.reason)})` : ""}`;
    default:
      return compactJson(stripIds(p));
  }
}

/** What a successful result answers, given the request's method. */
export function describeResult(method: string | undefined, result: unknown): string {
  const r = isObject(result) ? result : {};
  switch (method) {
    case "initialize":
      return String(r.userAgent ?? compactJson(result));
    case "thread/start":
    case "thread/resume":
    case "thread/fork":
      return `thread ${String(isObject(r.thread) ? r.thread.id : "?")}${r.model ? ` model=${String(r.model)}` : ""}`;
    case "turn/start":
      return isObject(r.turn) ? `turn ${String(r.turn.id)} ${String(r.turn.status ?? "")}`.trim() : compactJson(result);
    case "item/commandExecution/requestApproval":
    case "item/fileChange/requestApproval":
      return `decision ${compactJson(r.decision)}`;
    default:
      return compactJson(result);
  }
}

/** What a notification reports, by method. */
export function describeNotification(method: string, params: unknown): string {
  const p = isObject(params) ? params : {};
  switch (method) {
    case "item/started":
    case "item/completed":
      return describeItem(p.item);
    case "thread/status/changed": {
      const status = isObject(p.status) ? p.status : {};
      const flags = Array.isArray(status.activeFlags) && status.activeFlags.length ? ` [${status.activeFlags.join(", ")}]` : "";
      return `${String(status.type ?? "?")}${flags}`;
    }
    case "thread/tokenUsage/updated": {
      const usage = isObject(p.tokenUsage) && isObject(p.tokenUsage.last) ? p.tokenUsage.last : {};
      return `${String(usage.inputTokens ?? "?")} in, ${String(usage.outputTokens ?? "?")} out, ${String(usage.totalTokens ?? "?")} total`;
    }
    case "thread/started":
      return `thread ${String(isObject(p.thread) ? p.thread.id : "?")}`;
    case "error":
      return `${isObject(p.error) ? String(p.error.message) : compactJson(p.error)}${p.willRetry ? " (will retry)" : ""}`;
    case "warning":
      return String(p.message ?? "");
    case "configWarning":
      return String(p.summary ?? "");
    case "serverRequest/resolved":
      return `request ${compactJson(p.requestId)}`;
    default:
      return compactJson(stripIds(p));
  }
}

/** One item of a thread: its type and what matters about it. */
export function describeItem(item: unknown): string {
  if (!isObject(item)) return compactJson(item);
  const type = String(item.type ?? "?");
  switch (type) {
    case "agentMessage":
      return `agentMessage ${quote(String(item.text ?? ""))}`;
    case "userMessage":
      return `userMessage ${quote(inputText(item.content))}`;
    case "commandExecution": {
      const exit = item.exitCode === null || item.exitCode === undefined ? "" : ` exit ${String(item.exitCode)}`;
      return `commandExecution $ ${oneLine(String(item.command ?? ""))} (${String(item.status ?? "?")}${exit})`;
    }
    case "fileChange": {
      const changes = Array.isArray(item.changes) ? item.changes : [];
      const paths = changes.map((change) => (isObject(change) ? String(change.path) : "?")).join(", ");
      return `fileChange ${paths || "(no files)"} (${String(item.status ?? "?")})`;
    }
    case "mcpToolCall":
      return `mcpToolCall ${String(item.server)}.${String(item.tool)} (${String(item.status ?? "?")})`;
    case "reasoning":
      return `reasoning ${quote(Array.isArray(item.summary) ? item.summary.join(" ") : "")}`;
    default:
      return type;
  }
}

function inputText(input: unknown): string {
  if (!Array.isArray(input)) return "";
  return input.map((part) => (isObject(part) && typeof part.text === "string" ? part.text : isObject(part) ? `[${String(part.type)}]` : "")).join(" ");
}

function quote(text: string): string {
  return JSON.stringify(oneLine(text));
}

function fields(p: Record<string, unknown>, names: readonly string[]): string {
  return names
    .filter((name) => p[name] !== undefined && p[name] !== null)
    .map((name) => `${name}=${typeof p[name] === "string" ? String(p[name]) : compactJson(p[name])}`)
    .join(" ");
}

// Ids are shown by the sections; repeating them on every line hides what the message says.
function stripIds(p: Record<string, unknown>): Record<string, unknown> {
  const { threadId: _thread, turnId: _turn, ...rest } = p;
  return rest;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
