/**
 * The pieces every input check of codex-rpc is built from: durations a Node timer can hold,
 * strings that survive JSON and argv, functions, and the translation of a zod issue into an
 * {@link InvalidConfigError} or {@link InvalidInputError} that names the field and the fix
 * (with "did you mean" for a mistyped option).
 */
import { z } from "zod";
import { InvalidConfigError, InvalidInputError } from "../errors.ts";

/** The longest delay a Node timer holds, in ms (2^31-1, about 24.8 days); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** {@link MAX_TIMER_MS} in whole seconds (2 147 483 s). */
export const MAX_TIMER_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

// Without the u flag a regex sees UTF-16 code units, so this finds a high surrogate with no low
// one after it, or a low surrogate with no high one before it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Index of the first lone UTF-16 surrogate in `text`, or -1 when it is well formed. */
export function loneSurrogateIndex(text: string): number {
  return text.search(LONE_SURROGATE);
}

/** Why `text` cannot be sent as JSON text (a lone surrogate), or undefined. */
export function malformedTextProblem(text: string): string | undefined {
  const at = loneSurrogateIndex(text);
  if (at < 0) return undefined;
  const unit = text.charCodeAt(at).toString(16).toUpperCase();
  return (
    `holds a lone UTF-16 surrogate (\\u${unit}) at index ${at}, which codex cannot parse; ` +
    "fix how the text was cut or decoded (String.prototype.toWellFormed() replaces it with U+FFFD)"
  );
}

