/**
 * AdEMAMix and MARS-AdamW beyond the shared reference, leak and fused-kernel tests: their catalog state
 * layouts (sizes worked out by hand from apple/ml-ademamix, bitsandbytes' AdEMAMix and AGI-Arena/MARS),
 * their spellings, one step of each computed by hand from the papers' algorithm boxes (AdEMAMix:
 * arXiv 2409.03137 Algorithm 1; MARS-AdamW: arXiv 2411.10438 as the AGI-Arena/MARS README states the update, with the repository's AdamW
 * path for tensors that are not 2-D), their kernels against float32 formulas written out here, and the
 * profiler's measured state against the estimator's figure on the sweep's proxies.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { optimizerState } from '../../src/core/memory/optimizer-state';
import { optimizerStateBytes, resolveOptimizer } from '../../src/core/optimizers/index';
import { scanFiles } from '../../src/core/scan';
import type { DType, Hyperparameters, ParamTensor, TensorRole } from '../../src/core/types';
import { InputError } from '../../src/core/types';
import { createFusedOptimizer, type FusedStats } from '../../src/profiler/kernels/fused-optimizers';
import { jsKernel } from '../../src/profiler/kernels/js-kernels';
import { instantiateKernels } from '../../src/profiler/kernels/simd-kernels';
import { wasmApi } from '../../src/profiler/kernels/wasm-api';
import { createOptimizer, type ProfilerOptimizer } from '../../src/profiler/optimizers';
import { loadCorpus, type Corpus } from '../../src/profiler/sweep/corpus';
import { planSweep } from '../../src/profiler/sweep/plan';
import { trainRun } from '../../src/profiler/sweep/train';
import { Prng } from '../reference/prng';
import { buildGradientsBundle, setUpTfjs } from '../reference/tfjs-env';
import { advisorInput, DATA } from '../support/sweep-fixtures';

const F = Math.fround;

function tensor(name: string, shape: number[], role: TensorRole): ParamTensor {
  return { name, shape, role, trainable: true, module: name.split('.').slice(-2, -1)[0] ?? name };
}

function states(spelling: string, t: ParamTensor, dtype: DType, hyper: Hyperparameters = {}, eco?: Parameters<typeof resolveOptimizer>[2]) {
  const r = resolveOptimizer(spelling, {}, eco);
  assert.ok(r, `${spelling} resolves`);
  return optimizerStateBytes(r, [t], { paramDtype: dtype, hyper });
}

const MLP = tensor('model.layers.0.mlp.up_proj.weight', [4096, 11008], 'matrix');
const N = 4096 * 11008;
const EMBED = tensor('model.embed_tokens.weight', [32000, 4096], 'embedding');
const SMALL = tensor('model.small.bias', [1000], 'bias');

describe('catalog: state layouts and spellings', () => {
  test('ademamix (apple/ml-ademamix): exp_avg_fast, exp_avg_slow, exp_avg_sq in the parameter dtype; no fast EMA when beta1 is 0', () => {
    const bf16 = states('ademamix', MLP, 'bf16');
    assert.deepEqual(bf16.perTensor[0]!.states.map((s) => [s.name, s.dtype, s.bytes]), [
      ['exp_avg_fast', 'bf16', N * 2], ['exp_avg_slow', 'bf16', N * 2], ['exp_avg_sq', 'bf16', N * 2],
    ]);
    assert.equal(bf16.bytes, 3 * N * 2);
    assert.equal(states('ademamix', MLP, 'fp32').bytes, 3 * N * 4);
    const noFast = states('ademamix', MLP, 'fp32', { betas: [0, 0.999, 0.9999] });
    assert.deepEqual(noFast.perTensor[0]!.states.map((s) => s.name), ['exp_avg_slow', 'exp_avg_sq']);
    assert.equal(noFast.bytes, 2 * N * 4);
  });

  test('HF ademamix strings (bitsandbytes AdEMAMix): a [2, ...shape] state1 with both EMAs; 8-bit adds absmax [2, blocks] and [blocks] per 256 elements and the two maps once', () => {
    const s32 = states('ademamix', MLP, 'bf16', {}, 'hf');
    assert.deepEqual(s32.perTensor[0]!.states.map((s) => [s.name, s.shape, s.dtype]), [['state1', [2, 4096, 11008], 'fp32'], ['state2', [4096, 11008], 'fp32']]);
    assert.equal(s32.bytes, 2 * N * 4 + N * 4);
    const blocks = Math.ceil(N / 256);
    const s8 = states('ademamix_8bit', MLP, 'bf16', {}, 'hf');
    assert.deepEqual(s8.perTensor[0]!.states.map((s) => [s.name, s.shape, s.dtype]), [
      ['state1', [2, 4096, 11008], 'uint8'], ['state2', [4096, 11008], 'uint8'], ['absmax1', [2, blocks], 'fp32'], ['absmax2', [blocks], 'fp32'],
    ]);
    assert.equal(s8.bytes, 2 * N + N + 4 * 2 * blocks + 4 * blocks + 2 * 256 * 4);
    // HF keeps nn.Embedding weights in 32 bit; tensors under min_8bit_size stay fp32 (and need no maps).
    assert.equal(states('ademamix_8bit', EMBED, 'bf16', {}, 'hf').bytes, 3 * 32000 * 4096 * 4);
    assert.equal(states('bnb.optim.AdEMAMix8bit', EMBED, 'bf16').perTensor[0]!.states[0]!.dtype, 'uint8', 'the class used directly has no override');
    assert.equal(states('ademamix_8bit', SMALL, 'bf16', {}, 'hf').bytes, 3 * 1000 * 4);
    const paged = resolveOptimizer('paged_ademamix_8bit', {}, 'hf');
    assert.equal(paged?.id, 'ademamix');
    assert.equal(paged?.variant.paged, true);
    assert.equal(paged?.variant.stateBits, 8);
  });

  test('mars-adamw (AGI-Arena/MARS): exp_avg, last_grad, exp_avg_sq in the parameter dtype for every tensor (+ max_exp_avg_sq with amsgrad)', () => {
    for (const t of [MLP, SMALL]) {
      const n = t.shape.reduce((a, b) => a * b, 1);
      const s = states('mars-adamw', t, 'bf16');
      assert.deepEqual(s.perTensor[0]!.states.map((x) => [x.name, x.dtype, x.bytes]), [['exp_avg', 'bf16', n * 2], ['last_grad', 'bf16', n * 2], ['exp_avg_sq', 'bf16', n * 2]]);
    }
    assert.equal(states('mars-adamw', MLP, 'fp32', { amsgrad: true }).bytes, 4 * N * 4);
    assert.equal(resolveOptimizer('mars', {}, 'timm')?.id, 'mars-adamw');
    assert.equal(resolveOptimizer('MARS')?.id, 'mars-adamw');
    assert.equal(resolveOptimizer('mars_adamw', {}, 'optax')?.id, 'mars-adamw');
    assert.equal(resolveOptimizer('ademamix', {}, 'optax')?.id, 'ademamix');
  });
});

describe('the scanner reads them where the reference READMEs build them', () => {
  test('`from ademamix import AdEMAMix` and `from mars import MARS` scripts are training jobs with those optimizers and their arguments; HF optim="ademamix_8bit" too', () => {
    const script = (imp: string, call: string) => [imp, 'model = torch.nn.Linear(4, 4)', `optimizer = ${call}`, 'loss.backward()', 'optimizer.step()'].join('\n');
    const a = scanFiles([{ path: 'a/train.py', text: script('from ademamix import AdEMAMix', 'AdEMAMix(model.parameters(), lr=1e-3, betas=(0.9, 0.999, 0.9999), alpha=8.0, beta3_warmup=1000, alpha_warmup=1000)') }]);
    assert.equal(a.jobs.length, 1);
    const aj = a.jobs[0]!;
    assert.equal(aj.settings.optimizer, 'ademamix.AdEMAMix');
    assert.deepEqual(aj.settings.optimizerParams, { betas: [0.9, 0.999, 0.9999], alpha: 8, beta3_warmup: 1000, alpha_warmup: 1000 });
    assert.equal(resolveOptimizer(aj.settings.optimizer as string, aj.settings.optimizerParams, aj.optimizerEcosystem)?.id, 'ademamix');
    const b = scanFiles([{ path: 'b/train.py', text: script('from mars import MARS', 'MARS(model.parameters(), lr=6e-3, betas=(0.95, 0.99), gamma=0.025)') }]);
    const bj = b.jobs[0]!;
    assert.equal(resolveOptimizer(bj.settings.optimizer as string, bj.settings.optimizerParams, bj.optimizerEcosystem)?.id, 'mars-adamw');
    assert.equal(bj.settings.learningRate, 6e-3);
    const hf = resolveOptimizer('ademamix_8bit', {}, 'hf');
    assert.equal(hf?.id, 'ademamix');
    assert.equal(resolveOptimizer('optax.contrib.ademamix')?.id, 'ademamix');
    assert.equal(resolveOptimizer('optax.contrib.mars_adamw')?.id, 'mars-adamw');
    assert.equal(resolveOptimizer('timm.optim.Mars')?.id, 'mars-adamw');
  });
});

describe('step temporaries (the reference code\'s tensors alive at once, largest tensor)', () => {
  function temporaries(spelling: string, tensors: ParamTensor[], dtype: DType, hyper: Hyperparameters = {}, eco?: Parameters<typeof resolveOptimizer>[2]): number {
    const r = resolveOptimizer(spelling, {}, eco)!;
    return optimizerState(r, tensors, dtype, hyper).temporaries;
  }

  test('ademamix: denom, the two numerator terms and their sum (4 tensors); bitsandbytes updates in place', () => {
    assert.equal(temporaries('ademamix', [MLP, SMALL], 'bf16'), 4 * N * 2);
    assert.equal(temporaries('ademamix', [SMALL], 'fp32'), 4 * 1000 * 4);
    assert.equal(temporaries('ademamix', [MLP], 'bf16', {}, 'hf'), 0);
  });

  test('mars-adamw: c_t, denom, p*wd, m/denom and their sum on the MARS path (5); 4 on the AdamW path', () => {
    assert.equal(temporaries('mars-adamw', [MLP, SMALL], 'bf16'), 5 * N * 2);
    assert.equal(temporaries('mars-adamw', [SMALL], 'fp32'), 4 * 1000 * 4);
    assert.equal(temporaries('mars-adamw', [SMALL], 'fp32', { optimize_1d: true }), 5 * 1000 * 4);
  });
});

describe('one step by hand (tfjs ops, cpu)', () => {
  before(async () => {
    await setUpTfjs('cpu');
  });

  function stepOnce(opt: ProfilerOptimizer, values: number[][], shapes: number[][], grads: number[][]): number[][] {
    const vars = values.map((v, i) => tf.variable(tf.tensor(v, shapes[i]!), true, `hand/${opt.id}/${Math.random()}/${i}`));
    const g = grads.map((x, i) => tf.tensor(x, shapes[i]!));
    opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: g[i]! })));
    const out = vars.map((v) => Array.from(v.dataSync()));
    tf.dispose([...vars, ...g]);
    return out;
  }

  const close = (actual: number[], expected: number[], label: string) =>
    expected.forEach((e, i) => assert.ok(Math.abs(actual[i]! - e) <= 1e-6 * Math.max(1, Math.abs(e)), `${label}[${i}]: ${actual[i]} vs ${e}`));

  test('AdEMAMix, step 1 (Algorithm 1): m1_hat = g, nu_hat = g^2, m2 = (1 - beta3) g, so p <- p - lr((g + alpha (1 - beta3) g)/(|g| + eps) + wd p)', () => {
    // betas (0.9, 0.999, 0.5), alpha 2: alpha*m2 = 2 * 0.5 g = g, so the numerator is 2g.
    const opt = createOptimizer('ademamix', { lr: 0.1, betas: [0.9, 0.999, 0.5], alpha: 2, weight_decay: 0.1 });
    const [p] = stepOnce(opt, [[0.5, -1, 0.25]], [[3]], [[0.2, -0.4, 0.05]]);
    // 0.5 - 0.1*(2*0.2/(0.2 + 1e-8) + 0.1*0.5); -1 - 0.1*(2*(-0.4)/(0.4 + 1e-8) + 0.1*(-1)); 0.25 - 0.1*(2*0.05/(0.05 + 1e-8) + 0.025)
    close(p!, [0.5 - 0.1 * (0.4 / 0.20000001 + 0.05), -1 - 0.1 * (-0.8 / 0.40000001 - 0.1), 0.25 - 0.1 * (0.1 / 0.05000001 + 0.025)], 'p');
    close(p!, [0.295, -0.79, 0.0475], 'p (eps dropped)');
    opt.dispose();
  });

  test('AdEMAMix schedulers at step 1 of 4: alpha = alpha/4, beta3 from the half-life interpolation between beta1 and beta3 (the paper\'s f_beta3, as bitsandbytes writes it)', () => {
    const opt = createOptimizer('ademamix', { lr: 0.1, betas: [0.9, 0.999, 0.9999], alpha: 8, alpha_warmup: 4, beta3_warmup: 4 });
    // f_beta3(1) = exp(ln 0.9 ln 0.9999 / ((1 - 1/4) ln 0.9999 + (1/4) ln 0.9)) = 0.99960118...
    const beta3 = Math.exp((Math.log(0.9) * Math.log(0.9999)) / (0.75 * Math.log(0.9999) + 0.25 * Math.log(0.9)));
    assert.ok(Math.abs(beta3 - 0.9996012) < 1e-7, `beta3 ${beta3}`);
    const [p] = stepOnce(opt, [[1]], [[1]], [[0.5]]);
    // m1_hat = 0.5, nu_hat = 0.25, m2 = (1 - beta3)*0.5, alpha(1) = 8/4 = 2.
    close(p!, [1 - 0.1 * ((0.5 + 2 * (1 - beta3) * 0.5) / (0.5 + 1e-8))], 'p');
    opt.dispose();
  });

  test('MARS-AdamW, step 1: c = (1 + gamma b1/(1 - b1)) g, unclipped under norm 1, so the step is lr(sign(g) + wd p); the 1-D bias takes AdamW with lr_1d and weight_decay_1d', () => {
    const opt = createOptimizer('mars-adamw', { lr: 0.01, weight_decay: 0.1 });
    // Matrix [1, 2]: g = (0.3, -0.4), ||g|| = 0.5; c = 1.475 g, ||c|| = 0.7375 <= 1. m_hat = c, v_hat = c^2.
    // Bias [2]: AdamW (betas_1d (0.9, 0.95)), m_hat = g, v_hat = g^2, lr_1d 3e-3, weight_decay_1d 0.1.
    const [w, b] = stepOnce(opt, [[0.5, -1], [0.2, -0.3]], [[1, 2], [2]], [[0.3, -0.4], [0.1, 0.6]]);
    close(w!, [0.5 - 0.01 * (0.4425 / (0.4425 + 1e-8) + 0.1 * 0.5), -1 - 0.01 * (-0.59 / (0.59 + 1e-8) + 0.1 * -1)], 'matrix');
    close(w!, [0.4895, -0.989], 'matrix (eps dropped)');
    close(b!, [0.2 - 0.003 * (1 + 0.1 * 0.2), -0.3 - 0.003 * (1 + 0.1 * -0.3)], 'bias');
    opt.dispose();
  });

  test('MARS-AdamW, step 2 clips c = g2 + 0.475 (g2 - g1) to norm 1 and uses the first step\'s gradient as g_{t-1}', () => {
    const opt = createOptimizer('mars-adamw', { lr: 0.01 });
    const vars = [tf.variable(tf.tensor2d([[0.5, -1]]), true, `hand2/${Math.random()}`)];
    for (const g of [[0.3, -0.4], [3, 4]]) {
      const t = tf.tensor2d([g]);
      opt.applyGradients([{ name: vars[0]!.name, tensor: t }]);
      t.dispose();
    }
    const k = 0.025 * (0.95 / 0.05); // 0.475
    const c1 = [0.3 * (1 + k), -0.4 * (1 + k)]; // unclipped (norm 0.7375)
    const raw = [3 + k * (3 - 0.3), 4 + k * (4 + 0.4)]; // (4.2825, 6.09), norm 7.4450...
    const norm = Math.hypot(raw[0]!, raw[1]!);
    const c2 = raw.map((x) => x / norm);
    const expected = [0.5, -1].map((p0, i) => {
      const p1 = p0 - 0.01 * (c1[i]! / (Math.abs(c1[i]!) + 1e-8));
      const m = 0.95 * 0.05 * c1[i]! + 0.05 * c2[i]!;
      const v = 0.99 * 0.01 * c1[i]! ** 2 + 0.01 * c2[i]! ** 2;
      return p1 - 0.01 * (m / (1 - 0.95 ** 2) / (Math.sqrt(v / (1 - 0.99 ** 2)) + 1e-8));
    });
    close(Array.from(vars[0]!.dataSync()), expected, 'p after 2 steps');
    tf.dispose(vars);
    opt.dispose();
  });

  test('options the profiler does not implement, and lr 0 (the reference divides lr_1d by lr), are InputErrors naming the key', () => {
    assert.throws(() => createOptimizer('mars-adamw', { mars_type: 'mars-lion' }), (e: unknown) => e instanceof InputError && /mars-adamw: mars_type="mars-lion" is not modelled/.test(e.message));
    assert.throws(() => createOptimizer('mars-adamw', { is_approx: false }), (e: unknown) => e instanceof InputError && /is_approx=false/.test(e.message));
    assert.throws(() => createOptimizer('mars-adamw', { lr: 0 }), (e: unknown) => e instanceof InputError && /lr must be greater than 0/.test(e.message));
    assert.throws(() => createOptimizer('ademamix', { betas: [0.9, 0.999] }), (e: unknown) => e instanceof InputError && /ademamix: hyperparameter 'betas' must be 3 numbers/.test(e.message));
  });
});

describe('kernels against float32 formulas written out', () => {
  const n = 37;
  const memory = new wasmApi.Memory({ initial: 1 });
  const simd = instantiateKernels(memory);
  const heap = () => new Float32Array(memory.buffer);
  const place = (arrays: Float32Array[]) =>
    arrays.map((a, i) => {
      const offset = 1024 + i * 256;
      heap().set(a, offset / 4);
      return offset;
    });
  const read = (offset: number) => heap().slice(offset / 4, offset / 4 + n);
  const values = (rng: Prng, lo: number, hi: number) => Float32Array.from(rng.uniform(n, lo, hi));

  test('ademamix_wd: m1, m2, v and p after one update, each operation rounded to float32 (WebAssembly SIMD and the JavaScript loop)', () => {
    const rng = new Prng(31);
    const [p, g, m1, m2] = [values(rng, -1, 1), values(rng, -1, 1), values(rng, -0.1, 0.1), values(rng, -0.1, 0.1)];
    const v = values(rng, 0, 0.01);
    const sc = [0.9, 0.1, 0.9999, 1 - 0.9999, 0.999, 0.001, Math.sqrt(1 - 0.999 ** 3), 1e-8, 1 - 0.9 ** 3, 5, 0.1, 1e-3].map(F);
    const [b1, c1, b3, c3, b2, c2, bc2sqrt, eps, bc1, alpha, wd, lr] = sc as [number, number, number, number, number, number, number, number, number, number, number, number];
    const eM1 = m1.map((x, i) => F(F(x * b1) + F(g[i]! * c1)));
    const eM2 = m2.map((x, i) => F(F(x * b3) + F(g[i]! * c3)));
    const eV = v.map((x, i) => F(F(x * b2) + F(F(g[i]! * g[i]!) * c2)));
    const eP = p.map((x, i) => {
      const denom = F(F(F(Math.sqrt(eV[i]!)) / bc2sqrt) + eps);
      const u = F(F(F(eM1[i]! / bc1) + F(eM2[i]! * alpha)) / denom);
      return F(x - F(F(u + F(x * wd)) * lr));
    });
    const offsets = place([p, g, m1, m2, v]);
    simd.kernels.get('ademamix_wd')!(...offsets, n, ...sc);
    assert.deepEqual([read(offsets[0]!), read(offsets[2]!), read(offsets[3]!), read(offsets[4]!)], [eP, eM1, eM2, eV]);
    const js = [p, g, m1, m2, v].map((a) => a.slice());
    jsKernel('ademamix_wd')(js, n, sc);
    assert.deepEqual([js[0], js[2], js[3], js[4]], [eP, eM1, eM2, eV]);
  });

  test('mars_norm and mars_apply_mars_wd: the squared norm of c, then c/cdiv through the moments, last <- g, and p', () => {
    const rng = new Prng(32);
    const [p, g, last, m] = [values(rng, -1, 1), values(rng, -1, 1), values(rng, -1, 1), values(rng, -0.1, 0.1)];
    const v = values(rng, 0, 0.01);
    const k = F(0.475);
    const c = g.map((x, i) => F(F(F(x - last[i]!) * k) + x));
    const sumSq = c.reduce((s, x) => s + x * x, 0);
    const norm = simd.kernels.get('mars_norm')!(...place([g, last]), n, k) as number;
    assert.ok(Math.abs(norm - sumSq) <= 1e-6 * sumSq, `sum of c^2 ${norm} vs ${sumSq}`);
    const cdiv = F(Math.sqrt(sumSq));
    const sc = [k, cdiv, 0.95, 0.05, 0.99, 0.01, 1 / Math.sqrt(1 - 0.99 ** 2), 1e-8, 1 - 0.95 ** 2, 0.01, -3e-3].map(F);
    const [, , b1, c1, b2, c2, inv, eps, bc1, wd, nlr] = sc as number[];
    const cn = c.map((x) => F(x / cdiv));
    const eM = m.map((x, i) => F(F(x * b1!) + F(cn[i]! * c1!)));
    const eV = v.map((x, i) => F(F(x * b2!) + F(F(cn[i]! * cn[i]!) * c2!)));
    const eP = p.map((x, i) => {
      const denom = F(F(F(F(Math.sqrt(eV[i]!)) * inv!) + eps!) * bc1!);
      return F(x + F(F(F(x * wd!) + F(eM[i]! / denom)) * nlr!));
    });
    const offsets = place([p, g, last, m, v]);
    simd.kernels.get('mars_apply_mars_wd')!(...offsets, n, ...sc);
    assert.deepEqual([read(offsets[0]!), read(offsets[2]!), read(offsets[3]!), read(offsets[4]!)], [eP, g, eM, eV]);
  });
});

describe('fused MARS-AdamW without clipping is bit-identical to the tfjs ops', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    test(`${backend}: small gradients (||c|| < 1 every step) on a matrix and a bias`, async () => {
      await setUpTfjs(backend);
      const shapes = [[20, 10], [10]];
      const rng = new Prng(41);
      const init = shapes.map((s) => rng.uniform(s.reduce((a, b) => a * b, 1), -1, 1));
      const grads = Array.from({ length: 4 }, () => shapes.map((s) => rng.uniform(s.reduce((a, b) => a * b, 1), -0.02, 0.02)));
      const run = (opt: ProfilerOptimizer, tag: string) => {
        const vars = init.map((v, i) => {
          const t = tf.tensor(v, shapes[i]!);
          const x = tf.variable(t, true, `unclipped/${backend}/${tag}/${i}`);
          t.dispose();
          return x;
        });
        for (const step of grads) {
          const g = step.map((x, i) => tf.tensor(x, shapes[i]!));
          opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: g[i]! })));
          tf.dispose(g);
        }
        const out = vars.map((v) => Array.from(v.dataSync()));
        tf.dispose(vars);
        return out;
      };
      const hyper = { lr: 0.01, weight_decay: 0.01 };
      const plain = createOptimizer('mars-adamw', hyper);
      const fused = createFusedOptimizer('mars-adamw', hyper)!;
      const a = run(plain, 'plain');
      const b = run(fused, 'fused');
      assert.equal((fused as unknown as { fusedStats: FusedStats }).fusedStats.fused, 8);
      assert.deepEqual(b, a);
      assert.notDeepEqual(a, init);
      plain.dispose();
      fused.dispose();
    });
  }
});

describe('the sweep: measured state equals the estimator\'s figure on the proxies (wasm)', () => {
  let corpus: Corpus;
  before(() => {
    buildGradientsBundle();
    corpus = loadCorpus(DATA);
  });

  test('AdEMAMix and MARS-AdamW on the Llama and ResNet proxies, and both train the Llama proxy', async () => {
    await setUpTfjs('wasm');
    for (const [ref, fineTune] of [['meta-llama/Llama-2-7b-hf', true], ['resnet50', false]] as const) {
      const plan = planSweep({ advisorInput: advisorInput(ref, fineTune), alphabetSize: corpus.alphabet.length, optimizers: ['ademamix', 'mars-adamw'], steps: 2 });
      for (const o of plan.optimizers) {
        const r = await trainRun({ spec: plan.proxy.spec, corpus, optimizer: o.id, lr: o.recommendedLr, hyper: o.hyper, seed: 1, steps: 2, fused: true, evaluationBatches: 1 });
        assert.equal(r.measuredStateBytes, o.estimatedStateBytes, `${o.id} on ${plan.proxy.spec.kind}: measured ${r.measuredStateBytes}, estimated ${o.estimatedStateBytes}`);
        assert.equal(r.stateTensors.reduce((s, t) => s + t.bytes, 0), r.measuredStateBytes, o.id);
      }
    }
    const plan = planSweep({ advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), alphabetSize: corpus.alphabet.length, optimizers: ['ademamix', 'mars-adamw'], steps: 30 });
    for (const o of plan.optimizers) {
      const r = await trainRun({ spec: plan.proxy.spec, corpus, optimizer: o.id, lr: o.recommendedLr, hyper: o.hyper, seed: 1, steps: 30, fused: true, evaluationBatches: 2 });
      assert.equal(r.diverged, false, o.id);
      // Below ln(vocabulary), the loss of a uniform guess.
      assert.ok(r.finalLoss! < 0.85 * Math.log(corpus.alphabet.length), `${o.id}: final loss ${r.finalLoss} after 30 steps at lr ${o.recommendedLr}`);
    }
  });
});
