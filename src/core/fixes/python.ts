/**
 * Optimizer fixes in Python source, without running it: the scanner's Python tokenizer (strings with
 * every prefix, comments, brackets) finds the call around the optimizer and splits its arguments. Three shapes are rewritten:
 * - a torch / bitsandbytes optimizer class call (`torch.optim.AdamW(params, lr=...)`): the class
 *   (keeping how the file imports it, adding an import when the new class's module is not imported)
 *   and its keyword arguments, torch names; arguments the new class does not take are removed;
 * - `TrainingArguments(optim="...")` and the TRL configs: the optim string and the HF field names;
 * - timm `create_optimizer_v2(model, opt="...")`: the opt string, `lr`, `weight_decay`.
 * Keras and optax calls are not rewritten (their argument names differ per optimizer).
 */
import type { HyperparameterAdvice, StrategyPlan } from '../advisor/types';
import { getOptimizer } from '../optimizers';
import type { Ecosystem, OptimizerId } from '../optimizers/types';
import type { ScanJob } from '../scan/results';
import { matchTokenBrackets, tokenize, type Token } from '../scan/python/tokenizer';
import type { SourceRange } from '../scan/types';
import { HF_KEYS, hfSwitchValues } from './hf-values';
import { acceptedArguments, targetArguments } from './params';
import { hiddenWeightsComment } from './snippets';
import { chooseSpelling, type ChosenSpelling } from './spelling';
import type { EditableText } from './text';
import { mergeTouching } from './tree-edits';
import type { FixResult, TextEdit } from './types';
import { formatValue, quoteOf, type ArgumentValue, type WritableValue } from './values';

// ---- Lexing: the scanner's Python tokenizer (../scan/python/tokenizer.ts), one lexer for every reader ----

export interface Brackets {
  /** Offset of each opening bracket -> its closing bracket. */
  readonly match: ReadonlyMap<number, number>;
  readonly tokens: readonly Token[];
  /** Token index of each bracket by its offset. */
  readonly tokenAt: ReadonlyMap<number, number>;
}

/** Matches brackets outside strings and comments (one pass over the tokens). Unbalanced brackets are left unmatched. */
export function matchBrackets(text: string): Brackets {
  const tokens = tokenize(text);
  const pairs = matchTokenBrackets(text, tokens);
  const match = new Map<number, number>();
  const tokenAt = new Map<number, number>();
  for (let i = 0; i < tokens.length; i++) {
    if (pairs[i] < 0) continue;
    tokenAt.set(tokens[i].start, i);
    if (pairs[i] > i) match.set(tokens[i].start, tokens[pairs[i]].start);
  }
  return { match, tokens, tokenAt };
}

export interface PyArgument {
  /** Keyword name, null for positional (and `*args` / `**kwargs`). */
  readonly name: string | null;
  /** First and after-last significant character of the whole argument. */
  readonly start: number;
  readonly end: number;
  /** The value's span (the whole argument for positional ones). */
  readonly valueStart: number;
  readonly valueEnd: number;
  readonly starred: boolean;
}

/** Splits the arguments between `open` (a `(`) and its match `close`: tokens one bracket deeper, split at commas. */
export function splitArguments(brackets: Brackets, open: number, close: number): PyArgument[] {
  const { tokens } = brackets;
  const from = brackets.tokenAt.get(open);
  const to = brackets.tokenAt.get(close);
  if (from === undefined || to === undefined) return [];
  const inner = tokens[from].depth + 1;
  const args: PyArgument[] = [];
  let first = -1;
  const flush = (last: number): void => {
    if (first < 0 || last < first) return;
    const a = tokens[first];
    const starred = a.kind === 'op' && (a.text === '*' || a.text === '**');
    const keyword = !starred && a.kind === 'name' && first + 1 <= last && tokens[first + 1].kind === 'op' && tokens[first + 1].text === '=';
    const valueFirst = keyword ? first + 2 : first;
    args.push({
      name: keyword ? a.text : null,
      start: a.start,
      end: tokens[last].end,
      valueStart: valueFirst <= last ? tokens[valueFirst].start : tokens[last].end,
      valueEnd: tokens[last].end,
      starred,
    });
    first = -1;
  };
  for (let i = from + 1; i < to; i++) {
    const t = tokens[i];
    if (t.kind === 'newline') continue;
    if (t.depth === inner && t.kind === 'op' && t.text === ',') {
      flush(i - 1);
      continue;
    }
    if (first < 0) first = i;
  }
  flush(to - 1);
  return args;
}

