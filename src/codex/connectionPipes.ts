/**
 * The reader and writer a backend's ProtocolConnection gets from its link: without their close
 * events (the backend ends the connection itself, with the exit's details), a failed write
 * stopping the process; and the hooks that check each message crossing the pipe and show it to
 * `onTraffic`, `onStderrLine` and the debug log.
 */
import type { MessageReader, MessageWriter } from "vscode-jsonrpc/node";
import { guardCallback } from "../callbacks.ts";
import { checkEnvelope } from "../protocol/envelope.ts";
import type { Redactor } from "../protocol/redaction.ts";
import type { LinkHooks } from "./backendLink.ts";
import type { CodexBackendConfig, TrafficDirection } from "./codexBackendConfig.ts";
import { withDebugLogging } from "./debugLog.ts";

/**
 * The link's reader and writer for the connection: see {@link withoutCloseEvent} and
 * {@link failingOnExit}; `stop` ends a broken process, `exited` settles once its exit has been processed.
 */
export function connectionPipes(
  link: { readonly reader: MessageReader; readonly writer: MessageWriter },
  stop: () => void,
  exited: Promise<unknown>,
): { reader: MessageReader; writer: MessageWriter } {
  return { reader: withoutCloseEvent(link.reader), writer: failingOnExit(link.writer, stop, exited) };
}

/**
 * The hooks of a backend's link: the envelope check, the caller's `onTraffic` and `onStderrLine`
 * (guarded), and CODEX_RPC_DEBUG's redacted logging to stderr (debugLog.ts); with the traffic
 * listener in effect, if any.
 */
export function linkHooks(
  config: CodexBackendConfig,
  redactor: () => Redactor,
): { readonly hooks: LinkHooks; readonly onTraffic: ((direction: TrafficDirection, message: unknown, line: string) => void) | undefined } {
  // The caller's callbacks never break anything (callbacks.ts).
  const onTraffic = guardCallback("onTraffic", config.onTraffic, config.onCallbackError);
  const onStderrLine = guardCallback("onStderrLine", config.onStderrLine, config.onCallbackError);
  const logHooks = withDebugLogging({ ...(onTraffic ? { onTraffic } : {}), ...(onStderrLine ? { onStderrLine } : {}) }, redactor);
  const hooks = {
    checkMessage: checkEnvelope,
    ...(logHooks.onTraffic ? trafficHooks(logHooks.onTraffic) : {}),
    ...(logHooks.onStderrLine ? { onStderrLine: logHooks.onStderrLine } : {}),
  };
  return { hooks, onTraffic: logHooks.onTraffic };
}

/** The link hooks that hand each message read or written to `onTraffic`. */
function trafficHooks(onTraffic: (direction: TrafficDirection, message: unknown, line: string) => void) {
  return {
    onMessageRead: (message: unknown, line: string) => onTraffic("s2c", message, line),
    // The writer hands over the line with its newline; the log wants the JSON alone.
    onMessageWritten: (message: unknown, line: string) => onTraffic("c2s", message, line.endsWith("\n") ? line.slice(0, -1) : line),
  };
}

/**
 * The reader without its close event. The backend ends the connection itself once the process
 * has exited (with its exit code and stderr); a connection closed earlier, when stdout ends,
 * would make requests sent meanwhile throw a bare "Connection is closed".
 */
function withoutCloseEvent(reader: MessageReader): MessageReader {
  return {
    onError: reader.onError,
    onClose: () => ({ dispose: () => {} }),
    onPartialMessage: reader.onPartialMessage,
    listen: (callback) => reader.listen(callback),
    dispose: () => reader.dispose(),
  };
}

/**
 * The writer whose failed writes stop the process and reject only once it has exited, by when
 * the exit has already failed the request with BACKEND_EXITED (`exited` settles the backend
 * first: its handlers were registered before any write). Its close event is left out for the
 * reason given at {@link withoutCloseEvent}.
 */
function failingOnExit(writer: MessageWriter, stop: () => void, exited: Promise<unknown>): MessageWriter {
  return {
    onError: writer.onError,
    onClose: () => ({ dispose: () => {} }),
    dispose: () => writer.dispose(),
    end: () => writer.end(),
    write: (message) =>
      writer.write(message).catch(async (error: unknown) => {
        stop();
        await exited;
        throw error;
      }),
  };
}
