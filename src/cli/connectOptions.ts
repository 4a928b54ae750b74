/**
 * `--connect URL` and its credentials, shared by `run` and `check`: attach to a running
 * `codex app-server --listen ...` instead of spawning one. No flag takes a token itself (it would
 * land in the shell's history and in `ps`): a token file, a shared-secret file, or the
 * CODEX_RPC_TOKEN environment variable.
 */
import path from "node:path";
import { Option, type Command } from "commander";
import type { CodexBackendAuth, CodexBackendConfig } from "../index.ts";
import { UsageError, type CliIo } from "./io.ts";

/** The environment variable holding a capability token for `--connect` (when no credential file is given). */
export const TOKEN_ENV = "CODEX_RPC_TOKEN";

/** The connection flags as commander parses them. */
export interface ConnectFlags {
  readonly connect?: string;
  readonly tokenFile?: string;
  readonly sharedSecretFile?: string;
  readonly issuer?: string;
  readonly audience?: string;
}

/** Help text of the connection flags, for a command's `--help`. */
export const CONNECT_HELP =
  "--connect attaches to a running `codex app-server --listen URL` (it keeps its own model, login and\n" +
  "configuration): ws://host:port, wss://host:port, unix:///abs/path.sock or unix:// (the control\n" +
  "socket under CODEX_HOME). Credentials for ws(s)://: --token-file (the server's --ws-token-file),\n" +
  `--shared-secret-file (its --ws-shared-secret-file), or a token in the ${TOKEN_ENV} environment\n` +
  "variable; there is no --token flag, as a token on the command line shows in shell history and ps.";

/** Adds `--connect`, `--token-file`, `--shared-secret-file`, `--issuer` and `--audience` to `command`. */
export function addConnectOptions(command: Command): Command {
  return command
    .option("--connect <url>", "attach to a running app-server: ws://host:port, wss://host:port, unix:///path.sock, unix://")
    .addOption(new Option("--token-file <file>", "with --connect ws(s)://: a file holding the server's capability token").conflicts("sharedSecretFile"))
    .option("--shared-secret-file <file>", "with --connect ws(s)://: the server's signed-bearer shared secret (a fresh HS256 JWT per connection)")
    .option("--issuer <iss>", "with --shared-secret-file: the iss claim the server expects (--ws-issuer)")
    .option("--audience <aud>", "with --shared-secret-file: the aud claim the server expects (--ws-audience)");
}

/**
 * The backend options for the flags: `endpoint` and `auth`, or undefined without `--connect`.
 * Throws UsageError for credential flags without `--connect`, credentials for a unix socket, or
 * `--issuer`/`--audience` without `--shared-secret-file`. File paths are made absolute against the
 * invocation's directory; the files are read by the library when it connects.
 */
export function connectConfig(flags: ConnectFlags, io: CliIo): Pick<CodexBackendConfig, "endpoint" | "auth"> | undefined {
  const given = (["tokenFile", "sharedSecretFile", "issuer", "audience"] as const).filter((key) => flags[key] !== undefined);
  if (flags.connect === undefined) {
    if (given.length) throw new UsageError(`${given.map(flagName).join(", ")} ${given.length === 1 ? "goes" : "go"} with --connect URL (a running app-server); leave ${given.length === 1 ? "it" : "them"} out to spawn codex.`);
    return undefined;
  }
  const url = flags.connect.trim();
  if (url === "") throw new UsageError("--connect needs a URL: ws://host:port, wss://host:port, unix:///abs/path.sock or unix://.");
  if (flags.sharedSecretFile === undefined) {
    const stray = (["issuer", "audience"] as const).filter((key) => flags[key] !== undefined);
    if (stray.length) throw new UsageError(`${stray.map(flagName).join(" and ")} ${stray.length === 1 ? "is a claim" : "are claims"} of signed bearer tokens: add --shared-secret-file FILE.`);
  }
  const isUnix = url.startsWith("unix://");
  if (isUnix && (flags.tokenFile !== undefined || flags.sharedSecretFile !== undefined)) {
    throw new UsageError(`--connect ${url} is a unix socket: its file permissions decide who may connect. Leave out ${flags.tokenFile !== undefined ? "--token-file" : "--shared-secret-file"}.`);
  }
  const absolute = (file: string) => path.resolve(io.cwd, file);
  let auth: CodexBackendAuth | undefined;
  if (flags.tokenFile !== undefined) auth = { tokenFile: absolute(flags.tokenFile) };
  else if (flags.sharedSecretFile !== undefined) {
    auth = {
      sharedSecretFile: absolute(flags.sharedSecretFile),
      ...(flags.issuer !== undefined ? { issuer: flags.issuer } : {}),
      ...(flags.audience !== undefined ? { audience: flags.audience } : {}),
    };
  } else {
    const token = io.env[TOKEN_ENV];
    if (!isUnix && token !== undefined && token.trim() !== "") auth = { token };
  }
  return { endpoint: url, ...(auth ? { auth } : {}) };
}

/** The flags `--connect` cannot be combined with, by their commander keys, for a usage message. */
export function conflictingWithConnect<T extends object>(flags: T, keys: readonly (keyof T & string)[]): string[] {
  return keys.filter((key) => flags[key] !== undefined && flags[key] !== false).map(flagName);
}

/** `--some-flag` for the commander key `someFlag`. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
