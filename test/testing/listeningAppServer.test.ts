/** startListeningAppServer: the real binary listening on 127.0.0.1, in a hermetic home. */
import assert from "node:assert/strict";
import { get } from "node:http";
import { after, before, describe, it } from "node:test";
import { createHermeticCodexHome, type HermeticCodexHome } from "../../src/testing/hermeticCodexHome.ts";
import { startListeningAppServer } from "../../src/testing/listeningAppServer.ts";
import { processAlive } from "../helpers/realCodex.ts";

describe("startListeningAppServer", { timeout: 60_000 }, () => {
  let home: HermeticCodexHome;
  before(async () => {
    // No model is needed: nothing here runs a turn.
    home = await createHermeticCodexHome({ modelBaseUrl: "http://127.0.0.1:9/v1" });
  });
  after(async () => {
    await home?.dispose();
  });

  it("resolves with the bound port once the server answers, and stop() ends the process", async () => {
    const server = await startListeningAppServer({ env: home.env });
    assert.match(server.endpoint, /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.doesNotMatch(server.endpoint, /:0$/);
    const status = await new Promise<number>((resolve, reject) =>
      get(`${server.endpoint.replace("ws:", "http:")}/readyz`, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }).on("error", reject),
    );
    assert.equal(status, 200);
    await server.stop();
    assert.equal(processAlive(server.pid), false);
    await server.stop(); // idempotent
  });

  it("rejects with the server's stderr when it cannot listen", async () => {
    await assert.rejects(startListeningAppServer({ env: home.env, listen: "tcp://nowhere" }), /exited before listening[\s\S]*tcp:\/\/nowhere|did not listen/);
  });
});
