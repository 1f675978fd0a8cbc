/**
 * LAMB, NovoGrad, Adam-mini, Adafactor and CAME with their updates as a few passes of kernels of
 * kernel-spec.ts over memory: the sums the update needs (norms, per-tensor or per-head means of g^2,
 * row and column means of g^2 + eps) come from kernels that return them, the small per-tensor, per-row
 * and per-column quantities are computed here in float32 (Math.fround) in the order the tfjs ops
 * compute them, and a last pass applies the update in place (LAMB: from the update direction its first
 * pass stored in the work area, storage.ts workArea; Adafactor: returning the new
 * parameter's sum of squares, which its next step uses instead of reading p, StepContext.memo).
 * Elementwise parts are the tfjs ops'
 * float32 operations in the same order; the sums are added in another order than tfjs's reductions,
 * so the result agrees with the tfjs-op optimizer to float32 rounding, not bit for bit. Definitions
 * for fusedOptimizerClass (fused-core.ts): whenever the fast path does not apply (another backend,
 * shared storage, options without a kernel: Adafactor's beta1, tensors of rank other than 2 for the
 * factored ones) the step is the parent's tfjs ops. Child side.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdafactorOptimizer } from '../optimizers/adafactor';
import { adamMiniBlock, AdamMiniOptimizer, NO_DECAY_NAMES } from '../optimizers/adam-mini';
import { CameOptimizer } from '../optimizers/came';
import { LambOptimizer } from '../optimizers/lamb';
import { NovoGradOptimizer } from '../optimizers/novograd';
import { bindTensors, num, pair, rowsPerCall, runKernel, type BoundTensors, type FusedDefinition } from './fused-core';
import { lambName, ROWS_PER_CALL, type LambVariant } from './kernel-spec';

const F = Math.fround;

/** The single value of a scalar state tensor. */
function scalarValue(t: tf.Tensor): number {
  return t.dataSync()[0]!;
}

/** b*old + (1-b)*x, as tf.add(tf.mul(old, b), tf.mul(x, 1 - b)) on float32 values. */
function ema(old: number, b: number, x: number): number {
  return F(F(old * F(b)) + F(x * F(1 - b)));
}

/** sqrt(sum)/sqrt(n): HF `_rms` (tf.div(l2norm(x), Math.sqrt(n))) from the sum of squares. */
function rmsOf(sumSq: number, n: number): number {
  return F(F(Math.sqrt(F(sumSq))) / F(Math.sqrt(n)));
}

export const FUSED_LAMB: FusedDefinition<LambOptimizer> = {
  className: 'OptimizerAdvisor.FusedLamb',
  base: LambOptimizer,
  prepare: (ctx, opt, grads, parent) => {
    const maxNorm = ctx.resolved['max_grad_norm'];
    ctx.shared['divisor'] = 1;
    if (typeof maxNorm !== 'number' || grads.length === 0) return;
    // Global gradient norm, as LambOptimizer.prepareStep: the norm of the per-tensor norms.
    let total = 0;
    for (const g of grads) {
      const r = runKernel('sumsq', [g.tensor], [], []);
      if (!r) {
        parent();
        ctx.shared['divisor'] = opt.clipDivisorValue();
        return;
      }
      const norm = F(Math.sqrt(F(r.sums[0]!)));
      total += F(norm * norm);
    }
    const divisor = Math.max(F(F(Math.sqrt(F(total))) / F(maxNorm)), 1);
    ctx.shared['divisor'] = divisor;
    // The parent's updates (tensors the kernels cannot take) divide by the same value.
    opt.useClipDivisor(divisor);
  },
  step: (ctx, _opt, p, grad, step) => {
    const h = ctx.resolved;
    const m = ctx.slot('exp_avg', () => tf.zerosLike(p));
    const v = ctx.slot('exp_avg_sq', () => tf.zerosLike(p));
    // u goes to the work area (index 4), outside the optimizer's tensors.
    const bound = p.size === grad.size ? bindTensors([p, grad, m, v], [p, m, v], p.size) : null;
    if (!bound) return null;
    const lr = num(h, 'lr');
    const wd = num(h, 'weight_decay');
    const [b1, b2] = pair(h, 'betas');
    const averaging = h['grad_averaging'] === true;
    const beta3 = averaging ? 1 - b1 : 1;
    const variant: LambVariant = { moment: averaging ? (beta3 < 0.5 ? 'low' : 'high') : 'sum', decay: wd === 0 ? 'none' : h['decoupled_decay'] === true ? 'decoupled' : 'l2' };
    const bc = h['bias_correction'] === true;
    const bc1 = bc ? 1 - b1 ** step : 1;
    const bc2sqrt = Math.sqrt(bc ? 1 - b2 ** step : 1);
    const eps = num(h, 'eps');
    const n = p.size;
    const all = [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0]] as const;
    const [pp, uu] = bound.run(lambName('moments', variant), all, n, [
      ctx.shared['divisor'] ?? 1, ...(variant.moment === 'sum' ? [b1] : [beta3, 1 - beta3]), b2, 1 - b2, bc1, bc2sqrt, eps,
      ...(variant.decay === 'l2' ? [wd] : []), ...(variant.decay === 'decoupled' ? [-lr * wd] : []),
    ]);
    let trust = 1;
    if (wd !== 0 || h['always_adapt'] === true) {
      const wNorm = F(Math.sqrt(F(pp!)));
      const uNorm = F(Math.sqrt(F(uu!)));
      trust = wNorm > 0 && uNorm > 0 ? F(wNorm / uNorm) : 1;
      if (h['trust_clip'] === true) trust = Math.min(trust, 1);
    }
    bound.run('lamb_apply', [[0, 0], [4, 0]], n, [trust, lr]);
    return bound.path;
  },
};

