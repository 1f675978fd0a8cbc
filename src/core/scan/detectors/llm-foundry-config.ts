/**
 * llm-foundry train YAML (what `composer scripts/train/train.py scripts/train/yamls/pretrain/gpt2-small.yaml` reads;
 * an OmegaConf file): recognised by `device_train_microbatch_size` or `global_train_batch_size` at the top level
 * beside a `model:` mapping with a `name` (llm-foundry's model registry: hf_causal_lm, mpt_causal_lm, ...).
 *
 * Settings: `model.pretrained_model_name_or_path` is the model (a Hugging Face model: `pretrained: false` trains it
 * from scratch); `config_overrides` are a note (the count uses the named config); `max_seq_len`; the per-GPU
 * `device_train_microbatch_size` (Composer's `auto` searches one that fits: not stated); `precision` (Composer's
 * `amp_bf16` / `amp_fp16` / `fp32`, default `amp_bf16`); `fsdp_config` (its `sharding_strategy`, FULL_SHARD by default;
 * `activation_checkpointing`, `activation_cpu_offload`); `optimizer.name` (llm-foundry's optimizer registry:
 * decoupled_adamw, decoupled_lionw, ...) with `lr`, `weight_decay`, `betas`, `eps`; `scheduler.t_warmup` and
 * `max_duration` as Composer times (`100ba` batches, i.e. optimizer steps; `0.1dur` of the run; `1ep` epochs).
 * The file is an OmegaConf config: llm-foundry resolves it whole (`om.to_container(cfg, resolve=True)`) before it reads
 * it, and `variables:` is an ordinary top-level key that TrainConfig declares only to ignore ("Variables to ignore",
 * https://github.com/mosaicml/llm-foundry/blob/8c8dd48f72168c5d51e2f7b151595892a8fba43d/llmfoundry/utils/config_utils.py,
 * make_dataclass_and_log_config and TrainConfig.variables). So `${variables.x}` goes through the one OmegaConf
 * interpolation resolver (../interpolation.ts): a setting read through it has the value, and the line, written there.
 */
import type { ObjectNode, ParseWarning, ParsedNode } from '../../parse/node';
import type { Citation, Precision } from '../../types';
import { ContributionBuilder } from '../contribution';
import type { Detection, Detector, Link, ParsedFile } from '../detector';
import { FieldReader } from '../fields';
import { resolveInterpolations } from '../interpolation';
import { isHybridFsdp, zeroStageOfFsdp } from '../sharding';
import { keepOptimizerParams, readOptimizerArguments } from '../optimizer-arguments';
import type { ScanFile, SourceRange } from '../types';

const LLM_FOUNDRY_CONFIG_SOURCE: Citation = {
  title: 'llm-foundry TrainConfig',
  url: 'https://github.com/mosaicml/llm-foundry/blob/8c8dd48f72168c5d51e2f7b151595892a8fba43d/llmfoundry/utils/config_utils.py',
  locator: "precision: str = 'amp_bf16'; device_train_microbatch_size: Union[str, int, float] = 'auto'; global_train_batch_size: Optional[int] = None",
};

/** Composer's Precision values (composer/core/precision.py) -> the estimator's; amp_fp8 is not modelled. */
const COMPOSER_PRECISION: Readonly<Record<string, Precision | null>> = {
  fp32: 'fp32', amp_fp16: 'fp16-mixed', amp_bf16: 'bf16-mixed', amp_fp8: null,
};

/** A Composer time string: `100ba` (batches), `0.1dur` (of the run), `2ep` (epochs), `1000tok` / `10sp` (not steps). */
export function composerTime(text: string): { unit: 'ba' | 'dur' | 'ep' | 'tok' | 'sp'; value: number } | null {
  const m = /^\s*(\d+(?:\.\d*)?(?:e[+-]?\d+)?)\s*(ba|dur|ep|tok|sp)\s*$/i.exec(text);
  if (m === null) return null;
  return { unit: m[2].toLowerCase() as 'ba' | 'dur' | 'ep' | 'tok' | 'sp', value: Number(m[1]) };
}

/** The finding kind of llm-foundry configs (no change to paste is written in their keys: the Python one is shown). */
export const LLM_FOUNDRY_CONFIG_KIND = 'llm-foundry-config';

