/**
 * Parses the port's {@link AgentConfig} (plain strings) into the typed values the app-server
 * accepts, before any traffic. A bad value is an {@link InvalidConfigError} naming the field and
 * the allowed values.
 */
import { isAbsolute } from "node:path";
import { z } from "zod";
import type { AgentConfig } from "../agent/port.ts";
import { InvalidConfigError } from "../errors.ts";
import { APPROVAL_POLICIES, PERSONALITIES, SANDBOX_MODES } from "../protocol/common.ts";
import type { ThreadStartParams } from "../protocol/clientRequests.ts";

const optionalText = z.string().trim().min(1, "must not be empty").optional();

const AgentConfigSchema = z.strictObject({
  workingDirectory: z
    .string()
    .min(1, "must not be empty")
    .refine(isAbsolute, "must be an absolute path"),
  model: optionalText,
  modelProvider: optionalText,
  reasoningEffort: optionalText,
  approvalMode: z.enum(APPROVAL_POLICIES).optional(),
  sandbox: z.enum(SANDBOX_MODES).optional(),
  baseInstructions: z.string().optional(),
  developerInstructions: z.string().optional(),
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
  const removed = config.approvalMode === undefined ? undefined : REMOVED_APPROVAL_POLICIES[config.approvalMode];
  if (removed) throw new InvalidConfigError("approvalMode", removed);
  const parsed = AgentConfigSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join(".") || "(config)";
  const allowed = allowedValues(field);
  const got = field in (config as object) ? ` (got ${JSON.stringify((config as unknown as Record<string, unknown>)[field])})` : "";
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
    default:
      return undefined;
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
