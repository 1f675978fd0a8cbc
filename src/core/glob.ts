/**
 * The one glob matcher of the project: the CLI walk's `--exclude`, the workspace index's
 * `optimizerAdvisor.exclude` / `files.exclude` and `optimizerAdvisor.diagnostics.exclude`.
 *
 * Patterns match paths relative to the workspace folder, with `/` separators (a `\` in a pattern is
 * read as `/`). A pattern without `/` matches a file or folder name at any depth (`checkpoints`,
 * `*.log`); one with `/` (or starting with `./`) matches from the folder's root (`data/raw`,
 * `runs/**`, `./train.json`). `*` matches within a name, `**` across folders (`**` followed by `/`
 * matches zero or more whole folders), `?` one character other than `/`, `{a,b}` one of the
 * comma-separated alternatives (they may nest and hold wildcards; a `{` without its `}` is a plain
 * character). A match on a folder covers everything inside it.
 *
 * Bounded work: the pattern compiles to a nondeterministic automaton (Thompson's construction) with
 * at most a few states per pattern character, and matching walks the name once, keeping the set of
 * live states, so a match costs O(name length × pattern length) steps. Globs compiled to
 * backtracking regular expressions (what this file replaces) take exponential time on patterns such
 * as `*a*a*a*a*a*a*a*a*b` against a 50-character name. Reference for the construction:
 * Russ Cox, "Regular Expression Matching Can Be Simple And Fast" (2007), swtch.com/~rsc/regexp/regexp1.html.
 */

export interface PathMatcher {
  /** The pattern as written. */
  readonly pattern: string;
  /** Whether `relPath` (or a folder above it) matches. `counter.steps` receives the state visits. */
  matches(relPath: string, counter?: { steps: number }): boolean;
}

/** One automaton state: consumes a character (`char`, `name`, `any`) or only links (`split`, `accept`). */
type State =
  | { readonly kind: 'char'; readonly code: number; next: number }
  | { readonly kind: 'name'; next: number } // one character other than '/'
  | { readonly kind: 'any'; next: number } // any character
  | { readonly kind: 'split'; readonly next: number[] }
  | { readonly kind: 'accept' };

const SLASH = 0x2f;

