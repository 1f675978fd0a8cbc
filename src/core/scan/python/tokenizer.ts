/**
 * A tolerant tokenizer for Python source (https://docs.python.org/3/reference/lexical_analysis.html):
 * names, numbers (`1e-3`, `3_000`, `0x1F`, `.5`, `1j`), strings with every prefix (r, b, u, f, t and
 * their combinations, single and triple quoted, f-string replacement fields with nested strings),
 * operators, brackets with their nesting depth, comments, explicit (`\`) and implicit (inside
 * brackets) line joining, and logical-line ends with the line's indentation.
 * It never fails: an unterminated string ends at the end of its line (or of the text when triple
 * quoted), a stray character becomes a one-character operator, unbalanced brackets are tolerated.
 * Nothing is executed.
 */

export type TokenKind = 'name' | 'number' | 'string' | 'op' | 'newline';

export interface Token {
  readonly kind: TokenKind;
  /** Offsets into the text (UTF-16 code units), end exclusive. */
  readonly start: number;
  readonly end: number;
  /** Number of brackets open around this token (an opening and its closing bracket have the same depth). */
  readonly depth: number;
  /** Indentation (columns, tabs to the next multiple of 8) when this token starts a logical line, else -1. */
  readonly indent: number;
  /** Names and operators: their text ('' for other kinds). */
  readonly text: string;
  /** Strings: the decoded value, or null for an f-string with replacement fields (null for other kinds). */
  readonly value: string | null;
  /** Numbers: the value (NaN for imaginary literals and other kinds). */
  readonly number: number;
  /** Numbers written as an integer (no `.`, exponent or `j`). */
  readonly integer: boolean;
  /** Strings that run to the end of the line or text without their closing quote. */
  readonly unterminated: boolean;
}

/** All tokens share one shape (fast property access, little garbage). */
class TokenImpl implements Token {
  constructor(
    readonly kind: TokenKind,
    readonly start: number,
    readonly end: number,
    readonly depth: number,
    readonly indent: number,
    readonly text: string,
    readonly value: string | null,
    readonly number: number,
    readonly integer: boolean,
    readonly unterminated: boolean,
  ) {}
}

const OPERATORS3 = new Set(['**=', '//=', '>>=', '<<=', '...']);
const OPERATORS2 = new Set(['->', ':=', '==', '!=', '<=', '>=', '**', '//', '<<', '>>', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=']);
/** Characters that start a multi-character operator. */
const MULTI_START = new Set([...OPERATORS3, ...OPERATORS2].map((o) => o.charCodeAt(0)));

function operatorWidth(text: string, i: number, c: number): number {
  if (!MULTI_START.has(c)) return 1;
  if (OPERATORS3.has(text.slice(i, i + 3))) return 3;
  return OPERATORS2.has(text.slice(i, i + 2)) ? 2 : 1;
}

const ID_START = /[\p{L}\p{Nl}_]/u;
const ID_CONTINUE = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u;

function isNameStart(c: number, text: string, i: number): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) return true;
  return c > 127 && ID_START.test(String.fromCodePoint(text.codePointAt(i) as number));
}
function isNameContinue(c: number, text: string, i: number): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57)) return true;
  return c > 127 && ID_CONTINUE.test(String.fromCodePoint(text.codePointAt(i) as number));
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isNewline(c: number): boolean {
  return c === 10 || c === 13;
}

