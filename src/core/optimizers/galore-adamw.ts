/**
 * GaLore AdamW (jiaweizzhao/GaLore galore_torch/adamw.py + galore_projector.py).
 * GaLore tensors (the 2-D weights of the target nn.Linear modules: role 'matrix') keep a projector and
 * Adam states of the *projected* gradient; every other tensor keeps ordinary AdamW states
 * (exp_avg/exp_avg_sq = zeros_like(grad)). With proj_type 'std' and an m x n weight, r = min(rank, m, n):
 * - m >= n: ortho_matrix = Vh[:r, :] [r, n], projected gradient and exp_avg/exp_avg_sq [m, r];
 * - m <  n: ortho_matrix = U[:, :r] [m, r], projected gradient and exp_avg/exp_avg_sq [r, n].
 * ortho_matrix is cast back to the gradient dtype (the parameter's). proj_quant=True with proj_type 'std'
 * stores it as packed int4 (uint8, two values per byte) with per-256-element scales and zeros in the
 * parameter dtype; other proj_types keep the float matrix (plus the scales and zeros, except 'full'),
 * see projectorStates.
 * GaLoreAdamW8bit (stateBits 8) is a bitsandbytes Optimizer2State run on the projected gradient, so the
 * 8-bit layout and min_8bit_size apply to the low-rank shape.
 *
 * Settings as used (all hyperparameters, e.g. from HF `optim_args` "rank=1024,update_proj_gap=500,
 * scale=0.25,proj_type=std"): rank, proj_type and proj_quant shape the state; `target_modules` (HF
 * `optim_target_modules`, comma-separated substrings of the module path as the Trainer matches them;
 * absent or "all-linear": every hidden Linear weight) picks the projected tensors; update_proj_gap
 * sets how often the SVD runs, whose temporaries count as step temporaries (stepTemporaries); 8-bit
 * states come from the `*_8bit` spellings; layer-wise updates from the `*_layerwise` spellings
 * (variant.stepInBackward, memory/step-in-backward.ts).
 */
import { InputError, numel, type ParamTensor } from '../types';
import type { OptimizerSpec, StateContext, StateTensor } from './types';
import type { CatalogSpelling } from './catalog-types';
import { twoMoments } from './layout/adam-moments';
import { BNB_MIN_8BIT_SIZE, bnbGlobalState, bnbStates, usesBnb } from './layout/bnb8bit';
import { effectiveHyper, hyperBoolean, hyperNumber, hyperPositiveInt, hyperString } from './layout/hyper';
import { stateTensor } from './layout/state-tensor';
import { HF_TRAINER } from './sources';

const GALORE_ADAMW = {
  title: 'jiaweizzhao/GaLore (galore_torch/adamw.py, galore_projector.py)',
  url: 'https://github.com/jiaweizzhao/GaLore/blob/2cc66f88cce189e505affbb91042a8e77f5bf4e9/galore_torch/adamw.py',
  locator: 'AdamW.step: projector = GaLoreProjector(rank, update_proj_gap, scale, proj_type); exp_avg/exp_avg_sq = zeros_like(projected grad); GaLoreProjector.get_orthogonal_matrix',
};
const README = {
  title: 'GaLore README',
  url: 'https://github.com/jiaweizzhao/GaLore/blob/2cc66f88cce189e505affbb91042a8e77f5bf4e9/README.md',
  locator: 'Usage (rank 128, update_proj_gap 200, scale 0.25, lr 0.01 for pre-training), LLaMA-7B 8-bit example (lr 0.005), RoBERTa GLUE fine-tuning (learning_rate 3e-5)',
};
const PAPER = { title: 'Zhao et al., GaLore: Memory-Efficient LLM Training by Gradient Low-Rank Projection (ICML 2024)', url: 'https://arxiv.org/abs/2403.03507' };

/**
 * The target module list of a setup: HF's optim_target_modules (comma-separated in the
 * `target_modules` hyperparameter); null = every hidden Linear weight ("all-linear", the reference
 * scripts' attention + MLP).
 */
export function galoreTargetModules(ctx: StateContext): readonly string[] | null {
  return parseGaloreTargets(hyperString(effectiveHyper(ctx), 'target_modules', null));
}

/** A comma-separated target list; null or "all-linear" = every hidden Linear weight. */
export function parseGaloreTargets(raw: string | null): readonly string[] | null {
  if (raw === null) return null;
  const list = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return list.length === 0 || (list.length === 1 && list[0] === 'all-linear') ? null : list;
}

