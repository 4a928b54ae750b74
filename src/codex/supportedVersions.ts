/**
 * The codex versions codex-rpc is tested against (the integration suite runs on each:
 * `npm run test:versions`). Older binaries are refused at start; newer ones get one warning.
 */

/** Every codex version the suite runs against, oldest first. */
export const SUPPORTED_CODEX_VERSIONS = ["0.169.0", "0.171.0"] as const;

/** The oldest supported codex version; an older binary fails start with UNSUPPORTED_VERSION. */
export const MIN_SUPPORTED_CODEX_VERSION = SUPPORTED_CODEX_VERSIONS[0];

/** The newest tested codex version; a newer binary starts with a warning. */
export const MAX_TESTED_CODEX_VERSION = SUPPORTED_CODEX_VERSIONS[SUPPORTED_CODEX_VERSIONS.length - 1]!;
