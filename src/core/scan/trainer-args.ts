/**
 * Reading Hugging Face Trainer arguments from an object: a training_args.json file, or the keyword
 * arguments of a `TrainingArguments(...)` / TRL `SFTConfig(...)` call in Python. `TrainingArguments`
 * fields, plus the script-argument keys usually kept beside them (run_clm-style ModelArguments /
 * DataTrainingArguments, TRL's ModelConfig).
 *
 * HfArgumentParser passes JSON values to the dataclasses unconverted, so a value of the wrong type
 * is an error here (e.g. `"bf16": "true"` would be a truthy string in Python). Absent fields take
 * the TrainingArguments defaults (./hf-defaults.ts), listed in `defaults`.
 */
import { isDataFileName } from '../dataset-splits';
import type { HyperValue, Precision } from '../types';
import type { ParseWarning } from '../parse/node';
import type { Link } from './detector';
import { ContributionBuilder, type ToolDefault } from './contribution';
import { readDeepSpeed } from './deepspeed-settings';
import { readLoadDtype } from './dtype-fields';
import { FieldReader, type Read } from './fields';
import {
  TRAINER_ADAM_BETAS,
  TRAINER_DEFAULTS,
  TRAINING_ARGUMENTS_SOURCE,
  TRL_LORA_R_DEFAULT,
  TRL_MODEL_CONFIG_SOURCE,
} from './hf-defaults';
import { isLlamaFactoryConfig, readLlamaFactory } from './llamafactory';
import type { SourceRange, TrainingSettings } from './types';

/**
 * Script-argument keys that give the training sequence length, in order of precedence.
 * `cutoff_len`: LLaMA-Factory's DataArguments (src/llamafactory/hparams/data_args.py), the length
 * its YAML configs (read as Trainer arguments here) cut tokenized examples to.
 */
const SEQ_LEN_KEYS = ['max_seq_length', 'max_length', 'block_size', 'model_max_length', 'cutoff_len'];

/** Everything one Trainer-arguments object says: settings, links and warnings go to the arguments. */
export function readTrainerArguments(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[], links: Link[]): void {
  out.runsHfTrainer = true;
  readOptimizer(reader, out);
  numberOrDefault(reader, out, 'learning_rate', { min: 0 }, 'learningRate', TRAINER_DEFAULTS.learningRate);
  numberOrDefault(reader, out, 'weight_decay', { min: 0 }, 'weightDecay', TRAINER_DEFAULTS.weightDecay);
  numberOrDefault(reader, out, 'per_device_train_batch_size', { integer: true, min: 1 }, 'perDeviceBatchSize', TRAINER_DEFAULTS.perDeviceBatchSize);
  numberOrDefault(reader, out, 'gradient_accumulation_steps', { integer: true, min: 1 }, 'gradAccum', TRAINER_DEFAULTS.gradAccum);

  const checkpointing = reader.boolean('gradient_checkpointing');
  if (checkpointing?.value != null) out.set('gradientCheckpointing', checkpointing.value, checkpointing.range);
  else if (!reader.has('gradient_checkpointing')) useTrainerDefault(out, TRAINER_DEFAULTS.gradientCheckpointing);

  readPrecision(reader, out);
  readSchedule(reader, out);

  const deepspeed = reader.node('deepspeed');
  if (deepspeed?.kind === 'string' || deepspeed?.kind === 'null') {
    const path = reader.string('deepspeed', true);
    if (typeof path?.value === 'string' && path.value.trim() !== '') {
      links.push({ kind: 'config', key: reader.nameOf('deepspeed'), value: path.value.trim(), range: path.range });
    }
  } else if (deepspeed?.kind === 'object') {
    // An inline DeepSpeed config (a dict passed to TrainingArguments): its settings win, as a
    // referenced DeepSpeed file's do.
    readDeepSpeed(reader.nested('deepspeed') as FieldReader, out, warnings);
  } else if (deepspeed !== undefined) {
    reader.fail("'deepspeed' must be the path of a DeepSpeed config, an inline config object or null", deepspeed.range);
  }
  reader.string('output_dir', true);
  reader.number('max_grad_norm');
  // The Trainer's length in epochs (used when max_steps is not positive); 3.0 by default, which is not assumed here.
  const epochs = reader.number('num_train_epochs', { min: 0 });
  if (epochs?.value != null && epochs.value > 0) out.set('epochs', epochs.value, epochs.range);
  reader.boolean('tf32', true);

  readModelReference(reader, out, links);
  readTrainData(reader, out);
  readSeqLen(reader, out);
  readLora(reader, out, warnings);
  if (isLlamaFactoryConfig(reader)) readLlamaFactory(reader, out);
  readModelDtype(reader, out, warnings);
}

