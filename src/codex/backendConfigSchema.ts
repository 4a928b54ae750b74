/**
 * The check of a {@link CodexBackendConfig}, run when a CodexBackend (or a factory) is
 * constructed, before anything is spawned: unknown options are refused by name (with the option
 * that was probably meant), every value has the right type, durations fit a timer, and what goes
 * on the command line or into the environment can be carried there.
 */
import { z } from "zod";
import type { CodexBackendConfig } from "./codexBackendConfig.ts";
import { checkObject, functionValue, milliseconds, processString, seconds, wellFormedString } from "./checkSupport.ts";

const override = processString("argument").superRefine((text, ctx) => {
  if (!text.includes("=")) ctx.addIssue({ code: "custom", message: 'must be key=value (codex reads each as `-c key=value`), e.g. mcp_servers.docs.command="/bin/docs-mcp"' });
});

const envName = z.string().superRefine((name, ctx) => {
  if (name === "" || name.includes("=") || name.includes("\0")) {
    ctx.addIssue({ code: "custom", message: "names an environment variable that cannot exist (empty, or holding = or a NUL byte)" });
  }
});

const envValue = z.union([processString("environment value"), z.undefined()], {
  error: "must be a string (or undefined to leave the variable out); write numbers and booleans as strings",
});

/** Every option of {@link CodexBackendConfig}; `satisfies` keeps this list and the interface in step. */
const BACKEND_CONFIG_SHAPE = {
  mcpConfigOverrides: z.array(override).optional(),
  codexBin: processString("path").min(1, "must not be empty (leave it out to use CODEX_BIN or the bundled binary)").optional(),
  configOverrides: z.array(override).optional(),
  env: z.record(envName, envValue).optional(),
  inheritEnv: z.boolean().optional(),
  startTimeoutSeconds: seconds().optional(),
  experimentalApi: z.boolean().optional(),
  notifications: z.enum(["needed", "all"], { error: 'must be "needed" (leave out what codex-rpc never reads) or "all"' }).optional(),
  clientInfo: z
    .strictObject({
      name: wellFormedString().min(1, "must not be empty"),
      title: wellFormedString().optional(),
      version: wellFormedString().min(1, "must not be empty"),
    })
    .optional(),
  overloadRetry: z
    .strictObject({
      maxAttempts: z
        .number()
        .int("must be a whole number")
        .min(1, "must be at least 1 (the first attempt counts)")
        .max(1000, "must be at most 1000")
        .optional(),
      // 0 retries at once.
      initialDelayMs: milliseconds({ zeroAllowed: true }).optional(),
      maxDelayMs: milliseconds({ zeroAllowed: true }).optional(),
    })
    .optional(),
  livenessProbe: z
    .union([
      z.literal(false),
      z.strictObject({ afterSilenceSeconds: seconds().optional(), timeoutSeconds: seconds().optional() }),
    ], { error: "must be false (no silence watch) or { afterSilenceSeconds?, timeoutSeconds? } in seconds" })
    .optional(),
  tracing: z
    .union([z.boolean(), z.strictObject({ tracer: z.custom<object>((value) => typeof (value as { startSpan?: unknown } | null)?.startSpan === "function").optional() })], {
      error: "must be true, false, or { tracer } with an OpenTelemetry Tracer (something with startSpan)",
    })
    .optional(),
  onProtocolError: functionValue().optional(),
  onTraffic: functionValue().optional(),
  onStderrLine: functionValue().optional(),
  onCallbackError: functionValue().optional(),
  onWarning: functionValue().optional(),
  spawn: functionValue().optional(),
  // Owned by the remote endpoints: only the types are checked here (backendEndpoint.ts checks the rest at start).
  endpoint: z.string().optional(),
  reconnect: z
    .strictObject({
      initialDelayMs: milliseconds({ zeroAllowed: true }).optional(),
      maxDelayMs: milliseconds({ zeroAllowed: true }).optional(),
      maxAttempts: z.number().int("must be a whole number").min(1, "must be at least 1 (the first attempt counts)").max(1000, "must be at most 1000").optional(),
    })
    .optional(),
  auth: z.custom<object>((value) => value !== null && typeof value === "object" && !Array.isArray(value), { message: "must be an object" }).optional(),
} satisfies { readonly [K in keyof Required<CodexBackendConfig> | "endpoint" | "auth"]: z.ZodType };

const BackendConfigSchema = z.strictObject(BACKEND_CONFIG_SHAPE);

/**
 * Checks a backend config; throws InvalidConfigError (code INVALID_CONFIG) naming the first bad
 * option and the fix. Spawns nothing and reads no file.
 */
export function checkBackendConfig(config: unknown): CodexBackendConfig {
  return checkObject<CodexBackendConfig>(
    { kind: "config", owner: "CodexBackendConfig", objectField: "CodexBackendConfig", secretFields: ["env", "auth", "configOverrides", "mcpConfigOverrides", "endpoint"] },
    BackendConfigSchema,
    config,
  );
}
