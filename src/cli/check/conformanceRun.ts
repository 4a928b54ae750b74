/**
 * Runs the conformance scenarios against one codex binary, offline (a model on loopback, a
 * hermetic CODEX_HOME), records every message both ways, and validates each against the JSON
 * schema of the pinned protocol and codex-rpc's zod schemas.
 */
import { AgentError, CodexAgentSessionFactory } from "../../index.ts";
import { createHermeticCodexHome, LoopbackModel } from "../../testing/index.ts";
import { isMessageEntry, type Direction, type TranscriptEntry } from "../transcript.ts";
import { messageKind, ProtocolValidator, type Problem } from "./protocolValidator.ts";
import { recordingSpawn } from "./recordingSpawn.ts";
import { checkResponder, SCENARIOS, type Scenario, type ScenarioContext } from "./scenarios.ts";

/** Default deadline of each turn of the check, in seconds. */
export const DEFAULT_CHECK_TURN_TIMEOUT_SECONDS = 20;
/** Default deadline of each backend start (spawn + initialize) of the check, in seconds. */
export const DEFAULT_CHECK_START_TIMEOUT_SECONDS = 15;

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** The binary to check; default: the one codex-rpc resolves (CODEX_BIN, bundled, PATH). */
  readonly codexBin?: string;
  readonly turnTimeoutSeconds?: number;
  readonly startTimeoutSeconds?: number;
  /** protocol/json to validate against; default the package's. */
  readonly protocolDir?: string;
  /** Only the scenarios with these names (default all). */
  readonly scenarios?: readonly string[];
  /** Called with each scenario's result once the run is validated. */
  readonly onScenario?: (result: ScenarioResult) => void;
}

/** A message that failed validation. */
export interface MessageFailure {
  readonly scenario: string;
  readonly dir: Direction;
  readonly kind: string;
  /** The method, or for a response the method of its request. */
  readonly method: string;
  /** Milliseconds since the check's first process started. */
  readonly t: number;
  readonly problems: readonly Problem[];
}

/** How one scenario went. */
export interface ScenarioResult {
  readonly name: string;
  readonly ok: boolean;
  /** Why the scenario itself failed (not counting message failures). */
  readonly error?: string;
  readonly messages: number;
  readonly failedMessages: number;
  /** Absent for a recorded transcript (nothing was run). */
  readonly durationMs?: number;
}

/** The whole run. */
export interface ConformanceReport {
  readonly ok: boolean;
  readonly userAgent?: string;
  readonly scenarios: readonly ScenarioResult[];
  readonly failures: readonly MessageFailure[];
  /** Every recorded message, as a transcript (for `show` or `replay`). */
  readonly transcript: readonly TranscriptEntry[];
}

