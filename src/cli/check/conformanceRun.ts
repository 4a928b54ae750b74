/**
 * Runs the conformance scenarios against one codex binary, offline (a model on loopback, a
 * hermetic CODEX_HOME), records every message both ways, and validates each against the JSON
 * schema of the pinned protocol and codex-rpc's zod schemas. Or, with `remote`, against an
 * app-server that already runs: only the scenarios that need no scripted model run there.
 */
import { AgentError, CodexAgentSessionFactory, type CodexBackendAuth } from "../../index.ts";
import { createHermeticCodexHome, LoopbackModel } from "../../testing/index.ts";
import { isMessageEntry, TrafficRecorder, type Direction, type TranscriptEntry } from "../transcript.ts";
import { messageKind, ProtocolValidator, type Problem } from "./protocolValidator.ts";
import { recordingSpawn } from "./recordingSpawn.ts";
import { checkResponder, SCENARIOS, type RemoteScenarioContext, type Scenario, type ScenarioContext } from "./scenarios.ts";

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
  /** Check the app-server at this endpoint (`--connect`) instead of starting a binary. */
  readonly remote?: { readonly endpoint: string; readonly auth?: CodexBackendAuth };
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

/** A scenario that was not run, and why. */
export interface SkippedScenario {
  readonly name: string;
  readonly reason: string;
}

/** The whole run. */
export interface ConformanceReport {
  readonly ok: boolean;
  readonly userAgent?: string;
  readonly scenarios: readonly ScenarioResult[];
  /** Scenarios that could not run here (against `--connect`: those that script the built-in model). */
  readonly skipped: readonly SkippedScenario[];
  readonly failures: readonly MessageFailure[];
  /** Every recorded message, as a transcript (for `show` or `replay`). */
  readonly transcript: readonly TranscriptEntry[];
}

/**
 * Runs the scenarios; never throws for a misbehaving binary (that is a failed scenario). With
 * `remote`, throws the error of the first connection (AUTH, BACKEND_START, INVALID_CONFIG) when
 * the server cannot be reached: nothing was checked then.
 */
export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceReport> {
  if (options.remote) return runRemoteConformance(options, options.remote);
  const validator = validatorFor(options.protocolDir);
  const timeoutSeconds = options.turnTimeoutSeconds ?? DEFAULT_CHECK_TURN_TIMEOUT_SECONDS;
  let steerGate = gate();
  const model = await LoopbackModel.start({ respond: checkResponder(() => steerGate.promise) });
  const home = await createHermeticCodexHome({ modelBaseUrl: model.baseUrl });
  const recorded: Recorded[] = [];
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
    threadDir: home.workDir,
    timeoutSeconds,
    messages: () => current.messages,
    releaseSteer: () => steerGate.open(),
  };

  const outcomes: Outcome[] = [];
  try {
    for (const scenario of wantedScenarios(options)) {
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

  const userAgent = (await main?.catch(() => undefined))?.backend.initializeResult?.userAgent;
  return report(validator, recorded, outcomes, [], userAgent, options);
}

const validators = new Map<string, ProtocolValidator>();

/** One validator per protocol directory and process: compiling the schemas takes seconds, and a validator keeps no state of a run. */
function validatorFor(protocolDir: string | undefined): ProtocolValidator {
  const key = protocolDir ?? "";
  let validator = validators.get(key);
  if (!validator) validators.set(key, (validator = new ProtocolValidator(protocolDir)));
  return validator;
}

/** A scenario's run, before its messages are validated. */
interface Outcome {
  readonly name: string;
  readonly error?: string;
  readonly durationMs: number;
}

/** A recorded message and where it belongs. */
interface Recorded {
  readonly scenario: string;
  readonly connection: number;
  readonly entry: TranscriptEntry;
}

function wantedScenarios(options: ConformanceOptions): readonly Scenario[] {
  return options.scenarios?.length ? SCENARIOS.filter((s) => options.scenarios!.includes(s.name)) : SCENARIOS;
}

/** The scenarios that need no model, against a running app-server; traffic recorded through `onTraffic`. */
async function runRemoteConformance(options: ConformanceOptions, remote: NonNullable<ConformanceOptions["remote"]>): Promise<ConformanceReport> {
  const validator = validatorFor(options.protocolDir);
  const recorded: Recorded[] = [];
  let current = { name: "", messages: [] as TranscriptEntry[] };
  const origin = performance.now();
  const factories: CodexAgentSessionFactory[] = [];
  const newFactory = async () => {
    const connection = factories.length;
    const recorder = new TrafficRecorder({
      origin,
      onEntry: (entry) => {
        recorded.push({ scenario: current.name, connection, entry });
        current.messages.push(entry);
      },
    });
    const factory = new CodexAgentSessionFactory({
      endpoint: remote.endpoint,
      ...(remote.auth ? { auth: remote.auth } : {}),
      startTimeoutSeconds: options.startTimeoutSeconds ?? DEFAULT_CHECK_START_TIMEOUT_SECONDS,
      // One message per WebSocket frame: a line to the recorder, as a child's stdout would be.
      onTraffic: (direction, _message, line) => recorder.chunk(direction, Buffer.from(`${line}\n`)),
    });
    factories.push(factory);
    return factory.start();
  };
  const outcomes: Outcome[] = [];
  const skipped: SkippedScenario[] = [];
  let userAgent: string | undefined;
  try {
    // Connect before any scenario: a server that cannot be reached is not a failed check.
    current = { name: SCENARIOS[0]!.name, messages: [] };
    const connecting = performance.now();
    const main = newFactory();
    const started = await main;
    const connectMs = performance.now() - connecting;
    userAgent = started.backend.initializeResult?.userAgent;
    const context: RemoteScenarioContext = {
      factory: () => main,
      timeoutSeconds: options.turnTimeoutSeconds ?? DEFAULT_CHECK_TURN_TIMEOUT_SECONDS,
      messages: () => current.messages,
      threadDir: undefined,
    };
    for (const scenario of wantedScenarios(options)) {
      if (typeof scenario.remote !== "function") {
        skipped.push({ name: scenario.name, reason: scenario.remote.skip });
        continue;
      }
      const run = scenario.remote;
      // The handshake's messages were recorded while connecting: they stay with it.
      if (current.name !== scenario.name) current = { name: scenario.name, messages: [] };
      const outcome = await runScenario({ name: scenario.name, run }, context);
      // The handshake happened while connecting: its time counts.
      outcomes.push(outcome.name === SCENARIOS[0]!.name ? { ...outcome, durationMs: Math.round(outcome.durationMs + connectMs) } : outcome);
    }
  } finally {
    await Promise.all(factories.map((factory) => factory.close()));
  }
  // Messages of the connection that belong to no scenario that ran (a handshake not asked for).
  const ran = new Set(outcomes.map((outcome) => outcome.name));
  return report(validator, recorded.filter((r) => ran.has(r.scenario)), outcomes, skipped, userAgent, options);
}

function report(
  validator: ProtocolValidator,
  recorded: readonly Recorded[],
  outcomes: readonly Outcome[],
  skipped: readonly SkippedScenario[],
  userAgent: string | undefined,
  options: ConformanceOptions,
): ConformanceReport {
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
  return {
    ok: results.every((result) => result.ok),
    ...(userAgent ? { userAgent } : {}),
    scenarios: results,
    skipped,
    failures,
    transcript: recorded.map((r) => r.entry),
  };
}

async function runScenario<C>(scenario: { readonly name: string; run(context: C): Promise<void> }, context: C): Promise<Outcome> {
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
