/**
 * What codex-rpc reads of a message, from its zod schemas: follows a path (fields, union
 * variants, array items, map values) into a zod schema, so the schema comparison can tell a
 * change in a field codex-rpc reads from one in a field it never looks at, and ask whether the
 * schema would accept a new value.
 */
import type { z } from "zod";

/** The zod schemas that may describe one place of a message (several when a union is involved). */
export type ZodCandidates = readonly z.ZodType[];

/** One step down a message. */
export type PathStep =
  | { readonly kind: "field"; readonly name: string }
  | { readonly kind: "variant"; readonly tag: string | undefined; readonly value: unknown }
  | { readonly kind: "items" }
  | { readonly kind: "values" };

interface ZodDef {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly getter?: () => z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "nonoptional", "readonly", "catch"]);

function defOf(schema: z.ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}

/** The schema without optional/nullable/default wrappers, pipes and lazies; unions and intersections flattened. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) && def.innerType) return unwrap(def.innerType);
  if (def.type === "pipe" && def.in) return unwrap(def.in);
  if (def.type === "lazy" && def.getter) return unwrap(def.getter());
  if (def.type === "union" && def.options) return def.options.flatMap(unwrap);
  if (def.type === "intersection" && def.left && def.right) return [...unwrap(def.left), ...unwrap(def.right)];
  return [schema];
}

/** True when a candidate reads anything at all below this point (`z.unknown()` reads nothing). */
export function readsInside(candidates: ZodCandidates): boolean {
  return candidates.some((schema) => unwrap(schema).some((inner) => !["unknown", "any"].includes(defOf(inner).type)));
}

/** The candidates one step further down; empty when codex-rpc does not read that place. */
export function step(candidates: ZodCandidates, at: PathStep): z.ZodType[] {
  const next: z.ZodType[] = [];
  for (const candidate of candidates.flatMap(unwrap)) {
    const def = defOf(candidate);
    switch (at.kind) {
      case "field":
        if (def.type === "object" && def.shape && Object.hasOwn(def.shape, at.name)) next.push(def.shape[at.name]!);
        break;
      case "variant":
        // An object variant is read by the candidates whose tag accepts its value (all, untagged).
        if (at.tag === undefined || def.type !== "object") next.push(candidate);
        else if (!def.shape?.[at.tag] || def.shape[at.tag]!.safeParse(at.value).success) next.push(candidate);
        break;
      case "items":
        if (def.type === "array" && def.element) next.push(def.element);
        break;
      case "values":
        if (def.type === "record" && def.valueType) next.push(def.valueType);
        break;
    }
  }
  return next;
}

/** True when some candidate accepts `value` at this place. */
export function accepts(candidates: ZodCandidates, value: unknown): boolean {
  return candidates.some((schema) => schema.safeParse(value).success);
}

/** True when some candidate accepts an object variant whose `tag` is `value` (its other fields unknown). */
export function acceptsTag(candidates: ZodCandidates, tag: string, value: unknown): boolean {
  return candidates.flatMap(unwrap).some((schema) => {
    const def = defOf(schema);
    if (def.type !== "object") return ["unknown", "any"].includes(def.type);
    const field = def.shape?.[tag];
    return field === undefined || field.safeParse(value).success;
  });
}
