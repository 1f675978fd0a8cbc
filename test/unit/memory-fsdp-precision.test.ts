/**
 * FSDP's mixed precision, by the framework that sets it up (src/core/memory/load-dtype.ts): the reason names what
 * FSDP does there, not DeepSpeed, and the bytes follow what the framework keeps. Expectations by hand from the sources
 * load-dtype.ts cites: accelerate upcasts the trainable flat parameters to fp32 under mixed precision (fp32 shards the
 * optimizer steps, AdamW's two states in fp32); Lightning and Composer do not upcast, so a model loaded in bf16 keeps
 * bf16 shards, gradients and states and no master copy.
 * The per-GPU bytes are PyTorch FSDP's, not DeepSpeed's ZeRO-3 (src/core/memory/zero.ts, FSDP_SOURCES): the sharded
 * parameter is the only copy between steps (no 16-bit shard beside the fp32 one), gathered in param_dtype are the root
 * unit (embeddings, final norm, head; FULL_SHARD keeps it unsharded from forward to backward) and two blocks (one
 * computing, one prefetched) for FULL_SHARD, the whole model for SHARD_GRAD_OP; the gradients are the shards (the
 * shard's dtype) and the unsharded param_dtype gradients of the root unit and one block.
 * The real job: alignment-handbook's zephyr-7b-beta full SFT launched with its own FSDP accelerate config
 * (test/fixtures/realproj/alignment-handbook-sft-fsdp, SOURCE lines in each file).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jobEstimateBase } from '../../src/core/job';
import { resolveEstimateInput, type PartialEstimateInput } from '../../src/core/memory/defaults';
import { estimateMemory, estimateModelStates } from '../../src/core/memory/estimate';
import { inventoryForRef } from '../../src/core/models';
import { resolveOptimizer } from '../../src/core/optimizers';
import { scanFiles } from '../../src/core/scan';
import type { ScanFile } from '../../src/core/scan/types';
import { runCli } from '../../src/cli/main';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURE = 'test/fixtures/realproj/alignment-handbook-sft-fsdp';

function readFolder(dir: string, rel = ''): ScanFile[] {
  return fs.readdirSync(path.join(ROOT, dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel === '' ? e.name : `${rel}/${e.name}`;
    return e.isDirectory() ? readFolder(dir, p) : [{ path: p, text: fs.readFileSync(path.join(ROOT, dir, p), 'utf8') }];
  });
}

const adamw = () => {
  const o = resolveOptimizer('adamw');
  assert.ok(o);
  return o;
};

// Mistral-7B-v0.1 (the recipe's model), as the bundled preset counts it: 7,241,732,096 parameters (the published count).
const MISTRAL = inventoryForRef('mistralai/Mistral-7B-v0.1');
const PSI = 7_241_732_096;

test("alignment-handbook's FSDP SFT: accelerate's FSDP, named as such, with the bytes of fp32 shards and fp32 AdamW states over 8 GPUs", () => {
  const result = scanFiles(readFolder(FIXTURE));
  assert.equal(result.jobs.length, 1);
  const job = result.jobs[0];
  assert.equal(job.settings.fsdp, 'accelerate');
  assert.equal(job.sources['fsdp']?.path, 'recipes/accelerate_configs/fsdp.yaml');
  assert.deepEqual([job.settings.zeroStage, job.settings.gpus, job.settings.precision, job.settings.loadDtype], [3, 8, 'bf16-mixed', 'bf16']);

  const base = jobEstimateBase(job, MISTRAL, { gpuMemoryBytes: null, priority: 'quality' });
  const input = resolveEstimateInput({ ...base, model: MISTRAL, optimizer: adamw() } as PartialEstimateInput);
  assert.equal(input.fsdp, 'accelerate');
  const ms = estimateModelStates(input);
  assert.equal(ms.tensors.trainable.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0), PSI);
  // accelerate upcasts the bf16-loaded trainable parameters: the fp32 shards the optimizer steps, 4 bytes x PSI / 8 GPUs
  assert.equal(ms.perGpu.masterWeights, (PSI * 4) / 8);
  // AdamW's exp_avg and exp_avg_sq follow the fp32 shard: 2 x 4 bytes x PSI / 8
  assert.equal(ms.perGpu.optimizerState, (PSI * 8) / 8);
  assert.equal(ms.base.dtype, 'bf16');
  assert.match(ms.base.reason, /^the model is loaded in bf16; accelerate's FSDP with mixed precision bf16 gathers each wrapped module's parameters in bf16 for forward and backward \(MixedPrecision param_dtype=torch\.bfloat16\) and keeps the sharded trainable parameters the optimizer steps in fp32, upcasting them/);
  assert.doesNotMatch(ms.base.reason, /DeepSpeed/);

  // Mistral-7B-v0.1: hidden 4096, vocabulary 32000, 32 blocks of q 4096x4096, k and v 4096x1024, o 4096x4096,
  // gate/up/down 4096x14336 and two 4096 norms; the root unit is embed_tokens + lm_head (untied) + the final norm.
  const block = 2 * 4096 * 4096 + 2 * 4096 * 1024 + 3 * 4096 * 14336 + 2 * 4096;
  const root = 2 * 32000 * 4096 + 4096;
  assert.equal(32 * block + root, PSI);
  // gathered in bf16: the root unit and two blocks (one computing, one prefetched); no 16-bit shard kept
  assert.equal(ms.perGpu.weights, 2 * root + 2 * 2 * block);
  // fp32 gradient shards, 4 x PSI / 8, and the bf16 unsharded gradients of the root unit and one block
  assert.equal(ms.perGpu.gradients, (PSI * 4) / 8 + 2 * root + 2 * block);
  assert.equal(ms.perGpu.persistentGradients, 2 * root);
  // Forward/backward peaks (2048 tokens of activations): only the root unit's bf16 gradient, produced first in backward
  // and reduced last, meets all the activations; the gradient shards are made as backward frees them.
  const mem = estimateMemory(input);
  assert.equal(mem.peakPhase, 'forward-backward');
  assert.equal(mem.bytes.gradients, 2 * root);
  assert.match(ms.perGpu.notes.join(' '), /^FSDP FULL_SHARD over 8 GPUs \(PyTorch FSDP1 accounting, not DeepSpeed's\).*FSDP1: accelerate's FSDP plugin defaults to fsdp_version 1 \(FSDP_VERSION unset\) \(assumption\)\.$/);
  assert.doesNotMatch(ms.perGpu.notes.join(' '), /DeepSpeed accounting/);

  // DeepSpeed's ZeRO-3 on the same job keeps a bf16 parameter shard, 2 x PSI / 8, beside the fp32 one, and gathers
  // the largest single module (the 32000 x 4096 embedding); master and optimizer state are the same.
  const deepspeed = estimateModelStates(resolveEstimateInput({ ...base, fsdp: undefined, model: MISTRAL, optimizer: adamw() } as PartialEstimateInput));
  assert.equal(deepspeed.perGpu.weights, (PSI * 2) / 8 + 2 * 32000 * 4096);
  assert.deepEqual([deepspeed.perGpu.masterWeights, deepspeed.perGpu.optimizerState], [ms.perGpu.masterWeights, ms.perGpu.optimizerState]);
  assert.match(deepspeed.perGpu.notes.join(' '), /ZeRO-3 \(DeepSpeed accounting\)/);
  assert.match(deepspeed.base.reason, /DeepSpeed mixed precision casts the whole model to bf16/);
});

test('recommend on the FSDP job: the base dtype names accelerate\'s FSDP; FSDP and its ZeRO-3 equivalent come from the accelerate config', async () => {
  let out = '';
  let err = '';
  await runCli(['recommend', FIXTURE, '--gpu-memory', '80GiB', '--offline', '--json'], { cwd: ROOT, out: (t) => (out += t), err: (t) => (err += t) });
  assert.ok(out.length > 0, err);
  const job = (JSON.parse(out) as { jobs: { baseDtype: { dtype: string; reason: string }; facts: Record<string, { value: unknown; source: { path?: string } }> }[] }).jobs[0];
  assert.equal(job.baseDtype.dtype, 'bf16');
  assert.match(job.baseDtype.reason, /accelerate's FSDP/);
  assert.doesNotMatch(job.baseDtype.reason, /DeepSpeed/);
  assert.deepEqual([job.facts['fsdp']?.value, job.facts['fsdp']?.source.path], [true, 'recipes/accelerate_configs/fsdp.yaml']);
  assert.deepEqual([job.facts['zeroStage']?.value, job.facts['gpus']?.value], [3, 8]);
});

const llama2 = inventoryForRef('meta-llama/Llama-2-7b-hf');
const LLAMA2_7B = 6_738_415_616;
// Llama-2-7b: 32 blocks of q, k, v, o 4096x4096, gate/up/down 4096x11008 and two 4096 norms; root: embed_tokens,
// lm_head (untied), the final norm.
const L2_BLOCK = 4 * 4096 * 4096 + 3 * 4096 * 11008 + 2 * 4096;
const L2_ROOT = 2 * 32000 * 4096 + 4096;
const fsdpStates = (extra: Omit<PartialEstimateInput, 'model' | 'optimizer'>) =>
  estimateModelStates(resolveEstimateInput({ model: llama2, optimizer: adamw(), seqLen: 16, precision: 'bf16-mixed', zeroStage: 3, gpus: 8, ...extra }));

test('Lightning and Composer do not upcast: a bf16-loaded model keeps bf16 shards and AdamW states, no master copy', () => {
  for (const fsdp of ['lightning', 'composer'] as const) {
    const ms = fsdpStates({ fsdp, loadDtype: 'bf16' });
    assert.equal(ms.perGpu.masterWeights, 0, fsdp);
    // exp_avg + exp_avg_sq in bf16, the shard's dtype: 2 x 2 bytes x params / 8
    assert.equal(ms.perGpu.optimizerState, (LLAMA2_7B * 4) / 8, fsdp);
    assert.equal(ms.base.dtype, 'bf16');
    assert.match(ms.base.reason, fsdp === 'lightning' ? /Lightning does not upcast them\): no fp32 master copy$/ : /Composer does not upcast them\): no fp32 master copy$/);
    assert.doesNotMatch(ms.base.reason, /DeepSpeed/);
  }
  // FULL_SHARD over the bf16 shards (no parameter mixed precision left to do: param_dtype is the shard's dtype): the bf16
  // shard 2 x params / 8 plus the bf16 root unit and two blocks gathered; bf16 gradient shards and the unsharded
  // gradients of the root unit and one block.
  const light = fsdpStates({ fsdp: 'lightning', loadDtype: 'bf16' });
  assert.equal(32 * L2_BLOCK + L2_ROOT, LLAMA2_7B);
  assert.equal(light.perGpu.weights, (LLAMA2_7B * 2) / 8 + 2 * L2_ROOT + 2 * 2 * L2_BLOCK);
  assert.equal(light.perGpu.gradients, (LLAMA2_7B * 2) / 8 + 2 * L2_ROOT + 2 * L2_BLOCK);
  // accelerate upcasts the same bf16-loaded model: fp32 shards (master weights) and fp32 states, no bf16 shard
  const acc = fsdpStates({ fsdp: 'accelerate', loadDtype: 'bf16' });
  assert.equal(acc.perGpu.masterWeights, (LLAMA2_7B * 4) / 8);
  assert.equal(acc.perGpu.optimizerState, (LLAMA2_7B * 8) / 8);
  assert.equal(acc.perGpu.weights, 2 * L2_ROOT + 2 * 2 * L2_BLOCK);
});

test('SHARD_GRAD_OP (ZeRO-2 equivalent) with accelerate: every unit gathered in bf16 from forward to backward, fp32 shards, gradient shards and states', () => {
  const ms = fsdpStates({ fsdp: 'accelerate', loadDtype: 'bf16', zeroStage: 2 });
  // no reshard after forward: the whole model's bf16 unsharded parameters, 2 x params
  assert.equal(ms.perGpu.weights, LLAMA2_7B * 2);
  assert.equal(ms.perGpu.masterWeights, (LLAMA2_7B * 4) / 8);
  assert.equal(ms.perGpu.gradients, (LLAMA2_7B * 4) / 8 + 2 * L2_ROOT + 2 * L2_BLOCK);
  assert.equal(ms.perGpu.optimizerState, (LLAMA2_7B * 8) / 8);
  assert.match(ms.perGpu.notes.join(' '), /^FSDP SHARD_GRAD_OP over 8 GPUs \(PyTorch FSDP1 accounting, not DeepSpeed's\)/);
  // DeepSpeed's ZeRO-2 would add a bf16 gradient partition 2 x params / 8 (and its reduction bucket); FSDP has neither
  const ds = fsdpStates({ loadDtype: 'bf16', zeroStage: 2 });
  assert.match(ds.perGpu.notes.join(' '), /ZeRO-2 \(DeepSpeed accounting\)/);
  assert.ok(ds.perGpu.gradients > ms.perGpu.gradients);
});

test('at the optimizer step FSDP holds the shards only: the gathered units and unsharded gradients are freed after backward', () => {
  // 16 tokens: the activations are small and the step, with AdamW's fp32 states, is the peak
  const input = resolveEstimateInput({ model: llama2, optimizer: adamw(), seqLen: 16, precision: 'bf16-mixed', zeroStage: 3, gpus: 8, fsdp: 'accelerate', loadDtype: 'bf16' });
  const est = estimateMemory(input);
  assert.equal(est.peakPhase, 'optimizer-step');
  // no frozen weights: nothing but the fp32 trainable shard (master-weights row) is left of the parameters
  assert.equal(est.bytes.weights, 0);
  assert.equal(est.bytes.masterWeights, (LLAMA2_7B * 4) / 8);
  // the fp32 gradient shards the optimizer reads
  assert.equal(est.bytes.gradients, (LLAMA2_7B * 4) / 8);
});

test('FSDP with CPUOffload(offload_params=True): the GPU keeps the gathered units and unsharded gradients only', () => {
  const ms = fsdpStates({ fsdp: 'accelerate', loadDtype: 'bf16', offload: 'params' });
  assert.deepEqual(
    [ms.perGpu.weights, ms.perGpu.gradients, ms.perGpu.masterWeights, ms.perGpu.optimizerState],
    [2 * L2_ROOT + 2 * 2 * L2_BLOCK, 2 * L2_ROOT + 2 * L2_BLOCK, 0, 0],
  );
  assert.match(ms.perGpu.notes.join(' '), /CPUOffload\(offload_params=True\)/);
});

test('Lightning over an fp32 model: fp32 shards, counted as master weights, the reason naming FSDPPrecision', () => {
  const ms = fsdpStates({ fsdp: 'lightning', loadDtype: 'fp32' });
  assert.equal(ms.perGpu.masterWeights, (LLAMA2_7B * 4) / 8);
  assert.equal(ms.perGpu.optimizerState, (LLAMA2_7B * 8) / 8);
  assert.match(ms.base.reason, /^Lightning's FSDPStrategy with precision 'bf16-mixed' gathers each wrapped module's parameters in bf16 for forward and backward \(FSDPPrecision: MixedPrecision param_dtype=torch\.bfloat16\) and steps the sharded parameters in the fp32 Lightning creates the model in/);
  // fp32 shards with no bf16 shard beside them: the gathered bf16 root unit and two blocks are all the weights
  assert.equal(ms.perGpu.weights, 2 * L2_ROOT + 2 * 2 * L2_BLOCK);
  // DeepSpeed's ZeRO-3 mixed precision on the same model keeps the bf16 shard too: 2 x params / 8 + the embedding
  assert.equal(fsdpStates({ loadDtype: 'fp32' }).perGpu.weights, (LLAMA2_7B * 2) / 8 + 2 * 32000 * 4096);
  // Lightning spells fp16 mixed precision '16-mixed'
  assert.match(fsdpStates({ fsdp: 'lightning', loadDtype: 'fp32', precision: 'fp16-mixed' }).base.reason, /^Lightning's FSDPStrategy with precision '16-mixed' gathers each wrapped module's parameters in fp16 .*param_dtype=torch\.float16\)/);
});

test('an unknown FSDP framework is a clear input error', () => {
  assert.throws(() => resolveEstimateInput({ model: llama2, optimizer: adamw(), fsdp: 'megatron' as never }), /FSDP framework/);
});
