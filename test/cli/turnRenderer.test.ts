/** The live view of `run` on a terminal: the spinner names the running command and its latest output. */
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import type { Ora } from "ora";
import { colorsFor } from "../../src/cli/io.ts";
import { TurnRenderer } from "../../src/cli/turnRenderer.ts";

function fakeSpinner() {
  const spinner = {
    isSpinning: false,
    text: "",
    start(text?: string) {
      spinner.isSpinning = true;
      if (text !== undefined) spinner.text = text;
      return spinner;
    },
    stop() {
      spinner.isSpinning = false;
      return spinner;
    },
  };
  return spinner;
}

describe("TurnRenderer on a terminal", () => {
  it("shows the running command in the spinner, then its latest output, and goes back to 'working' when it ends", () => {
    const spinner = fakeSpinner();
    const stderr = new PassThrough();
    let errors = "";
    stderr.on("data", (chunk: Buffer) => (errors += chunk.toString("utf8")));
    const renderer = new TurnRenderer({ stdout: new PassThrough(), stderr, json: false, colors: colorsFor({}, { NO_COLOR: "1" }), spinner: spinner as unknown as Ora });
    renderer.start("run: npm test");
    assert.equal(spinner.text, "working");
    const started = { kind: "itemStarted", summary: "$ npm test", metadata: { itemId: "c1", itemType: "commandExecution", command: "npm test" } };
    renderer.chunk({ type: "itemStarted", itemId: "c1", itemType: "commandExecution", event: started });
    assert.equal(spinner.text, "$ npm test");
    renderer.chunk({ type: "progress", kind: "commandOutput", itemId: "c1", delta: "ok 1 - parses\nok 2 - prints\n" });
    assert.equal(spinner.text, "$ npm test │ ok 2 - prints");
    assert.equal(errors, "", "without --verbose, output waits for the command's end");
    renderer.chunk({ type: "event", event: { kind: "commandExecution", summary: "", metadata: { itemId: "c1", command: "npm test", status: "completed", exitCode: 0, output: "ok 1 - parses\nok 2 - prints\n" } } });
    assert.match(errors, /^\$ npm test exit 0\n {2}ok 1 - parses\n {2}ok 2 - prints\n$/);
    assert.equal(spinner.text, "working");
  });
});
