/**
 * The quick fix for an Ultralytics training call (README "Ultralytics YOLO"): the `optimizer`, `lr0`, `momentum` and
 * `weight_decay` arguments rewritten where the file writes them — `key=value` words of a `yolo … train` line in a shell
 * script, `.train(…)` keywords in a Python file, top-level keys of a cfg YAML — and the ones it leaves out added after
 * `optimizer`, with the values the change to paste writes (paste-ultralytics.ts ultralyticsArguments: Ultralytics'
 * names only, the typed weight decay). One undoable change in the file's own syntax.
 */
import type { HyperparameterAdvice } from '../advisor/types';
import { getOptimizer } from '../optimizers';
import type { OptimizerId } from '../optimizers/types';
import type { ScanJob } from '../scan/results';
import type { SourceRange } from '../scan/types';
import { ultralyticsArguments } from './paste-ultralytics';
import { sortEdits, type EditableText } from './text';
import type { FixResult, TextEdit } from './types';
import { formatValue, type ArgumentValue } from './values';

type Syntax = 'cli' | 'python' | 'yaml';

/** The job's settings each argument is read into (ultralytics.ts readUltralyticsTrain), in the order they are written. */
const SOURCES: readonly { readonly key: string; readonly settings: readonly string[] }[] = [
  { key: 'optimizer', settings: ['optimizer'] },
  { key: 'lr0', settings: ['learningRate'] },
  { key: 'momentum', settings: ['optimizerParams.momentum', 'optimizerParams.betas'] },
  { key: 'weight_decay', settings: ['weightDecay'] },
  // Ultralytics' recipe's schedule (paste-ultralytics.ts recipeSchedule): written when the advice is that recipe's
  { key: 'lrf', settings: ['ultralytics.lrf'] },
  { key: 'cos_lr', settings: ['ultralytics.cos_lr'] },
  { key: 'warmup_epochs', settings: ['warmupEpochs'] },
  { key: 'warmup_bias_lr', settings: ['ultralytics.warmup_bias_lr'] },
];

function syntaxOf(path: string, style: 'cli' | 'python'): Syntax | null {
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  if (/\.py$/i.test(path)) return style === 'python' ? 'python' : null;
  if (/\.(sh|bash)$/i.test(path)) return style === 'cli' ? 'cli' : null;
  return null;
}

function valueText(key: string, value: ArgumentValue, syntax: Syntax): string {
  if (syntax === 'cli') return typeof value === 'string' ? value : formatValue(value, 'python', { key });
  return formatValue(value, syntax === 'yaml' ? 'yaml' : 'python', { key });
}

/** Edits that switch an Ultralytics call in `path` to `target`, or why not. */
export function ultralyticsFix(doc: EditableText, path: string, job: ScanJob, target: OptimizerId, advice: HyperparameterAdvice): FixResult {
  const yolo = job.optimizerUltralytics;
  if (yolo === undefined) return { unavailable: 'the job is not an Ultralytics training call' };
  const optimizerSource = job.sources['optimizer'];
  if (optimizerSource === undefined) return { unavailable: 'optimizer=auto is not written: the optimizer argument is not in the file to rewrite' };
  if (optimizerSource.path !== path) return { unavailable: 'the optimizer is not written in this file' };
  const syntax = syntaxOf(path, yolo.style);
  if (syntax === null) return { unavailable: `Ultralytics arguments in files like ${path} are not rewritten` };
  const args = ultralyticsArguments(target, advice, yolo);
  if (args === null) return { unavailable: `Ultralytics' trainer does not build ${getOptimizer(target).name} (build_optimizer accepts SGD, Adam, Adamax, AdamW, NAdam, RAdam, RMSProp): it needs a custom trainer` };
  const ranges = new Map<string, SourceRange>();
  for (const s of SOURCES) {
    const src = s.settings.map((k) => job.sources[k]).find((x) => x !== undefined);
    if (src === undefined) continue;
    // a value another file writes would still apply over (or under) this one: the fix would not hold
    if (src.path !== path) return { unavailable: `${s.key} is written in ${src.path}, not in this file` };
    ranges.set(s.key, src.range);
  }
  const edits: TextEdit[] = [];
  const written: Record<string, string> = {};
  const added: string[] = [];
  for (const s of SOURCES) {
    const value = args.values[s.key];
    if (value === undefined) continue;
    const text = valueText(s.key, value, syntax);
    written[s.key] = text;
    const range = ranges.get(s.key);
    if (range === undefined) {
      added.push(syntax === 'yaml' ? `${s.key}: ${text}` : `${s.key}=${text}`);
      continue;
    }
    // the CLI's word and a Python keyword's range may hold `key=`: keep what precedes the value
    const current = doc.slice(range);
    const prefix = /^\s*[A-Za-z_][A-Za-z0-9_]*\s*=\s*/.exec(current)?.[0] ?? '';
    const quoted = prefix === '' ? null : /^(["'])/.exec(current.slice(prefix.length));
    const body = syntax === 'cli' && quoted !== null && quoted[1] !== undefined ? `${quoted[1]}${text}${quoted[1]}` : text;
    edits.push({ range, newText: `${prefix}${body}` });
  }
  if (added.length > 0) {
    const range = ranges.get('optimizer') as SourceRange;
    const at = doc.endOf(range);
    const text = syntax === 'yaml' ? added.map((a) => `\n${a}`).join('') : syntax === 'cli' ? added.map((a) => ` ${a}`).join('') : added.map((a) => `, ${a}`).join('');
    // a YAML key goes after the line holding `optimizer:` (a comment after the value stays on its line)
    const insertAt = syntax === 'yaml' ? doc.lineEnd(at) : at;
    // right after the optimizer's value: one edit with it (no insertion touching a replaced range)
    const own = edits.findIndex((e) => e.range === range);
    const ownEdit = edits[own];
    if (insertAt === at && ownEdit !== undefined) edits[own] = { range, newText: ownEdit.newText + text };
    else edits.push(doc.edit(insertAt, insertAt, text));
  }
  return { target, spelling: String(args.values['optimizer']), ecosystem: 'pytorch', written, removed: [], edits: sortEdits(edits) };
}
