/** `codex-rpc show` on a recorded transcript (test/fixtures/cli/session.jsonl) and on a growing one. */
import assert from "node:assert/strict";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { showTranscript } from "../../src/cli/showCommand.ts";
import { globToRegExp } from "../../src/cli/transcriptRenderer.ts";
import { captureIo, FIXTURES } from "./cliHelpers.ts";

const SESSION = path.join(FIXTURES, "session.jsonl");
const THREAD = "01a20759-e00a-7d71-8e1a-304b8b669a61";
const ESC = "\x1b[";

async function show(options: Omit<Parameters<typeof showTranscript>[0], "io" | "file"> & { file?: string; env?: Record<string, string> } = {}) {
  const { env, file, ...rest } = options;
  const io = captureIo(env ? { env } : {});
  const code = await showTranscript({ file: file ?? SESSION, width: 0, ...rest, io });
  return { code, text: io.output(), lines: io.output().trimEnd().split("\n"), errors: io.errors() };
}

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "codex-rpc-show-test-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("codex-rpc show", () => {
  it("renders one line per message with responses paired to their requests", async () => {
    const { code, lines } = await show();
    assert.equal(code, 0);
    assert.equal(lines[0], "   0.008s    → #0 initialize  codex-rpc 0.1.0");
    assert.match(lines[1]!, /^ {3}0\.136s {4}← #0 initialize ok 128 ms {2}codex-rpc\/0\.169\.0/);
    assert.ok(lines.includes(`── thread ${THREAD} ──`));
    assert.equal(lines.filter((line) => line.startsWith("── thread")).length, 1, "one thread, one section");
    assert.ok(lines.some((line) => /← #2 turn\/start ok 5\.9 ms {2}turn \S+ inProgress$/.test(line)));
  });

  it("folds the deltas of one item into one line and shows turns as sections", async () => {
    const { lines } = await show();
    const deltas = lines.filter((line) => line.includes("item/agentMessage/delta"));
    assert.deepEqual(deltas, ['   0.252s  │ ← item/agentMessage/delta resp_0_item_0 ×3 "You said: Hello there (turn 1)"']);
    const opened = lines.findIndex((line) => line.includes("┌ turn 01a20759-e01d"));
    const closed = lines.findIndex((line) => line.includes("└ turn 01a20759-e01d"));
    assert.ok(opened > 0 && closed > opened);
    assert.match(lines[closed]!, /└ turn 01a20759-e01d-7290-ad02-8441bb7d4622 completed 96 ms$/);
    assert.ok(lines.slice(opened + 1, closed).filter((line) => line.includes("item/")).every((line) => line.includes("│ ")), "items of the turn are inside its section");
  });

  it("filters by thread (id prefix) and by method glob", async () => {
    const byThread = await show({ thread: THREAD.slice(0, 13) });
    assert.ok(!byThread.text.includes("initialize"), "messages of no thread are left out");
    assert.ok(byThread.text.includes("turn/start"));
    assert.equal((await show({ thread: "nope" })).text, "");

    const turns = await show({ methods: ["turn/*"] });
    assert.ok(turns.lines.every((line) => /turn\/start|┌ turn|└ turn|── thread/.test(line)), turns.text);
    assert.equal(turns.lines.filter((line) => line.includes("→ #") && line.includes("turn/start")).length, 2);
    const items = await show({ methods: ["item/**"] });
    assert.ok(items.text.includes("item/agentMessage/delta") && items.text.includes("item/commandExecution/requestApproval"));
    assert.ok(!items.text.includes("turn/start"));
    assert.ok(globToRegExp("item/*").test("item/completed") && !globToRegExp("item/*").test("item/agentMessage/delta"));
  });

  it("prints JSON lines with --json", async () => {
    const { lines } = await show({ json: true });
    const rows = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const response = rows.find((row) => row.kind === "response" && row.method === "thread/start")!;
    assert.equal(response.latencyMs, 17.7);
    assert.equal(response.threadId, THREAD);
    const deltas = rows.filter((row) => row.kind === "deltas");
    assert.deepEqual(deltas.map((row) => [row.count, row.text]), [[3, "You said: Hello there (turn 1)"]]);
  });

  it("colours by direction unless NO_COLOR is set", async () => {
    assert.ok((await show({ env: { FORCE_COLOR: "1" } })).text.includes(ESC));
    assert.ok(!(await show({ env: { FORCE_COLOR: "1", NO_COLOR: "1" } })).text.includes(ESC));
    assert.ok(!(await show({ env: {} })).text.includes(ESC), "no colour when stdout is not a terminal");
  });

  it("cuts lines to the width, and notes requests that got no response", async () => {
    const file = path.join(dir, "unanswered.jsonl");
    await writeFile(
      file,
      [
        JSON.stringify({ dir: "c2s", t: 1, msg: { id: 7, method: "turn/start", params: { threadId: "t1", input: [{ type: "text", text: "x".repeat(200) }] } } }),
        "not a transcript line",
        JSON.stringify({ dir: "s2c", t: 2, raw: "garbage from the server" }),
      ].join("\n"),
    );
    const { lines, errors } = await show({ file, width: 60 });
    for (const line of lines) assert.ok(line.length <= 60, line);
    assert.ok(lines.some((line) => line.includes("(not JSON) garbage from the server")));
    assert.match(lines.at(-1)!, /^\(no response to → #7 turn\/start, sent at +0\.001s\)$/);
    assert.match(errors, /unanswered\.jsonl:2: skipped/);
  });

  it("--follow renders what is appended to a live transcript, folding deltas once it goes quiet", { timeout: 15_000 }, async () => {
    const file = path.join(dir, "live.jsonl");
    const io = captureIo();
    const stop = new AbortController();
    const done = showTranscript({ file, io, follow: true, width: 0, signal: stop.signal });
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 5000;
      while (!io.output().includes(text)) {
        if (Date.now() > deadline) throw new Error(`"${text}" never shown; output:\n${io.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const delta = (t: number, text: string) => JSON.stringify({ dir: "s2c", t, msg: { method: "item/agentMessage/delta", params: { itemId: "m1", delta: text } } });
    try {
      // The file does not exist yet: follow waits for it.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await writeFile(file, `${JSON.stringify({ dir: "c2s", t: 1, msg: { id: 0, method: "initialize", params: { clientInfo: { name: "x", version: "1" } } } })}\n`);
      await waitFor("→ #0 initialize");
      await appendFile(file, `${JSON.stringify({ dir: "s2c", t: 3.5, msg: { id: 0, result: { userAgent: "ua/1" } } })}\n${delta(4, "Hel")}\n${delta(5, "lo")}\n`);
      await waitFor("← #0 initialize ok 2.5 ms  ua/1");
      // The two deltas came in one burst: one line, printed once the file went quiet.
      await waitFor('m1 ×2 "Hello"');
      await appendFile(file, `${delta(6, "!")}\n`);
      await waitFor('m1 ×1 "!"');
    } finally {
      stop.abort();
    }
    assert.equal(await done, 0);
  });
});
