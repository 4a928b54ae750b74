/**
 * The `run` subcommand: one turn (or, with --interactive, a prompt loop in one conversation)
 * against codex, shown live. `--offline` uses the built-in model on loopback in a throwaway
 * CODEX_HOME, so it works with no login. Approvals are asked on a terminal, declined otherwise
 * unless --yes.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { createInterface, type Interface } from "node:readline";
import { Command, InvalidArgumentError, Option } from "commander";
import ora from "ora";
import {
  AgentError,
  CodexAgentSessionFactory,
  DEFAULT_TURN_TIMEOUT_SECONDS,
  type ApprovalDecision,
  type ApprovalRequest,
  type CodexAgentRunner,
  type CodexBackendConfig,
} from "../index.ts";
import { APPROVAL_POLICIES, SANDBOX_MODES } from "../protocol/index.ts";
import { createHermeticCodexHome, LoopbackModel, type HermeticCodexHome } from "../testing/index.ts";
import { cliMessage, colorsFor, errorMessage, EXIT_BACKEND, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, exitCodeFor, UsageError, type CliIo } from "./io.ts";
import { missingLoginMessage } from "./loginCheck.ts";
import type { CommandContext } from "./main.ts";
import { TurnRenderer } from "./turnRenderer.ts";

export { EXIT_INTERRUPTED } from "./io.ts";

/** Options of {@link runTurns}. */
export interface RunOptions {
  readonly prompt?: string;
  readonly cwd?: string;
  readonly model?: string;
  readonly approval?: string;
  readonly sandbox?: string;
  readonly outputSchema?: string;
  readonly timeoutSeconds?: number;
  readonly offline?: boolean;
  readonly interactive?: boolean;
  readonly json?: boolean;
  /** Stream command output to stderr as it is produced. */
  readonly verbose?: boolean;
  readonly yes?: boolean;
  readonly codexBin?: string;
  readonly io: CliIo;
  /** Aborts the running turn (the command wires Ctrl-C to it). */
  readonly interrupts?: EventTarget;
}

