/**
 * One real session, end to end: the library drives the real codex binary through
 * `codex-rpc tap` (codexBin is a wrapper script that execs the tap in front of the binary); the
 * transcript is then shown, and replayed as a fake app-server that drives the library to the
 * same results.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { showTranscript } from "../../src/cli/showCommand.ts";
import { isMessageEntry, parseTranscript, type TranscriptEntry } from "../../src/cli/transcript.ts";
import { CodexAgentSessionFactory, resolveCodexBinary, type AgentTurnResult } from "../../src/index.ts";
import { createHermeticCodexHome, LoopbackModel, type HermeticCodexHome } from "../../src/testing/index.ts";
import { captureIo, FIXTURES } from "./cliHelpers.ts";

const PROMPTS = ["Hello there", "run: echo hi"];

/** Runs the prompts in one conversation (untrusted, approvals accepted) and returns the results. */
async function converse(factory: CodexAgentSessionFactory, workDir: string): Promise<AgentTurnResult[]> {
  const runner = await factory.runner({ workingDirectory: workDir, approvalMode: "untrusted" }, { approvals: "accept" });
  const results: AgentTurnResult[] = [];
  for (const prompt of PROMPTS) {
    const { assistantText, events } = await runner.turn(prompt, { timeoutSeconds: 30 });
    results.push({ assistantText, events });
  }
  return results;
}

let model: LoopbackModel;
let home: HermeticCodexHome;
let dir: string;
let log: string;
let recorded: AgentTurnResult[];
let entries: TranscriptEntry[];

before(async () => {
  model = await LoopbackModel.start();
  home = await createHermeticCodexHome({ modelBaseUrl: model.baseUrl });
  dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-session-"));
  log = path.join(dir, "session.jsonl");
  const factory = new CodexAgentSessionFactory({
    codexBin: path.join(FIXTURES, "tap-codex.sh"),
    env: { ...home.env, CODEX_RPC_TAP_LOG: log, CODEX_RPC_TAP_TARGET: resolveCodexBinary({}).path, CODEX_RPC_NODE: process.execPath },
  });
  try {
    recorded = await converse(factory, home.workDir);
  } finally {
    await factory.close();
  }
  const parsed = parseTranscript(await readFile(log, "utf8"));
  assert.deepEqual(parsed.problems, []);
  entries = parsed.entries;
});

after(async () => {
  await model.close();
  await home.dispose();
  await rm(dir, { recursive: true, force: true });
});

function methods(dir: "c2s" | "s2c"): string[] {
  return entries.flatMap((entry) => (isMessageEntry(entry) && entry.dir === dir && typeof (entry.msg as { method?: unknown }).method === "string" ? [(entry.msg as { method: string }).method] : []));
}

describe("a real codex session through codex-rpc tap", () => {
  it("works as the codex binary: the turns complete as without the tap", () => {
    assert.equal(recorded[0]!.assistantText, "You said: Hello there (turn 1)");
    assert.equal(recorded[1]!.assistantText, "Command finished. Output:\nhi");
    assert.ok(recorded[1]!.events.some((event) => event.kind === "approval" && event.metadata.decision === "accept"));
  });

  it("records every message of both directions, all of them JSON", () => {
    assert.ok(entries.every(isMessageEntry), "a line was not JSON");
    const sent = methods("c2s");
    assert.deepEqual(sent.slice(0, 4), ["initialize", "initialized", "thread/start", "turn/start"]);
    assert.equal(sent.filter((m) => m === "turn/start").length, 2);
    const received = methods("s2c");
    assert.equal(received.filter((m) => m === "turn/completed").length, 2);
    assert.ok(received.includes("item/commandExecution/requestApproval"));
    const answers = entries.filter((e) => isMessageEntry(e) && e.dir === "c2s" && "result" in (e.msg as object));
    assert.deepEqual(answers.map((e) => (e as { msg: { result: unknown } }).msg.result), [{ decision: "accept" }]);
    const responses = entries.filter((e) => isMessageEntry(e) && e.dir === "s2c" && "id" in (e.msg as object) && !("method" in (e.msg as object)));
    assert.equal(responses.length, 4, "initialize, thread/start and two turn/start answers");
  });

  it("shows the transcript: pairs, latencies, folded deltas, turn sections", async () => {
    const io = captureIo();
    assert.equal(await showTranscript({ file: log, io, width: 0 }), 0);
    const text = io.output();
    assert.match(text, /← #1 thread\/start ok \d+(\.\d+)? ms  thread \S+ model=mock-model/);
    assert.match(text, /← item\/agentMessage\/delta \S+ ×3 "You said: Hello there \(turn 1\)"/);
    assert.equal(text.match(/┌ turn /g)?.length, 2);
    assert.equal(text.match(/└ turn \S+ completed/g)?.length, 2);
    assert.match(text, /→ #0 item\/commandExecution\/requestApproval ok [\d.]+ ms  decision "accept"/);
    assert.doesNotMatch(text, /no response to/);
  });

  it("replays the transcript as a fake app-server that drives the library to the same results", async () => {
    const factory = new CodexAgentSessionFactory({
      codexBin: path.join(FIXTURES, "replay-codex.sh"),
      env: { CODEX_RPC_REPLAY_TRANSCRIPT: log, CODEX_RPC_NODE: process.execPath },
    });
    try {
      const replayed = await converse(factory, home.workDir);
      assert.deepEqual(replayed, recorded);
    } finally {
      await factory.close();
    }
  });
});
