/**
 * Transport and protocol throughput, in process: the same bytes through codex-rpc's reader,
 * vscode-jsonrpc connection and zod validation, against the floor of splitting them on newlines
 * and `JSON.parse` in one loop.
 */
import { PassThrough } from "node:stream";
import { AbstractMessageWriter, type Message } from "vscode-jsonrpc/node";
import { checkEnvelope } from "../../src/protocol/envelope.ts";
import { ProtocolConnection } from "../../src/protocol/protocolConnection.ts";
import { JsonlMessageReader } from "../../src/transport/jsonlMessageReader.ts";

const COUNT = 100_000;
const CHUNK_BYTES = 64 * 1024;

class NullWriter extends AbstractMessageWriter {
  async write(_message: Message): Promise<void> {}
  end(): void {}
}

function deltaLines(): string[] {
  return Array.from({ length: COUNT }, (_, i) =>
    JSON.stringify({ method: "item/agentMessage/delta", params: { threadId: "t", turnId: "u", itemId: "i", delta: `word${i} ` }, emittedAtMs: 1 }),
  );
}

function mixedLines(): string[] {
  const output = "x".repeat(4000);
  const usage = { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningOutputTokens: 0, totalTokens: 2 };
  return Array.from({ length: COUNT }, (_, i) =>
    JSON.stringify(
      i % 3 === 0
        ? { method: "item/completed", params: { threadId: "t", turnId: "u", completedAtMs: 1, item: { type: "commandExecution", id: `c${i}`, command: "ls", cwd: "/w", status: "completed", commandActions: [], exitCode: 0, aggregatedOutput: output, durationMs: 3 } } }
        : i % 3 === 1
          ? { method: "thread/tokenUsage/updated", params: { threadId: "t", turnId: "u", tokenUsage: { last: usage, total: usage } } }
          : { method: "item/agentMessage/delta", params: { threadId: "t", turnId: "u", itemId: "i", delta: "some words " } },
    ),
  );
}

function chunks(lines: string[]): Buffer[] {
  const all = Buffer.from(`${lines.join("\n")}\n`);
  const out: Buffer[] = [];
  for (let i = 0; i < all.length; i += CHUNK_BYTES) out.push(all.subarray(i, i + CHUNK_BYTES));
  return out;
}

function floor(data: Buffer[]): number {
  const started = performance.now();
  let pending = "";
  let count = 0;
  for (const chunk of data) {
    pending += chunk.toString("utf8");
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      JSON.parse(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      count++;
    }
  }
  if (count !== COUNT) throw new Error(`floor read ${count}`);
  return performance.now() - started;
}

async function ours(data: Buffer[]): Promise<number> {
  const stream = new PassThrough({ highWaterMark: CHUNK_BYTES });
  const reader = new JsonlMessageReader(stream, { checkMessage: checkEnvelope });
  const connection = new ProtocolConnection({ reader, writer: new NullWriter() });
  let count = 0;
  const done = new Promise<void>((resolve) =>
    connection.onNotification(() => {
      if (++count === COUNT) resolve();
    }),
  );
  const started = performance.now();
  for (const chunk of data) if (!stream.write(chunk)) await new Promise((resolve) => stream.once("drain", resolve));
  await done;
  const elapsed = performance.now() - started;
  connection.close();
  return elapsed;
}

/** Messages per second of both sides for two streams; median of 3 runs each, interleaved. */
export async function measureThroughput(): Promise<{ name: string; floorPerSecond: number; oursPerSecond: number; heapGrowthMb: number }[]> {
  const results = [];
  for (const [name, lines] of [["agent-message deltas", deltaLines()], ["mixed (1/3 items with 4 KB output)", mixedLines()]] as const) {
    const data = chunks(lines);
    const floors: number[] = [];
    const oursTimes: number[] = [];
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 3; i++) {
      floors.push(floor(data));
      oursTimes.push(await ours(data));
    }
    globalThis.gc?.();
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    results.push({ name, floorPerSecond: COUNT / (median(floors) / 1000), oursPerSecond: COUNT / (median(oursTimes) / 1000), heapGrowthMb });
  }
  return results;
}
