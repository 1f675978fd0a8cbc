/**
 * Command-line dialects of training CLIs whose flags are not (only) Hugging Face Trainer arguments,
 * read from a launch script's words (./launch.ts). Each dialect maps its flags to job settings, and
 * states the tool's own defaults (as assumptions naming the default) for what the command leaves out.
 *
 * - ms-swift (`swift sft ...`, `python swift/cli/sft.py`, `-m swift.cli.sft`): Trainer arguments plus
 *   `--model`, `--train_type`/`--tuner_type` (default lora), `--lora_rank` (default 8), `--target_modules`
 *   (default all-linear), `--quant_bits` (4: QLoRA), `--torch_dtype` (bf16/fp16 mixed precision when
 *   bf16/fp16 are not given: ModelArguments._init_mixed_precision), `--deepspeed zero0..zero3[_offload]`
 *   (its bundled DeepSpeed configs). Source: modelscope/ms-swift swift/llm/argument (TunerArguments,
 *   ModelArguments, QuantizeArguments), swift/llm/ds_config/*.json.
 * - OpenRLHF (`openrlhf.cli.train_sft|train_dpo|train_rm|...` run as a module or a file): its own
 *   argparse flags, dotted (`--train.micro_batch_size`, `--ds.zero_stage`, `--adam.lr`, `--ds.lora.rank`,
 *   `--data.max_len`, `--model.model_name_or_path`) or flat as in older releases (`--micro_train_batch_size`,
 *   `--zero_stage`, `--learning_rate`, `--lora_rank`, `--max_len`, `--pretrain`, `--bf16`). Source:
 *   OpenRLHF/OpenRLHF openrlhf/cli/train_sft.py (argument defaults).
 * - DeepSpeed-Chat style scripts (`deepspeed main.py ... --zero_stage N --deepspeed`): `--zero_stage`,
 *   `--offload` (parameters and optimizer to the CPU), `--dtype`, `--max_seq_len`, `--num_warmup_steps`,
 *   `--lora_dim` with `--only_optimize_lora` (without it every weight trains beside the LoRA layers);
 *   the rest are read as Trainer-style arguments. Source: deepspeedai/DeepSpeedExamples
 *   applications/DeepSpeed-Chat (dschat/utils/ds_utils.py get_train_ds_config, dschat/utils/module/lora.py).
 */
import type { OffloadTarget, ZeroStage } from '../../memory/types';
import type { Citation, Precision } from '../../types';
import type { ContributionBuilder, ToolDefault } from '../contribution';
import type { Link } from '../detector';
import type { FieldFinding, SourceRange, TrainingSettings } from '../types';
import type { Launch } from './launch';
import type { Word } from './words';

export type Dialect = 'ms-swift' | 'openrlhf' | 'deepspeed-chat';

/** One `--key value` (or `--flag`, value null) of the command. */
export interface DialectArg {
  readonly key: string;
  readonly value: Word | null;
  /** The whole argument's range (the flag's word). */
  readonly range: SourceRange;
}

type Note = (message: string, range: SourceRange) => void;

const SWIFT_SCRIPT = /(^|\/)swift\/cli\/(sft|rlhf|pt)\.py$|^swift\.cli\.(sft|rlhf|pt)$/;
const OPENRLHF_SCRIPT = /(^|\/)openrlhf[./]cli[./](train_\w+?)(\.py)?$/;

/** The dialect of the launched program, or null for plain Trainer arguments. */
export function dialectOf(launch: Launch): Dialect | null {
  if (launch.launcher === 'swift') return 'ms-swift';
  const script = launch.script?.value ?? '';
  if (SWIFT_SCRIPT.test(script)) return 'ms-swift';
  if (OPENRLHF_SCRIPT.test(script)) return 'openrlhf';
  // DeepSpeed's own `--deepspeed` switch beside a `--zero_stage` flag: the DeepSpeed-Chat argument set.
  const keys = new Set(launch.args.map((w) => (w.text ?? '').replace(/^--/, '').replace(/=.*$/s, '')));
  if (keys.has('zero_stage') && launch.args.some((w) => w.text === '--deepspeed')) return 'deepspeed-chat';
  return null;
}

