/**
 * The flags a launch passes to a training program that parses its own command line (README "Launch
 * scripts"): the program's argparse option table (read statically, ./python/program.ts) maps each
 * flag, short or long (`-b 64`, `--batch-size=64`, `--amp`), to its dest as argparse would (the last
 * occurrence wins, a store_true flag stores True), and the program's reader turns dests into settings.
 *
 * timm's train.py (huggingface/pytorch-image-models train.py, `_parse_args` and `main`): `--model` is
 * the model (`create_model(args.model)`), `-b/--batch-size` the micro-batch, `--grad-accum-steps`,
 * `--opt`, `--weight-decay`, `--warmup-epochs`, `--lr`; when `--lr` is unset, lr = lr_base × global batch / lr_base_size
 * (sqrt-scaled for Ada and LAMB optimizers); `--amp` turns on autocast with `--amp-dtype` (default float16).
 */
import type { CommandLineTable, Contribution, Link, ScriptArgument } from './detector';
import type { SettingSource } from './results';
import type { TrainingSettings } from './types';

/** The value a flag sets, where it is written. */
interface Given {
  readonly value: string | number | boolean | null;
  readonly source: SettingSource;
  /** From the command line (else the program's default). */
  readonly given: boolean;
}

/** What the command line sets: settings over the program's, a model reference, notes. */
export interface CommandLineReading {
  readonly settings: TrainingSettings;
  readonly sources: Readonly<Record<string, SettingSource>>;
  readonly model: Link | null;
  readonly notes: readonly string[];
  /** Set when `--opt` is given: the optimizer is timm's. */
  readonly optimizerEcosystem?: 'timm';
}

/**
 * Reads `args` (a launch's words for the program) through the program's option table. `launcher`
 * is the launch script's path (the file of words that name none); `gpus` the launch's GPU count, when known.
 */
export function readCommandLine(table: CommandLineTable, program: string, args: readonly ScriptArgument[], launcher: string, gpus: number | null): CommandLineReading | null {
  const given = new Map<string, Given>();
  const notes: string[] = [];
  const at = (w: ScriptArgument): SettingSource => ({ path: w.path ?? launcher, range: w.range });
  for (let k = 0; k < args.length; k++) {
    const w = args[k];
    if (w.text === null || !w.text.startsWith('-') || w.text === '-' || w.text === '--') continue;
    const eq = w.text.startsWith('--') ? w.text.indexOf('=') : -1;
    const flag = eq < 0 ? w.text : w.text.slice(0, eq);
    const option = table.options[flag] ?? (eq < 0 && !flag.startsWith('--') && flag.length > 2 ? table.options[flag.slice(0, 2)] : undefined);
    if (option === undefined) continue;
    if (option.stores !== undefined) {
      given.set(option.dest, { value: option.stores, source: at(w), given: true });
      continue;
    }
    // `-b64` (a short option with its value attached), `--lr=0.1`, or the next word.
    const attached = eq >= 0 ? w.text.slice(eq + 1) : flag !== w.text ? null : !w.text.startsWith('--') && w.text.length > 2 ? w.text.slice(2) : null;
    const valueWord = attached !== null ? w : args[k + 1];
    if (attached === null) k++;
    if (valueWord === undefined) continue;
    const text = attached ?? valueWord.text;
    if (text === null) {
      notes.push(`${at(valueWord).path}:${valueWord.range.line}:${valueWord.range.column}: ${flag} is ${valueWord.unknown ?? 'unknown'}; ${program}'s default is assumed`);
      continue;
    }
    given.set(option.dest, { value: text, source: at(valueWord), given: true });
  }
  if (given.size === 0) return null;
  if (table.reader === 'timm') return readTimm(table, program, given, notes, gpus);
  return null;
}