export const FUSED_NOVOGRAD: FusedDefinition<NovoGradOptimizer> = {
  className: 'OptimizerAdvisor.FusedNovoGrad',
  base: NovoGradOptimizer,
  step: (ctx, _opt, p, grad) => {
    const h = ctx.resolved;
    const m = ctx.slot('exp_avg', () => tf.zerosLike(p));
    const v = ctx.slot('exp_avg_sq', () => tf.scalar(0));
    const bound = p.size === grad.size ? bindTensors([p, grad, m], [p, m]) : null;
    if (!bound) return null;
    const [b1, b2] = pair(h, 'betas');
    const wd = num(h, 'weight_decay');
    const averaging = h['grad_averaging'] === true;
    const n = p.size;
    const norm = F(bound.run('sumsq', [[1, 0]], n, [])[0]!);
    // The reference copies the norm while the running value is exactly zero, then averages.
    const old = scalarValue(v);
    let second = old === 0 ? norm : ema(old, b2, norm);
    v.assign(tf.scalar(second));
    if (h['amsgrad'] === true) {
      const vmax = ctx.slot('max_exp_avg_sq', () => tf.scalar(0));
      second = Math.max(scalarValue(vmax), second);
      vmax.assign(tf.scalar(second));
    }
    const den = F(F(Math.sqrt(second)) + F(num(h, 'eps')));
    const kernel = `novograd${wd !== 0 ? '_l2' : ''}${averaging ? '_avg' : ''}`;
    bound.run(kernel, [[0, 0], [1, 0], [2, 0]], n, [den, ...(wd !== 0 ? [wd] : []), ...(averaging ? [1 - b1] : []), b1, num(h, 'lr')]);
    return bound.path;
  },
};

