import type { DType } from '../types';
import type { OptimizerSpec } from './types';
import type { CatalogSpelling } from './catalog-types';
import { colShape, isFactored, rowShape } from './layout/factored';
import { SCALAR, stateTensor } from './layout/state-tensor';
import { GPT3_TABLE } from './sources';

const CAME_PY = {
  title: 'yangluo7/CAME (came_pytorch/CAME.py)',
  url: 'https://github.com/yangluo7/CAME/blob/b368dc017dd31e4b5d74986981086cb0dcba6463/came_pytorch/CAME.py',
  locator: 'CAME.step: grad.float() for fp16/bf16; exp_avg = zeros_like(grad); factored: exp_avg_sq_row/col and exp_avg_res_row/col; else exp_avg_sq; state["RMS"] = _rms(p.data)',
};
const README = {
  title: 'CAME README (Usage, Hyper-parameter Tuning)',
  url: 'https://github.com/yangluo7/CAME/blob/b368dc017dd31e4b5d74986981086cb0dcba6463/README.md',
  locator: 'usage lr=2e-4, weight_decay=1e-2, betas (0.9, 0.999, 0.9999); "choose a learning rate for CAME 3-1x smaller than that for AdamW"',
};
const PAPER = { title: 'Luo et al., CAME: Confidence-guided Adaptive Memory Efficient Optimization (ACL 2023)', url: 'https://arxiv.org/abs/2307.02047' };

function stateDtype(param: DType): DType {
  return param === 'fp16' || param === 'bf16' || param === 'fp32' ? 'fp32' : param;
}

const spellings: readonly CatalogSpelling[] = [{ ecosystem: 'other', name: 'CAME', note: 'came_pytorch.CAME' }];

export const came: OptimizerSpec<'came'> = {
  id: 'came',
  name: 'CAME',
  summary: 'Adafactor with a first moment and a factored "instability" (update minus momentum) estimate that scales the step by confidence.',
  reference: CAME_PY,
  sources: [CAME_PY, README, PAPER],
  defaults: { lr: null, eps: [1e-30, 1e-16], clip_threshold: 1.0, betas: [0.9, 0.999, 0.9999], weight_decay: 0.0 },
  lrRange: { low: 2e-5, high: 6e-4, source: { ...README, locator: `${README.locator}; applied to the AdamW range of GPT-3 Table 2.1 (${GPT3_TABLE.url}): 6e-5/3 to 6e-4` } },
  caveats: [
    { text: 'lr has no default (the constructor asserts lr > 0); the README uses 2e-4.', source: CAME_PY },
    { text: 'States are fp32 (gradients are cast to float), including a full first moment; factored tensors add four fp32 row/column vectors.', source: CAME_PY },
  ],
  spellings,
  variant: { stateBits: 32, paged: false, decoupledWeightDecay: true },
  stateFor: (tensor, ctx) => {
    const dtype = stateDtype(ctx.paramDtype);
    const states = [stateTensor('exp_avg', tensor.shape, dtype)];
    if (isFactored(tensor.shape)) {
      states.push(stateTensor('exp_avg_sq_row', rowShape(tensor.shape), dtype));
      states.push(stateTensor('exp_avg_sq_col', colShape(tensor.shape), dtype));
      states.push(stateTensor('exp_avg_res_row', rowShape(tensor.shape), dtype));
      states.push(stateTensor('exp_avg_res_col', colShape(tensor.shape), dtype));
    } else {
      states.push(stateTensor('exp_avg_sq', tensor.shape, dtype));
    }
    states.push(stateTensor('RMS', SCALAR, ctx.paramDtype));
    return states;
  },
};
