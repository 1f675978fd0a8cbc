/**
 * Counting the records of a local dataset file as the Hugging Face `datasets` loaders read it, from its bytes fed in
 * chunks (the reader, which owns the I/O and the byte cap, is src/platform/dataset-records.ts): JSON Lines (one JSON
 * object per non-blank line, the `json` loader), a JSON array (the `json` loader's list of rows; the structure is
 * checked and the top-level items counted, the items are not parsed), CSV (RFC 4180 records, quoted fields may hold
 * line breaks; the first record is the header, as the `csv` loader reads it). Memory is bounded by the longest JSON
 * line (MAX_LINE_BYTES), not by the file. A NUL byte (a binary file), invalid UTF-8 in a JSON line, a line that is not
 * a JSON object, a broken array or an unclosed CSV quote stop the count with the reason and the position (line, and
 * column in bytes). Parquet files are counted from their footer instead (src/core/parse/parquet-footer.ts), their problems
placed by byte offset. Pure. README "Hyperparameters bounded by their sources and the job".
 */

/** The text formats counted by streaming their bytes. */
export type TextRecordFormat = 'jsonl' | 'json' | 'csv';
/** Every format whose records are counted. */
export type RecordFormat = TextRecordFormat | 'parquet';

/** The file formats counted, by the extension a config writes. */
export const RECORD_FORMATS: Readonly<Record<string, RecordFormat>> = { '.jsonl': 'jsonl', '.json': 'json', '.csv': 'csv', '.parquet': 'parquet' };

/** The longest JSON line held in memory to parse it. */
export const MAX_LINE_BYTES = 16 * 2 ** 20;

/** The records of a text file, or why they are not counted, at a line and column. */
export type TextRecordCount = { readonly ok: true; readonly records: number } | { readonly ok: false; readonly message: string; readonly line: number; readonly column: number };
/**
 * The records of a file, or why they are not counted: at a line and column (text), or at a byte offset (Parquet). A
 * Parquet file's count says how many bytes were read for it (its footer and magic), which a folder's budget counts.
 */
export type RecordCount =
  | TextRecordCount
  | { readonly ok: true; readonly records: number; readonly bytesRead: number }
  | { readonly ok: false; readonly message: string; readonly offset: number };

const NL = 0x0a;
const CR = 0x0d;

/** A streaming record counter: `push` each chunk in order, then `end`. After a problem, further chunks are ignored. */
export class RecordCounter {
  private line = 1;
  private column = 0; // bytes of the current line seen so far
  private records = 0;
  private problem: TextRecordCount | null = null;
  // jsonl: the current line's bytes
  private parts: Uint8Array[] = [];
  private partBytes = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  // json: structure
  private depth = 0;
  private inString = false;
  private escaped = false;
  private expectValue = false;
  private started = false;
  private closed = false;
  private itemEnded = false; // a depth-1 item is complete: only `,` or `]` may follow
  // csv
  private quoted = false;
  private quoteAt: { line: number; column: number } | null = null;
  private recordHasText = false;

  constructor(private readonly format: TextRecordFormat) {}

  private fail(message: string, line = this.line, column = this.column): void {
    if (this.problem === null) this.problem = { ok: false, message, line, column: Math.max(column, 1) };
  }

  push(chunk: Uint8Array): void {
    if (this.format === 'jsonl') {
      this.pushJsonl(chunk);
      return;
    }
    for (let i = 0; i < chunk.length && this.problem === null; i++) {
      const b = chunk[i]!;
      this.column++;
      if (b === 0) {
        this.fail('a NUL byte: the file is binary, not text');
        return;
      }
      if (this.format === 'json') this.jsonByte(b);
      else this.csvByte(b);
      if (b === NL) {
        this.line++;
        this.column = 0;
      }
    }
  }

  end(): TextRecordCount {
    if (this.problem === null) {
      if (this.format === 'jsonl') this.jsonlLineEnd();
      else if (this.format === 'json') {
        if (this.inString) this.fail('a string is not closed at the end of the file');
        else if (!this.started) this.fail('no JSON array: the file is empty', 1, 1);
        else if (!this.closed) this.fail('the array is not closed at the end of the file');
      } else {
        if (this.quoted) this.fail('a quoted field is not closed at the end of the file', this.quoteAt?.line, this.quoteAt?.column);
        else if (this.recordHasText) this.records++;
      }
    }
    if (this.problem !== null) return this.problem;
    return { ok: true, records: this.format === 'csv' ? Math.max(0, this.records - 1) : this.records };
  }

