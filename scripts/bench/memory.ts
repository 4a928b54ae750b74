/**
 * Peak memory of N conversations at once, each side from nothing: the floor and codex-rpc start
 * their app-server inside the window, the SDK spawns a `codex exec` per conversation. The peak is
 * the client's own resident growth plus every codex process it spawned, sampled together.
 */
import type { BenchEnvironment } from "./environment.ts";
import { interleave } from "./interleave.ts";
import { startCodexRpc, startFloor, startSdk, type Client, type SideName } from "./sides.ts";
import { collectGarbage } from "./gc.ts";
import type { TreeMemoryPeak, TreeMemorySampler } from "./treeMemory.ts";

/** The peaks of every recorded round, by side. */
export type MemoryResult = Record<SideName, TreeMemoryPeak[]>;

/** `rounds` interleaved rounds (after one warm-up) of `conversations` new conversations at once, one turn each. */
export async function measurePeakMemory(
  env: BenchEnvironment,
  sampler: TreeMemorySampler,
  conversations: number,
  rounds: number,
): Promise<MemoryResult> {
  const result: MemoryResult = { floor: [], "codex-rpc": [], sdk: [] };
  const starters: Record<SideName, () => Promise<Client>> = {
    floor: () => startFloor(env),
    "codex-rpc": () => startCodexRpc(env),
    sdk: async () => startSdk(env),
  };
  let serial = 0;
  const measure = (side: SideName) => async (round: number) => {
    collectGarbage();
    let client: Client | undefined;
    const started = performance.now();
    const peak = await sampler.peakOf(async () => {
      client = await starters[side]();
      await Promise.all(Array.from({ length: conversations }, () => client!.converse(`memory ${serial++}`)));
    });
    const ms = performance.now() - started;
    await client?.close();
    if (round >= 0) result[side].push(peak);
    return ms;
  };
  await interleave({ floor: measure("floor"), "codex-rpc": measure("codex-rpc"), sdk: measure("sdk") }, rounds, 1);
  return result;
}
