/**
 * The checks of runner options, factory options, turn options and turn inputs, shared by the
 * Codex adapter and `FakeAgentSessionFactory` (one source of truth: the fake refuses exactly
 * what production refuses). Each runs before any process starts or any byte is sent, and throws
 * INVALID_CONFIG (an option) or INVALID_INPUT (the prompt, the output schema, steer text) naming
 * the field and the fix; never a raw TypeError or RangeError.
 */
import { z } from "zod";
import { DEFAULT_TURN_TIMEOUT_SECONDS } from "../agent/defaults.ts";
import { InvalidConfigError, InvalidInputError } from "../errors.ts";
import { APPROVAL_DECISIONS } from "./approvals.ts";
import { checkObject, describeValue, functionValue, malformedTextProblem, seconds, wellFormedString } from "./checkSupport.ts";
import type { CodexAgentRunnerOptions, CodexTurnOptions } from "./codexAgentRunnerOptions.ts";
import type { CodexAgentSessionFactoryOptions } from "./codexAgentSessionFactory.ts";
import { jsonSchemaProblem, prepareOutputSchema, type StructuredOutput } from "./structuredOutput.ts";

const approvals = z.union([z.enum(APPROVAL_DECISIONS as [string, ...string[]]), functionValue()], {
  error: `must be a decision (${APPROVAL_DECISIONS.join(", ")}) or a handler function`,
});

const dynamicTool = z.strictObject({
  name: wellFormedString().min(1, "must not be empty"),
  description: wellFormedString(),
  inputSchema: z.record(z.string(), z.unknown(), { error: "must be a JSON Schema object" }),
  handle: functionValue(),
});

/** Every option of {@link CodexAgentRunnerOptions}; `satisfies` keeps this list and the interface in step. */
const RUNNER_OPTIONS_SHAPE = {
  approvals: approvals.optional(),
  onUserInput: functionValue().optional(),
  onElicitation: functionValue().optional(),
  tools: z
    .array(dynamicTool)
    .superRefine((tools, ctx) => {
      const seen = new Set<string>();
      for (const [index, tool] of tools.entries()) {
        if (seen.has(tool.name)) ctx.addIssue({ code: "custom", path: [index, "name"], message: `repeats the tool name "${tool.name}"; each tool needs its own name` });
        seen.add(tool.name);
        const problem = jsonSchemaProblem(tool.inputSchema, "inputSchema");
        if (problem) ctx.addIssue({ code: "custom", path: [index, "inputSchema"], message: `is not usable: ${problem}` });
      }
    })
    .optional(),
  onEvent: functionValue().optional(),
  resumeThreadId: wellFormedString().min(1, "must not be empty (leave it out to start a new conversation)").optional(),
  ephemeral: z.boolean().optional(),
  // Capped: the settle wait is one timer, and a wait of weeks is a mistake, not a policy.
  interruptSettleSeconds: seconds().optional(),
  // Chained by the watchdog, so any finite length works.
  silenceTimeoutSeconds: seconds({ chained: true }).optional(),
  backendProvider: functionValue().optional(),
} satisfies { readonly [K in keyof Required<CodexAgentRunnerOptions>]: z.ZodType };

const RunnerOptionsSchema = z.strictObject(RUNNER_OPTIONS_SHAPE);

/** Checks a runner's options; throws INVALID_CONFIG naming the first bad option. `undefined` is no options. */
export function checkRunnerOptions(options: unknown): CodexAgentRunnerOptions {
  if (options === undefined) return {};
  return checkObject<CodexAgentRunnerOptions>({ kind: "config", owner: "CodexAgentRunnerOptions" }, RunnerOptionsSchema, options);
}

/** Every option of {@link CodexAgentSessionFactoryOptions}. */
const FACTORY_OPTIONS_SHAPE = {
  runnerDefaults: z.unknown().optional(),
  respawn: z.boolean().optional(),
  onBackendDown: functionValue().optional(),
} satisfies { readonly [K in keyof Required<CodexAgentSessionFactoryOptions>]: z.ZodType };

const FactoryOptionsSchema = z.strictObject(FACTORY_OPTIONS_SHAPE);

