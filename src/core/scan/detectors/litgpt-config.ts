/**
 * litgpt config YAML (what `litgpt finetune_lora --config lora.yaml`, `litgpt finetune_full` or `litgpt pretrain`
 * read; the files of litgpt's `config_hub/`): recognised by a `train:` mapping holding `micro_batch_size` or
 * `global_batch_size` (litgpt's TrainArgs) beside `checkpoint_dir`, `model_name`, `precision` or `optimizer`.
 *
 * Settings: `checkpoint_dir` is the model (the folder when the workspace holds it; `litgpt download <repo_id>` saves
 * to `checkpoints/<repo_id>`, so a `checkpoints/<org>/<name>` path also names that Hub id); without it, `model_name`
 * (`litgpt pretrain`) names one of litgpt's configs, read as the Hub model it is converted from (../litgpt-model-names.ts),
 * trained from scratch unless `initial_checkpoint_dir` is given; a name litgpt does not know is a warning and no model; `precision` is Fabric's
 * (Lightning's names: `bf16-true` casts the model, so the weights and the LoRA adapters are bf16); `devices` x
 * `num_nodes` GPUs; `quantize: bnb.nf4` (and -dq, fp4) is QLoRA, `bnb.int8-training` LLM.int8 base weights; the
 * `lora_*` keys are `finetune_lora`'s (a config with any of them is a LoRA run; unwritten switches and the rank take
 * its defaults); `train.micro_batch_size` per GPU, gradient accumulation `global_batch_size / (devices x num_nodes) /
 * micro_batch_size` (TrainArgs.gradient_accumulation_iters), `lr_warmup_steps` in optimizer steps, `max_seq_length`;
 * `optimizer` a torch class name or `{class_path, init_args}`.
 *
 * Sequence length: `train.max_seq_length` when written (under fine-tuning a cap: the run trains at the longest
 * example, at most that). Without it `litgpt pretrain` trains at the model config's block_size, and `litgpt finetune_*`
 * at the longest tokenized example of the train and validation data, which must fit the model's block_size
 * (LITGPT_FINETUNE_SEQ_SOURCE): a length the files do not state, kept as an assumption that names this rule.
 *
 * The same reader (readLitgpt) reads a `litgpt finetune_lora|pretrain|…` command line's arguments as one config
 * (./shell-script.ts); without `--config`, setup()'s batch and devices defaults then stand for what the line leaves out.
 */
import type { ObjectNode, ParseWarning } from '../../parse/node';
import type { Citation, FloatDtype } from '../../types';
import { ContributionBuilder } from '../contribution';
import type { Detection, Detector, Link, ParsedFile } from '../detector';
import { FieldReader, type Read } from '../fields';
import { LIGHTNING_PRECISION_SOURCE, lightningDeviceCount, lightningPrecision } from '../lightning-facts';
import { readComponent, readOptimizerComponent } from '../lightning-trainer';
import { litgptBlockSize, litgptModelHubId } from '../litgpt-model-names';
import type { ScanFile, SourceRange } from '../types';

