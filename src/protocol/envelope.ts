/**
 * The JSON-RPC envelope as the app-server speaks it: strict about the frame (id, method,
 * result/error), loose about everything inside `params` and `result`. The server never sends
 * `"jsonrpc":"2.0"` and adds `emittedAtMs` to notifications; both are accepted.
 */
import { z } from "zod";

const RequestIdSchema = z.union([z.string(), z.number()]);

/** A request from either side: `{id, method, params?}`. */
export const JsonRpcRequestSchema = z.strictObject({
  jsonrpc: z.literal("2.0").optional(),
  id: RequestIdSchema,
  method: z.string().min(1),
  params: z.unknown().optional(),
  trace: z.unknown().optional(),
});

/** A notification from either side: `{method, params?}`, plus the server's `emittedAtMs`. */
export const JsonRpcNotificationSchema = z.strictObject({
  jsonrpc: z.literal("2.0").optional(),
  method: z.string().min(1),
  params: z.unknown().optional(),
  emittedAtMs: z.number().optional(),
});

/** The `error` member of an error response. */
export const JsonRpcErrorObjectSchema = z.looseObject({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown().optional(),
});

/** A successful response: `{id, result}`. */
export const JsonRpcResultResponseSchema = z.strictObject({
  jsonrpc: z.literal("2.0").optional(),
  id: RequestIdSchema,
  result: z.unknown(),
});

/** An error response: `{id, error:{code, message, data?}}` (id null when the request could not be read). */
export const JsonRpcErrorResponseSchema = z.strictObject({
  jsonrpc: z.literal("2.0").optional(),
  id: RequestIdSchema.nullable(),
  error: JsonRpcErrorObjectSchema,
});

/** Any message of the protocol. */
export const JsonRpcMessageSchema = z.union([
  JsonRpcRequestSchema,
  JsonRpcNotificationSchema,
  JsonRpcResultResponseSchema,
  JsonRpcErrorResponseSchema,
]);
export type JsonRpcMessage = z.infer<typeof JsonRpcMessageSchema>;

/**
 * Checks one decoded frame against the envelope; returns a reason when it is not a valid
 * message, else undefined. Shaped for the transport reader's `checkMessage` option.
 */
export function checkEnvelope(message: unknown): string | undefined {
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    return "a JSON-RPC message must be a JSON object";
  }
  const m = message as Record<string, unknown>;
  // Every frame passes here (100 000 deltas in a long answer): accept well-formed ones with plain
  // checks, and leave the schemas to explain what is wrong with the rest.
  if (isWellFormed(m)) return undefined;
  // Pick the one shape the frame claims to be, so the reason names what is wrong with it.
  const schema =
    "method" in m
      ? "id" in m
        ? JsonRpcRequestSchema
        : JsonRpcNotificationSchema
      : "error" in m
        ? JsonRpcErrorResponseSchema
        : "result" in m
          ? JsonRpcResultResponseSchema
          : undefined;
  if (!schema) return "not a request, notification or response (no method, result or error)";
  const parsed = schema.safeParse(message);
  return parsed.success ? undefined : describeZodError(parsed.error);
}

const NOTIFICATION_KEYS = new Set(["jsonrpc", "method", "params", "emittedAtMs"]);
const REQUEST_KEYS = new Set(["jsonrpc", "id", "method", "params", "trace"]);
const RESULT_KEYS = new Set(["jsonrpc", "id", "result"]);

function isWellFormed(m: Record<string, unknown>): boolean {
  if (m.jsonrpc !== undefined && m.jsonrpc !== "2.0") return false;
  const hasId = "id" in m;
  const idOk = typeof m.id === "number" || typeof m.id === "string";
  let allowed: Set<string>;
  if (typeof m.method === "string") {
    if (m.method === "") return false;
    if (hasId && !idOk) return false;
    if (!hasId && m.emittedAtMs !== undefined && typeof m.emittedAtMs !== "number") return false;
    allowed = hasId ? REQUEST_KEYS : NOTIFICATION_KEYS;
  } else if ("result" in m && idOk && !("method" in m)) {
    allowed = RESULT_KEYS;
  } else return false; // error responses and anything odd: rare, the schemas decide
  for (const key in m) if (!allowed.has(key)) return false;
  return true;
}

/** Renders zod issues as one line: `path: message; path: message`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}
