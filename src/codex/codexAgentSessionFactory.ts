/**
 * The Codex implementation of the port's {@link AgentSessionFactory}: one or several
 * {@link CodexBackend}s (app-servers), and a {@link CodexAgentRunner} (conversation) per
 * `runner()` call. A new conversation goes to the live backend with the fewest open
 * conversations and stays there; when its backend dies, the next use starts a new backend of the
 * same config in its place and the conversation resumes its thread on it. A conversation that
 * asks for its own MCP configuration gets a local backend started with exactly that set, shared
 * with every conversation that asks for the same set.
 */
import type { AgentConfig, AgentSessionFactory } from "../agent/port.ts";
import { AgentError, InvalidConfigError } from "../errors.ts";
import { chooseSlot, checkMcpConfigOverrides, combinedError, mcpBackendConfig, mcpConfigKey, normalMcpSet, slotLabel } from "./backendPlacement.ts";
import { BackendSlot, type BackendSlotOptions } from "./backendSlot.ts";
import { CodexAgentRunner, type CodexAgentRunnerOptions } from "./codexAgentRunner.ts";
import type { CodexBackend, CodexBackendConfig } from "./codexBackend.ts";
import { checkFactoryOptions, checkRunnerOptions, spawnsLocally } from "./optionChecks.ts";

/** Options of a {@link CodexAgentSessionFactory} beyond the backends' configs. */
export interface CodexAgentSessionFactoryOptions {
  /** Runner options applied to every runner this factory makes (each `runner()` call may override them). */
  readonly runnerDefaults?: CodexAgentRunnerOptions;
  /** Start a new backend in place of one that died, on its next use; default true. */
  readonly respawn?: boolean;
  /**
   * Called when one of the factory's backends fails to start or stops being usable (not when it
   * is closed); the factory goes on with the others. For logs; a callback that throws is ignored.
   */
  readonly onBackendDown?: (backend: CodexBackend, error: AgentError) => void;
}

/** Options of `factory.runner()`: a runner's options, and the MCP configuration it needs. */
export interface CodexFactoryRunnerOptions extends CodexAgentRunnerOptions {
  /**
   * Replaces the factory's MCP overrides (`-c` entries) for this conversation: it runs on a local
   * stdio backend started with exactly this set (on first use), shared by every conversation that
   * asks for an equal set (same entries, any order). A configured local backend with an equal set
   * is used instead when there is one.
   */
  readonly mcpConfigOverrides?: readonly string[];
}

/** Makes Codex conversations over one or several app-servers; see the module comment. */
export class CodexAgentSessionFactory implements AgentSessionFactory {
  private readonly configured: readonly BackendSlot[];
  private readonly mcpSlots = new Map<string, BackendSlot>();
  private readonly slotOptions: BackendSlotOptions;
  private closed = false;

  /**
   * Takes one backend config, or several (conversations are spread over them). Nothing starts
   * here; throws INVALID_CONFIG for an empty list or an entry that is not a config object.
   */
  constructor(
    config: CodexBackendConfig | readonly CodexBackendConfig[] = {},
    private readonly options: CodexAgentSessionFactoryOptions = {},
  ) {
    const configs = checkConfigs(config);
    checkFactoryOptions(options);
    this.slotOptions = {
      respawn: options.respawn !== false,
      closed: () => this.closed,
      ...(options.onBackendDown ? { onDown: options.onBackendDown } : {}),
    };
    this.configured = configs.map((entry, index) => new BackendSlot(entry, slotLabel("backend", index + 1, entry), this.slotOptions));
  }

  /**
   * Every backend the factory holds now: the configured ones in the order given, then one per MCP
   * configuration used, in the order first asked for. A replaced backend is not listed; its
   * replacement is, in its place.
   */
  get backends(): readonly CodexBackend[] {
    return [...this.configured, ...this.mcpSlots.values()].map((slot) => slot.backend);
  }

  /** The first configured backend as it is now (a new one after a respawn); with one config, the factory's backend. */
  get backend(): CodexBackend {
    return this.configured[0]!.backend;
  }

  /** How many backends this factory has made over all its slots: one per slot, plus one per respawn (with one config: 1 + respawns). */
  get backendGenerations(): number {
    let generations = 0;
    for (const slot of [...this.configured, ...this.mcpSlots.values()]) generations += slot.generations;
    return generations;
  }

  /**
   * Starts every configured backend, in parallel (and replaces any that died, unless respawn is
   * off). Resolves once all have settled when at least one is running; the others stay down
   * (`state` "exited" in {@link backends}, reported to `onBackendDown`) and get no conversations
   * while one is up. Rejects only when none could start: with one backend, its own error
   * (BACKEND_START, AUTH...); with several, one error naming each backend and its failure (code
   * shared by all of them, else BACKEND_START). Calling it again retries the ones that are down.
   */
  async start(): Promise<this> {
    if (this.closed) throw closedError();
    const results = await Promise.allSettled(this.configured.map((slot) => slot.live()));
    const failures = results.flatMap((result, index) => (result.status === "rejected" ? [{ slot: this.configured[index]!, error: result.reason as unknown }] : []));
    if (failures.length === this.configured.length) throw combinedError(failures, "start");
    return this;
  }

