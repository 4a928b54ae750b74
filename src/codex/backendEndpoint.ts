/**
 * Where a backend's app-server is and how to get in: the `endpoint`, `auth` and `reconnect`
 * options of a backend, checked before any process starts or byte is sent, and the credentials
 * turned into an `Authorization` header each time a connection is made (token files are read
 * then, so a rotated token is picked up; signed bearer tokens are made fresh and short-lived).
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { SignJWT } from "jose";
import { InvalidConfigError } from "../errors.ts";

/** Credentials for a ws(s):// endpoint; never logged, never in an error. */
export type CodexBackendAuth =
  /** A capability token (`--ws-auth capability-token`), sent as `Authorization: Bearer <token>`. */
  | { readonly token: string }
  /** A file holding the capability token, read each time a connection is made. */
  | { readonly tokenFile: string }
  /** The shared secret of `--ws-auth signed-bearer-token`: each connection sends a fresh HS256 JWT. */
  | { readonly sharedSecretFile: string; readonly issuer?: string; readonly audience?: string };

/** How a lost remote backend is reconnected: exponential backoff with jitter, bounded. */
export interface ReconnectOptions {
  /** Wait before the second attempt, in ms; doubled for each further one. Default 200. */
  readonly initialDelayMs?: number;
  /** Longest wait between attempts, in ms. Default 5000. */
  readonly maxDelayMs?: number;
  /** Connection attempts per start or reconnect, the first included. Default 5. */
  readonly maxAttempts?: number;
}

/** Defaults of {@link ReconnectOptions}. */
export const DEFAULT_RECONNECT: Required<ReconnectOptions> = { initialDelayMs: 200, maxDelayMs: 5000, maxAttempts: 5 };

/** How long a signed bearer token is valid, in seconds: it is only checked at the handshake. */
export const SIGNED_TOKEN_LIFETIME_SECONDS = 60;
/** The app-server refuses shorter shared secrets. */
const MIN_SHARED_SECRET_BYTES = 32;

/** Where the app-server is: a child on stdio, a unix socket, or a ws(s):// URL. */
export type BackendEndpoint =
  | { readonly kind: "stdio" }
  | { readonly kind: "unix"; readonly display: string; readonly socketPath: string }
  | { readonly kind: "ws"; readonly display: string; readonly url: string };

/** The options of a backend this module reads (a subset of `CodexBackendConfig`). */
export interface EndpointConfig {
  readonly endpoint?: string;
  readonly auth?: CodexBackendAuth;
  readonly reconnect?: ReconnectOptions;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly inheritEnv?: boolean;
  readonly mcpConfigOverrides?: readonly string[];
  readonly configOverrides?: readonly string[];
}

/**
 * Parses and checks `endpoint`, `auth` and `reconnect`; throws InvalidConfigError naming the
 * field and the fix. With `readFiles: false` the credential files are not read (so not checked).
 */
export function parseEndpoint(config: EndpointConfig, options: { readonly readFiles?: boolean } = {}): BackendEndpoint {
  const endpoint = parseEndpointValue(config);
  checkReconnect(config.reconnect);
  if (endpoint.kind !== "ws" && config.auth !== undefined) {
    throw new InvalidConfigError(
      "auth",
      endpoint.kind === "stdio"
        ? "auth is for ws:// and wss:// endpoints; the app-server spawned on stdio needs none. Remove auth, or set endpoint."
        : `auth is for ws:// and wss:// endpoints; access to a unix socket (${endpoint.display}) is controlled by its file permissions. Remove auth.`,
    );
  }
  if (endpoint.kind === "ws" && config.auth !== undefined) checkAuth(config.auth, options.readFiles ?? true);
  if (endpoint.kind !== "stdio") {
    for (const field of ["mcpConfigOverrides", "configOverrides"] as const) {
      if ((config[field]?.length ?? 0) > 0) {
        throw new InvalidConfigError(
          field,
          `${field} are passed to an app-server codex-rpc spawns; the one at ${endpoint.display} runs with the configuration it was started with. ` +
            "Pass them to that server (codex app-server -c ...), or leave endpoint unset.",
        );
      }
    }
  }
  return endpoint;
}

function parseEndpointValue(config: EndpointConfig): BackendEndpoint {
  const value = config.endpoint;
  if (value === undefined || value === "stdio") return { kind: "stdio" };
  if (typeof value !== "string") throw new InvalidConfigError("endpoint", `endpoint must be a string (got ${typeof value}).`);
  const allowed = 'Allowed: "stdio", "unix://" (the control socket under CODEX_HOME), "unix:///abs/path.sock", "ws://host:port", "wss://host:port".';
  if (value.startsWith("unix://")) {
    const rest = value.slice("unix://".length);
    if (rest === "") {
      const env = { ...(config.inheritEnv === false ? {} : process.env), ...config.env };
      const codexHome = env.CODEX_HOME || path.join(env.HOME || homedir(), ".codex");
      const socketPath = path.join(codexHome, "app-server-control", "app-server-control.sock");
      return { kind: "unix", display: `unix://${socketPath}`, socketPath };
    }
    if (!path.isAbsolute(rest)) throw new InvalidConfigError("endpoint", `endpoint ${JSON.stringify(value)}: the socket path must be absolute (unix:///abs/path.sock). ${allowed}`);
    return { kind: "unix", display: value, socketPath: rest };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidConfigError("endpoint", `endpoint ${JSON.stringify(value)} is not a URL. ${allowed}`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") throw new InvalidConfigError("endpoint", `endpoint ${JSON.stringify(value)} has an unsupported scheme ${url.protocol}. ${allowed}`);
  if (url.username || url.password || url.search || url.hash) {
    // The endpoint appears in error messages; a credential in it would leak there.
    throw new InvalidConfigError("endpoint", "endpoint must not hold credentials, a query or a fragment: pass the token in auth ({token} or {tokenFile}).");
  }
  if (!url.hostname) throw new InvalidConfigError("endpoint", `endpoint ${JSON.stringify(value)} has no host. ${allowed}`);
  return { kind: "ws", display: value, url: url.href };
}

function checkReconnect(reconnect: ReconnectOptions | undefined): void {
  if (reconnect === undefined) return;
  if (typeof reconnect !== "object" || reconnect === null) throw new InvalidConfigError("reconnect", "reconnect must be an object: {initialDelayMs, maxDelayMs, maxAttempts}.");
  for (const field of ["initialDelayMs", "maxDelayMs"] as const) {
    const value = reconnect[field];
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) {
      throw new InvalidConfigError(`reconnect.${field}`, `reconnect.${field} must be a number of milliseconds, 0 or more (got ${String(value)}).`);
    }
  }
  const attempts = reconnect.maxAttempts;
  if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1)) {
    throw new InvalidConfigError("reconnect.maxAttempts", `reconnect.maxAttempts must be a whole number, 1 or more (got ${String(attempts)}).`);
  }
}

