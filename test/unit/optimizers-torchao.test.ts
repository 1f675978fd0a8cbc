/**
 * torchao low-bit AdamW (torchao.optim AdamW8bit / AdamW4bit; HF Trainer `adamw_torch_8bit` / `adamw_torch_4bit`):
 * the spellings resolve, and the state bytes match torchao's layout written out here from its source
 * (pytorch/ao 36027d82, torchao/optim/adam.py `_new_buffer`, subclass_8bit.py / subclass_4bit.py `zeros`):
 * a state is quantised only when numel >= 4096 and numel % block_size == 0; then 8 bit = uint8 codes of numel
 * bytes, 4 bit = numel / 2 bytes, plus fp32 scale [numel / block_size] and a per-state fp32 qmap of 256 (8 bit)
 * or 16 (4 bit) entries; otherwise the state is zeros_like(p) in the parameter dtype. Block size: 256 (8 bit),
 * 128 (4 bit); HF Trainer passes 256 to both. The step is a CPU scalar (not counted).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DType, Hyperparameters, ParamTensor } from '../../src/core/types';
import type { ResolvedOptimizer } from '../../src/core/optimizers/types';
import { optimizerStateBytes, resolveOptimizer } from '../../src/core/optimizers/index';
import { foreachTemporaries } from '../../src/core/memory/optimizer-temporaries';

const BYTES: Readonly<Record<string, number>> = { fp32: 4, bf16: 2, fp16: 2 };

function tensor(name: string, shape: number[]): ParamTensor {
  return { name, shape, role: 'matrix', trainable: true, module: name };
}

function resolve(spelling: string, params?: Hyperparameters): ResolvedOptimizer {
  const r = resolveOptimizer(spelling, params);
  assert.ok(r, `spelling ${spelling} should resolve`);
  return r;
}

/** Expected bytes of one torchao state for a tensor of n elements, from the layout stated above. */
function expectedState(n: number, bits: 4 | 8, blockSize: number, paramDtype: DType): number {
  if (n < 4096 || n % blockSize !== 0) return n * (BYTES[paramDtype] ?? NaN);
  const codes = bits === 8 ? n : n / 2;
  const qmap = bits === 8 ? 256 : 16;
  return codes + 4 * (n / blockSize) + 4 * qmap;
}

function bytes(spelling: string, tensors: ParamTensor[], dtype: DType, params: Hyperparameters = {}): number {
  return optimizerStateBytes(resolve(spelling, params), tensors, { paramDtype: dtype, hyper: params }).bytes;
}

const numelOf = (t: ParamTensor): number => t.shape.reduce((a, b) => a * b, 1);

const MLP = tensor('model.layers.0.mlp.up_proj.weight', [4096, 11008]);
/** 9600 elements: a multiple of 128 but not of 256. */
const ODD = tensor('model.layers.0.odd.weight', [96, 100]);
/** At least 4096 elements but not a multiple of 128. */
const NOT_BLOCKED = tensor('model.layers.0.head.weight', [4100]);
const SMALL = tensor('model.layers.0.norm.weight', [1000]);

test('HF adamw_torch_8bit / adamw_torch_4bit and the torchao class paths resolve to torchao variants', () => {
  const hf8 = resolve('adamw_torch_8bit');
  assert.equal(hf8.id, 'adamw-8bit');
  assert.equal(hf8.ecosystem, 'hf');
  assert.equal((hf8.variant as { implementation?: string }).implementation, 'torchao');
  assert.equal(hf8.variant.stateBits, 8);
  assert.equal(hf8.variant.embedding32bitOverride, undefined, 'the nn.Embedding override is for bitsandbytes classes only');
  const hf4 = resolve('adamw_torch_4bit');
  assert.equal(hf4.id, 'adamw');
  assert.equal((hf4.variant as { implementation?: string }).implementation, 'torchao');
  assert.equal(hf4.variant.stateBits, 4);
  assert.equal(hf4.variant.decoupledWeightDecay, true);
  for (const [spelling, id, bits] of [
    ['torchao.optim.AdamW8bit', 'adamw-8bit', 8],
    ['torchao.prototype.low_bit_optim.AdamW8bit', 'adamw-8bit', 8],
    ['torchao.optim.AdamW4bit', 'adamw', 4],
    ['torchao.prototype.low_bit_optim.AdamW4bit', 'adamw', 4],
  ] as const) {
    const r = resolve(spelling);
    assert.equal(r.id, id, spelling);
    assert.equal(r.variant.stateBits, bits, spelling);
    assert.equal((r.variant as { implementation?: string }).implementation, 'torchao', spelling);
  }
  assert.equal((resolve('adamw_bnb_8bit').variant as { implementation?: string }).implementation, 'bnb', 'bitsandbytes spelling unchanged');
});

