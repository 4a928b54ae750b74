/**
 * Parses the port's {@link AgentConfig} (plain strings) into the typed values the app-server
 * accepts, before any traffic. A bad value is an {@link InvalidConfigError} naming the field and
 * the allowed values.
 */
import { statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { z } from "zod";
import type { AgentConfig } from "../agent/port.ts";
import { InvalidConfigError } from "../errors.ts";
import { APPROVAL_POLICIES, PERSONALITIES, SANDBOX_MODES } from "../protocol/common.ts";
import type { ThreadStartParams } from "../protocol/clientRequests.ts";
import { describeValue, isPlainObject, wellFormedString } from "./checkSupport.ts";

/**
 * The reasoning efforts codex and the model API know. The pinned protocol types `effort` as any
 * non-empty string "advertised by the model" and codex 0.169 forwards whatever it is given (a
 * typo reaches the model API, which refuses the turn), so the list is ours: the efforts of
 * codex's models.
 */
export const REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh"] as const;

const optionalText = wellFormedString().trim().min(1, "must not be empty").optional();

const AgentConfigSchema = z.strictObject({
  workingDirectory: wellFormedString()
    .min(1, "must not be empty")
    .refine(isAbsolute, "must be an absolute path")
    .refine((path) => !path.includes("\0"), "must not hold a NUL byte"),
  model: optionalText,
  modelProvider: optionalText,
  reasoningEffort: z.enum(REASONING_EFFORTS).optional(),
  approvalMode: z.enum(APPROVAL_POLICIES).optional(),
  sandbox: z.enum(SANDBOX_MODES).optional(),
  baseInstructions: wellFormedString().optional(),
  developerInstructions: wellFormedString().optional(),
  personality: z.enum(PERSONALITIES).optional(),
});

/** An {@link AgentConfig} whose values have been checked. */
export type ParsedAgentConfig = z.infer<typeof AgentConfigSchema>;

const REMOVED_APPROVAL_POLICIES: Readonly<Record<string, string>> = {
  "on-failure":
    'approvalMode "on-failure" is not accepted by the pinned codex app-server (0.169.0 removed it). ' +
    'Use "on-request" (the model asks when it needs to leave the sandbox) or "untrusted" (every non-trivial command is asked).',
};

/** Parses a config; throws InvalidConfigError naming the first bad field and what is allowed. */
export function parseAgentConfig(config: AgentConfig): ParsedAgentConfig {
  if (!isPlainObject(config)) {
    throw new InvalidConfigError(
      "config",
      `An AgentConfig object is required (got ${describeValue(config)}); at least { workingDirectory: "/abs/path" }.`,
    );
  }
  const removed = config.approvalMode === undefined ? undefined : REMOVED_APPROVAL_POLICIES[config.approvalMode];
  if (removed) throw new InvalidConfigError("approvalMode", removed);
  const parsed = AgentConfigSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join(".") || "(config)";
  const allowed = allowedValues(field);
  const value = (config as unknown as Record<string, unknown>)[field];
  // An enum value is shown (it is short and no secret); other values only by type and length.
  const got = !(field in (config as object)) ? "" : allowed && typeof value === "string" && value.length <= 40 ? ` (got ${JSON.stringify(value)})` : ` (got ${describeValue(value)})`;
  const message =
    issue.code === "unrecognized_keys"
      ? `AgentConfig has unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}; the fields are ${Object.keys(AgentConfigSchema.shape).join(", ")}.`
      : allowed
        ? `AgentConfig.${field} is invalid${got}; allowed values: ${allowed.join(", ")}.`
        : `AgentConfig.${field} is invalid${got}: ${issue.message}.`;
  throw new InvalidConfigError(issue.code === "unrecognized_keys" ? issue.keys[0] ?? field : field, message);
}

function allowedValues(field: string): readonly string[] | undefined {
  switch (field) {
    case "approvalMode":
      return APPROVAL_POLICIES;
    case "sandbox":
      return SANDBOX_MODES;
    case "personality":
      return PERSONALITIES;
    case "reasoningEffort":
      return REASONING_EFFORTS;
    default:
      return undefined;
  }
}

/**
 * Checks that the working directory exists and is a directory, on this machine; throws
 * InvalidConfigError naming `workingDirectory`. For a backend that runs here (stdio); a remote
 * app-server has its own file system.
 */
export function checkWorkingDirectory(directory: string): void {
  let problem: string | undefined;
  try {
    if (!statSync(directory).isDirectory()) problem = "is not a directory";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problem = code === "ENOENT" ? "does not exist" : code === "ENOTDIR" ? "is under something that is not a directory" : `cannot be read (${code ?? String(error)})`;
  }
  if (problem) {
    throw new InvalidConfigError(
      "workingDirectory",
      `AgentConfig.workingDirectory (${directory}) ${problem}; every command of the conversation would fail in it. Create it, or pass an existing directory.`,
    );
  }
}

/** The thread/start (and thread/resume) settings a parsed config stands for. */
export function threadSettingsFromConfig(config: ParsedAgentConfig): ThreadStartParams {
  return {
    cwd: config.workingDirectory,
    model: config.model,
    modelProvider: config.modelProvider,
    approvalPolicy: config.approvalMode,
    sandbox: config.sandbox,
    baseInstructions: config.baseInstructions,
    developerInstructions: config.developerInstructions,
    personality: config.personality,
    // Reasoning effort is a per-turn setting on this protocol; see turn/start's `effort`.
  };
}
