/**
 * The route a runner registers for its thread on the backend: the thread's notifications followed
 * into the running turn (its id, deltas, live progress, completion), a notification that failed its
 * schema failing the turn, server requests answered with the runner's handlers (the turn's clocks
 * paused meanwhile), and the backend's end passed on.
 */
import { ProtocolError, type AgentError } from "../errors.ts";
import type { TokenUsageBreakdown, Turn } from "../protocol/common.ts";
import { notificationTurnId, type ServerNotification } from "../protocol/serverNotifications.ts";
import { setTurnId, type ActiveTurn } from "./activeTurn.ts";
import { liveEventOf } from "./progressEvents.ts";
import { answerServerRequest, type RequestHandlerOptions } from "./requestHandlers.ts";
import type { ThreadRoute } from "./threadRouter.ts";

/** What a conversation's route reads and tells of its runner. */
export interface ConversationRouteHost {
  /** The runner's options: its server-request handlers (read at each request). */
  handlerOptions(): RequestHandlerOptions;
  /** The turn in flight, if any. */
  active(): ActiveTurn | undefined;
  /** The thread's token total changed (thread/tokenUsage/updated). */
  tokenTotal(total: TokenUsageBreakdown): void;
  /** A turn of the thread completed (turn/completed), whichever it was. */
  turnCompleted(turnId: string): void;
  /** The backend died or closed. */
  backendGone(error: AgentError): void;
}

/** The route of one runner's thread; see the module comment. */
export function conversationRoute(host: ConversationRouteHost): ThreadRoute {
  return {
    onNotification: (notification: ServerNotification) => followNotification(host, notification),
    onInvalidNotification: (method, params, error: ProtocolError) => {
      const turnId = notificationTurnId(params);
      const active = host.active();
      if (active && (turnId === undefined || turnId === active.recorder.turnId)) {
        active.fail(new ProtocolError(`${error.message} The turn cannot be followed reliably and was interrupted.`, method, { cause: error }));
      }
    },
    onServerRequest: (method, params) => {
      const active = host.active();
      return answerServerRequest(method, params, host.handlerOptions(), active && {
        event: (event) => active.recorder.addEvent(event),
        handlerStarted: () => {
          active.deadline.pause();
          active.watchdog?.pause();
        },
        handlerEnded: () => {
          active.deadline.resume();
          active.watchdog?.resume();
        },
      });
    },
    onBackendGone: (error) => host.backendGone(error),
  };
}

function followNotification(host: ConversationRouteHost, notification: ServerNotification): void {
  if (notification.method === "thread/tokenUsage/updated") {
    host.tokenTotal((notification.params as { tokenUsage: { total: TokenUsageBreakdown } }).tokenUsage.total);
  } else if (notification.method === "turn/completed") {
    host.turnCompleted((notification.params as { turn: Turn }).turn.id);
  }
  const active = host.active();
  if (!active) return;
  active.watchdog?.activity();
  if (active.adoptFirstTurn && active.recorder.turnId === undefined && notification.method === "turn/started") {
    setTurnId(active, (notification.params as { turn: Turn }).turn.id);
  }
  if (notification.method === "item/agentMessage/delta") {
    if (!active.onDelta) return;
    const params = notification.params as { turnId: string; itemId: string; delta: string };
    // Until turn/start answers, a delta may be another turn's (one being interrupted): hold it.
    if (active.recorder.turnId === undefined) active.earlyDeltas.push(params);
    else if (params.turnId === active.recorder.turnId) active.onDelta(params.itemId, params.delta);
    return;
  }
  // Live progress (progressEvents.ts) only once the turn's id is known: before, it may be another turn's.
  // Nobody watching live: no live event is built.
  const live = !active.watched || active.recorder.turnId === undefined ? undefined : liveEventOf(notification, active.recorder.turnId);
  if (live) active.recorder.live(live);
  if (active.recorder.accept(notification) === "completed") active.complete(active.recorder.completed!);
}
