/**
 * Splits a byte stream into lines on the `\n` byte only: U+2028/U+2029 inside JSON strings are
 * data, a trailing `\r` is dropped, and no line length is capped.
 */

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Collects chunks and hands out complete lines; see the module comment. */
export class LineSplitter {
  private pending: Buffer[] = [];

  /** Takes one chunk; returns the lines it completed (decoded as UTF-8, without the newline). */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      const piece = chunk.subarray(start, newline);
      const line = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      lines.push(decodeLine(line));
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    // Copy the rest: the caller may reuse the chunk's memory.
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
    return lines;
  }

  /** The unterminated rest, if any, and forgets it (call at end of stream). */
  flush(): string | undefined {
    if (!this.pending.length) return undefined;
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    return decodeLine(rest);
  }
}

function decodeLine(line: Buffer): string {
  const end = line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.length - 1 : line.length;
  return line.toString("utf8", 0, end);
}
