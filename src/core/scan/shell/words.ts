/**
 * A static reader of POSIX/bash shell scripts: splits the text into simple commands made of words,
 * expanding what can be known without running anything — variables assigned earlier in the same
 * file (`N=8`, `export N=8`, `${N:-8}`), integer arithmetic `$(( ... ))` and `$(expr A / B)`, quotes, escapes and line
 * continuations. Anything else (command substitution, positional parameters, variables the file
 * does not set) makes the word unknown, with the reason. Nothing is executed.
 *
 * When the script is read as called by another script (`./x.sh 2 --lr 0.1`, see ../script-calls.ts),
 * its positional parameters are the caller's words: `$1`, `${1}`, `"$@"` / `$@` / `"$*"` (spliced as
 * the caller's words) and `shift [n]` follow them, and a word whose value came from a caller's word
 * takes that word's range (the value is written there).
 *
 * One left-to-right pass over the text: every character is looked at a bounded number of times,
 * and expanded words are capped (MAX_WORD_CHARS), so the work is linear in the input size.
 * Shell grammar per POSIX, Shell Command Language (https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html).
 */
import type { SourceRange } from '../types';

/** Longest expanded word kept; longer ones are unknown (self-doubling assignments stay bounded). */
export const MAX_WORD_CHARS = 4096;

export interface Word {
  /** The expanded text, or null when it depends on something the file does not say. */
  readonly text: string | null;
  /** Why `text` is null. */
  readonly unknown?: string;
  /** Set when `text` holds a default the script falls back to (`${1:-8}`): what was assumed. */
  readonly assumed?: string;
  /** The word as written. */
  readonly raw: string;
  readonly range: SourceRange;
  /** Offsets in the script text (end exclusive). */
  readonly start: number;
  readonly end: number;
  /** Written without quotes or expansions before an `=` (a candidate assignment `NAME=`). */
  readonly plainPrefix: string;
  /** Set when the value came from a caller's word (then `range` is that word's, in the caller's file). */
  readonly origin?: SourceRange;
}

export interface Command {
  readonly words: readonly Word[];
  /** Assignments written before the command name (`NPROC=8 torchrun ...`), expanded. */
  readonly env: ReadonlyMap<string, Word>;
}

export interface ShellVariable {
  readonly value: string | null;
  readonly unknown?: string;
  readonly assumed?: string;
  readonly range: SourceRange;
  /** Offsets of the value as written (inside its quotes), for `eval $VAR`. */
  readonly source?: { readonly start: number; readonly end: number };
  /** The caller's word the value came from (`N=$1` in a script read as called). */
  readonly origin?: SourceRange;
}

export interface ShellScript {
  readonly commands: readonly Command[];
  /** `#SBATCH` directive words, in order. */
  readonly sbatch: readonly Word[];
  /** Variables as they stand at the end of the file (last assignment wins). */
  readonly variables: ReadonlyMap<string, ShellVariable>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const DECLARERS = new Set(['export', 'local', 'declare', 'readonly', 'typeset']);

/** An expansion's text, or why it is unknown; `assumed` when the text is a default the script falls back to. */
interface Expanded {
  readonly text: string | null;
  readonly unknown?: string;
  readonly assumed?: string;
  /** The caller's word the value came from (a positional parameter, directly or through a variable). */
  readonly origin?: SourceRange;
}

class Positions {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  private lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  range(start: number, end: number): SourceRange {
    const l1 = this.lineOf(start);
    const l2 = this.lineOf(Math.max(start, end));
    return { line: l1 + 1, column: start - this.starts[l1] + 1, endLine: l2 + 1, endColumn: end - this.starts[l2] + 1 };
  }
}

/**
 * Reads a script; never throws. `positional`: the caller's words when the script is read as called
 * by another one (else positional parameters are unknown).
 */
export function readShell(text: string, positional?: readonly Word[]): ShellScript {
  return new ShellReader(text, undefined, 0, text.length, positional).read();
}

/** `"$@"`, `$@`, `"$*"`, `"${@}"` as a whole word (a separator or the end follows). */
const ALL_POSITIONAL = /^(?:"\$(?:@|\{@\})"|\$@|\$\{@\}|"\$\*")(?=[\s;&|)]|$)/;

/** State shared by a reader and the readers of its `eval`s. */
interface Shared {
  readonly pos: Positions;
  readonly vars: Map<string, ShellVariable>;
  readonly commands: Command[];
  readonly sbatch: Word[];
  /** Characters `eval` may still re-read (at most the script's length, so the work stays linear). */
  evalBudget: number;
  /** The caller's words standing for `$1`, `$2`...; null when the script's arguments are not known. */
  positional: readonly Word[] | null;
}

