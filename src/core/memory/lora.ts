/**
 * LoRA and QLoRA as PEFT and bitsandbytes build them: which weights a target list adapts, the
 * adapter tensors (A: r x in, B: out x r per adapted Linear), and which base weights QLoRA
 * quantises to 4 bit.
 */
import type { ModelInventory } from '../models/types';
import type { Citation, ParamTensor } from '../types';
import { InputError } from '../types';
import type { LoraConfig } from './types';

export const LORA_SOURCES: readonly Citation[] = [
  {
    title: 'Hu et al. 2021, LoRA: Low-Rank Adaptation of Large Language Models',
    url: 'https://arxiv.org/abs/2106.09685',
    locator: 'Section 4.1: W0 + BA with B in R^{d x r}, A in R^{r x k}',
  },
  {
    title: 'PEFT LoraConfig (target_modules, "all-linear")',
    url: 'https://huggingface.co/docs/peft/package_reference/lora',
    locator: 'target_modules: module names matched by suffix; "all-linear" selects all Linear/Conv1D layers except the output layer',
  },
  {
    title: 'PEFT cast_adapter_dtype',
    url: 'https://huggingface.co/docs/peft/package_reference/functional',
    locator: 'autocast_adapter_dtype=True (default) upcasts float16/bfloat16 adapter weights to float32',
  },
  {
    title: 'Transformers bitsandbytes integration (replace_with_bnb_linear)',
    url: 'https://github.com/huggingface/transformers/blob/f6cf875a758d0cabd6a625eb8d7225e86d5dc20a/src/transformers/integrations/bitsandbytes.py',
    locator: 'every nn.Linear / Conv1D is replaced by Linear4bit except modules_to_not_convert (the output head)',
  },
];

/** Roles whose 2-D weights are Linear layers (what PEFT can adapt and bitsandbytes quantises). */
const LINEAR_ROLES = new Set<ParamTensor['role']>(['matrix', 'router', 'lm-head']);

/** A 2-D weight of a Linear (or GPT-2 Conv1D) layer. */
export function isLinearWeight(t: ParamTensor): boolean {
  return LINEAR_ROLES.has(t.role) && t.shape.length === 2 && t.name.endsWith('weight');
}

/**
 * bitsandbytes 4-bit loading quantises every Linear weight except the output head (transformers'
 * default); `head`: the head too (Lightning Fabric's BitsandbytesPrecision replaces every nn.Linear).
 */
export function isQuantisedByBitsandbytes(t: ParamTensor, head = false): boolean {
  return isLinearWeight(t) && (head || t.role !== 'lm-head') && t.tiedTo === undefined;
}

/** Module names a user can target (Linear weights), sorted, for error messages. */
export function targetableModules(model: ModelInventory): string[] {
  return [...new Set(model.tensors.filter(isLinearWeight).map((t) => t.module))].sort();
}

/** Result of matching a LoRA target list against the model. */
export interface LoraTargetMatch {
  readonly matched: readonly ParamTensor[];
  /** Named targets that matched nothing (PEFT ignores them as long as one target matches). */
  readonly unmatched: readonly string[];
}

/**
 * The weights a LoRA target list adapts. 'all-linear' follows PEFT: every Linear except the output
 * layer. A named list matches leaf module names exactly (PEFT matches by name suffix); like PEFT,
 * it is an error only when no target matches at all.
 */
export function matchLoraTargets(model: ModelInventory, lora: LoraConfig): LoraTargetMatch {
  const linear = model.tensors.filter(isLinearWeight);
  if (lora.targets === 'all-linear') {
    const matched = linear.filter((t) => t.role !== 'lm-head');
    if (matched.length === 0) {
      throw new InputError(`LoRA 'all-linear' found no Linear module in ${model.architecture}`);
    }
    return { matched, unmatched: [] };
  }
  const wanted = new Set(lora.targets);
  const matched = linear.filter((t) => wanted.has(t.module));
  if (matched.length === 0) {
    throw new InputError(
      `LoRA target(s) ${lora.targets.join(', ')} match no Linear module of ${model.architecture}; available: ${targetableModules(model).join(', ')}`,
    );
  }
  const unmatched = lora.targets.filter((name) => !linear.some((t) => t.module === name));
  return { matched, unmatched };
}

/** Smallest dimension over the targeted weights (the largest rank that makes sense). */
/**
 * The largest dimension of any targeted weight. PEFT accepts a rank above a module's smaller dimension
 * (a Mixtral router, Linear(4096, 8), under all-linear with rank 64 in OpenRLHF's examples); a rank above
 * every dimension is a mistake.
 */
export function largestTargetDimension(targets: readonly ParamTensor[]): number {
  let largest = 0;
  for (const t of targets) for (const d of t.shape) largest = Math.max(largest, d);
  return largest;
}

/**
 * Adapter tensors: for a weight of shape [out, in], A is [r, in] and B is [out, r] (PEFT's
 * lora_A / lora_B Linear layers). GPT-2's Conv1D stores [in, out]; the parameter count r*(in+out)
 * is the same either way.
 */
export function adapterTensors(targets: readonly ParamTensor[], rank: number): ParamTensor[] {
  const out: ParamTensor[] = [];
  for (const t of targets) {
    const prefix = t.name.endsWith('.weight') ? t.name.slice(0, -'.weight'.length) : t.name;
    const [rows, cols] = t.shape as readonly [number, number];
    out.push({ name: `${prefix}.lora_A.default.weight`, shape: [rank, cols], role: 'matrix', trainable: true, module: 'lora_A' });
    out.push({ name: `${prefix}.lora_B.default.weight`, shape: [rows, rank], role: 'matrix', trainable: true, module: 'lora_B' });
  }
  return out;
}