/**
 * Whether this tensor is a GaLore target: a 2-D weight of a hidden Linear layer whose module path
 * contains one of the target keys (transformers Trainer: `any(target_key in module_name ...)`).
 */
export function isGaloreTarget(tensor: ParamTensor, targets: readonly string[] | null = null): boolean {
  if (tensor.role !== 'matrix' || tensor.shape.length !== 2) return false;
  if (targets === null) return true;
  const i = tensor.name.lastIndexOf('.');
  const moduleName = i < 0 ? tensor.name : tensor.name.slice(0, i);
  return targets.some((key) => moduleName.includes(key));
}

/**
 * Step temporaries of one GaLore step, one parameter at a time (the reference loops over params):
 * for a projected m x n gradient, on the steps that refresh the projector (step 0 and every
 * update_proj_gap), get_orthogonal_matrix makes an fp32 copy of the gradient (when it is not fp32)
 * and torch.linalg.svd(full_matrices=False) returns U [m, k], S [k], Vh [k, n] in fp32, k = min(m, n);
 * on every step project_back makes the full-rank update [m, n] and `* scale` a second one. Other
 * tensors run AdamW's `exp_avg_sq.sqrt()` (one state-sized tensor). The largest tensor counts.
 */
function galoreStepTemporaries(tensors: readonly ParamTensor[], ctx: StateContext): number {
  const targets = galoreTargetModules(ctx);
  const dtypeBytes = ctx.paramDtype === 'fp32' ? 4 : ctx.paramDtype === 'fp16' || ctx.paramDtype === 'bf16' ? 2 : 4;
  let largest = 0;
  for (const t of tensors) {
    const n = numel(t.shape);
    if (!isGaloreTarget(t, targets)) {
      // 8-bit (bitsandbytes) states update in place; 32-bit AdamW makes exp_avg_sq.sqrt().
      largest = Math.max(largest, usesBnb(ctx) ? 0 : n * dtypeBytes);
      continue;
    }
    const [rows, cols] = t.shape as [number, number];
    const k = Math.min(rows, cols);
    const svd = (ctx.paramDtype === 'fp32' ? 0 : n * 4) + (rows * k + k + k * cols) * 4;
    const back = 2 * n * dtypeBytes;
    largest = Math.max(largest, svd, back);
  }
  return largest;
}

interface Projection {
  readonly ortho: readonly (readonly number[])[];
  readonly lowRank: readonly number[];
}

/** Shapes of the projector matrices and of the projected gradient for one m x n weight. */
export function galoreProjection(m: number, n: number, rank: number, projType: string): Projection {
  const r = Math.min(rank, m, n);
  const left: Projection = { ortho: [[m, r]], lowRank: [r, n] };
  const right: Projection = { ortho: [[r, n]], lowRank: [m, r] };
  switch (projType) {
    case 'std':
      return m >= n ? right : left;
    case 'reverse_std':
      return m >= n ? left : right;
    case 'left':
      return left;
    case 'right':
      return right;
    case 'full':
      return { ortho: [[m, r], [r, n]], lowRank: [r, r] };
    default:
      throw new InputError(`GaLore proj_type must be one of std, reverse_std, left, right, full; got "${projType}"`);
  }
}

/**
 * The projector's tensors. With proj_quant, GaLoreProjector.get_orthogonal_matrix runs _quantize (packed
 * int4 ortho_matrix, scales, zeros) for type 'left'/'right' but not 'full'; only proj_type 'std' keeps
 * the packed matrix: 'reverse_std', 'left' and 'right' assign get_orthogonal_matrix's float return value
 * to ortho_matrix afterwards (keeping the scales and zeros), and 'full' never quantises
 * (galore_projector.py, GaLoreProjector.project and get_orthogonal_matrix).
 */
function projectorStates(proj: Projection, projType: string, ctx: StateContext): StateTensor[] {
  const h = effectiveHyper(ctx);
  const floats = proj.ortho.map((shape, i) => stateTensor(proj.ortho.length > 1 ? `projector.ortho_matrix.${i}` : 'projector.ortho_matrix', shape, ctx.paramDtype));
  if (!hyperBoolean(h, 'proj_quant', false) || projType === 'full') return floats;
  const group = 256;
  const n = numel(proj.ortho[0]!);
  if (n % group !== 0) throw new InputError(`GaLore proj_quant needs the projector size (${n}) to be a multiple of ${group}`);
  const rows = n / group;
  const scalesAndZeros = [
    stateTensor('projector.ortho_matrix_scales', [rows, 1], ctx.paramDtype),
    stateTensor('projector.ortho_matrix_zeros', [rows, 1], ctx.paramDtype),
  ];
  if (projType !== 'std') return [...floats, ...scalesAndZeros];
  return [stateTensor('projector.ortho_matrix', [rows, group / 2], 'uint8'), ...scalesAndZeros];
}