/**
 * The dtype the model is loaded in: run_clm's ModelArguments / TRL's ModelConfig `torch_dtype`
 * (`dtype` in newer TRL), passed to from_pretrained; else TRL's `model_init_kwargs` (SFTConfig,
 * DPOConfig, ...), the from_pretrained arguments a TRL trainer uses when given a model name.
 */
function readModelDtype(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[]): void {
  const top = readLoadDtype(reader, warnings);
  const kwargsNode = reader.node('model_init_kwargs');
  let init: Read<string> | undefined;
  if (kwargsNode?.kind === 'object') {
    init = readLoadDtype(reader.nested('model_init_kwargs') as FieldReader, warnings);
  } else if (kwargsNode !== undefined && kwargsNode.kind !== 'null' && kwargsNode.kind !== 'string') {
    // A JSON string is also accepted by TRL (parsed as JSON at run time); it is not read here.
    reader.fail("'model_init_kwargs' must be a mapping of from_pretrained arguments", kwargsNode.range);
  }
  const chosen = top ?? init;
  if (chosen !== undefined) out.set('loadDtype', chosen.value as TrainingSettings['loadDtype'], chosen.range);
}

function useTrainerDefault<K extends keyof TrainingSettings>(out: ContributionBuilder, d: ToolDefault<K>): void {
  out.useDefault(d, TRAINING_ARGUMENTS_SOURCE);
}

type NumericSetting = 'learningRate' | 'weightDecay' | 'perDeviceBatchSize' | 'gradAccum';

/** A numeric setting, or the Trainer default when the key is not written at all. */
function numberOrDefault<K extends NumericSetting>(
  reader: FieldReader,
  out: ContributionBuilder,
  key: string,
  rule: { integer?: boolean; min?: number },
  setting: K,
  fallback: ToolDefault<K>,
): void {
  const read = reader.number(key, rule);
  if (read !== undefined && read.value !== null) out.set(setting, read.value as TrainingSettings[K], read.range);
  else if (!reader.has(key)) useTrainerDefault(out, fallback);
}

function readOptimizer(reader: FieldReader, out: ContributionBuilder): void {
  const optim = reader.string('optim');
  if (optim !== undefined && optim.value !== null) out.set('optimizer', optim.value, optim.range);
  else if (!reader.has('optim')) useTrainerDefault(out, TRAINER_DEFAULTS.optimizer);
  out.optimizerEcosystem = 'hf';

  const params: Record<string, HyperValue> = {};
  const beta1 = reader.number('adam_beta1', { min: 0, max: 1 });
  const beta2 = reader.number('adam_beta2', { min: 0, max: 1 });
  if (beta1 !== undefined || beta2 !== undefined) {
    // The Trainer passes betas=(adam_beta1, adam_beta2); the one not written keeps its default.
    params.betas = [beta1?.value ?? TRAINER_ADAM_BETAS[0], beta2?.value ?? TRAINER_ADAM_BETAS[1]];
    out.sources['optimizerParams.betas'] = out.source((beta1 ?? beta2)?.range as SourceRange);
  }
  const eps = reader.number('adam_epsilon', { min: 0 });
  if (eps !== undefined && eps.value !== null) {
    params.eps = eps.value;
    out.sources['optimizerParams.eps'] = out.source(eps.range);
  }
  const optimArgs = reader.string('optim_args', true);
  if (optimArgs !== undefined && typeof optimArgs.value === 'string') {
    const parsed = parseOptimArgs(optimArgs.value);
    if (typeof parsed === 'string') {
      reader.fail(`'${optimArgs.name}' ${parsed}`, optimArgs.range);
    } else {
      for (const [k, v] of Object.entries(parsed)) {
        params[k] = v;
        out.sources[`optimizerParams.${k}`] = out.source(optimArgs.range);
      }
    }
  }
  // GaLore's optim_target_modules (a list, or one name / "all-linear"), passed to the catalog as a
  // comma-separated `target_modules` (optimizers/galore-adamw.ts).
  const targetNode = reader.node('optim_target_modules');
  const targets = targetNode?.kind === 'string' ? reader.string('optim_target_modules') : targetNode !== undefined ? reader.stringList('optim_target_modules', true) : undefined;
  const targetValue = targets?.value;
  if (targets !== undefined && (typeof targetValue === 'string' || Array.isArray(targetValue))) {
    params.target_modules = typeof targetValue === 'string' ? targetValue : (targetValue as readonly string[]).join(',');
    out.sources['optimizerParams.target_modules'] = out.source(targets.range);
  }
  if (Object.keys(params).length > 0) out.settings.optimizerParams = params;
}

