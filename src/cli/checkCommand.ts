/** The `check` subcommand: protocol conformance of a codex binary; see check/conformanceRun.ts. */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { Command, InvalidArgumentError } from "commander";
import { resolveCodexBinary } from "../index.ts";
import { failureDetails, isBreaking, scenarioTable, schemaChangeLines, type CheckHeader } from "./check/checkReport.ts";
import { checkTranscripts } from "./check/transcriptCheck.ts";
import { runConformance, DEFAULT_CHECK_TURN_TIMEOUT_SECONDS, type ConformanceReport } from "./check/conformanceRun.ts";
import { defaultProtocolJsonDir } from "./check/protocolValidator.ts";
import { diffBinarySchema, type SchemaChange } from "./check/schemaDiff.ts";
import { SCENARIOS } from "./check/scenarios.ts";
import { BackendUnusableError, cliMessage, colorsFor, errorMessage, EXIT_FAILURE, EXIT_OK, UsageError, writeJsonLine, type CliIo } from "./io.ts";
import type { CommandContext } from "./main.ts";

const run = promisify(execFile);

/** Options of {@link checkBinary}. */
export interface CheckOptions {
  readonly codexBin?: string;
  readonly json?: boolean;
  readonly schemaFromBinary?: boolean;
  /** Also compare the experimental schema (`generate-json-schema --experimental` vs protocol/json-experimental); implies schemaFromBinary. */
  readonly experimental?: boolean;
  readonly timeoutSeconds?: number;
  readonly scenarios?: readonly string[];
  /** Write every recorded message to this file as a transcript (for `show` and `replay`). */
  readonly writeTranscript?: string;
  readonly io: CliIo;
}

/** Runs the check and prints it; resolves with the exit code (1 on any failure). */
export async function checkBinary(options: CheckOptions): Promise<number> {
  const { io } = options;
  const colors = colorsFor(io.stdout, io.env);
  let binary: string;
  try {
    binary = resolveCodexBinary({ ...(options.codexBin ? { codexBin: options.codexBin } : {}), env: io.env }).path;
  } catch (error) {
    // No binary is "codex could not be started" (exit 3), as in `run`.
    throw new BackendUnusableError(cliMessage(errorMessage(error)));
  }
  const protocolDir = defaultProtocolJsonDir();
  const header: CheckHeader = {
    binary,
    binaryVersion: await binaryVersion(binary),
    pinnedVersion: await readFile(path.join(protocolDir, "..", "VERSION"), "utf8").then((text) => text.trim(), () => undefined),
  };
  if (!options.json) {
    io.stdout.write(`${colors.bold("codex-rpc check")} ${binary}\n`);
    io.stdout.write(colors.dim(`binary: ${header.binaryVersion ?? "(no --version)"}; protocol/ pinned to ${header.pinnedVersion ?? "?"}\n\n`));
  }
  const report: ConformanceReport = await runConformance({
    // As given: the library resolves the default itself (and sets what the npm launcher would).
    ...(options.codexBin ? { codexBin: options.codexBin } : {}),
    ...(options.timeoutSeconds !== undefined ? { turnTimeoutSeconds: options.timeoutSeconds } : {}),
    ...(options.scenarios?.length ? { scenarios: options.scenarios } : {}),
  });
  if (options.writeTranscript) {
    await writeFile(options.writeTranscript, report.transcript.map((entry) => `${JSON.stringify(entry)}\n`).join("")).catch((error: unknown) => {
      io.stderr.write(`codex-rpc check: cannot write the transcript ${options.writeTranscript}: ${errorMessage(error)}\n`);
    });
  }
  let changes: SchemaChange[] | undefined;
  let experimentalChanges: SchemaChange[] | undefined;
  let schemaError: string | undefined;
  if (options.schemaFromBinary || options.experimental) {
    try {
      changes = await diffBinarySchema(binary, protocolDir);
      const experimentalDir = path.join(protocolDir, "..", "json-experimental");
      if (options.experimental && !existsSync(experimentalDir)) {
        throw new Error(
          `${experimentalDir} is not here: the npm package ships only the stable schema. Run \`check --experimental\` from a checkout of codex-rpc.`,
        );
      }
      if (options.experimental) experimentalChanges = await diffBinarySchema(binary, experimentalDir, { experimental: true });
    } catch (error) {
      schemaError = `\`${binary} app-server generate-json-schema\` failed: ${errorMessage(error)}`;
    }
  }
  const breaking = [...(changes ?? []), ...(experimentalChanges ?? [])].filter(isBreaking);
  const ok = report.ok && schemaError === undefined && breaking.length === 0;

  if (options.json) {
    const { transcript: _transcript, ok: scenariosOk, ...rest } = report;
    writeJsonLine(io.stdout, {
      ok,
      scenariosOk,
      ...header,
      ...rest,
      ...(changes ? { schemaChanges: changes } : {}),
      ...(experimentalChanges ? { experimentalSchemaChanges: experimentalChanges } : {}),
      ...(schemaError ? { schemaError } : {}),
    });
    return ok ? EXIT_OK : EXIT_FAILURE;
  }
  if (report.userAgent) io.stdout.write(colors.dim(`server: ${report.userAgent}\n\n`));
  for (const line of scenarioTable(report, colors)) io.stdout.write(`${line}\n`);
  const details = failureDetails(report, colors);
  if (details.length) io.stdout.write(`\n${colors.bold("Failures")}\n${details.join("\n")}\n`);
  if (options.schemaFromBinary || options.experimental) {
    io.stdout.write(`\n${colors.bold("Schema from the binary vs protocol/json")}\n`);
    if (schemaError) io.stdout.write(`${colors.red(schemaError)}\n`);
    else for (const line of schemaChangeLines(changes!, colors)) io.stdout.write(`${line}\n`);
    if (experimentalChanges) {
      io.stdout.write(`\n${colors.bold("Experimental schema from the binary vs protocol/json-experimental")}\n`);
      for (const line of schemaChangeLines(experimentalChanges, colors, "protocol/json-experimental")) io.stdout.write(`${line}\n`);
    }
  }
  io.stdout.write(`\n${ok ? colors.green("conformant") : colors.red("NOT conformant")}\n`);
  return ok ? EXIT_OK : EXIT_FAILURE;
}

