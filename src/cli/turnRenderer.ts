/**
 * Shows a streamed turn as it happens. Text mode: the agent's text goes to stdout as it streams;
 * commands (with exit codes and output), file changes, approvals, warnings and the token usage
 * go to stderr, next to a spinner while the model works (on a terminal only). The running item
 * shows live: in the spinner's text on a terminal, as a plain "▸" line otherwise; with `verbose`
 * a command's output streams to stderr as it is produced. JSON mode: each chunk of the stream
 * is one JSON line on stdout.
 */
import type { Ora } from "ora";
import type { AgentTurnEvent, CodexTurnResult, TurnStreamChunk } from "../index.ts";
import type { Colors } from "./io.ts";
import { jsonText } from "../protocol/redaction.ts";

/** One chunk of `runner.turnStream()`. */
export type TurnChunk = TurnStreamChunk<CodexTurnResult>;

/** Lines of command output shown before the rest is summarised. */
export const COMMAND_OUTPUT_MAX_LINES = 12;

/** Options of {@link TurnRenderer}. */
export interface TurnRendererOptions {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly json: boolean;
  /** Colours for stderr (events) and stdout (text). */
  readonly colors: Colors;
  /** A spinner on stderr, or undefined when it is not a terminal (or in JSON mode). */
  readonly spinner?: Ora;
  /** Added to approvals that were declined without asking (say, how to accept them). */
  readonly declineHint?: string;
  /** Stream command output to stderr as it is produced (else it is shown when the command ends). */
  readonly verbose?: boolean;
}

/** Item types whose start is worth a line (the model's own messages and reasoning are not). */
const SHOWN_STARTS: ReadonlySet<string> = new Set(["commandExecution", "fileChange", "mcpToolCall", "dynamicToolCall", "webSearch"]);

/** Characters of the running item's latest output shown in the spinner's text. */
const SPINNER_DETAIL_MAX_CHARS = 60;

/** Renders one turn's chunks; see the module comment. */
export class TurnRenderer {
  private readonly streamed = new Set<string>();
  /** True while the stdout line has text that did not end in a newline. */
  private openLine = false;
  private usage: AgentTurnEvent | undefined;
  /** Spinner text while the model works; the running item's summary while one runs. */
  private spinnerText = "working";
  /** Output streamed so far per command item (verbose), and the unfinished last line of it. */
  private readonly streamedOutput = new Map<string, { text: string; partial: string }>();

  constructor(private readonly options: TurnRendererOptions) {}

  /** Call before the turn starts. */
  start(prompt: string): void {
    this.spinnerText = "working";
    if (this.options.json) this.json({ type: "turn", prompt });
    else this.options.spinner?.start(this.spinnerText);
  }

  /** Shows one chunk. */
  chunk(chunk: TurnChunk): void {
    if (this.options.json) {
      if (chunk.type === "result") {
        const { events, ...result } = chunk.result;
        this.json({ type: "result", result: { ...result, eventCount: events.length } });
      } else this.json(chunk);
      return;
    }
    switch (chunk.type) {
      case "delta":
        this.pauseSpinner();
        this.streamed.add(chunk.itemId);
        this.options.stdout.write(chunk.delta);
        if (chunk.delta.length) this.openLine = !chunk.delta.endsWith("\n");
        return;
      case "event":
        this.event(chunk.event);
        return;
      case "itemStarted":
        this.itemStarted(chunk.itemType, chunk.event);
        return;
      case "progress":
        if (chunk.kind === "commandOutput") this.commandOutput(chunk.itemId, chunk.delta);
        else if (chunk.kind === "reasoning") this.setSpinnerDetail("thinking", chunk.delta);
        else if (chunk.kind === "planUpdate") {
          const steps = chunk.steps.map((s) => `  ${s.status === "completed" ? "[x]" : s.status === "inProgress" ? "[>]" : "[ ]"} ${s.step}`);
          this.stderrLines([this.options.colors.dim(`plan${chunk.explanation ? `: ${chunk.explanation}` : ""}`), ...steps.map((line) => this.options.colors.dim(line))]);
        }
        return;
      case "result":
        this.endLine();
        this.pauseSpinner();
        this.footer(chunk.result);
        return;
    }
  }

  /** Shows how a turn that threw ended; `message` says what happened and what to do. */
  failed(code: string, message: string): void {
    if (this.options.json) {
      this.json({ type: "error", error: { code, message } });
      return;
    }
    this.endLine();
    this.pauseSpinner();
    this.options.stderr.write(`${this.options.colors.red(`✗ ${code}`)} ${message}\n`);
  }

  /** Stops the spinner (before asking the user something, say). */
  pauseSpinner(): void {
    this.options.spinner?.stop();
  }

  /** Restarts the spinner after a pause (only while no text line is open). */
  resumeSpinner(): void {
    if (!this.openLine) this.options.spinner?.start(this.spinnerText);
  }

  private itemStarted(itemType: string, event: AgentTurnEvent): void {
    if (!SHOWN_STARTS.has(itemType)) return;
    const { colors, spinner } = this.options;
    this.spinnerText = event.summary;
    if (spinner) {
      if (spinner.isSpinning) spinner.text = this.spinnerText;
    } else this.stderrLines([`${colors.dim("▸")} ${event.summary}`]);
  }

