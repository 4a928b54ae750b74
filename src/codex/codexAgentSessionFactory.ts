/**
 * The Codex implementation of the port's {@link AgentSessionFactory}: one shared
 * {@link CodexBackend} process, and a {@link CodexAgentRunner} (conversation) per `runner()`
 * call. If the backend dies, the next use starts a new one, and runners carry on by resuming
 * their conversation on it.
 */
import type { AgentConfig, AgentSessionFactory } from "../agent/port.ts";
import { AgentError } from "../errors.ts";
import { CodexAgentRunner, type CodexAgentRunnerOptions } from "./codexAgentRunner.ts";
import { CodexBackend, type CodexBackendConfig } from "./codexBackend.ts";
import { checkFactoryOptions, checkRunnerOptions } from "./optionChecks.ts";

/** Options of a {@link CodexAgentSessionFactory} beyond the backend's config. */
export interface CodexAgentSessionFactoryOptions {
  /** Runner options applied to every runner this factory makes (each `runner()` call may override them). */
  readonly runnerDefaults?: CodexAgentRunnerOptions;
  /** Start a new backend on the next use after the current one died; default true. */
  readonly respawn?: boolean;
}

/** Makes Codex conversations that share one app-server process; see the module comment. */
export class CodexAgentSessionFactory implements AgentSessionFactory {
  private current: CodexBackend;
  private closed = false;
  private respawning: Promise<CodexBackend> | undefined;
  /** Backends this factory started, the current one included (for diagnostics). */
  private spawned = 1;

  constructor(
    private readonly backendConfig: CodexBackendConfig = {},
    private readonly options: CodexAgentSessionFactoryOptions = {},
  ) {
    this.current = new CodexBackend(backendConfig);
    checkFactoryOptions(options);
  }

  /** The current backend process (a new one after a respawn). */
  get backend(): CodexBackend {
    return this.current;
  }

  /** How many backend processes this factory has started or will start (1 + respawns). */
  get backendGenerations(): number {
    return this.spawned;
  }

  /** Starts the shared backend (spawn + handshake). */
  async start(): Promise<this> {
    await this.liveBackend();
    return this;
  }

  /** Stops the backend; no process is left behind. Pending turns reject with CLOSED. */
  close(): Promise<void> {
    this.closed = true;
    return this.current.close();
  }

  /** Same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Makes a new conversation. The config is checked first (INVALID_CONFIG names the field);
   * the backend is started if it is not yet.
   */
  async runner(config: AgentConfig, options?: CodexAgentRunnerOptions): Promise<CodexAgentRunner> {
    checkRunnerOptions(options);
    const runnerOptions: CodexAgentRunnerOptions = {
      ...this.options.runnerDefaults,
      ...options,
      ...(this.options.respawn === false ? {} : { backendProvider: () => this.liveBackend() }),
    };
    const runner = new CodexAgentRunner(this.current, config, runnerOptions);
    await this.liveBackend();
    return runner;
  }

  /** The running backend, starting it, or a new one in place of a dead one. */
  private liveBackend(): Promise<CodexBackend> {
    if (this.closed) return Promise.reject(new AgentError("CLOSED", "This factory was closed; create a new one."));
    if (this.current.state === "exited" && this.options.respawn !== false) {
      this.respawning ??= (async () => {
        this.current = new CodexBackend(this.backendConfig);
        this.spawned++;
        return this.current.start();
      })().finally(() => {
        this.respawning = undefined;
      });
      return this.respawning;
    }
    return this.current.start();
  }
}
