/**
 * A reader of Python config modules written as data (MMEngine / OpenMMLab `configs/**.py`, README "What the scanner
 * reads": OpenMMLab / MMEngine configs): top-level assignments `name = value` whose values are literals — `dict(k=v)`,
 * `{'k': v}`, lists, tuples, strings (adjacent ones joined), numbers (with a sign), True/False/None —, arithmetic on
 * numbers (`5e-4 * 1024 / 512`, with Python's precedence and its float `/`), names assigned earlier in the same module,
 * and references to the base files' variables (`_base_.a.b`, `{{_base_.a.b}}`, MMEngine's two spellings). Nothing is
 * executed: any other statement or expression (imports, blocks, calls, subscripts, other names) is reported as not read
 * with its line and column, and the value it would give is unknown (a dict key holding
 * it is kept as written but opaque, ../fields.ts PartialObjectNode).
 *
 * The tree is the scanner's ParsedNode tree, so the config detectors read it with the same FieldReader as JSON or YAML.
 * A module's `_base_` list is handed to the caller when it is read (`onBase`), which composes those files and answers
 * the module's `_base_.x` references with the composed value (./../mmengine-compose.ts).
 */
import { indexMembers, type ArrayNode, type MemberNode, type ParsedNode } from '../../parse/node';
import { LineIndex } from '../../parse/positions';
import type { PartialObjectNode } from '../fields';
import type { SourceRange } from '../types';
import { MAX_PYTHON_NESTING } from './program';
import { tokenize, type Token } from './tokenizer';

/** Something the reader did not read, at its 1-based position. */
export interface LiteralProblem {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/** The `_base_` assignment: each base path as written, with its range. */
export interface BaseList {
  readonly paths: readonly { readonly value: string; readonly range: SourceRange }[];
  readonly range: SourceRange;
}

/** Answers a `_base_.a.b` reference: the composed bases' value at that path, or undefined when they hold none. */
export type BaseLookup = (path: readonly string[]) => ParsedNode | undefined;

export interface LiteralModule {
  /** The module's variables as one object (the last assignment of a name wins; `_base_` left out). */
  readonly root: PartialObjectNode;
  readonly base: BaseList | null;
  /** What was not read, in file order. */
  readonly unread: readonly LiteralProblem[];
  /** The module cannot be read at all (brackets nested past Python's limit): the reason and where. */
  readonly error: LiteralProblem | null;
}

const KEYWORD_BLOCKS = new Set(['if', 'for', 'while', 'def', 'class', 'with', 'try', 'async', 'match']);
const CONSTANTS: Readonly<Record<string, boolean | null>> = { True: true, False: false, None: null };
const WHAT_IS_READ = 'only literals, arithmetic on numbers, dict(...), lists, tuples, names assigned above and _base_ references are read';
const ARITHMETIC = new Set(['+', '-', '*', '/', '//', '%', '**']);

/** A value position that could not be read: why, and the offset to report. */
class Unread {
  constructor(readonly message: string, readonly offset: number) {}
}

/**
 * Reads a config module. `onBase` is called once, when the `_base_` assignment is read, and returns the lookup for
 * the module's base references (absent: every `_base_.x` reference is not read).
 */
export function readLiteralModule(text: string, onBase?: (base: BaseList) => BaseLookup): LiteralModule {
  const reader = new ModuleReader(text, onBase);
  return reader.read();
}

class ModuleReader {
  private readonly tokens: Token[];
  private readonly lines: LineIndex;
  private readonly unread: LiteralProblem[] = [];
  /** The module's variables in order of their last assignment. */
  private readonly members = new Map<string, MemberNode>();
  private readonly opaque = new Set<string>();
  private readonly names = new Map<string, ParsedNode>();
  private base: BaseList | null = null;
  private lookup: BaseLookup | undefined;

  constructor(private readonly text: string, private readonly onBase?: (base: BaseList) => BaseLookup) {
    this.tokens = tokenize(text);
    this.lines = new LineIndex(text);
  }