  private commandOutput(itemId: string, delta: string): void {
    if (!this.options.verbose) {
      const lastLine = delta.trimEnd().split("\n").at(-1) ?? "";
      if (lastLine) this.setSpinnerDetail(this.spinnerText.split(" │ ")[0] ?? "", lastLine);
      return;
    }
    const seen = this.streamedOutput.get(itemId) ?? { text: "", partial: "" };
    seen.text += delta;
    const lines = (seen.partial + delta).split("\n");
    seen.partial = lines.pop() ?? "";
    this.streamedOutput.set(itemId, seen);
    if (lines.length) this.stderrLines(lines.map((line) => this.options.colors.dim(`  ${line}`)));
  }

  /** Shows `detail` after `label` in the spinner (terminal only). */
  private setSpinnerDetail(label: string, detail: string): void {
    const spinner = this.options.spinner;
    if (!spinner?.isSpinning) return;
    const oneLine = detail.replace(/\s+/g, " ").trim();
    const clipped = oneLine.length > SPINNER_DETAIL_MAX_CHARS ? `…${oneLine.slice(-SPINNER_DETAIL_MAX_CHARS)}` : oneLine;
    spinner.text = `${label} │ ${clipped}`;
  }

  private event(event: AgentTurnEvent): void {
    const { colors } = this.options;
    const m = event.metadata;
    if (SHOWN_STARTS.has(event.kind)) this.spinnerText = "working";
    switch (event.kind) {
      case "userMessage":
        return;
      case "tokenUsage":
        this.usage = event;
        return;
      case "agentMessage": {
        const itemId = String(m.itemId ?? "");
        if (this.streamed.has(itemId)) {
          this.endLine();
        } else {
          this.pauseSpinner();
          this.endLine();
          const text = String(m.text ?? event.summary);
          this.options.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
        }
        this.resumeSpinner();
        return;
      }
      case "commandExecution": {
        const exit = m.exitCode === null || m.exitCode === undefined ? "" : m.exitCode === 0 ? colors.green(` exit ${String(m.exitCode)}`) : colors.red(` exit ${String(m.exitCode)}`);
        const status = m.status === "completed" ? "" : colors.yellow(` ${String(m.status)}`);
        const output = String(m.output ?? "");
        const streamed = this.streamedOutput.get(String(m.itemId));
        this.streamedOutput.delete(String(m.itemId));
        const lines: string[] = [];
        if (streamed?.partial) lines.push(colors.dim(`  ${streamed.partial}`));
        lines.push(`${colors.bold(`$ ${String(m.command)}`)}${exit}${status}`);
        if (!streamed || !output.endsWith(streamed.text)) lines.push(...outputLines(output, colors));
        else if (output.length > streamed.text.length) {
          // Streamed output is not repeated; codex does not stream what the command printed before it reported the start.
          lines.push(colors.dim("  (printed before streaming began:)"), ...outputLines(output.slice(0, output.length - streamed.text.length), colors));
        }
        this.stderrLines(lines);
        return;
      }
      case "fileChange": {
        const changes = (Array.isArray(m.changes) ? m.changes : []) as { path?: unknown; kind?: unknown }[];
        const lines = changes.map((change) => {
          const kind = String(change.kind);
          const sign = kind === "add" ? colors.green("+") : kind === "delete" ? colors.red("-") : colors.yellow("~");
          return `${sign} ${String(change.path)} ${colors.dim(`(${kind}, ${String(m.status)})`)}`;
        });
        this.stderrLines(lines.length ? lines : [`${colors.yellow("~")} ${event.summary}`]);
        return;
      }
      case "approval": {
        const hint = m.decision === "decline" && this.options.declineHint ? colors.dim(` (${this.options.declineHint})`) : "";
        this.stderrLines([`${colors.magenta("?")} ${event.summary}${hint}`]);
        return;
      }
      case "warning":
        this.stderrLines([colors.yellow(`warning: ${event.summary}`)]);
        return;
      case "error":
        this.stderrLines([colors.red(`error: ${event.summary}`)]);
        return;
      case "reasoning":
        this.stderrLines([colors.dim(`thinking: ${event.summary}`)]);
        return;
      default:
        this.stderrLines([colors.dim(`${event.kind}: ${event.summary}`)]);
    }
  }

  private footer(result: CodexTurnResult): void {
    const { colors } = this.options;
    const usage = result.usage;
    const parts = [
      usage ? `tokens ${usage.inputTokens} in (${usage.cachedInputTokens} cached), ${usage.outputTokens} out, ${usage.totalTokens} total` : this.usage?.summary,
      result.durationMs !== null ? `${result.durationMs} ms` : undefined,
      `thread ${result.threadId}`,
    ].filter(Boolean);
    this.options.stderr.write(`${colors.dim(parts.join(" · "))}\n`);
  }

  private stderrLines(lines: readonly string[]): void {
    this.pauseSpinner();
    this.endLine();
    for (const line of lines) this.options.stderr.write(`${line}\n`);
    this.resumeSpinner();
  }

  private endLine(): void {
    if (!this.openLine) return;
    this.options.stdout.write("\n");
    this.openLine = false;
  }

  private json(value: unknown): void {
    this.options.stdout.write(`${jsonText(value)}\n`);
  }
}

function outputLines(output: string, colors: Colors): string[] {
  const lines = output.replace(/\n$/, "").split("\n");
  if (lines.length === 1 && lines[0] === "") return [];
  const shown = lines.slice(0, COMMAND_OUTPUT_MAX_LINES).map((line) => colors.dim(`  ${line}`));
  if (lines.length > COMMAND_OUTPUT_MAX_LINES) shown.push(colors.dim(`  … ${lines.length - COMMAND_OUTPUT_MAX_LINES} more lines`));
  return shown;
}
