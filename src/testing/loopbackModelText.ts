/**
 * Pure helpers of the loopback model: reading the parts of a Responses-API request codex sends
 * (message text, tool output, compressed bodies) and making plausible answers (an example value
 * for a JSON Schema, text cut into deltas, token counts). No I/O.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

/** A value that fits `schema` (first enum value, first union branch, placeholder per type). */
export function exampleForSchema(schema: unknown): unknown {
  if (!isRecord(schema)) return null;
  if (Array.isArray(schema["enum"]) && schema["enum"].length > 0) return schema["enum"][0];
  if ("const" in schema) return schema["const"];
  for (const key of ["anyOf", "oneOf", "allOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return exampleForSchema(options[0]);
  }
  const declared = schema["type"];
  const type = Array.isArray(declared) ? (declared.find((t) => t !== "null") ?? declared[0]) : declared;
  switch (type) {
    case "string":
      return "example";
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return true;
    case "array":
      return [];
    case "null":
      return null;
    case "object":
    case undefined: {
      const properties = isRecord(schema["properties"]) ? schema["properties"] : undefined;
      if (type === undefined && properties === undefined) return null;
      const value: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties ?? {})) value[name] = exampleForSchema(property);
      return value;
    }
    default:
      return null;
  }
}

/** `text` cut into `parts` pieces of about equal length, never inside a code point. */
export function splitText(text: string, parts: number): string[] {
  const chars = Array.from(text);
  const count = Math.min(Math.max(0, Math.floor(parts)), chars.length);
  const pieces: string[] = [];
  for (let i = 0; i < count; i++) {
    pieces.push(chars.slice(Math.floor((i * chars.length) / count), Math.floor(((i + 1) * chars.length) / count)).join(""));
  }
  return pieces;
}

/** The text of a message `content` (a string, or the `text` of its parts, one per line). */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((part): part is Record<string, unknown> => isRecord(part) && typeof part["text"] === "string")
    .map((part) => part["text"] as string)
    .join("\n");
}

/** The text of a tool's output: exec_command answers with a string, other tools may answer with content items. */
export function functionOutputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) return contentText(output);
  if (isRecord(output) && typeof output["content"] === "string") return output["content"];
  return output === undefined ? "" : JSON.stringify(output);
}

/**
 * The command's own output inside what exec_command reports ("Chunk ID: ..", "Wall time: ..",
 * "Process exited with code N", .., "Output:", then the output; apply_patch through it nests a
 * second such header): the headers vary from run to run, the output does not.
 */
export function commandOutput(text: string): string {
  for (let depth = 0; depth < 3; depth++) {
    const marker = /(?:^|\n)Output:\n/.exec(text);
    if (!marker || !/^(Chunk ID|Wall time|Exit code|Process )/m.test(text.slice(0, marker.index))) break;
    text = text.slice(marker.index + marker[0].length);
  }
  return text;
}

/** A rough token count of `text` (four characters a token, at least one). */
export function tokenCount(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** `text` with the five XML entities replaced by their characters. */
export function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[name] ?? "");
}

/** A request body decoded from its `content-encoding` (identity, gzip, deflate, br). */
export function decodeBody(raw: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case undefined:
    case "":
    case "identity":
      return raw;
    case "gzip":
      return gunzipSync(raw);
    case "deflate":
      return inflateSync(raw);
    case "br":
      return brotliDecompressSync(raw);
    default:
      throw new Error(`unsupported content-encoding ${encoding}`);
  }
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
