/**
 * Before `run` sends a turn to a real model: does codex have a login? Without one, codex retries
 * the model ("Reconnecting... n/5") until the turn's deadline; `account/read` says at once.
 */
import type { CodexBackend } from "../index.ts";

/** What to tell the user when codex has no login its provider needs, or undefined when all is well (or unknown). */
export async function missingLoginMessage(backend: CodexBackend): Promise<string | undefined> {
  let account: { account?: unknown; requiresOpenaiAuth: boolean };
  try {
    account = await backend.connection.request("account/read", { refreshToken: false });
  } catch {
    // An older server, or a recording replayed as the binary: no answer is no verdict.
    return undefined;
  }
  if (account.account != null || !account.requiresOpenaiAuth) return undefined;
  return "codex is not logged in, and its model provider needs a login. Log in with `codex login` (or `codex login --with-api-key`), or use --offline to run against the built-in model.";
}