  read(): LiteralModule {
    const deep = this.tokens.find((t) => t.depth > MAX_PYTHON_NESTING);
    if (deep !== undefined) {
      return { root: this.root(), base: null, unread: [], error: this.problem(`brackets nested deeper than ${MAX_PYTHON_NESTING} levels (Python's own limit)`, deep.start) };
    }
    let i = 0;
    while (i < this.tokens.length) {
      let end = i;
      while (end < this.tokens.length && this.tokens[end].kind !== 'newline') end++;
      if (end > i) this.statement(i, end);
      i = end + 1;
    }
    return { root: this.root(), base: this.base, unread: this.unread, error: null };
  }

  private root(): PartialObjectNode {
    const members = [...this.members.values()];
    const { index, value } = indexMembers(members);
    const range = this.lines.range(0, this.text.length);
    return { kind: 'object', members, index, value, opaqueKeys: this.opaque, start: 0, end: this.text.length, range };
  }

  private problem(message: string, offset: number): LiteralProblem {
    const at = this.lines.position(offset);
    return { message, line: at.line, column: at.column };
  }

  private note(message: string, offset: number): void {
    this.unread.push(this.problem(message, offset));
  }

  /** One logical line, tokens [from, to). */
  private statement(from: number, to: number): void {
    const first = this.tokens[from];
    // Lines inside a block: the block's own line was reported.
    if (first.indent > 0) return;
    const word = first.kind === 'name' ? first.text : '';
    if (word === 'import' || word === 'from') {
      this.note(`'${this.source(from, to)}' is not read (a config that imports, such as MMEngine's pure-Python style with read_base(), is not read; ${WHAT_IS_READ})`, first.start);
      return;
    }
    if (KEYWORD_BLOCKS.has(word)) {
      this.note(`a '${word}' block is not read (${WHAT_IS_READ})`, first.start);
      return;
    }
    const eq = this.tokens[from + 1];
    if (first.kind !== 'name' || eq?.kind !== 'op' || eq.text !== '=' || from + 2 >= to) {
      this.note(`the statement '${this.source(from, to)}' is not read (${WHAT_IS_READ})`, first.start);
      return;
    }
    const name = first.text;
    const { value, next } = this.value(from + 2, to);
    if (value instanceof Unread || next < to) {
      const why = value instanceof Unread ? value : new Unread(`'${this.source(from + 2, to)}' is not read (${WHAT_IS_READ})`, this.tokens[next].start);
      this.note(`${name}: ${why.message}`, why.offset);
      this.names.delete(name);
      this.opaque.add(name);
      this.members.delete(name);
      return;
    }
    if (name === '_base_') {
      this.readBase(value);
      return;
    }
    this.names.set(name, value);
    this.opaque.delete(name);
    this.members.delete(name);
    this.members.set(name, { key: name, keyRange: this.lines.range(first.start, first.end), node: value });
  }

  private readBase(value: ParsedNode): void {
    const items = value.kind === 'array' ? value.items : [value];
    const paths: { value: string; range: SourceRange }[] = [];
    for (const item of items) {
      if (item.kind === 'string') paths.push({ value: item.value, range: item.range });
      else this.note(`_base_ must list file paths as strings, not ${item.kind === 'object' ? 'a dict' : item.kind}`, item.start);
    }
    this.base = { paths, range: value.range };
    this.lookup = this.onBase?.(this.base);
  }

  private source(from: number, to: number): string {
    const text = this.text.slice(this.tokens[from].start, this.tokens[to - 1].end).replace(/\s+/g, ' ');
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  }