/** Options of {@link checkRecordedTranscripts}. */
export interface TranscriptCheckOptions {
  readonly files: readonly string[];
  readonly json?: boolean;
  readonly io: CliIo;
}

/** Validates recorded transcripts (from `tap`) against the pinned protocol; resolves with the exit code. */
export async function checkRecordedTranscripts(options: TranscriptCheckOptions): Promise<number> {
  const { io } = options;
  const colors = colorsFor(io.stdout, io.env);
  const report = await checkTranscripts(options.files);
  for (const line of report.skipped) io.stderr.write(`codex-rpc check: skipped ${line}\n`);
  if (options.json) {
    writeJsonLine(io.stdout, { ok: report.ok, transcripts: report.scenarios, failures: report.failures, skipped: report.skipped });
    return report.ok ? EXIT_OK : EXIT_FAILURE;
  }
  io.stdout.write(`${colors.bold("codex-rpc check")} ${options.files.length} recorded transcript${options.files.length === 1 ? "" : "s"} against protocol/json\n\n`);
  for (const line of scenarioTable(report, colors, "transcript")) io.stdout.write(`${line}\n`);
  const details = failureDetails(report, colors);
  if (details.length) io.stdout.write(`\n${colors.bold("Failures")}\n${details.join("\n")}\n`);
  io.stdout.write(`\n${report.ok ? colors.green("conformant") : colors.red("NOT conformant")}\n`);
  return report.ok ? EXIT_OK : EXIT_FAILURE;
}

/** Builds `codex-rpc check`. */
export function checkCommand(context: CommandContext): Command {
  return new Command("check")
    .summary("check a codex binary's protocol conformance")
    .description(
      "Protocol conformance of a codex binary: drives it offline (a model on loopback, a throwaway CODEX_HOME) through " +
        "scenarios, records every message both ways and validates each against protocol/json (JSON schema) and " +
        "codex-rpc's zod schemas. With --schema-from-binary, also compares the binary's generated schema with " +
        "protocol/json field by field and judges each difference compatible or breaking. With --transcript, " +
        "validates recorded traffic instead of running anything. Exits 1 on any failure or breaking change.",
    )
    .option("--codex-bin <path>", "the binary to check (default: CODEX_BIN, the bundled @openai/codex, codex on PATH)")
    .option("--json", "print the report as one JSON object")
    .option("--schema-from-binary", "also run `<bin> app-server generate-json-schema` and compare it with protocol/json")
    .option("--experimental", "also compare the experimental schema with protocol/json-experimental (implies --schema-from-binary)")
    .option("--timeout <seconds>", `deadline of each turn (default ${DEFAULT_CHECK_TURN_TIMEOUT_SECONDS})`, positiveNumber)
    .option("--transcript <files...>", "validate these recorded transcripts (from `tap`, any client) instead of running a binary")
    .option("--write-transcript <file>", "also write every message the scenarios exchanged to this transcript (see `show`, `replay`)")
    .option("--scenario <name>", `run only this scenario (repeatable): ${SCENARIOS.map((s) => s.name).join(", ")}`, collectScenario)
    .action(async (options: CheckFlags) => {
      if (options.transcript?.length) {
        const conflicting = (["codexBin", "schemaFromBinary", "experimental", "timeout", "scenario", "writeTranscript"] as const).filter((key) => options[key] !== undefined);
        if (conflicting.length) throw new UsageError(`--transcript validates recordings and runs nothing; leave out ${conflicting.map(flagName).join(", ")}.`);
        context.exit(await checkRecordedTranscripts({ io: context.io, files: options.transcript, ...(options.json ? { json: true } : {}) }));
        return;
      }
      context.exit(
        await checkBinary({
          io: context.io,
          ...(options.codexBin ? { codexBin: options.codexBin } : {}),
          ...(options.json ? { json: true } : {}),
          ...(options.schemaFromBinary ? { schemaFromBinary: true } : {}),
          ...(options.experimental ? { experimental: true } : {}),
          ...(options.timeout !== undefined ? { timeoutSeconds: options.timeout } : {}),
          scenarios: options.scenario ?? [],
          ...(options.writeTranscript ? { writeTranscript: options.writeTranscript } : {}),
        }),
      );
    });
}

interface CheckFlags {
  codexBin?: string;
  json?: boolean;
  schemaFromBinary?: boolean;
  experimental?: boolean;
  timeout?: number;
  scenario?: string[];
  transcript?: string[];
  writeTranscript?: string;
}

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** `<bin> --version`, with stdin closed and a short deadline (a fake server may ignore the flag and wait for input). */
async function binaryVersion(binary: string): Promise<string | undefined> {
  const running = run(binary, ["--version"], { timeout: 5_000 });
  running.child.stdin?.end();
  return running.then(
    (result) => result.stdout.trim() || undefined,
    () => undefined,
  );
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number of seconds.");
  return n;
}

function collectScenario(value: string, previous: string[] | undefined): string[] {
  if (!SCENARIOS.some((s) => s.name === value)) {
    throw new InvalidArgumentError(`no such scenario; the scenarios are: ${SCENARIOS.map((s) => s.name).join(", ")}.`);
  }
  return [...(previous ?? []), value];
}
