/** The `replay` subcommand: a recorded transcript served as a fake app-server on stdio. */
import { readFile } from "node:fs/promises";
import { Command } from "commander";
import { EXIT_FAILURE, EXIT_OK, errorMessage, UsageError } from "./io.ts";
import type { CommandContext } from "./main.ts";
import { replayTranscript, type ReplayStats } from "./replay.ts";
import { parseTranscript, type TranscriptEntry } from "./transcript.ts";

/** Signals that stop a replay with its summary and verdict (the client need not close stdin). */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

/** Reads and parses a transcript file; a missing file or one with no entries is a UsageError. */
export async function loadTranscript(file: string): Promise<{ entries: TranscriptEntry[]; problems: string[] }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read the transcript ${file}: ${errorMessage(error)}`);
  }
  const { entries, problems } = parseTranscript(text);
  return { entries, problems: problems.map((problem) => `${file}:${problem.line}: ${problem.reason}`) };
}

/** Builds `codex-rpc replay FILE`. */
export function replayCommand(context: CommandContext): Command {
  return new Command("replay")
    .summary("serve a recorded transcript as a fake app-server on stdio")
    .description(
      "Serve a recorded transcript as a fake app-server on stdin/stdout: answers the client's requests with the " +
        "recorded responses (matched by method, in order; ids rewritten to the client's) and sends the recorded " +
        "notifications and server requests that followed each client message.",
    )
    .argument("<file>", "a transcript written by `codex-rpc tap`")
    .option("--strict", "exit 1 when the client sent something the recording could not answer, or left recorded requests unused")
    .option("--quiet", "print no summary on stderr")
    .addHelpText(
      "after",
      "\nUse it as the codex binary: a script such as\n" +
        '  #!/bin/sh\n  exec codex-rpc replay /path/to/session.jsonl\n' +
        "given as codexBin (or CODEX_BIN) makes a recorded session a deterministic fixture.",
    )
    .action(async (file: string, options: { strict?: boolean; quiet?: boolean }) => {
      const { io } = context;
      const { entries, problems } = await loadTranscript(file);
      for (const problem of problems) io.stderr.write(`codex-rpc replay: skipped ${problem}\n`);
      const unmatched: string[] = [];
      // A client may stop the replay with a signal instead of closing stdin: still report and judge.
      const stop = new AbortController();
      let stoppedBy: NodeJS.Signals | undefined;
      const onSignal = (signal: NodeJS.Signals) => {
        stoppedBy ??= signal;
        stop.abort();
      };
      for (const signal of STOP_SIGNALS) process.once(signal, onSignal);
      let stats: ReplayStats;
      try {
        stats = await replayTranscript(entries, {
          input: io.stdin,
          output: io.stdout,
          onUnmatched: (message) => unmatched.push(describe(message)),
          signal: stop.signal,
        });
      } finally {
        for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      }
      const incomplete = unmatched.length > 0 || stats.unused.some((label) => label.startsWith("request "));
      if (!options.quiet && (unmatched.length || stats.unused.length || stoppedBy)) {
        io.stderr.write(
          `codex-rpc replay: ${stoppedBy ? `stopped by ${stoppedBy}; ` : ""}${stats.matched} client messages matched, ${stats.sent} server messages sent` +
            (unmatched.length ? `; not in the recording: ${unmatched.join(", ")}` : "") +
            (stats.unused.length ? `; recorded but not sent by the client: ${stats.unused.join(", ")}` : "") +
            "\n",
        );
      }
      if (options.strict && !options.quiet) {
        io.stderr.write(`codex-rpc replay: --strict: ${incomplete ? "FAIL (the client and the recording differ)" : "ok"}\n`);
      }
      context.exit(options.strict && incomplete ? EXIT_FAILURE : EXIT_OK);
    });
}

function describe(message: unknown): string {
  const m = message as { method?: unknown; id?: unknown };
  return typeof m.method === "string" ? m.method : `answer to ${JSON.stringify(m.id)}`;
}
