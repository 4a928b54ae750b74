#!/usr/bin/env node
/**
 * The `codex-rpc` command: run turns, tap and show app-server traffic, check a codex binary's
 * protocol conformance, replay a recorded session. Built only on the public API and the protocol
 * layer. One table of exit codes for every subcommand: {@link EXIT_CODES_HELP}.
 */
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { checkCommand } from "./checkCommand.ts";
import { cliMessage, EXIT_CODES_HELP, EXIT_OK, EXIT_USAGE, errorMessage, exitCodeFor, exitQuietlyOnClosedPipe, processIo, type CliIo } from "./io.ts";
import { replayCommand } from "./replayCommand.ts";
import { runCommand } from "./runCommand.ts";
import { showCommand } from "./showCommand.ts";
import { tapCommand } from "./tapCommand.ts";

/** What a subcommand's builder gets: the invocation's streams and a way to set the exit code. */
export interface CommandContext {
  readonly io: CliIo;
  /** Sets the exit code the invocation ends with. */
  exit(code: number): void;
}

/** The package version, read from package.json next to src/ or dist/. */
export function packageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}

/** Builds the program; exposed so tests can inspect the commands. */
export function createProgram(context: CommandContext): Command {
  const { io } = context;
  const program = new Command("codex-rpc")
    .description("Drive, tap, show, check and replay codex app-server JSON-RPC traffic.")
    .version(packageVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    .addHelpText(
      "after",
      `\n${EXIT_CODES_HELP}\n\n` +
        "NO_COLOR turns colours off; --json (run, show, check) makes output machine-readable;\n" +
        "CODEX_RPC_DEBUG=traffic|stderr|all logs each backend's redacted traffic and/or stderr to stderr.",
    )
    .exitOverride();
  for (const build of [runCommand, tapCommand, showCommand, checkCommand, replayCommand]) {
    // Output streams, error handling and suggestions as the program's (addCommand does not copy them).
    program.addCommand(build(context).copyInheritedSettings(program).addHelpText("after", `\n${EXIT_CODES_HELP}`));
  }
  return program;
}

/** Runs the CLI with `argv` (the arguments after the program name); resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = createProgram({ io, exit: (code) => void (exitCode = code) });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    // Commander has already printed help, the version or what was wrong with the arguments.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    io.stderr.write(`codex-rpc: ${cliMessage(errorMessage(error))}\n`);
    return exitCodeFor(error);
  }
  return exitCode;
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `codex-rpc show FILE | head` ends quietly. Not for tap: there a closed stdout is the client
  // going away; the tap ends with its child and flushes the transcript.
  if (process.argv[2] !== "tap") {
    exitQuietlyOnClosedPipe(process.stdout);
    exitQuietlyOnClosedPipe(process.stderr);
  }
  const code = await main(process.argv.slice(2));
  // Let piped output drain before exiting; process.exit would cut it off.
  process.exitCode = code;
  if (process.stdout.writableLength > 0) process.stdout.once("drain", () => process.exit(code));
  else process.exit(code);
}