class ShellReader {
  private i: number;
  private readonly limit: number;
  private readonly pos: Positions;
  private readonly vars: Map<string, ShellVariable>;
  private readonly commands: Command[];
  private readonly sbatch: Word[];
  private words: Word[] = [];
  /** Heredoc delimiters waiting for the end of the current line. */
  private heredocs: { word: string; strip: boolean }[] = [];
  private readonly shared: Shared;

  constructor(private readonly text: string, shared?: Shared, start = 0, limit = text.length, positional?: readonly Word[]) {
    this.shared = shared ?? { pos: new Positions(text), vars: new Map(), commands: [], sbatch: [], evalBudget: text.length, positional: positional ?? null };
    this.pos = this.shared.pos;
    this.vars = this.shared.vars;
    this.commands = this.shared.commands;
    this.sbatch = this.shared.sbatch;
    this.i = start;
    this.limit = limit;
  }

  read(): ShellScript {
    const t = this.text;
    while (this.i < this.limit) {
      const c = t[this.i];
      if (c === '\n') {
        this.i++;
        this.endCommand();
        this.skipHeredocs();
      } else if (c === ' ' || c === '\t' || c === '\r') {
        this.i++;
      } else if (c === '\\' && t[this.i + 1] === '\n') {
        this.i += 2;
      } else if (c === '#' && this.atWordStart()) {
        this.comment();
      } else if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
        this.i++;
        this.endCommand();
      } else if (c === '<' && t[this.i + 1] === '<' && t[this.i + 2] !== '<') {
        this.heredoc();
      } else if (c === '<' || c === '>') {
        // A redirection: its target word is not an argument.
        this.i++;
        while (t[this.i] === '>' || t[this.i] === '&') this.i++;
        while (t[this.i] === ' ' || t[this.i] === '\t') this.i++;
        this.word();
      } else {
        const all = this.shared.positional !== null ? ALL_POSITIONAL.exec(t.slice(this.i, this.i + 8)) : null;
        if (all !== null) {
          // The caller's words, each one word (as "$@" gives them).
          for (const w of this.shared.positional as readonly Word[]) this.words.push(w.text === null ? w : { ...w, origin: w.range });
          this.i += all[0].length;
          continue;
        }
        const w = this.word();
        if (w !== null) this.words.push(w);
      }
    }
    this.endCommand();
    return { commands: this.commands, sbatch: this.sbatch, variables: this.vars };
  }

  private atWordStart(): boolean {
    const prev = this.i === 0 ? '\n' : this.text[this.i - 1];
    return prev === ' ' || prev === '\t' || prev === '\n' || prev === ';' || prev === '&' || prev === '|' || prev === '(';
  }

  private comment(): void {
    const t = this.text;
    const lineStart = this.i === 0 || t[this.i - 1] === '\n';
    const end = t.indexOf('\n', this.i);
    const stop = end < 0 || end > this.limit ? this.limit : end;
    if (lineStart && t.startsWith('#SBATCH', this.i)) {
      const directive: Word[] = [];
      let j = this.i + '#SBATCH'.length;
      while (j < stop) {
        while (j < stop && (t[j] === ' ' || t[j] === '\t')) j++;
        const s = j;
        while (j < stop && t[j] !== ' ' && t[j] !== '\t' && t[j] !== '\r') j++;
        if (j > s) {
          const raw = t.slice(s, j);
          if (raw.startsWith('#')) break; // a comment after the directive
          const word: Word = { text: raw, raw, range: this.pos.range(s, j), start: s, end: j, plainPrefix: raw };
          this.sbatch.push(word);
          directive.push(word);
        }
      }
      // `--nodes=2` or `--nodes 2` / `-N 2`
      for (let k = 0; k < directive.length; k++) {
        const raw = directive[k].raw;
        const eq = raw.indexOf('=');
        if (eq >= 0) this.slurmVariables(raw.slice(0, eq), raw.slice(eq + 1), directive[k]);
        else if (k + 1 < directive.length) this.slurmVariables(raw, directive[k + 1].raw, directive[k]);
      }
    }
    this.i = stop;
  }

  /**
   * The variables SLURM sets in the job from its directives (sbatch(1), OUTPUT ENVIRONMENT
   * VARIABLES): SLURM_NNODES / SLURM_JOB_NUM_NODES from `--nodes`, SLURM_GPUS_ON_NODE /
   * SLURM_GPUS_PER_NODE from `--gres=gpu:N` or `--gpus-per-node`.
   */
  private slurmVariables(option: string, text: string, w: Word): void {
    let value: string | null = null;
    let names: string[] = [];
    if (option === '--nodes' || option === '-N') {
      value = /^(?:\d+-)?(\d+)$/.exec(text)?.[1] ?? null;
      names = ['SLURM_NNODES', 'SLURM_JOB_NUM_NODES'];
    } else if (option === '--gres' || option === '--gpus-per-node') {
      value = (option === '--gres' ? /(?:^|,)gpu(?::[A-Za-z0-9_-]+)?:(\d+)/.exec(text) : /(\d+)$/.exec(text))?.[1] ?? null;
      names = ['SLURM_GPUS_ON_NODE', 'SLURM_GPUS_PER_NODE'];
    }
    if (value === null) return;
    for (const name of names) {
      if (!this.vars.has(name)) this.vars.set(name, { value, assumed: `$${name} is what SLURM sets from #SBATCH ${option} ${text}`, range: w.range });
    }
  }

  private heredoc(): void {
    const t = this.text;
    this.i += 2;
    const strip = t[this.i] === '-';
    if (strip) this.i++;
    while (t[this.i] === ' ' || t[this.i] === '\t') this.i++;
    const w = this.word();
    const delimiter = w?.raw.replace(/['"\\]/g, '') ?? '';
    if (delimiter !== '') this.heredocs.push({ word: delimiter, strip });
  }

  /** Skips heredoc bodies that start at the current line. */
  private skipHeredocs(): void {
    const t = this.text;
    for (const h of this.heredocs) {
      while (this.i < this.limit) {
        const end = t.indexOf('\n', this.i);
        const stop = end < 0 || end > this.limit ? this.limit : end;
        let line = t.slice(this.i, stop).replace(/\r$/, '');
        if (h.strip) line = line.replace(/^\t+/, '');
        this.i = stop + 1;
        if (line === h.word) break;
      }
    }
    this.heredocs = [];
  }

  private endCommand(): void {
    if (this.words.length === 0) return;
    const words = this.words;
    this.words = [];
    const env = new Map<string, Word>();
    let k = 0;
    // Leading assignments: alone they set shell variables; before a command they are its environment.
    while (k < words.length && ASSIGNMENT.test(words[k].plainPrefix)) k++;
    const assignments = words.slice(0, k);
    if (k === words.length) {
      for (const a of assignments) this.assign(a);
      return;
    }
    if (k === 0 && words[0].text === 'shift' && this.shared.positional !== null && words.length <= 2) {
      const n = words.length === 1 ? 1 : Number(words[1].text ?? NaN);
      // `shift n` beyond the count fails and shifts nothing (bash); an unknown count leaves them unknown.
      if (Number.isInteger(n) && n >= 0 && n <= this.shared.positional.length) this.shared.positional = this.shared.positional.slice(n);
      else if (!Number.isInteger(n)) this.shared.positional = null;
      return;
    }
    if (k === 0 && words[0].text === 'eval' && words.length === 2 && this.evalVariable(words[1])) return;
    // `$CMD` alone runs the words of the variable (split, without quote removal: close enough to read them).
    if (k === 0 && words.length === 1 && !words[0].raw.startsWith('"') && this.evalVariable(words[0])) return;
    if (DECLARERS.has(words[k].text ?? '') && k === 0) {
      for (const a of words.slice(1)) if (ASSIGNMENT.test(a.plainPrefix)) this.assign(a);
      return;
    }
    for (const a of assignments) {
      const name = (ASSIGNMENT.exec(a.plainPrefix) as RegExpExecArray)[1];
      env.set(name, valueWord(a, name));
    }
    this.commands.push({ words: words.slice(k), env });
  }

  private assign(w: Word): void {
    const name = (ASSIGNMENT.exec(w.plainPrefix) as RegExpExecArray)[1];
    const v = valueWord(w, name);
    // Where the value is written, inside one pair of quotes (or none), for `eval $NAME`.
    const at = w.start + name.length + 1;
    const quoted = /^(["'])[\s\S]*\1$/.test(w.raw.slice(name.length + 1));
    const source = quoted ? { start: at + 1, end: w.end - 1 } : { start: at, end: w.end };
    this.vars.set(name, {
      value: v.text,
      ...(v.unknown !== undefined ? { unknown: v.unknown } : {}),
      ...(v.assumed !== undefined ? { assumed: v.assumed } : {}),
      range: w.range,
      source,
      ...(v.text !== null && w.origin !== undefined ? { origin: w.origin } : {}),
    });
  }

  /**
   * `eval $CMD` / `eval "${CMD}"` (and `$CMD` alone): the command held in a variable is read where the variable's value
   * is written, with the variables as they stand now (so words that depend on an unknown stay
   * unknown one by one, and ranges point into the assignment). True when handled.
   */
  private evalVariable(w: Word): boolean {
    const m = /^"?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?$/.exec(w.raw);
    const source = m === null ? undefined : this.vars.get(m[1])?.source;
    if (source === undefined) return false;
    const size = source.end - source.start;
    if (size > this.shared.evalBudget) return false;
    this.shared.evalBudget -= size;
    new ShellReader(this.text, this.shared, source.start, source.end).read();
    return true;
  }

  /** One word from the current position; null when there is none here. */
  private word(): Word | null {
    const t = this.text;
    const start = this.i;
    let out = '';
    let unknown: string | undefined;
    let assumed: string | undefined;
    let plainPrefix = '';
    let plain = true;
    let origin: SourceRange | undefined;
    const add = (s: string | null, why?: string, guess?: string, from?: SourceRange) => {
      if (guess !== undefined) assumed ??= guess;
      if (from !== undefined) origin ??= from;
      if (s === null) unknown ??= why ?? 'unknown';
      else if (unknown === undefined) {
        out += s;
        if (out.length > MAX_WORD_CHARS) unknown = `longer than ${MAX_WORD_CHARS} characters once expanded`;
      }
    };
    while (this.i < this.limit) {
      const c = t[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<' || c === '>') break;
      if (c === '\\') {
        if (t[this.i + 1] === '\n') {
          this.i += 2;
          continue;
        }
        add(t[this.i + 1] ?? '');
        plain = false;
        this.i += 2;
      } else if (c === "'") {
        const end = t.indexOf("'", this.i + 1);
        const stop = end < 0 || end > this.limit ? this.limit : end;
        add(t.slice(this.i + 1, stop));
        plain = false;
        this.i = stop + 1;
      } else if (c === '"') {
        plain = false;
        this.i++;
        while (this.i < this.limit && t[this.i] !== '"') {
          const d = t[this.i];
          if (d === '\\' && '"\\$`\n'.includes(t[this.i + 1] ?? '')) {
            if (t[this.i + 1] !== '\n') add(t[this.i + 1]);
            this.i += 2;
          } else if (d === '$' || d === '`') {
            const e = this.expansion();
            add(e.text, e.unknown, e.assumed, e.origin);
          } else {
            add(d);
            this.i++;
          }
        }
        this.i++;
      } else if (c === '$' || c === '`') {
        plain = false;
        const e = this.expansion();
        add(e.text, e.unknown, e.assumed, e.origin);
      } else {
        add(c);
        if (plain) plainPrefix += c;
        this.i++;
      }
    }
    if (this.i === start) return null;
    const raw = t.slice(start, this.i);
    return {
      text: unknown === undefined ? out : null,
      ...(unknown !== undefined ? { unknown } : {}),
      ...(unknown === undefined && assumed !== undefined ? { assumed } : {}),
      raw, range: unknown === undefined && origin !== undefined ? origin : this.pos.range(start, this.i), start, end: this.i, plainPrefix,
      ...(unknown === undefined && origin !== undefined ? { origin } : {}) };
  }

  /** `$NAME`, `${...}`, `$((...))`, `$(...)`, backticks, `$1`...: the expanded text or why it is unknown. */
  private expansion(): Expanded {
    const t = this.text;
    if (t[this.i] === '`') {
      const end = t.indexOf('`', this.i + 1);
      const stop = end < 0 ? t.length : end;
      const body = t.slice(this.i + 1, stop);
      this.i = stop + 1;
      return this.exprOutput(body) ?? { text: null, unknown: `the output of \`${clip(body)}\`, which is not run` };
    }
    const next = t[this.i + 1];
    if (next === '(' && t[this.i + 2] === '(') {
      const end = matchParens(t, this.i + 1);
      const body = t.slice(this.i + 3, Math.max(this.i + 3, end - 2));
      this.i = end;
      return this.arithmetic(body);
    }
    if (next === '(') {
      const end = matchParens(t, this.i + 1);
      const body = t.slice(this.i + 2, Math.max(this.i + 2, end - 1));
      this.i = end;
      return this.exprOutput(body) ?? { text: null, unknown: `the output of $(${clip(body)}), which is not run` };
    }
    if (next === '{') {
      const end = t.indexOf('}', this.i + 2);
      const stop = end < 0 ? t.length : end;
      const body = t.slice(this.i + 2, stop);
      this.i = stop + 1;
      return this.braced(body);
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(t.slice(this.i + 1, this.i + 1 + 256));
    if (m !== null) {
      this.i += 1 + m[0].length;
      return this.lookup(m[0]);
    }
    if (next !== undefined && /[0-9#]/.test(next) && this.shared.positional !== null) {
      this.i += 2;
      return this.positional(next);
    }
    if (next !== undefined && /[0-9@*#?$!-]/.test(next)) {
      this.i += 2;
      return { text: null, unknown: `$${next}, which is given when the script runs` };
    }
    this.i++;
    return { text: '$' };
  }

  private lookup(name: string): Expanded {
    const v = this.vars.get(name);
    if (v === undefined) return { text: null, unknown: `$${name}, which this file does not set` };
    if (v.value === null) return { text: null, unknown: `$${name} (${v.unknown ?? 'unknown'})` };
    return { text: v.value, ...(v.assumed !== undefined ? { assumed: v.assumed } : {}), ...(v.origin !== undefined ? { origin: v.origin } : {}) };
  }

  /** `$N` (`$0` is the script, unknown) or `$#` of a script read with its caller's words. */
  private positional(which: string): Expanded {
    const args = this.shared.positional as readonly Word[];
    if (which === '#') return { text: String(args.length) };
    const n = Number(which);
    if (n === 0) return { text: null, unknown: '$0, the script\'s own path as it is run' };
    const w = args[n - 1];
    if (w === undefined) return { text: '' };
    if (w.text === null) return { text: null, unknown: `$${which} (${w.unknown ?? 'unknown'})` };
    return { text: w.text, origin: w.range, ...(w.assumed !== undefined ? { assumed: w.assumed } : {}) };
  }

  /** `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:=default}`; other forms are unknown. */
  private braced(body: string): Expanded {
    if (this.shared.positional !== null && /^(?:[1-9][0-9]?|#)$/.test(body)) {
      if (body.length === 1) return this.positional(body);
      const w = this.shared.positional[Number(body) - 1];
      if (w === undefined) return { text: '' };
      return w.text === null ? { text: null, unknown: `\${${body}} (${w.unknown ?? 'unknown'})` } : { text: w.text, origin: w.range };
    }
    const bound = this.shared.positional !== null ? /^([1-9][0-9]?)(:?[-=])(.*)$/s.exec(body) : null;
    if (bound !== null) {
      const w = (this.shared.positional as readonly Word[])[Number(bound[1]) - 1];
      if (w !== undefined && w.text !== null && (w.text !== '' || !bound[2].startsWith(':'))) return { text: w.text, origin: w.range };
      if (w !== undefined && w.text === null) return { text: null, unknown: `\${${bound[1]}} (${w.unknown ?? 'unknown'})` };
      return this.expandText(bound[3] ?? '');
    }
    const positional = /^([0-9]+)(:?[-=])(.*)$/s.exec(body);
    if (positional !== null) {
      // The script's own argument, with the default it falls back to when none is given.
      const fallback = this.expandText(positional[3] ?? '');
      if (fallback.text === null) return fallback;
      return { text: fallback.text, assumed: `\${${clip(body)}}: the script's argument ${positional[1]} is not known; its default ${fallback.text} is assumed` };
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])(.*))?$/s.exec(body);
    if (m === null) return { text: null, unknown: `\${${clip(body)}}, which is not expanded statically` };
    const [, name, op, fallback] = m;
    const v = this.vars.get(name);
    const unset = v === undefined || (op?.startsWith(':') === true && v.value === '');
    if (op !== undefined && unset) return this.expandText(fallback ?? '');
    return this.lookup(name);
  }

  /** Simple `$NAME` / `${NAME}` expansion inside a default value (no quotes, no nesting beyond that). */
  private expandText(text: string): Expanded {
    let out = '';
    const re = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
    let last = 0;
    for (const m of text.matchAll(re)) {
      out += text.slice(last, m.index);
      const v = this.lookup((m[1] ?? m[2]) as string);
      if (v.text === null) return v;
      out += v.text;
      last = (m.index ?? 0) + m[0].length;
    }
    return { text: (out + text.slice(last)).replace(/^["']|["']$/g, '') };
  }

  /**
   * `expr A op B ...` with integer operands and `+ - * / %` (POSIX expr; `*` written `\*` or quoted), as
   * shell arithmetic; null for any other command, which is not run.
   */
  private exprOutput(body: string): Expanded | null {
    const m = /^\s*expr\s+([^;&|<>`]*)$/.exec(body);
    if (m === null || m[1].length > 256) return null;
    const operands = (m[1] as string).replace(/\\\*|'\*'|"\*"/g, '*').trim();
    // expr takes one operand or operator per argument.
    if (!operands.split(/\s+/).every((tok) => /^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\d+|[-+*/%])$/.test(tok))) return null;
    return this.arithmetic(operands);
  }

  private arithmetic(body: string): Expanded {
    const value = evaluateArithmetic(body, (name) => {
      const v = this.lookup(name);
      return v.text === null ? v.unknown ?? 'unknown' : v.text;
    }, (name) => this.vars.get(name)?.value ?? null);
    return typeof value === 'number' ? { text: String(value) } : { text: null, unknown: value.unknown };
  }
}

/** The value part of `NAME=value` (expanded), as a word of its own. */
function valueWord(w: Word, name: string): Word {
  if (w.text === null) return { ...w, unknown: w.unknown ?? 'unknown' };
  return { ...w, text: w.text.slice(name.length + 1) };
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}

/** The offset after the `)` matching the `(` at `open` (quotes are skipped); the text's end when unmatched. */
function matchParens(t: string, open: number): number {
  let depth = 0;
  for (let j = open; j < t.length; j++) {
    const c = t[j];
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return j + 1;
    } else if (c === "'" || c === '"') {
      const end = t.indexOf(c, j + 1);
      if (end < 0) return t.length;
      j = end;
    }
  }
  return t.length;
}

/**
 * Shell integer arithmetic (`+ - * / %`, unary minus, parentheses; names and `$NAME` are
 * variables). Returns the value, or why it cannot be known.
 */
export function evaluateArithmetic(
  body: string,
  describeUnknown: (name: string) => string,
  valueOf: (name: string) => string | null,
): number | { unknown: string } {
  const tokens = body.match(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|[A-Za-z_][A-Za-z0-9_]*|\d+|[-+*/%()]|\S/g) ?? [];
  let k = 0;
  let failure: string | null = null;
  const fail = (why: string): number => {
    failure ??= why;
    return 0;
  };
  const primary = (depth: number): number => {
    const tok = tokens[k++];
    if (tok === undefined) return fail('an incomplete arithmetic expression');
    if (tok === '(') {
      const v = sum(depth + 1);
      if (tokens[k++] !== ')') return fail('unbalanced parentheses in arithmetic');
      return v;
    }
    if (tok === '-') return -primary(depth);
    if (tok === '+') return primary(depth);
    if (/^\d+$/.test(tok)) return Number(tok);
    const name = tok.replace(/^\$\{?|\}$/g, '');
    if (NAME.test(name)) {
      const raw = valueOf(name);
      if (raw === null) return fail(describeUnknown(name));
      const n = Number(raw.trim());
      if (!Number.isInteger(n)) return fail(`$${name} ("${clip(raw)}") is not an integer`);
      return n;
    }
    return fail(`'${tok}' in arithmetic is not evaluated statically`);
  };
  const product = (depth: number): number => {
    let v = primary(depth);
    while (tokens[k] === '*' || tokens[k] === '/' || tokens[k] === '%') {
      const op = tokens[k++];
      const r = primary(depth);
      if (op === '*') v *= r;
      else if (r === 0) return fail('division by zero in arithmetic');
      else v = op === '/' ? Math.trunc(v / r) : v % r;
    }
    return v;
  };
  const sum = (depth: number): number => {
    if (depth > 64) return fail('arithmetic nested too deeply');
    let v = product(depth);
    while (tokens[k] === '+' || tokens[k] === '-') {
      const op = tokens[k++];
      const r = product(depth);
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  const value = sum(0);
  if (failure === null && k < tokens.length) failure = `'${tokens[k]}' in arithmetic is not evaluated statically`;
  if (failure !== null) return { unknown: failure };
  if (!Number.isSafeInteger(value)) return { unknown: 'arithmetic outside the safe integer range' };
  return value;
}
