/**
 * Training scripts configured by their module globals, nanoGPT style (karpathy/nanoGPT @ 3adf61e,
 * train.py and configurator.py): train.py assigns defaults as module globals, then runs
 * `exec(open('configurator.py').read())`, which executes each `.py` argument (an override file such as
 * config/train_shakespeare_char.py) and applies each `--key=value` argument with `literal_eval`. The job's
 * values are the globals after those overrides, in order: the script's defaults, the override files, the
 * command line. Read statically: an override written as a literal or simple arithmetic applies; anything
 * else is reported as an assumption with its reason (the script's default is kept).
 *
 * What the globals mean (nanoGPT train.py): `batch_size` is the micro-batch per GPU,
 * `gradient_accumulation_steps` is divided by the DDP world size (`gradient_accumulation_steps //=
 * ddp_world_size`), `learning_rate` / `weight_decay` go to `configure_optimizers` (AdamW), `warmup_iters`
 * is the linear warmup of `get_lr`, used only when `decay_lr` is true, `block_size` is the sequence length,
 * `dtype` the autocast dtype (float32 / bfloat16 / float16), and `init_from` 'scratch' builds
 * `GPT(GPTConfig(n_layer, n_head, n_embd, block_size, bias, vocab_size))` while 'gpt2*' loads the
 * Hugging Face GPT-2 checkpoint of that name. The vocabulary is `meta['vocab_size']` of the pickle at
 * `os.path.join('data', dataset, 'meta.pkl')` when it exists (written by the dataset's prepare.py), else 50304.
 */
import type { Precision } from '../types';
import type { ModuleGlobal, ModuleGlobals } from './detector';
import type { SettingSource } from './results';
import type { ModelRef, TrainingSettings } from './types';

export const NANOGPT_SOURCE = {
  title: 'karpathy/nanoGPT train.py',
  url: 'https://github.com/karpathy/nanoGPT/blob/3adf61e154c3fe3fca428ad6bc3818b27a3b8291/train.py',
  locator: 'module globals; meta_path = os.path.join(data_dir, \'meta.pkl\'), meta_vocab_size "defaulting to vocab_size of GPT-2 to 50304"; gradient_accumulation_steps //= ddp_world_size; get_lr',
} as const;

/** The globals whose names say a file configures a nanoGPT-style script (two of them must be assigned). */
export const NANOGPT_KEYS: ReadonlySet<string> = new Set([
  'batch_size', 'gradient_accumulation_steps', 'block_size', 'n_layer', 'n_head', 'n_embd', 'learning_rate', 'init_from',
  'max_iters', 'warmup_iters', 'lr_decay_iters', 'weight_decay', 'decay_lr',
]);

/** nanoGPT's vocabulary when the dataset folder has no meta.pkl: GPT-2's 50257 padded to a multiple of 64. */
export const NANOGPT_DEFAULT_VOCAB = 50304;

/** A merged global: its value and the file (and range) of the assignment that decided it. */
export interface MergedGlobal {
  readonly value: number | string | boolean | null;
  readonly source: SettingSource;
}

/**
 * The globals after every override, in the order given (defaults first). An override whose value is not
 * known statically keeps the earlier value and adds a note naming the reason.
 */
export function mergeGlobals(files: readonly { readonly path: string; readonly globals: ModuleGlobals }[], notes: string[]): Map<string, MergedGlobal> {
  const merged = new Map<string, MergedGlobal>();
  for (const { path, globals } of files) {
    for (const g of globals.globals) {
      if (g.unknown !== undefined) {
        const kept = merged.get(g.name);
        if (kept !== undefined || globals.role !== 'defaults' || NANOGPT_KEYS.has(g.name) || g.name === 'dtype') {
          notes.push(`${path}:${g.range.line}:${g.range.column}: '${g.name}' ${g.unknown}; ${kept !== undefined ? `the earlier value ${JSON.stringify(kept.value)} (${kept.source.path}) is assumed` : 'it is not read'}`);
        }
        continue;
      }
      merged.set(g.name, { value: g.value, source: { path, range: g.range } });
    }
  }
  return merged;
}

const AUTOCAST: Readonly<Record<string, Precision>> = { float32: 'fp32', bfloat16: 'bf16-mixed', float16: 'fp16-mixed' };