export const FUSED_ADAM_MINI: FusedDefinition<AdamMiniOptimizer> = {
  className: 'OptimizerAdvisor.FusedAdamMini',
  base: AdamMiniOptimizer,
  step: (ctx, _opt, p, grad, step) => {
    const name = ctx.name;
    const h = ctx.resolved;
    const block = adamMiniBlock(name);
    const lr = num(h, 'lr');
    const [b1, b2] = pair(h, 'betas');
    const eps = num(h, 'eps');
    const wd = NO_DECAY_NAMES.some((x) => name.includes(x)) ? 0 : num(h, 'weight_decay');
    const decay = wd > 0 ? 1 - lr * wd : 1;
    const bc1 = 1 - b1 ** step;
    const bc2Sqrt = Math.sqrt(1 - b2 ** step);
    const w = 1 - b1;
    const branch = w < 0.5 ? 'low' : 'high';
    const n = p.size;
    const headNumel = (num(h, 'dim') * num(h, 'dim')) / num(h, 'n_heads');
    if (block === 'query-key' && n % headNumel !== 0) return null;
    const m = ctx.slot('m', () => tf.zerosLike(p));
    if (block === 'embedding') {
      const v = ctx.slot('v', () => tf.zerosLike(p));
      const bound = bindTensors([p, grad, m, v], [p, m, v]);
      if (!bound || grad.size !== n) return null;
      bound.run(`adam_mini_embedding_${branch}`, [[0, 0], [1, 0], [2, 0], [3, 0]], n, [b2, 1 - b2, decay, w, 1 - w, bc2Sqrt, eps, lr / bc1]);
      return bound.path;
    }
    const heads = block === 'query-key' ? n / headNumel : 1;
    const rowLength = n / heads;
    const vmean = ctx.slot('vmean', () => (block === 'query-key' ? tf.zeros([heads, 1]) : tf.scalar(0)));
    const bound = bindTensors([p, grad, m], [p, m]);
    if (!bound || grad.size !== n) return null;
    const old = vmean.dataSync();
    const next = new Float32Array(heads);
    bound.runRows('sumsq', [[1, rowLength]], heads, rowLength, [], undefined, (k, [sum]) => {
      next[k] = ema(old[k]!, b2, F(F(sum!) / rowLength));
    });
    vmean.assign(tf.tensor(next, vmean.shape));
    const stepsizes = next.map((v) => F(F(1 / bc1) / F(F(F(Math.sqrt(v)) / F(bc2Sqrt)) + F(eps))));
    bound.runRows(`adam_mini_shared_${branch}`, [[0, rowLength], [1, rowLength], [2, rowLength]], heads, rowLength, [decay, w, 1 - w, lr], stepsizes);
    return bound.path;
  },
};

/** The row kernels of one factored statistics pass, on groups of rows. */
interface FactoredPass {
  /** Rows per call from row i (the statistics kernel's multi-row variant, or 1). */
  rowsPerCall(i: number): number;
  /**
   * Runs the statistics kernel on rows i..i+k-1 (adding g^2 + eps1 into the column sums, and when the
   * pass weighs, g^2 / each row's new moment from `old`, the rows' old moments, into the column weights);
   * returns their sums.
   */
  stats(i: number, k: number, old: Float32Array): number[];
  /** Whether stats fills the column weights (factoredStatsSpec). */
  readonly weighs: boolean;
}

/** A row kernel's callers for one row and for groups (rowCaller), picked by the number of rows. */
function rowCallers(
  bound: BoundTensors,
  name: string,
  arrays: ReadonlyArray<readonly [number, number]>,
  cols: number,
  scalars: readonly number[],
  withRowScalar: boolean,
): (row: number, k: number, rowScalars?: ArrayLike<number>) => number[] {
  const one = bound.rowCaller(name, arrays, cols, scalars, withRowScalar);
  const many = bound.rowCaller(name, arrays, cols, scalars, withRowScalar, ROWS_PER_CALL);
  return (row, k, rowScalars) => (k === 1 ? one : many)(row, rowScalars);
}

/**
 * The factored second moment of a [rows, cols] matrix (Adafactor and CAME): one pass over the rows adds
 * sq = g*g + eps1 into column sums and gives each row's sum; the states are updated here, and the
 * factors rsqrt(row / mean(row)) and rsqrt(col) returned (as `_approx_sq_grad`), with, when the pass
 * weighs, the sum of ((r*c)*g)^2 over the matrix (the update's sum of squares before clipping).
 */
