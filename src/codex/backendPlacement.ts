/**
 * Where a new conversation of a {@link CodexAgentSessionFactory} goes: the rule that picks a
 * slot, the key that tells MCP configurations apart, the config of a backend made for an MCP
 * configuration, and the one error reported when no backend could take the conversation.
 */
import { AgentError, InvalidConfigError, type AgentErrorCode } from "../errors.ts";
import { parseEndpoint } from "./backendEndpoint.ts";
import { checkBackendConfig } from "./backendConfigSchema.ts";
import type { BackendSlot } from "./backendSlot.ts";
import type { CodexBackendConfig } from "./codexBackendConfig.ts";

/**
 * The slot for a new conversation, among `pool` less `excluded`: the one with the fewest open
 * conversations among those that are up (new, starting or running); only when none is up, the
 * down one with the fewest (its next use replaces its backend). Ties go to the earlier slot.
 */
export function chooseSlot(pool: readonly BackendSlot[], excluded: ReadonlySet<BackendSlot>): BackendSlot | undefined {
  const candidates = pool.filter((slot) => !excluded.has(slot));
  const up = candidates.filter((slot) => !slot.down);
  let best: BackendSlot | undefined;
  let bestOpen = Number.POSITIVE_INFINITY;
  for (const slot of up.length > 0 ? up : candidates) {
    const open = slot.openConversations;
    if (open < bestOpen) {
      best = slot;
      bestOpen = open;
    }
  }
  return best;
}

/** Checks the `mcpConfigOverrides` a caller gave to `runner()`: an array of `key=value` strings, else INVALID_CONFIG. */
export function checkMcpConfigOverrides(value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === "string")) {
    throw new InvalidConfigError(
      "mcpConfigOverrides",
      'mcpConfigOverrides must be an array of strings, each a codex `-c` override such as mcp_servers.docs.command="docs-mcp".',
    );
  }
  // Each entry as the backend config checks it (key=value, no NUL), so a bad one is refused
  // here, by the factory and by the fake alike, before any backend is made.
  checkBackendConfig({ mcpConfigOverrides: value });
  return value as readonly string[];
}

/** The entries of an MCP configuration, each once, sorted: equal sets (any order) give equal lists. */
export function normalMcpSet(overrides: readonly string[]): readonly string[] {
  return [...new Set(overrides)].sort();
}

/** A key that is equal for equal MCP sets, whatever their order. */
export function mcpConfigKey(overrides: readonly string[]): string {
  return JSON.stringify(normalMcpSet(overrides));
}

/**
 * The config of the local stdio backend for an MCP set: `base` (the factory's first config) with
 * its MCP overrides replaced by the set (sorted), and without endpoint, credentials or reconnect policy.
 */
export function mcpBackendConfig(base: CodexBackendConfig, overrides: readonly string[]): CodexBackendConfig {
  const { endpoint: _endpoint, auth: _auth, reconnect: _reconnect, ...local } = base;
  return { ...local, mcpConfigOverrides: normalMcpSet(overrides) };
}

/** How errors name a backend: its place and where it runs, never a credential or an override (they can hold secrets). */
export function slotLabel(kind: "backend" | "MCP backend", number: number, config: CodexBackendConfig): string {
  return `${kind} #${number} (${endpointLabel(config)})`;
}

/** One error for a conversation or start() that no backend could take: the only failure itself, or all of them named. */
export function combinedError(failures: readonly { readonly slot: BackendSlot; readonly error: unknown }[], doing: string): AgentError {
  const errors = failures.map(({ error }) => (error instanceof AgentError ? error : new AgentError("BACKEND_START", String(error), { cause: error })));
  if (errors.length === 1) return errors[0]!;
  const codes = new Set<AgentErrorCode>(errors.map((error) => error.code));
  const code: AgentErrorCode = codes.size === 1 ? errors[0]!.code : "BACKEND_START";
  const each = failures.map(({ slot }, index) => `${slot.label}: ${firstLine(errors[index]!.message)}`).join("; ");
  return new AgentError(
    code,
    `None of the ${failures.length} codex backends could ${doing}. ${each}. ` +
      "Each backend's full error is in error.cause.errors; fix or start the app-servers, then call start() again.",
    { cause: new AggregateError(errors, `${failures.length} codex backends failed`) },
  );
}

function endpointLabel(config: CodexBackendConfig): string {
  try {
    // An endpoint never holds a credential (parseEndpoint refuses user, password and query); a bare
    // unix:// is shown as the socket it means.
    const endpoint = parseEndpoint(config, { readFiles: false });
    return endpoint.kind === "stdio" ? "stdio" : endpoint.display;
  } catch {
    return "an endpoint that is not valid";
  }
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0]!.trim();
  return line.endsWith(".") ? line.slice(0, -1) : line;
}
