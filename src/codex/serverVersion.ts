/**
 * The app-server's version, read from `initialize`'s `userAgent`
 * (`<clientInfo.name>/<version> (<os>; <arch>) <terminal> (<clientInfo.name>; <clientInfo.version>)`;
 * on a server shared by several clients the name in front is the first client's, not ours), and
 * judged against the supported range: older is an error, newer or unreadable a warning.
 */
import { UnsupportedVersionError } from "../errors.ts";
import { MAX_TESTED_CODEX_VERSION, MIN_SUPPORTED_CODEX_VERSION } from "./supportedVersions.ts";

/** A warning of a backend: something to tell a person, not a failure. */
export interface CodexBackendWarning {
  /** `VERSION_UNTESTED`: newer than the tested range; `VERSION_UNKNOWN`: the version could not be read. */
  readonly code: "VERSION_UNTESTED" | "VERSION_UNKNOWN";
  readonly message: string;
}

const SEMVER = String.raw`(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?`;

/** The codex version in a `userAgent`, or undefined when there is none to read. */
export function parseServerVersion(userAgent: string, clientName?: string): string | undefined {
  // Our own name first (it may hold spaces or slashes), then whatever name leads (another client's).
  const candidates = clientName && userAgent.startsWith(`${clientName}/`) ? [userAgent.slice(clientName.length + 1)] : [];
  const firstSlash = userAgent.indexOf("/");
  if (firstSlash >= 0) candidates.push(userAgent.slice(firstSlash + 1));
  for (const rest of candidates) {
    const match = new RegExp(`^${SEMVER}(?=$|[\\s(;])`).exec(rest);
    if (match) return match[0];
  }
  return undefined;
}

/** Compares two versions `x.y.z[-pre]`: negative, zero or positive; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const pa = new RegExp(`^${SEMVER}$`).exec(a);
  const pb = new RegExp(`^${SEMVER}$`).exec(b);
  if (!pa || !pb) throw new RangeError(`not a version: ${pa ? b : a}`);
  for (let i = 1; i <= 3; i++) {
    const diff = Number(pa[i]) - Number(pb[i]);
    if (diff !== 0) return diff;
  }
  if (pa[4] === pb[4]) return 0;
  if (pa[4] === undefined) return 1;
  if (pb[4] === undefined) return -1;
  return pa[4] < pb[4] ? -1 : 1;
}

/** The supported range for messages: "0.169.0 to 0.171.0". */
export function supportedRangeText(): string {
  return `${MIN_SUPPORTED_CODEX_VERSION} to ${MAX_TESTED_CODEX_VERSION}`;
}

/**
 * Reads the version from `userAgent` and judges it: throws UNSUPPORTED_VERSION below the range,
 * returns a warning above it or when unreadable, and the version (undefined if unreadable).
 */
export function checkServerVersion(options: { readonly userAgent: string; readonly clientName?: string; readonly binary: string }): {
  readonly version: string | undefined;
  readonly warning?: CodexBackendWarning;
} {
  const version = parseServerVersion(options.userAgent, options.clientName);
  if (version === undefined) {
    return {
      version,
      warning: {
        code: "VERSION_UNKNOWN",
        message: `codex-rpc could not read the app-server's version from its userAgent ${JSON.stringify(options.userAgent)} (${options.binary}); going on, but it supports only ${supportedRangeText()}.`,
      },
    };
  }
  if (compareVersions(version, MIN_SUPPORTED_CODEX_VERSION) < 0) throw new UnsupportedVersionError(options.binary, version, supportedRangeText());
  if (compareVersions(version, MAX_TESTED_CODEX_VERSION) > 0) {
    return {
      version,
      warning: {
        code: "VERSION_UNTESTED",
        message: `The codex app-server ${options.binary} is version ${version}, newer than codex-rpc is tested with (${supportedRangeText()}); going on. Run \`codex-rpc check --codex-bin ${options.binary} --schema-from-binary\` to see what changed.`,
      },
    };
  }
  return { version };
}
