/**
 * Where the time of one turn goes, client against server. A codex-rpc factory built through its
 * public options (onTraffic for when each line crossed the pipe, spawn to time the synchronous
 * handling of every chunk read from stdout) runs later turns on one conversation, interleaved
 * with the floor's. While it runs, zod's safeParse of the protocol schemas and JSON.parse are
 * wrapped to time validation and parsing (JSON.parse only while codex-rpc handles its stdout).
 */
import { spawn as nodeSpawn } from "node:child_process";
import { CodexAgentSessionFactory } from "../../src/index.ts";
import { CLIENT_REQUESTS } from "../../src/protocol/clientRequests.ts";
import { SERVER_NOTIFICATIONS } from "../../src/protocol/serverNotifications.ts";
import type { BenchEnvironment } from "./environment.ts";
import { FloorClient } from "./floorClient.ts";
import { interleave } from "./interleave.ts";

/** One turn, in milliseconds. */
export interface TurnBreakdown {
  /** `runner.turn()` called to its promise settled. */
  readonly total: number;
  /** Client: the call to turn/start handed to the pipe (config, params check, serialising). */
  readonly beforeWrite: number;
  /** turn/start written to turn/completed read: the server and the model (plus reading the lines in between). */
  readonly server: number;
  /** turn/start written to its answer read. */
  readonly startAnswered: number;
  /** Client: turn/completed read to the turn's promise settled (recording, result). */
  readonly afterRead: number;
  /** Client: synchronous handling of everything read from stdout during the turn (parse, check, dispatch, validate, route, record). */
  readonly readHandling: number;
  /** Client: JSON.parse of the turn's lines, inside `readHandling`. */
  readonly parse: number;
  /** Client: zod validation of the turn's notifications, inside `readHandling`. */
  readonly notificationValidation: number;
  /** Client: zod validation outside the stdout handlers (turn/start params, its result). */
  readonly requestValidation: number;
  /** Lines read during the turn. */
  readonly messages: number;
}

/** The floor's turn, in milliseconds. */
export interface FloorTurn {
  readonly total: number;
  readonly server: number;
}

/** A schema seen only through the method that gets wrapped. */
type Schema = { safeParse: (...args: unknown[]) => unknown };

/** What the wrapped functions add up, and whether codex-rpc's stdout is being handled. */
interface Clocks {
  reading: boolean;
  read: number;
  parse: number;
  validationInRead: number;
  validationOutside: number;
}

/** Wraps safeParse of every top-level protocol schema, and JSON.parse, to add up their time in `clocks`; returns the undo. */
function instrument(clocks: Clocks): () => void {
  const schemas = new Set<Schema>();
  for (const schema of Object.values(SERVER_NOTIFICATIONS)) schemas.add(schema as unknown as Schema);
  for (const definition of Object.values(CLIENT_REQUESTS)) {
    schemas.add(definition.params as unknown as Schema);
    schemas.add(definition.result as unknown as Schema);
  }
  for (const schema of schemas) {
    const original = schema.safeParse;
    schema.safeParse = function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        if (clocks.reading) clocks.validationInRead += performance.now() - started;
        else clocks.validationOutside += performance.now() - started;
      }
    };
  }
  const parse = JSON.parse;
  JSON.parse = function (text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) {
    if (!clocks.reading) return parse(text, reviver);
    const started = performance.now();
    try {
      return parse(text, reviver);
    } finally {
      clocks.parse += performance.now() - started;
    }
  };
  return () => {
    JSON.parse = parse;
    for (const schema of schemas) delete (schema as Partial<Schema>).safeParse;
  };
}

/** Later turns of one conversation on each side, `rounds` interleaved rounds after `warmups`. */
export async function measureBreakdown(env: BenchEnvironment, rounds: number, warmups: number): Promise<{ turns: TurnBreakdown[]; floor: FloorTurn[] }> {
  const clocks: Clocks = { reading: false, read: 0, parse: 0, validationInRead: 0, validationOutside: 0 };
  let marks: { written?: number; startId?: number; answered?: number; completed?: number; messages: number } = { messages: 0 };
  const factory = await new CodexAgentSessionFactory({
    env: env.backendEnv,
    onTraffic: (direction, message) => {
      const now = performance.now();
      const m = message as { id?: number; method?: string };
      if (direction === "c2s") {
        if (m.method === "turn/start") {
          marks.written = now;
          marks.startId = m.id;
        }
        return;
      }
      marks.messages++;
      if (m.method === undefined && m.id === marks.startId) marks.answered = now;
      else if (m.method === "turn/completed") marks.completed = now;
    },
    spawn: (command, args, options) => {
      const child = nodeSpawn(command, args, options);
      const stdout = child.stdout as unknown as { emit: (event: string, ...rest: unknown[]) => boolean };
      const emit = stdout.emit;
      stdout.emit = function (event: string, ...rest: unknown[]) {
        if (event !== "data") return emit.call(this, event, ...rest);
        const started = performance.now();
        clocks.reading = true;
        try {
          return emit.call(this, event, ...rest);
        } finally {
          clocks.reading = false;
          clocks.read += performance.now() - started;
        }
      };
      return child;
    },
  }).start();
  const floorMarks: { written?: number; completed?: number } = {};
  const floor = await FloorClient.start(env.binary.path, env.childEnv, (direction, method) => {
    if (direction === "write" && method === "turn/start") floorMarks.written = performance.now();
    if (direction === "read" && method === "turn/completed") floorMarks.completed = performance.now();
  });
  const undo = instrument(clocks);
  const turns: TurnBreakdown[] = [];
  const floorTurns: FloorTurn[] = [];
  try {
    const runner = await factory.runner({ workingDirectory: env.workDir });
    await runner.turn("breakdown first");
    const floorThread = await floor.startThread(env.workDir);
    await floor.turn(floorThread, "breakdown first");
    await interleave(
      {
        "codex-rpc": async (round) => {
          marks = { messages: 0 };
          Object.assign(clocks, { read: 0, parse: 0, validationInRead: 0, validationOutside: 0 });
          const started = performance.now();
          await runner.turn(`breakdown ${round}`);
          const ended = performance.now();
          if (round >= 0) {
            turns.push({
              total: ended - started,
              beforeWrite: marks.written! - started,
              server: marks.completed! - marks.written!,
              startAnswered: marks.answered! - marks.written!,
              afterRead: ended - marks.completed!,
              readHandling: clocks.read,
              parse: clocks.parse,
              notificationValidation: clocks.validationInRead,
              requestValidation: clocks.validationOutside,
              messages: marks.messages,
            });
          }
          return ended - started;
        },
        floor: async (round) => {
          const started = performance.now();
          await floor.turn(floorThread, `breakdown ${round}`);
          const ended = performance.now();
          if (round >= 0) floorTurns.push({ total: ended - started, server: floorMarks.completed! - floorMarks.written! });
          return ended - started;
        },
      },
      rounds,
      warmups,
    );
  } finally {
    undo();
    await Promise.all([factory.close(), floor.close()]);
  }
  return { turns, floor: floorTurns };
}
