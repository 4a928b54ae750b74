/**
 * The built-in model (LoopbackModel, default responder) in a process of its own, so that its
 * work and memory do not count as the client's. Forked by the benchmark; sends its base URL over
 * IPC and stops when the benchmark disconnects.
 */
import { LoopbackModel } from "../../src/testing/index.ts";

const model = await LoopbackModel.start();
process.send!({ baseUrl: model.baseUrl });
process.on("disconnect", () => void model.close().then(() => process.exit(0)));
