/**
 * Runs `codex app-server --listen ...` for tests that connect to an app-server instead of
 * spawning one: on 127.0.0.1 (port 0 picks a free port, learnt from the server's banner) or on a
 * unix socket, with capability-token or signed-bearer-token auth, in a hermetic HOME and
 * CODEX_HOME. The test stops it (`stop()`, or `kill()` to simulate a crash).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { resolveCodexBinary } from "../codex/resolveCodexBinary.ts";

/** Default deadline for the server to start listening, in milliseconds. */
export const DEFAULT_LISTEN_TIMEOUT_MS = 20_000;
/** Wait after SIGTERM before SIGKILL in `stop()`, in milliseconds. */
const STOP_GRACE_MS = 2000;
/** Interval between connection probes of a unix socket that is not there yet, in milliseconds. */
const UNIX_PROBE_INTERVAL_MS = 20;

/** How the server checks clients: a capability token in a file, or a shared secret for signed bearer tokens. */
export type ListeningAppServerAuth =
  | { readonly tokenFile: string }
  | { readonly sharedSecretFile: string; readonly issuer?: string; readonly audience?: string };

/** Options of {@link startListeningAppServer}. */
export interface ListeningAppServerOptions {
  /** The codex binary to run; default as codex-rpc finds it (CODEX_BIN, the bundled @openai/codex, PATH). */
  readonly codexBin?: string;
  /** The server's environment on top of the caller's, e.g. `HermeticCodexHome.env` (HOME, CODEX_HOME...). */
  readonly env: Readonly<Record<string, string>>;
  /** `ws://127.0.0.1:0` (default), `ws://127.0.0.1:PORT`, `unix:///abs/path.sock` or `unix://`. */
  readonly listen?: string;
  /** Server-side auth; none lets in anyone who can reach the port. */
  readonly auth?: ListeningAppServerAuth;
  /** More arguments after `app-server` (`-c key=value`...). */
  readonly args?: readonly string[];
  /** Deadline for the server to listen, in ms; default {@link DEFAULT_LISTEN_TIMEOUT_MS}. */
  readonly listenTimeoutMs?: number;
}

/** A running listening app-server; see {@link startListeningAppServer}. */
export interface ListeningAppServer extends AsyncDisposable {
  /** What a client passes as `endpoint`: `ws://127.0.0.1:PORT` (the bound port) or the `unix://` URL. */
  readonly endpoint: string;
  /** The server's process id. */
  readonly pid: number;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  /** Resolves once the process has exited. */
  readonly exited: Promise<{ readonly exitCode: number | null; readonly signal: string | null }>;
  /** Kills the server at once (SIGKILL), as a crash would, and waits for it to exit. */
  kill(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL) and waits for it to exit; idempotent. */
  stop(): Promise<void>;
}

/** Starts the server and resolves once it accepts connections; rejects (and stops it) if it does not within the deadline. */
export async function startListeningAppServer(options: ListeningAppServerOptions): Promise<ListeningAppServer> {
  const listen = options.listen ?? "ws://127.0.0.1:0";
  const env = { ...process.env, ...options.env };
  const binary = resolveCodexBinary({ ...(options.codexBin !== undefined ? { codexBin: options.codexBin } : {}), env });
  const args = [...binary.prefixArgs, "app-server", ...(options.args ?? []), "--listen", listen, ...authArgs(options.auth)];
  const child = spawn(binary.path, args, {
    env: { ...binary.env, ...env },
    // stdin stays open and unused: a listening server does not read it.
    stdio: ["pipe", "ignore", "pipe"],
    windowsHide: true,
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ exitCode: number | null; signal: string | null }>((resolve) => {
    child.once("exit", (exitCode, signal) => resolve({ exitCode, signal }));
    child.once("error", () => resolve({ exitCode: null, signal: null }));
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= terminate(child, exited));
  const kill = async (): Promise<void> => {
    signal(child, "SIGKILL");
    await exited;
  };
  const timeoutMs = options.listenTimeoutMs ?? DEFAULT_LISTEN_TIMEOUT_MS;
  let endpoint: string;
  try {
    endpoint = await withDeadline(
      listen.startsWith("unix://") ? unixReady(listen, options.env, exited) : wsReady(child, () => stderr, exited),
      timeoutMs,
      () => `codex app-server --listen ${listen} did not listen within ${timeoutMs} ms. Its stderr:\n${stderr}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    pid: child.pid!,
    stderr: () => stderr,
    exited,
    kill,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function authArgs(auth: ListeningAppServerAuth | undefined): string[] {
  if (!auth) return [];
  if ("tokenFile" in auth) return ["--ws-auth", "capability-token", "--ws-token-file", auth.tokenFile];
  return [
    "--ws-auth",
    "signed-bearer-token",
    "--ws-shared-secret-file",
    auth.sharedSecretFile,
    ...(auth.issuer !== undefined ? ["--ws-issuer", auth.issuer] : []),
    ...(auth.audience !== undefined ? ["--ws-audience", auth.audience] : []),
  ];
}

/** The bound address from the banner the server prints on stderr ("listening on: ws://127.0.0.1:PORT"). */
function wsReady(child: ChildProcess, stderr: () => string, exited: Promise<unknown>): Promise<string> {
  const banner = /listening on: (ws:\/\/[^\s]+)/;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = banner.exec(stderr());
      if (match) {
        child.stderr!.off("data", check);
        resolve(match[1]!);
      }
    };
    child.stderr!.on("data", check);
    check();
    void exited.then(() => reject(new Error(`codex app-server exited before listening. Its stderr:\n${stderr()}`)));
  });
}

/** A unix-socket server prints no banner: probe the socket until a connection is accepted. */
async function unixReady(listen: string, env: Readonly<Record<string, string>>, exited: Promise<unknown>): Promise<string> {
  const rest = listen.slice("unix://".length);
  const codexHome = env.CODEX_HOME ?? process.env.CODEX_HOME;
  const socketPath = rest || `${codexHome}/app-server-control/app-server-control.sock`;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (;;) {
    if (gone) throw new Error(`codex app-server exited before listening on ${socketPath}.`);
    if (await accepts(socketPath)) return rest ? listen : `unix://${socketPath}`;
    await new Promise((resolve) => setTimeout(resolve, UNIX_PROBE_INTERVAL_MS));
  }
}

function accepts(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path: socketPath });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function terminate(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  signal(child, "SIGTERM");
  const timer = setTimeout(() => signal(child, "SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
  child.stdin?.destroy();
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.kill(name);
  } catch {
    // Already gone.
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message())), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
