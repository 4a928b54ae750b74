/** The `tap` subcommand's options; the proxy itself is in tap.ts. */
import { Command } from "commander";
import { EXIT_USAGE } from "./io.ts";
import type { CommandContext } from "./main.ts";
import { runTap } from "./tap.ts";

/** Builds `codex-rpc tap --log FILE -- <command...>`. */
export function tapCommand(context: CommandContext): Command {
  const tap: Command = new Command("tap")
    .summary("proxy an app-server's stdio, appending every message to a transcript")
    .description(
      "Run an app-server command as a transparent stdio proxy, appending every message to a JSON-lines transcript. " +
        "Use it in place of the codex binary in an editor or another client.",
    )
    // Not requiredOption: with passThroughOptions an unknown option ends option parsing, and
    // commander would then report the --log after it as missing instead of the unknown option.
    .option("--log <file>", "transcript to append to: {dir, t, msg} per line (secrets redacted); required")
    .argument("<command...>", "the command that runs the app-server, after --, e.g. -- codex app-server")
    .passThroughOptions()
    .addHelpText(
      "after",
      "\nExample:\n  codex-rpc tap --log /tmp/codex.jsonl -- codex app-server\n\n" +
        "Bytes pass through unchanged; stderr goes straight through; signals are forwarded.\n" +
        "Exits with the child's exit code (128 + signal number when it was killed, 127 when not found).",
    )
    .action(async (command: string[], options: { log?: string }) => {
      const [program, ...args] = command;
      if (program?.startsWith("-")) {
        tap.error(`error: unknown option '${program}' (tap takes --log FILE; the app-server command goes after --)`, { exitCode: EXIT_USAGE });
      }
      if (!options.log) tap.error("error: tap needs --log FILE: the transcript to append to (codex-rpc tap --log FILE -- codex app-server)", { exitCode: EXIT_USAGE });
      context.exit(await runTap({ command: program!, args, log: options.log!, io: context.io }));
    });
  return tap;
}
