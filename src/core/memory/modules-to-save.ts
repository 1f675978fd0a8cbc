/**
 * PEFT `modules_to_save` (axolotl `lora_modules_to_save`): each listed module (by leaf name, e.g.
 * `lm_head`, `embed_tokens`, `score`) is wrapped in ModulesToSaveWrapper, which keeps the original
 * module frozen and adds a trainable deep copy. The copy is a full trainable module: its weights in
 * the original's dtype (PEFT's adapter-dtype upcast covers LoRA layers only), its gradients and its
 * optimizer state.
 */
import type { Citation, ParamTensor } from '../types';

export const MODULES_TO_SAVE_SOURCES: readonly Citation[] = [
  {
    title: 'PEFT LoraConfig.modules_to_save',
    url: 'https://huggingface.co/docs/peft/package_reference/lora',
    locator: 'modules_to_save: modules apart from adapter layers to be set as trainable and saved in the final checkpoint',
  },
  {
    title: 'PEFT utils/other.py, ModulesToSaveWrapper',
    url: 'https://github.com/huggingface/peft/blob/5d602fdbff04c33c1c4de55cda9d4ae1d7cb7e40/src/peft/utils/other.py',
    locator: 'original_module kept, modules_to_save[adapter_name] = copy.deepcopy(original_module) with requires_grad_(True)',
  },
];

/**
 * The tensors a modules_to_save list copies. A tied module (lm_head tied to the embeddings) is
 * copied too: copy.deepcopy gives the copy its own, untied weight.
 */
export function modulesToSaveTensors(tensors: readonly ParamTensor[], names: readonly string[]): { matched: ParamTensor[]; unmatched: string[] } {
  const wanted = new Set(names);
  const matched = tensors.filter((t) => wanted.has(t.module));
  const unmatched = names.filter((n) => !tensors.some((t) => t.module === n));
  return { matched, unmatched };
}

/** The trainable copy of a tensor as ModulesToSaveWrapper names it. */
export function trainableCopy(t: ParamTensor): ParamTensor {
  const i = t.name.lastIndexOf('.');
  const name = i < 0 ? `modules_to_save.default.${t.name}` : `${t.name.slice(0, i)}.modules_to_save.default${t.name.slice(i)}`;
  return { ...t, name, trainable: true };
}