// ---- Editing a call's arguments ----------------------------------------------------------------------

interface Call {
  readonly open: number;
  readonly close: number;
  readonly args: readonly PyArgument[];
}

function callAfter(doc: EditableText, brackets: Brackets, calleeEnd: number): Call | null {
  let i = calleeEnd;
  while (i < doc.text.length && /[ \t]/.test(doc.text[i])) i++;
  if (doc.text[i] !== '(') return null;
  const close = brackets.match.get(i);
  if (close === undefined) return null;
  return { open: i, close, args: splitArguments(brackets, i, close) };
}

/** The innermost call whose parentheses enclose `offset`. */
function callAround(doc: EditableText, brackets: Brackets, offset: number): Call | null {
  let best: { open: number; close: number } | null = null;
  for (const [open, close] of brackets.match) {
    if (doc.text[open] !== '(' || open >= offset || close < offset) continue;
    if (best === null || open > best.open) best = { open, close };
  }
  return best === null ? null : { ...best, args: splitArguments(brackets, best.open, best.close) };
}

function startsLine(doc: EditableText, offset: number): boolean {
  return /^\s*$/.test(doc.text.slice(doc.lineStart(offset), offset));
}

/** Inserts keyword arguments after the last argument, on new lines when the call spreads over lines. */
function insertArguments(doc: EditableText, call: Call, entries: readonly (readonly [string, string])[], keep: (a: PyArgument) => boolean): TextEdit | null {
  if (entries.length === 0) return null;
  const kept = call.args.filter(keep);
  const last = kept[kept.length - 1];
  const text = (sep: string) => entries.map(([k, v]) => `${sep}${k}=${v}`).join('');
  if (last === undefined) return doc.edit(call.open + 1, call.open + 1, text(', ').slice(2));
  if (startsLine(doc, last.start)) {
    const indent = doc.text.slice(doc.lineStart(last.start), last.start);
    return doc.edit(last.end, last.end, text(`,${doc.eol}${indent}`));
  }
  return doc.edit(last.end, last.end, text(', '));
}

/** Removes an argument with its comma; a whole line when the argument sits alone on it. */
function removeArgument(doc: EditableText, call: Call, arg: PyArgument): TextEdit {
  const i = call.args.indexOf(arg);
  const after = doc.text.slice(arg.end, doc.lineEnd(arg.end));
  if (startsLine(doc, arg.start) && /^\s*,?\s*(#.*)?$/.test(after)) {
    return doc.edit(doc.lineStart(arg.start), doc.nextLineStart(arg.end), '');
  }
  const prev = call.args[i - 1];
  const next = call.args[i + 1];
  if (prev !== undefined) return doc.edit(prev.end, arg.end, '');
  if (next !== undefined) return doc.edit(arg.start, next.start, '');
  return doc.edit(arg.start, arg.end, '');
}

interface ArgumentPlan {
  readonly values: Readonly<Record<string, ArgumentValue>>;
  readonly remove: readonly string[];
  /** A positional argument that holds a value by position (torch's `lr` is the second). */
  readonly positional?: { readonly index: number; readonly name: string };
}

function editCallArguments(doc: EditableText, call: Call, plan: ArgumentPlan, external: ReadonlyMap<string, SourceRange>): { edits: TextEdit[]; written: Record<string, string> } {
  const edits: TextEdit[] = [];
  const written: Record<string, string> = {};
  const missing: [string, string][] = [];
  const positional = call.args.filter((a) => a.name === null && !a.starred);
  for (const [name, value] of Object.entries(plan.values)) {
    const text = formatValue(value, 'python', { key: name });
    written[name] = text;
    const byName = call.args.find((a) => a.name === name);
    const byPosition = plan.positional?.name === name ? positional[plan.positional.index] : undefined;
    const arg = byName ?? byPosition;
    if (arg === undefined) {
      missing.push([name, text]);
      continue;
    }
    const current = doc.text.slice(arg.valueStart, arg.valueEnd);
    const elsewhere = external.get(name);
    // `lr=LR` with LR = 1e-3 at module level: change the constant, not the call.
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(current) && elsewhere !== undefined) {
      const start = doc.startOf(elsewhere);
      if (start < call.open || start > call.close) {
        edits.push(doc.edit(start, doc.endOf(elsewhere), text));
        continue;
      }
    }
    edits.push(doc.edit(arg.valueStart, arg.valueEnd, text));
  }
  const removed = call.args.filter((a) => a.name !== null && plan.remove.includes(a.name));
  for (const a of removed) edits.push(removeArgument(doc, call, a));
  const insert = insertArguments(doc, call, missing, (a) => !removed.includes(a));
  if (insert) edits.push(insert);
  return { edits, written };
}