test('torchao AdamW8bit: uint8 codes + fp32 scale per 256 block + per-state 256-entry qmap; other tensors in the parameter dtype', () => {
  const n = numelOf(MLP);
  assert.equal(bytes('torchao.optim.AdamW8bit', [MLP], 'bf16'), 2 * expectedState(n, 8, 256, 'bf16'));
  assert.equal(bytes('torchao.optim.AdamW8bit', [MLP], 'bf16'), 2 * (n + 4 * (n / 256) + 4 * 256));
  // 9600 and 4100 are not multiples of 256: zeros_like(p), bf16 here, fp32 with fp32 params.
  assert.equal(bytes('torchao.optim.AdamW8bit', [ODD], 'bf16'), 2 * 9600 * 2);
  assert.equal(bytes('torchao.optim.AdamW8bit', [NOT_BLOCKED], 'fp32'), 2 * 4100 * 4);
  assert.equal(bytes('torchao.optim.AdamW8bit', [SMALL], 'bf16'), 2 * 1000 * 2);
  // A qmap per state per tensor (no optimizer-global maps as bitsandbytes has).
  const two = optimizerStateBytes(resolve('adamw_torch_8bit'), [MLP, MLP], { paramDtype: 'bf16', hyper: {} });
  assert.deepEqual(two.global, []);
  assert.equal(two.bytes, 4 * expectedState(n, 8, 256, 'bf16'));
  const bnb = optimizerStateBytes(resolve('bitsandbytes.optim.AdamW8bit'), [MLP, MLP], { paramDtype: 'bf16', hyper: {} });
  assert.equal(bnb.global.length, 2, 'bitsandbytes keeps its shared maps');
  // Same block size as bitsandbytes; the 4100-element tensor is where they part (bnb quantises >= 4096 elements).
  assert.notEqual(bytes('bitsandbytes.optim.AdamW8bit', [NOT_BLOCKED], 'fp32'), bytes('torchao.optim.AdamW8bit', [NOT_BLOCKED], 'fp32'));
});

test('torchao AdamW4bit: two codes per byte, 128-element blocks by default, 16-entry qmaps; HF passes block_size 256', () => {
  const n = numelOf(MLP);
  assert.equal(bytes('torchao.optim.AdamW4bit', [MLP], 'bf16'), 2 * expectedState(n, 4, 128, 'bf16'));
  assert.equal(bytes('torchao.optim.AdamW4bit', [MLP], 'bf16'), 2 * (n / 2 + 4 * (n / 128) + 4 * 16));
  assert.equal(bytes('adamw_torch_4bit', [MLP], 'bf16'), 2 * (n / 2 + 4 * (n / 256) + 4 * 16));
  // 9600 = 75 x 128: quantised by the class default, kept in bf16 under HF's 256.
  assert.equal(bytes('torchao.optim.AdamW4bit', [ODD], 'bf16'), 2 * expectedState(9600, 4, 128, 'bf16'));
  assert.equal(bytes('torchao.optim.AdamW4bit', [ODD], 'bf16'), 2 * (4800 + 4 * 75 + 64));
  assert.equal(bytes('adamw_torch_4bit', [ODD], 'bf16'), 2 * 9600 * 2);
  assert.equal(bytes('adamw_torch_4bit', [SMALL], 'fp32'), 2 * 1000 * 4);
  const states = optimizerStateBytes(resolve('torchao.optim.AdamW4bit'), [MLP], { paramDtype: 'bf16', hyper: {} }).perTensor[0]?.states ?? [];
  assert.deepEqual(states.map((s) => [s.name, s.shape, s.dtype]), [
    ['exp_avg.codes', [n / 2], 'uint8'], ['exp_avg.scale', [n / 128], 'fp32'], ['exp_avg.qmap', [16], 'fp32'],
    ['exp_avg_sq.codes', [n / 2], 'uint8'], ['exp_avg_sq.scale', [n / 128], 'fp32'], ['exp_avg_sq.qmap', [16], 'fp32'],
  ]);
});

test('block_size and amsgrad from the config change the layout', () => {
  // block_size=128 on AdamW8bit quantises the 9600-element tensor (75 blocks).
  assert.equal(bytes('torchao.optim.AdamW8bit', [ODD], 'bf16', { block_size: 128 }), 2 * (9600 + 4 * 75 + 4 * 256));
  // The user's block_size beats HF's default of 256.
  assert.equal(bytes('adamw_torch_4bit', [ODD], 'bf16', { block_size: 128 }), 2 * expectedState(9600, 4, 128, 'bf16'));
  // amsgrad adds max_exp_avg_sq, quantised like the others.
  const n = numelOf(MLP);
  assert.equal(bytes('torchao.optim.AdamW8bit', [MLP], 'bf16', { amsgrad: true }), 3 * expectedState(n, 8, 256, 'bf16'));
  assert.equal(bytes('torchao.optim.AdamW4bit', [MLP], 'bf16', { amsgrad: true }), 3 * expectedState(n, 4, 128, 'bf16'));
});

test('no foreach temporaries for torchao AdamW4bit (one compiled kernel per parameter), unlike torch AdamW', () => {
  const torch = foreachTemporaries(resolve('adamw_torch'), [MLP], 'bf16', 'bf16', {});
  assert.ok(torch !== null && torch.bytes > 0);
  const ao = foreachTemporaries(resolve('adamw_torch_4bit'), [MLP], 'bf16', 'bf16', {});
  assert.equal(ao?.bytes, 0);
  assert.match(ao?.note ?? '', /not modelled/);
});
