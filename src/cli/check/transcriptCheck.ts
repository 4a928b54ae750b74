/**
 * `codex-rpc check --transcript FILE...`: validates traffic recorded by `codex-rpc tap` (from any
 * client, not only codex-rpc) against the pinned protocol: every message against the JSON schema
 * of protocol/json and codex-rpc's zod schemas, every response paired with its request.
 */
import { loadTranscript } from "../replayCommand.ts";
import { checkEntry, type MessageFailure, type ScenarioResult } from "./conformanceRun.ts";
import { ProtocolValidator } from "./protocolValidator.ts";

/** How the transcripts fared, one "scenario" per file. */
export interface TranscriptCheckReport {
  readonly ok: boolean;
  readonly scenarios: readonly ScenarioResult[];
  readonly failures: readonly MessageFailure[];
  /** Lines of the files that are not transcript entries (skipped), as `file:line: reason`. */
  readonly skipped: readonly string[];
}

/** Validates each file (a missing or unreadable one is a UsageError); see the module comment. */
export async function checkTranscripts(files: readonly string[], protocolDir?: string): Promise<TranscriptCheckReport> {
  const validator = new ProtocolValidator(protocolDir);
  const scenarios: ScenarioResult[] = [];
  const failures: MessageFailure[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    const { entries, problems } = await loadTranscript(file);
    skipped.push(...problems);
    const pending = new Map<string, string>();
    let failed = 0;
    for (const entry of entries) {
      const failure = checkEntry(validator, entry, 0, pending);
      if (!failure) continue;
      failed++;
      failures.push({ scenario: file, ...failure });
    }
    const error = entries.length === 0 ? "no transcript entries in the file" : undefined;
    scenarios.push({ name: file, ok: failed === 0 && !error, ...(error ? { error } : {}), messages: entries.length, failedMessages: failed });
  }
  return { ok: scenarios.every((s) => s.ok), scenarios, failures, skipped };
}
