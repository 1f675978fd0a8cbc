/**
 * Adam-mini (zyushun/Adam-mini adam_mini/adam_mini.py). Partition by parameter *name*, as the reference:
 * - names containing embed / embd / wte / lm_head.weight / output.weight: full AdamW, m and v fp32;
 * - q_proj.weight / k_proj.weight / wq.weight / wk.weight: m fp32 viewed as [heads, head_numel] with
 *   head_numel = dim * dim / n_heads, and vmean fp32 [heads, 1];
 * - every other tensor: m fp32 and one scalar vmean = zeros_like(sum(p * p)) (parameter dtype).
 * `step` and `block_numel` are Python numbers.
 * dim / n_heads come from the hyperparameters (reference defaults 2048 / 32 when not given); set them to
 * the model's hidden size and attention heads, otherwise q/k tensors may not divide into heads (the
 * reference would fail at view()) and this throws an InputError.
 */
import { InputError, numel, type ParamTensor } from '../types';
import type { OptimizerSpec, StateContext, StateTensor } from './types';
import type { CatalogSpelling } from './catalog-types';
import { effectiveHyper, hyperPositiveInt } from './layout/hyper';
import { SCALAR, stateTensor } from './layout/state-tensor';
import { GPT3_TABLE } from './sources';

const ADAM_MINI_PY = {
  title: 'zyushun/Adam-mini (adam_mini/adam_mini.py)',
  url: 'https://github.com/zyushun/Adam-mini/blob/402aadfed23719f3b92c8e78b5d49ad499ff7ada/adam_mini/adam_mini.py',
  locator: 'Adam_mini.__init__ (embd_names, wqk_names, head_numel = dim * dim // n_heads) and step (m fp32; v fp32 / vmean [head, 1] fp32 / vmean scalar)',
};
const README = {
  title: 'Adam-mini README',
  url: 'https://github.com/zyushun/Adam-mini/blob/402aadfed23719f3b92c8e78b5d49ad499ff7ada/README.md',
  locator: '"Regarding all the hyperparameters including learning rate (lr), weight_decay, beta1, beta2, eps, we recommend using the same values as those used for AdamW."',
};
const PAPER = { title: 'Zhang et al., Adam-mini: Use Fewer Learning Rates To Gain More (2024)', url: 'https://arxiv.org/abs/2406.16793' };

/**
 * Name fragments of the reference (Adam_mini.__init__: embd_names, wqk_names), which decide a parameter's block: shared
 * by the estimator's state layout below and the profiler's implementation (src/profiler/optimizers/adam-mini.ts).
 */
export const ADAM_MINI_EMBD_NAMES: readonly string[] = ['embed', 'embd', 'wte', 'lm_head.weight', 'output.weight'];
export const ADAM_MINI_QK_NAMES: readonly string[] = ['k_proj.weight', 'q_proj.weight', 'wq.weight', 'wk.weight'];

export type AdamMiniBlock = 'embedding' | 'query-key' | 'other';

/** A parameter's block by its name: full Adam (embedding, output), one value per head (query, key), one per tensor. */
export function adamMiniBlock(name: string): AdamMiniBlock {
  if (ADAM_MINI_EMBD_NAMES.some((n) => name.includes(n))) return 'embedding';
  if (ADAM_MINI_QK_NAMES.some((n) => name.includes(n))) return 'query-key';
  return 'other';
}

function adamMiniStates(tensor: ParamTensor, ctx: StateContext): StateTensor[] {
  const m = stateTensor('m', tensor.shape, 'fp32');
  const block = adamMiniBlock(tensor.name);
  if (block === 'embedding') return [m, stateTensor('v', tensor.shape, 'fp32')];
  if (block === 'query-key') {
    const h = effectiveHyper(ctx);
    const dim = hyperPositiveInt(h, 'dim', 2048);
    const heads = hyperPositiveInt(h, 'n_heads', 32);
    if ((dim * dim) % heads !== 0) throw new InputError(`Adam-mini: dim*dim (${dim}*${dim}) is not divisible by n_heads (${heads})`);
    const headNumel = (dim * dim) / heads;
    const n = numel(tensor.shape);
    if (n % headNumel !== 0) {
      throw new InputError(
        `Adam-mini: ${tensor.name} has ${n} elements, not a multiple of dim*dim/n_heads = ${headNumel}; set dim and n_heads to the model's hidden size and attention heads`,
      );
    }
    return [m, stateTensor('vmean', [n / headNumel, 1], 'fp32')];
  }
  return [m, stateTensor('vmean', SCALAR, ctx.paramDtype)];
}

const spellings: readonly CatalogSpelling[] = [{ ecosystem: 'other', name: 'Adam_mini', note: 'adam_mini.Adam_mini' }];

export const adamMini: OptimizerSpec<'adam-mini'> = {
  id: 'adam-mini',
  name: 'Adam-mini',
  summary: 'Adam with one second-moment value per parameter block (per attention head for queries/keys, per tensor elsewhere), full Adam for embeddings and output.',
  reference: ADAM_MINI_PY,
  sources: [ADAM_MINI_PY, README, PAPER],
  defaults: { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, model_sharding: false, dim: 2048, n_heads: 32, n_kv_heads: null },
  lrRange: { low: 6e-5, high: 6e-4, source: { ...README, locator: `${README.locator}; AdamW range from GPT-3 Table 2.1 (${GPT3_TABLE.url})` } },
  caveats: [
    { text: 'Blocks are found by parameter name (embed/embd/wte/lm_head.weight/output.weight, q_proj/k_proj/wq/wk); other naming schemes fall back to one value per tensor, which the authors warn can destabilise large Transformers.', source: ADAM_MINI_PY },
    { text: 'Pass dim (hidden size) and n_heads; the reference defaults are 2048 and 32.', source: ADAM_MINI_PY },
    { text: 'The first moment m is always fp32, so with bf16 parameters the state is 4 bytes per parameter plus the embedding/output second moments.', source: ADAM_MINI_PY },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: adamMiniStates,
};
