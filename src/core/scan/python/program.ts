/**
 * A static view of a Python program over its tokens: imports, simple assignments per scope
 * (module, function, class), function parameters with defaults, argparse defaults, and every call
 * site with its arguments evaluated as far as literals allow. Never executes anything.
 *
 * Values: literals (numbers, strings, True/False/None, tuples/lists, dicts), names resolved to the
 * constant they are assigned (`batch_size=BATCH_SIZE` after `BATCH_SIZE = 32`), arithmetic on
 * numbers (`2 * BASE_LR`), string concatenation, subscripts of resolved dicts/lists, `args.lr` from
 * `parser.add_argument("--lr", default=0.1)` after `args = parser.parse_args()`, dotted references
 * (`torch.bfloat16`) and calls (callee with its arguments). Anything else is 'unknown'.
 *
 * Name resolution: a name used in a function is looked up in that function (its parameters, then
 * assignments before the use), then in enclosing functions, then at module level (where any
 * assignment counts, the last one winning, since functions run after the module has loaded); a name
 * used at module level takes the last module-level assignment before the use. Names bound by
 * imports are references, never constants.
 */
import { InputError } from '../../types';
import { matchTokenBrackets, tokenize, type Token } from './tokenizer';

/**
 * Deepest bracket nesting read: CPython's own tokenizer refuses more than 200 nested brackets
 * ("too many nested parentheses", MAXLEVEL in Parser/tokenizer.h). Deeper input is not a program
 * and made the analysis slow and memory-hungry (a 4 MB line of `f(` needed over 2 GB).
 */
export const MAX_PYTHON_NESTING = 200;

/** Thrown by PythonProgram for nesting over MAX_PYTHON_NESTING; `offset` is in the analysed text. */
export class PythonNestingError extends InputError {
  constructor(readonly offset: number) {
    super(`brackets nested deeper than ${MAX_PYTHON_NESTING} levels (Python's own limit)`);
  }
}

export type PyValue =
  | { readonly kind: 'number'; readonly value: number; readonly raw: string; readonly start: number; readonly end: number }
  | { readonly kind: 'string'; readonly value: string; readonly start: number; readonly end: number }
  | { readonly kind: 'bool'; readonly value: boolean; readonly start: number; readonly end: number }
  | { readonly kind: 'none'; readonly start: number; readonly end: number }
  | { readonly kind: 'list'; readonly items: readonly PyValue[]; readonly start: number; readonly end: number }
  | { readonly kind: 'dict'; readonly entries: readonly PyDictEntry[]; readonly start: number; readonly end: number }
  | { readonly kind: 'call'; readonly call: PyCall; readonly start: number; readonly end: number }
  | { readonly kind: 'ref'; readonly path: string; readonly start: number; readonly end: number }
  | { readonly kind: 'unknown'; readonly start: number; readonly end: number };

export interface PyDictEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly value: PyValue;
}

export interface PyArg {
  /** Keyword, or null for a positional argument. */
  readonly name: string | null;
  readonly value: PyValue;
  /** Offsets of the argument as written (the value, without `name=`). */
  readonly start: number;
  readonly end: number;
}

export interface PyCall {
  /** Dotted callee with imports resolved (`optim.SGD` after `from torch import optim` -> `torch.optim.SGD`). */
  readonly callee: string;
  /** The callee as written. */
  readonly written: string;
  readonly calleeStart: number;
  readonly calleeEnd: number;
  /** Offsets of the whole call, `(`...`)` included. */
  readonly start: number;
  readonly end: number;
  /** Positional and keyword arguments in order; `*args`/`**kwargs` are left out (see `spread`). */
  readonly args: readonly PyArg[];
  /** The call passes `*args` or `**kwargs` (its arguments are not all known). */
  readonly spread: boolean;
  /** What the call's result is assigned to, when the call is the whole value of an assignment. */
  readonly target: string | null;
  /** The logical line holding the call (for heuristics such as "the train loader"). */
  readonly lineText: string;
}

/** The keywords that open a block a statement may sit in (./branch-value.ts reads the conditional ones). */
const BLOCK_KEYWORDS = new Set(['if', 'elif', 'else', 'for', 'while', 'with', 'try', 'except', 'finally']);

/** A block header of PythonProgram.blocksAround. */
export interface BlockHeader {
  readonly keyword: string;
  /** Token index of the keyword. */
  readonly at: number;
  /** The test's tokens [start, end) of an `if`, `elif` or `while`. */
  readonly test: readonly [number, number] | null;
  /** For `elif` / `else`: the tests of the branches before it in its `if` chain, in order. */
  readonly earlier: readonly (readonly [number, number])[];
  /** False for an `else` that ends no `if` chain (of a loop or a `try`). */
  readonly chained: boolean;
}

/** How many callee aliases (`Opt = Other`, `Other = FusedAdam`) are followed inside one another. */
const MAX_ALIAS_DEPTH = 4;

const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

/**
 * Module names that scripts use without importing them under that name in the scanned text
 * (notebook cells run after imports elsewhere, snippets): `optim.X` is torch.optim, `models.X` is
 * torchvision.models (resolved only when the name is not bound by an import).
 */
const CONVENTIONAL_ALIASES: Readonly<Record<string, string>> = {
  optim: 'torch.optim',
  models: 'torchvision.models',
  bnb: 'bitsandbytes',
  tf: 'tensorflow',
  pl: 'pytorch_lightning',
  L: 'lightning',
};

interface Scope {
  readonly kind: 'module' | 'def' | 'class';
  readonly parent: number;
  readonly headerIndent: number;
  readonly params: Map<string, readonly [number, number] | null>;
}

interface Assignment {
  /** Token index where the statement starts (for "before the use"). */
  readonly at: number;
  /** Value tokens [start, end). */
  readonly value: readonly [number, number];
  /** Position in a tuple target (`a, b = 1, 2`), with the tuple's size. */
  readonly tuple?: readonly [index: number, size: number];
  /** Augmented assignment (`x += 1`): the value is not known. */
  readonly augmented?: boolean;
}

interface Line {
  readonly first: number;
  /** Exclusive token index (the newline token). */
  readonly last: number;
  readonly scope: number;
}

const UNARY_BP = 30;
const BINARY_BP: Readonly<Record<string, number>> = { '+': 10, '-': 10, '*': 20, '/': 20, '//': 20, '%': 20, '@': 20, '**': 40 };

