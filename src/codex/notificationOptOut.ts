/**
 * Less work for the app-server: `initialize` can name notifications the server should not send
 * on this connection (`capabilities.optOutNotificationMethods`). codex-rpc opts out of the
 * frequent ones that nothing in it reads, unless the backend is asked for everything.
 */
/**
 * Notifications nothing in codex-rpc reads (not the runner, the recorder, live progress events,
 * streams or the command line) that the server sends often. Everything a turn's result, its
 * events or a stream is built from stays: item/*, their deltas, turn/*, tokenUsage, warnings,
 * errors, configWarning.
 */
export const UNREAD_NOTIFICATION_METHODS = [
  // Once per conversation and the largest message of a first turn; the runner takes the thread from thread/start's answer.
  "thread/started",
  // Twice a turn (active, idle), more around approvals.
  "thread/status/changed",
  // Once a turn.
  "account/rateLimits/updated",
  // At start-up and at each thread start.
  "remoteControl/status/changed",
  // Raw reasoning text delta by delta, and summary part boundaries: the completed reasoning item carries all of it.
  "item/reasoning/textDelta",
  "item/reasoning/summaryPartAdded",
] as const;

/** Which notifications a backend asks the server for: `"needed"` (all but the unread ones) or `"all"`. */
export type NotificationSelection = "needed" | "all";

/**
 * The methods to opt out of at initialize for `config`, or undefined for none. A traffic
 * listener (`onTraffic`, or `CODEX_RPC_DEBUG=traffic`) wants to see everything, so it makes
 * `"all"` the default.
 */
// `config` is the backend's configuration (codexBackendConfig.ts), typed by shape so this module imports nothing.
export function optedOutNotifications(config: { readonly notifications?: NotificationSelection; readonly onTraffic?: unknown }): readonly string[] | undefined {
  const selection = config.notifications ?? (config.onTraffic ? "all" : "needed");
  return selection === "all" ? undefined : UNREAD_NOTIFICATION_METHODS;
}
