/**
 * LLaMA-Factory's own training keys, in the YAML it reads with HfArgumentParser beside the Trainer
 * arguments: `stage`, `finetuning_type`, `lora_rank`, `lora_target`, `additional_target`,
 * `quantization_bit`. Their defaults are LLaMA-Factory's dataclass defaults (cited below);
 * `cutoff_len` (the sequence length) is read with the Trainer's sequence-length keys. Also its data keys
 * (`dataset`, `dataset_dir`, `val_size`, `streaming`, `mix_strategy`, `packing`, `neat_packing`; defaults from
 * hparams/data_args.py DataArguments), counted by src/core/llamafactory-data.ts.
 */
import type { Citation } from '../types';
import type { ContributionBuilder } from './contribution';
import type { FieldReader } from './fields';
import type { LlamaFactoryData, SourceRange } from './types';

export const LLAMAFACTORY_FINETUNING_SOURCE: Citation = {
  title: "LLaMA-Factory FinetuningArguments",
  url: 'https://github.com/hiyouga/LLaMA-Factory/blob/ff6d4d12eeb035d6ce06805a5733dd7b29f2ac30/src/llamafactory/hparams/finetuning_args.py',
  locator: 'stage = "sft"; finetuning_type = "lora"; lora_rank = 8; lora_target = "all" (all linear modules); additional_target = None',
};

export const LLAMAFACTORY_MODEL_ARGS_SOURCE: Citation = {
  title: 'LLaMA-Factory ModelArguments',
  url: 'https://github.com/hiyouga/LLaMA-Factory/blob/ff6d4d12eeb035d6ce06805a5733dd7b29f2ac30/src/llamafactory/hparams/model_args.py',
  locator: 'quantization_bit: on-the-fly quantization (bnb: 8 or 4 bits); None by default',
};

export const LLAMAFACTORY_DEFAULTS = { stage: 'sft', finetuningType: 'lora', loraRank: 8, loraTarget: 'all' } as const;

/** Keys only LLaMA-Factory configs have (a Trainer-arguments YAML with one of them is LLaMA-Factory's). */
const MARKERS = ['stage', 'finetuning_type', 'template', 'lora_target', 'quantization_bit'];

export function isLlamaFactoryConfig(reader: FieldReader): boolean {
  return MARKERS.some((k) => reader.has(k));
}

/** Reads LLaMA-Factory's method keys into LoRA / QLoRA / 8-bit / stage settings. */
export function readLlamaFactory(reader: FieldReader, out: ContributionBuilder): void {
  const stage = reader.string('stage');
  const stageValue = stage?.value ?? LLAMAFACTORY_DEFAULTS.stage;
  if (stage?.value != null) out.set('trainingStage', stage.value, stage.range);
  if (stageValue === 'dpo' || stageValue === 'kto' || stageValue === 'ppo') {
    // The frozen reference model: a second copy of the base weights for full fine-tuning, none with LoRA
    // (the base with its adapters disabled) — memory/reference-model.
    if (stage !== undefined) out.set('referenceModel', true, stage.range);
    else out.settings.referenceModel = true;
    if (stageValue === 'ppo') {
      const where = stage !== undefined ? `${out.path}:${stage.range.line}: ` : '';
      out.notModelled.push(`${where}stage: ppo also keeps a reward and a value model; their memory is not modelled`);
    }
  }

  readLlamaFactoryData(reader, out, stageValue, stage?.range);

  const type = reader.string('finetuning_type');
  const typeValue = type?.value ?? LLAMAFACTORY_DEFAULTS.finetuningType;
  const quant = reader.number('quantization_bit', { integer: true, nullable: true });
  const bits = quant?.value ?? null;
  // quantization_bit 8: LLM.int8 base weights (memory/int8.ts), set on the LoRA settings below.
  if (bits !== null && bits !== 4 && bits !== 8 && quant !== undefined) {
    out.notModelled.push(`${out.path}:${quant.range.line}: quantization_bit: ${bits} (hqq) is not modelled`);
  }
  // additional_target: modules trained in full beside the adapters (PEFT modules_to_save, memory/modules-to-save.ts).
  const additional = reader.string('additional_target', true);
  const modulesToSave = typeof additional?.value === 'string' && additional.value.trim() !== ''
    ? additional.value.split(',').map((s) => s.trim()).filter((s) => s !== '')
    : undefined;

  if (typeValue === 'lora') {
    const rank = reader.number('lora_rank', { integer: true, min: 1 });
    const target = reader.string('lora_target');
    const rankValue = rank?.value ?? LLAMAFACTORY_DEFAULTS.loraRank;
    const targetText = target?.value ?? LLAMAFACTORY_DEFAULTS.loraTarget;
    const list = targetText.split(',').map((s) => s.trim()).filter((s) => s !== '');
    // "all": every linear module but the output layer (LLaMA-Factory find_all_linear_modules), PEFT's all-linear.
    const targets = list.length === 1 && list[0] === 'all' ? ('all-linear' as const) : list;
    const lora = {
      rank: rankValue, targets, qlora: bits === 4,
      ...(bits === 8 ? { int8: true } : {}),
      ...(modulesToSave !== undefined && modulesToSave.length > 0 ? { modulesToSave } : {}),
    };
    if (bits === 8 && quant !== undefined) out.sources['lora.int8'] = out.source(quant.range);
    if (modulesToSave !== undefined && additional !== undefined) out.sources['lora.modulesToSave'] = out.source(additional.range);
    // Written `finetuning_type: lora` is the source; without it LoRA is LLaMA-Factory's default (no range).
    if (type !== undefined) out.set('lora', lora, type.range);
    else out.settings.lora = lora;
    if (type === undefined) {
      out.defaults.push({ setting: 'lora', key: 'finetuning_type', value: 'lora', source: LLAMAFACTORY_FINETUNING_SOURCE });
    }
    if (rank !== undefined) out.sources['lora.rank'] = out.source(rank.range);
    else out.defaults.push({ setting: 'lora.rank', key: 'lora_rank', value: LLAMAFACTORY_DEFAULTS.loraRank, source: LLAMAFACTORY_FINETUNING_SOURCE });
    if (target !== undefined) out.sources['lora.targets'] = out.source(target.range);
    else out.defaults.push({ setting: 'lora.targets', key: 'lora_target', value: LLAMAFACTORY_DEFAULTS.loraTarget, source: LLAMAFACTORY_FINETUNING_SOURCE });
    if (quant !== undefined && bits === 4) out.sources['lora.qlora'] = out.source(quant.range);
  } else if (typeValue === 'full' && type !== undefined) {
    // Written full fine-tuning: the adapter fact ("none") is read from this key.
    out.sources['adapter'] = out.source(type.range);
  } else if (typeValue === 'freeze' || typeValue === 'oft') {
    out.notModelled.push(`${out.path}:${type?.range.line ?? 1}: finetuning_type: ${typeValue} is not modelled (estimated as full fine-tuning)`);
  }
}