function checkAuth(auth: CodexBackendAuth, readFiles: boolean): void {
  if (typeof auth !== "object" || auth === null) throw new InvalidConfigError("auth", "auth must be {token}, {tokenFile} or {sharedSecretFile, issuer?, audience?}.");
  const kinds = (["token", "tokenFile", "sharedSecretFile"] as const).filter((key) => key in auth);
  if (kinds.length !== 1) {
    throw new InvalidConfigError("auth", `auth must hold exactly one of token, tokenFile, sharedSecretFile (got ${kinds.length ? kinds.join(", ") : "none"}).`);
  }
  if ("token" in auth) {
    if (typeof auth.token !== "string" || auth.token.trim() === "") throw new InvalidConfigError("auth.token", "auth.token must be a non-empty string.");
    return;
  }
  const file = "tokenFile" in auth ? auth.tokenFile : auth.sharedSecretFile;
  const field = "tokenFile" in auth ? "auth.tokenFile" : "auth.sharedSecretFile";
  if (typeof file !== "string" || !path.isAbsolute(file)) throw new InvalidConfigError(field, `${field} must be an absolute path (got ${JSON.stringify(file)}).`);
  if (!("tokenFile" in auth)) {
    for (const name of ["issuer", "audience"] as const) {
      if (auth[name] !== undefined && (typeof auth[name] !== "string" || auth[name] === "")) throw new InvalidConfigError(`auth.${name}`, `auth.${name} must be a non-empty string.`);
    }
  }
  if (!readFiles) return;
  // Read now, so that a missing or unreadable file is reported before any connection.
  if ("tokenFile" in auth) readCredentialFile("auth.tokenFile", auth.tokenFile);
  else readSharedSecret(auth.sharedSecretFile);
}

/** The `Authorization` header value for a connection, and the secrets to keep out of every message. */
export interface Credentials {
  readonly authorization: string | undefined;
  readonly secrets: readonly string[];
}

/** Reads the credential files and makes the header; throws InvalidConfigError if a file cannot be read. */
export async function credentialsFor(auth: CodexBackendAuth | undefined): Promise<Credentials> {
  if (auth === undefined) return { authorization: undefined, secrets: [] };
  if ("token" in auth) return bearer(auth.token.trim(), [auth.token]);
  if ("tokenFile" in auth) {
    const token = readCredentialFile("auth.tokenFile", auth.tokenFile);
    return bearer(token, [token]);
  }
  const secret = readSharedSecret(auth.sharedSecretFile);
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({}).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuedAt(now).setExpirationTime(now + SIGNED_TOKEN_LIFETIME_SECONDS);
  if (auth.issuer !== undefined) jwt = jwt.setIssuer(auth.issuer);
  if (auth.audience !== undefined) jwt = jwt.setAudience(auth.audience);
  const token = await jwt.sign(new TextEncoder().encode(secret));
  return bearer(token, [secret, token]);
}

function bearer(token: string, secrets: readonly string[]): Credentials {
  return { authorization: `Bearer ${token}`, secrets };
}

/** The trimmed content of a credential file (the app-server trims it too). */
function readCredentialFile(field: string, file: unknown): string {
  if (typeof file !== "string" || !path.isAbsolute(file)) throw new InvalidConfigError(field, `${field} must be an absolute path (got ${JSON.stringify(file)}).`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "an error";
    throw new InvalidConfigError(field, `${field} ${file} cannot be read (${code}). Check the path and that this user may read it.`);
  }
  const value = text.trim();
  if (value === "") throw new InvalidConfigError(field, `${field} ${file} is empty; it must hold the credential.`);
  return value;
}

function readSharedSecret(file: unknown): string {
  const secret = readCredentialFile("auth.sharedSecretFile", file);
  if (Buffer.byteLength(secret, "utf8") < MIN_SHARED_SECRET_BYTES) {
    throw new InvalidConfigError("auth.sharedSecretFile", `auth.sharedSecretFile ${String(file)} holds fewer than ${MIN_SHARED_SECRET_BYTES} bytes; the app-server refuses such secrets.`);
  }
  return secret;
}

/** The wait before attempt `attempt` (2, 3, ...): exponential, capped, with half of it random ("equal jitter"). */
export function reconnectDelayMs(attempt: number, options: ReconnectOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialDelayMs ?? DEFAULT_RECONNECT.initialDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_RECONNECT.maxDelayMs;
  const ceiling = Math.min(max, initial * 2 ** Math.max(0, attempt - 2));
  return ceiling / 2 + random() * (ceiling / 2);
}