/** Runs the scenarios; never throws for a misbehaving binary (that is a failed scenario). */
export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const validator = new ProtocolValidator(options.protocolDir);
  const timeoutSeconds = options.turnTimeoutSeconds ?? DEFAULT_CHECK_TURN_TIMEOUT_SECONDS;
  let steerGate = gate();
  const model = await LoopbackModel.start({ respond: checkResponder(() => steerGate.promise) });
  const home = await createHermeticCodexHome({ modelBaseUrl: model.baseUrl });
  const recorded: { scenario: string; connection: number; entry: TranscriptEntry }[] = [];
  let current = { name: "", messages: [] as TranscriptEntry[] };
  // Validation waits until the scenarios are done: compiling the schemas takes a second that
  // would otherwise land in the first scenario's timing (and on the binary's deadlines).
  const onEntry = (entry: TranscriptEntry, connection: number) => {
    recorded.push({ scenario: current.name, connection, entry });
    current.messages.push(entry);
  };
  const spawn = recordingSpawn(onEntry);
  const factories: CodexAgentSessionFactory[] = [];
  const newFactory = async () => {
    const factory = new CodexAgentSessionFactory({
      env: home.env,
      spawn,
      // A conformance check validates every notification the binary sends, not only those codex-rpc reads.
      notifications: "all",
      startTimeoutSeconds: options.startTimeoutSeconds ?? DEFAULT_CHECK_START_TIMEOUT_SECONDS,
      ...(options.codexBin ? { codexBin: options.codexBin } : {}),
    });
    factories.push(factory);
    return factory.start();
  };
  let main: Promise<CodexAgentSessionFactory> | undefined;
  const context: ScenarioContext = {
    factory: () => (main ??= newFactory()),
    anotherFactory: newFactory,
    model,
    workDir: home.workDir,
    timeoutSeconds,
    messages: () => current.messages,
    releaseSteer: () => steerGate.open(),
  };

  const outcomes: { name: string; error?: string; durationMs: number }[] = [];
  try {
    const wanted = options.scenarios?.length ? SCENARIOS.filter((s) => options.scenarios!.includes(s.name)) : SCENARIOS;
    for (const scenario of wanted) {
      current = { name: scenario.name, messages: [] };
      steerGate = gate();
      outcomes.push(await runScenario(scenario, context));
    }
  } finally {
    steerGate.open();
    await Promise.all(factories.map((factory) => factory.close()));
    await model.close();
    await home.dispose();
  }

  const failures: MessageFailure[] = [];
  const pending = new Map<string, string>();
  for (const { scenario, connection, entry } of recorded) {
    const failure = checkEntry(validator, entry, connection, pending);
    if (failure) failures.push({ scenario, ...failure });
  }
  const results: ScenarioResult[] = outcomes.map((outcome) => {
    const messages = recorded.filter((r) => r.scenario === outcome.name).length;
    const failedMessages = failures.filter((f) => f.scenario === outcome.name).length;
    return { ...outcome, ok: outcome.error === undefined && failedMessages === 0, messages, failedMessages };
  });
  for (const result of results) options.onScenario?.(result);
  const userAgent = (await main?.catch(() => undefined))?.backend.initializeResult?.userAgent;
  return {
    ok: results.every((result) => result.ok),
    ...(userAgent ? { userAgent } : {}),
    scenarios: results,
    failures,
    transcript: recorded.map((r) => r.entry),
  };
}

async function runScenario(scenario: Scenario, context: ScenarioContext): Promise<{ name: string; error?: string; durationMs: number }> {
  const started = performance.now();
  try {
    await scenario.run(context);
    return { name: scenario.name, durationMs: Math.round(performance.now() - started) };
  } catch (caught) {
    const error = caught instanceof AgentError ? `${caught.code}: ${caught.message}` : caught instanceof Error ? caught.message : String(caught);
    return { name: scenario.name, error, durationMs: Math.round(performance.now() - started) };
  }
}

/**
 * Validates one recorded entry; `pending` pairs responses with their requests (by connection,
 * direction and id) across calls. Undefined when the entry conforms.
 */
export function checkEntry(validator: ProtocolValidator, entry: TranscriptEntry, connection: number, pending: Map<string, string>): Omit<MessageFailure, "scenario"> | undefined {
  if (!isMessageEntry(entry)) {
    return { dir: entry.dir, kind: "line", method: "(not JSON)", t: entry.t, problems: [{ source: "envelope", path: "", message: "a line that is not JSON", actual: entry.raw.slice(0, 120) }] };
  }
  const msg = entry.msg as Record<string, unknown>;
  const kind = typeof msg === "object" && msg !== null && !Array.isArray(msg) ? messageKind(msg) : "line";
  let method = typeof msg?.method === "string" ? msg.method : "(response)";
  let requestMethod: string | undefined;
  if (kind === "request") pending.set(`${connection} ${entry.dir} ${JSON.stringify(msg.id)}`, method);
  if (kind === "response" || kind === "error") {
    const key = `${connection} ${entry.dir === "c2s" ? "s2c" : "c2s"} ${JSON.stringify(msg.id)}`;
    requestMethod = pending.get(key);
    pending.delete(key);
    method = requestMethod ?? "(unknown request)";
  }
  const problems = validator.validate(entry.dir, entry.msg, requestMethod);
  return problems.length ? { dir: entry.dir, kind, method, t: entry.t, problems } : undefined;
}

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
