/**
 * What users ask of an app-server beyond turns, as plain methods over `backend.request()`: past
 * conversations (list, read with their turns, archive, unarchive, name), the models on offer, the
 * account, its rate limits, and a conversation's usage. Each answer is mapped to a small shape
 * with the protocol's own object kept as `raw`. Reached as `backend.catalog`; a code review of a
 * conversation is `runner.review()`, since it runs as a turn of that conversation.
 */
import { InvalidConfigError } from "../errors.ts";
import type {
  GetAccountRateLimitsResponse,
  GetAccountTokenUsageResponse,
  Model,
  ModelListResponse,
  ReviewTarget,
  SortDirection,
  Thread,
  ThreadListResponse,
  ThreadSortKey,
  Turn,
} from "../protocol/generated/stableClientRequestTypes.ts";
import type { RequestOptions } from "../protocol/protocolConnection.ts";
import type { StableClientRequestArgs, StableClientRequestMethod, StableClientRequestResult } from "../protocol/stableClientRequests.ts";

/** What the catalog needs of a backend: its typed `request()`. */
export interface StableRequester {
  request<M extends StableClientRequestMethod>(method: M, ...args: StableClientRequestArgs<M>): Promise<StableClientRequestResult<M>>;
}

/** A past or live conversation (a thread) as a list shows it. */
export interface ConversationSummary {
  /** The conversation id: what `resumeThreadId` and the catalog's other methods take. */
  readonly id: string;
  /** The name set with `setConversationName` (or by another client), else null. */
  readonly name: string | null;
  /** Usually the first user message. */
  readonly preview: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** The working directory the conversation was started in. */
  readonly cwd: string;
  readonly model: string | null;
  readonly modelProvider: string;
  /** `notLoaded`, `idle`, `active`, `systemError` (or what a newer server says). */
  readonly status: string;
  /** The conversation this one was forked from, if any. */
  readonly forkedFromId: string | null;
  /** The protocol's thread object as the server sent it. */
  readonly raw: Thread;
}