const SWIFT_SOURCE: Citation = {
  title: 'ms-swift, TunerArguments',
  url: 'https://github.com/modelscope/ms-swift/blob/dfaf7e1f5f13df2cf34479ca99c5c38717f62ff6/swift/llm/argument/tuner_args.py',
  locator: 'tuner_type (train_type) = lora, lora_rank = 8, target_modules = [all-linear]',
};

/** ms-swift's bundled DeepSpeed configs (swift/llm/ds_config): stage and what they offload to the CPU. */
const SWIFT_DEEPSPEED: Readonly<Record<string, { stage: ZeroStage; offload: OffloadTarget }>> = {
  zero0: { stage: 0, offload: 'none' },
  zero1: { stage: 1, offload: 'none' },
  zero2: { stage: 2, offload: 'none' },
  zero3: { stage: 3, offload: 'none' },
  zero2_offload: { stage: 2, offload: 'optimizer' },
  zero3_offload: { stage: 3, offload: 'params' },
};

/** Tuner types that train LoRA adapters (QLoRA is LoRA over a 4-bit base, set by quant_bits). */
const SWIFT_LORA_TYPES = new Set(['lora', 'longlora', 'adalora', 'qlora']);

const text = (a: DialectArg | undefined): string | null => (a === undefined ? null : a.value === null ? 'true' : a.value.text);
const last = (args: readonly DialectArg[], ...keys: string[]): DialectArg | undefined => {
  for (let k = args.length - 1; k >= 0; k--) if (keys.includes(args[k].key)) return args[k];
  return undefined;
};
const positiveInt = (t: string | null): number | null => (t !== null && /^\d+$/.test(t) && Number(t) >= 1 ? Number(t) : null);
const rangeOf = (a: DialectArg): SourceRange => a.value?.range ?? a.range;

/**
 * ms-swift's own flags: sets LoRA / QLoRA, ZeRO and precision on `out`, links the model, and returns the
 * arguments the Trainer-arguments reader reads (`--model` renamed `model_name_or_path`; a bundled
 * DeepSpeed config name and the tuner flags removed; `bf16`/`fp16` added from `--torch_dtype`).
 */
