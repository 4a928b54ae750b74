/**
 * `codex-rpc/testing`: what downstream projects use in their own tests. A scripted
 * Responses-API model on 127.0.0.1 with a hermetic CODEX_HOME pointing at it (to run the real
 * codex binary offline), a listening app-server to connect to, and a fake factory that never
 * starts codex.
 */
export { defaultResponder, LoopbackModel } from "./loopbackModel.ts";
export type {
  LoopbackModelOptions,
  LoopbackModelReply,
  LoopbackModelRequest,
  LoopbackModelResponder,
  LoopbackModelStep,
} from "./loopbackModel.ts";
export { createHermeticCodexHome } from "./hermeticCodexHome.ts";
export type { HermeticCodexHome, HermeticCodexHomeOptions } from "./hermeticCodexHome.ts";
export { FakeAgentSessionFactory } from "./fakeAgentSessionFactory.ts";
export type {
  FakeAgentSessionFactoryOptions,
  FakeTurnContext,
  FakeTurnRecord,
  FakeTurnReply,
  FakeTurnResponder,
} from "./fakeAgentSessionFactory.ts";
export { DEFAULT_LISTEN_TIMEOUT_MS, startListeningAppServer } from "./listeningAppServer.ts";
export type { ListeningAppServer, ListeningAppServerAuth, ListeningAppServerOptions } from "./listeningAppServer.ts";
