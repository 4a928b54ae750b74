/**
 * Removes secrets from what codex-rpc writes down: traffic logs and error messages. Values of
 * fields whose names look secret (tokens, keys, passwords, authorization), strings shaped like
 * credentials (API keys, bearer tokens, JWTs), and the values of environment variables whose
 * names look secret are replaced by {@link REDACTED}.
 */

/** What a secret is replaced with. */
export const REDACTED = "[REDACTED]";

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
}

/** Makes a redactor that also knows the secret values of the given environment. */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const env = options.env ?? process.env;
  const literals = [
    ...Object.entries(env)
      .filter(([name, value]) => SECRET_NAME.test(name) && typeof value === "string" && value.length >= MIN_ENV_SECRET_LENGTH)
      .map(([, value]) => value!),
    ...(options.secrets ?? []).filter((secret) => secret.length > 0),
  ].sort((a, b) => b.length - a.length);

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

  const value = (input: unknown, key?: string): unknown => {
    if (typeof input === "string") return key !== undefined && SECRET_NAME.test(key) && input.length > 0 ? REDACTED : text(input);
    if (typeof input === "number" || typeof input === "bigint") return key !== undefined && SECRET_NAME.test(key) && !/tokens?$/i.test(key) ? REDACTED : input;
    if (Array.isArray(input)) return input.map((item) => value(item, undefined));
    if (input !== null && typeof input === "object") {
      return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, isTokenCount(k) ? v : value(v, k)]));
    }
    return input;
  };

  return { value: <T>(input: T) => value(input) as T, text };
}

/** Token *counts* (inputTokens, totalTokens...) are usage figures, not secrets. */
function isTokenCount(key: string): boolean {
  return /tokens$/i.test(key) || /^(cached|reasoning|input|output|total)[A-Za-z]*Tokens?/i.test(key) || key === "tokenUsage" || key === "max_tokens";
}