const LITGPT_LORA_SOURCE: Citation = {
  title: 'litgpt finetune_lora setup()',
  url: 'https://github.com/Lightning-AI/litgpt/blob/26857050fe3ff627cd714fe92f5838f51a3d5efa/litgpt/finetune/lora.py',
  locator: 'lora_r: int = 8, lora_query: bool = True, lora_key: bool = False, lora_value: bool = True, lora_projection/lora_mlp/lora_head: bool = False; optimizer: str | dict = "AdamW"',
};
const LITGPT_TRAIN_SOURCE: Citation = {
  title: 'litgpt TrainArgs',
  url: 'https://github.com/Lightning-AI/litgpt/blob/26857050fe3ff627cd714fe92f5838f51a3d5efa/litgpt/args.py',
  locator: 'gradient_accumulation_iters = batch_size(devices, num_nodes) // micro_batch_size, batch_size = global_batch_size // (devices * num_nodes)',
};
const LITGPT_PRECISION_SOURCE: Citation = {
  title: 'litgpt get_default_supported_precision',
  url: 'https://github.com/Lightning-AI/litgpt/blob/26857050fe3ff627cd714fe92f5838f51a3d5efa/litgpt/utils.py',
  locator: 'precision = precision or get_default_supported_precision(training=True): "bf16-mixed", or "16-mixed" on a CUDA GPU without bf16',
};
const LITGPT_PRETRAIN_SOURCE: Citation = {
  title: 'litgpt pretrain setup()',
  url: 'https://github.com/Lightning-AI/litgpt/blob/26857050fe3ff627cd714fe92f5838f51a3d5efa/litgpt/pretrain.py',
  locator: 'config = Config.from_name(model_name); model = GPT(config), whose max_seq_length is config.block_size (litgpt/model.py); `if train.max_seq_length: model.max_seq_length = train.max_seq_length`',
};
const LITGPT_FINETUNE_SEQ_SOURCE: Citation = {
  title: 'litgpt finetune_lora fit()',
  url: 'https://github.com/Lightning-AI/litgpt/blob/26857050fe3ff627cd714fe92f5838f51a3d5efa/litgpt/finetune/lora.py',
  locator: 'longest_seq_length = get_longest_seq_length(train and val data); model.max_seq_length = min(longest_seq_length, train.max_seq_length or float("inf")), a setter that raises above config.block_size (litgpt/model.py); the same in finetune/full.py, adapter.py, adapter_v2.py',
};
const LITGPT_DOWNLOAD_SOURCE: Citation = {
  title: 'litgpt download',
  url: 'https://github.com/Lightning-AI/litgpt/blob/26857050fe3ff627cd714fe92f5838f51a3d5efa/litgpt/scripts/download.py',
  locator: 'checkpoint_dir: Path = Path("checkpoints"); directory = checkpoint_dir / repo_id',
};

/**
 * litgpt's LoRA switches -> the Hugging Face module names of the model (litgpt/lora.py: the fused qkv's query / key /
 * value parts, the attention's `proj`, the MLP's fc_1 / fc_2 / proj, `lm_head`).
 */
const LORA_SWITCHES: ReadonlyArray<{ readonly key: string; readonly default: boolean; readonly modules: readonly string[] }> = [
  { key: 'lora_query', default: true, modules: ['q_proj'] },
  { key: 'lora_key', default: false, modules: ['k_proj'] },
  { key: 'lora_value', default: true, modules: ['v_proj'] },
  { key: 'lora_projection', default: false, modules: ['o_proj'] },
  { key: 'lora_mlp', default: false, modules: ['gate_proj', 'up_proj', 'down_proj'] },
  { key: 'lora_head', default: false, modules: ['lm_head'] },
];
const LORA_RANK_DEFAULT = 8;

/** `quantize` values (finetune_lora's Literal): bitsandbytes 4-bit (QLoRA) or LLM.int8. */
const QUANTIZE: Readonly<Record<string, 'qlora' | 'int8'>> = {
  'bnb.nf4': 'qlora', 'bnb.nf4-dq': 'qlora', 'bnb.fp4': 'qlora', 'bnb.fp4-dq': 'qlora', 'bnb.int8-training': 'int8',
};

/** The Hub id in a `checkpoints/<org>/<name>` path (litgpt download's layout), or null. */
export function litgptCheckpointHubId(dir: string): string | null {
  const m = /(?:^|\/)checkpoints\/([^/\s]+\/[^/\s]+?)\/?$/.exec(dir.trim());
  return m === null ? null : m[1];
}

function hasTrainArgs(root: ObjectNode): boolean {
  const train = root.index.get('train')?.node;
  return train?.kind === 'object' && (train.index.has('micro_batch_size') || train.index.has('global_batch_size'));
}

/** The finding kind of litgpt configs (the change to paste writes their optimizer as LightningCLI's class_path / init_args). */
export const LITGPT_CONFIG_KIND = 'litgpt-config';

export const litgptConfigDetector: Detector = {
  kind: LITGPT_CONFIG_KIND,
  syntaxes: ['yaml'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return /^train\s*:/m.test(file.text) && /^\s+(micro|global)_batch_size\s*:/m.test(file.text);
  },

  matches(_file: ScanFile, parsed: ParsedFile): boolean {
    const root = parsed.root;
    if (root?.kind !== 'object' || !hasTrainArgs(root)) return false;
    return ['checkpoint_dir', 'model_name', 'precision', 'optimizer'].some((k) => root.index.has(k));
  },

  detect(file: ScanFile, parsed: ParsedFile): Detection {
    const reader = new FieldReader(parsed.root as ObjectNode);
    const out = new ContributionBuilder(file.path);
    const warnings: ParseWarning[] = [];
    const links: Link[] = [];

    readLitgpt(reader, out, links, warnings);
    const fields = [...reader.fields].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
    return { fields, error: reader.error, warnings, role: 'training', contribution: out.build(), links };
  },
};

