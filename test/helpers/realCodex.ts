/**
 * Runs the real codex binary against the project's model on loopback, in a hermetic HOME and
 * CODEX_HOME, for integration tests. Everything is torn down by `dispose()`.
 */
import { CodexAgentSessionFactory, type CodexAgentSessionFactoryOptions } from "../../src/codex/codexAgentSessionFactory.ts";
import type { CodexBackendConfig } from "../../src/codex/codexBackend.ts";
import type { CodexAgentRunnerOptions } from "../../src/codex/codexAgentRunner.ts";
import { createHermeticCodexHome, type HermeticCodexHome } from "../../src/testing/hermeticCodexHome.ts";
import { LoopbackModel, type LoopbackModelResponder } from "../../src/testing/loopbackModel.ts";

export interface RealCodex extends AsyncDisposable {
  readonly model: LoopbackModel;
  readonly home: HermeticCodexHome;
  readonly factory: CodexAgentSessionFactory;
  /** A runner on the shared backend, working in the hermetic work directory. */
  runner(config?: Record<string, string>, options?: CodexAgentRunnerOptions): ReturnType<CodexAgentSessionFactory["runner"]>;
  dispose(): Promise<void>;
}

export async function startRealCodex(
  options: {
    respond?: LoopbackModelResponder;
    backend?: CodexBackendConfig;
    factory?: CodexAgentSessionFactoryOptions;
    approvalPolicy?: string;
    sandboxMode?: string;
  } = {},
): Promise<RealCodex> {
  const model = await LoopbackModel.start(options.respond ? { respond: options.respond } : {});
  const home = await createHermeticCodexHome({
    modelBaseUrl: model.baseUrl,
    ...(options.approvalPolicy ? { approvalPolicy: options.approvalPolicy } : {}),
    ...(options.sandboxMode ? { sandboxMode: options.sandboxMode } : {}),
  });
  const factory = new CodexAgentSessionFactory({ ...options.backend, env: { ...home.env, ...options.backend?.env } }, options.factory);
  const dispose = async () => {
    await factory.close();
    await model.close();
    await home.dispose();
  };
  try {
    await factory.start();
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    model,
    home,
    factory,
    runner: (config = {}, runnerOptions) => factory.runner({ workingDirectory: home.workDir, ...config }, runnerOptions),
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}

/** True while a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