/**
 * `optim_args` as the Trainer splits it: spaces removed, `,`-separated `key=value` pairs
 * (transformers trainer.py, get_optimizer_cls_and_kwargs). Numbers and true/false are converted.
 * Returns an error text when a pair has no `=`.
 */
export function parseOptimArgs(text: string): Record<string, HyperValue> | string {
  const out: Record<string, HyperValue> = {};
  const compact = text.replace(/ /g, '');
  if (compact === '') return out;
  for (const pair of compact.split(',')) {
    const parts = pair.split('=');
    if (parts.length !== 2 || parts[0] === '') {
      return `must be comma-separated key=value pairs; '${pair}' is not`;
    }
    const [key, raw] = parts;
    const num = Number(raw);
    out[key] = raw !== '' && Number.isFinite(num) ? num : /^(true|false)$/i.test(raw) ? raw.toLowerCase() === 'true' : raw;
  }
  return out;
}

function readPrecision(reader: FieldReader, out: ContributionBuilder): void {
  const bf16 = reader.boolean('bf16');
  const fp16 = reader.boolean('fp16');
  if (bf16?.value === true && fp16?.value === true) {
    // TrainingArguments.__post_init__: "At most one of fp16 and bf16 can be True, but not both".
    const later = bf16.range.line > fp16.range.line || (bf16.range.line === fp16.range.line && bf16.range.column > fp16.range.column) ? bf16 : fp16;
    reader.fail("'bf16' and 'fp16' cannot both be true (the Trainer rejects it)", later.range);
    return;
  }
  if (bf16 === undefined && fp16 === undefined) {
    if (!reader.has('bf16') && !reader.has('fp16')) useTrainerDefault(out, TRAINER_DEFAULTS.precision);
    return;
  }
  // The Trainer's bf16/fp16 flags turn on autocast (AMP) over fp32 weights: mixed precision.
  let precision: Precision = 'fp32';
  let range = (bf16 ?? fp16)?.range as SourceRange;
  if (bf16?.value === true) {
    precision = 'bf16-mixed';
    range = bf16.range;
  } else if (fp16?.value === true) {
    precision = 'fp16-mixed';
    range = fp16.range;
  }
  out.set('precision', precision, range);
}