/** What a `litgpt <command>` line gives beyond its arguments (./shell-script.ts reads the line; this file its values). */
export interface LitgptCommand {
  /** The GPU count the line states (`--devices` x `--num_nodes`): its devices keys are not read again. */
  readonly gpus: { readonly count: number; readonly range: SourceRange } | null;
  /** `litgpt finetune` / `finetune_lora`: a LoRA run whether or not a `lora_*` argument is written (where the command is). */
  readonly loraCommand: SourceRange | null;
  /** `pretrain` or a fine-tuning command, for setup()'s batch defaults; null when a `--config` supplies them. */
  readonly defaultsOf: 'pretrain' | 'finetune' | null;
}

/**
 * setup()'s TrainArgs defaults of the commands (finetune/lora.py, full.py, adapter*.py: micro_batch_size=1,
 * global_batch_size=16, devices=1; pretrain.py: micro_batch_size=4, global_batch_size=512, devices="auto").
 */
const LITGPT_BATCH_DEFAULTS = {
  finetune: {
    micro: 1, global: 16,
    source: {
      title: 'litgpt finetune_lora setup()',
      url: 'https://github.com/Lightning-AI/litgpt/blob/26857050fe3ff627cd714fe92f5838f51a3d5efa/litgpt/finetune/lora.py',
      locator: 'devices: int | str = 1, train: TrainArgs = TrainArgs(global_batch_size=16, micro_batch_size=1, ...); the same in finetune/full.py and adapter*.py',
    },
  },
  pretrain: {
    micro: 4, global: 512,
    source: {
      title: 'litgpt pretrain setup()',
      url: 'https://github.com/Lightning-AI/litgpt/blob/26857050fe3ff627cd714fe92f5838f51a3d5efa/litgpt/pretrain.py',
      locator: 'train: TrainArgs = TrainArgs(global_batch_size=512, micro_batch_size=4, ...), optimizer: str | dict = "AdamW", devices: int | str = "auto"',
    },
  },
} as const satisfies Record<string, { micro: number; global: number; source: Citation }>;

/**
 * Every setting of a litgpt config (a YAML file, or a command line's arguments as one object): the model, precision,
 * devices, quantization, LoRA, TrainArgs, sequence length and optimizer.
 */
export function readLitgpt(reader: FieldReader, out: ContributionBuilder, links: Link[], warnings: ParseWarning[], command?: LitgptCommand): void {
  const model = readModel(reader, out, links, warnings);
  const precision = readPrecision(reader, out, warnings);
  const gpus = command === undefined ? readDevices(reader, out) : command.gpus;
  const quantize = readQuantize(reader);
  readLora(reader, out, quantize, precision, command?.loraCommand ?? null);
  readTrain(reader, out, gpus);
  if (command?.defaultsOf != null) batchDefaults(command.defaultsOf, out, gpus);
  if (model?.kind === 'pretrain' && out.settings.seqLen === undefined) readPretrainSeqLen(model.name, out);
  if (model?.kind === 'finetune' && out.settings.seqLen === undefined) noteFinetuneSeqLen(model.hubId, out);
  const optimizer = readComponent(reader, 'optimizer');
  if (optimizer !== null) readOptimizerComponent(optimizer, out);
  else if ((out.settings.lora !== undefined || command?.defaultsOf != null) && !reader.has('optimizer')) {
    // finetune_*(optimizer="AdamW") and pretrain(optimizer="AdamW") alike.
    const source = command?.defaultsOf === 'pretrain' ? LITGPT_BATCH_DEFAULTS.pretrain.source : LITGPT_LORA_SOURCE;
    out.useDefault({ setting: 'optimizer', key: 'optimizer', value: 'AdamW', note: 'setup(optimizer="AdamW"): torch.optim.AdamW' }, source);
    out.optimizerEcosystem = 'pytorch';
  }
}

