import type { DType, ParamTensor } from '../types';
import type { OptimizerSpec, StateContext, StateTensor } from './types';
import { catalogVariant, type CatalogSpelling } from './catalog-types';
import { colShape, isFactored, rowShape } from './layout/factored';
import { effectiveHyper, hyperOptionalNumber } from './layout/hyper';
import { SCALAR, stateTensor } from './layout/state-tensor';
import { HF_TRAINER, TIMM_FACTORY } from './sources';

const HF_ADAFACTOR = {
  title: 'transformers Adafactor (src/transformers/optimization.py)',
  url: 'https://github.com/huggingface/transformers/blob/ad1fc9639f2e7b6808a2ca982c0a9b3134d76ee8/src/transformers/optimization.py',
  locator: 'Adafactor.step: grad.float() for fp16/bf16; exp_avg only when beta1 is not None; exp_avg_sq_row/col when len(shape) >= 2 else exp_avg_sq; state["RMS"] = _rms(p_data_fp32) (0-dim fp32 tensor)',
};
const TORCH_ADAFACTOR = {
  title: 'PyTorch torch.optim.Adafactor',
  url: 'https://github.com/pytorch/pytorch/blob/5f65158aefc31977355102011b310a7d020e5604/torch/optim/_adafactor.py',
  locator: '_init_group: row_var = grad.new_zeros(shape with [-1]=1), col_var = (shape with [-2]=1) when dim > 1, else variance = zeros_like(grad); step on CPU; no first moment',
};
const PAPER = { title: 'Shazeer & Stern, Adafactor: Adaptive Learning Rates with Sublinear Memory Cost (ICML 2018)', url: 'https://arxiv.org/abs/1804.04235' };
const T5 = {
  title: 'Raffel et al., Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer (T5), JMLR 2020',
  url: 'https://arxiv.org/abs/1910.10683',
  locator: 'Sections 3.1.2-3.1.3: Adafactor pre-training at 1/sqrt(max(n, 10^4)) (0.01 for the first 10^4 steps), fine-tuning at a constant 0.001',
};

/** HF casts fp16/bf16 gradients to float, so its states are fp32 whatever the parameter dtype. */
function hfStateDtype(param: DType): DType {
  return param === 'fp16' || param === 'bf16' || param === 'fp32' ? 'fp32' : param;
}

function hfStates(tensor: ParamTensor, ctx: StateContext): StateTensor[] {
  const dtype = hfStateDtype(ctx.paramDtype);
  const beta1 = hyperOptionalNumber(effectiveHyper(ctx), 'beta1', null);
  const states: StateTensor[] = [];
  if (beta1 !== null) states.push(stateTensor('exp_avg', tensor.shape, dtype));
  if (isFactored(tensor.shape)) {
    states.push(stateTensor('exp_avg_sq_row', rowShape(tensor.shape), dtype));
    states.push(stateTensor('exp_avg_sq_col', colShape(tensor.shape), dtype));
  } else {
    states.push(stateTensor('exp_avg_sq', tensor.shape, dtype));
  }
  states.push(stateTensor('RMS', SCALAR, 'fp32'));
  return states;
}

function torchStates(tensor: ParamTensor, ctx: StateContext): StateTensor[] {
  const shape = tensor.shape;
  if (shape.length > 1) {
    const row = [...shape];
    row[row.length - 1] = 1;
    const col = [...shape];
    col[col.length - 2] = 1;
    return [stateTensor('row_var', row, ctx.paramDtype), stateTensor('col_var', col, ctx.paramDtype)];
  }
  return [stateTensor('variance', shape, ctx.paramDtype)];
}

const HF_NOTE = 'HF Trainer passes scale_parameter=False, relative_step=False (so an lr must be set)';

const spellings: readonly CatalogSpelling[] = [
  { ecosystem: 'hf', name: 'adafactor', variant: { forced: { scale_parameter: false, relative_step: false } }, note: HF_NOTE },
  { ecosystem: 'other', name: 'Adafactor', note: 'transformers.optimization.Adafactor used directly (reference defaults)' },
  { ecosystem: 'pytorch', name: 'Adafactor', variant: { implementation: 'torch' }, note: 'torch.optim.Adafactor: states in the gradient dtype, no first moment' },
  { ecosystem: 'timm', name: 'adafactor', note: 'timm.optim.Adafactor, lifted from fairseq like the transformers one (same state tensors)' },
];

export const adafactor: OptimizerSpec<'adafactor'> = {
  id: 'adafactor',
  name: 'Adafactor',
  summary: 'Factored second moment (row and column running averages) with update clipping and optional relative step sizes.',
  reference: HF_ADAFACTOR,
  sources: [HF_ADAFACTOR, PAPER, TORCH_ADAFACTOR, HF_TRAINER, TIMM_FACTORY, T5],
  defaults: { lr: null, eps: [1e-30, 1e-3], clip_threshold: 1.0, decay_rate: -0.8, beta1: null, weight_decay: 0.0, scale_parameter: true, relative_step: true, warmup_init: false },
  lrRange: { low: 1e-3, high: 1e-2, source: T5 },
  caveats: [
    { text: 'Tensors with >= 2 dims keep fp32 row and column vectors; 1-D tensors keep a full fp32 vector; a full fp32 first moment is added only when beta1 is set.', source: HF_ADAFACTOR },
    { text: 'With the reference defaults (relative_step=True) lr must be None; HF recommends scale_parameter=False, relative_step=False, warmup_init=False with an external lr of 1e-3 for T5 fine-tuning.', source: HF_ADAFACTOR },
    { text: 'torch.optim.Adafactor differs: states in the gradient dtype, no beta1, lr 1e-2 used as the maximum relative step.', source: TORCH_ADAFACTOR },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: (tensor, ctx) => (catalogVariant(ctx).implementation === 'torch' ? torchStates(tensor, ctx) : hfStates(tensor, ctx)),
};