/** The pattern with `\` as `/`, surrounding space, a leading `./` or `/` and trailing `/` removed. */
function normalize(pattern: string): { clean: string; anchored: boolean } {
  const slashed = pattern.trim().replace(/\\/g, '/');
  const clean = slashed.replace(/^\.?\//, '').replace(/\/+$/, '');
  return { clean, anchored: clean.includes('/') || /^\.?\//.test(slashed) };
}

class Builder {
  readonly states: State[] = [{ kind: 'accept' }];

  add(state: State): number {
    this.states.push(state);
    return this.states.length - 1;
  }

  /** Compiles `glob[from, to)` to states that continue at `out`; returns the first state. */
  sequence(glob: string, from: number, to: number, out: number): number {
    // Items are compiled back to front, so each one knows the state that follows it.
    const items = splitItems(glob, from, to);
    let next = out;
    for (let k = items.length - 1; k >= 0; k--) next = this.item(glob, items[k], next);
    return next;
  }

  private item(glob: string, item: Item, out: number): number {
    switch (item.kind) {
      case 'char':
        return this.add({ kind: 'char', code: item.code, next: out });
      case 'question':
        return this.add({ kind: 'name', next: out });
      case 'star': {
        const loop = this.add({ kind: 'split', next: [] });
        const step = this.add({ kind: 'name', next: loop });
        (this.states[loop] as { next: number[] }).next.push(step, out);
        return loop;
      }
      case 'globstar': {
        const loop = this.add({ kind: 'split', next: [] });
        const step = this.add({ kind: 'any', next: loop });
        (this.states[loop] as { next: number[] }).next.push(step, out);
        return loop;
      }
      case 'folders': {
        // `**/`: nothing, or any characters followed by '/'
        const slash = this.add({ kind: 'char', code: SLASH, next: out });
        const loop = this.add({ kind: 'split', next: [] });
        const step = this.add({ kind: 'any', next: loop });
        (this.states[loop] as { next: number[] }).next.push(step, slash);
        return this.add({ kind: 'split', next: [loop, out] });
      }
      case 'alternatives':
        return this.add({ kind: 'split', next: item.ranges.map(([a, b]) => this.sequence(glob, a, b, out)) });
    }
  }
}

type Item =
  | { readonly kind: 'char'; readonly code: number }
  | { readonly kind: 'question' | 'star' | 'globstar' | 'folders' }
  | { readonly kind: 'alternatives'; readonly ranges: readonly (readonly [number, number])[] };

/** The items of `glob[from, to)`; braces are matched here (one pass per nesting level). */
function splitItems(glob: string, from: number, to: number): Item[] {
  const items: Item[] = [];
  for (let i = from; i < to; i++) {
    const c = glob.charCodeAt(i);
    if (c === 0x2a /* * */) {
      if (glob.charCodeAt(i + 1) === 0x2a && i + 1 < to) {
        i++;
        if (glob.charCodeAt(i + 1) === SLASH && i + 1 < to) {
          i++;
          items.push({ kind: 'folders' });
        } else items.push({ kind: 'globstar' });
      } else items.push({ kind: 'star' });
    } else if (c === 0x3f /* ? */) {
      items.push({ kind: 'question' });
    } else if (c === 0x7b /* { */) {
      const ranges = braceRanges(glob, i, to);
      if (ranges === null) items.push({ kind: 'char', code: c });
      else {
        items.push({ kind: 'alternatives', ranges: ranges.parts });
        i = ranges.close;
      }
    } else {
      items.push({ kind: 'char', code: c });
    }
  }
  return items;
}

/** The alternatives of the brace group opening at `open`, or null when it is not closed before `to`. */
function braceRanges(glob: string, open: number, to: number): { parts: [number, number][]; close: number } | null {
  const parts: [number, number][] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < to; i++) {
    const c = glob.charCodeAt(i);
    if (c === 0x7b) depth++;
    else if (c === 0x7d /* } */) {
      if (depth === 0) {
        parts.push([start, i]);
        return { parts, close: i };
      }
      depth--;
    } else if (c === 0x2c /* , */ && depth === 0) {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  return null;
}

/** Compiles a pattern of the settings or `--exclude` (see the file comment). */
export function compileGlob(pattern: string): PathMatcher {
  const { clean, anchored } = normalize(pattern);
  const builder = new Builder();
  const start = builder.sequence(clean, 0, clean.length, 0);
  const states = builder.states;
  // Generation stamps make adding a state to the live set O(1) without clearing arrays.
  const stamp = new Uint32Array(states.length);
  let generation = 0;
  /** The next stamp; after 2^32 - 1 of them the stamps are cleared (they must never wrap into old values). */
  const nextGeneration = (): void => {
    generation++;
    if (generation > 0xffffffff) {
      stamp.fill(0);
      generation = 1;
    }
  };

  const matches = (rel: string, counter?: { steps: number }): boolean => {
    if (clean === '') return false;
    let current: number[] = [];
    let steps = 0;
    /** Adds `s` and everything reachable from it through `split` states (iteratively). */
    const addClosure = (list: number[], s: number): void => {
      const pending = [s];
      while (pending.length > 0) {
        const t = pending.pop() as number;
        steps++;
        if (stamp[t] === generation) continue;
        stamp[t] = generation;
        const state = states[t];
        if (state.kind === 'split') for (let k = state.next.length - 1; k >= 0; k--) pending.push(state.next[k]);
        else list.push(t);
      }
    };
    const accepting = (list: readonly number[]): boolean => list.includes(0);

    nextGeneration();
    addClosure(current, start);
    let matched = false;
    for (let i = 0; i <= rel.length && !matched; i++) {
      const atBoundary = i === rel.length || rel.charCodeAt(i) === SLASH;
      // The pattern matched the whole path, or a folder above it.
      if (atBoundary && accepting(current)) {
        matched = true;
        break;
      }
      if (i === rel.length) break;
      const c = rel.charCodeAt(i);
      nextGeneration();
      const next: number[] = [];
      for (const s of current) {
        steps++;
        const state = states[s];
        if (
          (state.kind === 'char' && state.code === c) ||
          (state.kind === 'name' && c !== SLASH) ||
          state.kind === 'any'
        ) {
          addClosure(next, state.next);
        }
      }
      // Unanchored patterns may also start at the beginning of any later name.
      if (!anchored && c === SLASH) addClosure(next, start);
      current = next;
    }
    if (counter !== undefined) counter.steps += steps;
    return matched;
  };
  return { pattern, matches };
}

export function anyMatches(matchers: readonly PathMatcher[], relPath: string): PathMatcher | undefined {
  return matchers.find((m) => m.matches(relPath));
}

/**
 * The same pattern as a VS Code search glob (for `workspace.findFiles` excludes): unanchored patterns
 * get `**\/` in front, and every pattern also excludes what is inside a matching folder.
 */
export function toSearchGlobs(pattern: string): string[] {
  const { clean, anchored } = normalize(pattern);
  if (clean === '') return [];
  const base = anchored ? clean : `**/${clean}`;
  return [base, `${base}/**`];
}