/**
 * The data keys (hparams/data_args.py DataArguments: `dataset` None, `dataset_dir` "data", `val_size` 0.0, `streaming`
 * False, `mix_strategy` "concat", `packing` None, `neat_packing` False, `tokenized_path` None). `__post_init__` splits `dataset` at commas
 * (split_arg) and turns `packing` on with `neat_packing`; hparams/parser.py `get_train_args` sets an unwritten `packing`
 * to `stage == "pt"`. `max_samples` is read with the Trainer keys (maxTrainSamples).
 */
function readLlamaFactoryData(reader: FieldReader, out: ContributionBuilder, stage: string, stageRange: SourceRange | undefined): void {
  // A YAML list works too (split_arg returns a list as it is).
  const dataset = reader.node('dataset')?.kind === 'array' ? reader.stringList('dataset') : reader.string('dataset', true);
  const dir = reader.string('dataset_dir');
  const val = reader.number('val_size', { min: 0 });
  const streaming = reader.boolean('streaming');
  const mix = reader.string('mix_strategy');
  const packing = reader.boolean('packing', true);
  const neat = reader.boolean('neat_packing');
  const tokenized = reader.string('tokenized_path', true);
  const written = dataset?.value;
  const names = (typeof written === 'string' ? written.split(',') : written ?? []).map((n) => n.trim()).filter((n) => n !== '');
  if (dataset === undefined || names.length === 0) return;
  const packedBy: [string, SourceRange | undefined] | undefined =
    neat?.value === true ? ['neat_packing', neat.range] : packing?.value === true ? ['packing', packing.range] : packing?.value == null && stage === 'pt' ? ['stage: pt', stageRange] : undefined;
  const valNode = reader.node('val_size');
  const data: LlamaFactoryData = {
    names, dir: dir?.value ?? 'data', valSize: val?.value ?? 0, streaming: streaming?.value === true, mixStrategy: mix?.value ?? 'concat',
    ...(val?.value != null && val.value >= 1 && valNode?.kind === 'number' && /^\d+$/.test(valNode.raw) ? { valSizeIsCount: true as const } : {}),
    ...(packedBy !== undefined ? { packedBy: packedBy[0] } : {}),
    ...(typeof tokenized?.value === 'string' && tokenized.value.trim() !== '' ? { tokenizedPath: tokenized.value.trim() } : {}),
  };
  out.set('llamaFactoryData', data, dataset.range);
  const at: [string, SourceRange | undefined][] = [['dir', dir?.range], ['valSize', val?.range], ['streaming', streaming?.range], ['mixStrategy', mix?.range], ['packedBy', packedBy?.[1]], ['tokenizedPath', tokenized?.range]];
  for (const [field, range] of at) if (range !== undefined) out.sources[`llamaFactoryData.${field}`] = out.source(range);
}