  /**
   * The value starting at token `i`, ending before `to` or at a delimiter of its bracket level (`,`, `:`, a closing
   * bracket). An expression that goes on past its first value is not read; `next` is then past it.
   */
  private value(i: number, to: number): { value: ParsedNode | Unread; next: number } {
    const start = this.tokens[i];
    const { value, next } = this.primary(i, to);
    if (next >= to || this.isDelimiter(this.tokens[next], start.depth)) return { value, next };
    const skip = this.skipValue(i, to);
    if (value instanceof Unread) return { value, next: skip };
    const op = this.tokens[next];
    // Arithmetic on numbers (`5e-4 * 1024 / 512`): computed as Python computes it; anything else is not read.
    if (op.kind === 'op' && ARITHMETIC.has(op.text)) {
      // The first operand is the value read above (read once: parentheses nest, and re-reading them would double per level).
      const first = value.kind === 'number' ? { value: value.value, integer: /^-?\d+$/.test(value.raw), next } : null;
      const computed = new Arithmetic(this, i, skip, first).read();
      if (computed !== null) return { value: computed, next: skip };
    }
    return { value: new Unread(`the expression '${this.source(i, skip)}' is not read (${WHAT_IS_READ})`, op.start), next: skip };
  }

  /** The number a token range starting at `i` begins with (a literal, a signed literal, a name assigned a number), for Arithmetic. */
  numberAt(i: number, to: number): { value: number; integer: boolean; next: number } | null {
    const { value, next } = this.primary(i, to);
    if (value instanceof Unread || value.kind !== 'number') return null;
    return { value: value.value, integer: /^-?\d+$/.test(value.raw), next };
  }

  tokenAt(i: number): Token | undefined {
    return this.tokens[i];
  }

  numberNode(value: number, integer: boolean, start: number, end: number): ParsedNode {
    const raw = integer ? String(value) : Number.isInteger(value) ? `${value}.0` : String(value);
    return this.node('number', value, start, end, raw);
  }

  private isDelimiter(t: Token, depth: number): boolean {
    if (t.kind !== 'op') return false;
    if (t.depth < depth) return true; // the enclosing bracket closes
    return t.depth === depth && (t.text === ',' || t.text === ':');
  }

  /** The token past the value starting at `i` (the next delimiter at its level). */
  private skipValue(i: number, to: number): number {
    const depth = this.tokens[i].depth;
    let j = i;
    while (j < to && !(j > i && this.isDelimiter(this.tokens[j], depth))) j++;
    return j;
  }

  private node(kind: 'string', value: string, start: number, end: number): ParsedNode;
  private node(kind: 'number', value: number, start: number, end: number, raw: string): ParsedNode;
  private node(kind: 'boolean', value: boolean, start: number, end: number): ParsedNode;
  private node(kind: 'null', value: null, start: number, end: number): ParsedNode;
  private node(kind: 'string' | 'number' | 'boolean' | 'null', value: string | number | boolean | null, start: number, end: number, raw?: string): ParsedNode {
    const base = { start, end, range: this.lines.range(start, end) };
    if (kind === 'number') return { kind, value: value as number, raw: raw ?? String(value), ...base };
    if (kind === 'string') return { kind, value: value as string, ...base };
    if (kind === 'boolean') return { kind, value: value as boolean, ...base };
    return { kind: 'null', value: null, ...base };
  }

  private primary(i: number, to: number): { value: ParsedNode | Unread; next: number } {
    const t = this.tokens[i];
    if (t.kind === 'string') {
      let j = i;
      let text = '';
      while (j < to && this.tokens[j].kind === 'string') {
        const v = this.tokens[j].value;
        if (this.tokens[j].unterminated) return { value: new Unread('the string is not closed', this.tokens[j].start), next: this.skipValue(i, to) };
        if (v === null) return { value: new Unread(`an f-string with replacement fields is not read (${WHAT_IS_READ})`, this.tokens[j].start), next: this.skipValue(i, to) };
        text += v;
        j++;
      }
      return { value: this.node('string', text, t.start, this.tokens[j - 1].end), next: j };
    }
    if (t.kind === 'number') {
      if (!Number.isFinite(t.number)) return { value: new Unread(`the number '${this.text.slice(t.start, t.end)}' is not read`, t.start), next: i + 1 };
      return { value: this.node('number', t.number, t.start, t.end, this.text.slice(t.start, t.end).replace(/_/g, '')), next: i + 1 };
    }
    if (t.kind === 'op' && (t.text === '-' || t.text === '+') && this.tokens[i + 1]?.kind === 'number' && i + 1 < to) {
      const n = this.tokens[i + 1];
      if (Number.isFinite(n.number)) {
        const raw = `${t.text === '-' ? '-' : ''}${this.text.slice(n.start, n.end).replace(/_/g, '')}`;
        return { value: this.node('number', t.text === '-' ? -n.number : n.number, t.start, n.end, raw), next: i + 2 };
      }
    }
    if (t.kind === 'name') return this.name(i, to);
    if (t.kind === 'op' && t.text === '[') return this.sequence(i, ']');
    if (t.kind === 'op' && t.text === '(') return this.sequence(i, ')');
    if (t.kind === 'op' && t.text === '{') {
      const inner = this.tokens[i + 1];
      if (inner?.kind === 'op' && inner.text === '{' && this.tokens[i + 2]?.text === '_base_') return this.baseTemplate(i);
      return this.dictDisplay(i);
    }
    return { value: new Unread(`'${this.text.slice(t.start, t.end)}' is not read (${WHAT_IS_READ})`, t.start), next: this.skipValue(i, to) };
  }