export const llmFoundryConfigDetector: Detector = {
  kind: LLM_FOUNDRY_CONFIG_KIND,
  syntaxes: ['yaml'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return /^(device_train_microbatch_size|global_train_batch_size)\s*:/m.test(file.text) && /^model\s*:/m.test(file.text);
  },

  matches(_file: ScanFile, parsed: ParsedFile): boolean {
    const root = parsed.root;
    if (root?.kind !== 'object') return false;
    const model = root.index.get('model')?.node;
    return model?.kind === 'object' && model.index.get('name')?.node.kind === 'string' && (root.index.has('device_train_microbatch_size') || root.index.has('global_train_batch_size'));
  },

  detect(file: ScanFile, parsed: ParsedFile): Detection {
    const out = new ContributionBuilder(file.path);
    const notes: string[] = [];
    const reader = new FieldReader(resolveInterpolations(parsed.root as ObjectNode, { fileOf: () => file.path, notes }));
    const warnings: ParseWarning[] = [];
    const links: Link[] = [];
    for (const n of notes) out.notes.push(n);

    readModel(reader, out, links, warnings, file.path);
    const seq = reader.number('max_seq_len', { integer: true, min: 1 });
    if (seq?.value != null) out.set('seqLen', seq.value, seq.range);
    readBatch(reader, out);
    readPrecision(reader, out, warnings);
    readFsdp(reader, out, file.path);
    readOptimizer(reader, out);
    readSchedule(reader, out, warnings);

    const fields = [...reader.fields].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
    return { fields, error: reader.error, warnings, role: 'training', contribution: out.build(), links };
  },
};

function readModel(reader: FieldReader, out: ContributionBuilder, links: Link[], warnings: ParseWarning[], path: string): void {
  const model = reader.nested('model') as FieldReader;
  const name = model.string('name') as { value: string; range: SourceRange };
  const id = model.string('pretrained_model_name_or_path', true);
  if (typeof id?.value === 'string' && id.value.trim() !== '') {
    links.push({ kind: 'model', key: id.name, value: id.value.trim(), range: id.range });
    const pretrained = model.boolean('pretrained');
    // hf_causal_lm: pretrained: true loads the weights (fine-tuning); false builds the architecture with fresh weights.
    if (pretrained?.value != null) out.set('pretraining', !pretrained.value, pretrained.range);
    const overrides = model.node('config_overrides');
    if (overrides?.kind === 'object' && overrides.members.length > 0) {
      out.notModelled.push(`${path}:${overrides.range.line}: model.config_overrides (${overrides.members.map((m) => m.key).join(', ')}) change the model's config; the count uses ${id.value.trim()}'s own`);
    }
    return;
  }
  warnings.push({
    message: `llm-foundry model '${name.value}' is built from the YAML's own arguments, which are not read: name a Hugging Face model with model.pretrained_model_name_or_path or put its config.json beside the config`,
    line: name.range.line,
    column: name.range.column,
  });
}

function readBatch(reader: FieldReader, out: ContributionBuilder): void {
  const microNode = reader.node('device_train_microbatch_size');
  if (microNode?.kind === 'number') {
    const micro = reader.number('device_train_microbatch_size', { integer: true, min: 1 });
    if (micro?.value != null) out.set('perDeviceBatchSize', micro.value, micro.range);
  } else if (microNode?.kind === 'string') {
    const micro = reader.string('device_train_microbatch_size');
    if (micro?.value === 'auto') out.notes.push(`device_train_microbatch_size 'auto': Composer searches the largest micro-batch that fits, a number the file does not state`);
    else if (micro !== undefined) reader.fail(`'device_train_microbatch_size' must be an integer or 'auto', not "${micro.value}"`, micro.range);
  } else if (microNode === undefined) {
    out.notes.push(`device_train_microbatch_size is not written: llm-foundry's default 'auto' searches the largest micro-batch that fits (${LLM_FOUNDRY_CONFIG_SOURCE.title}: ${LLM_FOUNDRY_CONFIG_SOURCE.locator})`);
  }
  const global = reader.number('global_train_batch_size', { integer: true, min: 1 });
  if (global?.value != null) out.notes.push(`global_train_batch_size ${global.value} is split over the GPUs the launch has, which the file does not state: gradient accumulation is ${global.value} / (GPUs x the micro-batch)`);
}

