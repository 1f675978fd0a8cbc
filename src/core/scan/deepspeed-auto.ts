/**
 * DeepSpeed `"auto"` values, filled the way the Hugging Face Trainer's DeepSpeed integration fills
 * them (transformers src/transformers/integrations/deepspeed.py, HfTrainerDeepSpeedConfig:
 * `trainer_config_process` from the TrainingArguments, `trainer_config_finalize` from the model's
 * hidden size and the number of training steps). The rules are typed data; each says which
 * Trainer argument (or model fact) fills the key, so that an "auto" nothing in the workspace
 * resolves becomes an assumption naming what it would take, never an error.
 *
 * Tools that build TrainingArguments from their own config (axolotl, LLaMA-Factory's YAML,
 * TRL/alignment-handbook recipes) run the same integration, so their values fill "auto" too.
 */
import type { Citation, HyperValue } from '../types';
import type { DefaultedSetting, SettingSource } from './results';
import type { SourceRange, TrainingSettings } from './types';
import { TRAINER_ADAM_BETAS } from './hf-defaults';

export const HF_DEEPSPEED_AUTO_SOURCE: Citation = {
  title: 'Hugging Face Transformers, DeepSpeed integration (HfTrainerDeepSpeedConfig)',
  url: 'https://github.com/huggingface/transformers/blob/3a80c166389f65756701d6afe22bc6ec954603da/src/transformers/integrations/deepspeed.py',
  locator: 'trainer_config_process (fill_match from TrainingArguments) and trainer_config_finalize (hidden_size-based ZeRO sizes, scheduler steps)',
};

/** TrainingArguments defaults the integration uses when the arguments leave a field out (training_args.py). */
const TRAINER_MAX_GRAD_NORM = 1.0;
const TRAINER_ADAM_EPSILON = 1e-8;

/** One "auto" written in a DeepSpeed config. */
export interface AutoField {
  /** The key relative to the DeepSpeed config (`optimizer.params.lr`). */
  readonly key: string;
  /** The key as recorded in the file's fields (`deepspeed.optimizer.params.lr` for an inline dict). */
  readonly name: string;
  readonly range: SourceRange;
}

/** An "auto" of a job's DeepSpeed config with the value the Trainer would put there. */
export interface AutoValue {
  readonly path: string;
  readonly key: string;
  readonly range: SourceRange;
  /** The filled value; null when the workspace does not say (see `from`). */
  readonly value: HyperValue | null;
  /** Where the value comes from (`per_device_train_batch_size in args.json`), or what it would take. */
  readonly from: string;
  /** Set while the value waits for the model config (the hidden-size keys). */
  readonly awaits?: 'model';
}

/** What a rule can read: the job's merged settings and where each came from. */
export interface AutoContext {
  readonly settings: TrainingSettings;
  readonly sources: Readonly<Record<string, SettingSource>>;
  readonly defaults: readonly DefaultedSetting[];
  /** Values the Trainer's own file wrote that are not training settings (max_grad_norm, adam_epsilon, betas). */
  readonly trainerFields: ReadonlyMap<string, { readonly value: HyperValue; readonly path: string }>;
  /** The file that runs the Trainer, null when the job has none. */
  readonly trainerPath: string | null;
  /** The ZeRO stage of the job (the stage3_* sizes are filled at stage 3 only). */
  readonly zeroStage: number | undefined;
}

type Resolution = { readonly value: HyperValue; readonly from: string } | { readonly value: null; readonly from: string };

interface AutoRule {
  readonly key: string;
  /** The Trainer argument(s) or fact the integration fills the key from. */
  readonly filledFrom: string;
  /** Filled after the model is loaded, from its hidden size (see `resolveHiddenSizeAuto`). */
  readonly hiddenSize?: (hidden: number) => number;
  readonly resolve?: (c: AutoContext) => Resolution;
}

/** `name in file`, or `the Trainer's default name (value)`, for a TrainingSettings key. */
function origin(c: AutoContext, setting: keyof TrainingSettings, argument: string): string {
  const source = c.sources[setting];
  if (source !== undefined) return `${argument} in ${source.path}`;
  const d = c.defaults.find((x) => x.setting === setting);
  if (d !== undefined) return `the default ${argument} (${JSON.stringify(d.value)}) of ${d.source.title}`;
  return argument;
}

function fromSetting(setting: keyof TrainingSettings, argument: string) {
  return (c: AutoContext): Resolution => {
    const value = c.settings[setting];
    if (value === undefined) return { value: null, from: `${argument}, which no file of this job states` };
    return { value: value as HyperValue, from: origin(c, setting, argument) };
  };
}

