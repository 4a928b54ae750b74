/**
 * The floor: the least a client of `codex app-server` can do. It spawns the native binary
 * directly, writes JSON lines, reads JSON lines; no validation, no events kept, no error
 * handling beyond settling what it waits for. Every benchmark row compares codex-rpc with it.
 */
import { spawn, type ChildProcess } from "node:child_process";

/** Sees each message the floor writes or reads (method, or undefined for a response); for the time breakdown only. */
export type FloorTrace = (direction: "write" | "read", method: string | undefined, id: number | undefined) => void;

interface Reply {
  result?: { thread?: { id: string }; turn?: { id: string } };
  error?: { message: string };
}

/** A minimal app-server client; see the module comment. */
export class FloorClient {
  private nextId = 0;
  private rest = "";
  private readonly replies = new Map<number, (reply: Reply) => void>();
  private readonly turnsDone = new Map<string, (status: string) => void>();

  private constructor(
    private readonly child: ChildProcess,
    private readonly trace: FloorTrace | undefined,
  ) {
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => this.onData(chunk));
    child.stderr!.resume();
  }

  /** Spawns `binary app-server` with `env` and completes the handshake (initialize, initialized). */
  static async start(binary: string, env: Readonly<Record<string, string>>, trace?: FloorTrace): Promise<FloorClient> {
    const client = new FloorClient(spawn(binary, ["app-server"], { env, stdio: ["pipe", "pipe", "pipe"] }), trace);
    // The same initialize codex-rpc sends, so the server does the same work.
    await client.request("initialize", { clientInfo: { name: "floor", title: "floor", version: "0.0.0" }, capabilities: { experimentalApi: false } });
    client.send({ method: "initialized" });
    return client;
  }

  /** The server's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** `thread/start {cwd}` (what codex-rpc sends for a config with only a working directory); resolves with the thread id. */
  async startThread(cwd: string): Promise<string> {
    const reply = await this.request("thread/start", { cwd });
    if (!reply.result?.thread) throw new Error(`floor: thread/start failed: ${reply.error?.message}`);
    return reply.result.thread.id;
  }

  /** One turn: `turn/start`, then waits for the thread's `turn/completed`; resolves with the turn's status. */
  turn(threadId: string, text: string): Promise<string> {
    const done = new Promise<string>((resolve) => this.turnsDone.set(threadId, resolve));
    return this.request("turn/start", { threadId, input: [{ type: "text", text, text_elements: [] }] }).then((reply) => {
      if (reply.error) throw new Error(`floor: turn/start failed: ${reply.error.message}`);
      return done;
    });
  }

  /** Ends stdin (the server exits on EOF) and resolves once the process has exited. */
  close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.stdin!.end();
    });
  }

  private request(method: string, params: unknown): Promise<Reply> {
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve) => this.replies.set(id, resolve));
    this.send({ id, method, params });
    return reply;
  }

  private send(message: { id?: number; method: string; params?: unknown }): void {
    this.trace?.("write", message.method, message.id);
    this.child.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  private onData(chunk: string): void {
    const lines = (this.rest + chunk).split("\n");
    this.rest = lines.pop()!;
    for (const line of lines) {
      if (line === "") continue;
      const message = JSON.parse(line) as { id?: number; method?: string; params?: { threadId?: string; turn?: { status: string } } } & Reply;
      this.trace?.("read", message.method, message.id);
      if (message.method === undefined) {
        const settle = this.replies.get(message.id!);
        this.replies.delete(message.id!);
        settle?.(message);
      } else if (message.method === "turn/completed") {
        const threadId = message.params!.threadId!;
        const settle = this.turnsDone.get(threadId);
        this.turnsDone.delete(threadId);
        settle?.(message.params!.turn!.status);
      }
    }
  }
}