function readPrecision(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[]): void {
  const read = reader.string('precision');
  if (read === undefined) {
    if (!reader.has('precision')) out.useDefault({ setting: 'precision', key: 'precision', value: 'bf16-mixed', note: "TrainConfig precision = 'amp_bf16'" }, LLM_FOUNDRY_CONFIG_SOURCE);
    return;
  }
  const key = (read.value as string).trim().toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(COMPOSER_PRECISION, key)) {
    reader.fail(`'precision' must be one of ${Object.keys(COMPOSER_PRECISION).join(', ')} (Composer's Precision), not "${read.value}"`, read.range);
    return;
  }
  const precision = COMPOSER_PRECISION[key];
  if (precision === null) warnings.push({ message: `'precision' "${read.value}" is not modelled by the estimator; precision is left unset`, line: read.range.line, column: read.range.column });
  else out.set('precision', precision, read.range);
}

function readFsdp(reader: FieldReader, out: ContributionBuilder, path: string): void {
  const fsdp = reader.nested('fsdp_config');
  if (fsdp === undefined) return;
  const strategy = fsdp.string('sharding_strategy');
  const at = strategy?.range ?? (reader.node('fsdp_config') as ParsedNode).range;
  // Composer's FSDPConfig: sharding_strategy = 'FULL_SHARD' by default.
  const stage = strategy?.value != null ? zeroStageOfFsdp(strategy.value) : 3;
  if (stage === null) fsdp.fail(`'${strategy?.name}' is not an FSDP sharding strategy: "${strategy?.value}"`, at);
  else {
    out.set('zeroStage', stage, at);
    out.set('fsdp', 'composer', at);
    if (strategy?.value != null && isHybridFsdp(strategy.value)) out.set('fsdpShardGroup', { kind: 'node', strategy: `${strategy.name} ${strategy.value}` }, at);
  }
  const checkpointing = fsdp.boolean('activation_checkpointing');
  if (checkpointing?.value != null) out.set('gradientCheckpointing', checkpointing.value, checkpointing.range);
  const offload = fsdp.boolean('activation_cpu_offload');
  if (offload?.value != null) out.set('activationOffload', offload.value, offload.range);
  const mixed = fsdp.string('mixed_precision');
  if (typeof mixed?.value === 'string' && mixed.value !== 'DEFAULT') {
    out.notModelled.push(`${path}:${mixed.range.line}: fsdp_config.mixed_precision ${mixed.value}: the dtypes FSDP keeps its gathered parameters, gradients and buffers in are not modelled beyond 'precision'`);
  }
}

function readOptimizer(reader: FieldReader, out: ContributionBuilder): void {
  const opt = reader.nested('optimizer');
  const name = opt?.string('name');
  if (opt === undefined || name?.value == null) return;
  out.set('optimizer', name.value, name.range);
  out.optimizerEcosystem = 'other';
  keepOptimizerParams(out, readOptimizerArguments(opt, out, { skip: (key) => key === 'name', lrKeys: ['lr'] }));
}

function readSchedule(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[]): void {
  const sched = reader.nested('scheduler');
  const name = sched?.string('name');
  if (name?.value != null) out.set('scheduler', name.value, name.range);
  const warmup = sched?.string('t_warmup');
  if (typeof warmup?.value === 'string') {
    const t = composerTime(warmup.value);
    if (t === null) warnings.push({ message: `'${warmup.name}' "${warmup.value}" is not a Composer time (e.g. 100ba, 0.1dur, 1ep); the warmup is not read`, line: warmup.range.line, column: warmup.range.column });
    else if (t.unit === 'ba') out.set('warmupSteps', t.value, warmup.range);
    else if (t.unit === 'dur') out.set('warmupRatio', t.value, warmup.range);
    else if (t.unit === 'ep') out.set('warmupEpochs', t.value, warmup.range);
    else out.notes.push(`${warmup.name} ${warmup.value} counts ${t.unit === 'tok' ? 'tokens' : 'samples'}, not optimizer steps: the warmup is not read`);
  }
  const duration = reader.string('max_duration');
  if (typeof duration?.value === 'string') {
    const t = composerTime(duration.value);
    if (t?.unit === 'ba' && Number.isInteger(t.value)) out.set('maxSteps', t.value, duration.range);
    else if (t?.unit === 'ep' && Number.isInteger(t.value)) out.set('epochs', t.value, duration.range);
  }
}
