/**
 * Connects to a JSON-RPC peer over a WebSocket (ws://, wss://, or WebSocket over a unix socket)
 * and exposes the connection as a vscode-jsonrpc reader/writer pair, with a deadline on the
 * opening handshake, keepalive pings (a missed pong closes the link), no `Origin` header (a
 * server that checks it refuses one), and its end reported once with the close code and reason.
 */
import { connect as netConnect } from "node:net";
import { WebSocket, type ClientOptions } from "ws";
import { WebSocketMessageReader, type WebSocketMessageReaderOptions } from "./webSocketMessageReader.ts";
import { WebSocketMessageWriter, type WebSocketMessageWriterOptions } from "./webSocketMessageWriter.ts";

/** Default deadline of the opening handshake (TCP or socket connect, HTTP upgrade), in milliseconds. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
/** Default interval between keepalive pings, in milliseconds; a ping unanswered by the next one closes the link. */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 15_000;
/** Default largest message accepted, in bytes (ws's own default, 100 MiB, is too small for some thread histories). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024 * 1024;
/** How long {@link WebSocketTransport.close} waits for the peer's closing handshake before cutting the link, in milliseconds. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 2000;
/** Bytes of a refused handshake's response body kept for the error message. */
const REFUSAL_BODY_MAX_BYTES = 512;

/** Options of {@link connectWebSocket}. */
export interface WebSocketTransportOptions {
  /** `ws://host:port/path` or `wss://...`; with `socketPath`, only its path is used. */
  readonly url: string;
  /** Connect over this unix socket instead of TCP (the HTTP upgrade goes over it). */
  readonly socketPath?: string;
  /** Extra request headers of the upgrade (e.g. `Authorization`); never logged here. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Deadline of the opening handshake, in ms; default {@link DEFAULT_HANDSHAKE_TIMEOUT_MS}. */
  readonly handshakeTimeoutMs?: number;
  /** Interval between keepalive pings, in ms; 0 turns them off; default {@link DEFAULT_KEEPALIVE_INTERVAL_MS}. */
  readonly keepaliveIntervalMs?: number;
  /** Largest message accepted, in bytes; default {@link DEFAULT_MAX_PAYLOAD_BYTES}. */
  readonly maxPayloadBytes?: number;
  /** Passed to the reader: returns why a decoded object is not a valid message, or undefined. */
  readonly checkMessage?: WebSocketMessageReaderOptions["checkMessage"];
  /** Passed to the reader: sees each message read and its frame text. */
  readonly onMessageRead?: WebSocketMessageReaderOptions["onMessageRead"];
  /** Passed to the reader: removes secrets from rejected frames before they are cut. */
  readonly redact?: WebSocketMessageReaderOptions["redact"];
  /** Passed to the writer: sees each message written and its frame text. */
  readonly onMessageWritten?: WebSocketMessageWriterOptions["onMessageWritten"];
  /** Receives what the reader's and writer's callbacks throw; default: a process warning, once per callback. */
  readonly onCallbackError?: WebSocketMessageWriterOptions["onCallbackError"];
  /** Gives up the handshake (failure `aborted`); no effect once the link is open. */
  readonly signal?: AbortSignal;
}

/** How a WebSocket link ended. */
export interface WebSocketCloseInfo {
  /** The close code: 1000 normal, 1001 going away, 1006 lost without a closing handshake, ... */
  readonly code: number;
  /** The peer's close reason, or why this side cut the link (a missed pong, say); may be empty. */
  readonly reason: string;
  /** The socket error that ended the link, if one did. */
  readonly error?: Error;
  /** True when this side asked for the close (close() or the writer's end()). */
  readonly byClient: boolean;
}

/** Why {@link connectWebSocket} failed: `refused` (an HTTP answer instead of the upgrade), `unreachable`, `timeout`, `aborted` (the signal), or `invalid` (a bad URL). */
export type WebSocketConnectFailure = "refused" | "unreachable" | "timeout" | "aborted" | "invalid";

