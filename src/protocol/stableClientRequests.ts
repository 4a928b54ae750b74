/**
 * Every stable client request of the pinned protocol, typed and validated. The nine methods the
 * runner consumes keep their zod definitions (src/protocol/clientRequests.ts), the one source of
 * truth for them: their params and results are checked and typed by zod. Every other method is
 * typed from the generated map (src/protocol/generated/stableClientRequestTypes.ts) and checked
 * with ajv against the generated schema. Either way the type is what was validated.
 */
import { ProtocolError } from "../errors.ts";
import { CLIENT_REQUESTS, type ClientRequestMethod, type ClientRequestParams, type ClientRequestResult } from "./clientRequests.ts";
import { STABLE_CLIENT_REQUEST_METHODS, type StableClientRequestTypes } from "./generated/stableClientRequestTypes.ts";
import type { ProtocolConnection, RequestOptions } from "./protocolConnection.ts";
import type { StableRequestValidators } from "./stableRequestValidators.ts";

/** A stable client request method of the pinned protocol (`thread/list`, `model/list`, ...). */
export type StableClientRequestMethod = keyof StableClientRequestTypes;

/** Params of a stable method: the zod input type for the runner's methods, else the generated type. */
export type StableClientRequestParams<M extends StableClientRequestMethod> = M extends ClientRequestMethod
  ? ClientRequestParams<M>
  : StableClientRequestTypes[M]["params"];

/** Result of a stable method, as validated: zod's output for the runner's methods, else the generated type. */
export type StableClientRequestResult<M extends StableClientRequestMethod> = M extends ClientRequestMethod
  ? ClientRequestResult<M>
  : StableClientRequestTypes[M]["result"];

/** The arguments after the method: params (optional when the method takes none), then options. */
export type StableClientRequestArgs<M extends StableClientRequestMethod> = undefined extends StableClientRequestParams<M>
  ? [params?: StableClientRequestParams<M>, options?: RequestOptions]
  : [params: StableClientRequestParams<M>, options?: RequestOptions];

const STABLE = new Set<string>(STABLE_CLIENT_REQUEST_METHODS);

/** True when `method` is a stable client request of the pinned protocol. */
export function isStableClientRequestMethod(method: string): method is StableClientRequestMethod {
  return STABLE.has(method);
}

/**
 * Sends a stable client request on `connection`: params checked before anything is sent, the
 * result validated (zod or ajv, see the module comment), "overloaded" answers retried. Rejects
 * with a ProtocolError for an unknown method, bad params or a result that does not fit, and with
 * an RpcError for the server's error answers.
 */
export async function requestStable<M extends StableClientRequestMethod>(
  connection: ProtocolConnection,
  validators: StableRequestValidators,
  method: M,
  ...[params, options]: StableClientRequestArgs<M>
): Promise<StableClientRequestResult<M>> {
  if (typeof method !== "string" || !isStableClientRequestMethod(method)) {
    throw new ProtocolError(
      `${JSON.stringify(method)} is not a stable client request of the protocol codex-rpc was built for; ` +
        "check the method name (the StableClientRequestMethod type lists them), or send it untyped with backend.connection.sendRaw().",
      typeof method === "string" ? method : undefined,
    );
  }
  if (Object.hasOwn(CLIENT_REQUESTS, method)) {
    return connection.request(method as ClientRequestMethod, params as never, options) as Promise<StableClientRequestResult<M>>;
  }
  const problem = validators.checkParams(method, params);
  if (problem) {
    throw new ProtocolError(`codex-rpc refused to send ${method}: its params are invalid (${problem}). Fix the params to match the method's type.`, method);
  }
  const parse = (raw: unknown) => {
    const wrong = validators.checkResult(method, raw);
    if (wrong) {
      throw new ProtocolError(
        `The app-server answered ${method} with a result that does not match the schema of codex ${validators.codexVersion} (${wrong}). ` +
          "Is the codex binary a different version than the protocol codex-rpc was built for?",
        method,
      );
    }
    return raw as StableClientRequestResult<M>;
  };
  // A method without params is sent without the member (what the server's `Option<()>` expects).
  return connection.requestParsed(method, params === null ? undefined : params, parse, options);
}
