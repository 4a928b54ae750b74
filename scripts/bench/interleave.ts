/**
 * Runs the sides of one benchmark row in rounds, each side once per round, alternating the order
 * (A B C, C B A, ...) so that drift and order effects hit every side alike; warm-up rounds first.
 */

/**
 * Measures one repetition and returns its duration in milliseconds (setup and teardown left
 * out); `round` is negative in warm-up rounds.
 */
export type Measurement = (round: number) => Promise<number>;

/** Samples of each side, index i of every side taken in round i. */
export type RoundSamples<K extends string> = Record<K, number[]>;

/** Runs `warmups` unrecorded rounds and `rounds` recorded ones of every side in `sides`. */
export async function interleave<K extends string>(
  sides: Readonly<Record<K, Measurement>>,
  rounds: number,
  warmups: number,
): Promise<RoundSamples<K>> {
  const names = Object.keys(sides) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as RoundSamples<K>;
  for (let round = -warmups; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const ms = await sides[name](round);
      if (round >= 0) samples[name].push(ms);
    }
  }
  return samples;
}

/** Times `work` in milliseconds. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}