export function readSwiftArguments(args: readonly DialectArg[], out: ContributionBuilder, fields: FieldFinding[], note: Note): DialectArg[] {
  const own = new Set(['train_type', 'tuner_type', 'lora_rank', 'target_modules', 'quant_bits', 'quant_method', 'model']);
  const rest: DialectArg[] = [];
  for (const a of args) {
    if (a.key === 'model') rest.push({ ...a, key: 'model_name_or_path' });
    else if (a.key === 'deepspeed' && a.value?.text != null && SWIFT_DEEPSPEED[a.value.text] !== undefined) {
      const ds = SWIFT_DEEPSPEED[a.value.text];
      out.set('zeroStage', ds.stage, rangeOf(a));
      if (ds.offload !== 'none') out.set('offload', ds.offload, rangeOf(a));
      fields.push({ name: 'deepspeed', value: a.value.text, range: rangeOf(a) });
    } else if (!own.has(a.key)) rest.push(a);
  }
  // torch_dtype turns on the Trainer's bf16 / fp16 when neither is given (ModelArguments._init_mixed_precision).
  const dtype = last(args, 'torch_dtype');
  if (dtype !== undefined && last(args, 'bf16', 'fp16') === undefined) {
    const t = text(dtype)?.toLowerCase() ?? '';
    const flag = t === 'bfloat16' || t === 'bf16' ? 'bf16' : t === 'float16' || t === 'fp16' ? 'fp16' : null;
    if (flag !== null) rest.push({ key: flag, value: null, range: rangeOf(dtype) });
  }

  const tuner = last(args, 'tuner_type', 'train_type');
  const tunerText = tuner === undefined ? 'lora' : text(tuner);
  if (tunerText === null) {
    note(`--${(tuner as DialectArg).key} is not known statically: the tuner (LoRA or full) is not read`, (tuner as DialectArg).range);
    return rest;
  }
  if (tuner !== undefined) fields.push({ name: tuner.key, value: tunerText, range: rangeOf(tuner) });
  if (tunerText === 'full') {
    if (tuner !== undefined) out.sources['adapter'] = out.source(rangeOf(tuner));
    return rest;
  }
  if (!SWIFT_LORA_TYPES.has(tunerText)) {
    if (tuner !== undefined) note(`--${tuner.key} ${tunerText} is not modelled: the job is estimated without that adapter`, rangeOf(tuner));
    return rest;
  }
  const rankArg = last(args, 'lora_rank');
  const rank = positiveInt(text(rankArg));
  const bits = last(args, 'quant_bits');
  const qlora = text(bits) === '4';
  const targetsArg = last(args, 'target_modules');
  const targetsText = targetsArg?.value?.text ?? null;
  const targets: readonly string[] | 'all-linear' = targetsText === null || targetsText === 'all-linear' ? 'all-linear' : targetsText.split(/[\s,]+/).filter((x) => x !== '');
  const at = tuner !== undefined ? rangeOf(tuner) : rankArg !== undefined ? rangeOf(rankArg) : null;
  const lora: NonNullable<TrainingSettings['lora']> = { rank: rank ?? 8, targets, qlora, ...(text(bits) === '8' ? { int8: true } : {}) };
  if (at !== null) out.set('lora', lora, at);
  else {
    // No tuner flag at all: ms-swift's default tuner is LoRA.
    out.settings.lora = lora;
    out.defaults.push({ setting: 'lora', key: 'tuner_type', value: 'lora', source: SWIFT_SOURCE });
  }
  if (rankArg !== undefined && rank !== null) {
    out.sources['lora.rank'] = out.source(rangeOf(rankArg));
    fields.push({ name: 'lora_rank', value: rank, range: rangeOf(rankArg) });
  } else {
    if (rankArg !== undefined) note(`--lora_rank ${rankArg.value?.raw ?? ''} is not a rank; ms-swift's default 8 is used`, rangeOf(rankArg));
    out.defaults.push({ setting: 'lora.rank', key: 'lora_rank', value: 8, source: SWIFT_SOURCE });
  }
  if (bits !== undefined && (qlora || text(bits) === '8')) {
    out.sources['lora.qlora'] = out.source(rangeOf(bits));
    fields.push({ name: 'quant_bits', value: text(bits) as string, range: rangeOf(bits) });
  }
  if (targetsArg !== undefined) out.sources['lora.targets'] = out.source(rangeOf(targetsArg));
  return rest;
}

const OPENRLHF_SOURCE: Citation = {
  title: 'OpenRLHF, openrlhf/cli/train_sft.py',
  url: 'https://github.com/OpenRLHF/OpenRLHF/blob/3c3be6234e0cb353e76bb8019947db9dfe99fca7/openrlhf/cli/train_sft.py',
  locator: 'argparse defaults',
};

/** OpenRLHF flags, dotted (current) and flat (older releases), to the setting they give. */
const OPENRLHF_KEYS: Readonly<Record<string, string>> = {
  'model.model_name_or_path': 'model', pretrain: 'model',
  'train.micro_batch_size': 'micro', micro_train_batch_size: 'micro',
  'train.batch_size': 'global', train_batch_size: 'global',
  'ds.zero_stage': 'zero', zero_stage: 'zero',
  'ds.param_dtype': 'dtype', param_dtype: 'dtype', bf16: 'bf16',
  'ds.lora.rank': 'rank', lora_rank: 'rank',
  'ds.load_in_4bit': 'load4', load_in_4bit: 'load4',
  'data.max_len': 'len', max_len: 'len',
  'adam.lr': 'lr', learning_rate: 'lr',
  'adam.weight_decay': 'wd', l2: 'wd',
  'ds.adam_offload': 'offload', adam_offload: 'offload',
  lr_warmup_ratio: 'warmup',
  'model.gradient_checkpointing_enable': 'ckpt', gradient_checkpointing: 'ckpt',
};

