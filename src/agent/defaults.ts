/** Default deadline of a turn, in seconds, when `AgentTurnOptions.timeoutSeconds` is not given. */
export const DEFAULT_TURN_TIMEOUT_SECONDS = 600;
