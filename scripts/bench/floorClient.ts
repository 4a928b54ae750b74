/**
 * The floor: the least a client of the app-server can do. Spawn the binary, write JSON lines,
 * read JSON lines, no validation, no events kept, no error handling beyond the minimum.
 */
import { spawn, type ChildProcess } from "node:child_process";

export class FloorClient {
  private nextId = 1;
  private buffer = "";
  private readonly pending = new Map<number, (result: any) => void>();
  private readonly turnWaiters = new Map<string, () => void>();

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      this.buffer += chunk;
      let newline: number;
      while ((newline = this.buffer.indexOf("\n")) >= 0) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        const message = JSON.parse(line);
        if (message.id !== undefined && message.method === undefined) this.pending.get(message.id)?.(message.result);
        else if (message.method === "turn/completed") this.turnWaiters.get(message.params.threadId)?.();
      }
    });
    child.stderr!.resume();
  }

  static async start(binary: string, env: Record<string, string | undefined>): Promise<FloorClient> {
    const client = new FloorClient(spawn(binary, ["app-server"], { env, stdio: ["pipe", "pipe", "pipe"] }));
    await client.request("initialize", { clientInfo: { name: "floor", version: "0" } });
    client.child.stdin!.write(`${JSON.stringify({ method: "initialized" })}\n`);
    return client;
  }

  request(method: string, params: unknown): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.stdin!.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  async startThread(cwd: string): Promise<string> {
    return (await this.request("thread/start", { cwd })).thread.id;
  }

  async turn(threadId: string, text: string): Promise<void> {
    const done = new Promise<void>((resolve) => this.turnWaiters.set(threadId, resolve));
    await this.request("turn/start", { threadId, input: [{ type: "text", text, text_elements: [] }] });
    await done;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once("close", () => resolve());
      this.child.stdin!.end();
    });
  }
}
