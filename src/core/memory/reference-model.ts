/**
 * The reference model of preference training (TRL DPOTrainer, LLaMA-Factory `stage: dpo`, axolotl
 * `rl: dpo`, torchtune's full DPO recipe): the loss compares the policy's log-probabilities with a
 * frozen reference's. A full fine-tune keeps a second, frozen copy of the model for it (TRL:
 * create_reference_model, a deep copy in the same dtype). With a PEFT adapter TRL uses the base with
 * the adapter disabled instead, so there is no copy. The reference's forward runs under no_grad:
 * nothing of it is saved for backward.
 */
import type { Citation } from '../types';

export const REFERENCE_MODEL_SOURCES: readonly Citation[] = [
  {
    title: 'TRL DPOTrainer: reference model',
    url: 'https://huggingface.co/docs/trl/main/en/dpo_trainer',
    locator: 'ref_model: if None, a copy of the model is created (create_reference_model); with a PEFT model the reference is the model with the adapter disabled',
  },
  {
    title: 'Rafailov et al. 2023, Direct Preference Optimization',
    url: 'https://arxiv.org/abs/2305.18290',
    locator: 'Eq. 7: the DPO loss uses log-ratios against the frozen reference policy',
  },
];
