/**
 * How each kind of a runner's work is started on the server once the previous turn has settled:
 * a turn (`turn/start`), a compaction (`thread/compact/start`) and a review (`review/start`).
 * Each sends nothing once its signal has aborted (the caller was told the work ended), and
 * resolves with the turn id when the answer carries one.
 */
import type { ProtocolConnection, RequestOptions } from "../protocol/protocolConnection.ts";
import type { ReviewTarget } from "../protocol/generated/stableClientRequestTypes.ts";
import type { ParsedAgentConfig } from "./agentConfig.ts";
import type { CodexBackend } from "./codexBackend.ts";
import type { CodexTurnOptions } from "./codexAgentRunnerOptions.ts";
import type { StructuredOutput } from "./structuredOutput.ts";

/** Starts a piece of work; resolves with its turn id, or undefined when it comes only with turn/started. */
export type WorkStarter = (signal: AbortSignal) => Promise<string | undefined>;

/** What starting work needs from its runner (each read when the work starts). */
export interface WorkStarterHost {
  /** The runner's parsed configuration. */
  config(): ParsedAgentConfig;
  /** The thread id, opening the thread first if needed. */
  loadedThreadId(): Promise<string>;
  /** The connection of a running backend (a new backend's when the runner's has died). */
  liveConnection(): Promise<ProtocolConnection>;
  /** The runner's backend as it is now. */
  backend(): CodexBackend;
  /** Options that make a request a child span of the running turn's. */
  requestOptions(): RequestOptions;
}

/** A turn of `prompt` (`turn/start`), with the output schema of `output` or `options`. */
export function turnStarter(host: WorkStarterHost, prompt: string, options: CodexTurnOptions, output: StructuredOutput<unknown> | undefined): WorkStarter {
  return async (signal) => {
    const threadId = await host.loadedThreadId();
    const outputSchema = output ? output.jsonSchema : (options.outputSchema as Record<string, unknown> | undefined);
    const connection = await host.liveConnection();
    // The caller has been told the turn ended (deadline, abort, close): start nothing.
    signal.throwIfAborted();
    const { turn } = await connection.request("turn/start", {
      threadId,
      input: [{ type: "text", text: prompt, text_elements: [] }],
      ...(host.config().reasoningEffort ? { effort: host.config().reasoningEffort } : {}),
      ...(outputSchema ? { outputSchema } : {}),
    }, host.requestOptions());
    return turn.id;
  };
}

/** A compaction of thread `threadId`; its turn id comes only with its turn/started. */
export function compactStarter(host: WorkStarterHost, threadId: string): WorkStarter {
  return async (signal) => {
    const connection = await host.liveConnection();
    signal.throwIfAborted();
    await connection.request("thread/compact/start", { threadId }, host.requestOptions());
    return undefined;
  };
}

/** A review of `target` on thread `threadId`, delivered inline; its turn id comes with the answer. */
export function reviewStarter(host: WorkStarterHost, threadId: string, target: ReviewTarget): WorkStarter {
  return async (signal) => {
    await host.liveConnection();
    signal.throwIfAborted();
    return (await host.backend().request("review/start", { threadId, target })).turn.id;
  };
}
