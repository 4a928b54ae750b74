/**
 * `CODEX_RPC_DEBUG`: logs what every backend says and hears, for the library and the command
 * alike. `traffic` logs each JSON-RPC message both ways, `stderr` each line the app-server
 * writes to its stderr, `all` (or `1`, `*`) both; values may be combined with commas. Lines go
 * to the process's stderr, redacted like every log of codex-rpc (`createRedactor`).
 */
import type { Redactor } from "../protocol/redaction.ts";

/** The environment variable that turns debug logging on. */
export const DEBUG_ENV_VARIABLE = "CODEX_RPC_DEBUG";

/** What `CODEX_RPC_DEBUG` asks for. */
export interface DebugChannels {
  readonly traffic: boolean;
  readonly stderr: boolean;
}

/** Reads `CODEX_RPC_DEBUG` (unset, empty or `0`: nothing). */
export function debugChannels(env: Readonly<Record<string, string | undefined>> = process.env): DebugChannels {
  const words = new Set((env[DEBUG_ENV_VARIABLE] ?? "").toLowerCase().split(/[\s,]+/).filter(Boolean));
  const all = words.has("all") || words.has("1") || words.has("*") || words.has("true");
  return { traffic: all || words.has("traffic"), stderr: all || words.has("stderr") };
}

/** The traffic and stderr hooks of one backend, as in `CodexBackendConfig`. */
export interface BackendLogHooks {
  readonly onTraffic?: (direction: "c2s" | "s2c", message: unknown, line: string) => void;
  readonly onStderrLine?: (line: string) => void;
}

let backendCount = 0;

/**
 * The caller's hooks, plus logging to stderr when `CODEX_RPC_DEBUG` asks for it (else the
 * caller's hooks unchanged). `redactor()` gives the backend's current redactor.
 */
export function withDebugLogging(
  hooks: BackendLogHooks,
  redactor: () => Redactor,
  options: { readonly env?: Readonly<Record<string, string | undefined>>; readonly write?: (line: string) => void } = {},
): BackendLogHooks {
  const channels = debugChannels(options.env);
  if (!channels.traffic && !channels.stderr) return hooks;
  const label = `codex-rpc[backend ${++backendCount}]`;
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const onTraffic: BackendLogHooks["onTraffic"] = channels.traffic
    ? (direction, message, line) => {
        const shown = message === undefined ? redactor().text(line) : JSON.stringify(redactor().value(message));
        write(`${label} ${direction === "c2s" ? "→" : "←"} ${shown}\n`);
        hooks.onTraffic?.(direction, message, line);
      }
    : hooks.onTraffic;
  const onStderrLine: BackendLogHooks["onStderrLine"] = channels.stderr
    ? (line) => {
        write(`${label} stderr: ${redactor().text(line)}\n`);
        hooks.onStderrLine?.(line);
      }
    : hooks.onStderrLine;
  return { ...(onTraffic ? { onTraffic } : {}), ...(onStderrLine ? { onStderrLine } : {}) };
}