// ---- Imports --------------------------------------------------------------------------------------

/** Python modules of the ecosystems whose classes the catalog spells by class name, and how files import them. */
const MODULES: Partial<Record<Ecosystem, { readonly module: string; readonly root: string; readonly alias: string }>> = {
  pytorch: { module: 'torch.optim', root: 'torch', alias: 'torch' },
  bitsandbytes: { module: 'bitsandbytes.optim', root: 'bitsandbytes', alias: 'bnb' },
};

/** How the file refers to a module: `torch.optim`, `optim` (from torch import optim), `bnb.optim` (import bitsandbytes as bnb). */
function moduleReference(text: string, eco: Ecosystem): { readonly prefix: string; readonly importLine: string | null } | null {
  const m = MODULES[eco];
  if (m === undefined) return null;
  const esc = (s: string) => s.replace(/\./g, '\\.');
  const asAlias = new RegExp(`^\\s*import\\s+${esc(m.root)}\\s+as\\s+([A-Za-z_]\\w*)\\s*$`, 'm').exec(text);
  if (asAlias) return { prefix: `${asAlias[1]}.optim`, importLine: null };
  if (new RegExp(`^\\s*import\\s+${esc(m.root)}(\\.optim)?\\s*$`, 'm').test(text)) return { prefix: m.module, importLine: null };
  const fromAlias = new RegExp(`^\\s*from\\s+${esc(m.root)}\\s+import\\s+optim(?:\\s+as\\s+([A-Za-z_]\\w*))?\\s*$`, 'm').exec(text);
  if (fromAlias) return { prefix: fromAlias[1] ?? 'optim', importLine: null };
  const moduleAlias = new RegExp(`^\\s*import\\s+${esc(m.module)}\\s+as\\s+([A-Za-z_]\\w*)\\s*$`, 'm').exec(text);
  if (moduleAlias) return { prefix: moduleAlias[1], importLine: null };
  return { prefix: eco === 'bitsandbytes' ? `${m.alias}.optim` : m.module, importLine: eco === 'bitsandbytes' ? `import ${m.root} as ${m.alias}` : `import ${m.root}` };
}