/** The job's settings from the merged globals, each with its source. `gpus`: the launch's GPU count, when known. */
export function globalsSettings(
  merged: ReadonlyMap<string, MergedGlobal>,
  divideByGpus: boolean,
  gpus: number | undefined,
  notes: string[],
): { settings: TrainingSettings; sources: Record<string, SettingSource> } {
  const settings: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  const int = (name: string, key: keyof TrainingSettings, min: number): void => {
    const g = merged.get(name);
    if (g === undefined || typeof g.value !== 'number' || !Number.isInteger(g.value) || g.value < min) return;
    settings[key] = g.value;
    sources[key] = g.source;
  };
  const num = (name: string, key: keyof TrainingSettings): void => {
    const g = merged.get(name);
    if (g === undefined || typeof g.value !== 'number' || !(g.value >= 0)) return;
    settings[key] = g.value;
    sources[key] = g.source;
  };
  int('batch_size', 'perDeviceBatchSize', 1);
  int('gradient_accumulation_steps', 'gradAccum', 1);
  num('learning_rate', 'learningRate');
  num('weight_decay', 'weightDecay');
  int('block_size', 'seqLen', 1);
  int('max_iters', 'maxSteps', 1);
  const decay = merged.get('decay_lr');
  if (decay?.value === true) int('warmup_iters', 'warmupSteps', 0);
  else if (decay?.value === false) notes.push(`${decay.source.path}:${decay.source.range.line}:${decay.source.range.column}: decay_lr is False: nanoGPT keeps the learning rate constant, so warmup_iters is not used`);
  const dtype = merged.get('dtype');
  const precision = typeof dtype?.value === 'string' ? AUTOCAST[dtype.value] : undefined;
  if (precision !== undefined && dtype !== undefined) {
    settings['precision'] = precision;
    sources['precision'] = dtype.source;
  }
  const accum = settings['gradAccum'];
  if (divideByGpus && typeof accum === 'number') {
    if (gpus !== undefined && gpus > 1 && accum % gpus === 0) settings['gradAccum'] = accum / gpus;
    else if (gpus === undefined) notes.push(`gradient_accumulation_steps ${accum} is divided by the number of GPUs under DDP; no launch states it, so one GPU is assumed`);
  }
  return { settings: settings as TrainingSettings, sources };
}

/**
 * The vocabulary of a script-built model: read from the dataset's meta.pkl (the file and where it states it), or
 * assumed with the reason (nanoGPT's default when the file does not exist or cannot be read).
 */
export type ScratchVocab =
  | { readonly value: number; readonly source: SettingSource }
  | { readonly value: number; readonly assumption: string };

/**
 * The path of the meta.pkl the script reads (`ModuleGlobals.metaPickle`, relative to where the script runs), its
 * globals replaced by their values after the overrides; or why it is not known.
 */
export function metaPicklePath(merged: ReadonlyMap<string, MergedGlobal>, parts: NonNullable<ModuleGlobals['metaPickle']>['parts']): { readonly path: string } | { readonly unknown: string } {
  const out: string[] = [];
  for (const p of parts) {
    if (typeof p === 'string') {
      out.push(p);
      continue;
    }
    const v = merged.get(p.global)?.value;
    if (typeof v !== 'string' || v === '') return { unknown: `its path names the global '${p.global}', whose value is not a known string` };
    out.push(v);
  }
  return { path: out.join('/') };
}

/**
 * The model of `init_from='scratch'`: nanoGPT's GPT of the globals (../models/families/nanogpt.ts: n_layer, n_head,
 * n_embd, block_size, bias, dropout), with `vocab` (read from the dataset's meta.pkl, or assumed:
 * NANOGPT_DEFAULT_VOCAB with the reason).
 * Null when `init_from` is not 'scratch' or a size global is not a positive integer.
 */
export function scratchModel(merged: ReadonlyMap<string, MergedGlobal>, notes: string[], vocab: ScratchVocab | null = null): Extract<ModelRef, { kind: 'script-config' }> | null {
  const init = merged.get('init_from');
  if (init === undefined || init.value !== 'scratch') return null;
  const size = (name: string): number | null => {
    const v = merged.get(name)?.value;
    return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : null;
  };
  const [layers, heads, embd, block] = [size('n_layer'), size('n_head'), size('n_embd'), size('block_size')];
  if (layers === null || heads === null || embd === null || block === null) return null;
  const global = merged.get('vocab_size');
  const vocabSize = size('vocab_size');
  const chosen: ScratchVocab =
    vocabSize !== null && global !== undefined
      ? { value: vocabSize, source: global.source }
      : (vocab ?? { value: NANOGPT_DEFAULT_VOCAB, assumption: `nanoGPT reads it from data/<dataset>/meta.pkl, and the script's path to it is not known; its default ${NANOGPT_DEFAULT_VOCAB} (${NANOGPT_SOURCE.title}) is assumed` });
  if ('assumption' in chosen) notes.push(`vocab_size ${chosen.value}: ${chosen.assumption}`);
  // GPTConfig's defaults when the script has no such global: bias True, dropout 0.0 (nanoGPT model.py).
  const bias = merged.get('bias')?.value;
  const dropout = merged.get('dropout')?.value;
  const config = {
    model_type: 'nanogpt', architectures: ['GPT'], n_layer: layers, n_head: heads, n_embd: embd, block_size: block, vocab_size: chosen.value,
    bias: typeof bias === 'boolean' ? bias : true, dropout: typeof dropout === 'number' && dropout >= 0 && dropout <= 1 ? dropout : 0,
  };
  return { kind: 'script-config', name: 'scratch', config, path: init.source.path, range: init.source.range, vocab: chosen };
}

/** The merged globals of the job's files that a configurator script reads, or null when none does. */
export function globalsOfJob(members: readonly { readonly path: string; readonly globals?: ModuleGlobals }[], notes: string[]): Map<string, MergedGlobal> | null {
  const files = members.filter((m): m is { path: string; globals: ModuleGlobals } => m.globals !== undefined);
  const order = { defaults: 0, override: 1, 'command-line': 2 } as const;
  if (!files.some((f) => f.globals.role === 'defaults')) return null;
  return mergeGlobals([...files].sort((a, b) => order[a.globals.role] - order[b.globals.role]), notes);
}

export type { ModuleGlobal };
