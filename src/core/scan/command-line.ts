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
 *
 * diffusers' example training scripts (huggingface/diffusers examples/text_to_image/train_text_to_image.py and its
 * siblings, `parse_args` and `main`): `--pretrained_model_name_or_path` is the pipeline whose `subfolder` model is
 * trained, `--train_batch_size` the micro-batch per device, `--gradient_accumulation_steps`, `--learning_rate`,
 * `--lr_warmup_steps`, `--adam_weight_decay` (AdamW's weight decay), `--resolution` the images' size,
 * `--gradient_checkpointing`, `--mixed_precision` (given to `Accelerator`), `--use_8bit_adam` (bitsandbytes'
 * AdamW8bit instead of torch's AdamW), `--use_ema` (an EMA copy of the trained model: not modelled).
 */
import type { CommandLineTable, Contribution, Link, ScriptArgument } from './detector';
import type { SettingSource } from './results';
import type { TrainingSettings } from './types';

/** diffusers' example scripts: argparse dest → setting (the module comment says what each one does). */
export const DIFFUSERS_DESTS = {
  train_batch_size: 'perDeviceBatchSize',
  gradient_accumulation_steps: 'gradAccum',
  learning_rate: 'learningRate',
  lr_warmup_steps: 'warmupSteps',
  adam_weight_decay: 'weightDecay',
  resolution: 'imageSize',
  gradient_checkpointing: 'gradientCheckpointing',
  mixed_precision: 'precision',
} as const satisfies Readonly<Record<string, keyof TrainingSettings>>;

/** Accelerate's `mixed_precision` values as the precision of the job (`no`: fp32). */
const ACCELERATE_PRECISION: Readonly<Record<string, string>> = { no: 'fp32', fp16: 'fp16-mixed', bf16: 'bf16-mixed' };

/** A diffusers dest's value as the setting it becomes, or null when it is not a valid value of that setting. */
export function diffusersSetting(key: (typeof DIFFUSERS_DESTS)[keyof typeof DIFFUSERS_DESTS], value: string | number | boolean | null): unknown {
  if (value === null) return null;
  if (key === 'gradientCheckpointing') return typeof value === 'boolean' ? value : null;
  if (key === 'precision') return typeof value === 'string' ? (ACCELERATE_PRECISION[value.toLowerCase()] ?? null) : null;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0) return null;
  const integer = key === 'perDeviceBatchSize' || key === 'gradAccum' || key === 'imageSize' || key === 'warmupSteps';
  if (integer && !Number.isInteger(n)) return null;
  if ((key === 'perDeviceBatchSize' || key === 'gradAccum' || key === 'imageSize') && n < 1) return null;
  return n;
}

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
  /** Fields read whose memory effect is not modelled (`key: what it does`). */
  readonly notModelled?: readonly string[];
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
  return readDiffusers(table, given, notes);
}

/** diffusers example script dests as settings; only what the command line changes is returned. */
function readDiffusers(table: CommandLineTable, given: ReadonlyMap<string, Given>, notes: string[]): CommandLineReading {
  const settings: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  for (const [dest, key] of Object.entries(DIFFUSERS_DESTS)) {
    const g = given.get(dest);
    if (g === undefined) continue;
    const value = diffusersSetting(key, g.value);
    if (value === null) {
      notes.push(`${g.source.path}:${g.source.range.line}:${g.source.range.column}: --${dest} ${JSON.stringify(g.value)} is not a valid value; the script's default is assumed`);
      continue;
    }
    settings[key] = value;
    sources[key] = g.source;
  }
  const adam8 = given.get('use_8bit_adam');
  if (adam8?.value === true) {
    settings['optimizer'] = 'bitsandbytes.optim.AdamW8bit';
    sources['optimizer'] = adam8.source;
  }
  let model: Link | null = null;
  const m = given.get('pretrained_model_name_or_path');
  if (m !== undefined && typeof m.value === 'string' && m.value !== '') {
    model = { kind: 'model', key: '--pretrained_model_name_or_path', value: m.value, range: m.source.range, path: m.source.path, ...(table.modelSubfolder !== undefined ? { subfolder: table.modelSubfolder } : {}) };
  }
  const ema = given.get('use_ema');
  const notModelled = ema?.value === true ? ['use_ema: an exponential moving average copy of the trained model (its parameters, in fp32) is kept beside it'] : [];
  return { settings: settings as TrainingSettings, sources, model, notes, ...(notModelled.length > 0 ? { notModelled } : {}) };
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
  const notModelled = [...(c.notModelled ?? []), ...(r.notModelled ?? [])];
  return {
    ...c,
    ...(notModelled.length > 0 ? { notModelled } : {}),
    settings: { ...c.settings, ...r.settings },
    sources: { ...c.sources, ...r.sources },
    ...(r.optimizerEcosystem !== undefined ? { optimizerEcosystem: r.optimizerEcosystem } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}
