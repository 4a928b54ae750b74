/**
 * Removes secrets from what codex-rpc writes down: traffic logs and error messages. Values of
 * fields whose names look secret (tokens, keys, passwords, authorization), strings shaped like
 * credentials (API keys, bearer tokens, JWTs), the values of environment variables whose names
 * look secret, and the secret values of `-c` config overrides (also as a server prints them
 * escaped) are replaced by {@link REDACTED}. Apply it to whole texts, before cutting them.
 */

/** What a secret is replaced with. */
export const REDACTED = "[REDACTED]";

/** What a part of a value nested deeper than {@link MAX_REDACTION_DEPTH} levels is replaced with (it is not looked at). */
export const NESTED_TOO_DEEP = "[NESTED TOO DEEP: withheld]";

/** Levels of arrays and objects {@link Redactor.value} walks into; deeper parts become {@link NESTED_TOO_DEEP}. */
export const MAX_REDACTION_DEPTH = 100;

const SECRET_NAME = /(api[-_]?key|apikey|token|secret|passw(or)?d|authorization|auth[-_]?header|bearer|cookie|credential|private[-_]?key|access[-_]?key|session[-_]?key|client[-_]?secret)/i;

const SECRET_SHAPES: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{16,}/g, // OpenAI-style API keys
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, // authorization header values
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
  /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, // GitHub tokens
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack tokens
];

// NAME=value, name: value and "name": "value" (JSON in log lines) where the name looks secret.
const SECRET_ASSIGNMENT = /\b([A-Za-z0-9_.-]*(?:api[-_]?key|token|secret|passw(?:or)?d|credential|private[-_]?key|access[-_]?key)[A-Za-z0-9_.-]*)("?\s*[=:]\s*)("?)([^\s"',;]{4,})\3/gi;

/** Shortest environment value that is treated as a secret to look for (shorter ones match too much). */
const MIN_ENV_SECRET_LENGTH = 8;
/** Shortest value of a secret-keyed `-c` override looked for: the caller named it a secret. */
const MIN_OVERRIDE_SECRET_LENGTH = 4;

/** Redacts values and text; see the module comment. */
export interface Redactor {
  /** A deep copy of `value` with secrets replaced. */
  value<T>(value: T): T;
  /** `text` with secrets replaced. */
  text(text: string): string;
}

/** Options of {@link createRedactor}. */
export interface RedactorOptions {
  /** Environment whose secret-looking variables' values are hunted for; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Further literal secrets to remove. */
  readonly secrets?: readonly string[];
  /**
   * `-c key=value` overrides given to codex (`configOverrides`, `mcpConfigOverrides`): the values
   * of secret-looking keys (`...token=`, `...api_key=`, `http_headers`, `env={API_TOKEN=...}`) are
   * removed wherever they appear, as given or escaped once or twice (`\"...\"`).
   */
  readonly configOverrides?: readonly string[];
}

/** Makes a redactor that also knows the secret values of the given environment. */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const env = options.env ?? process.env;
  const literals = [
    ...Object.entries(env)
      .filter(([name, value]) => SECRET_NAME.test(name) && typeof value === "string" && value.length >= MIN_ENV_SECRET_LENGTH)
      .map(([, value]) => value!),
    ...(options.secrets ?? []).filter((secret) => secret.length > 0),
    ...overrideSecrets(options.configOverrides ?? []),
  ]
    .flatMap(escapedForms)
    .sort((a, b) => b.length - a.length);

  const text = (input: string): string => {
    let out = input;
    for (const literal of literals) if (out.includes(literal)) out = out.split(literal).join(REDACTED);
    for (const shape of SECRET_SHAPES) out = out.replace(shape, (match, scheme: string | undefined) =>
      /^(Bearer|Basic)\s/i.test(match) && scheme ? `${scheme} ${REDACTED}` : REDACTED,
    );
    return out.replace(SECRET_ASSIGNMENT, (match, name: string, sep: string, quote: string) =>
      isTokenCount(name) ? match : `${name}${sep}${quote}${REDACTED}${quote}`,
    );
  };

  // Recursive, but never deeper than MAX_REDACTION_DEPTH: JSON from a peer can nest 20 000 levels,
  // and what is below the cap is withheld rather than looked at (and the copy stays serialisable).
  const value = (input: unknown, key: string | undefined, depth: number): unknown => {
    if (typeof input === "string") return key !== undefined && SECRET_NAME.test(key) && input.length > 0 ? REDACTED : text(input);
    if (typeof input === "number" || typeof input === "bigint") return key !== undefined && SECRET_NAME.test(key) && !/tokens?$/i.test(key) ? REDACTED : input;
    if (input === null || typeof input !== "object") return input;
    if (depth >= MAX_REDACTION_DEPTH) return NESTED_TOO_DEEP;
    if (Array.isArray(input)) return input.map((item) => value(item, undefined, depth + 1));
    return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, isTokenCount(k) ? shallow(v) : value(v, k, depth + 1)]));
  };

  return { value: <T>(input: T) => value(input, undefined, 0) as T, text };
}