/** The link could not be opened; `failure` says how, `statusCode` is the HTTP status of a refusal. */
export class WebSocketConnectError extends Error {
  override readonly name = "WebSocketConnectError";
  constructor(
    readonly failure: WebSocketConnectFailure,
    message: string,
    readonly statusCode?: number,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** An open WebSocket link with its reader/writer pair; see {@link connectWebSocket}. */
export interface WebSocketTransport {
  /** Messages from the peer. */
  readonly reader: WebSocketMessageReader;
  /** Messages to the peer. */
  readonly writer: WebSocketMessageWriter;
  /** Resolves (never rejects) once the link has closed, for whatever reason. */
  readonly closed: Promise<WebSocketCloseInfo>;
  /** How the link ended, once `closed` has resolved. */
  readonly closeInfo: WebSocketCloseInfo | undefined;
  /** Closes normally (code 1000), cutting the link if the peer does not answer within `timeoutMs`; idempotent. */
  close(options?: { readonly timeoutMs?: number }): Promise<WebSocketCloseInfo>;
  /** Whether the connection keeps the caller's event loop alive (default true); off, a script whose work is done exits. */
  keepAlive(alive: boolean): void;
}

/**
 * Opens the link; resolves once the upgrade succeeded. Rejects with a
 * {@link WebSocketConnectError}: `refused` with the HTTP status (401, 403...), `unreachable`
 * (connection refused, no such socket), `timeout` after the handshake deadline, or `invalid`.
 */
export function connectWebSocket(options: WebSocketTransportOptions): Promise<WebSocketTransport> {
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const clientOptions: ClientOptions = {
    headers: { ...options.headers },
    maxPayload: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    // Compression costs CPU on both ends for little gain on loopback or a LAN; the server need not support it.
    perMessageDeflate: false,
    followRedirects: false,
    ...(options.socketPath !== undefined ? { createConnection: () => netConnect({ path: options.socketPath! }) } : {}),
  };
  let socket: WebSocket;
  try {
    socket = new WebSocket(options.url, clientOptions);
  } catch (error) {
    return Promise.reject(new WebSocketConnectError("invalid", `Cannot connect: ${(error as Error).message}`, undefined, { cause: error }));
  }
  return new Promise<WebSocketTransport>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => fail(new WebSocketConnectError("aborted", "The WebSocket handshake was given up.", undefined, { cause: options.signal?.reason }));
    const fail = (error: WebSocketConnectError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      options.signal?.removeEventListener("abort", onAbort);
      reject(error);
      socket.terminate();
    };
    const deadline = setTimeout(
      () => fail(new WebSocketConnectError("timeout", `The WebSocket handshake did not complete within ${handshakeTimeoutMs} ms.`)),
      handshakeTimeoutMs,
    );
    deadline.unref();
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    // Listening for good: a socket error without a listener would crash the caller.
    socket.on("error", (error: Error & { code?: string }) => {
      if (!settled) fail(new WebSocketConnectError("unreachable", `Cannot connect: ${error.message}`, undefined, { cause: error }));
    });
    socket.once("unexpected-response", (request, response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const refuse = (): void => {
        const body = Buffer.concat(chunks).toString("utf8").trim();
        const status = response.statusCode ?? 0;
        fail(new WebSocketConnectError("refused", `The server refused the WebSocket upgrade with HTTP ${status}${body ? ` (${body})` : ""}.`, status));
        request.destroy();
      };
      response.on("data", (chunk: Buffer) => {
        if (size < REFUSAL_BODY_MAX_BYTES) chunks.push(chunk.subarray(0, REFUSAL_BODY_MAX_BYTES - size));
        size += chunk.length;
      });
      // Listening for good: a reset after the refusal must not become an uncaught error.
      response.on("error", refuse);
      response.once("end", refuse);
      response.once("close", refuse);
    });
    // The socket under the WebSocket, for ref/unref: the upgrade response carries it.
    let raw: { ref(): unknown; unref(): unknown } | undefined;
    socket.once("upgrade", (response) => {
      raw = response.socket;
    });
    socket.once("open", () => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(openTransport(socket, options, raw));
    });
  });
}

function openTransport(socket: WebSocket, options: WebSocketTransportOptions, raw: { ref(): unknown; unref(): unknown } | undefined): WebSocketTransport {
  // Made at once, inside the 'open' handler: no message can arrive before the reader listens.
  const reader = new WebSocketMessageReader(socket, {
    ...(options.checkMessage ? { checkMessage: options.checkMessage } : {}),
    ...(options.onMessageRead ? { onMessageRead: options.onMessageRead } : {}),
    ...(options.redact ? { redact: options.redact } : {}),
    ...(options.onCallbackError ? { onCallbackError: options.onCallbackError } : {}),
  });
  const writer = new WebSocketMessageWriter(socket, {
    ...(options.onMessageWritten ? { onMessageWritten: options.onMessageWritten } : {}),
    ...(options.onCallbackError ? { onCallbackError: options.onCallbackError } : {}),
  });
  let closeInfo: WebSocketCloseInfo | undefined;
  let lastError: Error | undefined;
  let cutReason: string | undefined;
  let byClient = false;
  let resolveClosed: (info: WebSocketCloseInfo) => void = () => {};
  const closed = new Promise<WebSocketCloseInfo>((resolve) => {
    resolveClosed = resolve;
  });

  const keepaliveMs = options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS;
  let awaitingPong = false;
  const keepalive =
    keepaliveMs > 0
      ? setInterval(() => {
          if (awaitingPong) {
            // Checked once more after pending I/O: after a stall of this process's event loop the
            // timer runs before a pong that has already arrived is read.
            setImmediate(() => {
              if (!awaitingPong) return;
              cutReason = `no pong within ${keepaliveMs} ms of a ping: the peer or the network is gone`;
              socket.terminate();
            });
            return;
          }
          awaitingPong = true;
          socket.ping();
        }, keepaliveMs)
      : undefined;
  keepalive?.unref();
  const alive = (): void => {
    awaitingPong = false;
  };
  socket.on("pong", alive);
  // A large message in flight delays the pong behind it; any traffic shows the peer is alive.
  socket.on("message", alive);

  socket.on("error", (error: Error) => {
    lastError ??= error;
  });
  socket.once("close", (code: number, reason: Buffer) => {
    clearInterval(keepalive);
    closeInfo = {
      code,
      reason: cutReason ?? (reason.length > 0 ? reason.toString("utf8") : lastError?.message ?? ""),
      ...(lastError ? { error: lastError } : {}),
      byClient: byClient || writer.ended,
    };
    resolveClosed(closeInfo);
  });

  let closing: Promise<WebSocketCloseInfo> | undefined;
  const close = (closeOptions: { readonly timeoutMs?: number } = {}): Promise<WebSocketCloseInfo> => {
    closing ??= (async () => {
      if (closeInfo) return closeInfo;
      byClient = true;
      if (socket.readyState === socket.OPEN) socket.close(1000, "client closed");
      const timer = setTimeout(() => socket.terminate(), closeOptions.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
      timer.unref();
      const info = await closed;
      clearTimeout(timer);
      return info;
    })();
    return closing;
  };

  return {
    reader,
    writer,
    closed,
    get closeInfo() {
      return closeInfo;
    },
    close,
    keepAlive: (alive) => {
      if (alive) raw?.ref();
      else raw?.unref();
    },
  };
}