export class PythonProgram {
  readonly tokens: readonly Token[];
  private readonly match: Int32Array;
  private readonly tokenLine: Int32Array;
  private readonly lines: Line[] = [];
  private readonly scopes: Scope[] = [{ kind: 'module', parent: -1, headerIndent: -1, params: new Map() }];
  private readonly assignments = new Map<number, Map<string, Assignment[]>>();
  private readonly imports = new Map<string, string>();
  private readonly argsNames = new Set<string>();
  /** `obj.attr` targets assigned anywhere (`args.lr = args.blr * batch / 256`, `args.lr *= 2`), as `obj.attr`. */
  private readonly attributeWrites = new Set<string>();
  /** Functions of this file that return parsed arguments (`return parser.parse_args()`, `return args, text`). */
  private readonly argsFunctions = new Set<string>();
  /** Class scope -> `self.x = ...` assignments in its methods (in source order), by attribute. */
  private readonly selfAssignments = new Map<number, Map<string, Assignment[]>>();
  /** Function name -> its scope, for the function that is being read (returns are noted per scope). */
  private readonly functionScopes = new Map<number, string>();
  private readonly argparseDefaultValues = new Map<string, PyValue | null>();
  /** argparse option strings (`-b`, `--batch-size`) → their dest, and the constant a `store_true`/`store_false` stores. */
  private readonly argparseOptionTable = new Map<string, { readonly dest: string; readonly stores?: boolean }>();
  private readonly callsByStart = new Map<number, PyCall>();
  /** Callee aliases being resolved (an alias naming another alias), bounded. */
  private aliasDepth = 0;
  /** Class name -> its scope (for `Config().lr` and `cfg.lr` after `cfg = Config()`). */
  private readonly classes = new Map<string, number>();
  private readonly cache = new Map<Assignment, PyValue>();
  private readonly resolving = new Set<Assignment>();
  private callList: PyCall[] | null = null;

  constructor(readonly text: string) {
    this.tokens = tokenize(text);
    for (const t of this.tokens) if (t.depth > MAX_PYTHON_NESTING) throw new PythonNestingError(t.start);
    this.match = matchTokenBrackets(text, this.tokens);
    this.tokenLine = new Int32Array(this.tokens.length);
    this.readStatements();
  }

  /** Every call site in source order (arguments evaluated on first access). */
  get calls(): readonly PyCall[] {
    return this.discoverCalls();
  }

  /** Finds the call sites once (argparse defaults are read from them). */
  private discoverCalls(): PyCall[] {
    if (this.callList === null) {
      this.callList = this.findCalls();
      this.readArgparse(this.callList);
    }
    return this.callList;
  }

  /** A dotted name with its first segment resolved through the imports. */
  canonical(dotted: string): string {
    const dot = dotted.indexOf('.');
    const head = dot < 0 ? dotted : dotted.slice(0, dot);
    const rest = dot < 0 ? '' : dotted.slice(dot);
    const imported = this.imports.get(head);
    if (imported !== undefined) return imported + rest;
    if (dot > 0 && Object.prototype.hasOwnProperty.call(CONVENTIONAL_ALIASES, head)) return CONVENTIONAL_ALIASES[head] + rest;
    return dotted;
  }

  /** True when `name` is bound by an import. */
  isImported(name: string): boolean {
    return this.imports.has(name);
  }

  private tokenText(i: number): string {
    const t = this.tokens[i];
    return t.kind === 'name' || t.kind === 'op' ? t.text : this.text.slice(t.start, t.end);
  }

  private isOp(i: number, op: string): boolean {
    const t = this.tokens[i];
    return t !== undefined && t.kind === 'op' && t.text === op;
  }

  private isName(i: number, name?: string): boolean {
    const t = this.tokens[i];
    return t !== undefined && t.kind === 'name' && (name === undefined || t.text === name);
  }

  // ---------------------------------------------------------------- statements

  private readStatements(): void {
    const tokens = this.tokens;
    const open: number[] = []; // indices into scopes of open def/class scopes
    let first = 0;
    while (first < tokens.length) {
      let last = first;
      while (last < tokens.length && tokens[last].kind !== 'newline') last++;
      const indent = tokens[first].indent >= 0 ? tokens[first].indent : 0;
      while (open.length > 0 && this.scopes[open[open.length - 1]].headerIndent >= indent) open.pop();
      const scope = open.length > 0 ? open[open.length - 1] : 0;
      const lineIndex = this.lines.length;
      this.lines.push({ first, last, scope });
      for (let k = first; k <= last && k < tokens.length; k++) this.tokenLine[k] = lineIndex;

      let s = first;
      while (this.isOp(s, '@') || (this.isName(s, 'async') && this.isName(s + 1, 'def'))) s = this.isOp(s, '@') ? last : s + 1;
      if (this.isName(s, 'def') || this.isName(s, 'class')) {
        const kind = this.isName(s, 'def') ? 'def' : 'class';
        const id = this.scopes.length;
        this.scopes.push({ kind, parent: scope, headerIndent: indent, params: kind === 'def' ? this.readParams(s + 2) : new Map() });
        open.push(id);
        if (kind === 'class' && scope === 0 && this.isName(s + 1)) this.classes.set(this.tokenText(s + 1), id);
        if (kind === 'def' && this.isName(s + 1)) this.functionScopes.set(id, this.tokenText(s + 1));
      } else {
        // Simple statements separated by `;`.
        let a = first;
        for (let k = first; k <= last; k++) {
          if (k === last || (this.isOp(k, ';') && tokens[k].depth === 0)) {
            if (k > a) this.readSimpleStatement(a, k, scope);
            a = k + 1;
          }
        }
      }
      first = last + 1;
    }
  }

  /** Parameters of `def name(` (the `(` at `open`): name -> default value tokens, or null. */
  private readParams(open: number): Map<string, readonly [number, number] | null> {
    const params = new Map<string, readonly [number, number] | null>();
    if (!this.isOp(open, '(')) return params;
    const close = this.closer(open);
    const depth = this.tokens[open].depth + 1;
    let a = open + 1;
    for (let k = open + 1; k <= close; k++) {
      if (k === close || (this.isOp(k, ',') && this.tokens[k].depth === depth)) {
        let p = a;
        while (p < k && (this.isOp(p, '*') || this.isOp(p, '**'))) p++;
        if (p < k && this.isName(p)) {
          let eq = -1;
          for (let q = p + 1; q < k; q++) if (this.isOp(q, '=') && this.tokens[q].depth === depth) eq = q;
          params.set(this.tokenText(p), eq >= 0 && eq + 1 < k ? [eq + 1, k] : null);
        }
        a = k + 1;
      }
    }
    return params;
  }

  private readSimpleStatement(s: number, e: number, scope: number): void {
    if (this.isName(s, 'return')) {
      this.noteArgsReturn(s + 1, e, scope);
      return;
    }
    if (this.isName(s, 'import')) {
      this.readImport(s + 1, e);
      return;
    }
    if (this.isName(s, 'from')) {
      this.readFromImport(s + 1, e);
      return;
    }
    // Top-level `=` signs (not inside brackets, not after a lambda).
    const equals: number[] = [];
    for (let k = s; k < e; k++) {
      const t = this.tokens[k];
      if (t.depth !== 0) continue;
      if (t.kind === 'name' && this.tokenText(k) === 'lambda') break;
      if (this.isOp(k, '=')) equals.push(k);
      else if (t.kind === 'op' && equals.length === 0 && /^([-+*/%&|^@]|\*\*|\/\/|<<|>>)=$/.test(this.tokenText(k))) {
        if (k === s + 1 && this.isName(s)) this.addAssignment(scope, this.tokenText(s), { at: s, value: [k + 1, e], augmented: true });
        else if (k === s + 3) this.noteAttributeWrite(s, k);
        return;
      }
    }
    if (equals.length === 0) return;
    const value: readonly [number, number] = [equals[equals.length - 1] + 1, e];
    let a = s;
    for (const eq of equals) {
      this.readTarget(a, eq, value, scope, s);
      a = eq + 1;
    }
  }