function readSchedule(reader: FieldReader, out: ContributionBuilder): void {
  const maxSteps = reader.number('max_steps', { integer: true });
  // max_steps = -1 (the default) means "train num_train_epochs epochs".
  if (maxSteps !== undefined && maxSteps.value !== null && maxSteps.value > 0) out.set('maxSteps', maxSteps.value, maxSteps.range);

  const scheduler = reader.string('lr_scheduler_type');
  if (scheduler !== undefined && scheduler.value !== null) out.set('scheduler', scheduler.value, scheduler.range);
  else if (!reader.has('lr_scheduler_type')) useTrainerDefault(out, TRAINER_DEFAULTS.scheduler);

  // warmup_steps: an integer step count, or (transformers >= 5) a float in [0, 1) read as a ratio of
  // the total steps. A positive warmup_steps overrides warmup_ratio (TrainingArguments.get_warmup_steps).
  const steps = reader.number('warmup_steps', { min: 0 });
  const ratio = reader.number('warmup_ratio', { min: 0, max: 1 });
  if (steps !== undefined && steps.value !== null) {
    if (steps.value > 0 && steps.value < 1) {
      out.set('warmupRatio', steps.value, steps.range);
      return;
    }
    if (!Number.isInteger(steps.value)) {
      reader.fail(`'${steps.name}' must be a whole number of steps or a ratio below 1, not ${steps.value}`, steps.range);
      return;
    }
    if (steps.value > 0 || ratio === undefined || ratio.value === null) {
      out.set('warmupSteps', steps.value, steps.range);
      return;
    }
  }
  if (ratio !== undefined && ratio.value !== null) out.set('warmupRatio', ratio.value, ratio.range);
  else if (steps === undefined && !reader.has('warmup_steps')) useTrainerDefault(out, TRAINER_DEFAULTS.warmupSteps);
}

function readModelReference(reader: FieldReader, out: ContributionBuilder, links: Link[]): void {
  const model = reader.string('model_name_or_path', true);
  const configName = reader.string('config_name', true);
  // transformers' example scripts (run_clm.py ModelArguments) and TRL's ModelConfig: model_revision, default "main".
  const revision = reader.string('model_revision', true);
  const rev = typeof revision?.value === 'string' && revision.value.trim() !== '' ? { revision: revision.value.trim() } : {};
  if (model !== undefined && typeof model.value === 'string' && model.value.trim() !== '') {
    links.push({ kind: 'model', key: model.name, value: model.value.trim(), range: model.range, ...rev });
    // Weights are loaded with from_pretrained: a fine-tuning (or continued training) run.
    out.set('pretraining', false, model.range);
  } else if (configName !== undefined && typeof configName.value === 'string' && configName.value.trim() !== '' && !/\.ya?ml$/i.test(configName.value.trim())) {
    // A `.yaml` name is Hydra's `--config-name` (the app's primary config, as open-unlearning's launch scripts pass
    // `--config-name=unlearn.yaml`), never a transformers config: AutoConfig takes a hub id, a folder or a JSON file.
    // run_clm.py and TRL build the model from the config alone when no model_name_or_path is given:
    // training from scratch.
    links.push({ kind: 'model', key: configName.name, value: configName.value.trim(), range: configName.range });
    out.set('pretraining', true, configName.range);
  }
}

/**
 * The training data where it may be local: `dataset_name` (TRL ScriptArguments and run_clm DataTrainingArguments pass it
 * to `datasets.load_dataset`, which reads a local folder by that name before the Hub; run_clm uses it over
 * `train_file`), with TRL's `dataset_train_split` (default `train`); else run_clm / run_glue's `train_file` (a .json,
 * .jsonl or .csv path). Also the cap on the examples (`max_train_samples`; LLaMA-Factory's `max_samples`), and TRL's
 * `packing` (SFTConfig: examples are concatenated into sequences of max_length, so the steps do not follow the record
 * count). A `dataset_name` that is a file path is not kept (load_dataset reads folders and Hub names, not files).
 */
function readTrainData(reader: FieldReader, out: ContributionBuilder): void {
  const name = reader.string('dataset_name', true);
  const file = reader.string('train_file', true);
  if (typeof name?.value === 'string' && name.value.trim() !== '' && !isDataFileName(name.value)) out.set('trainDataFiles', [name.value.trim()], name.range);
  else if (typeof file?.value === 'string' && /\.(jsonl|json|csv)$/i.test(file.value.trim())) out.set('trainDataFiles', [file.value.trim()], file.range);
  const split = reader.string('dataset_train_split', true);
  if (typeof split?.value === 'string' && split.value.trim() !== '') out.set('trainDataSplit', split.value.trim(), split.range);
  for (const key of ['max_train_samples', 'max_samples']) {
    const cap = reader.number(key, { integer: true, min: 1, nullable: true });
    if (cap?.value != null && out.settings.maxTrainSamples === undefined) out.set('maxTrainSamples', cap.value, cap.range);
  }
  const packing = reader.boolean('packing', true);
  if (packing?.value === true) out.set('samplePacking', true, packing.range);
}