function fromTrainerField(argument: string, fallback: HyperValue) {
  return (c: AutoContext): Resolution => {
    const field = c.trainerFields.get(argument);
    if (field !== undefined) return { value: field.value, from: `${argument} in ${field.path}` };
    return { value: fallback, from: `the TrainingArguments default ${argument} (${JSON.stringify(fallback)})` };
  };
}

/** num_training_steps: max_steps when positive; else it depends on the dataset's length. */
function trainingSteps(c: AutoContext): Resolution {
  const steps = c.settings.maxSteps;
  if (steps !== undefined) return { value: steps, from: origin(c, 'maxSteps', 'max_steps') };
  return { value: null, from: 'the number of training steps (max_steps, or epochs × the dataset length), which no file of this job states' };
}

/**
 * The fill rules of HfTrainerDeepSpeedConfig, in its order. Keys not listed here are not filled by
 * the integration: an "auto" there is left to DeepSpeed or accelerate, and reported unresolved.
 */
export const DEEPSPEED_AUTO_RULES: readonly AutoRule[] = [
  { key: 'train_micro_batch_size_per_gpu', filledFrom: 'per_device_train_batch_size', resolve: fromSetting('perDeviceBatchSize', 'per_device_train_batch_size') },
  { key: 'gradient_accumulation_steps', filledFrom: 'gradient_accumulation_steps', resolve: fromSetting('gradAccum', 'gradient_accumulation_steps') },
  {
    // world_size × per_device_train_batch_size × gradient_accumulation_steps
    key: 'train_batch_size',
    filledFrom: 'world size × per_device_train_batch_size × gradient_accumulation_steps',
    resolve: (c) => {
      const { perDeviceBatchSize: micro, gradAccum: accum, gpus } = c.settings;
      if (gpus === undefined) return { value: null, from: 'the world size (number of GPUs), which no launcher of this job states' };
      if (micro === undefined || accum === undefined) return { value: null, from: 'per_device_train_batch_size and gradient_accumulation_steps' };
      return { value: gpus * micro * accum, from: `${gpus} GPUs (${origin(c, 'gpus', 'world size')}) × ${micro} × ${accum}` };
    },
  },
  { key: 'gradient_clipping', filledFrom: 'max_grad_norm', resolve: fromTrainerField('max_grad_norm', TRAINER_MAX_GRAD_NORM) },
  { key: 'optimizer.params.lr', filledFrom: 'learning_rate', resolve: fromSetting('learningRate', 'learning_rate') },
  {
    key: 'optimizer.params.betas',
    filledFrom: '[adam_beta1, adam_beta2]',
    resolve: (c) => {
      const field = c.trainerFields.get('betas');
      if (field !== undefined) return { value: field.value, from: `adam_beta1/adam_beta2 in ${field.path}` };
      return { value: [...TRAINER_ADAM_BETAS], from: `the TrainingArguments defaults adam_beta1/adam_beta2 (${TRAINER_ADAM_BETAS.join(', ')})` };
    },
  },
  { key: 'optimizer.params.eps', filledFrom: 'adam_epsilon', resolve: fromTrainerField('adam_epsilon', TRAINER_ADAM_EPSILON) },
  { key: 'optimizer.params.weight_decay', filledFrom: 'weight_decay', resolve: fromSetting('weightDecay', 'weight_decay') },
  // fill_only with 0: "not a trainer arg".
  { key: 'scheduler.params.warmup_min_lr', filledFrom: '0', resolve: () => ({ value: 0, from: 'the constant 0 the integration writes' }) },
  { key: 'scheduler.params.warmup_max_lr', filledFrom: 'learning_rate', resolve: fromSetting('learningRate', 'learning_rate') },
  {
    key: 'fp16.enabled',
    filledFrom: 'fp16',
    resolve: (c) => c.settings.precision === undefined
      ? { value: null, from: 'fp16, which no file of this job states' }
      : { value: c.settings.precision === 'fp16-mixed', from: origin(c, 'precision', 'fp16') },
  },
  {
    key: 'bf16.enabled',
    filledFrom: 'bf16',
    resolve: (c) => c.settings.precision === undefined
      ? { value: null, from: 'bf16, which no file of this job states' }
      : { value: c.settings.precision === 'bf16-mixed', from: origin(c, 'precision', 'bf16') },
  },
  { key: 'zero_optimization.reduce_bucket_size', filledFrom: "the model's hidden_size²", hiddenSize: (h) => h * h },
  { key: 'zero_optimization.stage3_prefetch_bucket_size', filledFrom: "0.9 × the model's hidden_size² (ZeRO-3)", hiddenSize: (h) => 0.9 * h * h },
  { key: 'zero_optimization.stage3_param_persistence_threshold', filledFrom: "10 × the model's hidden_size (ZeRO-3)", hiddenSize: (h) => 10 * h },
  { key: 'scheduler.params.total_num_steps', filledFrom: 'the number of training steps', resolve: trainingSteps },
  {
    // args.get_warmup_steps(num_training_steps): warmup_steps when positive, else ceil(steps × warmup_ratio).
    key: 'scheduler.params.warmup_num_steps',
    filledFrom: 'warmup_steps (or warmup_ratio × the training steps)',
    resolve: (c) => {
      const steps = c.settings.warmupSteps;
      if (steps !== undefined && steps > 0) return { value: steps, from: origin(c, 'warmupSteps', 'warmup_steps') };
      const ratio = c.settings.warmupRatio;
      if (ratio === undefined) return { value: steps ?? 0, from: origin(c, 'warmupSteps', 'warmup_steps') };
      const total = trainingSteps(c);
      if (total.value === null) return { value: null, from: `warmup_ratio × ${total.from}` };
      return { value: Math.ceil((total.value as number) * ratio), from: `ceil(${total.value} × warmup_ratio ${ratio})` };
    },
  },
];