/** String prefixes (lower-cased): r raw, b bytes, u unicode, f formatted, t template (3.14). */
const STRING_PREFIXES = new Set(['r', 'u', 'b', 'f', 't', 'br', 'rb', 'fr', 'rf', 'tr', 'rt']);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  let depth = 0;
  let atLineStart = true;
  let pendingIndent = -1;
  let lineHasTokens = false;

  const push = (kind: TokenKind, start: number, end: number, tokenText: string, value: string | null, number: number, integer: boolean, unterminated: boolean): void => {
    tokens.push(new TokenImpl(kind, start, end, depth, pendingIndent, tokenText, value, number, integer, unterminated));
    pendingIndent = -1;
    lineHasTokens = true;
  };

  while (i < n) {
    let c = text.charCodeAt(i);
    if (atLineStart && depth === 0) {
      let col = 0;
      while (i < n && (c === 32 || c === 9 || c === 12)) {
        col = c === 9 ? col + 8 - (col % 8) : c === 12 ? 0 : col + 1;
        c = text.charCodeAt(++i);
      }
      if (i >= n) break;
      if (c === 35 /* # */) {
        while (i < n && !isNewline(text.charCodeAt(i))) i++;
        continue;
      }
      if (isNewline(c)) {
        i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
        continue;
      }
      if (c === 92 /* \ */ && isNewline(text.charCodeAt(i + 1))) {
        i += text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10 ? 3 : 2;
        continue;
      }
      pendingIndent = col;
      atLineStart = false;
    }
    if (c === 32 || c === 9 || c === 12) {
      i++;
      continue;
    }
    if (c === 35) {
      while (i < n && !isNewline(text.charCodeAt(i))) i++;
      continue;
    }
    if (isNewline(c)) {
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      if (depth === 0) {
        if (lineHasTokens) tokens.push(new TokenImpl('newline', i - 1, i, 0, -1, '', null, NaN, false, false));
        lineHasTokens = false;
        atLineStart = true;
      }
      continue;
    }
    if (c === 92 && isNewline(text.charCodeAt(i + 1))) {
      i += text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10 ? 3 : 2;
      continue;
    }
    // Strings, possibly prefixed.
    if (c === 34 || c === 39 || isNameStart(c, text, i)) {
      let j = i;
      if (c !== 34 && c !== 39) {
        while (j < n && j - i < 3 && /[a-zA-Z]/.test(text[j])) j++;
      }
      const quote = text.charCodeAt(j);
      const prefix = text.slice(i, j).toLowerCase();
      if ((quote === 34 || quote === 39) && (j === i || STRING_PREFIXES.has(prefix))) {
        const scanned = scanString(text, j, prefix.includes('r'), prefix.includes('f') || prefix.includes('t'));
        push('string', i, scanned.end, '', scanned.value, NaN, false, scanned.unterminated);
        i = scanned.end;
        continue;
      }
    }
    if (isNameStart(c, text, i)) {
      let j = i + (c > 0xffff || (c >= 0xd800 && c <= 0xdbff) ? 2 : 1);
      while (j < n && isNameContinue(text.charCodeAt(j), text, j)) j += text.charCodeAt(j) >= 0xd800 && text.charCodeAt(j) <= 0xdbff ? 2 : 1;
      push('name', i, j, text.slice(i, j), null, NaN, false, false);
      i = j;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      const num = scanNumber(text, i);
      push('number', i, num.end, '', null, num.value, num.integer, false);
      i = num.end;
      continue;
    }
    // Operators and brackets.
    if (c === 40 || c === 91 || c === 123) {
      push('op', i, i + 1, text[i], null, NaN, false, false);
      depth++;
      i++;
      continue;
    }
    if (c === 41 || c === 93 || c === 125) {
      depth = Math.max(0, depth - 1);
      push('op', i, i + 1, text[i], null, NaN, false, false);
      i++;
      continue;
    }
    const width = operatorWidth(text, i, c);
    push('op', i, i + width, width === 1 ? text[i] : text.slice(i, i + width), null, NaN, false, false);
    i += width;
  }
  if (lineHasTokens) tokens.push(new TokenImpl('newline', n, n, 0, -1, '', null, NaN, false, false));
  return tokens;
}

interface ScannedString {
  readonly end: number;
  readonly value: string | null;
  readonly unterminated: boolean;
}

/** Scans a string literal whose opening quote is at `q`. */
function scanString(text: string, q: number, raw: boolean, formatted: boolean): ScannedString {
  const n = text.length;
  const quote = text.charCodeAt(q);
  const triple = text.charCodeAt(q + 1) === quote && text.charCodeAt(q + 2) === quote;
  const bodyStart = q + (triple ? 3 : 1);
  let j = bodyStart;
  let fields = false;
  const literalParts: [number, number][] = [];
  let partStart = bodyStart;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 92) {
      j += text.charCodeAt(j + 1) === 13 && text.charCodeAt(j + 2) === 10 ? 3 : 2;
      continue;
    }
    if (!triple && isNewline(c)) {
      literalParts.push([partStart, j]);
      return { end: j, value: fields ? null : decodeParts(text, literalParts, raw, formatted), unterminated: true };
    }
    if (formatted && c === 123 /* { */) {
      if (text.charCodeAt(j + 1) === 123) {
        j += 2;
        continue;
      }
      fields = true;
      literalParts.push([partStart, j]);
      j = skipReplacementField(text, j + 1, triple ? -1 : quote);
      partStart = j;
      continue;
    }
    if (c === quote) {
      if (!triple) {
        literalParts.push([partStart, j]);
        return { end: j + 1, value: fields ? null : decodeParts(text, literalParts, raw, formatted), unterminated: false };
      }
      if (text.charCodeAt(j + 1) === quote && text.charCodeAt(j + 2) === quote) {
        literalParts.push([partStart, j]);
        return { end: j + 3, value: fields ? null : decodeParts(text, literalParts, raw, formatted), unterminated: false };
      }
    }
    j++;
  }
  literalParts.push([partStart, n]);
  return { end: n, value: fields ? null : decodeParts(text, literalParts, raw, formatted), unterminated: true };
}