/** Checks a factory's own options (its runner defaults as runner options); throws INVALID_CONFIG. */
export function checkFactoryOptions(options: unknown): CodexAgentSessionFactoryOptions {
  if (options === undefined) return {};
  const checked = checkObject<CodexAgentSessionFactoryOptions>({ kind: "config", owner: "CodexAgentSessionFactoryOptions" }, FactoryOptionsSchema, options);
  if (checked.runnerDefaults !== undefined) {
    checkObject({ kind: "config", owner: "CodexAgentSessionFactoryOptions.runnerDefaults", fieldPrefix: "runnerDefaults." }, RunnerOptionsSchema, checked.runnerDefaults);
  }
  return checked;
}

const abortSignal = z.custom<AbortSignal>(
  (value) =>
    value instanceof AbortSignal ||
    (value !== null && typeof value === "object" && typeof (value as AbortSignal).aborted === "boolean" && typeof (value as AbortSignal).addEventListener === "function"),
  { message: "must be an AbortSignal (from an AbortController, or AbortSignal.timeout())" },
);

/** Every option of {@link CodexTurnOptions}; the output schema is checked on its own (INVALID_INPUT). */
const TURN_OPTIONS_SHAPE = {
  // Chained by the turn's deadline: a turn may legitimately run for weeks.
  timeoutSeconds: seconds({ chained: true }).optional(),
  outputSchema: z.unknown().optional(),
  signal: abortSignal.optional(),
  onEvent: functionValue().optional(),
  silenceTimeoutSeconds: seconds({ chained: true }).optional(),
} satisfies { readonly [K in keyof Required<CodexTurnOptions>]: z.ZodType };

const TurnOptionsSchema = z.strictObject(TURN_OPTIONS_SHAPE);

/** A turn whose inputs passed their checks. */
export interface CheckedTurn {
  /** The deadline in seconds (the default when none was given). */
  readonly timeoutSeconds: number;
  /** The JSON Schema to send, when there is one. */
  readonly outputSchema: Readonly<Record<string, unknown>> | undefined;
  /** How to read the answer back, when the schema was a zod schema. */
  readonly output: StructuredOutput<unknown> | undefined;
}

/**
 * Checks a turn's prompt and options before anything is sent: INVALID_INPUT for the prompt or the
 * output schema, INVALID_CONFIG for an option. `undefined` options are none.
 */
export function checkTurnOptions(prompt: unknown, options: unknown): CheckedTurn {
  checkText("prompt", prompt);
  const checked = options === undefined ? {} : checkObject<CodexTurnOptions>({ kind: "config", owner: "CodexTurnOptions" }, TurnOptionsSchema, options);
  const prepared = prepareOutputSchema(checked.outputSchema);
  return {
    timeoutSeconds: checked.timeoutSeconds ?? DEFAULT_TURN_TIMEOUT_SECONDS,
    outputSchema: prepared?.jsonSchema,
    output: prepared?.output,
  };
}

/**
 * True when the backend runs on this machine (spawned over stdio), so paths of the config can be
 * checked here; a remote app-server (`endpoint`) has its own file system.
 */
export function spawnsLocally(config: object): boolean {
  const endpoint = (config as { readonly endpoint?: unknown }).endpoint;
  return endpoint === undefined || endpoint === "stdio";
}

/** Checks text that goes to the server as is (a prompt, steer text): a well-formed string; throws INVALID_INPUT naming `field`. */
export function checkText(field: string, text: unknown): string {
  if (typeof text !== "string") throw new InvalidInputError(field, `The ${field} must be a string (got ${describeValue(text)}).`);
  const problem = malformedTextProblem(text);
  if (problem) throw new InvalidInputError(field, `The ${field} ${problem}. Nothing was sent.`);
  return text;
}

/** A resumeThreadId that cannot be a conversation id (not a string, empty, blanks) is refused before any traffic. */
export function checkedThreadId(threadId: unknown): string {
  if (typeof threadId === "string" && /^\S+$/.test(threadId)) return threadId;
  throw new InvalidConfigError(
    "resumeThreadId",
    `resumeThreadId must be a conversation id as runner.threadId gives it (such as 01a22bbd-917f-78d3-88bc-d6124400afaf); got ${JSON.stringify(threadId)}.`,
  );
}

/** The `turns` of rollback(turns): a whole number from 1 to the `completed` turns of the runner. */
export function checkRollbackTurns(turns: number, completed: number): void {
  if (!Number.isInteger(turns) || turns < 1 || turns > completed) {
    throw new InvalidConfigError("turns", `rollback(turns) needs a whole number from 1 to ${completed} (the turns this runner completed); got ${turns}.`);
  }
}