  /** One assignment target [a, b): a name (annotated or not) or a tuple of names. */
  private readTarget(a: number, b: number, value: readonly [number, number], scope: number, at: number): void {
    if (b === a + 1 && this.isName(a) && !KEYWORDS.has(this.tokenText(a))) {
      this.addAssignment(scope, this.tokenText(a), { at, value });
      this.notePareArgs(this.tokenText(a), value, null);
      return;
    }
    if (b > a + 1 && this.isName(a) && this.isOp(a + 1, ':')) {
      this.addAssignment(scope, this.tokenText(a), { at, value });
      return;
    }
    // `self.x = ...` in a method: an attribute of the class's instances (Lightning modules keep their
    // __init__ arguments this way).
    if (b === a + 3 && this.isName(a, 'self') && this.isOp(a + 1, '.') && this.isName(a + 2)) {
      const method = this.scopes[scope];
      if (method?.kind === 'def' && method.parent >= 0 && this.scopes[method.parent].kind === 'class') {
        let attrs = this.selfAssignments.get(method.parent);
        if (attrs === undefined) this.selfAssignments.set(method.parent, (attrs = new Map()));
        const name = this.tokenText(a + 2);
        attrs.set(name, [...(attrs.get(name) ?? []), { at, value }]);
      }
      return;
    }
    this.noteAttributeWrite(a, b);
    let x = a;
    let y = b;
    if ((this.isOp(x, '(') || this.isOp(x, '[')) && this.closer(x) === y - 1) {
      x++;
      y--;
    }
    const names: string[] = [];
    for (let k = x; k < y; k += 2) {
      if (!this.isName(k) || (k + 1 < y && !this.isOp(k + 1, ','))) return;
      names.push(this.tokenText(k));
    }
    names.forEach((name, index) => {
      this.addAssignment(scope, name, { at, value, tuple: [index, names.length] });
      if (index === 0) this.notePareArgs(name, value, names.length);
    });
  }

  /**
   * `args = parser.parse_args()` (or `args, rest = parser.parse_known_args()`), or `args = f()` /
   * `args, text = f()` where f is a function of this file returning them (timm's `_parse_args`):
   * `args.x` reads argparse defaults.
   */
  private notePareArgs(name: string, value: readonly [number, number], tupleSize: number | null): void {
    const [a, b] = value;
    let k = a;
    while (k + 2 < b && this.isName(k) && this.isOp(k + 1, '.')) k += 2;
    if (!this.isName(k) || !this.isOp(k + 1, '(') || this.closer(k + 1) !== b - 1) return;
    const method = this.tokenText(k);
    if ((method === 'parse_args' && tupleSize === null) || (method === 'parse_known_args' && tupleSize === 2)) this.argsNames.add(name);
    else if (k === a && this.argsFunctions.has(method)) this.argsNames.add(name);
  }

  /** `return parser.parse_args(...)`, `return args` or `return args, text` (args parsed) in a function: it returns the arguments. */
  private noteArgsReturn(s: number, e: number, scope: number): void {
    const fn = this.functionScopes.get(scope);
    if (fn === undefined || s >= e) return;
    let end = e;
    for (let k = s; k < e; k++) {
      if (this.isOp(k, ',') && this.tokens[k].depth === this.tokens[s].depth) {
        end = k;
        break;
      }
    }
    if (end === s + 1 && this.isName(s) && this.argsNames.has(this.tokenText(s))) {
      this.argsFunctions.add(fn);
      return;
    }
    let k = s;
    while (k + 2 < end && this.isName(k) && this.isOp(k + 1, '.')) k += 2;
    if (this.isName(k) && this.isOp(k + 1, '(') && this.closer(k + 1) === end - 1 && this.tokenText(k) === 'parse_args') this.argsFunctions.add(fn);
  }

  /** Target tokens [a, b) of the form `obj.attr` (not `self.attr`, read above): recorded in attributeWrites. */
  private noteAttributeWrite(a: number, b: number): void {
    if (b === a + 3 && this.isName(a) && !this.isName(a, 'self') && this.isOp(a + 1, '.') && this.isName(a + 2)) {
      this.attributeWrites.add(`${this.tokenText(a)}.${this.tokenText(a + 2)}`);
    }
  }

  private addAssignment(scope: number, name: string, assignment: Assignment): void {
    let names = this.assignments.get(scope);
    if (names === undefined) this.assignments.set(scope, (names = new Map()));
    const list = names.get(name);
    if (list === undefined) names.set(name, [assignment]);
    else list.push(assignment);
  }

  /** `import a.b.c`, `import a.b as c, d`. */
  private readImport(s: number, e: number): void {
    for (const [a, b] of this.splitTop(s, e)) {
      const dotted = this.dottedAt(a, b);
      if (dotted === null) continue;
      if (dotted.alias !== null) this.imports.set(dotted.alias, dotted.path);
      else this.imports.set(dotted.path.split('.')[0], dotted.path.split('.')[0]);
    }
  }

  /** `from a.b import c as d, e` (parenthesised lists too); relative imports keep their dots. */
  private readFromImport(s: number, e: number): void {
    let k = s;
    let module = '';
    while (k < e && !this.isName(k, 'import')) {
      module += this.tokenText(k);
      k++;
    }
    if (k >= e || module === '') return;
    let a = k + 1;
    let b = e;
    if (this.isOp(a, '(')) {
      b = Math.min(this.closer(a), e);
      a++;
    }
    for (const [x, y] of this.splitTop(a, b)) {
      if (!this.isName(x)) continue;
      const name = this.tokenText(x);
      if (name === '*') continue;
      const alias = y - x === 3 && this.isName(x + 1, 'as') ? this.tokenText(x + 2) : name;
      this.imports.set(alias, `${module}.${name}`);
    }
  }

  /** `a.b.c` or `a.b.c as d` within [a, b). */
  private dottedAt(a: number, b: number): { path: string; alias: string | null } | null {
    let k = a;
    const parts: string[] = [];
    while (k < b && this.isName(k)) {
      parts.push(this.tokenText(k));
      if (this.isOp(k + 1, '.')) k += 2;
      else {
        k++;
        break;
      }
    }
    if (parts.length === 0) return null;
    const alias = this.isName(k, 'as') && this.isName(k + 1) ? this.tokenText(k + 1) : null;
    return { path: parts.join('.'), alias };
  }