  /** The index of the bracket closing the one at `open` (or the end of the tokens). */
  private closing(open: number): number {
    const depth = this.tokens[open].depth;
    let j = open + 1;
    while (j < this.tokens.length && !(this.tokens[j].depth === depth && this.tokens[j].kind === 'op' && ')]}'.includes(this.tokens[j].text))) j++;
    return j;
  }

  private name(i: number, to: number): { value: ParsedNode | Unread; next: number } {
    const t = this.tokens[i];
    if (t.text in CONSTANTS) {
      const c = CONSTANTS[t.text];
      return { value: c === null ? this.node('null', null, t.start, t.end) : this.node('boolean', c, t.start, t.end), next: i + 1 };
    }
    if (t.text === '_base_') {
      const path: string[] = [];
      let j = i + 1;
      while (j + 1 < to && this.tokens[j].text === '.' && this.tokens[j + 1].kind === 'name') {
        path.push(this.tokens[j + 1].text);
        j += 2;
      }
      return { value: this.baseReference(path, t.start), next: j };
    }
    const next = this.tokens[i + 1];
    if (t.text === 'dict' && next?.kind === 'op' && next.text === '(' && i + 1 < to) return this.dictCall(i + 1);
    if (next !== undefined && i + 1 < to && next.kind === 'op' && (next.text === '(' || next.text === '.' || next.text === '[')) {
      return { value: new Unread(`'${this.source(i, this.skipValue(i, to))}' is not read (${WHAT_IS_READ})`, t.start), next: this.skipValue(i, to) };
    }
    const known = this.names.get(t.text);
    if (known !== undefined) return { value: known, next: i + 1 };
    const why = this.opaque.has(t.text) ? `the value of '${t.text}' is not known (see its assignment)` : `the name '${t.text}' is not assigned above in this file`;
    return { value: new Unread(why, t.start), next: i + 1 };
  }

  private baseReference(path: readonly string[], start: number): ParsedNode | Unread {
    const shown = ['_base_', ...path].join('.');
    if (path.length === 0) return new Unread(`'_base_' as a value is not read`, start);
    if (this.base === null) return new Unread(`${shown} names a base variable, but no _base_ is assigned above`, start);
    const found = this.lookup?.(path);
    if (found === undefined) return new Unread(`${shown} is not a variable of the base files that were read`, start);
    return found;
  }

  /** `{{_base_.a.b}}`: MMEngine's text substitution of a base variable. */
  private baseTemplate(i: number): { value: ParsedNode | Unread; next: number } {
    const close = this.closing(i);
    const path: string[] = [];
    let j = i + 3;
    let ok = true;
    const innerClose = this.closing(i + 1);
    while (j < innerClose) {
      if (this.tokens[j].text === '.' && this.tokens[j + 1]?.kind === 'name' && j + 1 < innerClose) {
        path.push(this.tokens[j + 1].text);
        j += 2;
      } else {
        ok = false;
        break;
      }
    }
    if (!ok || innerClose + 1 !== close) return { value: new Unread(`'${this.source(i, Math.min(close + 1, this.tokens.length))}' is not read (${WHAT_IS_READ})`, this.tokens[i].start), next: close + 1 };
    return { value: this.baseReference(path, this.tokens[i].start), next: close + 1 };
  }

