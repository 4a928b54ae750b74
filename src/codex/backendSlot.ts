/**
 * One place for a backend in a {@link CodexAgentSessionFactory}: a config, the current
 * {@link CodexBackend} made from it, and the conversations placed there. When the backend is
 * gone (process exited, connection lost, start failed), the next use replaces it with a new
 * backend of the same config, so a conversation stays with its slot, never moves to another.
 */
import { callSafely } from "../callbacks.ts";
import { AgentError } from "../errors.ts";
import { CodexBackend, type CodexBackendConfig } from "./codexBackend.ts";

/** Options of a {@link BackendSlot}. */
export interface BackendSlotOptions {
  /** Replace a gone backend on the next use; false keeps it dead. */
  readonly respawn: boolean;
  /** True once the factory was closed: no new backend is made then. */
  readonly closed: () => boolean;
  /** Called when a backend of this slot fails to start or stops being usable (never for close()). */
  readonly onDown?: (backend: CodexBackend, error: AgentError) => void;
}

/** A config, its current backend and its conversations; see the module comment. */
export class BackendSlot {
  private current: CodexBackend;
  private respawning: Promise<CodexBackend> | undefined;
  private generationCount = 1;
  /**
   * The conversations placed here, held weakly: the port has no runner.close(), so a runner its
   * caller let go of must stop counting once it is collected, and must not be kept alive by us.
   */
  private readonly conversations = new Set<WeakRef<object>>();
  private readonly collected = new FinalizationRegistry<WeakRef<object>>((ref) => this.conversations.delete(ref));

  constructor(
    /** The config every backend of this slot is made from. */
    readonly config: CodexBackendConfig,
    /** How errors and logs name this slot ("backend #2 (ws://10.0.0.2:4500)"); never holds a secret. */
    readonly label: string,
    private readonly options: BackendSlotOptions,
  ) {
    this.current = this.makeBackend();
  }

  /** The backend this slot holds now (a gone one until the next use replaces it). */
  get backend(): CodexBackend {
    return this.current;
  }

  /** How many backends this slot has made: 1, plus one per replacement. */
  get generations(): number {
    return this.generationCount;
  }

  /** True when the current backend can take no work until it is replaced (exited, lost, failed to start, closed). */
  get down(): boolean {
    const state = this.current.state;
    return state === "exited" || state === "closed";
  }

  /** The conversations placed here that are still held by someone. */
  get openConversations(): number {
    let open = 0;
    for (const ref of this.conversations) if (ref.deref() !== undefined) open++;
    return open;
  }

  /** Counts `conversation` here until it is collected or `release` is called. */
  add(conversation: object): { release(): void } {
    const ref = new WeakRef(conversation);
    this.conversations.add(ref);
    this.collected.register(conversation, ref, ref);
    return {
      release: () => {
        this.conversations.delete(ref);
        this.collected.unregister(ref);
      },
    };
  }

  /**
   * A running backend of this slot: the current one (started if it is new), or a new one in place
   * of a gone one (unless respawn is off: then the gone one's error). Rejects CLOSED once the
   * factory is closed.
   */
  live(): Promise<CodexBackend> {
    if (this.options.closed()) return Promise.reject(new AgentError("CLOSED", "This factory was closed; create a new one."));
    if (this.current.state === "exited" && this.options.respawn) {
      this.respawning ??= (async () => {
        this.current = this.makeBackend();
        this.generationCount++;
        return this.startCurrent();
      })().finally(() => {
        this.respawning = undefined;
      });
      return this.respawning;
    }
    return this.respawning ?? this.startCurrent();
  }

  /** Closes the current backend: stops a process it spawned, disconnects from a server it reached. */
  close(): Promise<void> {
    return this.current.close();
  }

  private startCurrent(): Promise<CodexBackend> {
    const backend = this.current;
    // One report per failed start: the first caller's (later ones share the attempt, or its failure).
    const firstAttempt = backend.state === "new";
    return backend.start().catch((error: unknown) => {
      if (firstAttempt && error instanceof AgentError && error.code !== "CLOSED" && !this.options.closed()) this.reportDown(backend, error);
      throw error;
    });
  }

  private makeBackend(): CodexBackend {
    const backend = new CodexBackend(this.config);
    backend.onGone((error) => {
      if (error.code !== "CLOSED" && !this.options.closed()) this.reportDown(backend, error);
    });
    return backend;
  }

  private reportDown(backend: CodexBackend, error: AgentError): void {
    // Through the shared guard: a callback that throws must not break placement or the turn that noticed.
    callSafely("onBackendDown", this.options.onDown, this.config.onCallbackError, backend, error);
  }
}