  /**
   * Closes every backend: stops the processes the factory spawned, disconnects from the servers
   * it reached. Pending turns reject with CLOSED; no process of ours is left behind.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.configured, ...this.mcpSlots.values()].map((slot) => slot.close()));
  }

  /** Same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Makes a new conversation on the live backend with the fewest open conversations (or, with
   * `mcpConfigOverrides`, on the backend of that MCP set), starting that backend if needed. The
   * config is checked first (INVALID_CONFIG names the field). When the chosen backend fails to
   * start, the next is tried; rejects when none can take the conversation.
   */
  async runner(config: AgentConfig, options?: CodexFactoryRunnerOptions): Promise<CodexAgentRunner> {
    const isBag = typeof options === "object" && options !== null;
    const { mcpConfigOverrides, ...runnerOptions }: CodexFactoryRunnerOptions = isBag ? options : {};
    checkRunnerOptions(isBag ? runnerOptions : options);
    if (this.closed) throw closedError();
    const pool = mcpConfigOverrides === undefined ? { slots: this.configured } : this.mcpPool(checkMcpConfigOverrides(mcpConfigOverrides));
    const failures: { slot: BackendSlot; error: unknown }[] = [];
    const tried = new Set<BackendSlot>();
    for (let slot = chooseSlot(pool.slots, tried); slot; slot = chooseSlot(pool.slots, tried)) {
      // Made (and its config checked) before anything starts; counted at once, so that runners
      // asked for together spread over the backends instead of all seeing the same counts.
      let runner = this.makeRunner(slot, slot.backend, config, runnerOptions);
      if (pool.fresh === slot) this.mcpSlots.set(pool.key!, slot);
      runner.placeOn(slot);
      try {
        const backend = await slot.live();
        if (backend !== runner.backend) {
          // The slot replaced a dead backend meanwhile: the runner starts on the new one.
          runner.unplace();
          runner = this.makeRunner(slot, backend, config, runnerOptions);
          runner.placeOn(slot);
        }
        return runner;
      } catch (error) {
        runner.unplace();
        if (this.closed) throw error;
        failures.push({ slot, error });
        tried.add(slot);
      }
    }
    throw combinedError(failures, "take the conversation");
  }

  private makeRunner(slot: BackendSlot, backend: CodexBackend, config: AgentConfig, options: CodexAgentRunnerOptions): PlacedRunner {
    return new PlacedRunner(backend, config, {
      ...this.options.runnerDefaults,
      ...options,
      // Bound to the slot: after a crash the conversation resumes on its own slot's replacement.
      ...(this.slotOptions.respawn ? { backendProvider: () => slot.live() } : {}),
    });
  }

  /**
   * The slots that can run a conversation with this MCP set: configured local backends started
   * with an equal set, else the set's own slot (made here, kept once a runner was made on it).
   */
  private mcpPool(overrides: readonly string[]): { slots: readonly BackendSlot[]; fresh?: BackendSlot; key?: string } {
    const key = mcpConfigKey(overrides);
    const matching = this.configured.filter((slot) => spawnsLocally(slot.config) && mcpConfigKey(slot.config.mcpConfigOverrides ?? []) === key);
    if (matching.length > 0) return { slots: matching };
    const existing = this.mcpSlots.get(key);
    if (existing) return { slots: [existing] };
    const fresh = new BackendSlot(mcpBackendConfig(this.configured[0]!.config, normalMcpSet(overrides)), slotLabel("MCP backend", this.mcpSlots.size + 1, {}), this.slotOptions);
    return { slots: [fresh], fresh, key };
  }
}

/** A runner the factory made: counted on its slot until it is closed (or its caller lets go of it). */
class PlacedRunner extends CodexAgentRunner {
  private placement: { release(): void } | undefined;

  /** Counts this runner among the slot's open conversations. */
  placeOn(slot: BackendSlot): void {
    this.placement = slot.add(this);
  }

  /** Stops counting it. */
  unplace(): void {
    this.placement?.release();
    this.placement = undefined;
  }

  /** Closes the conversation (see {@link CodexAgentRunner.close}); from now on it no longer counts for placement. */
  override close(): Promise<void> {
    this.unplace();
    return super.close();
  }
}

function checkConfigs(config: CodexBackendConfig | readonly CodexBackendConfig[]): readonly CodexBackendConfig[] {
  const configs: readonly unknown[] = Array.isArray(config) ? config : [config];
  if (configs.length === 0) {
    throw new InvalidConfigError("CodexBackendConfig", "The factory needs a CodexBackendConfig object, or a list of at least one; got an empty list. Pass {} for the default local app-server.");
  }
  configs.forEach((entry, index) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new InvalidConfigError("CodexBackendConfig", `Backend config #${index + 1} of the list must be a CodexBackendConfig object, got ${entry === null ? "null" : Array.isArray(entry) ? "an array" : typeof entry}.`);
    }
  });
  return configs as readonly CodexBackendConfig[];
}

function closedError(): AgentError {
  return new AgentError("CLOSED", "This factory was closed; create a new one.");
}