function factoredMoment(
  rows: number,
  cols: number,
  beta: number,
  rowState: tf.Variable,
  colState: tf.Variable,
  bind: (colSums: tf.Tensor, weights: tf.Tensor) => FactoredPass | null,
): { r: Float32Array; c: tf.Tensor1D; updateSumSq: number } | null {
  const colSums = tf.zeros([cols]);
  const weights = tf.zeros([cols]);
  const pass = bind(colSums, weights);
  if (!pass) return null;
  const oldRow = rowState.dataSync() as Float32Array;
  const oldCol = colState.dataSync();
  const row = new Float32Array(rows);
  let rowTotal = 0;
  for (let i = 0; i < rows; ) {
    const k = pass.rowsPerCall(i);
    const sums = pass.stats(i, k, oldRow.subarray(i, i + k));
    // The same float32 operations as the kernel's row moment (factoredStatsSpec), for the state.
    for (let r = 0; r < k; r++) {
      row[i + r] = ema(oldRow[i + r]!, beta, F(F(sums[r]!) / cols));
      rowTotal += row[i + r]!;
    }
    i += k;
  }
  const colValues = colSums.dataSync();
  const col = new Float32Array(cols);
  for (let j = 0; j < cols; j++) col[j] = ema(oldCol[j]!, beta, F(colValues[j]! / rows));
  rowState.assign(tf.tensor1d(row));
  colState.assign(tf.tensor1d(col));
  const rowMean = F(F(rowTotal) / rows);
  let updateSumSq = 0;
  if (pass.weighs) {
    const w = weights.dataSync();
    for (let j = 0; j < cols; j++) updateSumSq += w[j]! / col[j]!;
    updateSumSq *= rowMean;
  }
  const r = row.map((x) => F(1 / Math.sqrt(F(x / rowMean))));
  const c = tf.tensor1d(col.map((x) => F(1 / Math.sqrt(x))));
  return { r, c, updateSumSq };
}

/** rows and cols of a rank-2 tensor, or null. */
function matrix(p: tf.Tensor, grad: tf.Tensor): [number, number] | null {
  return p.rank === 2 && grad.size === p.size ? [p.shape[0]!, p.shape[1]!] : null;
}

/** Memo key of Adafactor's sum of p^2 after its update. */
const SUM_SQ_P = 'sumSqP';

export const FUSED_ADAFACTOR: FusedDefinition<AdafactorOptimizer> = {
  className: 'OptimizerAdvisor.FusedAdafactor',
  base: AdafactorOptimizer,
  step: (ctx, _opt, p, grad, step) => {
    const h = ctx.resolved;
    const shape = matrix(p, grad);
    if (!shape || h['beta1'] !== null || !bindTensors([p, grad], [p])) return null;
    const [rows, cols] = shape;
    const [eps1, eps2] = pair(h, 'eps');
    const paramRms = ctx.slot('RMS', () => tf.zeros([]));
    const rowState = ctx.slot('exp_avg_sq_row', () => tf.zeros([rows]));
    const colState = ctx.slot('exp_avg_sq_col', () => tf.zeros([cols]));
    const beta2t = 1 - step ** num(h, 'decay_rate');
    // sum(p^2) for the RMS of the parameter: the last step's apply pass returned it for the p it
    // stored; while p keeps that storage (no assign since), the statistics pass need not read p.
    const prior = ctx.memo.get(SUM_SQ_P) as { readonly dataId: object; readonly sum: number } | undefined;
    const known = prior !== undefined && prior.dataId === p.dataId ? prior.sum : null;
    let pp = known ?? 0;
    const factors = factoredMoment(rows, cols, beta2t, rowState, colState, (colSums, weights) => {
      if (known !== null) {
        const bound = bindTensors([grad, colSums, weights], [colSums, weights]);
        if (!bound) return null;
        const stats = rowCallers(bound, 'factored_stats', [[0, cols], [1, 0], [2, 0]], cols, [eps1, beta2t, 1 - beta2t, cols], true);
        return { weighs: true, rowsPerCall: (i) => rowsPerCall('factored_stats', i, rows), stats: (i, k, old) => stats(i, k, old) };
      }
      const bound = bindTensors([p, grad, colSums, weights], [colSums, weights]);
      if (!bound) return null;
      const stats = rowCallers(bound, 'factored_stats_p', [[0, cols], [1, cols], [2, 0], [3, 0]], cols, [eps1, beta2t, 1 - beta2t, cols], true);
      return {
        weighs: true,
        rowsPerCall: (i) => rowsPerCall('factored_stats_p', i, rows),
        stats: (i, k, old) => {
          // Row by row: [row sum, sum of p^2] of each.
          const sums = stats(i, k, old);
          const rowSums: number[] = [];
          for (let r = 0; r < k; r++) {
            rowSums.push(sums[2 * r]!);
            pp += sums[2 * r + 1]!;
          }
          return rowSums;
        },
      };
    });
    if (!factors) return null;
    // HF `_get_lr` with state["RMS"] = _rms(p).
    const rmsP = rmsOf(pp, p.size);
    paramRms.assign(tf.scalar(rmsP));
    let rel = h['lr'] === null ? 0 : num(h, 'lr');
    if (h['relative_step'] === true) rel = Math.min(h['warmup_init'] === true ? 1e-6 * step : 1e-2, 1 / Math.sqrt(step));
    const lr = h['scale_parameter'] === true ? F(Math.max(rmsP, F(eps2)) * F(rel)) : F(rel);
    const bound = bindTensors([p, grad, factors.c], [p]);
    if (!bound) throw new Error('fused Adafactor: the tensors it bound before are no longer bound');
    const uu = factors.updateSumSq;
    const clip = Math.max(F(rmsOf(uu, p.size) / F(num(h, 'clip_threshold'))), 1);
    const wd = num(h, 'weight_decay');
    const decay = wd !== 0 ? [F(lr * F(-wd))] : [];
    let ppNew = 0;
    bound.runRows(wd !== 0 ? 'adafactor_apply_wd' : 'adafactor_apply', [[0, cols], [1, cols], [2, 0]], rows, cols, [clip, lr, ...decay], factors.r, (_row, [sum]) => {
      ppNew += sum!;
    });
    ctx.memo.set(SUM_SQ_P, { dataId: p.dataId, sum: ppNew });
    return bound.path;
  },
};