/** A string that is well formed (no lone surrogate). */
export function wellFormedString(): z.ZodString {
  return z.string().superRefine((text, ctx) => {
    const problem = malformedTextProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** A non-empty, well-formed string with no NUL byte: one argument or environment value for a child process. */
export function processString(what = "text"): z.ZodString {
  return wellFormedString().superRefine((text, ctx) => {
    if (text.includes("\0")) ctx.addIssue({ code: "custom", message: `must not hold a NUL byte (a process ${what} cannot carry one)` });
  });
}

/** A function (any signature: TypeScript checks the signature, this checks that it is callable at all). */
export function functionValue<T extends (...args: never[]) => unknown>(): z.ZodType<T> {
  return z.custom<T>((value) => typeof value === "function", { message: "must be a function" });
}

/** Options of {@link seconds}. */
export interface SecondsOptions {
  /** 0 is allowed (and means what the caller documents). Default false: more than 0. */
  readonly zeroAllowed?: boolean;
  /**
   * Longer than a Node timer holds is allowed: the caller chains timers. Default false: refuse
   * more than {@link MAX_TIMER_SECONDS}.
   */
  readonly chained?: boolean;
}

/** A duration in seconds: a finite number, more than 0 (or at least 0), within what a timer holds unless chained. */
export function seconds(options: SecondsOptions = {}): z.ZodType<number> {
  return durationOf(1000, options);
}

/** A duration in milliseconds, with the rules of {@link seconds}. */
export function milliseconds(options: SecondsOptions = {}): z.ZodType<number> {
  return durationOf(1, options);
}

function durationOf(msPerUnit: number, options: SecondsOptions): z.ZodType<number> {
  const unit = msPerUnit === 1000 ? "seconds" : "milliseconds";
  return z.custom<number>().superRefine((value, ctx) => {
    const problem = durationProblem(value, msPerUnit, unit, options);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

function durationProblem(value: unknown, msPerUnit: number, unit: string, options: SecondsOptions): string | undefined {
  const floor = options.zeroAllowed ? "0 or more" : "more than 0";
  if (typeof value !== "number" || !Number.isFinite(value)) return `must be a finite number of ${unit}, ${floor}`;
  if (options.zeroAllowed ? value < 0 : value <= 0) return `must be ${floor} ${unit}`;
  if (!options.chained && value * msPerUnit > MAX_TIMER_MS) {
    const max = Math.floor(MAX_TIMER_MS / msPerUnit);
    return `must be at most ${max} ${unit} (about 24.8 days, the longest a Node timer holds)`;
  }
  if (value * msPerUnit > Number.MAX_SAFE_INTEGER) return `is too large to count in milliseconds`;
  return undefined;
}

/** A plain object (not null, not an array, not a function). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const acceptsEmpty = new WeakMap<z.ZodObject, boolean>();

/** True when `schema` accepts `{}` (every option optional), found out once per schema. */
function emptyAccepted(schema: z.ZodObject): boolean {
  let accepted = acceptsEmpty.get(schema);
  if (accepted === undefined) {
    accepted = schema.safeParse({}).success;
    acceptsEmpty.set(schema, accepted);
  }
  return accepted;
}

function isEmpty(value: Record<string, unknown>): boolean {
  for (const _ in value) return false;
  return Object.getOwnPropertySymbols(value).length === 0;
}

/** The known key closest to `key` (a typo, a different case, a longer or shorter name), if any is close. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const candidate = name.toLowerCase();
    // A name with a word added or left off ("codexBinary", "startTimeout") is close, if enough of it matches.
    const prefix = Math.min(lower.length, candidate.length) >= 4 && (lower.startsWith(candidate) || candidate.startsWith(lower));
    const distance = candidate === lower ? 0 : prefix ? 1 : editDistance(lower, candidate);
    if (distance <= Math.max(2, Math.floor(name.length / 3)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** What a check is about: config (INVALID_CONFIG) or a turn input (INVALID_INPUT), and how to name it. */
export interface CheckSubject {
  readonly kind: "config" | "input";
  /** How messages name the object: "CodexBackendConfig", "runner options", "turn options"... */
  readonly owner: string;
  /** Prefix of `error.field` (e.g. "runnerDefaults." for a nested object); default none. */
  readonly fieldPrefix?: string;
  /** `error.field` when the whole value is not an object; default "options". */
  readonly objectField?: string;
  /** Top-level fields whose string values may be secrets: messages give only their length. */
  readonly secretFields?: readonly string[];
}

/** Builds the error of a check: INVALID_CONFIG or INVALID_INPUT naming `field`. */
export function checkError(subject: CheckSubject, field: string, message: string): InvalidConfigError | InvalidInputError {
  return subject.kind === "config" ? new InvalidConfigError(field, message) : new InvalidInputError(field, message);
}

/**
 * Parses `value` with a strict object schema and throws the first problem as a checkError: an
 * unknown key names the key, a close known one, and every known one; a bad value names the
 * field, what it must be, and what it got.
 */
export function checkObject<T>(subject: CheckSubject, schema: z.ZodObject, value: unknown): T {
  if (!isPlainObject(value)) {
    throw checkError(subject, subject.fieldPrefix?.replace(/\.$/, "") || (subject.objectField ?? "options"), `${subject.owner} must be an object (got ${describeValue(value)}).`);
  }
  // Most turns pass no options at all: an empty object needs no parse once its schema took one.
  if (emptyAccepted(schema) && isEmpty(value)) return value as T;
  const parsed = schema.safeParse(value);
  if (parsed.success) return value as T;
  const issue = parsed.error.issues[0]!;
  const known = Object.keys(schema.shape);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    const near = didYouMean(key, known);
    const path = [...issue.path.map(String), key].join(".");
    const where = issue.path.length ? `${subject.owner}.${issue.path.join(".")}` : subject.owner;
    const nestedKnown = issue.path.length ? knownKeysAt(schema, issue.path) : known;
    throw checkError(
      subject,
      (subject.fieldPrefix ?? "") + path,
      `${where} has an unknown option "${key}"${near && !issue.path.length ? ` (did you mean "${near}"?)` : ""}; the options are ${nestedKnown.join(", ")}.`,
    );
  }
  const path = issue.path.map(String).join(".");
  const got = valueAt(value, issue.path);
  const secret = subject.secretFields?.includes(String(issue.path[0])) ?? false;
  const what = issue.code === "invalid_type" ? `must be ${issue.expected === "array" ? "an array" : `a ${issue.expected}`}` : issue.message;
  throw checkError(subject, (subject.fieldPrefix ?? "") + path, `${subject.owner}.${path} ${what} (got ${describeValue(got, !secret)}).`);
}

function knownKeysAt(schema: z.ZodObject, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  for (const key of path) {
    let inner = current as { unwrap?: () => unknown; shape?: Record<string, unknown>; element?: unknown };
    while (typeof inner.unwrap === "function" && !inner.shape) inner = inner.unwrap() as typeof inner;
    current = typeof key === "number" ? inner.element : inner.shape?.[String(key)];
  }
  let inner = current as { unwrap?: () => unknown; shape?: Record<string, unknown> };
  while (inner && typeof inner.unwrap === "function" && !inner.shape) inner = inner.unwrap() as typeof inner;
  return Object.keys(inner?.shape ?? {});
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) current = current !== null && typeof current === "object" ? (current as Record<PropertyKey, unknown>)[key] : undefined;
  return current;
}

/** A short, secret-free description of a value for a message: its type, and the value when it is small and harmless. */
export function describeValue(value: unknown, showShortStrings = false): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case "number":
    case "boolean":
    case "bigint":
      return `${typeof value} ${String(value)}`;
    case "string":
      if (value.length === 0) return "an empty string";
      // Strings can be secrets (env values, tokens): unless told otherwise, say only how long.
      return showShortStrings && value.length <= 60 ? JSON.stringify(value) : `a string of ${value.length} characters`;
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default:
      return `an object (${Object.getPrototypeOf(value)?.constructor?.name ?? "no prototype"})`;
  }
}
