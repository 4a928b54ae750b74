/** The child's environment: inherited by default, or exactly what the caller passes. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultResponder } from "../../src/testing/loopbackModel.ts";
import { startRealCodex } from "../helpers/realCodex.ts";

describe("the app-server's environment", () => {
  it("inherits the caller's environment by default, and only what is given with inheritEnv: false", async () => {
    process.env.CODEX_RPC_PLANTED_VARIABLE = "planted-value-visible";
    try {
      const outputOf = async (inheritEnv: boolean) => {
        await using codex = await startRealCodex({
          respond: defaultResponder,
          backend: inheritEnv ? {} : { inheritEnv: false, env: { PATH: process.env.PATH } },
        });
        const result = await (await codex.runner({ sandbox: "danger-full-access" })).turn("run: env", { timeoutSeconds: 30 });
        const command = result.events.find((event) => event.kind === "commandExecution");
        assert.equal(command?.metadata.exitCode, 0, JSON.stringify(result.events));
        return String(command?.metadata.output);
      };
      assert.match(await outputOf(true), /CODEX_RPC_PLANTED_VARIABLE=planted-value-visible/);
      const isolated = await outputOf(false);
      assert.doesNotMatch(isolated, /CODEX_RPC_PLANTED_VARIABLE/);
      assert.match(isolated, /CODEX_HOME=/, "what the caller passed is there");
    } finally {
      delete process.env.CODEX_RPC_PLANTED_VARIABLE;
    }
  });
});