/** OpenRLHF's defaults for what a command leaves out (train_sft.py argparse). */
const OPENRLHF_DEFAULTS: readonly ToolDefault[] = [
  { setting: 'perDeviceBatchSize', key: 'train.micro_batch_size', value: 8 },
  { setting: 'zeroStage', key: 'ds.zero_stage', value: 2 },
  { setting: 'precision', key: 'ds.param_dtype', value: 'bf16-mixed', note: 'DeepSpeed bf16 with fp32 master weights' },
  { setting: 'optimizer', key: 'optim', value: 'FusedAdam', note: "DeepSpeed's FusedAdam in AdamW mode, betas (0.9, 0.95)" },
  { setting: 'learningRate', key: 'adam.lr', value: 5e-6 },
  { setting: 'weightDecay', key: 'adam.weight_decay', value: 0 },
  { setting: 'warmupRatio', key: 'lr_warmup_ratio', value: 0.03 },
  { setting: 'offload', key: 'ds.adam_offload', value: 'none' },
];

const OPENRLHF_DTYPES: Readonly<Record<string, Precision>> = { bf16: 'bf16-mixed', fp16: 'fp16-mixed' };

/** OpenRLHF's flags: every setting they give, OpenRLHF's defaults for the rest, and the model link. */
export function readOpenRlhfArguments(args: readonly DialectArg[], out: ContributionBuilder, links: Link[], fields: FieldFinding[], note: Note, gpus: number | null): void {
  const by = new Map<string, DialectArg>();
  for (const a of args) {
    const what = OPENRLHF_KEYS[a.key];
    if (what !== undefined) by.set(what, a);
  }
  const num = (what: string, integer: boolean): { value: number; range: SourceRange } | null => {
    const a = by.get(what);
    if (a === undefined) return null;
    const t = text(a);
    const n = t === null ? NaN : Number(t);
    if (t === null || t.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
      note(`--${a.key} is ${a.value?.raw ?? 'empty'}: not read`, rangeOf(a));
      return null;
    }
    fields.push({ name: a.key, value: n, range: rangeOf(a) });
    return { value: n, range: rangeOf(a) };
  };
  const model = by.get('model');
  if (model?.value?.text != null) {
    links.push({ kind: 'model', key: `--${model.key}`, value: model.value.text, range: rangeOf(model) });
    fields.push({ name: model.key, value: model.value.text, range: rangeOf(model) });
    out.set('pretraining', false, rangeOf(model));
  }
  const micro = num('micro', true);
  if (micro !== null && micro.value >= 1) out.set('perDeviceBatchSize', micro.value, micro.range);
  const global = num('global', true);
  const microValue = micro?.value ?? 8;
  if (global !== null && gpus !== null && global.value % (microValue * gpus) === 0 && global.value >= microValue * gpus) {
    // DeepSpeed's train_batch_size = micro × accumulation × data-parallel ranks.
    out.set('gradAccum', global.value / (microValue * gpus), global.range);
  } else if (global !== null) {
    note(`--${(by.get('global') as DialectArg).key} ${global.value} is the global batch: gradient accumulation is ${global.value} / (micro-batch ${microValue} × GPUs)${gpus === null ? ', and the GPU count is not known' : ''}`, global.range);
  }
  const zero = num('zero', true);
  if (zero !== null && zero.value <= 3) out.set('zeroStage', zero.value as ZeroStage, zero.range);
  const dtype = by.get('dtype');
  const bf16 = by.get('bf16');
  if (dtype !== undefined) {
    const p = OPENRLHF_DTYPES[(text(dtype) ?? '').toLowerCase()];
    if (p !== undefined) {
      out.set('precision', p, rangeOf(dtype));
      fields.push({ name: dtype.key, value: text(dtype) as string, range: rangeOf(dtype) });
    } else note(`--${dtype.key} ${dtype.value?.raw ?? ''} is not read`, rangeOf(dtype));
  } else if (bf16 !== undefined) out.set('precision', 'bf16-mixed', bf16.range);
  const rank = num('rank', true);
  const load4 = by.get('load4');
  if (rank !== null && rank.value >= 1) {
    out.set('lora', { rank: rank.value, targets: 'all-linear', qlora: load4 !== undefined }, rank.range);
    out.sources['lora.rank'] = out.source(rank.range);
    if (load4 !== undefined) out.sources['lora.qlora'] = out.source(load4.range);
  } else if (rank !== null) out.sources['adapter'] = out.source(rank.range);
  const len = num('len', true);
  if (len !== null && len.value >= 1) out.set('seqLen', len.value, len.range);
  const lr = num('lr', false);
  if (lr !== null) out.set('learningRate', lr.value, lr.range);
  const wd = num('wd', false);
  if (wd !== null) out.set('weightDecay', wd.value, wd.range);
  const warmup = num('warmup', false);
  if (warmup !== null && warmup.value <= 1) out.set('warmupRatio', warmup.value, warmup.range);
  const offload = by.get('offload');
  if (offload !== undefined) out.set('offload', 'optimizer', offload.range);
  const ckpt = by.get('ckpt');
  if (ckpt !== undefined) out.set('gradientCheckpointing', true, ckpt.range);
  out.optimizerEcosystem = 'deepspeed';
  for (const d of OPENRLHF_DEFAULTS) {
    if (out.settings[d.setting] === undefined) out.useDefault(d as ToolDefault<keyof TrainingSettings>, OPENRLHF_SOURCE);
  }
}