  /** Splits [a, b) at commas of the outermost level. */
  private splitTop(a: number, b: number): [number, number][] {
    const out: [number, number][] = [];
    if (a >= b) return out;
    const depth = this.tokens[a].depth;
    let start = a;
    for (let k = a; k <= b; k++) {
      if (k === b || (this.isOp(k, ',') && this.tokens[k].depth === depth)) {
        if (k > start) out.push([start, k]);
        start = k + 1;
      }
    }
    return out;
  }

  /** Index of the bracket closing the one at `open` (the last token when it is never closed). */
  private closer(open: number): number {
    const m = this.match[open];
    return m >= 0 ? m : this.tokens.length - 1;
  }

  // ---------------------------------------------------------------- calls

  private findCalls(): PyCall[] {
    const calls: PyCall[] = [];
    const tokens = this.tokens;
    for (let k = 0; k < tokens.length; k++) {
      if (tokens[k].kind !== 'name') continue;
      if (k > 0 && (this.isOp(k - 1, '.') || this.isName(k - 1, 'def') || this.isName(k - 1, 'class'))) continue;
      const first = this.tokenText(k);
      if (KEYWORDS.has(first)) continue;
      let j = k;
      const parts = [first];
      while (this.isOp(j + 1, '.') && this.isName(j + 2)) {
        j += 2;
        parts.push(this.tokenText(j));
      }
      if (!this.isOp(j + 1, '(')) continue;
      calls.push(this.makeCall(k, j, parts.join('.')));
    }
    return calls;
  }

  private makeCall(first: number, last: number, written: string): PyCall {
    const open = last + 1;
    const close = this.closer(open);
    const text = this.text;
    let args: PyArg[] | null = null;
    let spread = false;
    const compute = (): PyArg[] => {
      if (args !== null) return args;
      args = [];
      const depth = this.tokens[open].depth + 1;
      let a = open + 1;
      for (let k = open + 1; k <= close; k++) {
        if (k === close || (this.isOp(k, ',') && this.tokens[k].depth === depth)) {
          if (k > a) {
            if (this.isOp(a, '*') || this.isOp(a, '**')) spread = true;
            else if (this.isName(a) && this.isOp(a + 1, '=') && k > a + 2) {
              const value = this.evaluate(a + 2, k, 0);
              args.push({ name: this.tokenText(a), value, start: this.tokens[a + 2].start, end: this.tokens[k - 1].end });
            } else {
              args.push({ name: null, value: this.evaluate(a, k, 0), start: this.tokens[a].start, end: this.tokens[k - 1].end });
            }
          }
          a = k + 1;
        }
      }
      return args;
    };
    const line = this.lines[this.tokenLine[first]];
    const target = this.assignmentTarget(line, first, close);
    const lineEnd = this.tokens[line.last - 1]?.end ?? this.text.length;
    let callee: string | null = null;
    const resolveCallee = (): string => {
      if (callee !== null) return callee;
      callee = this.canonical(written);
      // `Opt = FusedAdam` / `Opt = DeepSpeedCPUAdam if args.offload else FusedAdam`, then `Opt(...)`: the class the name holds.
      if (!written.includes('.') && !this.imports.has(written) && this.aliasDepth < MAX_ALIAS_DEPTH) {
        this.aliasDepth++;
        try {
          const held = this.resolveName(written, first, 1);
          if (held?.kind === 'ref' && held.path !== written) callee = held.path;
        } finally {
          this.aliasDepth--;
        }
      }
      return callee;
    };
    const call: PyCall = {
      get callee() {
        return resolveCallee();
      },
      written,
      calleeStart: this.tokens[first].start,
      calleeEnd: this.tokens[last].end,
      start: this.tokens[first].start,
      end: this.tokens[close].end,
      get args() {
        return compute();
      },
      get spread() {
        compute();
        return spread;
      },
      target,
      lineText: text.slice(this.tokens[line.first].start, lineEnd),
    };
    this.callsByStart.set(call.calleeStart, call);
    return call;
  }

  /** `x = call(...)` / `self.x = call(...)`: the target text when the call is the whole value. */
  private assignmentTarget(line: Line, first: number, close: number): string | null {
    if (close !== line.last - 1 || !this.isOp(first - 1, '=')) return null;
    let k = line.first;
    const parts: string[] = [];
    while (k < first - 1) {
      if (this.isName(k)) parts.push(this.tokenText(k));
      else if (!this.isOp(k, '.')) return null;
      k++;
    }
    return parts.length > 0 ? parts.join('.') : null;
  }

  /** argparse: `add_argument("--lr", type=float, default=0.1)` -> dest "lr" with its default. */
  private readArgparse(calls: readonly PyCall[]): void {
    for (const call of calls) {
      if (!call.written.endsWith('.add_argument')) continue;
      const options = call.args.filter((a) => a.name === null && a.value.kind === 'string').map((a) => (a.value as { value: string }).value);
      const explicit = call.args.find((a) => a.name === 'dest');
      let dest: string | undefined;
      if (explicit?.value.kind === 'string') dest = explicit.value.value;
      else {
        const long = options.find((o) => o.startsWith('--')) ?? options.find((o) => !o.startsWith('-'));
        dest = long?.replace(/^-+/, '').replace(/-/g, '_');
      }
      if (dest === undefined || dest === '') continue;
      const def = call.args.find((a) => a.name === 'default');
      const action = call.args.find((a) => a.name === 'action');
      const stores = action?.value.kind === 'string' && (action.value.value === 'store_true' || action.value.value === 'store_false') ? action.value.value === 'store_true' : undefined;
      for (const o of options) if (o.startsWith('-')) this.argparseOptionTable.set(o, { dest, ...(stores !== undefined ? { stores } : {}) });
      if (def === undefined && action?.value.kind === 'string' && (action.value.value === 'store_true' || action.value.value === 'store_false')) {
        // argparse: store_true defaults to False, store_false to True (the action argument is where it is written).
        this.argparseDefaultValues.set(dest, { kind: 'bool', value: action.value.value === 'store_false', start: action.start, end: action.end });
        continue;
      }
      const type = call.args.find((a) => a.name === 'type');
      const typeName = type?.value.kind === 'ref' ? type.value.path : null;
      if (def !== undefined && def.value.kind === 'string' && (typeName === 'int' || typeName === 'float') && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(def.value.value.trim())) {
        // `type=` converts a string default (argparse applies type to string defaults).
        const n = Number(def.value.value);
        this.argparseDefaultValues.set(dest, { kind: 'number', value: typeName === 'int' ? Math.trunc(n) : n, raw: def.value.value, start: def.value.start, end: def.value.end });
        continue;
      }
      this.argparseDefaultValues.set(dest, def?.value ?? null);
    }
  }


  // ---------------------------------------------------------------- values

