/**
 * Offsets and positions of a text being edited, and applying edits (for tests, previews and the CLI).
 * Positions are 1-based lines and UTF-16 columns, as the scanner and editors count them, with a
 * leading byte order mark not counted.
 */
import { LineIndex } from '../parse/positions';
import { BOM } from '../parse/text';
import type { SourceRange } from '../scan/types';
import { InputError } from '../types';
import type { TextEdit } from './types';

/** A text without its byte order mark, with conversions between offsets and positions. */
export class EditableText {
  readonly text: string;
  private readonly index: LineIndex;

  constructor(raw: string) {
    this.text = raw.startsWith(BOM) ? raw.slice(1) : raw;
    this.index = new LineIndex(this.text);
  }

  /** Offset of a 1-based position (clamped to the text). */
  offset(line: number, column: number): number {
    return this.index.offset(line, column);
  }

  startOf(range: SourceRange): number {
    return this.offset(range.line, range.column);
  }

  endOf(range: SourceRange): number {
    return this.offset(range.endLine, range.endColumn);
  }

  range(start: number, end: number): SourceRange {
    return this.index.range(start, end);
  }

  slice(range: SourceRange): string {
    return this.text.slice(this.startOf(range), this.endOf(range));
  }

  /** The line break the text uses (its first one; `\n` when it has none). */
  get eol(): string {
    const m = /\r\n|\n|\r/.exec(this.text);
    return m ? m[0] : '\n';
  }

  /** Offset just before the line break ending the line that holds `offset`. */
  lineEnd(offset: number): number {
    let i = offset;
    while (i < this.text.length && this.text[i] !== '\n' && this.text[i] !== '\r') i++;
    return i;
  }

  /** Offset of the start of the line holding `offset`. */
  lineStart(offset: number): number {
    let i = offset;
    while (i > 0 && this.text[i - 1] !== '\n' && this.text[i - 1] !== '\r') i--;
    return i;
  }

  /** Offset after the line break ending the line that holds `offset` (the text's end on the last line). */
  nextLineStart(offset: number): number {
    const end = this.lineEnd(offset);
    if (this.text.startsWith('\r\n', end)) return end + 2;
    return end < this.text.length ? end + 1 : end;
  }

  edit(start: number, end: number, newText: string): TextEdit {
    return { range: this.range(start, end), newText };
  }
}

/**
 * Applies non-overlapping edits to `raw` (a byte order mark is kept). Throws InputError when two
 * edits overlap, since no editor would apply them either.
 */
export function applyEdits(raw: string, edits: readonly TextEdit[]): string {
  const doc = new EditableText(raw);
  const bom = raw.startsWith(BOM) ? BOM : '';
  const spans = edits
    .map((e) => ({ start: doc.startOf(e.range), end: doc.endOf(e.range), text: e.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.start < at) throw new InputError('overlapping edits');
    out += doc.text.slice(at, s.start) + s.text;
    at = s.end;
  }
  return bom + out + doc.text.slice(at);
}

/** Sorts edits into document order. */
export function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return [...edits].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
}
