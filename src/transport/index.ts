/** The transport layer: a child process speaking newline-delimited JSON, or a WebSocket link. Knows nothing of Codex. */
export { DEFAULT_CLOSE_GRACE_MS, DEFAULT_TERM_GRACE_MS, startChildProcess } from "./childProcessTransport.ts";
export type { ChildProcessTransport, ChildProcessTransportOptions, CloseOptions, SpawnFunction } from "./childProcessTransport.ts";
export { JsonlFrameError, JsonlMessageReader } from "./jsonlMessageReader.ts";
export type { JsonlMessageReaderOptions } from "./jsonlMessageReader.ts";
export { JsonlMessageWriter } from "./jsonlMessageWriter.ts";
export type { JsonlMessageWriterOptions } from "./jsonlMessageWriter.ts";
export { DEFAULT_STDERR_TAIL_BYTES, StderrTail } from "./stderrTail.ts";
export type { StderrTailOptions } from "./stderrTail.ts";
export { WebSocketFrameError, WebSocketMessageReader } from "./webSocketMessageReader.ts";
export type { WebSocketMessageReaderOptions } from "./webSocketMessageReader.ts";
export { WebSocketMessageWriter } from "./webSocketMessageWriter.ts";
export type { WebSocketMessageWriterOptions } from "./webSocketMessageWriter.ts";
export {
  connectWebSocket,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_KEEPALIVE_INTERVAL_MS,
  DEFAULT_MAX_PAYLOAD_BYTES,
  WebSocketConnectError,
} from "./webSocketTransport.ts";
export type { WebSocketCloseInfo, WebSocketConnectFailure, WebSocketTransport, WebSocketTransportOptions } from "./webSocketTransport.ts";
