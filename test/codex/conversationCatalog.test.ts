/**
 * ConversationCatalog's mapping, over a fake requester: what each method sends, and the small
 * shapes made of what comes back, including objects a newer server reshaped (read defensively,
 * never a TypeError). The real binary is in test/integration/conversationCatalog.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConversationCatalog, type StableRequester } from "../../src/codex/conversationCatalog.ts";
import { AgentError } from "../../src/errors.ts";

function fake(answers: Record<string, (params: unknown) => unknown>) {
  const sent: { method: string; params: unknown; options: unknown }[] = [];
  const requester = {
    request: async (method: string, params?: unknown, options?: unknown) => {
      sent.push({ method, params, options });
      const answer = answers[method];
      if (!answer) throw new Error(`unexpected ${method}`);
      return answer(params);
    },
  } as unknown as StableRequester;
  return { catalog: new ConversationCatalog(requester), sent };
}

const thread = (id: string, extra: Record<string, unknown> = {}) => ({
  id, name: null, preview: `about ${id}`, createdAt: 1_700_000_000, updatedAt: 1_700_000_060, cwd: "/w", model: "m", modelProvider: "p",
  status: { type: "idle" }, forkedFromId: null, turns: [], ...extra,
});

describe("ConversationCatalog", () => {
  it("sends the list filters as thread/list params and maps the page", async () => {
    const { catalog, sent } = fake({ "thread/list": () => ({ data: [thread("a", { name: "Alpha" }), thread("b", { status: undefined })], nextCursor: "c2" }) });
    const signal = new AbortController().signal;
    const page = await catalog.listConversations({ limit: 2, cursor: "c1", archived: true, searchTerm: "x", cwd: ["/w"], sortKey: "updated_at", sortDirection: "asc", signal });
    assert.deepEqual(sent[0], {
      method: "thread/list",
      params: { limit: 2, cursor: "c1", archived: true, searchTerm: "x", cwd: ["/w"], sortKey: "updated_at", sortDirection: "asc" },
      options: { signal },
    });
    assert.equal(page.nextCursor, "c2");
    const [a, b] = page.conversations;
    assert.deepEqual([a!.id, a!.name, a!.preview, a!.status, a!.createdAt.toISOString()], ["a", "Alpha", "about a", "idle", "2023-11-14T22:13:20.000Z"]);
    assert.equal(b!.status, "unknown", "a status a newer server left out or reshaped does not throw");
    assert.equal(page.raw.data.length, 2);
  });

  it("reads a conversation and every page of its turns; maps prompts, answers, reviews and helper turns", async () => {
    const turnsPages: Record<string, unknown> = {
      start: {
        data: [{
          id: "t1", status: "completed", durationMs: 5, error: null, items: [
            { type: "userMessage", id: "u", content: [{ type: "text", text: "Hi" }, { type: "image", url: "x" }] },
            { type: "agentMessage", id: "m1", text: "draft", phase: "commentary" },
            { type: "agentMessage", id: "m2", text: "final", phase: "final_answer" },
            { type: "agentMessage", id: "m3", text: "after" },
          ],
        }],
        nextCursor: "p2",
      },
      p2: {
        data: [
          { id: "h", rootTurnId: "r", status: "interrupted", items: [], error: null },
          { id: "r", rootTurnId: "r", status: "failed", error: { message: "boom" }, items: [
            { type: "enteredReviewMode", id: "e", review: "the diff" },
            { type: "exitedReviewMode", id: "x", review: "looks fine" },
          ] },
        ],
        nextCursor: null,
      },
    };
    const { catalog, sent } = fake({
      "thread/read": () => ({ thread: thread("a") }),
      "thread/turns/list": (params) => turnsPages[(params as { cursor?: string }).cursor ?? "start"],
    });
    const conversation = await catalog.readConversation("a");
    assert.deepEqual(sent.map((s) => s.method), ["thread/read", "thread/turns/list", "thread/turns/list"]);
    assert.deepEqual(sent[1]!.params, { threadId: "a", itemsView: "full", sortDirection: "asc" });
    assert.deepEqual(
      conversation.turns.map((t) => [t.id, t.status, t.prompt, t.assistantText, t.error, t.helperOf]),
      [
        ["t1", "completed", "Hi", "final", null, null],
        ["h", "interrupted", "", "", null, "r"],
        ["r", "failed", "the diff", "looks fine", "boom", null],
      ],
    );
  });

  it("stops reading turns at a cursor it has seen (a server that pages in a circle does not hang it)", async () => {
    let calls = 0;
    const { catalog } = fake({
      "thread/read": () => ({ thread: thread("a") }),
      "thread/turns/list": () => ({ data: [{ id: `t${++calls}`, status: "completed", items: [] }], nextCursor: "same" }),
    });
    const conversation = await catalog.readConversation("a");
    assert.deepEqual(conversation.turns.map((t) => t.id), ["t1", "t2"]);
  });

  it("maps models and the account; refuses bad ids and names before sending", async () => {
    const model = { id: "gpt", model: "gpt", displayName: "GPT", description: "d", isDefault: true, hidden: false, defaultReasoningEffort: "medium", supportedReasoningEfforts: [{ reasoningEffort: "low", description: "" }, { reasoningEffort: "high", description: "" }] };
    const { catalog, sent } = fake({
      "model/list": () => ({ data: [model], nextCursor: null }),
      "account/read": () => ({ account: { type: "chatgpt", email: "a@b.c", planType: "plus" }, requiresOpenaiAuth: true }),
    });
    const { models } = await catalog.listModels({ includeHidden: true });
    assert.deepEqual(sent[0]!.params, { includeHidden: true });
    assert.deepEqual([models[0]!.model, models[0]!.isDefault, models[0]!.reasoningEfforts], ["gpt", true, ["low", "high"]]);
    const account = await catalog.readAccount();
    assert.deepEqual([account.type, account.email, account.planType, account.requiresOpenaiAuth], ["chatgpt", "a@b.c", "plus", true]);
    const invalid = (field: string) => (error: unknown) => error instanceof AgentError && error.code === "INVALID_CONFIG" && error.message.includes(field);
    await assert.rejects(catalog.archiveConversation(42 as never), invalid("threadId"));
    await assert.rejects(catalog.setConversationName("a", "  "), invalid("name"));
    assert.equal(sent.length, 2, "nothing is sent for refused calls");
  });
});
