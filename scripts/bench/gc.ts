/** A full garbage collection on demand, without `--expose-gc` on the command line. */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/** Collects garbage twice (the second pass catches what finalizers released); returns heapUsed in bytes. */
export function collectGarbage(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}