function projTypeOf(ctx: StateContext): string {
  return hyperString(effectiveHyper(ctx), 'proj_type', 'std') ?? 'std';
}

function lowRankShapeFor(tensor: ParamTensor, ctx: StateContext): Projection {
  const h = effectiveHyper(ctx);
  const [m, n] = tensor.shape as [number, number];
  return galoreProjection(m, n, hyperPositiveInt(h, 'rank', 128), projTypeOf(ctx));
}

function galoreStates(tensor: ParamTensor, ctx: StateContext): StateTensor[] {
  const bnb = usesBnb(ctx);
  if (!isGaloreTarget(tensor, galoreTargetModules(ctx))) return bnb ? bnbStates(tensor, ctx, 2) : twoMoments(tensor.shape, ctx.paramDtype);
  const proj = lowRankShapeFor(tensor, ctx);
  const moments = bnb ? bnbStates(tensor, ctx, 2, {}, proj.lowRank) : twoMoments(proj.lowRank, ctx.paramDtype);
  return [...projectorStates(proj, projTypeOf(ctx), ctx), ...moments];
}

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'hf', name: 'galore_adamw', note: 'GaLoreAdamW on the optim_target_modules nn.Linear weights (rank/update_proj_gap/scale/proj_type from optim_args)' },
  { ecosystem: 'hf', name: 'galore_adamw_layerwise', variant: { stepInBackward: true }, note: 'per-parameter optimizers stepped in backward hooks (same states)' },
  { ecosystem: 'hf', name: 'galore_adamw_8bit', variant: { implementation: 'bnb', stateBits: 8 }, note: 'GaLoreAdamW8bit (bitsandbytes 8-bit states on the projected gradient; no embedding override)' },
  { ecosystem: 'hf', name: 'galore_adamw_8bit_layerwise', variant: { implementation: 'bnb', stateBits: 8, stepInBackward: true }, note: 'GaLoreAdamW8bit per parameter (same states)' },
  { ecosystem: 'other', name: 'GaLoreAdamW', note: 'galore_torch.GaLoreAdamW' },
  { ecosystem: 'other', name: 'GaLoreAdamW8bit', variant: { implementation: 'bnb', stateBits: 8 }, note: 'galore_torch.GaLoreAdamW8bit' },
];

export const galoreAdamw: OptimizerSpec<'galore-adamw'> = {
  id: 'galore-adamw',
  name: 'GaLore AdamW',
  summary: 'AdamW on gradients projected to a rank-r subspace (refreshed by SVD every update_proj_gap steps) for the hidden weight matrices; full AdamW elsewhere.',
  reference: GALORE_ADAMW,
  sources: [GALORE_ADAMW, README, PAPER, HF_TRAINER],
  defaults: { lr: 0.001, betas: [0.9, 0.999], eps: 1e-6, weight_decay: 0.0, correct_bias: true, rank: 128, update_proj_gap: 200, scale: 0.25, proj_type: 'std', proj_quant: false, target_modules: null },
  lrRange: { low: 3e-5, high: 0.01, source: README },
  caveats: [
    { text: 'Only the 2-D weights of the targeted Linear modules are projected (HF: optim_target_modules, required; the reference scripts target attention and MLP); embeddings, head, norms and biases keep full AdamW states.', source: HF_TRAINER },
    { text: 'The SVD of each target gradient is recomputed every update_proj_gap (200) steps, a temporary fp32 copy and decomposition of the full gradient.', source: GALORE_ADAMW },
    { text: 'Layer-wise variants update inside backward hooks and do not support gradient accumulation or DDP.', source: HF_TRAINER },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: galoreStates,
  stepTemporaryBytes: galoreStepTemporaries,
  globalState: (tensors, ctx) =>
    bnbGlobalState(tensors, ctx, 2, (t) => {
      const shape = isGaloreTarget(t, galoreTargetModules(ctx)) ? lowRankShapeFor(t, ctx).lowRank : t.shape;
      return numel(shape) >= hyperNumber(effectiveHyper(ctx), 'min_8bit_size', BNB_MIN_8BIT_SIZE);
    }),
};