/** A command line without `--config`: setup()'s micro-batch and, when the GPUs are known, the accumulation its global batch gives. */
function batchDefaults(kind: 'pretrain' | 'finetune', out: ContributionBuilder, gpus: { count: number } | null): void {
  const d = LITGPT_BATCH_DEFAULTS[kind];
  if (out.settings.perDeviceBatchSize === undefined) out.useDefault({ setting: 'perDeviceBatchSize', key: 'train.micro_batch_size', value: d.micro }, d.source);
  if (out.settings.gradAccum !== undefined) return;
  const micro = out.settings.perDeviceBatchSize ?? d.micro;
  const accum = gpus === null ? 0 : Math.floor(Math.floor(d.global / gpus.count) / micro);
  if (accum >= 1) out.useDefault({ setting: 'gradAccum', key: 'train.global_batch_size', value: accum, note: `global_batch_size ${d.global} / (${(gpus as { count: number }).count} GPU(s) x micro-batch ${micro})` }, d.source);
  else out.notes.push(`train.global_batch_size defaults to ${d.global} (${d.source.title}): gradient accumulation is ${d.global} / (GPUs x ${micro})${gpus === null ? ', and the GPU count is not stated' : ''}`);
}

/** The run a config describes, as its model keys tell it (see readModel). */
type LitgptRun =
  /** `checkpoint_dir`: `litgpt finetune_*`; the Hub id its path names (litgpt download's layout), or null. */
  | { readonly kind: 'finetune'; readonly hubId: string | null }
  /** `model_name` with no `model_config` mapping: `litgpt pretrain` builds its config by that name. */
  | { readonly kind: 'pretrain'; readonly name: string };

/**
 * Reads the model: `checkpoint_dir` (fine-tuning), else `model_name` (pretraining). Returns the fine-tuning run, or
 * the litgpt model name `litgpt pretrain` builds its config from (Config.from_name) when that config is not overridden
 * by a written `model_config` mapping; null otherwise.
 */
function readModel(reader: FieldReader, out: ContributionBuilder, links: Link[], warnings: ParseWarning[]): LitgptRun | null {
  const dir = reader.string('checkpoint_dir', true);
  if (typeof dir?.value === 'string' && dir.value.trim() !== '') {
    const value = dir.value.trim();
    // Fine-tuning loads the checkpoint's weights. The folder itself first (a workspace copy holding config.json), then
    // the Hub id `litgpt download` saved it under.
    out.set('pretraining', false, dir.range);
    links.push({ kind: 'model', key: dir.name, value, range: dir.range });
    const id = litgptCheckpointHubId(value);
    if (id !== null) {
      links.push({ kind: 'model', key: dir.name, value: id, range: dir.range });
      out.notes.push(`${dir.name} '${value}' is read as the Hub model ${id} when the folder is not in the workspace (${LITGPT_DOWNLOAD_SOURCE.title}: ${LITGPT_DOWNLOAD_SOURCE.locator})`);
    }
    return { kind: 'finetune', hubId: id };
  }
  // `litgpt pretrain --config`: the model named by litgpt's config name, built from scratch unless an initial checkpoint is given.
  const name = reader.string('model_name', true);
  if (typeof name?.value === 'string' && name.value.trim() !== '') {
    const written = name.value.trim();
    const id = litgptModelHubId(written);
    if (id === undefined) {
      const message = `model_name '${written}' is not one of litgpt's model names (litgpt/config.py, Config.from_name): the model is not read; name a checkpoint_dir or put the model's config.json in the workspace`;
      warnings.push({ message, line: name.range.line, column: name.range.column });
      // also among the job's assumptions, which `recommend` lists under "needs a model config"
      out.notes.push(`${out.path}:${name.range.line}:${name.range.column}: ${message}`);
      return null;
    }
    links.push({ kind: 'model', key: name.name, value: id, range: name.range });
    out.notes.push(`${name.name} '${written}' is litgpt's config of the Hugging Face model ${id} (litgpt/config.py); its config.json is looked up under that id`);
    const initial = reader.string('initial_checkpoint_dir', true);
    if (typeof initial?.value === 'string' && initial.value.trim() !== '') out.set('pretraining', false, initial.range);
    else out.set('pretraining', true, name.range);
    // A written model_config mapping replaces the named config (pretrain.py: "Overrides the `model_name`").
    return reader.nested('model_config') === undefined ? { kind: 'pretrain', name: written } : null;
  }
  return null;
}

/**
 * `train.max_seq_length` empty or absent under `litgpt pretrain`: the model trains at its config's block_size
 * (LITGPT_PRETRAIN_SOURCE), a value of litgpt's config list (../litgpt-model-names.ts), not the estimator's default.
 * Fine-tuning differs: noteFinetuneSeqLen.
 */