/** Runs the turn(s); resolves with the exit code. Throws UsageError for bad input. */
export async function runTurns(options: RunOptions): Promise<number> {
  const { io } = options;
  if (!options.interactive && (options.prompt === undefined || options.prompt.trim() === "")) {
    throw new UsageError('run needs a prompt: codex-rpc run "what to do" (or --interactive for a prompt loop).');
  }
  const workingDirectory = await checkedDirectory(options.cwd ?? io.cwd);
  const outputSchema = options.outputSchema ? await readSchema(options.outputSchema) : undefined;
  const colors = colorsFor(io.stderr, io.env);
  const terminal = io.stdin.isTTY === true && io.stderr.isTTY === true;
  // ora redraws by counting wrapped lines; a terminal that reports no width (0 columns) makes it loop forever.
  const spinner = !options.json && io.stderr.isTTY && (io.stderr.columns ?? 0) > 0 ? ora({ stream: io.stderr, discardStdin: false, isEnabled: true, color: "cyan" }) : undefined;
  const renderer = new TurnRenderer({
    stdout: io.stdout,
    stderr: io.stderr,
    json: options.json ?? false,
    colors,
    verbose: options.verbose ?? false,
    ...(spinner ? { spinner } : {}),
    ...(!terminal && !options.yes ? { declineHint: "not asked: stdin is not a terminal; --yes accepts" } : {}),
  });
  let running: AbortController | undefined;
  const interrupt = () => running?.abort(new AgentError("ABORTED", "Interrupted by the user (Ctrl-C)."));
  // Ctrl-C on a terminal reaches readline, not the process: it stops a running turn, else ends the loop.
  const lines = options.interactive || terminal ? new LineReader(io, () => (running ? interrupt() : lines?.close())) : undefined;
  options.interrupts?.addEventListener("interrupt", interrupt);

  let model: LoopbackModel | undefined;
  let home: HermeticCodexHome | undefined;
  let factory: CodexAgentSessionFactory | undefined;
  try {
    const backend: { -readonly [K in keyof CodexBackendConfig]: CodexBackendConfig[K] } = {};
    if (options.codexBin) backend.codexBin = options.codexBin;
    if (options.offline) {
      model = await LoopbackModel.start();
      home = await createHermeticCodexHome({ modelBaseUrl: model.baseUrl });
      backend.env = home.env;
    }
    factory = new CodexAgentSessionFactory(backend);
    const approvals = async (request: ApprovalRequest): Promise<ApprovalDecision> => {
      if (options.yes) return "accept";
      if (!terminal || !lines) return "decline";
      renderer.pauseSpinner();
      const decision = await askApproval(lines, request, colors);
      renderer.resumeSpinner();
      return decision;
    };
    let runner: CodexAgentRunner;
    try {
      runner = await factory.runner(
        {
          workingDirectory,
          ...(options.model ? { model: options.model } : {}),
          ...(options.approval ? { approvalMode: options.approval } : {}),
          ...(options.sandbox ? { sandbox: options.sandbox } : {}),
        },
        { approvals },
      );
    } catch (error) {
      if (error instanceof AgentError && error.code === "INVALID_CONFIG") throw new UsageError(cliMessage(error.message));
      renderer.failed(error instanceof AgentError ? error.code : "ERROR", cliMessage(errorMessage(error)));
      return exitCodeFor(error);
    }
    const notLoggedIn = options.offline ? undefined : await missingLoginMessage(factory.backend);
    if (notLoggedIn) {
      renderer.failed("NOT_LOGGED_IN", notLoggedIn);
      return EXIT_BACKEND;
    }
    const turn = async (prompt: string): Promise<number> => {
      const stop = new AbortController();
      running = stop;
      renderer.start(prompt);
      try {
        for await (const chunk of runner.turnStream(prompt, {
          timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TURN_TIMEOUT_SECONDS,
          signal: stop.signal,
          ...(outputSchema ? { outputSchema } : {}),
        })) {
          renderer.chunk(chunk);
        }
        return EXIT_OK;
      } catch (error) {
        renderer.failed(error instanceof AgentError ? error.code : "ERROR", cliMessage(errorMessage(error)));
        return exitCodeFor(error) === EXIT_INTERRUPTED ? EXIT_INTERRUPTED : EXIT_FAILURE;
      } finally {
        renderer.pauseSpinner();
        running = undefined;
      }
    };

    let exitCode = EXIT_OK;
    if (options.prompt !== undefined && options.prompt.trim() !== "") exitCode = await turn(options.prompt);
    if (!options.interactive) return exitCode;
    for (;;) {
      const line = await lines!.next(terminal ? colors.bold("> ") : "");
      if (line === undefined || ["exit", "quit", "/exit", "/quit"].includes(line.trim())) break;
      if (line.trim() === "") continue;
      exitCode = await turn(line);
      if (exitCode === EXIT_FAILURE && factory.backend.state !== "running") break; // the backend is gone
    }
    return exitCode === EXIT_INTERRUPTED ? EXIT_OK : exitCode;
  } finally {
    options.interrupts?.removeEventListener("interrupt", interrupt);
    renderer.pauseSpinner();
    lines?.close();
    await factory?.close();
    await model?.close();
    await home?.dispose();
  }
}

/** Lines from stdin, one at a time, for the prompt loop and approval questions. */
class LineReader {
  private readonly rl: Interface;
  private readonly queued: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private asking: ((line: string | undefined) => void) | undefined;
  private closed = false;

  constructor(io: CliIo, onSigint: () => void) {
    this.rl = createInterface({ input: io.stdin, output: io.stderr, terminal: io.stdin.isTTY === true && io.stderr.isTTY === true });
    this.rl.on("line", (line) => {
      if (this.asking) {
        const answer = this.asking;
        this.asking = undefined;
        answer(line);
      } else if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = undefined;
        resolve(line);
      } else this.queued.push(line);
    });
    this.rl.on("close", () => {
      this.closed = true;
      this.waiting?.(undefined);
      this.waiting = undefined;
      this.asking?.(undefined);
      this.asking = undefined;
    });
    this.rl.on("SIGINT", onSigint);
  }

  /** The next line, or undefined at end of input. */
  next(prompt: string): Promise<string | undefined> {
    const queued = this.queued.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closed) return Promise.resolve(undefined);
    if (prompt) {
      this.rl.setPrompt(prompt);
      this.rl.prompt();
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Asks `question` and resolves with the next line typed after it (lines typed earlier stay queued for the loop). */
  ask(question: string): Promise<string | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    this.rl.setPrompt(question);
    this.rl.prompt();
    return new Promise((resolve) => (this.asking = resolve));
  }

  close(): void {
    this.rl.close();
  }
}

