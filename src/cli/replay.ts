/**
 * Serves a recorded transcript as a fake app-server, so a recorded session becomes a
 * deterministic test fixture. The recording is cut into segments, one per client message
 * (request, notification, or answer to a server request), each holding what the server sent
 * after that message and before the next one. When the live client sends a message, the next
 * unused recorded message of the same kind is matched (requests and notifications by method, in
 * order; answers by the server request's id) and its segment is sent: responses with their ids
 * rewritten to the client's, notifications and server requests as recorded. A request the
 * recording cannot answer gets a JSON-RPC error, never silence.
 */
import { LineSplitter } from "./lineSplitter.ts";
import { isMessageEntry, type TranscriptEntry } from "./transcript.ts";
import { jsonText } from "../protocol/redaction.ts";

/** JSON-RPC error code of a request the recording has no answer for (the app-server's "invalid request"). */
export const REPLAY_NO_ANSWER_CODE = -32600;

/** Options of {@link replayTranscript}. */
export interface ReplayOptions {
  /** What the client writes (the fake server's stdin). */
  readonly input: NodeJS.ReadableStream;
  /** Where the client reads (the fake server's stdout). Not ended by the replay. */
  readonly output: NodeJS.WritableStream;
  /** Called with each client message that matched nothing in the recording. */
  readonly onUnmatched?: (message: unknown) => void;
  /** Stops serving (as if `input` had ended, without reading what is left); the promise resolves with the stats so far. */
  readonly signal?: AbortSignal;
}

/** What a replay did, once the client closed its side. */
export interface ReplayStats {
  /** Client messages matched to the recording. */
  readonly matched: number;
  /** Client messages that matched nothing (requests among them were answered with an error). */
  readonly unmatched: number;
  /** Server messages sent. */
  readonly sent: number;
  /** Recorded client messages never matched, by kind and method, e.g. "request turn/start". */
  readonly unused: readonly string[];
}

type Kind = "request" | "notification" | "response";

interface Segment {
  readonly kind: Kind;
  readonly key: string;
  readonly recordedId: unknown;
  readonly label: string;
  readonly followers: unknown[];
}

/** A recording prepared for replay; one-shot (segments are used up). */
export class ReplayScript {
  /** Server messages recorded before the client sent anything. */
  readonly leading: unknown[] = [];
  private readonly queues = new Map<string, Segment[]>();
  private readonly idMap = new Map<string, unknown>();

  constructor(entries: readonly TranscriptEntry[]) {
    let current: Segment | undefined;
    for (const entry of entries) {
      if (!isMessageEntry(entry) || !isObject(entry.msg)) continue;
      if (entry.dir === "s2c") {
        (current ? current.followers : this.leading).push(entry.msg);
        continue;
      }
      const kind = kindOf(entry.msg);
      current = { kind, key: keyOf(kind, entry.msg), recordedId: entry.msg.id, label: labelOf(kind, entry.msg), followers: [] };
      const queue = this.queues.get(current.key) ?? [];
      queue.push(current);
      this.queues.set(current.key, queue);
    }
  }

  /**
   * Takes one client message; returns the server messages to send in reply, or undefined when
   * the recording has nothing for it (then a request needs an error answer).
   */
  answer(message: Record<string, unknown>): unknown[] | undefined {
    const kind = kindOf(message);
    const segment = this.queues.get(keyOf(kind, message))?.shift();
    if (!segment) return undefined;
    if (kind === "request") this.idMap.set(idKey(segment.recordedId), message.id);
    return segment.followers.map((follower) => this.rewrite(follower));
  }

  /** Recorded client messages not used yet. */
  unused(): string[] {
    return [...this.queues.values()].flat().map((segment) => segment.label);
  }

  private rewrite(message: unknown): unknown {
    if (!isObject(message) || kindOf(message) !== "response") return message;
    const key = idKey(message.id);
    return this.idMap.has(key) ? { ...message, id: this.idMap.get(key) } : message;
  }
}

/**
 * Serves `entries` (a transcript) on `input`/`output` as a fake app-server until `input` ends or
 * `signal` aborts; resolves with what happened. Does NOT end `output`.
 */
export async function replayTranscript(entries: readonly TranscriptEntry[], options: ReplayOptions): Promise<ReplayStats> {
  const script = new ReplayScript(entries);
  const splitter = new LineSplitter();
  let matched = 0;
  let unmatched = 0;
  let sent = 0;
  const send = (message: unknown) => {
    sent++;
    options.output.write(`${jsonText(message)}\n`);
  };
  const onLine = (line: string) => {
    if (line.trim() === "") return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return; // the app-server ignores lines that are not JSON; so does the replay
    }
    if (!isObject(message)) return;
    const reply = script.answer(message);
    if (reply) {
      matched++;
      reply.forEach(send);
      return;
    }
    unmatched++;
    options.onUnmatched?.(message);
    if (kindOf(message) === "request") {
      send({
        id: message.id,
        error: { code: REPLAY_NO_ANSWER_CODE, message: `codex-rpc replay: the recording has no (more) answers to ${String(message.method)}` },
      });
    }
  };

  script.leading.forEach(send);
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer | string) => {
      for (const line of splitter.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk)) onLine(line);
    };
    const onEnd = () => {
      const rest = splitter.flush();
      if (rest !== undefined) onLine(rest);
      finish();
    };
    const onError = (error: unknown) => {
      finish();
      reject(error);
    };
    const onAbort = () => finish();
    const finish = () => {
      options.input.off("data", onData);
      options.input.off("end", onEnd);
      options.input.off("error", onError);
      options.signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    if (options.signal?.aborted) return finish();
    options.input.on("data", onData);
    options.input.once("end", onEnd);
    options.input.once("error", onError);
    options.signal?.addEventListener("abort", onAbort, { once: true });
  });
  return { matched, unmatched, sent, unused: script.unused() };
}

function kindOf(message: Record<string, unknown>): Kind {
  if (typeof message.method === "string") return "id" in message ? "request" : "notification";
  return "response";
}

function keyOf(kind: Kind, message: Record<string, unknown>): string {
  return kind === "response" ? `response ${idKey(message.id)}` : `${kind} ${String(message.method)}`;
}

function labelOf(kind: Kind, message: Record<string, unknown>): string {
  return kind === "response" ? `answer to server request ${idKey(message.id)}` : `${kind} ${String(message.method)}`;
}

function idKey(id: unknown): string {
  return JSON.stringify(id ?? null);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// What a test needs next to replayTranscript, reachable from the `codex-rpc/replay` entry point.
export { parseTranscript } from "./transcript.ts";
export type { TranscriptEntry } from "./transcript.ts";
