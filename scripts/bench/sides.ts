/**
 * The three clients measured side by side, behind one small interface: the floor (a minimal
 * hand-written client), codex-rpc (through its public port), and the official TypeScript SDK
 * (which spawns `codex exec` per turn). All run the same binary, model and hermetic environment.
 */
import { Codex } from "@openai/codex-sdk";
import { CodexAgentSessionFactory, type CodexBackendConfig } from "../../src/index.ts";
import type { BenchEnvironment } from "./environment.ts";
import { FloorClient } from "./floorClient.ts";

/** Names of the sides, in table order. */
export const SIDE_NAMES = ["floor", "codex-rpc", "sdk"] as const;
export type SideName = (typeof SIDE_NAMES)[number];

/** One conversation: each call is one turn on it. */
export type Conversation = (prompt: string) => Promise<void>;

/** A client with its backend (if it has a long-lived one) started. */
export interface Client {
  readonly side: SideName;
  /** Starts a new conversation and runs its first turn; resolves with the conversation for later turns. */
  converse(prompt: string): Promise<Conversation>;
  /** Opens a new conversation ahead of its first prompt (no turn); the SDK cannot. */
  open?(): Promise<Conversation>;
  /** The long-lived app-server's process id, for its CPU time (none for the SDK). */
  serverPid(): number | undefined;
  close(): Promise<void>;
}

/** The answer of the default responder to a prompt; a wrong one means a broken measurement. */
function check(side: SideName, prompt: string, text: string): void {
  if (!text.startsWith(`You said: ${prompt} (turn `)) throw new Error(`${side}: unexpected answer ${JSON.stringify(text)} to ${JSON.stringify(prompt)}`);
}

/** Spawns the floor's app-server. */
export async function startFloor(env: BenchEnvironment): Promise<Client> {
  const floor = await FloorClient.start(env.binary.path, env.childEnv);
  const turn = async (threadId: string, prompt: string) => {
    const status = await floor.turn(threadId, prompt);
    if (status !== "completed") throw new Error(`floor: turn ended ${status}`);
  };
  return {
    side: "floor",
    async converse(prompt) {
      const threadId = await floor.startThread(env.workDir);
      await turn(threadId, prompt);
      return (next) => turn(threadId, next);
    },
    async open() {
      const threadId = await floor.startThread(env.workDir);
      return (next) => turn(threadId, next);
    },
    serverPid: () => floor.pid,
    close: () => floor.close(),
  };
}

/** Starts a codex-rpc factory (its shared backend). */
export async function startCodexRpc(env: BenchEnvironment, config: Partial<CodexBackendConfig> = {}): Promise<Client & { readonly factory: CodexAgentSessionFactory }> {
  const factory = await new CodexAgentSessionFactory({ env: env.backendEnv, ...config }).start();
  return {
    side: "codex-rpc",
    factory,
    async converse(prompt) {
      const runner = await factory.runner({ workingDirectory: env.workDir });
      check("codex-rpc", prompt, (await runner.turn(prompt)).assistantText);
      return async (next) => check("codex-rpc", next, (await runner.turn(next)).assistantText);
    },
    async open() {
      const runner = await factory.runner({ workingDirectory: env.workDir });
      await runner.open();
      return async (next) => check("codex-rpc", next, (await runner.turn(next)).assistantText);
    },
    serverPid: () => factory.backend.pid,
    close: () => factory.close(),
  };
}

/** The official SDK, pointed at the same binary, environment and model (through CODEX_HOME). */
export function startSdk(env: BenchEnvironment): Client {
  const codex = new Codex({ codexPathOverride: env.binary.path, env: { ...env.childEnv } });
  return {
    side: "sdk",
    async converse(prompt) {
      const thread = codex.startThread({ workingDirectory: env.workDir, skipGitRepoCheck: true });
      check("sdk", prompt, (await thread.run(prompt)).finalResponse);
      return async (next) => check("sdk", next, (await thread.run(next)).finalResponse);
    },
    serverPid: () => undefined,
    close: async () => {},
  };
}
