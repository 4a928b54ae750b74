/** The `format`s the generated app-server schema uses, taught to an ajv instance. */
import type { Ajv } from "ajv";

/** Rust integer widths the generator writes as `format`, with the range each allows. */
export const INTEGER_FORMATS: Readonly<Record<string, readonly [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint16: [0, 2 ** 16 - 1],
  uint32: [0, 2 ** 32 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  uint: [0, Number.MAX_SAFE_INTEGER],
};

/** Adds the integer formats (range-checked) and `double`/`float` (any number) to `ajv`. */
export function addProtocolFormats(ajv: Ajv): void {
  for (const [name, [min, max]] of Object.entries(INTEGER_FORMATS)) {
    ajv.addFormat(name, { type: "number", validate: (n: number) => Number.isInteger(n) && n >= min && n <= max });
  }
  ajv.addFormat("double", { type: "number", validate: () => true });
  ajv.addFormat("float", { type: "number", validate: () => true });
}
