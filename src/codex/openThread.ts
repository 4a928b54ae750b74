/**
 * Opening a runner's thread on its backend: `thread/resume` of the conversation it continues
 * (claimed on the backend first, so a second runner on it is refused before anything is sent), or
 * `thread/start` of a new one with the runner's settings and dynamic tools.
 */
import { InvalidConfigError, RpcError } from "../errors.ts";
import type { ProtocolConnection, RequestOptions } from "../protocol/protocolConnection.ts";
import { threadSettingsFromConfig, type ParsedAgentConfig } from "./agentConfig.ts";
import type { CodexAgentRunnerOptions } from "./codexAgentRunnerOptions.ts";
import { dynamicToolSpecs } from "./requestHandlers.ts";

/** What opening a thread needs from its runner. */
export interface OpenThreadOptions {
  readonly connection: ProtocolConnection;
  readonly config: ParsedAgentConfig;
  readonly runnerOptions: CodexAgentRunnerOptions;
  /** The thread to resume; undefined starts a new one. */
  readonly threadId: string | undefined;
  /** Routes the thread to the runner (throws THREAD_BUSY when another runner has it). */
  claim(threadId: string): void;
  /** True when the runner has completed turns on the thread (a resume failure is then no config error). */
  hasTurns(): boolean;
  /** Takes the model the server runs the thread with. */
  onModel(model: string): void;
  readonly requestOptions: RequestOptions;
}

/** Resumes or starts the thread and resolves with its id; see the module comment. */
export async function openThread(options: OpenThreadOptions): Promise<string> {
  const { connection, threadId } = options;
  const settings = threadSettingsFromConfig(options.config);
  if (threadId !== undefined) {
    // Claimed before anything is sent: THREAD_BUSY if another runner here has the thread.
    options.claim(threadId);
    const { personality: _unused, ...resumeSettings } = settings;
    try {
      const resumed = await connection.request("thread/resume", { ...resumeSettings, threadId, excludeTurns: true }, options.requestOptions);
      options.onModel(resumed.model);
      return resumed.thread.id;
    } catch (error) {
      if (!(error instanceof RpcError) || options.hasTurns()) throw error;
      throw new InvalidConfigError(
        "resumeThreadId",
        `resumeThreadId ${threadId}: codex cannot resume that conversation (${error.rpcMessage}). ` +
          "Check the id (runner.threadId of the conversation) and that codex runs with the CODEX_HOME it was recorded in.",
        { cause: error },
      );
    }
  }
  const runnerOptions = options.runnerOptions;
  const tools = runnerOptions.tools?.length ? { dynamicTools: dynamicToolSpecs(runnerOptions.tools) } : {};
  const result = await connection.request("thread/start", { ...settings, ...tools, ...(runnerOptions.ephemeral ? { ephemeral: true } : {}) }, options.requestOptions);
  options.onModel(result.model);
  return result.thread.id;
}
