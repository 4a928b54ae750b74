/**
 * A scripted {@link AgentSessionFactory} that never starts codex: the seam downstream code
 * mocks in its own tests. It keeps the port's contract (one turn at a time per runner,
 * timeouts, aborts, close) so code tested against it behaves the same on the real adapter, and
 * it checks configs, options and inputs with the adapter's own check functions: what production
 * refuses, the fake refuses, with the same code and field.
 */
import type { AgentConfig, AgentRunner, AgentSessionFactory, AgentTurnOptions, AgentTurnResult } from "../agent/port.ts";
import { AgentError, InvalidConfigError, TurnTimeoutError } from "../errors.ts";
import { checkWorkingDirectory, parseAgentConfig } from "../codex/agentConfig.ts";
import { checkMcpConfigOverrides } from "../codex/backendPlacement.ts";
import type { CodexFactoryRunnerOptions } from "../codex/codexAgentSessionFactory.ts";
import { checkRunnerOptions, checkTurnOptions } from "../codex/optionChecks.ts";
import { TurnDeadline } from "../codex/turnDeadline.ts";

/** What a scripted turn gets to decide its answer. */
export interface FakeTurnContext {
  readonly prompt: string;
  readonly options: AgentTurnOptions;
  readonly config: AgentConfig;
  /** 0-based index of the runner within the factory. */
  readonly runnerIndex: number;
  /** 0-based index of the turn within its runner. */
  readonly turnIndex: number;
  /** Aborts when the turn times out or the caller aborts. */
  readonly signal: AbortSignal;
}

/** One scripted answer: a result, a plain text (becomes `assistantText` with no events), or an error to reject with. */
export type FakeTurnReply = AgentTurnResult | string | Error;

/** Decides each turn's reply; may be async (pending past the timeout, it times out like a real turn). */
export type FakeTurnResponder = (context: FakeTurnContext) => FakeTurnReply | Promise<FakeTurnReply>;

/** Options of {@link FakeAgentSessionFactory}. */
export interface FakeAgentSessionFactoryOptions {
  /** Replies handed out in order across all runners; used before `respond`. */
  readonly replies?: readonly FakeTurnReply[];
  /** Decides replies once `replies` is used up; default: echo the prompt. */
  readonly respond?: FakeTurnResponder;
}

/** A turn the fake served, for assertions. */
export interface FakeTurnRecord {
  readonly runnerIndex: number;
  readonly turnIndex: number;
  readonly prompt: string;
  readonly options: AgentTurnOptions;
  readonly config: AgentConfig;
}

/** The scripted factory; see the module comment. */
export class FakeAgentSessionFactory implements AgentSessionFactory {
  /** Every turn served, in order. */
  readonly turns: FakeTurnRecord[] = [];
  /** Every config a runner was made with, in order. */
  readonly configs: AgentConfig[] = [];
  private readonly queue: FakeTurnReply[];
  private state: "new" | "started" | "closed" = "new";

  constructor(private readonly options: FakeAgentSessionFactoryOptions = {}) {
    if (options === null || typeof options !== "object" || (options.replies !== undefined && !Array.isArray(options.replies)) || (options.respond !== undefined && typeof options.respond !== "function")) {
      throw new InvalidConfigError("options", "FakeAgentSessionFactory takes { replies?: array, respond?: function }.");
    }
    this.queue = [...(options.replies ?? [])];
  }

  /** True once started and not closed. */
  get started(): boolean {
    return this.state === "started";
  }

  async start(): Promise<this> {
    if (this.state === "closed") throw new AgentError("CLOSED", "This factory was closed; create a new one.");
    this.state = "started";
    return this;
  }

  async close(): Promise<void> {
    this.state = "closed";
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Makes a scripted conversation. The config (and runner options, when given) are checked
   * exactly as CodexAgentSessionFactory checks them, the working directory included.
   */
  async runner(config: AgentConfig, options?: CodexFactoryRunnerOptions): Promise<AgentRunner> {
    checkWorkingDirectory(parseAgentConfig(config).workingDirectory);
    // The same split as CodexAgentSessionFactory.runner: the MCP set picks a backend (the fake has
    // none), the rest are runner options.
    const isBag = typeof options === "object" && options !== null;
    const { mcpConfigOverrides, ...runnerOptions }: CodexFactoryRunnerOptions = isBag ? options : {};
    checkRunnerOptions(isBag ? runnerOptions : options);
    if (mcpConfigOverrides !== undefined) checkMcpConfigOverrides(mcpConfigOverrides);
    await this.start();
    const runnerIndex = this.configs.push(config) - 1;
    let turnIndex = 0;
    let busy = false;
    const turn = async (prompt: string, options: AgentTurnOptions = {}): Promise<AgentTurnResult> => {
      if (busy) throw new AgentError("RUNNER_BUSY", "A turn is already running on this runner.");
      const { timeoutSeconds } = checkTurnOptions(prompt, options);
      if (this.state === "closed") throw new AgentError("CLOSED", "The factory was closed.");
      busy = true;
      try {
        const record = { runnerIndex, turnIndex: turnIndex++, prompt, options, config };
        this.turns.push(record);
        return await this.serve(record, options, timeoutSeconds);
      } finally {
        busy = false;
      }
    };
    return { turn };
  }

  private async serve(record: FakeTurnRecord, options: AgentTurnOptions, timeoutSeconds: number): Promise<AgentTurnResult> {
    const stop = new AbortController();
    // The adapter's deadline: a timeout longer than a Node timer holds does not fire early here either.
    const deadline = new TurnDeadline(timeoutSeconds * 1000, () => stop.abort(new TurnTimeoutError(timeoutSeconds, undefined)));
    // The deadline's timer is unref'd (the real backend's child keeps a process alive); a fake turn must keep it alive itself.
    const keepAlive = setInterval(() => {}, 2 ** 31 - 1);
    const onAbort = () => stop.abort(new AgentError("ABORTED", "The turn was aborted by the caller's signal.", { cause: options.signal?.reason }));
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const stopped = new Promise<never>((_, reject) => {
        if (stop.signal.aborted) reject(stop.signal.reason);
        stop.signal.addEventListener("abort", () => reject(stop.signal.reason), { once: true });
      });
      const replyNow = this.queue.length > 0 ? this.queue.shift()! : (this.options.respond ?? echo)({ ...record, signal: stop.signal });
      const reply = await Promise.race([Promise.resolve(replyNow), stopped]);
      if (reply instanceof Error) throw reply;
      return typeof reply === "string" ? { assistantText: reply, events: [] } : reply;
    } finally {
      deadline.cancel();
      clearInterval(keepAlive);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }
}

function echo(context: FakeTurnContext): AgentTurnResult {
  return {
    assistantText: `You said: ${context.prompt}`,
    events: [{ kind: "agentMessage", summary: `You said: ${context.prompt}`, metadata: { scripted: true } }],
  };
}