/**
 * Skips an f-string replacement field starting after its `{`: brackets nest, nested strings are
 * skipped whole, a format spec may hold nested fields. Returns the offset after the closing `}`.
 * `outerQuote` (single-quoted f-strings) ends the field early at a line break.
 */
function skipReplacementField(text: string, from: number, outerQuote: number): number {
  const n = text.length;
  let depth = 0;
  let j = from;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (outerQuote >= 0 && isNewline(c)) return j;
    if (c === 34 || c === 39) {
      j = scanString(text, j, false, false).end;
      continue;
    }
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93) depth = Math.max(0, depth - 1);
    else if (c === 125) {
      if (depth === 0) return j + 1;
      depth--;
    }
    j++;
  }
  return n;
}

function decodeParts(text: string, parts: readonly [number, number][], raw: boolean, formatted: boolean): string {
  let out = '';
  for (const [a, b] of parts) {
    let body = text.slice(a, b);
    if (formatted) body = body.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
    out += raw ? body : decodeEscapes(body);
  }
  return out;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v',
};

/** Python's escape sequences in non-raw strings; unknown escapes keep their backslash, as Python does. */
function decodeEscapes(body: string): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const e = body[i + 1];
    if (e === '\n') {
      i++;
      continue;
    }
    if (e === '\r') {
      i += body[i + 2] === '\n' ? 2 : 1;
      continue;
    }
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i++;
      continue;
    }
    const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hex > 0 && /^[0-9a-fA-F]+$/.test(body.slice(i + 2, i + 2 + hex)) && body.length >= i + 2 + hex) {
      const code = parseInt(body.slice(i + 2, i + 2 + hex), 16);
      out += code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
      i += 1 + hex;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4));
    if (octal !== null) {
      out += String.fromCharCode(parseInt(octal[0], 8));
      i += octal[0].length;
      continue;
    }
    out += c;
  }
  return out;
}

/** Scans a number literal at `i`. */
function scanNumber(text: string, i: number): { end: number; value: number; integer: boolean } {
  const n = text.length;
  const lower = text.slice(i, i + 2).toLowerCase();
  if (lower === '0x' || lower === '0o' || lower === '0b') {
    const radix = lower === '0x' ? 16 : lower === '0o' ? 8 : 2;
    let j = i + 2;
    while (j < n && /[0-9a-fA-F_]/.test(text[j])) j++;
    return { end: j, value: parseInt(text.slice(i + 2, j).replace(/_/g, ''), radix), integer: true };
  }
  let j = i;
  let integer = true;
  while (j < n && (isDigit(text.charCodeAt(j)) || text[j] === '_')) j++;
  if (text[j] === '.') {
    integer = false;
    j++;
    while (j < n && (isDigit(text.charCodeAt(j)) || text[j] === '_')) j++;
  }
  if ((text[j] === 'e' || text[j] === 'E') && (isDigit(text.charCodeAt(j + 1)) || ((text[j + 1] === '+' || text[j + 1] === '-') && isDigit(text.charCodeAt(j + 2))))) {
    integer = false;
    j += 2;
    while (j < n && (isDigit(text.charCodeAt(j)) || text[j] === '_')) j++;
  }
  if (text[j] === 'j' || text[j] === 'J') return { end: j + 1, value: NaN, integer: false };
  return { end: j, value: Number(text.slice(i, j).replace(/_/g, '')), integer };
}

/** Indices of matching brackets (both ways), -1 when unmatched; a closer pairs with the innermost opener. One pass. */
export function matchTokenBrackets(text: string, tokens: readonly Token[]): Int32Array {
  const match = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'op' || t.end - t.start !== 1) continue;
    const c = text.charCodeAt(t.start);
    if (c === 40 || c === 91 || c === 123) stack.push(i);
    else if ((c === 41 || c === 93 || c === 125) && stack.length > 0) {
      const open = stack.pop() as number;
      match[open] = i;
      match[i] = open;
    }
  }
  return match;
}
