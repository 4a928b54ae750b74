/**
 * `npx tsx scripts/benchProbe.ts [N]`: what the liveness probe costs, with the real codex binary
 * against the model on loopback in a hermetic home. Reports the round trip of the probe request
 * (`thread/loaded/list`) idle and while a turn waits on a slow model, and the wall time of N
 * healthy turns with the silence watch off, at its default (30 s: a short turn never probes), and
 * probing after every 20 ms of silence (the worst case), alternating so machine load hits all alike.
 */
import { CodexAgentSessionFactory } from "../src/codex/codexAgentSessionFactory.ts";
import type { CodexBackendConfig } from "../src/codex/codexBackend.ts";
import { createHermeticCodexHome } from "../src/testing/hermeticCodexHome.ts";
import { defaultResponder, LoopbackModel } from "../src/testing/loopbackModel.ts";

const turns = Number(process.argv[2] ?? 30);
const SLOW_MS = 300;

const model = await LoopbackModel.start({
  respond: async (request) => {
    if (request.lastUserText?.startsWith("slow")) await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    return defaultResponder(request);
  },
});
const home = await createHermeticCodexHome({ modelBaseUrl: model.baseUrl });

const quantiles = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(3)} ms, p95 ${at(0.95).toFixed(3)} ms (n=${values.length})`;
};

async function session(livenessProbe: CodexBackendConfig["livenessProbe"]) {
  let probes = 0;
  const factory = new CodexAgentSessionFactory({
    env: home.env,
    livenessProbe,
    onTraffic: (direction, message) => {
      if (direction === "c2s" && (message as { method?: string }).method === "thread/loaded/list") probes++;
    },
  });
  const runner = await factory.runner({ workingDirectory: home.workDir });
  await runner.turn("warm up");
  return { factory, runner, probes: () => probes };
}

try {
  // Round trip of the probe request itself.
  const { factory, runner } = await session(false);
  const connection = factory.backend.connection;
  const idle: number[] = [];
  for (let i = 0; i < 500; i++) {
    const started = performance.now();
    await connection.sendRaw("thread/loaded/list", { limit: 1 });
    if (i >= 50) idle.push(performance.now() - started);
  }
  console.log(`probe round trip, idle server:            ${quantiles(idle)}`);
  const busy: number[] = [];
  for (let i = 0; i < 10; i++) {
    const requests = model.requests.length;
    const turn = runner.turn(`slow ${i}`);
    await model.waitForRequests(requests + 1);
    for (let j = 0; j < 20; j++) {
      const started = performance.now();
      await connection.sendRaw("thread/loaded/list", { limit: 1 });
      busy.push(performance.now() - started);
    }
    await turn;
  }
  console.log(`probe round trip, turn waiting on model:  ${quantiles(busy)}`);
  await factory.close();

  // Healthy turns with the watch off, at its default, and probing at every pause.
  const variants = { off: await session(false), default: await session(undefined), every20ms: await session({ afterSilenceSeconds: 0.02 }) };
  const times: Record<string, number[]> = { off: [], default: [], every20ms: [] };
  for (let i = 0; i < turns; i++) {
    for (const [name, variant] of Object.entries(variants)) {
      const started = performance.now();
      await variant.runner.turn(`slow turn ${i}`);
      times[name]!.push(performance.now() - started);
    }
  }
  for (const [name, variant] of Object.entries(variants)) {
    console.log(`turn (model answers after ${SLOW_MS} ms), watch ${name.padEnd(9)}: ${quantiles(times[name]!)}, probes sent ${variant.probes()}`);
    await variant.factory.close();
  }
} finally {
  await model.close();
  await home.dispose();
}
