/**
 * Offsets to 1-based line/column positions and back, the way editors count them: columns in UTF-16 code
 * units (JavaScript string indices), lines broken by `\n`, `\r\n` or a lone `\r`.
 */
import type { SourceRange } from '../scan/types';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export class LineIndex {
  /** Offset of the first character of each line. */
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        this.starts.push(i + 1);
      } else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  /** 1-based line and column of `offset` (offsets past the end map to the end of the text). */
  position(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - this.starts[lo] + 1 };
  }

  /** Range from `start` (inclusive) to `end` (exclusive). */
  range(start: number, end: number): SourceRange {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }

  /** Offset of a 1-based line and column, clamped to the text (the inverse of `position`). */
  offset(line: number, column: number): number {
    const l = Math.min(Math.max(line, 1), this.starts.length);
    return Math.min(this.starts[l - 1] + Math.max(column, 1) - 1, this.text.length);
  }
}