  /** `dict(k=v, ...)`: keyword arguments only. */
  private dictCall(open: number): { value: ParsedNode | Unread; next: number } {
    return this.dictMembers(open, this.tokens[open - 1].start, (j, close) => {
      const key = this.tokens[j];
      const eq = this.tokens[j + 1];
      if (key.kind === 'name' && eq?.kind === 'op' && eq.text === '=') return key.text;
      return new Unread(`dict(...) with '${this.source(j, this.skipValue(j, close))}' is not read (only keyword arguments are)`, key.start);
    });
  }

  /** `{'k': v, ...}` with string keys. */
  private dictDisplay(open: number): { value: ParsedNode | Unread; next: number } {
    return this.dictMembers(open, this.tokens[open].start, (j, close) => {
      const key = this.tokens[j];
      const colon = this.tokens[j + 1];
      if (key.kind === 'string' && key.value !== null && colon?.text === ':') return key.value;
      return new Unread(`a dict display whose key is not a plain string ('${this.source(j, this.skipValue(j, close))}') is not read`, key.start);
    });
  }

  /**
   * The members of a dict written either way: `keyAt(j)` reads the key at token j (its value starts two tokens
   * later) or says why the dict is not read; `start` is where the dict's node begins.
   */
  private dictMembers(open: number, start: number, keyAt: (j: number, close: number) => string | Unread): { value: ParsedNode | Unread; next: number } {
    const close = this.closing(open);
    const members = new Map<string, MemberNode>();
    const opaque = new Set<string>();
    let j = open + 1;
    while (j < close) {
      const key = keyAt(j, close);
      if (key instanceof Unread) return { value: key, next: close + 1 };
      const keyToken = this.tokens[j];
      const { value, next } = this.value(j + 2, close);
      this.member(members, opaque, key, this.lines.range(keyToken.start, keyToken.end), value);
      j = next;
      if (j < close && this.tokens[j].text === ',') j++;
      else if (j < close) return { value: new Unread(`'${this.source(j, close)}' is not read`, this.tokens[j].start), next: close + 1 };
    }
    return { value: this.object(members, opaque, start, this.tokens[Math.min(close, this.tokens.length - 1)].end), next: close + 1 };
  }

  /** A dict's key, the last one written winning (Python keeps its first position; the value is what matters here). */
  private member(members: Map<string, MemberNode>, opaque: Set<string>, key: string, keyRange: SourceRange, value: ParsedNode | Unread): void {
    members.delete(key);
    if (value instanceof Unread) {
      this.note(`${key}: ${value.message}`, value.offset);
      opaque.add(key);
      return;
    }
    opaque.delete(key);
    members.set(key, { key, keyRange, node: value });
  }

  private object(byKey: Map<string, MemberNode>, opaque: Set<string>, start: number, end: number): PartialObjectNode {
    const members = [...byKey.values()];
    const { index, value } = indexMembers(members);
    return { kind: 'object', members, index, value, opaqueKeys: opaque, start, end, range: this.lines.range(start, end) };
  }