  /** The value of the expression in tokens [s, e). */
  evaluate(s: number, e: number, depth: number): PyValue {
    const start = this.tokens[s]?.start ?? this.text.length;
    const end = this.tokens[e - 1]?.end ?? start;
    if (s >= e || depth > 24) return { kind: 'unknown', start, end };
    const parser = new ExpressionParser(this, s, e, depth);
    const value = parser.parseExpression();
    if (parser.atEnd()) return value;
    // A tuple without parentheses: `1, 2` (an assignment's value, `return a, b`).
    const items = [value];
    while (parser.skipComma()) {
      if (parser.atEnd()) break;
      items.push(parser.parseExpression());
    }
    return parser.atEnd() ? { kind: 'list', items, start, end } : { kind: 'unknown', start, end };
  }

  /**
   * The assignments of `name` that a use at token `at` may see, in source order, each with its value: those of the
   * scope `resolveName` picks (in a function, the ones before the use). Empty when the name is a parameter, an import
   * or not assigned. Unlike `resolveName`, every assignment is listed, the ones under a condition too.
   */
  assignmentsSeenAt(name: string, at: number, depth = 0): { readonly at: number; readonly value: PyValue }[] {
    if (this.imports.has(name)) return [];
    const useScope = this.lines[this.tokenLine[at]]?.scope ?? 0;
    for (let s = useScope; s >= 0; s = this.scopes[s].parent) {
      const scope = this.scopes[s];
      if (s !== useScope && scope.kind === 'class') continue;
      if (scope.params.has(name)) return [];
      const list = this.assignments.get(s)?.get(name);
      if (list === undefined) continue;
      const candidates = s === useScope || scope.kind !== 'module' ? list.filter((x) => x.at < at) : list;
      if (candidates.length === 0) continue;
      return candidates.map((a) => ({ at: a.at, value: this.valueOf(a, a.at, depth) }));
    }
    return [];
  }

  /** The kind of scope the statement at token `at` runs in. */
  scopeKindAt(at: number): 'module' | 'def' | 'class' {
    return this.scopes[this.lines[this.tokenLine[at]]?.scope ?? 0].kind;
  }

  /**
   * The headers of the blocks the statement at token `at` sits in, outermost first, up to its function or class: the
   * keyword (`if`, `elif`, `else`, `for`, `while`, `with`, `try`, `except`, `finally`), its test's tokens (for `if`,
   * `elif`, `while`) and, for `elif` / `else`, the tests of the `if` / `elif` branches before it in its chain (`else`
   * of a loop or a `try` has no chain: `chained` false).
   */
  blocksAround(at: number): BlockHeader[] {
    const out: BlockHeader[] = [];
    const lineIndex = this.tokenLine[at];
    const own = this.lines[lineIndex];
    if (own === undefined) return out;
    const indentOf = (l: Line): number => Math.max(0, this.tokens[l.first].indent);
    // A one-line block (`if x: y = 1`): the header is the statement's own line.
    if (at > own.first) {
      const header = this.blockHeader(lineIndex);
      if (header !== null) out.push(header);
    }
    let indent = indentOf(own);
    for (let k = lineIndex - 1; k >= 0 && indent > 0; k--) {
      const line = this.lines[k];
      const lineIndent = indentOf(line);
      if (lineIndent >= indent || this.tokens[line.first].indent < 0) continue;
      indent = lineIndent;
      const word = this.tokenText(line.first);
      if (word === 'def' || word === 'class' || word === 'async' || this.isOp(line.first, '@')) break;
      const header = this.blockHeader(k);
      if (header !== null) out.unshift(header);
    }
    return out;
  }

  /** The block header on logical line `k`, or null when the line opens no block. */
  private blockHeader(k: number): BlockHeader | null {
    const line = this.lines[k];
    const word = this.tokenText(line.first);
    if (!BLOCK_KEYWORDS.has(word)) return null;
    let colon = -1;
    for (let i = line.first + 1; i < line.last; i++) if (this.tokens[i].depth === 0 && this.isOp(i, ':')) { colon = i; break; }
    if (colon < 0) return null;
    const test: readonly [number, number] | null = word === 'if' || word === 'elif' || word === 'while' ? [line.first + 1, colon] : null;
    const earlier: (readonly [number, number])[] = [];
    let chained = word !== 'else';
    if (word === 'elif' || word === 'else') {
      const indent = Math.max(0, this.tokens[line.first].indent);
      for (let j = k - 1; j >= 0; j--) {
        const prev = this.lines[j];
        const prevIndent = Math.max(0, this.tokens[prev.first].indent);
        if (this.tokens[prev.first].indent < 0 || prevIndent > indent) continue;
        const w = prevIndent === indent ? this.tokenText(prev.first) : '';
        const h = w === 'if' || w === 'elif' ? this.blockHeader(j) : null;
        if (h === null || h.test === null) break;
        earlier.unshift(h.test);
        if (w === 'if') {
          chained = true;
          break;
        }
      }
    }
    return { keyword: word, at: line.first, test, earlier, chained };
  }

  /** Resolves a bare name used at token `at` (see the file comment). */
  resolveName(name: string, at: number, depth: number): PyValue | undefined {
    if (this.imports.has(name)) return undefined;
    const useScope = this.lines[this.tokenLine[at]]?.scope ?? 0;
    for (let s = useScope; s >= 0; s = this.scopes[s].parent) {
      const scope = this.scopes[s];
      if (s !== useScope && scope.kind === 'class') continue;
      if (scope.params.has(name)) {
        const def = scope.params.get(name);
        const t = this.tokens[at];
        if (def != null) return this.evaluate(def[0], def[1], depth + 1);
        return this.onlyCallArgument(s, name, depth) ?? { kind: 'unknown', start: t.start, end: t.end };
      }
      const list = this.assignments.get(s)?.get(name);
      if (list === undefined) continue;
      const fromInside = s === useScope;
      const candidates = fromInside || scope.kind !== 'module' ? list.filter((x) => x.at < at) : list;
      const pick = candidates[candidates.length - 1];
      if (pick === undefined) continue;
      return this.valueOf(pick, at, depth);
    }
    return undefined;
  }

  /**
   * A parameter without a default of a module-level function that the file calls exactly once: the
   * value that call passes (`get_torchvision_model(self.arch)` gives `model_name` the module's arch).
   */
  private onlyCallArgument(scope: number, param: string, depth: number): PyValue | undefined {
    const fn = this.functionScopes.get(scope);
    if (fn === undefined || this.scopes[scope].parent !== 0 || this.callList === null) return undefined;
    const sites = this.callList.filter((c) => c.written === fn);
    if (sites.length !== 1 || sites[0].spread || depth > 20) return undefined;
    const names = [...this.scopes[scope].params.keys()];
    const index = names.indexOf(param);
    const args = sites[0].args;
    const arg = args.find((a) => a.name === param) ?? args.filter((a) => a.name === null)[index];
    return arg?.value;
  }

  /**
   * `self.x` used in a method: the first `self.x = ...` of the class (its __init__ comes first),
   * evaluated where it is written (so `self.lr = lr` gives __init__'s default for `lr`).
   */
  resolveSelf(attribute: string, at: number, depth: number): PyValue | undefined {
    let s = this.lines[this.tokenLine[at]]?.scope ?? 0;
    while (s > 0 && this.scopes[s].kind !== 'class') s = this.scopes[s].parent;
    if (s <= 0) return undefined;
    const pick = this.selfAssignments.get(s)?.get(attribute)?.[0];
    return pick === undefined ? undefined : this.valueOf(pick, pick.at, depth);
  }

