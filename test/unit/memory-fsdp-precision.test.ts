/**
 * FSDP's mixed precision, by the framework that sets it up (src/core/memory/load-dtype.ts): the reason names what
 * FSDP does there, not DeepSpeed, and the bytes follow what the framework keeps. Expectations by hand from the sources
 * load-dtype.ts cites: accelerate upcasts the trainable flat parameters to fp32 under mixed precision (fp32 shards the
 * optimizer steps, AdamW's two states in fp32), so the bytes are those of ZeRO-3 mixed precision; Lightning and
 * Composer do not upcast, so a model loaded in bf16 keeps bf16 shards, gradients and states and no master copy.
 * The real job: alignment-handbook's zephyr-7b-beta full SFT launched with its own FSDP accelerate config
 * (test/fixtures/realproj/alignment-handbook-sft-fsdp, SOURCE lines in each file).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jobEstimateBase } from '../../src/core/job';
import { resolveEstimateInput, type PartialEstimateInput } from '../../src/core/memory/defaults';
import { estimateModelStates } from '../../src/core/memory/estimate';
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

  // The numbers are those of ZeRO-3 mixed precision (what accelerate mimics); only the reason differs.
  const deepspeed = estimateModelStates(resolveEstimateInput({ ...base, fsdp: undefined, model: MISTRAL, optimizer: adamw() } as PartialEstimateInput));
  assert.deepEqual(deepspeed.perGpu, ms.perGpu);
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
  // accelerate upcasts the same bf16-loaded model: fp32 shards (master weights) and fp32 states
  const acc = fsdpStates({ fsdp: 'accelerate', loadDtype: 'bf16' });
  assert.equal(acc.perGpu.masterWeights, (LLAMA2_7B * 4) / 8);
  assert.equal(acc.perGpu.optimizerState, (LLAMA2_7B * 8) / 8);
});

test('Lightning over an fp32 model: fp32 shards, counted as master weights, the reason naming FSDPPrecision', () => {
  const ms = fsdpStates({ fsdp: 'lightning', loadDtype: 'fp32' });
  assert.equal(ms.perGpu.masterWeights, (LLAMA2_7B * 4) / 8);
  assert.equal(ms.perGpu.optimizerState, (LLAMA2_7B * 8) / 8);
  assert.match(ms.base.reason, /^Lightning's FSDPStrategy with precision 'bf16-mixed' gathers each wrapped module's parameters in bf16 for forward and backward \(FSDPPrecision: MixedPrecision param_dtype=torch\.bfloat16\) and steps the sharded parameters in the fp32 Lightning creates the model in/);
  // the same bytes as DeepSpeed's ZeRO-3 mixed precision
  assert.deepEqual(fsdpStates({ loadDtype: 'fp32' }).perGpu, ms.perGpu);
  // Lightning spells fp16 mixed precision '16-mixed'
  assert.match(fsdpStates({ fsdp: 'lightning', loadDtype: 'fp32', precision: 'fp16-mixed' }).base.reason, /^Lightning's FSDPStrategy with precision '16-mixed' gathers each wrapped module's parameters in fp16 .*param_dtype=torch\.float16\)/);
});

test('an unknown FSDP framework is a clear input error', () => {
  assert.throws(() => resolveEstimateInput({ model: llama2, optimizer: adamw(), fsdp: 'megatron' as never }), /FSDP framework/);
});
