/**
 * A quick measurement of one turn over each link: stdio (a child codex-rpc spawns), WebSocket on
 * 127.0.0.1 (with a capability token) and WebSocket over a unix socket, against the same pinned
 * binary, model on loopback and hermetic home. Sides are interleaved. Prints medians.
 * Run: node --import tsx scripts/benchRemote.ts   (BENCH_REPS, default 30)
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CodexAgentSessionFactory, resolveCodexBinary, type CodexBackendConfig } from "../src/index.ts";
import { createHermeticCodexHome, LoopbackModel, startListeningAppServer } from "../src/testing/index.ts";

const REPS = Number(process.env.BENCH_REPS ?? 30);
const codexBin = resolveCodexBinary({}).path;
const model = await LoopbackModel.start({ respond: () => ({ type: "message", text: "ok" }) });
const home = await createHermeticCodexHome({ modelBaseUrl: model.baseUrl });
const dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-bench-remote-"));
const tokenFile = path.join(dir, "token");
await writeFile(tokenFile, "bench-token-0123456789abcdef\n", { mode: 0o600 });
const wsServer = await startListeningAppServer({ codexBin, env: home.env, auth: { tokenFile } });
const unixServer = await startListeningAppServer({ codexBin, env: home.env, listen: `unix://${path.join(dir, "s.sock")}` });

const sides: Record<string, CodexBackendConfig> = {
  stdio: {},
  ws: { endpoint: wsServer.endpoint, auth: { tokenFile } },
  unix: { endpoint: unixServer.endpoint },
};
const factories = Object.fromEntries(
  await Promise.all(Object.entries(sides).map(async ([name, config]) => [name, await new CodexAgentSessionFactory({ env: home.env, ...config }).start()] as const)),
);
const runners = Object.fromEntries(
  await Promise.all(Object.entries(factories).map(async ([name, factory]) => [name, await factory.runner({ workingDirectory: home.workDir })] as const)),
);
const samples: Record<string, { next: number[]; first: number[] }> = {};
for (const name of Object.keys(sides)) {
  samples[name] = { next: [], first: [] };
  await runners[name]!.turn("warm up");
}
for (let i = 0; i < REPS; i++) {
  for (const name of Object.keys(sides)) {
    let started = performance.now();
    await runners[name]!.turn(`turn ${i}`);
    samples[name]!.next.push(performance.now() - started);
    started = performance.now();
    const fresh = await factories[name]!.runner({ workingDirectory: home.workDir });
    await fresh.turn("first");
    samples[name]!.first.push(performance.now() - started);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const base = { next: median(samples.stdio!.next), first: median(samples.stdio!.first) };
console.log(`| link | next turn (median ms) | vs stdio | new conversation + first turn (median ms) | vs stdio |`);
console.log(`|---|---|---|---|---|`);
for (const name of Object.keys(sides)) {
  const next = median(samples[name]!.next);
  const first = median(samples[name]!.first);
  console.log(`| ${name} | ${next.toFixed(1)} | ${(next / base.next).toFixed(3)}x | ${first.toFixed(1)} | ${(first / base.first).toFixed(3)}x |`);
}
console.log(`(${REPS} repetitions, interleaved; codex ${codexBin})`);
for (const factory of Object.values(factories)) await factory.close();
await wsServer.stop();
await unixServer.stop();
await model.close();
await home.dispose();
await rm(dir, { recursive: true, force: true });