  /**
   * `self.hparams.x` in a method of a class whose methods call `self.save_hyperparameters()` (Lightning saves
   * every `__init__` argument there): the default of `__init__`'s parameter `x`.
   */
  resolveHparam(attribute: string, at: number, depth: number): PyValue | undefined {
    let s = this.lines[this.tokenLine[at]]?.scope ?? 0;
    while (s > 0 && this.scopes[s].kind !== 'class') s = this.scopes[s].parent;
    if (s <= 0 || this.callList === null) return undefined;
    const init = this.savingInit(s, this.callList);
    const def = init === null ? undefined : this.scopes[init].params.get(attribute);
    return def == null ? undefined : this.evaluate(def[0], def[1], depth + 1);
  }

  /** Per class scope: its `__init__` scope when that calls `self.save_hyperparameters()`, else null (found once for all classes). */
  private savingInits: Map<number, number> | null = null;
  private savingInit(classScope: number, calls: readonly PyCall[]): number | null {
    if (this.savingInits === null) {
      this.savingInits = new Map();
      for (const c of calls) {
        if (c.written !== 'self.save_hyperparameters') continue;
        const scope = this.lines[this.tokenLine[this.tokenIndexAt(c.calleeStart)]]?.scope ?? -1;
        if (scope > 0 && this.functionScopes.get(scope) === '__init__' && this.scopes[this.scopes[scope].parent]?.kind === 'class') {
          this.savingInits.set(this.scopes[scope].parent, scope);
        }
      }
    }
    return this.savingInits.get(classScope) ?? null;
  }

  /** The index of the token starting at `offset` (binary search over the tokens), or 0. */
  private tokenIndexAt(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid].start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The module's global names as they stand at text offset `before` (the last module-level assignment
   * of each that starts before it), in the order first assigned, each with its value and where the
   * value is written. An augmented assignment (`x += 1`) gives 'unknown'.
   */
  moduleGlobals(before = Number.POSITIVE_INFINITY): { name: string; value: PyValue; start: number; end: number }[] {
    const out: { name: string; value: PyValue; start: number; end: number; first: number }[] = [];
    for (const [name, list] of this.assignments.get(0) ?? []) {
      const earlier = list.filter((a) => this.tokens[a.at].start < before);
      const pick = earlier[earlier.length - 1];
      if (pick === undefined) continue;
      const value = this.valueOf(pick, pick.at, 0);
      const start = this.tokens[pick.value[0]]?.start ?? value.start;
      const end = this.tokens[pick.value[1] - 1]?.end ?? value.end;
      out.push({ name, value, start, end, first: earlier[0].at });
    }
    return out.sort((a, b) => a.first - b.first).map(({ name, value, start, end }) => ({ name, value, start, end }));
  }

  /** The argparse option strings (`-b`, `--batch-size`) with their dest; `stores` for a store_true/store_false flag. */
  argparseOptions(): ReadonlyMap<string, { readonly dest: string; readonly stores?: boolean }> {
    this.discoverCalls();
    return this.argparseOptionTable;
  }

  /** The default of an argparse option by its dest (`batch_size` for `-b/--batch-size`): null without one, undefined when no option has that dest. */
  argparseDefault(dest: string): PyValue | null | undefined {
    this.discoverCalls();
    return this.argparseDefaultValues.get(dest);
  }

  /**
   * `args.lr` when `args` holds parse_args() and `--lr` has a default. When the script assigns `args.lr` itself
   * (MAE's `if args.lr is None: args.lr = args.blr * eff_batch_size / 256`), the default is not the value the
   * training sees: unknown, at the default's place.
   */
  resolveArgparse(base: string, attribute: string): PyValue | null | undefined {
    if (!this.argsNames.has(base)) return undefined;
    this.discoverCalls();
    const value = this.argparseDefaultValues.get(attribute);
    if (value !== undefined && this.attributeWrites.has(`${base}.${attribute}`)) {
      return value === null ? null : { kind: 'unknown', start: value.start, end: value.end };
    }
    return value;
  }

  private valueOf(assignment: Assignment, at: number, depth: number): PyValue {
    const t = this.tokens[at];
    if (assignment.augmented) return { kind: 'unknown', start: t.start, end: t.end };
    const cached = this.cache.get(assignment);
    if (cached !== undefined) return cached;
    if (this.resolving.has(assignment)) return { kind: 'unknown', start: t.start, end: t.end };
    this.resolving.add(assignment);
    let value = this.evaluate(assignment.value[0], assignment.value[1], depth + 1);
    if (assignment.tuple !== undefined) {
      const [index, size] = assignment.tuple;
      value =
        value.kind === 'list' && value.items.length === size ? value.items[index]
        : this.parsedDataclass(value, index, depth) ?? { kind: 'unknown', start: value.start, end: value.end };
    }
    this.resolving.delete(assignment);
    this.cache.set(assignment, value);
    return value;
  }

  /**
   * `a, b, c = parser.parse_args_into_dataclasses()` (or parse_json_file / parse_yaml_file /
   * parse_dict) with `parser = HfArgumentParser((A, B, C))`: element `index` is an instance of that
   * dataclass, read as a call of the class without arguments (its field defaults apply).
   */
  private parsedDataclass(value: PyValue, index: number, depth: number): PyValue | null {
    if (value.kind !== 'call') return null;
    const m = /^([A-Za-z_]\w*)\.(parse_args_into_dataclasses|parse_json_file|parse_yaml_file|parse_dict)$/.exec(value.call.written);
    if (m === null) return null;
    const at = this.tokens.findIndex((t) => t.start >= value.call.calleeStart);
    const parser = at < 0 ? undefined : this.resolveName(m[1], at, depth + 1);
    if (parser?.kind !== 'call' || !parser.call.callee.endsWith('HfArgumentParser')) return null;
    const classes = parser.call.args[0]?.value;
    const list = classes?.kind === 'list' ? classes.items : classes !== undefined ? [classes] : [];
    const cls = list[index];
    if (cls?.kind !== 'ref') return null;
    const name = cls.path.slice(cls.path.lastIndexOf('.') + 1);
    const call: PyCall = {
      callee: cls.path, written: name, calleeStart: cls.start, calleeEnd: cls.end, start: cls.start, end: cls.end,
      args: [], spread: false, target: null, lineText: '',
    };
    return { kind: 'call', call, start: value.start, end: value.end };
  }

  /** Token helpers for the expression parser. */
  tokenAt(i: number): Token | undefined {
    return this.tokens[i];
  }
  textOf(i: number): string {
    return this.tokenText(i);
  }
  op(i: number, op: string): boolean {
    return this.isOp(i, op);
  }
  closing(open: number): number {
    return this.closer(open);
  }
  /**
   * A method called on a call's result, `call(...).name(...)` (`YOLO("yolov8n.pt").train(...)`), which the call list
   * leaves out (it records calls of dotted names only); its `written` is `<call's written>().<name>`.
   */
  chainedCall(call: PyCall, name: string): PyCall | undefined {
    const close = this.tokens.findIndex((t) => t.end === call.end && t.kind !== 'name');
    if (close < 0 || !this.isOp(close + 1, '.') || !this.isName(close + 2, name) || !this.isOp(close + 3, '(')) return undefined;
    return this.makeCall(close + 2, close + 2, `${call.written}().${name}`);
  }
  callAt(first: number): PyCall | undefined {
    this.discoverCalls();
    return this.callsByStart.get(this.tokens[first].start);
  }

  /**
   * `obj.attr` where `obj` is (or names) a call of a class defined in this file: the call's keyword
   * `attr`, else the class body's `attr = ...` (dataclass / config-class defaults).
   */
  resolveAttribute(base: PyValue, attribute: string, depth: number): PyValue | undefined {
    if (base.kind !== 'call') return undefined;
    const scope = this.classes.get(base.call.written);
    if (scope === undefined) return undefined;
    const keyword = base.call.args.find((a) => a.name === attribute);
    if (keyword !== undefined) return keyword.value;
    const list = this.assignments.get(scope)?.get(attribute);
    const pick = list?.[list.length - 1];
    if (pick === undefined) return undefined;
    const value = this.valueOf(pick, pick.at, depth);
    // A dataclass field: `x: int = field(default=8, metadata=...)` defaults to its `default`.
    if (value.kind === 'call' && (value.call.callee === 'dataclasses.field' || value.call.callee === 'field')) {
      return value.call.args.find((a) => a.name === 'default')?.value ?? { kind: 'unknown', start: value.start, end: value.end };
    }
    return value;
  }
}

