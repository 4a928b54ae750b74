/**
 * `backend.catalog` and `runner.review()` against the real app-server (the pinned binary, or the
 * one CODEX_BIN names under `npm run test:versions`), offline with the model on loopback: past
 * conversations listed page by page with names and previews, read back with their turns,
 * archived and unarchived; models, the account, and what needs a login (rate limits, usage); a
 * code review followed like a turn.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { CodexAgentRunner } from "../../src/codex/codexAgentRunner.ts";
import type { ConversationCatalog } from "../../src/codex/conversationCatalog.ts";
import { SPAN_ATTRIBUTES } from "../../src/codex/tracing.ts";
import { AgentError, RpcError } from "../../src/errors.ts";
import { startRealCodex, type RealCodex } from "../helpers/realCodex.ts";

// Given explicitly: the backend reads CODEX_BIN only from its own env, which the helper replaces.
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("test");
const backendConfig = { ...(process.env.CODEX_BIN ? { codexBin: process.env.CODEX_BIN } : {}), tracing: { tracer } };
const TURN = { timeoutSeconds: 30 };

describe("the catalog against the real app-server", { timeout: 120_000 }, () => {
  let codex: RealCodex;
  let catalog: ConversationCatalog;
  let first: CodexAgentRunner;
  let second: CodexAgentRunner;

  before(async () => {
    codex = await startRealCodex({ backend: backendConfig });
    catalog = codex.factory.backend.catalog;
    first = await codex.runner();
    await first.turn("Plan the parser", TURN);
    await first.turn("Now the lexer", TURN);
    second = await codex.runner();
    await second.turn("Write the changelog", TURN);
  });
  after(async () => {
    await codex?.dispose();
  });

  it("lists conversations page by page, with their names and previews", async () => {
    await catalog.setConversationName(first.threadId!, "Parser work");
    const page1 = await catalog.listConversations({ limit: 1 });
    assert.equal(page1.conversations.length, 1);
    assert.ok(page1.nextCursor, "a first page of one of two conversations has a next cursor");
    const page2 = await catalog.listConversations({ limit: 1, cursor: page1.nextCursor });
    const listed = [...page1.conversations, ...page2.conversations];
    assert.deepEqual(listed.map((c) => c.id).sort(), [first.threadId, second.threadId].sort());
    const parser = listed.find((c) => c.id === first.threadId)!;
    assert.equal(parser.name, "Parser work");
    assert.equal(parser.preview, "Plan the parser");
    assert.equal(parser.cwd, codex.home.workDir);
    assert.equal(parser.modelProvider, "mock_provider");
    assert.ok(parser.createdAt instanceof Date && !Number.isNaN(parser.createdAt.getTime()));
    assert.equal(parser.raw.id, parser.id, "the protocol's thread is kept as raw");
    assert.equal(listed.find((c) => c.id === second.threadId)!.name, null);
    // A search narrows the list to matching titles.
    const found = await catalog.listConversations({ searchTerm: "changelog" });
    assert.deepEqual(found.conversations.map((c) => c.id), [second.threadId]);
  });

  it("reads a conversation with its turns, oldest first", async () => {
    const conversation = await catalog.readConversation(first.threadId!);
    assert.equal(conversation.id, first.threadId);
    assert.deepEqual(
      conversation.turns.map((t) => [t.status, t.prompt, t.assistantText]),
      [
        ["completed", "Plan the parser", "You said: Plan the parser (turn 1)"],
        ["completed", "Now the lexer", "You said: Now the lexer (turn 2)"],
      ],
    );
    assert.ok(conversation.turns[0]!.items.some((item) => (item as { type?: string }).type === "agentMessage"));
    const page = await catalog.listTurns(first.threadId!, { limit: 1, sortDirection: "desc" });
    assert.deepEqual(page.turns.map((t) => t.prompt), ["Now the lexer"]);
    assert.ok(page.nextCursor);
  });

  it("archives and unarchives a conversation", async () => {
    const threadId = second.threadId!;
    await second.close(); // let go of the thread first, as a user closing it would
    await catalog.archiveConversation(threadId);
    assert.ok(!(await catalog.listConversations()).conversations.some((c) => c.id === threadId), "archived conversations leave the default list");
    assert.ok((await catalog.listConversations({ archived: true })).conversations.some((c) => c.id === threadId));
    const back = await catalog.unarchiveConversation(threadId);
    assert.equal(back.id, threadId);
    assert.equal(back.preview, "Write the changelog");
    assert.ok((await catalog.listConversations()).conversations.some((c) => c.id === threadId));
  });

  it("reviews a conversation's code and returns the review like a turn; the runner goes on", async () => {
    const result = await first.review({ type: "custom", instructions: "Check the greeting" }, TURN);
    assert.equal(result.threadId, first.threadId);
    assert.equal(result.assistantText, "Reviewed: Check the greeting");
    assert.ok(result.events.some((e) => e.kind === "exitedReviewMode" && e.metadata.review === "Reviewed: Check the greeting"));
    assert.ok(codex.model.requests.some((r) => r.review), "the model was asked for a review");
    // Traced as a review, with its turn's id and status.
    const span = exporter.getFinishedSpans().find((s) => s.name === "codex.review");
    assert.ok(span, "a codex.review span");
    assert.equal(span.attributes[SPAN_ATTRIBUTES.turnId], result.turnId);
    assert.equal(span.attributes[SPAN_ATTRIBUTES.turnStatus], "completed");
    // A target review/start would refuse is refused before anything is sent.
    const requestsBefore = codex.model.requests.length;
    await assert.rejects(first.review({ type: "baseBranch" } as never), (error: unknown) => error instanceof AgentError && error.code === "INVALID_CONFIG" && /branch/.test(error.message));
    await assert.rejects(first.review({ type: "lastWeek" } as never), (error: unknown) => error instanceof AgentError && error.code === "INVALID_CONFIG" && /uncommittedChanges/.test(error.message));
    assert.equal(codex.model.requests.length, requestsBefore);
    const next = await first.turn("Thanks", TURN);
    assert.match(next.assistantText, /^You said: Thanks/);
    const turns = (await catalog.readConversation(first.threadId!)).turns;
    const review = turns.find((t) => t.id === result.turnId)!;
    assert.deepEqual([review.status, review.prompt, review.assistantText, review.helperOf], ["completed", "Check the greeting", "Reviewed: Check the greeting", null]);
    // The review's model calls ran in a helper turn, which ends once the review has its answer.
    assert.ok(turns.filter((t) => t.helperOf === result.turnId).every((t) => t.status === "interrupted"));
  });

  it("lists models and reads the account; rate limits and usage need a login", async () => {
    // The default provider's picker is empty offline; the hermetic CODEX_HOME's catalog holds the loopback model, hidden.
    assert.deepEqual((await catalog.listModels()).models, []);
    const { models, nextCursor } = await catalog.listModels({ includeHidden: true, modelProvider: "mock_provider" });
    assert.equal(nextCursor, null);
    const loopback = models.find((m) => m.model === "mock-model")!;
    assert.deepEqual([loopback.id, loopback.displayName, loopback.hidden], ["mock-model", "codex-rpc loopback model", true]);
    assert.equal(loopback.raw.model, "mock-model");
    const account = await catalog.readAccount();
    assert.deepEqual([account.type, account.email, account.requiresOpenaiAuth], [null, null, false]);
    await assert.rejects(catalog.readRateLimits(), (error: unknown) => error instanceof RpcError && /authentication required/.test(error.rpcMessage));
    await assert.rejects(catalog.conversationUsage(first.threadId!), (error: unknown) => error instanceof RpcError && /authentication required/.test(error.rpcMessage));
  });

  it("refuses a malformed id before sending (INVALID_CONFIG, not the server's RPC), and passes the server's refusal of an unknown one", async () => {
    await assert.rejects(catalog.readConversation(" "), (error: unknown) => error instanceof AgentError && error.code === "INVALID_CONFIG" && /threadId/.test(error.message));
    await assert.rejects(catalog.setConversationName(first.threadId!, ""), (error: unknown) => error instanceof AgentError && error.code === "INVALID_CONFIG" && /name/.test(error.message));
    await assert.rejects(catalog.readConversation("00000000-0000-0000-0000-000000000000"), RpcError);
  });
});