function readPretrainSeqLen(modelName: string, out: ContributionBuilder): void {
  const block = litgptBlockSize(modelName);
  if (block === undefined) return;
  out.useDefault({ setting: 'seqLen', key: 'max_seq_length', value: block, note: `no value: the model's context length, block_size ${block} of litgpt's ${modelName} config (litgpt/config.py @ 26857050)` }, LITGPT_PRETRAIN_SOURCE);
}

/**
 * `train.max_seq_length` empty or absent under `litgpt finetune_*`: the run trains at the longest tokenized example of
 * its train and validation data, at most the model's block_size (LITGPT_FINETUNE_SEQ_SOURCE). The files hold neither
 * the tokenized data nor, unless litgpt's config list names the checkpoint's model, the block size: the length stays
 * the estimator's assumption, with this rule (and the block size when known) as its reason.
 */
function noteFinetuneSeqLen(hubId: string | null, out: ContributionBuilder): void {
  const block = hubId === null ? undefined : litgptBlockSize(hubId);
  const cap = block === undefined
    ? "at most the model's block_size"
    : `at most the model's block_size, ${block} in litgpt's config of ${hubId} (litgpt/config.py @ 26857050)`;
  out.defaults.push({
    setting: 'seqLen', key: 'train.max_seq_length', value: null,
    note: `also finetune_*'s default when not written: litgpt fine-tuning trains at the longest tokenized example of the train and validation data, ${cap}; the files do not state that length`,
    source: LITGPT_FINETUNE_SEQ_SOURCE,
  });
}

/** Fabric's precision; "-true" casts the model, so it is also the weights' dtype. */
function readPrecision(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[]): FloatDtype | null {
  const node = reader.node('precision');
  if (node === undefined || node.kind === 'null') {
    // finetune_* and pretrain: precision or get_default_supported_precision(training=True).
    out.useDefault({ setting: 'precision', key: 'precision', value: 'bf16-mixed', note: '16-mixed on a CUDA GPU without bf16' }, LITGPT_PRECISION_SOURCE);
    return null;
  }
  const read = node.kind === 'number' ? reader.number('precision') : reader.string('precision');
  if (read?.value == null) return null;
  const precision = lightningPrecision(read.value);
  if (precision === undefined) {
    reader.fail(`'${read.name}' is not a Lightning Fabric precision: ${JSON.stringify(read.value)} (${LIGHTNING_PRECISION_SOURCE.locator})`, read.range);
    return null;
  }
  if (precision === null) {
    warnings.push({ message: `'${read.name}' ${JSON.stringify(read.value)} is not modelled by the estimator; precision is left unset`, line: read.range.line, column: read.range.column });
    return null;
  }
  out.set('precision', precision, read.range);
  if (precision === 'bf16' || precision === 'fp16') {
    out.set('loadDtype', precision, read.range);
    return precision;
  }
  return null;
}

/** devices x num_nodes GPUs; null when `devices` is not a count ("auto", -1). */
function readDevices(reader: FieldReader, out: ContributionBuilder): { count: number; range: SourceRange } | null {
  const node = reader.node('devices');
  const nodes = reader.number('num_nodes', { integer: true, min: 1 });
  if (nodes?.value != null) out.set('nodes', nodes.value, nodes.range);
  let devices: Read<number | string | null> | undefined;
  if (node?.kind === 'number') devices = reader.number('devices', { integer: true });
  else if (node?.kind === 'string') devices = reader.string('devices');
  const count = devices?.value != null ? lightningDeviceCount(devices.value) : null;
  if (devices === undefined || count === null) {
    if (devices?.value != null) out.notes.push(`${devices.name} ${JSON.stringify(devices.value)}: every visible GPU, a number the file does not state`);
    return null;
  }
  const total = count * (nodes?.value ?? 1);
  out.set('gpus', total, devices.range);
  return { count: total, range: devices.range };
}

function readQuantize(reader: FieldReader): { kind: 'qlora' | 'int8'; range: SourceRange } | null {
  const q = reader.string('quantize', true);
  if (typeof q?.value !== 'string') return null;
  const kind = QUANTIZE[q.value.trim()];
  if (kind === undefined) {
    reader.fail(`'${q.name}' must be one of ${Object.keys(QUANTIZE).join(', ')}, not "${q.value}"`, q.range);
    return null;
  }
  return { kind, range: q.range };
}