/** Where a new import line goes: after the last top-level import, else at the top (after a shebang / encoding line). */
function importInsertion(doc: EditableText, line: string): TextEdit {
  let at = -1;
  const re = /^(import\s+\S|from\s+\S+\s+import\s)/gm;
  for (let m = re.exec(doc.text); m !== null; m = re.exec(doc.text)) {
    // Parenthesised multi-line imports end at their closing parenthesis.
    let end = doc.lineEnd(m.index);
    const paren = doc.text.indexOf('(', m.index);
    if (paren >= 0 && paren < end) {
      const close = doc.text.indexOf(')', paren);
      if (close >= 0) end = doc.lineEnd(close);
    }
    at = Math.max(at, end);
  }
  if (at >= 0) return doc.edit(at, at, `${doc.eol}${line}`);
  let top = 0;
  while (/^(#!|#.*coding[:=])/.test(doc.text.slice(top, doc.lineEnd(top))) && top < doc.text.length) top = doc.nextLineStart(top);
  return doc.edit(top, top, `${line}${doc.eol}`);
}

// ---- Fixes ----------------------------------------------------------------------------------------

/** Sources of optimizer arguments in this file, by argument name (`lr` -> the learning rate's literal). */
function argumentSources(job: ScanJob, path: string, names: Readonly<Record<string, string>>): Map<string, SourceRange> {
  const out = new Map<string, SourceRange>();
  for (const [setting, name] of Object.entries(names)) {
    const src = job.sources[setting];
    if (src !== undefined && src.path === path) out.set(name, src.range);
  }
  return out;
}

function torchCallFix(doc: EditableText, brackets: Brackets, job: ScanJob, path: string, calleeStart: number, calleeEnd: number, target: OptimizerId, advice: HyperparameterAdvice): FixResult {
  const call = callAfter(doc, brackets, calleeEnd);
  if (call === null) return { unavailable: 'the optimizer call was not found in the file (it changed since the scan)' };
  const callee = doc.text.slice(calleeStart, calleeEnd);
  const dot = callee.lastIndexOf('.');
  const userPrefix = dot < 0 ? '' : callee.slice(0, dot);
  const existing = new Set(call.args.map((a) => a.name).filter((n): n is string => n !== null));
  const params = (c: ChosenSpelling): Record<string, WritableValue> => targetArguments(target, advice, c, existing);

  let chosen: ChosenSpelling | null = null;
  for (const eco of ['pytorch', 'bitsandbytes'] as const) {
    chosen = chooseSpelling(target, eco, params, { write: (name) => `${MODULES[eco]?.module}.${name}` });
    if (chosen !== null) break;
  }
  if (chosen === null) return { unavailable: `neither torch.optim nor bitsandbytes has a class for ${getOptimizer(target).name}` };

  const edits: TextEdit[] = [];
  let calleeText: string;
  const sameEcosystem = job.optimizerEcosystem === chosen.ecosystem;
  if (sameEcosystem && userPrefix !== '') {
    calleeText = `${userPrefix}.${chosen.name}`;
  } else if (sameEcosystem) {
    // A bare class name: extend the `from <module> import ...` line that imports the current one.
    const fromLine = new RegExp(`^(\\s*from\\s+\\S+\\s+import\\s+)([^\\n#]*\\b${callee}\\b[^\\n#]*)$`, 'm').exec(doc.text);
    calleeText = chosen.name;
    if (fromLine === null) return { unavailable: `the import of '${callee}' was not found` };
    if (!new RegExp(`\\b${chosen.name}\\b`).test(fromLine[2])) {
      const listEnd = fromLine.index + fromLine[1].length + fromLine[2].replace(/[\s)]*$/, '').length;
      edits.push(doc.edit(listEnd, listEnd, `, ${chosen.name}`));
    }
  } else {
    const ref = moduleReference(doc.text, chosen.ecosystem);
    if (ref === null) return { unavailable: `no module is known for ${chosen.ecosystem}` };
    calleeText = `${ref.prefix}.${chosen.name}`;
    if (ref.importLine !== null) edits.push(importInsertion(doc, ref.importLine));
  }
  edits.push(doc.edit(calleeStart, calleeEnd, calleeText));
  // A class that takes only the hidden 2-D weights (torch.optim.Muon): the change to paste's note above the line.
  const note = hiddenWeightsComment(chosen, advice, 'call');
  const lineStart = doc.text.lastIndexOf('\n', calleeStart - 1) + 1;
  const indent = /^[ \t]*/.exec(doc.text.slice(lineStart))?.[0] ?? '';
  if (note.length > 0) edits.push(doc.edit(lineStart, lineStart, note.map((l) => `${indent}${l}\n`).join('')));

  const values = params(chosen);
  const accepted = acceptedArguments(target, chosen);
  const remove = [...existing].filter((k) => !accepted.has(k) && !(k in values));
  const args = editCallArguments(doc, call, { values, remove, positional: { index: 1, name: 'lr' } }, argumentSources(job, path, { learningRate: 'lr', weightDecay: 'weight_decay' }));
  edits.push(...args.edits);
  return { target, spelling: calleeText, ecosystem: chosen.ecosystem, written: { callee: calleeText, ...args.written }, removed: remove, edits: mergeTouching(doc, edits) };
}


/**
 * timm create_optimizer_v2's own parameters (timm/optim/_optim_factory.py,
 * https://github.com/huggingface/pytorch-image-models/blob/0a0b4f494ddf2402c3872728509cfc7509304e9f/timm/optim/_optim_factory.py); other
 * keyword arguments are passed on to the optimizer class.
 */
const TIMM_OWN_ARGUMENTS = ['model_or_params', 'opt', 'lr', 'weight_decay', 'momentum', 'foreach', 'filter_bias_and_bn', 'layer_decay', 'param_group_fn'];

function stringLiteralFix(doc: EditableText, brackets: Brackets, job: ScanJob, path: string, literalStart: number, literalEnd: number, target: OptimizerId, advice: HyperparameterAdvice, plan: StrategyPlan | null): FixResult {
  const eco = job.optimizerEcosystem;
  if (eco !== 'hf' && eco !== 'timm') return { unavailable: `optimizer strings of ${eco ?? 'this library'} are not rewritten` };
  const call = callAround(doc, brackets, literalStart);
  if (call === null) return { unavailable: 'the call holding the optimizer string was not found' };
  const quote = quoteOf(doc.text.slice(literalStart, literalEnd));
  const spec = getOptimizer(target);
  const existing = new Set(call.args.map((a) => a.name).filter((n): n is string => n !== null));
  let chosen: ChosenSpelling | null;
  let values: Record<string, ArgumentValue>;
  let remove: string[] = [];
  if (eco === 'hf') {
    chosen = chooseSpelling(target, 'hf', () => ({}), { resolveIn: 'hf' });
    if (chosen === null) return { unavailable: `Hugging Face TrainingArguments has no optim string for ${spec.name}` };
    const sw = hfSwitchValues(target, chosen.name, advice, (key) => existing.has(key), plan);
    chosen = { ...chosen, name: sw.optim };
    values = sw.values;
  } else {
    const params = (c: ChosenSpelling): Record<string, WritableValue> => targetArguments(target, advice, c, existing);
    chosen = chooseSpelling(target, 'timm', params, { resolveIn: 'timm' });
    if (chosen === null) return { unavailable: `timm has no optimizer string for ${spec.name}` };
    values = params(chosen);
    const accepted = acceptedArguments(target, chosen);
    remove = [...existing].filter((k) => !accepted.has(k) && !TIMM_OWN_ARGUMENTS.includes(k) && !(k in values));
  }
  const spellingText = formatValue(chosen.name, 'python', { quote });
  const edits: TextEdit[] = [doc.edit(literalStart, literalEnd, spellingText)];
  const args = editCallArguments(doc, call, { values, remove }, argumentSources(job, path, eco === 'hf' ? { learningRate: HF_KEYS.lr, weightDecay: HF_KEYS.weightDecay } : { learningRate: 'lr', weightDecay: 'weight_decay' }));
  edits.push(...args.edits);
  return { target, spelling: chosen.name, ecosystem: chosen.ecosystem, written: { optimizer: spellingText, ...args.written }, removed: remove, edits: mergeTouching(doc, edits) };
}

/** The optimizer fix for a Python file. */
export function pythonFix(doc: EditableText, path: string, job: ScanJob, target: OptimizerId, advice: HyperparameterAdvice, plan: StrategyPlan | null = null): FixResult {
  const src = job.sources['optimizer'];
  if (src === undefined || src.path !== path) return { unavailable: 'the optimizer is not written in this file' };
  const start = doc.startOf(src.range);
  const end = doc.endOf(src.range);
  const brackets = matchBrackets(doc.text);
  if (quoteOf(doc.text.slice(start, end)) !== null) return stringLiteralFix(doc, brackets, job, path, start, end, target, advice, plan);
  const eco = job.optimizerEcosystem;
  if (eco === 'keras' || eco === 'optax') return { unavailable: `${eco} optimizer calls are not rewritten (their argument names differ from torch's)` };
  return torchCallFix(doc, brackets, job, path, start, end, target, advice);
}