export const FUSED_CAME: FusedDefinition<CameOptimizer> = {
  className: 'OptimizerAdvisor.FusedCAME',
  base: CameOptimizer,
  step: (ctx, _opt, p, grad) => {
    const h = ctx.resolved;
    const shape = matrix(p, grad);
    const m = ctx.slot('exp_avg', () => tf.zerosLike(p));
    if (!shape || !bindTensors([p, grad, m], [p, m])) return null;
    const [rows, cols] = shape;
    const [eps1, eps2] = pair(h, 'eps');
    const betas = h['betas'] as readonly number[];
    const [b1, b2, b3] = [Number(betas[0]), Number(betas[1]), Number(betas[2])];
    const lr = num(h, 'lr');
    const rowState = ctx.slot('exp_avg_sq_row', () => tf.zeros([rows]));
    const colState = ctx.slot('exp_avg_sq_col', () => tf.zeros([cols]));
    const resRow = ctx.slot('exp_avg_res_row', () => tf.zeros([rows]));
    const resCol = ctx.slot('exp_avg_res_col', () => tf.zeros([cols]));
    const factors = factoredMoment(rows, cols, b2, rowState, colState, (colSums, weights) => {
      const bound = bindTensors([grad, colSums, weights], [colSums, weights]);
      if (!bound) return null;
      const stats = rowCallers(bound, 'factored_stats', [[0, cols], [1, 0], [2, 0]], cols, [eps1, b2, 1 - b2, cols], true);
      return { weighs: true, rowsPerCall: (i) => rowsPerCall('factored_stats', i, rows), stats: (i, k, old) => stats(i, k, old) };
    });
    if (!factors) return null;
    const uu = factors.updateSumSq;
    const clip = Math.max(F(rmsOf(uu, p.size) / F(num(h, 'clip_threshold'))), 1);
    // m and the residual's factored moment (the first moment pass writes the residual's column sums).
    const res = factoredMoment(rows, cols, b3, resRow, resCol, (colSums) => {
      const bound = bindTensors([grad, factors.c, m, colSums], [m, colSums]);
      if (!bound) return null;
      const moment = rowCallers(bound, 'came_moment', [[0, cols], [1, 0], [2, cols], [3, 0]], cols, [clip, b1, 1 - b1, eps2], true);
      return { weighs: false, rowsPerCall: (i) => rowsPerCall('came_moment', i, rows), stats: (i, k) => moment(i, k, factors.r.subarray(i, i + k)) };
    });
    if (!res) throw new Error('fused CAME: the tensors it bound before are no longer bound');
    const apply = bindTensors([p, m, res.c], [p]);
    if (!apply) throw new Error('fused CAME: the tensors it bound before are no longer bound');
    const wd = num(h, 'weight_decay');
    apply.runRows(wd !== 0 ? 'came_apply_wd' : 'came_apply', [[0, cols], [1, cols], [2, 0]], rows, cols, [lr, ...(wd !== 0 ? [-wd * lr] : [])], res.r);
    return apply.path;
  },
};