async function askApproval(lines: LineReader, request: ApprovalRequest, colors: ReturnType<typeof colorsFor>): Promise<ApprovalDecision> {
  const what =
    request.kind === "commandExecution"
      ? `run ${colors.bold(request.command ?? "(a command)")}${request.cwd ? ` in ${request.cwd}` : ""}`
      : request.kind === "fileChange"
        ? "apply a file change"
        : `grant ${JSON.stringify(request.permissions)}`;
  const reason = request.reason ? colors.dim(` (${request.reason})`) : "";
  const answer = (await lines.ask(`${colors.magenta("?")} Allow codex to ${what}${reason}? [y]es, [a]lways, [N]o, [c]ancel turn: `))?.trim().toLowerCase();
  if (answer === "y" || answer === "yes") return "accept";
  if (answer === "a" || answer === "always") return "acceptForSession";
  if (answer === "c" || answer === "cancel") return "cancel";
  return "decline";
}

async function checkedDirectory(dir: string): Promise<string> {
  const absolute = path.resolve(dir);
  const info = await stat(absolute).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`--cwd ${dir} is not a directory.`);
  return absolute;
}

async function readSchema(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read the output schema ${file}: ${errorMessage(error)}`);
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The output schema ${file} is not JSON: ${errorMessage(error)}`);
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) throw new UsageError(`The output schema ${file} must be a JSON object (a JSON Schema).`);
  return schema as Record<string, unknown>;
}

/** Builds `codex-rpc run`. */
export function runCommand(context: CommandContext): Command {
  return new Command("run")
    .summary("run a turn (or a prompt loop) against codex, live")
    .description("Run one turn (or a prompt loop with --interactive) against codex, showing it live.")
    .argument("[prompt]", "what to ask (optional with --interactive)")
    .option("--cwd <dir>", "working directory of the conversation (default: the current directory)")
    .option("--model <model>", "the model (default: codex's configured one)")
    .addOption(new Option("--approval <mode>", "approval policy").choices([...APPROVAL_POLICIES]))
    .addOption(new Option("--sandbox <mode>", "sandbox mode").choices([...SANDBOX_MODES]))
    .option("--output-schema <file>", "a JSON Schema file: the answer must be JSON that fits it")
    .option("--timeout <seconds>", `deadline of each turn (default ${DEFAULT_TURN_TIMEOUT_SECONDS}); the turn is interrupted`, positiveNumber)
    .option("--offline", "use the built-in model on 127.0.0.1 and a throwaway CODEX_HOME (no login needed)")
    .option("-i, --interactive", "a prompt loop in the same conversation (exit, quit or Ctrl-D to stop)")
    .option("--json", "print the turn as JSON lines: {type: turn|delta|itemStarted|progress|event|result|error}")
    .option("-v, --verbose", "stream each command's output to stderr as it is produced")
    .option("-y, --yes", "accept every approval request (default: ask on a terminal, else decline)")
    .option("--codex-bin <path>", "the codex binary (default: CODEX_BIN, the bundled @openai/codex, codex on PATH)")
    .addHelpText(
      "after",
      '\nExamples:\n  codex-rpc run --offline "run: echo hi"\n  codex-rpc run --offline --interactive\n' +
        '  codex-rpc run --approval untrusted --sandbox workspace-write "add a test for parse()"\n\n' +
        "The agent's text goes to stdout; commands, file changes, approvals and token usage to stderr.\n" +
        "Defaults: --approval and --sandbox as your codex config.toml sets them (codex 0.169 with no config:\n" +
        "on-request, read-only); with --offline: never (commands run without asking), read-only.\n" +
        "Approval requests are asked on a terminal, declined otherwise unless --yes.",
    )
    .action(async (prompt: string | undefined, flags: Omit<RunOptions, "io" | "prompt" | "timeoutSeconds"> & { timeout?: number }) => {
      const interrupts = new EventTarget();
      const onSigint = () => interrupts.dispatchEvent(new Event("interrupt"));
      process.on("SIGINT", onSigint);
      try {
        const { timeout, ...rest } = flags;
        context.exit(
          await runTurns({
            ...rest,
            ...(prompt !== undefined ? { prompt } : {}),
            ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
            io: context.io,
            interrupts,
          }),
        );
      } finally {
        process.off("SIGINT", onSigint);
      }
    });
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number of seconds.");
  return n;
}