/** One page of {@link ConversationCatalog.listConversations}. */
export interface ConversationPage {
  readonly conversations: readonly ConversationSummary[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
  readonly raw: ThreadListResponse;
}

/** One turn of a conversation read back. */
export interface ConversationTurn {
  readonly id: string;
  /** `completed`, `interrupted`, `failed`, `inProgress` (or what a newer server says). */
  readonly status: string;
  /** The text of the turn's user messages (a review turn: what it reviews). */
  readonly prompt: string;
  /** The final answer: the turn's last agent message, as a live turn's `assistantText` (a review turn: the review). */
  readonly assistantText: string;
  /**
   * The turn this one did work for, else null: a review (`runner.review()`) runs its model calls
   * in a helper turn that ends `interrupted` once the review turn has its answer.
   */
  readonly helperOf: string | null;
  /** The server's message when the turn failed. */
  readonly error: string | null;
  readonly durationMs: number | null;
  /** The turn's items (`userMessage`, `agentMessage`, `commandExecution`, ...) as the server sent them. */
  readonly items: readonly unknown[];
  readonly raw: Turn;
}

/** A conversation with its turns, oldest first. */
export interface Conversation extends ConversationSummary {
  readonly turns: readonly ConversationTurn[];
}

/** One page of {@link ConversationCatalog.listTurns}. */
export interface ConversationTurnPage {
  readonly turns: readonly ConversationTurn[];
  readonly nextCursor: string | null;
}

/** Filters and paging of {@link ConversationCatalog.listConversations}. */
export interface ListConversationsOptions extends RequestOptions {
  /** Page size; the server's default when absent. */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** true: only archived conversations; default: only those not archived. */
  readonly archived?: boolean;
  /** Only conversations whose title contains this text. */
  readonly searchTerm?: string;
  /** Only conversations started in these working directories. */
  readonly cwd?: string | readonly string[];
  /** Default `created_at`. */
  readonly sortKey?: ThreadSortKey;
  /** Default `desc` (newest first). */
  readonly sortDirection?: SortDirection;
}

/** Paging of {@link ConversationCatalog.listTurns}. */
export interface ListTurnsOptions extends RequestOptions {
  readonly limit?: number;
  readonly cursor?: string;
  /** Default `asc` here (oldest first), unlike the server's default. */
  readonly sortDirection?: SortDirection;
}

/** Paging and filters of {@link ConversationCatalog.listModels}. */
export interface ListModelsOptions extends RequestOptions {
  readonly limit?: number;
  readonly cursor?: string;
  /** Also the models the picker hides. */
  readonly includeHidden?: boolean;
  /** The models of this configured provider instead of the default one's. */
  readonly modelProvider?: string;
}

/** A model on offer, from `model/list`. */
export interface ModelSummary {
  /** What to pass as the config's `model`. */
  readonly model: string;
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
  readonly isDefault: boolean;
  readonly hidden: boolean;
  readonly defaultReasoningEffort: string;
  readonly reasoningEfforts: readonly string[];
  readonly raw: Model;
}

/** One page of {@link ConversationCatalog.listModels}. */
export interface ModelPage {
  readonly models: readonly ModelSummary[];
  readonly nextCursor: string | null;
  readonly raw: ModelListResponse;
}

/** The account codex runs as, from `account/read`. */
export interface AccountInfo {
  /** `apiKey`, `chatgpt`, `amazonBedrock`, `gcp` (or what a newer server says); null without a login. */
  readonly type: string | null;
  /** The ChatGPT account's email, when there is one. */
  readonly email: string | null;
  /** The ChatGPT plan, when there is one. */
  readonly planType: string | null;
  /** Whether the configured model provider needs an OpenAI login at all. */
  readonly requiresOpenaiAuth: boolean;
  readonly raw: StableClientRequestResult<"account/read">;
}

/** Plain methods over one backend's `request()`; see the module comment. Holds no state. */
export class ConversationCatalog {
  /** `backend` is usually a CodexBackend (its `catalog` getter makes one). */
  constructor(private readonly backend: StableRequester) {}