  // JSON Lines: a line's bytes are copied (the reader reuses its buffer) until the line ends, then parsed.
  private pushJsonl(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length && this.problem === null) {
      const nl = chunk.indexOf(NL, start);
      const piece = chunk.subarray(start, nl < 0 ? chunk.length : nl);
      const nul = piece.indexOf(0);
      if (nul >= 0) {
        this.fail('a NUL byte: the file is binary, not text', this.line, this.column + nul + 1);
        return;
      }
      if (this.partBytes + piece.length > MAX_LINE_BYTES) {
        this.fail(`the line is longer than ${MAX_LINE_BYTES} bytes`, this.line, 1);
        return;
      }
      this.parts.push(piece.slice());
      this.partBytes += piece.length;
      this.column += piece.length;
      if (nl < 0) return;
      this.jsonlLineEnd();
      this.line++;
      this.column = 0;
      start = nl + 1;
    }
  }

  private jsonlLineEnd(): void {
    const line = this.line;
    const bytes = new Uint8Array(this.partBytes);
    let at = 0;
    for (const p of this.parts) {
      bytes.set(p, at);
      at += p.length;
    }
    this.parts = [];
    this.partBytes = 0;
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      this.fail('invalid UTF-8', line, 1);
      return;
    }
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.fail(`not JSON (${e instanceof Error ? e.message : String(e)})`, line, 1);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail('a line that is not a JSON object (each line of JSON Lines is one row)', line, 1);
      return;
    }
    this.records++;
  }

  // A JSON array: brackets, braces and strings are tracked; the items at depth 1 are counted.
  private jsonByte(b: number): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (b === 0x5c) this.escaped = true;
      else if (b === 0x22) {
        this.inString = false;
        if (this.depth === 1) this.itemEnded = true;
      }
      return;
    }
    const space = b === 0x20 || b === 0x09 || b === NL || b === CR;
    if (space) {
      // Space after a scalar item (a number, true, false, null) ends it.
      if (this.depth === 1 && !this.expectValue) this.itemEnded = true;
      return;
    }
    if (this.closed) {
      this.fail('text after the closing ] of the array');
      return;
    }
    if (!this.started) {
      if (b === 0xef || b === 0xbb || b === 0xbf) return; // a UTF-8 byte order mark
      if (b !== 0x5b) {
        this.fail('not a JSON array (the json loader reads a list of rows; an object needs its `field`)');
        return;
      }
      this.started = true;
      this.depth = 1;
      this.expectValue = true;
      return;
    }
    if (this.depth === 1) {
      if (b === 0x2c) {
        if (this.expectValue) this.fail('an empty item (a comma where a value belongs)');
        this.expectValue = true;
        this.itemEnded = false;
        return;
      }
      if (b === 0x5d) {
        if (this.expectValue && this.records > 0) this.fail('a trailing comma before ]');
        this.depth = 0;
        this.closed = true;
        return;
      }
      if (this.expectValue) {
        this.records++;
        this.expectValue = false;
      } else if (this.itemEnded || b === 0x7b || b === 0x5b || b === 0x22) {
        this.fail('a comma is missing between two items');
        return;
      }
    }
    if (b === 0x22) this.inString = true;
    else if (b === 0x7b || b === 0x5b) this.depth++;
    else if (b === 0x7d || b === 0x5d) {
      this.depth--;
      if (this.depth < 1) this.fail('a closing bracket that matches nothing');
      else if (this.depth === 1) this.itemEnded = true;
    }
  }

  // CSV (RFC 4180): a line break outside quotes ends a record; "" inside quotes is a quote. A lone \r ends one too, as
  // pandas' C tokenizer (the csv loader's) reads it (tokenizer.c EAT_CRNL: "\r line terminator"); in \r\n the \n then
  // ends an empty line, which is skipped, as is a line of spaces (WHITESPACE_LINE: `isblank(c) && c != delimiter`; a tab
  // is left as text, being a .tsv's delimiter).
  private csvByte(b: number): void {
    if (this.quoted) {
      if (b === 0x22) this.quoted = false; // a doubled quote re-opens on the next byte
      return;
    }
    if (b === 0x22) {
      this.quoted = true;
      this.quoteAt = { line: this.line, column: this.column };
      this.recordHasText = true;
      return;
    }
    if (b === NL || b === CR) {
      if (this.recordHasText) this.records++;
      this.recordHasText = false;
      return;
    }
    if (b !== 0x20) this.recordHasText = true;
  }
}

/** Counts the records of a whole text's bytes at once (tests; small files). */
export function countRecords(format: TextRecordFormat, bytes: Uint8Array): TextRecordCount {
  const counter = new RecordCounter(format);
  counter.push(bytes);
  return counter.end();
}
