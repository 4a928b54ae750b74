/**
 * Several real codex app-servers (the pinned binary, stdio) in one factory, for tests of placement
 * and failover: one model on loopback, and one hermetic HOME and CODEX_HOME per backend, as if
 * each ran on its own host (a thread can then be resumed only on the backend that started it).
 * Everything is torn down by `dispose()`.
 */
import { CodexAgentSessionFactory, type CodexAgentSessionFactoryOptions, type CodexFactoryRunnerOptions } from "../../src/codex/codexAgentSessionFactory.ts";
import type { CodexAgentRunner } from "../../src/codex/codexAgentRunner.ts";
import type { CodexBackend, CodexBackendConfig } from "../../src/codex/codexBackend.ts";
import { createHermeticCodexHome, type HermeticCodexHome } from "../../src/testing/hermeticCodexHome.ts";
import { LoopbackModel, type LoopbackModelResponder } from "../../src/testing/loopbackModel.ts";

export interface RealCodexFleet extends AsyncDisposable {
  readonly model: LoopbackModel;
  /** One per configured backend, in the factory's order. */
  readonly homes: readonly HermeticCodexHome[];
  readonly factory: CodexAgentSessionFactory;
  /** A runner placed by the factory, working in the first home's work directory. */
  runner(options?: CodexFactoryRunnerOptions): Promise<CodexAgentRunner>;
  /** The index in `factory.backends` of the backend `runner` lives on (-1 when not listed). */
  slotOf(runner: CodexAgentRunner): number;
  dispose(): Promise<void>;
}

/** Starts a factory over `count` local app-servers (started unless `start` is false). */
export async function startRealCodexFleet(options: {
  readonly count: number;
  readonly respond?: LoopbackModelResponder;
  /** Laid over every backend's config. */
  readonly backend?: CodexBackendConfig;
  readonly factory?: CodexAgentSessionFactoryOptions;
  readonly start?: boolean;
}): Promise<RealCodexFleet> {
  const model = await LoopbackModel.start(options.respond ? { respond: options.respond } : {});
  const homes: HermeticCodexHome[] = [];
  let factory: CodexAgentSessionFactory | undefined;
  const dispose = async () => {
    await factory?.close();
    await model.close();
    await Promise.all(homes.map((home) => home.dispose()));
  };
  try {
    for (let index = 0; index < options.count; index++) homes.push(await createHermeticCodexHome({ modelBaseUrl: model.baseUrl }));
    factory = new CodexAgentSessionFactory(
      homes.map((home) => ({ ...options.backend, env: { ...home.env, ...options.backend?.env } })),
      options.factory,
    );
    if (options.start !== false) await factory.start();
  } catch (error) {
    await dispose();
    throw error;
  }
  const started = factory;
  return {
    model,
    homes,
    factory: started,
    runner: (runnerOptions) => started.runner({ workingDirectory: homes[0]!.workDir }, runnerOptions),
    slotOf: (runner) => started.backends.indexOf(runner.backend),
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}

/** The pids of the running backends among `backends`. */
export function runningPids(backends: readonly CodexBackend[]): number[] {
  return backends.flatMap((backend) => (backend.state === "running" && backend.pid !== undefined ? [backend.pid] : []));
}

/** How many of `runners` live on each of the factory's backends, by index. */
export function spread(fleet: RealCodexFleet, runners: readonly CodexAgentRunner[]): number[] {
  const counts = fleet.factory.backends.map(() => 0);
  for (const runner of runners) {
    const slot = fleet.slotOf(runner);
    if (slot >= 0) counts[slot]!++;
  }
  return counts;
}