  /** A list or a tuple (a parenthesised single value without a comma is that value). */
  private sequence(open: number, closer: string): { value: ParsedNode | Unread; next: number } {
    const close = this.closing(open);
    const items: ParsedNode[] = [];
    let j = open + 1;
    let comma = false;
    let unread: Unread | null = null;
    while (j < close) {
      const { value, next } = this.value(j, close);
      if (value instanceof Unread) unread ??= value;
      else items.push(value);
      j = next;
      if (j < close && this.tokens[j].text === ',') {
        comma = true;
        j++;
      } else if (j < close) {
        unread ??= new Unread(`'${this.source(j, close)}' is not read`, this.tokens[j].start);
        break;
      }
    }
    const closeToken = this.tokens[Math.min(close, this.tokens.length - 1)];
    if (closeToken.text !== closer) return { value: new Unread(`the bracket '${this.tokens[open].text}' is not closed by '${closer}'`, this.tokens[open].start), next: close + 1 };
    if (unread !== null) return { value: unread, next: close + 1 };
    if (closer === ')' && !comma && items.length === 1) return { value: items[0], next: close + 1 };
    const start = this.tokens[open].start;
    const node: ArrayNode = { kind: 'array', items, value: items.map((x) => x.value), start, end: closeToken.end, range: this.lines.range(start, closeToken.end) };
    return { value: node, next: close + 1 };
  }
}


/**
 * Python arithmetic on numbers over tokens [from, to): `+ - * / // % **`, unary signs and parentheses, with Python's
 * precedence (`**` binds tighter than a unary minus on its left and is right-associative), `/` always a float, `//` and
 * `%` floored. Null when an operand is not a number or the result is not finite (division by zero).
 */
class Arithmetic {
  private i: number;
  constructor(
    private readonly m: ModuleReader,
    private readonly from: number,
    private readonly to: number,
    /** The operand at `from`, already read. */
    private readonly first: { readonly value: number; readonly integer: boolean; readonly next: number } | null,
  ) {
    this.i = from;
  }

  read(): ParsedNode | null {
    const v = this.sum();
    if (v === null || this.i !== this.to || !Number.isFinite(v.value)) return null;
    const first = this.m.tokenAt(this.from) as Token;
    const last = this.m.tokenAt(this.to - 1) as Token;
    return this.m.numberNode(v.value, v.integer, first.start, last.end);
  }

  private op(): string | null {
    const t = this.m.tokenAt(this.i);
    return this.i < this.to && t?.kind === 'op' ? t.text : null;
  }

  private sum(): Num | null {
    let a = this.product();
    for (let o = this.op(); a !== null && (o === '+' || o === '-'); o = this.op()) {
      this.i++;
      const b = this.product();
      if (b === null) return null;
      a = { value: o === '+' ? a.value + b.value : a.value - b.value, integer: a.integer && b.integer };
    }
    return a;
  }

  private product(): Num | null {
    let a = this.unary();
    for (let o = this.op(); a !== null && (o === '*' || o === '/' || o === '//' || o === '%'); o = this.op()) {
      this.i++;
      const b = this.unary();
      if (b === null || (o !== '*' && b.value === 0)) return null;
      if (o === '*') a = { value: a.value * b.value, integer: a.integer && b.integer };
      else if (o === '/') a = { value: a.value / b.value, integer: false };
      else if (o === '//') a = { value: Math.floor(a.value / b.value), integer: a.integer && b.integer };
      else a = { value: a.value - b.value * Math.floor(a.value / b.value), integer: a.integer && b.integer };
    }
    return a;
  }

  private unary(): Num | null {
    const o = this.op();
    if (o === '-' || o === '+') {
      this.i++;
      const v = this.unary();
      return v === null ? null : { value: o === '-' ? -v.value : v.value, integer: v.integer };
    }
    return this.power();
  }

  private power(): Num | null {
    const base = this.atom();
    if (base === null || this.op() !== '**') return base;
    this.i++;
    const exp = this.unary();
    if (exp === null) return null;
    return { value: base.value ** exp.value, integer: base.integer && exp.integer && exp.value >= 0 };
  }

  private atom(): Num | null {
    const t = this.m.tokenAt(this.i);
    if (t === undefined || this.i >= this.to) return null;
    if (t.kind === 'number' || t.kind === 'name' || (t.kind === 'op' && t.text === '(')) {
      // a number, a name assigned a number, or a parenthesised expression (read by the module reader, arithmetic included)
      const n = this.i === this.from && this.first !== null ? this.first : this.m.numberAt(this.i, this.to);
      if (n === null) return null;
      this.i = n.next;
      return { value: n.value, integer: n.integer };
    }
    return null;
  }
}

interface Num {
  readonly value: number;
  readonly integer: boolean;
}
