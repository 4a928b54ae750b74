/**
 * The Codex implementation of the port's {@link AgentSessionFactory}: one shared
 * {@link CodexBackend} process, and a {@link CodexAgentRunner} (conversation) per `runner()` call.
 */
import type { AgentConfig, AgentSessionFactory } from "../agent/port.ts";
import { CodexAgentRunner, type CodexAgentRunnerOptions } from "./codexAgentRunner.ts";
import { CodexBackend, type CodexBackendConfig } from "./codexBackend.ts";

/** Options of a {@link CodexAgentSessionFactory} beyond the backend's config. */
export interface CodexAgentSessionFactoryOptions {
  /** Runner options applied to every runner this factory makes (each `runner()` call may override them). */
  readonly runnerDefaults?: CodexAgentRunnerOptions;
}

/** Makes Codex conversations that share one app-server process; see the module comment. */
export class CodexAgentSessionFactory implements AgentSessionFactory {
  /** The shared backend process. */
  readonly backend: CodexBackend;

  constructor(
    backendConfig: CodexBackendConfig = {},
    private readonly options: CodexAgentSessionFactoryOptions = {},
  ) {
    this.backend = new CodexBackend(backendConfig);
  }

  /** Starts the shared backend (spawn + handshake). */
  async start(): Promise<this> {
    await this.backend.start();
    return this;
  }

  /** Stops the backend; no process is left behind. Pending turns reject with CLOSED. */
  close(): Promise<void> {
    return this.backend.close();
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
    const runner = new CodexAgentRunner(this.backend, config, { ...this.options.runnerDefaults, ...options });
    await this.backend.start();
    return runner;
  }
}
