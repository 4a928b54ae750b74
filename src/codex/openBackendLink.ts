/**
 * Opening the link of a starting backend: spawning the app-server of a stdio backend with its
 * arguments and environment, or connecting to a remote one (with retries); each hands the backend
 * the redactor that knows the secrets involved (the child's environment, the overrides, a remote's
 * credentials once read).
 */
import { createRedactor, type Redactor } from "../protocol/redaction.ts";
import type { BackendEndpoint } from "./backendEndpoint.ts";
import { connectLink, spawnLink, type BackendLink, type LinkHooks } from "./backendLink.ts";
import type { CodexBackendConfig } from "./codexBackendConfig.ts";
import { childEnvironment, resolveCodexBinary, type ResolvedCodexBinary } from "./resolveCodexBinary.ts";

/** What opening a link needs from the backend. */
export interface OpenBackendLinkOptions {
  readonly config: CodexBackendConfig;
  readonly hooks: LinkHooks;
  /** Takes each redactor the backend is to use from then on. */
  readonly setRedactor: (redactor: Redactor) => void;
  /** The backend's redaction as it stands when called (the redactor can change meanwhile). */
  readonly redact: (text: string) => string;
}

/** Spawns the app-server of a stdio backend; returns its link and the binary it runs. */
export function spawnBackendLink(options: OpenBackendLinkOptions): { readonly link: BackendLink; readonly binary: ResolvedCodexBinary } {
  const { config } = options;
  // The binary is looked for in the environment the child gets (CODEX_BIN, PATH), not the caller's.
  const childEnv = childEnvironment(config);
  const binary = resolveCodexBinary({ codexBin: config.codexBin, env: childEnv });
  const args = [
    ...binary.prefixArgs,
    ...(config.mcpConfigOverrides ?? []).flatMap((override) => ["-c", override]),
    ...(config.configOverrides ?? []).flatMap((override) => ["-c", override]),
    "app-server",
  ];
  const env = { ...binary.env, ...childEnv };
  // One redactor for everything this backend shows: it knows the child's environment and the overrides.
  options.setRedactor(createRedactor({ env, configOverrides: [...(config.mcpConfigOverrides ?? []), ...(config.configOverrides ?? [])] }));
  const link = spawnLink(binary, args, env, {
    ...options.hooks,
    redact: options.redact,
    ...(config.onCallbackError ? { onCallbackError: config.onCallbackError } : {}),
    ...(config.spawn ? { spawn: config.spawn } : {}),
  });
  return { link, binary };
}

/** Connects to a remote app-server (with retries) until `deadlineAt` or `signal`; the secrets it uses join the redactor's literals. */
export function connectBackendLink(
  endpoint: Exclude<BackendEndpoint, { kind: "stdio" }>,
  options: OpenBackendLinkOptions & { readonly deadlineAt: number; readonly signal: AbortSignal },
): Promise<BackendLink> {
  const { config } = options;
  const env = childEnvironment(config);
  const redactorWith = (secrets: readonly string[]) => createRedactor({ env, secrets: [...secrets] });
  options.setRedactor(redactorWith([]));
  return connectLink(endpoint, {
    ...options.hooks,
    ...(config.auth ? { auth: config.auth } : {}),
    ...(config.reconnect ? { reconnect: config.reconnect } : {}),
    deadlineAt: options.deadlineAt,
    signal: options.signal,
    onSecrets: (secrets) => options.setRedactor(redactorWith(secrets)),
    redact: options.redact,
    ...(config.onCallbackError ? { onCallbackError: config.onCallbackError } : {}),
  });
}
