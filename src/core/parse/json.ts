/**
 * A JSON parser that keeps source positions. Hand-written and non-recursive (an explicit stack), so
 * deeply nested input cannot overflow the call stack; nesting beyond `maxDepth` is an InputError.
 *
 * Accepted beyond RFC 8259, because the files it reads are written and read by Python's `json`
 * module (https://docs.python.org/3/library/json.html): `NaN`, `Infinity` and `-Infinity` (Python
 * writes them by default), and duplicate keys (the last one wins, as in Python; reported as a warning).
 * A leading UTF-8 BOM is removed (positions do not count it) and reported through `bom`.
 * With `{ jsonc: true }` it also accepts `//` and `/* *\/` comments and trailing commas (VS Code
 * settings style); otherwise those are errors with their position.
 */
import { InputError } from '../types';
import type { SourceRange } from '../scan/types';
import type { MemberNode, ObjectNode, ParseResult, ParseWarning, ParsedNode, PlainValue } from './node';
import { LineIndex } from './positions';
import { assertNotBinary, stripBom } from './text';

export const DEFAULT_JSON_MAX_DEPTH = 256;

export interface JsonParseOptions {
  /** Accept comments and trailing commas. */
  readonly jsonc?: boolean;
  /** Deepest allowed nesting of objects/arrays (the top-level value is depth 1). */
  readonly maxDepth?: number;
}

interface ObjectFrame {
  readonly kind: 'object';
  readonly start: number;
  readonly members: MemberNode[];
  readonly index: Map<string, MemberNode>;
  readonly value: { [key: string]: PlainValue };
  key: { text: string; range: SourceRange } | null;
}
interface ArrayFrame {
  readonly kind: 'array';
  readonly start: number;
  readonly items: ParsedNode[];
  readonly value: PlainValue[];
}
type Frame = ObjectFrame | ArrayFrame;

/** What the parser expects next. */
enum State {
  Value,
  /** Right after `{`. */
  FirstMember,
  /** After a `,` in an object. */
  Key,
  AfterMember,
  /** Right after `[`. */
  FirstItem,
  /** After a `,` in an array. */
  NextItem,
  AfterItem,
  Done,
}

/** Parses `text` (the file's contents) as JSON; `file` is used in error messages. */
export function parseJson(text: string, file: string, options: JsonParseOptions = {}): ParseResult {
  const stripped = stripBom(text);
  assertNotBinary(stripped.text, file);
  const parser = new JsonParser(stripped.text, file, options.jsonc ?? false, options.maxDepth ?? DEFAULT_JSON_MAX_DEPTH);
  const root = parser.parse();
  return { root, warnings: parser.warnings, bom: stripped.bom };
}

