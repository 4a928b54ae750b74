/**
 * The validators of `backend.request()`, shared by every backend of the process so that each is
 * compiled once. The schema they read, protocol/stableClientRequests.schema.json, ships in the
 * package next to dist/ (and src/): it is loaded on the first request that needs it.
 */
import { createRequire } from "node:module";
import { ProtocolError } from "../errors.ts";
import { StableRequestValidators, type StableRequestSchema } from "../protocol/stableRequestValidators.ts";

/** Path of the runtime schema, relative to this module (src/codex/ or dist/codex/). */
const SCHEMA_FILE = "../../protocol/stableClientRequests.schema.json";

let shared: StableRequestValidators | undefined;

/** The process-wide validators (created on first call; the file is read on first validation). */
export function stableRequestValidators(): StableRequestValidators {
  shared ??= new StableRequestValidators(() => {
    try {
      return createRequire(import.meta.url)(SCHEMA_FILE) as StableRequestSchema;
    } catch (error) {
      throw new ProtocolError(
        `codex-rpc cannot read its protocol schema (${SCHEMA_FILE} next to its code): ${error instanceof Error ? error.message : String(error)}. ` +
          "The package is incomplete: reinstall codex-rpc.",
        undefined,
        { cause: error },
      );
    }
  });
  return shared;
}