/** Pratt parser over tokens [s, e) of one expression. */
class ExpressionParser {
  private i: number;

  constructor(
    private readonly p: PythonProgram,
    s: number,
    private readonly e: number,
    private readonly depth: number,
  ) {
    this.i = s;
  }

  atEnd(): boolean {
    return this.i >= this.e;
  }

  /** Consumes a `,` at the current position. */
  skipComma(): boolean {
    if (this.atEnd() || !this.p.op(this.i, ',')) return false;
    this.i++;
    return true;
  }

  private unknown(from: number, to: number): PyValue {
    const a = this.p.tokenAt(from)?.start ?? 0;
    const b = this.p.tokenAt(Math.max(from, to - 1))?.end ?? a;
    return { kind: 'unknown', start: a, end: b };
  }

  parseExpression(): PyValue {
    const from = this.i;
    const value = this.parseBinary(0);
    // `A if COND else B`: the branch a known True/False condition picks (an argparse store_true default, a
    // literal); an unknown condition leaves the whole expression unknown.
    // A chain `A if c1 else B if c2 else C` is read in a loop (no recursion per link).
    let candidate = value;
    let picked: PyValue | null = null;
    let known = true;
    while (this.isKeyword('if')) {
      this.i++;
      const condition = this.parseBinary(0);
      if (!this.isKeyword('else')) {
        this.i = this.e;
        return this.unknown(from, this.e);
      }
      this.i++;
      const otherwise = this.parseBinary(0);
      if (picked === null && known) {
        if (condition.kind === 'bool' && condition.value) picked = candidate;
        else if ((condition.kind === 'bool' && !condition.value) || condition.kind === 'none') candidate = otherwise;
        else known = false;
      }
    }
    // Comparisons, boolean operators: not evaluated.
    if (!this.atEnd() && !this.p.op(this.i, ',') && !this.p.op(this.i, ':')) {
      this.i = this.e;
      return this.unknown(from, this.e);
    }
    if (!known) return this.unknown(from, this.i);
    return picked ?? candidate;
  }

  private isKeyword(word: string): boolean {
    return !this.atEnd() && this.p.tokenAt(this.i)?.kind === 'name' && this.p.textOf(this.i) === word;
  }

  private parseBinary(minBp: number): PyValue {
    const from = this.i;
    let left = this.parseUnary();
    for (;;) {
      if (this.atEnd()) return left;
      const t = this.p.tokenAt(this.i) as Token;
      if (t.kind !== 'op') return left;
      const op = this.p.textOf(this.i);
      const bp = BINARY_BP[op];
      if (bp === undefined || bp < minBp) return left;
      this.i++;
      const right = this.parseBinary(op === '**' ? bp : bp + 1);
      left = binary(op, left, right, this.unknown(from, this.i));
    }
  }

  private parseUnary(): PyValue {
    if (this.atEnd()) return this.unknown(this.i, this.i + 1);
    const from = this.i;
    if (this.p.op(this.i, '-') || this.p.op(this.i, '+') || this.p.op(this.i, '~')) {
      const op = this.p.textOf(this.i);
      this.i++;
      const operand = this.parseBinary(UNARY_BP);
      const whole = this.unknown(from, this.i);
      if (operand.kind !== 'number' || op === '~') return whole;
      const value = op === '-' ? -operand.value : operand.value;
      const raw = op === '-' ? (operand.raw.startsWith('-') ? operand.raw.slice(1) : `-${operand.raw}`) : operand.raw;
      return { kind: 'number', value, raw, start: whole.start, end: whole.end };
    }
    if (this.p.tokenAt(this.i)?.kind === 'name' && ['not', 'lambda', 'await', 'yield'].includes(this.p.textOf(this.i))) {
      this.i = this.e;
      return this.unknown(from, this.e);
    }
    return this.parsePostfix(this.parseAtom(), from);
  }

  private parsePostfix(value: PyValue, from: number): PyValue {
    let v = value;
    while (!this.atEnd()) {
      if (this.p.op(this.i, '[')) {
        const close = this.p.closing(this.i);
        const index = this.p.evaluate(this.i + 1, close, this.depth + 1);
        this.i = close + 1;
        v = subscript(v, index) ?? this.unknown(from, this.i);
      } else if (this.p.op(this.i, '(')) {
        this.i = this.p.closing(this.i) + 1;
        v = this.unknown(from, this.i);
      } else if (this.p.op(this.i, '.') && this.p.tokenAt(this.i + 1)?.kind === 'name') {
        this.i += 2;
        v = this.unknown(from, this.i);
      } else {
        break;
      }
    }
    return v;
  }

  private parseAtom(): PyValue {
    const t = this.p.tokenAt(this.i) as Token;
    const from = this.i;
    if (t.kind === 'number') {
      this.i++;
      if (!Number.isFinite(t.number)) return this.unknown(from, this.i);
      const raw = t.integer ? String(t.number) : this.p.textOf(from).replace(/_/g, '');
      return { kind: 'number', value: t.number, raw, start: t.start, end: t.end };
    }
    if (t.kind === 'string') {
      let value: string | null = '';
      let end = t.end;
      while (!this.atEnd() && this.p.tokenAt(this.i)?.kind === 'string') {
        const s = this.p.tokenAt(this.i) as Token;
        value = value === null || s.value === null ? null : value + s.value;
        end = s.end;
        this.i++;
      }
      return value === null ? { kind: 'unknown', start: t.start, end } : { kind: 'string', value, start: t.start, end };
    }
    if (t.kind === 'name') return this.parseName();
    if (this.p.op(this.i, '(') || this.p.op(this.i, '[')) return this.parseSequence();
    if (this.p.op(this.i, '{')) return this.parseDict();
    this.i = this.e;
    return this.unknown(from, this.e);
  }

