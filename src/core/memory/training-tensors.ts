/**
 * The parameter tensors as they sit on the GPU for one training setup: storage dtype and bytes of
 * every weight (after LoRA/QLoRA and the precision split), and which of them the optimizer trains.
 * Tied duplicates (e.g. `lm_head.weight` tied to the embeddings) are stored once, on the owner.
 */
import type { ModelInventory } from '../models/types';
import type { DType, ParamTensor } from '../types';
import { bytesOf, numel } from '../types';
import type { LoraConfig } from './types';
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
}

export interface TrainingTensors {
  /** Every stored tensor, tied duplicates excluded. */
  readonly stored: readonly TrainingTensor[];
  /** The tensors the optimizer steps (trainable, stored once), in the order they are stored. */
  readonly trainable: readonly ParamTensor[];
  /** dtype trainable tensors are stored in (adapters under PEFT may differ from the base). */
  readonly trainableDtype: DType;
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
    stored.push({ tensor: t, elements, dtype, bytes: bytesOf(elements, dtype), adapter: false });
    if (t.trainable) trainable.push(t);
  }
  return { stored, trainable, trainableDtype: split.weights, adaptedTensors: [], notes: [] };
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
  for (const t of model.tensors) {
    if (t.tiedTo !== undefined) continue;
    const frozen: ParamTensor = { ...t, trainable: false };
    const elements = numel(t.shape);
    if (lora.qlora && isQuantisedByBitsandbytes(t)) {
      stored.push({ tensor: frozen, elements, dtype: 'nf4', bytes: nf4Bytes(elements), adapter: false });
      quantised += 1;
    } else {
      const dtype = lora.qlora ? split.sixteenBit : split.frozenWeights;
      stored.push({ tensor: frozen, elements, dtype, bytes: bytesOf(elements, dtype), adapter: false });
    }
  }
  const aDtype = adapterDtype(split, lora);
  const adapters = adapterTensors(targets, lora.rank);
  for (const a of adapters) {
    const elements = numel(a.shape);
    stored.push({ tensor: a, elements, dtype: aDtype, bytes: bytesOf(elements, aDtype), adapter: true });
  }
  notes.push(
    `LoRA r=${lora.rank} on ${targets.length} weight(s) (${[...new Set(targets.map((t) => t.module))].join(', ')}); base frozen (no gradients or optimizer state); adapters in ${aDtype}${split.masterWeights ? ' (DeepSpeed half copy; fp32 master weights)' : lora.adapterDtype !== undefined ? ' (as the tool builds them)' : ' (PEFT autocast_adapter_dtype)'}.`,
  );
  if (unmatched.length > 0) {
    notes.push(`LoRA target(s) ${unmatched.join(', ')} match no module of ${model.architecture} and were ignored (as PEFT does).`);
  }
  if (lora.qlora) {
    notes.push(
      `QLoRA: ${quantised} Linear weight(s) in NF4 with double quantisation (~4.127 bits/param); embeddings, norms and lm_head stay ${split.sixteenBit}.`,
    );
  }
  return { stored, trainable: adapters, trainableDtype: aDtype, adaptedTensors: targets, notes };
}

export function trainingTensors(model: ModelInventory, split: PrecisionSplit, lora: LoraConfig | null): TrainingTensors {
  return lora === null ? fullFineTune(model, split) : withLora(model, split, lora);
}