  /** One page of conversations (`thread/list`), newest first unless asked otherwise. */
  async listConversations(options: ListConversationsOptions = {}): Promise<ConversationPage> {
    const { signal, limit, cursor, archived, searchTerm, cwd, sortKey, sortDirection } = options;
    const raw = await this.backend.request(
      "thread/list",
      {
        ...(limit !== undefined ? { limit } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
        ...(archived !== undefined ? { archived } : {}),
        ...(searchTerm !== undefined ? { searchTerm } : {}),
        ...(cwd !== undefined ? { cwd: typeof cwd === "string" ? cwd : [...cwd] } : {}),
        ...(sortKey !== undefined ? { sortKey } : {}),
        ...(sortDirection !== undefined ? { sortDirection } : {}),
      },
      withSignal(signal),
    );
    return { conversations: raw.data.map(summaryOf), nextCursor: raw.nextCursor ?? null, raw };
  }

  /**
   * One conversation with all its turns, oldest first (`thread/read`, then `thread/turns/list`
   * page by page). An unknown id rejects with RPC (the server's "thread not found").
   */
  async readConversation(threadId: string, options: RequestOptions = {}): Promise<Conversation> {
    checkId("threadId", threadId);
    const { thread } = await this.backend.request("thread/read", { threadId, includeTurns: false }, withSignal(options.signal));
    const turns: ConversationTurn[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.listTurns(threadId, { ...(cursor !== undefined ? { cursor } : {}), ...withSignal(options.signal) });
      turns.push(...page.turns);
      cursor = page.nextCursor ?? undefined;
      // A cursor seen before would page forever: stop there.
      if (cursor !== undefined && seen.has(cursor)) break;
      if (cursor !== undefined) seen.add(cursor);
    } while (cursor !== undefined);
    return { ...summaryOf(thread as unknown as Thread), turns };
  }

  /** One page of a conversation's turns with their items (`thread/turns/list`), oldest first by default. */
  async listTurns(threadId: string, options: ListTurnsOptions = {}): Promise<ConversationTurnPage> {
    checkId("threadId", threadId);
    const { signal, limit, cursor, sortDirection = "asc" } = options;
    const raw = await this.backend.request(
      "thread/turns/list",
      { threadId, itemsView: "full", sortDirection, ...(limit !== undefined ? { limit } : {}), ...(cursor !== undefined ? { cursor } : {}) },
      withSignal(signal),
    );
    return { turns: raw.data.map(turnOf), nextCursor: raw.nextCursor ?? null };
  }

  /** Archives a conversation (`thread/archive`): it leaves the default list; its history is kept. */
  async archiveConversation(threadId: string, options: RequestOptions = {}): Promise<void> {
    checkId("threadId", threadId);
    await this.backend.request("thread/archive", { threadId }, withSignal(options.signal));
  }

  /** Brings an archived conversation back (`thread/unarchive`) and returns it. */
  async unarchiveConversation(threadId: string, options: RequestOptions = {}): Promise<ConversationSummary> {
    checkId("threadId", threadId);
    const { thread } = await this.backend.request("thread/unarchive", { threadId }, withSignal(options.signal));
    return summaryOf(thread);
  }

  /** Names a conversation (`thread/name/set`); lists then show it as `name`. */
  async setConversationName(threadId: string, name: string, options: RequestOptions = {}): Promise<void> {
    checkId("threadId", threadId);
    if (typeof name !== "string" || name.trim() === "") throw new InvalidConfigError("name", `The name must be a non-empty string; got ${JSON.stringify(name)}.`);
    await this.backend.request("thread/name/set", { threadId, name }, withSignal(options.signal));
  }

  /**
   * The server's usage and cost estimate of a conversation (`account/usage/read {threadId}`):
   * `threadUsage` holds it when the conversation's billing route is known. Needs a codex login:
   * without one the server answers RPC "codex account authentication required to read token usage".
   */
  async conversationUsage(threadId: string, options: RequestOptions = {}): Promise<GetAccountTokenUsageResponse> {
    checkId("threadId", threadId);
    return this.backend.request("account/usage/read", { threadId }, withSignal(options.signal));
  }

  /**
   * One page of the models on offer (`model/list`): codex's model catalog for the default provider,
   * or for `modelProvider`; `includeHidden` adds those the picker hides.
   */
  async listModels(options: ListModelsOptions = {}): Promise<ModelPage> {
    const { signal, limit, cursor, includeHidden, modelProvider } = options;
    const raw = await this.backend.request(
      "model/list",
      {
        ...(limit !== undefined ? { limit } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
        ...(includeHidden !== undefined ? { includeHidden } : {}),
        ...(modelProvider !== undefined ? { modelProvider } : {}),
      },
      withSignal(signal),
    );
    return { models: raw.data.map(modelOf), nextCursor: raw.nextCursor ?? null, raw };
  }

  /** The account codex runs as (`account/read`); `type` is null when codex has no login. */
  async readAccount(options: RequestOptions = {}): Promise<AccountInfo> {
    const raw = await this.backend.request("account/read", {}, withSignal(options.signal));
    const account = (raw.account ?? null) as Record<string, unknown> | null;
    return {
      type: account ? String(account.type) : null,
      email: typeof account?.email === "string" ? account.email : null,
      planType: typeof account?.planType === "string" ? account.planType : null,
      requiresOpenaiAuth: raw.requiresOpenaiAuth,
      raw,
    };
  }

  /**
   * The account's rate limits (`account/rateLimits/read`): `rateLimits` (the main bucket, with its
   * `primary` and `secondary` windows) and `rateLimitsByLimitId`. Needs a ChatGPT login: without
   * one the server answers RPC "codex account authentication required to read rate limits".
   */
  async readRateLimits(options: RequestOptions = {}): Promise<GetAccountRateLimitsResponse> {
    return this.backend.request("account/rateLimits/read", undefined, withSignal(options.signal));
  }
}

/** The fields each kind of review target needs (`title` of a commit is optional). */
const REVIEW_TARGET_FIELDS: Readonly<Record<string, readonly string[]>> = {
  uncommittedChanges: [],
  baseBranch: ["branch"],
  commit: ["sha"],
  custom: ["instructions"],
};

/** Throws INVALID_CONFIG (field `target`) unless `target` is a review target `review/start` takes. */
export function checkReviewTarget(target: unknown): asserts target is ReviewTarget {
  const kinds = Object.keys(REVIEW_TARGET_FIELDS).join(", ");
  const type = typeof target === "object" && target !== null ? (target as { type?: unknown }).type : undefined;
  const fields = typeof type === "string" && Object.hasOwn(REVIEW_TARGET_FIELDS, type) ? REVIEW_TARGET_FIELDS[type]! : undefined;
  if (!fields) throw new InvalidConfigError("target", `A review target is an object whose type is one of ${kinds}; got ${JSON.stringify(target)}.`);
  for (const field of fields) {
    const value = (target as Record<string, unknown>)[field];
    if (typeof value !== "string" || value.trim() === "") {
      throw new InvalidConfigError("target", `A review target of type ${String(type)} needs a non-empty string ${field}; got ${JSON.stringify(value)}.`);
    }
  }
}

function withSignal(signal: AbortSignal | undefined): RequestOptions {
  return signal ? { signal } : {};
}

/** An id the server could never know is refused before anything is sent. */
function checkId(field: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || !/^\S+$/.test(value)) {
    throw new InvalidConfigError(field, `${field} must be a conversation id (runner.threadId, or an id from listConversations); got ${JSON.stringify(value)}.`);
  }
}

// Read defensively: the server's object may be one a newer codex reshaped (results are validated leniently).
function summaryOf(thread: Thread): ConversationSummary {
  const status = thread.status as { type?: unknown } | undefined;
  return {
    id: thread.id,
    name: thread.name ?? null,
    preview: typeof thread.preview === "string" ? thread.preview : "",
    createdAt: new Date(Number(thread.createdAt) * 1000),
    updatedAt: new Date(Number(thread.updatedAt) * 1000),
    cwd: String(thread.cwd ?? ""),
    model: thread.model ?? null,
    modelProvider: String(thread.modelProvider ?? ""),
    status: typeof status?.type === "string" ? status.type : "unknown",
    forkedFromId: thread.forkedFromId ?? null,
    raw: thread,
  };
}

function turnOf(turn: Turn): ConversationTurn {
  const items = Array.isArray(turn.items) ? (turn.items as readonly Record<string, unknown>[]) : [];
  const prompt = items
    .filter((item) => item.type === "userMessage" && Array.isArray(item.content))
    .flatMap((item) => (item.content as readonly { type?: unknown; text?: unknown }[]).filter((part) => typeof part.text === "string").map((part) => part.text as string))
    .join("\n");
  const messages = items.filter((item) => item.type === "agentMessage" && typeof item.text === "string");
  const final = messages.findLast((item) => item.phase === "final_answer") ?? messages.at(-1);
  const reviewOf = (type: string) => items.find((item) => item.type === type && typeof item.review === "string")?.review as string | undefined;
  return {
    id: turn.id,
    status: String(turn.status),
    prompt: prompt || (reviewOf("enteredReviewMode") ?? ""),
    assistantText: (final?.text as string | undefined) ?? reviewOf("exitedReviewMode") ?? "",
    helperOf: typeof turn.rootTurnId === "string" && turn.rootTurnId !== turn.id ? turn.rootTurnId : null,
    error: turn.error?.message ?? null,
    durationMs: turn.durationMs ?? null,
    items,
    raw: turn,
  };
}

function modelOf(model: Model): ModelSummary {
  return {
    model: model.model,
    id: model.id,
    displayName: model.displayName,
    description: model.description,
    isDefault: model.isDefault,
    hidden: model.hidden,
    defaultReasoningEffort: model.defaultReasoningEffort,
    reasoningEfforts: model.supportedReasoningEfforts.map((option) => option.reasoningEffort),
    raw: model,
  };
}