  private parseName(): PyValue {
    const from = this.i;
    const t = this.p.tokenAt(from) as Token;
    const name = this.p.textOf(from);
    this.i++;
    if (name === 'True' || name === 'False') return { kind: 'bool', value: name === 'True', start: t.start, end: t.end };
    if (name === 'None') return { kind: 'none', start: t.start, end: t.end };
    const parts = [name];
    while (this.p.op(this.i, '.') && this.p.tokenAt(this.i + 1)?.kind === 'name') {
      parts.push(this.p.textOf(this.i + 1));
      this.i += 2;
    }
    const end = (this.p.tokenAt(this.i - 1) as Token).end;
    if (this.p.op(this.i, '(')) {
      const call = this.p.callAt(from);
      this.i = this.p.closing(this.i) + 1;
      const callEnd = (this.p.tokenAt(this.i - 1) as Token).end;
      return call !== undefined ? { kind: 'call', call, start: t.start, end: callEnd } : { kind: 'unknown', start: t.start, end: callEnd };
    }
    if (parts.length === 1) {
      const resolved = this.p.resolveName(name, from, this.depth);
      if (resolved !== undefined) return resolved;
      return { kind: 'ref', path: this.p.canonical(name), start: t.start, end };
    }
    if (parts.length === 3 && parts[0] === 'self' && parts[1] === 'hparams') {
      const saved = this.p.resolveHparam(parts[2], from, this.depth + 1);
      if (saved !== undefined) return saved;
    }
    if (parts.length === 2) {
      const fromArgs = this.p.resolveArgparse(parts[0], parts[1]);
      if (fromArgs !== undefined) return fromArgs ?? { kind: 'unknown', start: t.start, end };
      if (parts[0] === 'self') {
        const own = this.p.resolveSelf(parts[1], from, this.depth + 1);
        if (own !== undefined) return own;
      }
      const base = this.p.resolveName(parts[0], from, this.depth);
      if (base !== undefined) return this.p.resolveAttribute(base, parts[1], this.depth + 1) ?? { kind: 'unknown', start: t.start, end };
    }
    return { kind: 'ref', path: this.p.canonical(parts.join('.')), start: t.start, end };
  }

  /** `( ... )` (parenthesised expression or tuple) and `[ ... ]` (list). Comprehensions are unknown. */
  private parseSequence(): PyValue {
    const open = this.i;
    const close = this.p.closing(open);
    const isTuple = this.p.op(open, '(');
    this.i = close + 1;
    const a = this.p.tokenAt(open) as Token;
    const b = this.p.tokenAt(close) as Token;
    const items: PyValue[] = [];
    let commas = 0;
    let k = open + 1;
    const depth = a.depth + 1;
    for (let j = open + 1; j <= close; j++) {
      if (this.p.tokenAt(j)?.kind === 'name' && this.p.textOf(j) === 'for' && this.p.tokenAt(j)?.depth === depth) {
        return { kind: 'unknown', start: a.start, end: b.end };
      }
      if (j === close || (this.p.op(j, ',') && this.p.tokenAt(j)?.depth === depth)) {
        if (j < close) commas++;
        if (j > k) items.push(this.p.evaluate(k, j, this.depth + 1));
        k = j + 1;
      }
    }
    if (isTuple && commas === 0 && items.length === 1) return items[0];
    return { kind: 'list', items, start: a.start, end: b.end };
  }

  /** `{k: v, ...}` with string keys; sets and `**spread` are unknown. */
  private parseDict(): PyValue {
    const open = this.i;
    const close = this.p.closing(open);
    this.i = close + 1;
    const a = this.p.tokenAt(open) as Token;
    const b = this.p.tokenAt(close) as Token;
    const whole: PyValue = { kind: 'unknown', start: a.start, end: b.end };
    const entries: PyDictEntry[] = [];
    const depth = a.depth + 1;
    let k = open + 1;
    for (let j = open + 1; j <= close; j++) {
      if (j === close || (this.p.op(j, ',') && this.p.tokenAt(j)?.depth === depth)) {
        if (j > k) {
          let colon = -1;
          for (let c = k; c < j; c++) {
            if (this.p.op(c, ':') && this.p.tokenAt(c)?.depth === depth) {
              colon = c;
              break;
            }
          }
          if (colon < 0) return whole;
          const key = this.p.evaluate(k, colon, this.depth + 1);
          if (key.kind !== 'string') return whole;
          entries.push({ key: key.value, keyStart: key.start, keyEnd: key.end, value: this.p.evaluate(colon + 1, j, this.depth + 1) });
        }
        k = j + 1;
      }
    }
    return { kind: 'dict', entries, start: a.start, end: b.end };
  }
}

function subscript(base: PyValue, index: PyValue): PyValue | undefined {
  if (base.kind === 'dict' && index.kind === 'string') {
    for (let i = base.entries.length - 1; i >= 0; i--) if (base.entries[i].key === index.value) return base.entries[i].value;
    return undefined;
  }
  if (base.kind === 'list' && index.kind === 'number' && Number.isInteger(index.value)) {
    const at = index.value < 0 ? base.items.length + index.value : index.value;
    return base.items[at];
  }
  return undefined;
}

/** Arithmetic on numbers, concatenation of strings; anything else is `whole` (unknown). */
function binary(op: string, left: PyValue, right: PyValue, whole: PyValue): PyValue {
  if (left.kind === 'string' && right.kind === 'string' && op === '+') {
    return { kind: 'string', value: left.value + right.value, start: whole.start, end: whole.end };
  }
  if (left.kind !== 'number' || right.kind !== 'number') return whole;
  const a = left.value;
  const b = right.value;
  const ints = /^-?\d+$/.test(left.raw) && /^-?\d+$/.test(right.raw);
  let value: number;
  let integer = ints;
  switch (op) {
    case '+': value = a + b; break;
    case '-': value = a - b; break;
    case '*': value = a * b; break;
    case '/': value = a / b; integer = false; break;
    case '//': value = Math.floor(a / b); break;
    case '%': value = a - b * Math.floor(a / b); break;
    case '**': value = a ** b; integer = ints && b >= 0; break;
    default: return whole;
  }
  if (!Number.isFinite(value)) return whole;
  const raw = integer && Number.isSafeInteger(value) ? String(value) : Number.isInteger(value) ? `${value}.0` : String(value);
  return { kind: 'number', value, raw, start: whole.start, end: whole.end };
}