const RULE_BY_KEY = new Map(DEEPSPEED_AUTO_RULES.map((r) => [r.key, r]));

/** Fills the autos of one DeepSpeed file for a job (hidden-size keys wait for the model). */
export function resolveAutos(path: string, autos: readonly AutoField[], c: AutoContext): AutoValue[] {
  return autos.map((a) => {
    const base = { path, key: a.key, range: a.range };
    const rule = RULE_BY_KEY.get(a.key);
    if (rule === undefined) {
      return { ...base, value: null, from: 'nothing: the Hugging Face Trainer does not fill this key (DeepSpeed or accelerate decides it at launch)' };
    }
    if (c.trainerPath === null) {
      return { ...base, value: null, from: `${rule.filledFrom} of the Hugging Face Trainer, which this job does not run (no Trainer arguments found)` };
    }
    if (rule.hiddenSize !== undefined) {
      if (a.key.startsWith('zero_optimization.stage3_') && c.zeroStage !== undefined && c.zeroStage !== 3) {
        return { ...base, value: null, from: `${rule.filledFrom}; not filled below ZeRO stage 3` };
      }
      return { ...base, value: null, from: `${rule.filledFrom} (known once the model config is read)`, awaits: 'model' };
    }
    const r = (rule.resolve as (c: AutoContext) => Resolution)(c);
    const via = r.value === null || r.from.includes(c.trainerPath) ? '' : ` (the Trainer of ${c.trainerPath})`;
    return { ...base, value: r.value, from: `${r.from}${via}` };
  });
}

/**
 * `model.config.hidden_size` as transformers answers it: the field itself, or the field its config
 * class maps `hidden_size` to (PretrainedConfig.attribute_map: GPT2Config `n_embd`, T5Config/BartConfig
 * `d_model`, DistilBertConfig `dim`); else, as the integration does, the largest of `hidden_sizes`.
 */
const HIDDEN_SIZE_ALIASES = ['hidden_size', 'n_embd', 'd_model', 'dim'];

function hiddenSizeOf(config: Readonly<Record<string, unknown>>): number | null {
  for (const key of HIDDEN_SIZE_ALIASES) {
    const v = config[key];
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  }
  const sizes = config['hidden_sizes'];
  if (Array.isArray(sizes) && sizes.length > 0 && sizes.every((x) => typeof x === 'number')) return Math.max(...(sizes as number[]));
  return null;
}

/** Fills the hidden-size keys once the model is known: `hidden_size`, else the largest of `hidden_sizes`. */
export function resolveHiddenSizeAutos(values: readonly AutoValue[], config: Readonly<Record<string, unknown>>): AutoValue[] {
  const hiddenSize = hiddenSizeOf(config);
  return values.map((v) => {
    const rule = RULE_BY_KEY.get(v.key);
    if (v.awaits !== 'model' || rule?.hiddenSize === undefined) return v;
    const rest: AutoValue = { path: v.path, key: v.key, range: v.range, value: null, from: v.from };
    if (hiddenSize === null) {
      return { ...rest, from: `${rule.filledFrom}; the model config has neither hidden_size nor hidden_sizes (the Trainer would stop here)` };
    }
    return { ...rest, value: rule.hiddenSize(hiddenSize), from: `${rule.filledFrom} (hidden_size ${hiddenSize})` };
  });
}

/** The assumption text of an "auto" left unresolved. */
export function autoAssumption(v: AutoValue): string {
  return `${v.path}: "${v.key}" is "auto" and stays unknown: it would be filled from ${v.from}`;
}