/** timm train.py's dests as settings; only what the command line changes is returned. */
function readTimm(table: CommandLineTable, program: string, given: ReadonlyMap<string, Given>, notes: string[], gpus: number | null): CommandLineReading {
  const settings: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  const value = (dest: string): Given | undefined => {
    const g = given.get(dest);
    if (g !== undefined) return g;
    const d = table.defaults[dest];
    return d === undefined ? undefined : { value: d.value, source: { path: program, range: d.range }, given: false };
  };
  const num = (g: Given | undefined, integer: boolean): number | null => {
    if (g === undefined || g.value === null || typeof g.value === 'boolean') return null;
    const n = Number(g.value);
    return Number.isFinite(n) && String(g.value).trim() !== '' && (!integer || Number.isInteger(n)) ? n : null;
  };
  const set = (key: keyof TrainingSettings, v: unknown, source: SettingSource): void => {
    settings[key] = v;
    sources[key] = source;
  };
  let model: Link | null = null;
  const m = given.get('model');
  if (m !== undefined && typeof m.value === 'string' && m.value !== '') {
    model = { kind: 'model', key: '--model', value: `timm/${m.value}`, range: m.source.range, path: m.source.path };
  }
  const batchGiven = given.get('batch_size');
  const batch = num(value('batch_size'), true);
  if (batchGiven !== undefined && batch !== null && batch >= 1) set('perDeviceBatchSize', batch, batchGiven.source);
  const accumGiven = given.get('grad_accum_steps');
  const accum = num(value('grad_accum_steps'), true) ?? 1;
  if (accumGiven !== undefined && accum >= 1) set('gradAccum', accum, accumGiven.source);
  const opt = value('opt');
  let ecosystem: 'timm' | undefined;
  if (given.has('opt') && typeof opt?.value === 'string') {
    set('optimizer', opt.value, opt.source);
    ecosystem = 'timm';
  }
  const wd = given.get('weight_decay');
  if (wd !== undefined && (num(wd, false) ?? -1) >= 0) set('weightDecay', num(wd, false), wd.source);
  const lr = given.get('lr');
  const lrBase = value('lr_base');
  if (lr !== undefined && (num(lr, false) ?? -1) >= 0) set('learningRate', num(lr, false), lr.source);
  else if (value('lr')?.value == null && (batchGiven !== undefined || accumGiven !== undefined || given.has('lr_base') || (gpus ?? 1) > 1) && num(lrBase, false) !== null && batch !== null) {
    const size = num(value('lr_base_size'), false) ?? 256;
    const sqrt = typeof opt?.value === 'string' && /ada|lamb/.test(opt.value.toLowerCase());
    const globalBatch = batch * accum * (gpus ?? 1);
    const ratio = globalBatch / size;
    const lrValue = (num(lrBase, false) as number) * (sqrt ? Math.sqrt(ratio) : ratio);
    set('learningRate', lrValue, (lrBase as Given).source);
    notes.push(`learning rate ${lrValue} computed as timm's train.py does when --lr is unset: lr_base ${String(lrBase?.value)} × ${sqrt ? 'sqrt' : ''}(${batch} × ${accum} × ${gpus ?? 1} GPU(s) / ${size})${gpus === null ? ', assuming one GPU' : ''}`);
  }
  const warmup = given.get('warmup_epochs');
  if (warmup !== undefined && (num(warmup, false) ?? -1) >= 0) set('warmupEpochs', num(warmup, false), warmup.source);
  const amp = given.get('amp');
  if (amp !== undefined && typeof amp.value === 'boolean') {
    const dtype = value('amp_dtype');
    if (!amp.value) set('precision', 'fp32', amp.source);
    else if (typeof dtype?.value === 'string') set('precision', dtype.value === 'bfloat16' ? 'bf16-mixed' : 'fp16-mixed', dtype.source);
  } else if (given.has('amp_dtype') && value('amp')?.value === true) {
    const dtype = given.get('amp_dtype') as Given;
    set('precision', dtype.value === 'bfloat16' ? 'bf16-mixed' : 'fp16-mixed', dtype.source);
  }
  return { settings: settings as TrainingSettings, sources, model, notes, ...(ecosystem !== undefined ? { optimizerEcosystem: ecosystem } : {}) };
}

/** A launcher's contribution with a command-line reading over it (the command line wins). */
export function withCommandLine(c: Contribution, r: CommandLineReading): Contribution {
  const notes = [...(c.notes ?? []), ...r.notes];
  return {
    ...c,
    settings: { ...c.settings, ...r.settings },
    sources: { ...c.sources, ...r.sources },
    ...(r.optimizerEcosystem !== undefined ? { optimizerEcosystem: r.optimizerEcosystem } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}
