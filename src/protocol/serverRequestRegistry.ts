/**
 * Handlers for server-initiated requests. Every request gets an answer: a handler's result
 * (validated against the method's result schema), or a JSON-RPC error when there is no handler,
 * the params are invalid, the handler fails, or its result is invalid. Never silence.
 */
import { ErrorCodes, ResponseError, type Disposable } from "vscode-jsonrpc/node";
import type { z } from "zod";
import { ProtocolError } from "../errors.ts";
import { describeZodError } from "./envelope.ts";
import {
  isServerRequestMethod,
  SERVER_REQUESTS,
  type ServerRequestMethod,
  type ServerRequestParams,
  type ServerRequestResult,
} from "./serverRequests.ts";

/** Answers one kind of server request. */
export type ServerRequestHandler<M extends ServerRequestMethod> = (
  params: ServerRequestParams<M>,
) => ServerRequestResult<M> | Promise<ServerRequestResult<M>>;

/** Answers a request of a method codex-rpc does not model; throw a `ResponseError` to refuse it. */
export type FallbackServerRequestHandler = (method: string, params: unknown) => unknown;

/** The registry of server-request handlers; see the module comment. */
export class ServerRequestRegistry {
  private readonly handlers = new Map<string, (params: unknown) => unknown>();
  private fallback: FallbackServerRequestHandler | undefined;

  constructor(private readonly onProtocolError: (error: ProtocolError) => void) {}

  /** Sets the handler of one method, replacing any earlier one; dispose to remove it. */
  set<M extends ServerRequestMethod>(method: M, handler: ServerRequestHandler<M>): Disposable {
    const entry = handler as (params: unknown) => unknown;
    this.handlers.set(method, entry);
    return {
      dispose: () => {
        if (this.handlers.get(method) === entry) this.handlers.delete(method);
      },
    };
  }

  /** Sets the handler of methods codex-rpc does not model (default: a "method not found" error). */
  setFallback(handler: FallbackServerRequestHandler | undefined): void {
    this.fallback = handler;
  }

  /** Computes the answer to one request; rejects with a `ResponseError` that becomes the JSON-RPC error. */
  async answer(method: string, params: unknown): Promise<unknown> {
    if (!isServerRequestMethod(method)) {
      if (this.fallback) return this.fallback(method, params);
      throw new ResponseError(
        ErrorCodes.MethodNotFound,
        `codex-rpc does not handle the server request ${method}.`,
      );
    }
    const handler = this.handlers.get(method);
    if (!handler) {
      throw new ResponseError(
        ErrorCodes.MethodNotFound,
        `codex-rpc has no handler for ${method}; the request is refused.`,
      );
    }
    const schemas: { params: z.ZodType; result: z.ZodType } = SERVER_REQUESTS[method];
    const parsedParams = schemas.params.safeParse(params);
    if (!parsedParams.success) {
      const reason = describeZodError(parsedParams.error);
      this.onProtocolError(new ProtocolError(`The app-server sent ${method} with invalid params (${reason}).`, method));
      throw new ResponseError(ErrorCodes.InvalidParams, `codex-rpc could not read the params of ${method}: ${reason}`);
    }
    let result: unknown;
    try {
      result = await handler(parsedParams.data);
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new ResponseError(ErrorCodes.InternalError, `The codex-rpc handler of ${method} failed: ${message}`);
    }
    const parsedResult = schemas.result.safeParse(result);
    if (!parsedResult.success) {
      throw new ResponseError(
        ErrorCodes.InternalError,
        `The codex-rpc handler of ${method} returned an invalid answer (${describeZodError(parsedResult.error)}).`,
      );
    }
    return parsedResult.data;
  }
}
