/** Renders a conformance run for a person: a table of scenarios, then each failure as a diff. */
import type { Colors } from "../io.ts";
import type { ConformanceReport, MessageFailure } from "./conformanceRun.ts";
import type { SchemaChange } from "./schemaDiff.ts";

/** Header facts of a run. */
export interface CheckHeader {
  readonly binary: string;
  readonly binaryVersion: string | undefined;
  readonly pinnedVersion: string | undefined;
}

/** The scenario table, as lines. */
export function scenarioTable(report: Pick<ConformanceReport, "ok" | "scenarios">, colors: Colors, firstColumn = "scenario"): string[] {
  const nameWidth = Math.max(firstColumn.length, "total".length, ...report.scenarios.map((s) => s.name.length));
  const row = (name: string, seen: string, failed: string, result: string, extra = "") =>
    `${name.padEnd(nameWidth)}  ${seen.padStart(8)}  ${failed.padStart(6)}  ${result}${extra}`;
  const lines = [colors.bold(row(firstColumn, "messages", "failed", "result"))];
  for (const s of report.scenarios) {
    const result = s.ok ? colors.green("ok  ") : colors.red("FAIL");
    const failed = s.failedMessages ? colors.red(String(s.failedMessages).padStart(6)) : "0".padStart(6);
    lines.push(row(s.name, String(s.messages), failed, result, s.durationMs === undefined ? "" : colors.dim(`  ${s.durationMs} ms`)));
  }
  const seen = report.scenarios.reduce((sum, s) => sum + s.messages, 0);
  const failed = report.scenarios.reduce((sum, s) => sum + s.failedMessages, 0);
  lines.push(colors.bold(row("total", String(seen), String(failed), report.ok ? colors.green("PASS") : colors.red("FAIL"))));
  return lines;
}

/** Scenario errors and message failures, as diff-style lines; similar failures are grouped. */
export function failureDetails(report: Pick<ConformanceReport, "scenarios" | "failures">, colors: Colors): string[] {
  const lines: string[] = [];
  for (const s of report.scenarios) {
    if (s.error) lines.push(`${colors.red("✗")} ${colors.bold(s.name)}: ${s.error}`);
  }
  const groups = new Map<string, MessageFailure[]>();
  for (const failure of report.failures) {
    const key = `${failure.dir} ${failure.method} ${failure.problems.map((p) => `${p.source}${p.path}${p.message}${p.actual}`).join("|")}`;
    groups.set(key, [...(groups.get(key) ?? []), failure]);
  }
  for (const [, group] of groups) {
    const first = group[0]!;
    if (lines.length) lines.push("");
    const arrow = first.dir === "c2s" ? "client → server" : "server → client";
    lines.push(`${colors.red("✗")} ${colors.bold(first.scenario)}: ${arrow} ${first.kind} ${colors.bold(first.method)} at ${(first.t / 1000).toFixed(3)}s`);
    for (const problem of first.problems) {
      lines.push(`    ${colors.dim(problem.source)} ${problem.path || "(message)"}: ${problem.message}`);
      if (problem.expected !== undefined) lines.push(`    ${colors.green(`- expected ${problem.expected}`)}`);
      if (problem.actual !== undefined) lines.push(`    ${colors.red(`+ actual   ${problem.actual}`)}`);
    }
    if (group.length > 1) {
      const scenarios = [...new Set(group.map((f) => f.scenario))].join(", ");
      lines.push(colors.dim(`    (${group.length - 1} more message${group.length > 2 ? "s" : ""} like this, in: ${scenarios})`));
    }
  }
  return lines;
}

/** The schema comparison, as lines: breaking changes first, each with its path, what changed and why it matters. */
export function schemaChangeLines(changes: readonly SchemaChange[], colors: Colors, against = "protocol/json"): string[] {
  if (changes.length === 0) return [colors.green(`generated schema: identical methods and fields to ${against}`)];
  const breaking = changes.filter(isBreaking);
  const lines = [
    breaking.length
      ? colors.red(`${breaking.length} breaking, ${changes.length - breaking.length} compatible difference${changes.length - breaking.length === 1 ? "" : "s"}`)
      : colors.green(`${changes.length} difference${changes.length === 1 ? "" : "s"}, all compatible`),
  ];
  for (const change of changes) {
    const mark = change.compatible ? colors.green("  compatible") : colors.red("  BREAKING  ");
    const typed = change.rejectedByTypedResults ? "; backend.request() results holding it fail validation against the pinned schema" : "";
    lines.push(`${mark} ${change.path}: ${change.detail}${colors.dim(` (${change.reason}${typed})`)}`);
  }
  return lines;
}

/** True when a change can break codex-rpc or a client built against the pinned schema (see schemaCompare.ts). */
export function isBreaking(change: SchemaChange): boolean {
  return !change.compatible;
}
