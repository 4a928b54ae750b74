/**
 * `npm start`: a short conversation with the real codex binary, offline. The model is the
 * project's scripted Responses-API server on 127.0.0.1; codex runs in a throwaway HOME and
 * CODEX_HOME. Events print as they arrive.
 */
import { CodexAgentSessionFactory, isLiveEvent, type AgentTurnEvent } from "../src/index.ts";
import { createHermeticCodexHome, LoopbackModel } from "../src/testing/index.ts";

const dim = (text: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[2m${text}\x1b[0m` : text);
const bold = (text: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${text}\x1b[0m` : text);

function show(event: AgentTurnEvent): void {
  if (event.kind === "itemStarted" && event.metadata.itemType === "commandExecution") console.log(`  ${dim("running".padEnd(16))} ${event.summary}`);
  if (event.kind === "userMessage" || isLiveEvent(event)) return;
  console.log(`  ${dim(event.kind.padEnd(16))} ${event.summary}`);
}

await using model = await LoopbackModel.start();
await using home = await createHermeticCodexHome({ modelBaseUrl: model.baseUrl, sandboxMode: "danger-full-access" });
await using factory = await new CodexAgentSessionFactory({ env: home.env }, { runnerDefaults: { onEvent: show } }).start();
const backend = factory.backend;
console.log(`codex-rpc demo: ${backend.initializeResult?.userAgent} (pid ${backend.pid}, ${backend.binary?.source} binary)`);
console.log(dim(`model on ${model.baseUrl}, CODEX_HOME ${home.codexHome}\n`));

const runner = await factory.runner({ workingDirectory: home.workDir });
const prompts: [string, Parameters<typeof runner.turn>[1]?][] = [
  ["Hello! Who is there?"],
  ["run: echo 'hello from a real codex sandbox' && uname -s"],
  ["Summarise this conversation as JSON", { outputSchema: { type: "object", properties: { turns: { type: "number" }, mood: { type: "string" } }, required: ["turns", "mood"], additionalProperties: false } }],
];
for (const [prompt, options] of prompts) {
  console.log(bold(`> ${prompt}`));
  const started = performance.now();
  const result = await runner.turn(prompt, options);
  console.log(`  ${bold("assistant".padEnd(16))} ${result.assistantText.replace(/\n/g, "\n" + " ".repeat(19))}`);
  console.log(dim(`  (${result.events.length} events, ${Math.round(performance.now() - started)} ms)\n`));
}
console.log(dim(`conversation ${runner.threadId}; closing the backend.`));
