/**
 * The optimizer step fused into backward: torchtune's `optimizer_in_bwd: True`, HF Trainer's
 * layer-wise GaLore (`galore_adamw_layerwise`, `galore_adamw_8bit_layerwise`) and LOMO register one
 * optimizer per parameter and step it from a post-accumulate-grad hook, then drop the gradient. So no
 * full set of gradients ever exists: during backward only the gradients being produced are alive.
 *
 * Bound used: one parameter's gradient at a time (autograd runs the hooks synchronously on its thread,
 * and the hook frees `p.grad` before the next parameter's hook), so the largest trainable tensor's
 * gradient, plus the largest step temporaries of any one tensor (each per-parameter optimizer is a
 * one-tensor group).
 * Gradient accumulation cannot be combined with it: the hook steps on every backward. torchtune
 * raises an error and HF Trainer's layer-wise GaLore does not support it either.
 */
import type { Citation, DType, ParamTensor } from '../types';
import { bytesOf, numel } from '../types';

export const STEP_IN_BACKWARD_SOURCES: readonly Citation[] = [
  {
    title: 'torchtune memory optimization overview: fusing the optimizer step into the backward pass',
    url: 'https://pytorch.org/torchtune/main/tutorials/memory_optimizations.html',
    locator: '"Fusing Optimizer Step into Backward Pass": gradients are freed as soon as each parameter is updated; not compatible with gradient accumulation',
  },
  {
    title: 'torchtune full_finetune_single_device recipe',
    url: 'https://github.com/pytorch/torchtune/blob/0991f97ef13735ea6d458db22137a2796f8fbf92/recipes/full_finetune_single_device.py',
    locator: '_setup_optimizer: one optimizer per parameter, training.register_optim_in_bwd_hooks; __init__: "Gradient accumulation is not supported with optimizer in bwd." (RuntimeError)',
  },
  {
    title: 'PyTorch tutorial: How to save memory by fusing the optimizer step into the backward pass',
    url: 'https://pytorch.org/tutorials/intermediate/optimizer_step_in_backward_tutorial.html',
    locator: 'register_post_accumulate_grad_hook: optimizer.step() then p.grad = None in the hook; "the gradients are freed as soon as they are used"',
  },
  {
    title: 'transformers Trainer: GaLore layer-wise optimizers',
    url: 'https://huggingface.co/docs/transformers/main/en/trainer#galore',
    locator: '"layerwise" optim names (galore_adamw_layerwise, ...) run per-parameter optimizers in backward hooks; gradient accumulation is not supported',
  },
  {
    title: 'Lv et al. 2023, Full Parameter Fine-tuning for Large Language Models with Limited Resources (LOMO)',
    url: 'https://arxiv.org/abs/2306.09782',
    locator: 'Section 3.2: fuse the gradient computation and the parameter update in one step; only one parameter\'s gradient is kept at a time',
  },
];

/** The gradient alive at any point of backward when each parameter steps in its own hook. */
export interface InFlightGradient {
  readonly bytes: number;
  /** The trainable tensor whose gradient sets the bound. */
  readonly tensor: string;
  readonly elements: number;
}

/** The largest trainable tensor's gradient, each in its own dtype (null without trainable tensors). */
export function inFlightGradient(trainable: readonly ParamTensor[], gradDtype: (t: ParamTensor) => DType): InFlightGradient | null {
  let best: InFlightGradient | null = null;
  for (const t of trainable) {
    const elements = numel(t.shape);
    const bytes = bytesOf(elements, gradDtype(t));
    if (best === null || bytes > best.bytes) best = { bytes, tensor: t.name, elements };
  }
  return best;
}

/** Why the step runs in backward, for the notes. */
export type StepInBackwardOrigin = 'flag' | 'spelling';

export function stepInBackwardNote(g: InFlightGradient | null, origin: StepInBackwardOrigin, spelling: string, gradAccum: number): string[] {
  const notes: string[] = [];
  const why = origin === 'spelling' ? `${spelling} steps each parameter in a backward hook` : 'optimizer step in backward (torchtune optimizer_in_bwd)';
  notes.push(
    `${why}: gradients are freed as each parameter is updated; the estimate keeps one gradient in flight, the largest (${g === null ? 'none' : `${g.tensor}, ${g.elements.toLocaleString('en-US')} values`}), plus the largest one-parameter step temporaries (assumption: hooks run one at a time).`,
  );
  if (gradAccum > 1) {
    notes.push(
      `error: gradient accumulation (${gradAccum}) cannot be combined with the optimizer step in backward (torchtune raises "Gradient accumulation is not supported with optimizer in bwd"; HF's layer-wise optimizers do not support it); memory is estimated as if the gradients were freed on every micro-batch.`,
    );
  }
  return notes;
}
