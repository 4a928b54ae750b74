/** The transport layer: a child process speaking newline-delimited JSON. Knows nothing of Codex. */
export { DEFAULT_CLOSE_GRACE_MS, DEFAULT_TERM_GRACE_MS, startChildProcess } from "./childProcessTransport.ts";
export type { ChildProcessTransport, ChildProcessTransportOptions, CloseOptions, SpawnFunction } from "./childProcessTransport.ts";
export { JsonlFrameError, JsonlMessageReader } from "./jsonlMessageReader.ts";
export type { JsonlMessageReaderOptions } from "./jsonlMessageReader.ts";
export { JsonlMessageWriter } from "./jsonlMessageWriter.ts";
export type { JsonlMessageWriterOptions } from "./jsonlMessageWriter.ts";
export { DEFAULT_STDERR_TAIL_BYTES, StderrTail } from "./stderrTail.ts";
export type { StderrTailOptions } from "./stderrTail.ts";