function readSeqLen(reader: FieldReader, out: ContributionBuilder): void {
  for (const key of SEQ_LEN_KEYS) {
    const read = reader.number(key, { integer: true, min: 1, nullable: true });
    if (read !== undefined && read.value !== null && out.settings.seqLen === undefined) out.set('seqLen', read.value, read.range);
  }
}

/** TRL ModelConfig: use_peft, lora_r, lora_target_modules, load_in_4bit (QLoRA); PEFT's example spellings too. */
function readLora(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[]): void {
  // PEFT's SFT example (examples/sft/train.py ModelArguments) spells them use_peft_lora,
  // use_4bit_quantization and use_8bit_quantization.
  const usePeft = reader.boolean('use_peft') ?? reader.boolean('use_peft_lora');
  const rank = reader.number('lora_r', { integer: true, min: 1 });
  reader.number('lora_alpha', { nullable: true });
  reader.number('lora_dropout', { min: 0, max: 1, nullable: true });
  const load4 = reader.boolean('load_in_4bit') ?? reader.boolean('use_4bit_quantization');
  const load8 = reader.boolean('load_in_8bit') ?? reader.boolean('use_8bit_quantization');
  let targets: Read<string | readonly string[] | null> | undefined;
  const targetNode = reader.node('lora_target_modules');
  if (targetNode?.kind === 'string') targets = reader.string('lora_target_modules') as Read<string>;
  else if (targetNode !== undefined) targets = reader.stringList('lora_target_modules', true);

  if (load4?.value === true && load8?.value === true) {
    // TRL ModelConfig.__post_init__: "You can't use 8 bit and 4 bit precision at the same time".
    reader.fail("'load_in_8bit' and 'load_in_4bit' cannot both be true (TRL rejects it)", load4.range);
    return;
  }
  if (usePeft?.value !== true) {
    if (rank !== undefined || targets !== undefined) {
      const at = (rank ?? targets)?.range as SourceRange;
      warnings.push({
        message: "LoRA keys are set but 'use_peft' is not true, so TRL trains without LoRA",
        line: at.line,
        column: at.column,
      });
    }
    return;
  }
  if (load8?.value === true) {
    warnings.push({
      message: "'load_in_8bit': 8-bit base weights are not represented in the job settings (only 4-bit QLoRA is)",
      line: load8.range.line,
      column: load8.range.column,
    });
  }
  const enabledAt = (usePeft as Read<boolean | null>).range;
  const rankValue = rank?.value ?? TRL_LORA_R_DEFAULT;
  const qlora = load4?.value === true;
  let written = targets?.value ?? null;
  // TRL ModelConfig.__post_init__ turns a one-element list into its string, so ["all-linear"]
  // reaches PEFT as the "all-linear" shorthand.
  if (Array.isArray(written) && written.length === 1 && written[0].toLowerCase() === 'all-linear') written = written[0];
  if (typeof written === 'string' && written.toLowerCase() !== 'all-linear') {
    // PEFT treats any other string as a regular expression matched against full module names.
    warnings.push({
      message: `'lora_target_modules' is a regular expression ('${written}'); LoRA targets given as a pattern are not resolved`,
      line: (targets as Read<string>).range.line,
      column: (targets as Read<string>).range.column,
    });
    return;
  }
  if (rank === undefined) {
    out.defaults.push({ setting: 'lora.rank', key: 'lora_r', value: TRL_LORA_R_DEFAULT, source: TRL_MODEL_CONFIG_SOURCE });
  } else {
    out.sources['lora.rank'] = out.source(rank.range);
  }
  if (load4 !== undefined) out.sources['lora.qlora'] = out.source(load4.range);
  if (written === null) {
    // PEFT fills target_modules from the model type; resolved when the job knows its model.
    out.loraWithoutTargets = { rank: rankValue, qlora, source: out.source(enabledAt) };
    return;
  }
  out.set('lora', { rank: rankValue, targets: typeof written === 'string' ? 'all-linear' : written, qlora }, enabledAt);
  out.sources['lora.targets'] = out.source((targets as Read<unknown>).range);
}
