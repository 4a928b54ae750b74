/**
 * An in-memory app-server peer for protocol tests: the client side gets a vscode-jsonrpc
 * reader/writer pair, the test holds the other end and sends raw messages or scripted answers.
 */
import { AbstractMessageReader, AbstractMessageWriter, type DataCallback, type Disposable, type Message } from "vscode-jsonrpc/node";

class InMemoryReader extends AbstractMessageReader {
  private callback: DataCallback | undefined;
  private readonly backlog: Message[] = [];
  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    for (const message of this.backlog.splice(0)) callback(message);
    return { dispose: () => (this.callback = undefined) };
  }
  push(message: unknown): void {
    const copy = structuredClone(message) as Message;
    if (this.callback) this.callback(copy);
    else this.backlog.push(copy);
  }
  end(): void {
    this.fireClose();
  }
}

class InMemoryWriter extends AbstractMessageWriter {
  constructor(private readonly deliver: (message: Record<string, unknown>) => void) {
    super();
  }
  async write(message: Message): Promise<void> {
    this.deliver(structuredClone(message) as unknown as Record<string, unknown>);
  }
  end(): void {}
}

type RequestAnswer = { result: unknown } | { error: { code: number; message: string; data?: unknown } };

/** The test's end of the link; see the module comment. */
export class InMemoryPeer {
  readonly reader = new InMemoryReader();
  readonly writer: InMemoryWriter;
  /** Every message the client sent, in order. */
  readonly received: Record<string, unknown>[] = [];
  private readonly handlers = new Map<string, (params: unknown) => RequestAnswer | Promise<RequestAnswer>>();
  private readonly waiters: { match: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
  private nextServerId = 0;

  constructor() {
    this.writer = new InMemoryWriter((message) => this.onClientMessage(message));
  }

  /** Answers requests of `method` from now on. */
  answer(method: string, handler: (params: unknown) => RequestAnswer | Promise<RequestAnswer>): void {
    this.handlers.set(method, handler);
  }

  /** Sends any raw message to the client. */
  send(message: unknown): void {
    this.reader.push(message);
  }

  /** Sends a notification to the client. */
  notify(method: string, params: unknown): void {
    this.send({ method, params, emittedAtMs: Date.now() });
  }

  /** Sends a server-initiated request and resolves with the client's whole response message. */
  async request(method: string, params: unknown): Promise<Record<string, unknown>> {
    const id = this.nextServerId++;
    const response = this.waitFor((m) => m.id === id && !("method" in m));
    this.send({ id, method, params });
    return response;
  }

  /** Resolves with the first client message (already received or future) that matches. */
  waitFor(match: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  private onClientMessage(message: Record<string, unknown>): void {
    this.received.push(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
    if (typeof message.method === "string" && "id" in message) {
      const handler = this.handlers.get(message.method);
      if (!handler) return;
      void Promise.resolve(handler(message.params)).then((answer) => this.send({ id: message.id, ...answer }));
    }
  }
}
