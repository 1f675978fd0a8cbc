/**
 * The value a name holds where a script uses it, when the script assigns it under conditions (accelerate's
 * nlp_example.py: `gradient_accumulation_steps = 1`, then `if batch_size > MAX_GPU_BATCH_SIZE and ...:` assigns it
 * again). Each assignment the use may see (./program.ts `assignmentsSeenAt`) is taken in order when the blocks it sits
 * in run: an `if` / `elif` test is evaluated from the values the script states (numbers, booleans, None and strings
 * compared with `<`, `<=`, `>`, `>=`, `==`, `!=`, joined by `and` / `or` / `not`; `int(x)` / `float(x)` of a number);
 * an `else` runs when the tests before it are false. A test that cannot be evaluated leaves the value open, and the
 * answer says which condition decides it. Loops and `except` blocks are conditions that are not evaluated; `with`,
 * `try` and `finally` blocks run. Blocks that hold the use as well run whenever the use does. Nothing is executed.
 */
import type { BlockHeader, PyValue, PythonProgram } from './program';

/** How deep names in tests are followed through their own conditional assignments. */
const MAX_DEPTH = 4;

export type ReachingValue =
  /** The value the use sees, the assignment that gives it, and the branches found not to run (with their values). */
  | { readonly kind: 'known'; readonly value: PyValue; readonly at: number; readonly skipped: readonly BlockHeader[] }
  /** An assignment under a condition not known statically may replace `value` (null: nothing before it is known). */
  | { readonly kind: 'open'; readonly value: PyValue | null; readonly at: number | null; readonly condition: BlockHeader; readonly assignment: number };

/** The value `name` holds at token `use`, or null when the name is not assigned where the use sees it. */
export function reachingValue(program: PythonProgram, name: string, use: number, depth = 0): ReachingValue | null {
  if (depth > MAX_DEPTH) return null;
  const assignments = program.assignmentsSeenAt(name, use, depth);
  if (assignments.length === 0) return null;
  const around = new Set(program.blocksAround(use).map((b) => b.at));
  let current: { value: PyValue; at: number } | null = null;
  const skipped: BlockHeader[] = [];
  for (const a of assignments) {
    let runs: boolean | undefined = true;
    let deciding: BlockHeader | null = null;
    for (const block of program.blocksAround(a.at)) {
      if (around.has(block.at)) continue;
      const t = blockRuns(program, block, depth);
      if (t === false) {
        runs = false;
        skipped.push(block);
        break;
      }
      if (t === undefined && runs === true) {
        runs = undefined;
        deciding = block;
      }
    }
    if (runs === false) continue;
    if (runs === undefined) return { kind: 'open', value: current?.value ?? null, at: current?.at ?? null, condition: deciding as BlockHeader, assignment: a.at };
    current = { value: a.value, at: a.at };
  }
  return current === null ? null : { kind: 'known', value: current.value, at: current.at, skipped };
}

/** Whether a block's body runs: true, false, or undefined when that is not known statically. */
function blockRuns(program: PythonProgram, block: BlockHeader, depth: number): boolean | undefined {
  switch (block.keyword) {
    case 'with':
    case 'try':
    case 'finally':
      return true;
    case 'if':
    case 'elif':
    case 'else': {
      if (!block.chained) return undefined;
      let before: boolean | undefined = false;
      for (const test of block.earlier) before = or(before, truthOf(program, test[0], test[1], depth));
      if (before === true) return false;
      const own = block.test === null ? true : truthOf(program, block.test[0], block.test[1], depth);
      return and(not(before), own);
    }
    default:
      return undefined;
  }
}

const not = (a: boolean | undefined): boolean | undefined => (a === undefined ? undefined : !a);
const and = (a: boolean | undefined, b: boolean | undefined): boolean | undefined => (a === false || b === false ? false : a === true && b === true ? true : undefined);
const or = (a: boolean | undefined, b: boolean | undefined): boolean | undefined => (a === true || b === true ? true : a === false && b === false ? false : undefined);

/** The truth of the test in tokens [s, e), or undefined. */
export function truthOf(program: PythonProgram, s: number, e: number, depth = 0): boolean | undefined {
  const tokens = program.tokens;
  const base = tokens[s]?.depth ?? 0;
  const top = (i: number, word: string): boolean => tokens[i].depth === base && tokens[i].kind === 'name' && tokens[i].text === word;
  // `or` binds loosest, then `and`, then `not`.
  for (const [word, join] of [['or', or], ['and', and]] as const) {
    const parts: [number, number][] = [];
    let from = s;
    for (let i = s; i < e; i++) {
      if (top(i, word)) {
        parts.push([from, i]);
        from = i + 1;
      }
    }
    if (parts.length > 0) {
      parts.push([from, e]);
      let acc: boolean | undefined = word === 'and';
      for (const [a, b] of parts) {
        acc = join(acc, truthOf(program, a, b, depth));
        if (acc === (word === 'or')) return acc;
      }
      return acc;
    }
  }
  if (s < e && top(s, 'not')) return not(truthOf(program, s + 1, e, depth));
  if (s + 2 < e && tokens[s].kind === 'op' && tokens[s].text === '(' && tokens[e - 1].kind === 'op' && tokens[e - 1].text === ')' && tokens[e - 1].depth === base) {
    return truthOf(program, s + 1, e - 1, depth);
  }
  for (let i = s + 1; i < e - 1; i++) {
    const t = tokens[i];
    if (t.depth !== base || t.kind !== 'op' || !COMPARISONS.has(t.text)) continue;
    return compare(t.text, operand(program, s, i, depth), operand(program, i + 1, e, depth));
  }
  return truthiness(operand(program, s, e, depth));
}

const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);

type Plain = number | string | boolean | null | undefined;

/** The plain value of tokens [s, e): a name through its own conditional assignments, else the program's evaluation. */
function operand(program: PythonProgram, s: number, e: number, depth: number): Plain {
  const t = program.tokens[s];
  if (e === s + 1 && t.kind === 'name' && !['True', 'False', 'None'].includes(t.text)) {
    const reached = reachingValue(program, t.text, s, depth + 1);
    if (reached !== null) return reached.kind === 'known' ? plain(reached.value) : undefined;
  }
  return plain(program.evaluate(s, e, depth + 1));
}

/** A number, string, boolean or None; `int(x)` / `float(x)` of a number. */
function plain(v: PyValue): Plain {
  switch (v.kind) {
    case 'number':
    case 'string':
    case 'bool':
      return v.value;
    case 'none':
      return null;
    case 'call': {
      const callee = v.call.callee;
      const arg = v.call.args.length === 1 && v.call.args[0].name === null ? plain(v.call.args[0].value) : undefined;
      if (typeof arg !== 'number') return undefined;
      return callee === 'int' ? Math.trunc(arg) : callee === 'float' ? arg : undefined;
    }
    default:
      return undefined;
  }
}

function compare(op: string, a: Plain, b: Plain): boolean | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (op === '==') return a === b;
  if (op === '!=') return a !== b;
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return undefined;
  const x = a as number | string;
  const y = b as number | string;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

function truthiness(v: Plain): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === null) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  return v;
}