/** DeepSpeed-Chat's `--dtype` choices as precisions (get_train_ds_config enables that DeepSpeed section). */
export const DS_CHAT_DTYPES: Readonly<Record<string, Precision>> = { fp16: 'fp16-mixed', bf16: 'bf16-mixed', fp32: 'fp32' };

/**
 * DeepSpeed-Chat's own flags: sets ZeRO, offload, precision, length, warmup and LoRA on `out`; returns the
 * arguments left for the Trainer-arguments reader.
 */
export function readDeepSpeedChatArguments(args: readonly DialectArg[], out: ContributionBuilder, fields: FieldFinding[], note: Note): DialectArg[] {
  const own = new Set(['zero_stage', 'offload', 'dtype', 'max_seq_len', 'num_warmup_steps', 'lora_dim', 'only_optimize_lora', 'lora_module_name']);
  const rest = args.filter((a) => !own.has(a.key));
  const intOf = (key: string, min: number, max = Number.MAX_SAFE_INTEGER): { value: number; range: SourceRange } | null => {
    const a = last(args, key);
    if (a === undefined) return null;
    const t = text(a);
    if (t === null || !/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
      note(`--${key} is ${a.value?.raw ?? 'empty'}: ${a.value?.unknown ?? a.value?.assumed ?? 'not a value the script accepts'}`, rangeOf(a));
      return null;
    }
    if (a.value?.assumed !== undefined) note(`--${key} is ${a.value.raw}: ${a.value.assumed}`, rangeOf(a));
    fields.push({ name: key, value: Number(t), range: rangeOf(a) });
    return { value: Number(t), range: rangeOf(a) };
  };
  const zero = intOf('zero_stage', 0, 3);
  if (zero !== null) out.set('zeroStage', zero.value as ZeroStage, zero.range);
  const offload = last(args, 'offload');
  if (offload !== undefined && offload.value === null) out.set('offload', 'params', offload.range);
  const dtype = last(args, 'dtype');
  const p = dtype === undefined ? undefined : DS_CHAT_DTYPES[(text(dtype) ?? '').toLowerCase()];
  if (dtype !== undefined && p !== undefined) out.set('precision', p, rangeOf(dtype));
  else if (dtype !== undefined) note(`--dtype ${dtype.value?.raw ?? ''} is not read`, rangeOf(dtype));
  const len = intOf('max_seq_len', 1);
  if (len !== null) out.set('seqLen', len.value, len.range);
  const warmup = intOf('num_warmup_steps', 0);
  if (warmup !== null) out.set('warmupSteps', warmup.value, warmup.range);
  const dim = intOf('lora_dim', 0);
  if (dim !== null && dim.value > 0) {
    if (last(args, 'only_optimize_lora') !== undefined) {
      out.set('lora', { rank: dim.value, targets: 'all-linear', qlora: false }, dim.range);
      out.sources['lora.rank'] = out.source(dim.range);
    } else {
      // convert_linear_layer_to_lora adds the adapters; without --only_optimize_lora the base weights train too.
      out.sources['adapter'] = out.source(dim.range);
      out.notModelled.push(`${out.path}:${dim.range.line}: --lora_dim ${dim.value} adds LoRA layers, but without --only_optimize_lora every weight trains: estimated as full training, the adapters' own memory not counted`);
    }
  } else if (dim !== null) out.sources['adapter'] = out.source(dim.range);
  return rest;
}