/** A token count is kept as is; were it an object nested without end, it is withheld like any other. */
function shallow(input: unknown): unknown {
  return input !== null && typeof input === "object" && jsonDepthExceeds(input, MAX_REDACTION_DEPTH) ? NESTED_TOO_DEEP : input;
}

/**
 * JSON text of `value`, as JSON.stringify gives it; a value nested too deep for that (JSON from a
 * peer can nest 20 000 levels; JSON.stringify overflows the stack) is written with its parts
 * below {@link MAX_REDACTION_DEPTH} levels replaced by {@link NESTED_TOO_DEEP}. Never throws for parsed JSON.
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return JSON.stringify(capDepth(value, 0));
  }
}

function capDepth(input: unknown, depth: number): unknown {
  if (input === null || typeof input !== "object") return input;
  if (depth >= MAX_REDACTION_DEPTH) return NESTED_TOO_DEEP;
  if (Array.isArray(input)) return input.map((item) => capDepth(item, depth + 1));
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, capDepth(v, depth + 1)]));
}

/** True when `input` nests arrays/objects more than `limit` levels deep; iterative, so any depth is safe. */
function jsonDepthExceeds(input: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[input, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== "object") continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
  }
  return false;
}

/** Path segments of an override that make all its string values secret (beyond {@link SECRET_NAME}). */
const SECRET_OVERRIDE_PATH = /headers/i;
/** `name = "value"` (or 'value') pairs inside an inline table of an override value. */
const OVERRIDE_PAIR = /(["']?)([A-Za-z0-9_.-]+)\1\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*')/g;
/** TOML strings, basic ("...") or literal ('...'). */
const TOML_STRING = /"(?:[^"\\]|\\.)*"|'[^']*'/g;

/** The secret values of `-c key=value` overrides; see {@link RedactorOptions.configOverrides}. */
function overrideSecrets(overrides: readonly string[]): string[] {
  const secrets: string[] = [];
  for (const override of overrides) {
    const equals = override.indexOf("=");
    if (equals === -1) continue;
    const key = override.slice(0, equals).trim();
    const rawValue = override.slice(equals + 1).trim();
    if (SECRET_NAME.test(key) || SECRET_OVERRIDE_PATH.test(key)) {
      const strings = rawValue.match(TOML_STRING);
      if (strings) secrets.push(...strings.map(tomlString));
      else secrets.push(rawValue);
    }
    for (const [, , name, quoted] of rawValue.matchAll(OVERRIDE_PAIR)) if (SECRET_NAME.test(name!)) secrets.push(tomlString(quoted!));
  }
  return secrets.filter((secret) => secret.length >= MIN_OVERRIDE_SECRET_LENGTH);
}

/** The text of a TOML string token. */
function tomlString(token: string): string {
  if (token.startsWith("'")) return token.slice(1, -1);
  try {
    return JSON.parse(token) as string;
  } catch {
    return token.slice(1, -1);
  }
}

/** A secret as given, and as it reads once or twice JSON/Debug-escaped (a server printing its arguments). */
function escapedForms(secret: string): string[] {
  const once = JSON.stringify(secret).slice(1, -1);
  if (once === secret) return [secret];
  const twice = JSON.stringify(once).slice(1, -1);
  return [secret, once, twice];
}

/** Token *counts* (inputTokens, totalTokens...) are usage figures, not secrets. */
function isTokenCount(key: string): boolean {
  return /tokens$/i.test(key) || /^(cached|reasoning|input|output|total)[A-Za-z]*Tokens?/i.test(key) || key === "tokenUsage" || key === "max_tokens";
}
