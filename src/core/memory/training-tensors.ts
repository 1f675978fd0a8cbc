/**
 * The parameter tensors as they sit on the GPU for one training setup: storage dtype and bytes of
 * every weight (after LoRA/QLoRA and the precision split), and which of them the optimizer trains.
 * Tied duplicates (e.g. `lm_head.weight` tied to the embeddings) are stored once, on the owner.
 */
import type { ModelInventory } from '../models/types';
import type { DType, ParamTensor } from '../types';
import { bytesOf, numel } from '../types';
import type { LoraConfig, WeightPart } from './types';
import { int8WeightBytes } from './int8';
import { modulesToSaveTensors, trainableCopy } from './modules-to-save';
import type { PrecisionSplit } from './precision';
import { adapterTensors, isQuantisedByBitsandbytes, matchLoraTargets } from './lora';
import { nf4Bytes } from './nf4';

/** One stored parameter tensor. */
export interface TrainingTensor {
  readonly tensor: ParamTensor;
  readonly elements: number;
  /** Storage dtype; 'nf4' for QLoRA-quantised base weights. */
  readonly dtype: DType;
  /** Bytes on the GPU before any ZeRO partitioning. */
  readonly bytes: number;
  /** A LoRA adapter (A or B) rather than a base weight. */
  readonly adapter: boolean;
  /** What the tensor belongs to (base, adapter, PEFT modules_to_save copy, reference model). */
  readonly part: WeightPart;
}

export interface TrainingTensors {
  /** Every stored tensor, tied duplicates excluded. */
  readonly stored: readonly TrainingTensor[];
  /** The tensors the optimizer steps (trainable, stored once), in the order they are stored. */
  readonly trainable: readonly ParamTensor[];
  /** dtype most trainable tensors are stored in (the adapters under LoRA; see dtypeOf for each). */
  readonly trainableDtype: DType;
  /** Storage dtype of each trainable tensor by name (gradients and dtype-following states use it). */
  readonly dtypeOf: ReadonlyMap<string, DType>;
  /** Names of the tensors that LoRA adapted (empty without LoRA). */
  readonly adaptedTensors: readonly ParamTensor[];
  readonly notes: readonly string[];
}

/** Storage of the tensors for a full fine-tune (every trainable tensor of the inventory trains). */
function fullFineTune(model: ModelInventory, split: PrecisionSplit): TrainingTensors {
  const stored: TrainingTensor[] = [];
  const trainable: ParamTensor[] = [];
  for (const t of model.tensors) {
    if (t.tiedTo !== undefined) continue;
    const elements = numel(t.shape);
    const dtype = t.trainable ? split.weights : split.frozenWeights;
    stored.push({ tensor: t, elements, dtype, bytes: bytesOf(elements, dtype), adapter: false, part: 'base' });
    if (t.trainable) trainable.push(t);
  }
  return { stored, trainable, trainableDtype: split.weights, dtypeOf: new Map(trainable.map((t) => [t.name, split.weights])), adaptedTensors: [], notes: [] };
}

/**
 * Storage dtype of the LoRA adapters. PEFT's get_peft_model upcasts fp16/bf16 adapter weights to
 * fp32 (`autocast_adapter_dtype=True`, its default; LORA_SOURCES), whatever the base was loaded in;
 * a tool that builds its own adapters says their dtype (torchtune: the recipe dtype). Under
 * DeepSpeed mixed precision the engine holds the whole module in half precision and keeps the
 * fp32 copy as master weights instead.
 */
export function adapterDtype(split: PrecisionSplit, lora: LoraConfig): DType {
  if (split.masterWeights) return split.weights;
  return lora.adapterDtype ?? 'fp32';
}