class JsonParser {
  readonly warnings: ParseWarning[] = [];
  private pos = 0;
  private readonly lines: LineIndex;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly jsonc: boolean,
    private readonly maxDepth: number,
  ) {
    this.lines = new LineIndex(text);
  }

  /** The open objects and arrays, innermost last. */
  private readonly stack: Frame[] = [];
  private state: State = State.Value;
  private root: ParsedNode | null = null;
  /** Where the last `,` was (a trailing comma's position). */
  private lastComma = -1;

  parse(): ParsedNode {
    this.skipSpace();
    if (this.pos >= this.text.length) throw this.error('empty file', 0);
    while (this.state !== State.Done) {
      this.skipSpace();
      const at = this.pos;
      const c = this.text.charCodeAt(at);
      const eof = at >= this.text.length;
      const completed = this.step(c, at, eof);
      if (completed !== null) this.attach(completed);
    }
    this.skipSpace();
    if (this.pos < this.text.length) throw this.error('unexpected content after the JSON value', this.pos);
    return this.root as ParsedNode;
  }

  /** One step of the state machine at `at`: the value it completed, if any. */
  private step(c: number, at: number, eof: boolean): ParsedNode | null {
    switch (this.state) {
      case State.Value:
        return this.valueStart(c, at, eof);
      case State.FirstMember:
      case State.Key:
        return this.memberStart(c, at, eof);
      case State.AfterMember:
        return this.afterMember(c, at, eof);
      case State.FirstItem:
      case State.NextItem:
        return this.itemStart(c);
      case State.AfterItem:
        return this.afterItem(c, at, eof);
      case State.Done:
        return null;
    }
  }

  /** A value: `{` or `[` opens a frame; anything else is a scalar. */
  private valueStart(c: number, at: number, eof: boolean): ParsedNode | null {
    if (eof) throw this.truncated();
    if (c !== 0x7b /* { */ && c !== 0x5b /* [ */) return this.scalar(this.stack[this.stack.length - 1]);
    if (this.stack.length >= this.maxDepth) {
      throw this.error(`nesting deeper than ${this.maxDepth} levels`, at);
    }
    this.pos++;
    if (c === 0x7b) {
      this.stack.push({ kind: 'object', start: at, members: [], index: new Map(), value: {}, key: null });
      this.state = State.FirstMember;
    } else {
      this.stack.push({ kind: 'array', start: at, items: [], value: [] });
      this.state = State.FirstItem;
    }
    return null;
  }

  /** After `{` or a member's `,`: a key and its `:`, or (not after a comma, unless JSONC) the closing `}`. */
  private memberStart(c: number, at: number, eof: boolean): ParsedNode | null {
    const frame = this.stack[this.stack.length - 1] as ObjectFrame;
    if (c === 0x7d /* } */) {
      if (this.state === State.Key && !this.jsonc) {
        throw this.error('trailing comma is not allowed in JSON', this.lastComma);
      }
      this.pos++;
      return this.closeObject(this.stack.pop() as ObjectFrame);
    }
    if (eof) throw this.truncated();
    if (c !== 0x22 /* " */) {
      if (c === 0x27 /* ' */) throw this.error('property names must use double quotes', at);
      throw this.error(
        this.state === State.FirstMember ? "expected a double-quoted property name or '}'" : 'expected a double-quoted property name',
        at,
      );
    }
    const keyText = this.string();
    const keyRange = this.lines.range(at, this.pos);
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) !== 0x3a /* : */) {
      if (this.pos >= this.text.length) throw this.truncated();
      throw this.error("expected ':' after property name", this.pos);
    }
    this.pos++;
    frame.key = { text: keyText, range: keyRange };
    this.state = State.Value;
    return null;
  }

  /** After a member: `,` or `}`. */
  private afterMember(c: number, at: number, eof: boolean): ParsedNode | null {
    if (c === 0x2c /* , */) {
      this.lastComma = at;
      this.pos++;
      this.state = State.Key;
      return null;
    }
    if (c === 0x7d /* } */) {
      this.pos++;
      return this.closeObject(this.stack.pop() as ObjectFrame);
    }
    if (eof) throw this.truncated();
    throw this.error("expected ',' or '}' after object member", at);
  }

  /** After `[` or an element's `,`: an element, or (not after a comma, unless JSONC) the closing `]`. */
  private itemStart(c: number): ParsedNode | null {
    if (c !== 0x5d /* ] */) {
      this.state = State.Value;
      return null;
    }
    if (this.state === State.NextItem && !this.jsonc) {
      throw this.error('trailing comma is not allowed in JSON', this.lastComma);
    }
    this.pos++;
    return this.closeArray(this.stack.pop() as ArrayFrame);
  }

  /** After an element: `,` or `]`. */
  private afterItem(c: number, at: number, eof: boolean): ParsedNode | null {
    if (c === 0x2c /* , */) {
      this.lastComma = at;
      this.pos++;
      this.state = State.NextItem;
      return null;
    }
    if (c === 0x5d /* ] */) {
      this.pos++;
      return this.closeArray(this.stack.pop() as ArrayFrame);
    }
    if (eof) throw this.truncated();
    throw this.error("expected ',' or ']' after array element", at);
  }

  /** A completed value goes into the enclosing object or array, or becomes the root. */
  private attach(completed: ParsedNode): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.root = completed;
      this.state = State.Done;
    } else if (top.kind === 'object') {
      this.addMember(top, completed);
      this.state = State.AfterMember;
    } else {
      top.items.push(completed);
      top.value.push(completed.value);
      this.state = State.AfterItem;
    }
  }

  private addMember(frame: ObjectFrame, node: ParsedNode): void {
    const key = frame.key as { text: string; range: SourceRange };
    frame.key = null;
    const member: MemberNode = { key: key.text, keyRange: key.range, node };
    if (frame.index.has(key.text)) {
      this.warnings.push({
        message: `duplicate key '${key.text}' (the last value is used)`,
        line: key.range.line,
        column: key.range.column,
      });
    }
    frame.members.push(member);
    frame.index.set(key.text, member);
    // defineProperty, not assignment: a key such as "__proto__" must stay an ordinary own property.
    Object.defineProperty(frame.value, key.text, { value: node.value, enumerable: true, writable: true, configurable: true });
  }

  private closeObject(frame: ObjectFrame): ObjectNode {
    return {
      kind: 'object',
      members: frame.members,
      index: frame.index,
      value: frame.value,
      start: frame.start,
      end: this.pos,
      range: this.lines.range(frame.start, this.pos),
    };
  }

  private closeArray(frame: ArrayFrame): ParsedNode {
    return {
      kind: 'array',
      items: frame.items,
      value: frame.value,
      start: frame.start,
      end: this.pos,
      range: this.lines.range(frame.start, this.pos),
    };
  }

  /** A string, number or literal at the current position. */
  private scalar(parent: Frame | undefined): ParsedNode {
    const start = this.pos;
    const c = this.text.charCodeAt(start);
    if (c === 0x22 /* " */) {
      const value = this.string();
      return { kind: 'string', value, start, end: this.pos, range: this.lines.range(start, this.pos) };
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      if (c === 0x2d && this.text.startsWith('Infinity', start + 1)) {
        this.pos = start + 9;
        return this.number(start, -Infinity);
      }
      return this.number(start, this.numberValue());
    }
    if (isWordStart(c)) {
      let end = start + 1;
      while (end < this.text.length && isWordPart(this.text.charCodeAt(end))) end++;
      const word = this.text.slice(start, end);
      this.pos = end;
      const range = this.lines.range(start, end);
      switch (word) {
        case 'true':
        case 'false':
          return { kind: 'boolean', value: word === 'true', start, end, range };
        case 'null':
          return { kind: 'null', value: null, start, end, range };
        case 'NaN':
          return this.number(start, NaN);
        case 'Infinity':
          return this.number(start, Infinity);
        case 'True':
        case 'False':
        case 'None':
          throw this.error(`unexpected '${word}' (JSON spells these true, false and null)`, start);
        default:
          throw this.error(`unexpected '${word}' (strings must be in double quotes)`, start);
      }
    }
    if (c === 0x27 /* ' */) throw this.error('strings must use double quotes', start);
    if (c === 0x2c || c === 0x7d || c === 0x5d) {
      const after = parent === undefined ? '' : parent.kind === 'object' ? " after ':'" : '';
      throw this.error(`expected a value${after}`, start);
    }
    throw this.error(`unexpected character ${describeChar(this.text, start)}`, start);
  }

  private number(start: number, value: number): ParsedNode {
    return {
      kind: 'number',
      value,
      raw: this.text.slice(start, this.pos),
      start,
      end: this.pos,
      range: this.lines.range(start, this.pos),
    };
  }

  /** Scans an RFC 8259 number at the current position and returns its value. */
  private numberValue(): number {
    const t = this.text;
    const start = this.pos;
    let i = start;
    if (t.charCodeAt(i) === 0x2d) i++;
    const first = t.charCodeAt(i);
    if (first === 0x30) {
      i++;
      if (isDigit(t.charCodeAt(i))) throw this.error('invalid number (leading zeros are not allowed)', start);
    } else if (isDigit(first)) {
      while (isDigit(t.charCodeAt(i))) i++;
    } else {
      if (i >= t.length) throw this.truncated();
      throw this.error("invalid number (expected a digit after '-')", start);
    }
    if (t.charCodeAt(i) === 0x2e /* . */) {
      i++;
      if (!isDigit(t.charCodeAt(i))) {
        if (i >= t.length) throw this.truncated();
        throw this.error("invalid number (expected a digit after '.')", start);
      }
      while (isDigit(t.charCodeAt(i))) i++;
    }
    const e = t.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = t.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (!isDigit(t.charCodeAt(i))) {
        if (i >= t.length) throw this.truncated();
        throw this.error('invalid number (expected a digit in the exponent)', start);
      }
      while (isDigit(t.charCodeAt(i))) i++;
    }
    this.pos = i;
    return Number(t.slice(start, i));
  }

  /** Scans a string starting at the opening quote and returns its value. */
  private string(): string {
    const t = this.text;
    let i = this.pos + 1;
    let chunkStart = i;
    let out = '';
    for (;;) {
      if (i >= t.length) throw this.error('unexpected end of file inside a string (truncated JSON?)', i);
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        out += t.slice(chunkStart, i);
        this.pos = i + 1;
        return out;
      }
      if (c < 0x20) {
        const what = c === 10 || c === 13 ? 'line break in a string (unterminated string?)' : `control character ${describeChar(t, i)} in a string (write it as an escape)`;
        throw this.error(what, i);
      }
      if (c !== 0x5c /* \ */) {
        i++;
        continue;
      }
      out += t.slice(chunkStart, i);
      const esc = t.charCodeAt(i + 1);
      switch (esc) {
        case 0x22: out += '"'; break;
        case 0x5c: out += '\\'; break;
        case 0x2f: out += '/'; break;
        case 0x62: out += '\b'; break;
        case 0x66: out += '\f'; break;
        case 0x6e: out += '\n'; break;
        case 0x72: out += '\r'; break;
        case 0x74: out += '\t'; break;
        case 0x75: {
          const hex = t.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            if (i + 6 > t.length) throw this.error('unexpected end of file inside a string (truncated JSON?)', t.length);
            throw this.error('invalid \\u escape (expected 4 hex digits)', i);
          }
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          if (i + 1 >= t.length) throw this.error('unexpected end of file inside a string (truncated JSON?)', t.length);
          {
            // a control character after the backslash is named (U+000A), never printed: messages stay one line
            const next = describeChar(t, i + 1);
            throw this.error(`invalid escape ${next.startsWith('U+') ? `\\ followed by ${next}` : `'\\${next.slice(1, -1)}'`} in a string`, i);
          }
      }
      i += 2;
      chunkStart = i;
    }
  }

  /** Skips whitespace, and comments in JSONC mode; in strict mode a comment is an error. */
  private skipSpace(): void {
    const t = this.text;
    let i = this.pos;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
        continue;
      }
      if (c === 0x2f /* / */) {
        const next = t.charCodeAt(i + 1);
        if (next === 0x2f || next === 0x2a) {
          if (!this.jsonc) throw this.error('comments are not allowed in JSON', i);
          if (next === 0x2f) {
            i += 2;
            while (i < t.length && t.charCodeAt(i) !== 0x0a && t.charCodeAt(i) !== 0x0d) i++;
          } else {
            const close = t.indexOf('*/', i + 2);
            if (close < 0) throw this.error('unterminated /* comment', i);
            i = close + 2;
          }
          continue;
        }
      }
      break;
    }
    this.pos = i;
  }

  private truncated(): InputError {
    return this.error('unexpected end of file (truncated JSON?)', this.text.length);
  }

  private error(message: string, offset: number): InputError {
    const at = this.lines.position(offset);
    return new InputError(message, this.file, at.line, at.column);
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isWordStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24;
}
function isWordPart(c: number): boolean {
  return isWordStart(c) || isDigit(c);
}

/** `'x'` or `U+0007` for messages. */
function describeChar(text: string, offset: number): string {
  const code = text.codePointAt(offset) ?? 0;
  if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) {
    return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `'${String.fromCodePoint(code)}'`;
}