/** finetune_lora's `lora_*` arguments: any of them written makes the run a LoRA run. */
function readLora(reader: FieldReader, out: ContributionBuilder, quantize: { kind: 'qlora' | 'int8'; range: SourceRange } | null, dtype: FloatDtype | null, loraCommand: SourceRange | null): void {
  const written = reader.keys().filter((k) => k.startsWith('lora_'));
  if (written.length === 0 && loraCommand === null) return;
  const rank = reader.number('lora_r', { integer: true, min: 1 });
  reader.number('lora_alpha');
  reader.number('lora_dropout', { min: 0, max: 1 });
  const targets: string[] = [];
  let firstSwitch: SourceRange | null = null;
  for (const s of LORA_SWITCHES) {
    const read = reader.boolean(s.key);
    if (read !== undefined && firstSwitch === null) firstSwitch = read.range;
    if (read?.value ?? s.default) targets.push(...s.modules);
  }
  const enabledAt = rank?.range ?? firstSwitch ?? (written.length > 0 ? (reader.node(written[0]) as { range: SourceRange }).range : (loraCommand as SourceRange));
  if (rank === undefined) out.defaults.push({ setting: 'lora.rank', key: 'lora_r', value: LORA_RANK_DEFAULT, source: LITGPT_LORA_SOURCE });
  else out.sources['lora.rank'] = out.source(rank.range);
  const qlora = quantize?.kind === 'qlora';
  out.set('lora', {
    rank: rank?.value ?? LORA_RANK_DEFAULT,
    targets,
    qlora,
    // The model, adapters included, is built under Fabric's init_module: a "-true" precision's dtype.
    ...(dtype !== null ? { adapterDtype: dtype } : {}),
    ...(quantize?.kind === 'int8' ? { int8: true } : {}),
  }, enabledAt);
  if (firstSwitch !== null) out.sources['lora.targets'] = out.source(firstSwitch);
  if (quantize !== null) out.sources[quantize.kind === 'qlora' ? 'lora.qlora' : 'lora.int8'] = out.source(quantize.range);
  if (qlora && dtype !== null) out.set('qloraComputeDtype', dtype, (quantize as { range: SourceRange }).range);
}

function readTrain(reader: FieldReader, out: ContributionBuilder, gpus: { count: number; range: SourceRange } | null): void {
  const train = reader.nested('train');
  if (train === undefined) return;
  const micro = train.number('micro_batch_size', { integer: true, min: 1 });
  if (micro?.value != null) out.set('perDeviceBatchSize', micro.value, micro.range);
  const global = train.number('global_batch_size', { integer: true, min: 1 });
  if (global?.value != null && micro?.value != null) {
    if (gpus === null) {
      out.notes.push(`${global.name} ${global.value} is split over the GPUs the launch has, which the file does not state: gradient accumulation is ${global.value} / (GPUs x ${micro.value})`);
    } else {
      const perDevice = Math.floor(global.value / gpus.count);
      const accum = Math.floor(perDevice / micro.value);
      if (accum < 1) train.fail(`'${global.name}' ${global.value} over ${gpus.count} GPU(s) is less than '${micro.name}' ${micro.value} (${LITGPT_TRAIN_SOURCE.title}: ${LITGPT_TRAIN_SOURCE.locator})`, global.range);
      else out.set('gradAccum', accum, global.range);
    }
  }
  const warmup = train.number('lr_warmup_steps', { integer: true, min: 0, nullable: true });
  if (warmup?.value != null) out.set('warmupSteps', warmup.value, warmup.range);
  const fraction = train.number('lr_warmup_fraction', { min: 0, max: 1, nullable: true });
  if (fraction?.value != null) out.notes.push(`${fraction.name} ${fraction.value} is a fraction of one epoch's batches, not of the run: not read as a warmup ratio`);
  const epochs = train.number('epochs', { integer: true, min: 1, nullable: true });
  if (epochs?.value != null) out.set('epochs', epochs.value, epochs.range);
  const maxSteps = train.number('max_steps', { integer: true, min: 1, nullable: true });
  if (maxSteps?.value != null) out.set('maxSteps', maxSteps.value, maxSteps.range);
  const seq = train.number('max_seq_length', { integer: true, min: 1, nullable: true });
  if (seq?.value != null) out.set('seqLen', seq.value, seq.range);
}