/** Storage with LoRA (optionally QLoRA): the base is frozen, only adapters train. */
function withLora(model: ModelInventory, split: PrecisionSplit, lora: LoraConfig): TrainingTensors {
  const { matched: targets, unmatched } = matchLoraTargets(model, lora);
  const stored: TrainingTensor[] = [];
  const notes: string[] = [];
  let quantised = 0;
  const kbit = lora.qlora || lora.int8 === true;
  // prepare_model_for_kbit_training casts the non-quantised fp16/bf16 parameters to fp32.
  const unquantised: DType = kbit && lora.prepareKbit === true ? 'fp32' : lora.qlora ? split.sixteenBit : split.frozenWeights;
  const baseDtype = new Map<string, DType>();
  for (const t of model.tensors) {
    if (t.tiedTo !== undefined) continue;
    const frozen: ParamTensor = { ...t, trainable: false };
    const elements = numel(t.shape);
    if (kbit && isQuantisedByBitsandbytes(t, lora.qlora && lora.quantiseHead === true)) {
      const int8 = lora.int8 === true;
      stored.push({ tensor: frozen, elements, dtype: int8 ? 'int8' : 'nf4', bytes: int8 ? int8WeightBytes(t.shape) : nf4Bytes(elements, lora.doubleQuant !== false), adapter: false, part: 'base' });
      baseDtype.set(t.name, int8 ? 'int8' : 'nf4');
      quantised += 1;
    } else {
      stored.push({ tensor: frozen, elements, dtype: unquantised, bytes: bytesOf(elements, unquantised), adapter: false, part: 'base' });
      baseDtype.set(t.name, unquantised);
    }
  }
  const aDtype = adapterDtype(split, lora);
  const adapters = adapterTensors(targets, lora.rank);
  const dtypeOf = new Map<string, DType>();
  for (const a of adapters) {
    const elements = numel(a.shape);
    stored.push({ tensor: a, elements, dtype: aDtype, bytes: bytesOf(elements, aDtype), adapter: true, part: 'adapter' });
    dtypeOf.set(a.name, aDtype);
  }
  const trainable: ParamTensor[] = [...adapters];
  if (lora.modulesToSave !== undefined && lora.modulesToSave.length > 0) {
    const { matched, unmatched } = modulesToSaveTensors(model.tensors, lora.modulesToSave);
    let copied = 0;
    for (const t of matched) {
      const dtype = baseDtype.get(t.tiedTo ?? t.name);
      if (dtype === undefined || dtype === 'nf4' || dtype === 'int8') {
        notes.push(`modules_to_save: ${t.name} is quantised; a trainable copy of a quantised module is not modelled and was skipped.`);
        continue;
      }
      // Under DeepSpeed mixed precision the engine holds trainable tensors in half with fp32 masters.
      const copyDtype: DType = split.masterWeights ? split.weights : dtype;
      const copy = trainableCopy({ ...t, tiedTo: undefined });
      const elements = numel(t.shape);
      stored.push({ tensor: copy, elements, dtype: copyDtype, bytes: bytesOf(elements, copyDtype), adapter: false, part: 'modules-to-save' });
      dtypeOf.set(copy.name, copyDtype);
      trainable.push(copy);
      copied += elements;
    }
    notes.push(
      `modules_to_save ${lora.modulesToSave.join(', ')}: ${matched.length} tensor(s), ${copied.toLocaleString('en-US')} values copied as trainable modules with their gradients and optimizer state (PEFT ModulesToSaveWrapper keeps the frozen original too).`,
    );
    if (unmatched.length > 0) notes.push(`modules_to_save ${unmatched.join(', ')} match no module of ${model.architecture} and were ignored.`);
  }
  notes.push(
    `LoRA r=${lora.rank} on ${targets.length} weight(s) (${[...new Set(targets.map((t) => t.module))].join(', ')}); base frozen (no gradients or optimizer state); adapters in ${aDtype}${split.masterWeights ? ' (DeepSpeed half copy; fp32 master weights)' : lora.adapterDtype !== undefined ? ' (as the tool builds them)' : ' (PEFT autocast_adapter_dtype)'}.`,
  );
  if (unmatched.length > 0) {
    notes.push(`LoRA target(s) ${unmatched.join(', ')} match no module of ${model.architecture} and were ignored (as PEFT does).`);
  }
  if (lora.qlora) {
    notes.push(
      lora.doubleQuant === false
        ? `QLoRA: ${quantised} Linear weight(s) in NF4 without double quantisation (~4.5 bits/param: one fp32 absmax per 64 weights); embeddings, norms${lora.quantiseHead === true ? '' : ' and lm_head'} stay ${unquantised}.`
        : `QLoRA: ${quantised} Linear weight(s) in NF4 with double quantisation (~4.127 bits/param); embeddings, norms${lora.quantiseHead === true ? '' : ' and lm_head'} stay ${unquantised}.`,
    );
  }
  if (lora.int8 === true) {
    notes.push(`LLM.int8 base: ${quantised} Linear weight(s) in int8 with one fp32 scale per row (bitsandbytes Int8Params); embeddings, norms and lm_head stay ${unquantised}.`);
  }
  if (kbit && lora.prepareKbit === true) {
    notes.push('prepare_model_for_kbit_training: the non-quantised fp16/bf16 parameters are cast to fp32 (it also turns on gradient checkpointing unless use_gradient_checkpointing=False; set that input to match).');
  }
  return { stored, trainable, trainableDtype: aDtype, dtypeOf, adaptedTensors: targets, notes };
}

/**
 * The frozen reference model of preference training (./reference-model.ts): a copy of the base
 * weights in their storage dtype for a full fine-tune; nothing with LoRA (the adapter is disabled).
 */
const PAIRS_NOTE =
  'DPO batches: TRL concatenates the chosen and rejected responses (concatenated_forward), so a micro-batch of N pairs runs 2N sequences; the batch size is taken as sequences (give 2 x per_device_train_batch_size).';

function withReference(tt: TrainingTensors, lora: LoraConfig | null): TrainingTensors {
  if (lora !== null) {
    return { ...tt, notes: [...tt.notes, 'reference model: with an adapter the reference is the base with the adapter disabled (TRL), no second copy.', PAIRS_NOTE] };
  }
  const copies: TrainingTensor[] = tt.stored
    .filter((s) => s.part === 'base')
    .map((s) => ({ ...s, tensor: { ...s.tensor, name: `ref_model.${s.tensor.name}`, trainable: false }, part: 'reference' }));
  const bytes = copies.reduce((a, c) => a + c.bytes, 0);
  return {
    ...tt,
    stored: [...tt.stored, ...copies],
    notes: [...tt.notes, `reference model: a frozen copy of the base weights (${(bytes / 2 ** 30).toFixed(2)} GiB, TRL create_reference_model); its forward runs under no_grad, so it saves no activations.`, PAIRS_NOTE],
  };
}

export function trainingTensors(model: ModelInventory, split: PrecisionSplit, lora: LoraConfig | null, referenceModel = false): TrainingTensors {
  const tt = lora === null ? fullFineTune(model, split) : withLora(model, split, lora);
  return referenceModel ? withReference(tt, lora) : tt;
}
