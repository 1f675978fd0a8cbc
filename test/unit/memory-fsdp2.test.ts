/**
 * PyTorch FSDP2 (`fully_shard`) and hybrid sharding, counted by PyTorch's own code (src/core/memory/fsdp.ts,
 * FSDP2_SOURCES), against expectations derived here by hand from that code's documented behaviour:
 * - fully_shard's docstring (_fully_shard.py at 0257dd1c): sharded parameters are DTensors sharded on dim 0 over the
 *   mesh (a 2-D mesh shards over its 2nd dim and replicates over the 1st: HSDP); reshard_after_forward=True frees the
 *   unsharded parameters after forward, False keeps them to backward, an int reshards to that many GPUs after
 *   forward.
 * - FSDPParamGroup (_fsdp_param_group.py at 002a76fb): a group's backward prefetches the previous group, so one block
 *   computes while the next is gathered; post_backward hands the unsharded gradients to foreach_reduce and keeps the
 *   reduce-scatter input (ReduceScatterState) until the next group's post_backward.
 * - foreach_reduce (_fsdp_collectives.py at 8fc2039d): the reduce-scatter input is a new flat buffer of the group's
 *   gradients in reduce_dtype (= the gradients' dtype when no MixedPrecisionPolicy sets one), the gradients are freed
 *   only after the copy-in, the output (1/N) becomes the sharded gradient in the shard's dtype.
 * So, per GPU, with a transformer wrap (one group per block, the rest in the root group), over N GPUs:
 *   shards 1/N (what the optimizer steps), gathered: root + 2 blocks in param_dtype, gradients: shards 1/N + the
 *   root's unsharded gradient + one block's unsharded gradient + the previous block's reduce-scatter input.
 * FSDP1 (FullyShardedDataParallel) on the same job reduce-scatters the flat gradient itself: one block less.
 * HYBRID_SHARD (FSDP1) and a 2-D mesh (FSDP2) shard over the GPUs of one group: N is the group's GPUs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobEstimateBase } from '../../src/core/job';
import { resolveEstimateInput, type PartialEstimateInput } from '../../src/core/memory/defaults';
import { estimateMemory, estimateModelStates } from '../../src/core/memory/estimate';
import { inventoryForRef } from '../../src/core/models';
import { resolveOptimizer } from '../../src/core/optimizers';
import { scanFiles } from '../../src/core/scan';

const adamw = () => {
  const o = resolveOptimizer('adamw');
  assert.ok(o);
  return o;
};

const llama2 = inventoryForRef('meta-llama/Llama-2-7b-hf');
const PSI = 6_738_415_616;
// Llama-2-7b: 32 blocks of q, k, v, o 4096x4096, gate/up/down 4096x11008 and two 4096 norms; root: embed_tokens,
// lm_head (untied), the final norm.
const BLOCK = 4 * 4096 * 4096 + 3 * 4096 * 11008 + 2 * 4096;
const ROOT = 2 * 32000 * 4096 + 4096;
const states = (extra: Omit<PartialEstimateInput, 'model' | 'optimizer'>) =>
  estimateModelStates(resolveEstimateInput({ model: llama2, optimizer: adamw(), seqLen: 16, precision: 'bf16-mixed', zeroStage: 3, gpus: 8, ...extra }));

test('the Llama-2-7b units the expectations use add up to the published parameter count', () => {
  assert.equal(32 * BLOCK + ROOT, PSI);
  // one block's gradients beside the previous block's reduce-scatter input outweigh the root's own input at the end
  assert.ok(2 * BLOCK > ROOT);
});

test("torchtune's distributed recipes run FSDP2: bf16 shards, root + two blocks gathered, one more block of gradients than FSDP1", () => {
  const ms = states({ fsdp: 'torchtune', loadDtype: 'bf16' });
  // torchtune keeps the recipe dtype: bf16 shards 2·Ψ/8, no master copy, AdamW's two bf16 states
  assert.equal(ms.perGpu.masterWeights, 0);
  assert.equal(ms.perGpu.optimizerState, (PSI * 4) / 8);
  assert.equal(ms.perGpu.weights, (PSI * 2) / 8 + 2 * ROOT + 2 * 2 * BLOCK);
  // bf16 gradient shards + the root's unsharded gradient + one block's gradient + the previous block's bf16 reduce-scatter input
  assert.equal(ms.perGpu.gradients, (PSI * 2) / 8 + 2 * ROOT + 2 * BLOCK + 2 * BLOCK);
  assert.equal(ms.perGpu.persistentGradients, 2 * ROOT);
  const note = ms.perGpu.notes.join(' ');
  assert.match(note, /^FSDP2 fully_shard, reshard_after_forward=True \(FULL_SHARD\) over 8 GPUs \(PyTorch FSDP2 accounting, not DeepSpeed's\)/);
  // the version was not stated: the framework's default, named as an assumption
  assert.match(note, /FSDP2: torchtune's distributed recipes shard with fully_shard \(training\.shard_model\) \(assumption\)\.$/);
  // the same job told it runs FSDP1 (Lightning's FSDPStrategy keeps bf16 shards too) reduce-scatters in place
  const v1 = states({ fsdp: 'lightning', loadDtype: 'bf16' });
  assert.equal(ms.perGpu.gradients - v1.perGpu.gradients, 2 * BLOCK);
  assert.equal(ms.perGpu.weights, v1.perGpu.weights);
});

test('accelerate with fsdp_version 2: fp32 shards (accelerate upcasts), bf16 gathered units, no version assumption', () => {
  const ms = states({ fsdp: 'accelerate', fsdpVersion: 2, loadDtype: 'bf16' });
  assert.equal(ms.perGpu.masterWeights, (PSI * 4) / 8);
  assert.equal(ms.perGpu.optimizerState, (PSI * 8) / 8);
  // no bf16 shard between steps: the gathered bf16 root and two blocks are all the weights
  assert.equal(ms.perGpu.weights, 2 * ROOT + 2 * 2 * BLOCK);
  // fp32 gradient shards (the reduce-scatter output cast to the shard's dtype) + bf16 root, block and reduce-scatter input
  assert.equal(ms.perGpu.gradients, (PSI * 4) / 8 + 2 * ROOT + 2 * 2 * BLOCK);
  const note = ms.perGpu.notes.join(' ');
  assert.match(note, /PyTorch FSDP2 accounting/);
  assert.doesNotMatch(note, /; FSDP2: /);
  // accelerate's default is FSDP1, an assumption the note names
  const v1 = states({ fsdp: 'accelerate', loadDtype: 'bf16' });
  assert.equal(v1.perGpu.gradients, (PSI * 4) / 8 + 2 * ROOT + 2 * BLOCK);
  assert.match(v1.perGpu.notes.join(' '), /PyTorch FSDP1 accounting.*fsdp_version 1 \(FSDP_VERSION unset\) \(assumption\)\.$/);
});

test('FSDP2 reshard_after_forward=False keeps every group unsharded from forward to backward: the whole model in bf16', () => {
  const ms = states({ fsdp: 'accelerate', fsdpVersion: 2, loadDtype: 'bf16', zeroStage: 2 });
  assert.equal(ms.perGpu.weights, PSI * 2);
  assert.equal(ms.perGpu.gradients, (PSI * 4) / 8 + 2 * ROOT + 2 * 2 * BLOCK);
  assert.match(ms.perGpu.notes.join(' '), /^FSDP2 fully_shard, reshard_after_forward=False \(SHARD_GRAD_OP\) over 8 GPUs/);
});

test('FSDP2 reshard_after_forward=4: the 30 blocks not gathered keep a quarter of their bf16 parameters to backward', () => {
  const ms = states({ fsdp: 'torchtune', loadDtype: 'bf16', fsdpReshardTo: 4 });
  assert.equal(ms.perGpu.weights, (PSI * 2) / 8 + 2 * ROOT + 2 * 2 * BLOCK + (30 * 2 * BLOCK) / 4);
  assert.match(ms.perGpu.notes.join(' '), /reshard_after_forward=4 over 8 GPUs.*the other blocks sharded over 4 GPUs from their forward to their backward/);
  // an int must divide the shard group and be neither 1 nor the group; it needs FSDP2 and resharding (stage 3)
  assert.throws(() => states({ fsdp: 'torchtune', loadDtype: 'bf16', fsdpReshardTo: 3 }), /divisor of the shard group's 8 GPUs/);
  assert.throws(() => states({ fsdp: 'torchtune', loadDtype: 'bf16', fsdpReshardTo: 8 }), /reshard_after_forward/);
  assert.throws(() => states({ fsdp: 'accelerate', loadDtype: 'bf16', fsdpReshardTo: 4 }), /needs FSDP2/);
  assert.throws(() => states({ fsdp: 'torchtune', loadDtype: 'bf16', zeroStage: 2, fsdpReshardTo: 4 }), /needs FSDP2/);
});

test("FSDP2's CPUOffloadPolicy: the GPU keeps the gathered groups, the unsharded gradients and the reduce-scatter input", () => {
  const ms = states({ fsdp: 'torchtune', loadDtype: 'bf16', offload: 'params' });
  assert.deepEqual(
    [ms.perGpu.weights, ms.perGpu.gradients, ms.perGpu.masterWeights, ms.perGpu.optimizerState],
    [2 * ROOT + 2 * 2 * BLOCK, 2 * ROOT + 2 * 2 * BLOCK, 0, 0],
  );
  assert.match(ms.perGpu.notes.join(' '), /CPUOffloadPolicy/);
});

test('at the optimizer step FSDP2 holds the shards only', () => {
  const est = estimateMemory(resolveEstimateInput({ model: llama2, optimizer: adamw(), seqLen: 16, precision: 'bf16-mixed', zeroStage: 3, gpus: 8, fsdp: 'accelerate', fsdpVersion: 2, loadDtype: 'bf16' }));
  assert.equal(est.peakPhase, 'optimizer-step');
  assert.equal(est.bytes.weights, 0);
  assert.equal(est.bytes.masterWeights, (PSI * 4) / 8);
  assert.equal(est.bytes.gradients, (PSI * 4) / 8);
});

test('HYBRID_SHARD over 2 nodes of 8 GPUs shards over one node: states 1/8, not 1/16', () => {
  const group = { gpus: 8, from: 'fsdp_sharding_strategy HYBRID_SHARD, 8 GPUs per node over 2 nodes' };
  const ms = states({ fsdp: 'accelerate', loadDtype: 'bf16', gpus: 16, fsdpShardGroup: group });
  const full = states({ fsdp: 'accelerate', loadDtype: 'bf16', gpus: 16 });
  assert.equal(ms.perGpu.masterWeights, (PSI * 4) / 8);
  assert.equal(ms.perGpu.optimizerState, (PSI * 8) / 8);
  assert.equal(full.perGpu.masterWeights, (PSI * 4) / 16);
  // the gathered units and unsharded gradients do not depend on the shard group
  assert.equal(ms.perGpu.weights, full.perGpu.weights);
  assert.equal(ms.perGpu.gradients - full.perGpu.gradients, (PSI * 4) / 8 - (PSI * 4) / 16);
  assert.match(ms.perGpu.notes.join(' '), /^FSDP HYBRID_SHARD over a shard group of 8 of the 16 GPUs \(fsdp_sharding_strategy HYBRID_SHARD, 8 GPUs per node over 2 nodes; 2 replica groups/);
  // FSDP2 over a 2-D mesh: the same states over the shard dimension
  const mesh = states({ fsdp: 'torchtune', loadDtype: 'bf16', gpus: 16, fsdpShardGroup: { gpus: 4, from: 'data_parallel_shard_dim 4' } });
  assert.equal(mesh.perGpu.optimizerState, (PSI * 4) / 4);
  // node count unknown: one node assumed, every GPU one group, said so
  const unknown = states({ fsdp: 'accelerate', loadDtype: 'bf16', gpus: 16, fsdpShardGroup: { gpus: null, from: 'HYBRID_SHARD' } });
  assert.equal(unknown.perGpu.masterWeights, (PSI * 4) / 16);
  assert.match(unknown.perGpu.notes.join(' '), /node count is not known: one node assumed/);
  assert.throws(() => states({ fsdp: 'accelerate', gpus: 8, fsdpShardGroup: { gpus: 16, from: 'x' } }), /FSDP shard group/);
  assert.throws(() => resolveEstimateInput({ model: llama2, optimizer: adamw(), fsdpVersion: 2 }), /needs FSDP/);
});

test("gradient accumulation under accelerate: no_sync() keeps every unit's unsharded bf16 gradient across the micro-batches", () => {
  // accelerate (the HF Trainer, axolotl) with 4 micro-batches a step: FSDP1's post-backward hook leaves the unsharded
  // flat gradient as .grad under no_sync(), so the whole model's bf16 gradient (2·Ψ) lives beside the fp32 shards
  const v1 = states({ fsdp: 'accelerate', loadDtype: 'bf16', gradAccum: 4 });
  assert.equal(v1.perGpu.gradients, (PSI * 4) / 8 + PSI * 2);
  // it is there from the first micro-batch's backward, so the later micro-batches' activations meet all of it
  assert.equal(v1.perGpu.persistentGradients, PSI * 2);
  assert.match(v1.perGpu.notes.join(' '), /kept across the 4 micro-batches of a step under no_sync\(\).*sync_each_batch false, accelerate's default, assumption/);
  // FSDP2 (set_requires_gradient_sync(False)): the same, and at the last micro-batch one group's reduce-scatter input
  // (the root's, the largest group: 2·ROOT bytes in bf16)
  const v2 = states({ fsdp: 'accelerate', fsdpVersion: 2, loadDtype: 'bf16', gradAccum: 4 });
  assert.equal(v2.perGpu.gradients, (PSI * 4) / 8 + PSI * 2 + 2 * ROOT);
  assert.match(v2.perGpu.notes.join(' '), /set_requires_gradient_sync\(False\)/);
  // torchtune's recipes and Lightning reduce in every backward: accumulation changes nothing there
  assert.equal(states({ fsdp: 'torchtune', loadDtype: 'bf16', gradAccum: 4 }).perGpu.gradients, states({ fsdp: 'torchtune', loadDtype: 'bf16' }).perGpu.gradients);
  assert.equal(states({ fsdp: 'lightning', loadDtype: 'bf16', gradAccum: 4 }).perGpu.gradients, states({ fsdp: 'lightning', loadDtype: 'bf16' }).perGpu.gradients);
  // with 16 tokens the step is the peak of the synced job; the accumulated 2·Ψ bf16 gradients make forward-backward
  // the peak instead (fp32 shard gradients, master and states 2·Ψ at the step, against 2·Ψ + those beside the activations)
  const est = (gradAccum: number) => estimateMemory(resolveEstimateInput({ model: llama2, optimizer: adamw(), seqLen: 16, precision: 'bf16-mixed', zeroStage: 3, gpus: 8, fsdp: 'accelerate', loadDtype: 'bf16', gradAccum }));
  assert.deepEqual([est(1).peakPhase, est(4).peakPhase], ['optimizer-step', 'forward-backward']);
  assert.ok(est(4).bytes.gradients >= PSI * 2);
});

test('from the files: accelerate HYBRID_SHARD over num_machines, fsdp_version 2, torchtune HSDP dims, Lightning ModelParallelStrategy', () => {
  const args = { path: 'run/args.json', text: JSON.stringify({ output_dir: 'o', model_name_or_path: 'meta-llama/Llama-2-7b-hf', per_device_train_batch_size: 1, bf16: true }) };
  const accelerate = (extra: string, machines: number) => ({
    path: 'run/accelerate.yaml',
    text: `compute_environment: LOCAL_MACHINE\ndistributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: HYBRID_SHARD\n${extra}mixed_precision: bf16\nnum_machines: ${machines}\nnum_processes: 16\n`,
  });
  const job = scanFiles([args, accelerate('', 2)]).jobs[0];
  const base = jobEstimateBase(job, llama2, { gpuMemoryBytes: null, priority: 'quality' });
  assert.deepEqual(base.fsdpShardGroup, { gpus: 8, from: 'fsdp_config.fsdp_sharding_strategy HYBRID_SHARD, 8 GPUs per node over 2 nodes' });
  assert.equal(base.fsdpVersion, undefined);
  // one machine: the node is every GPU, no group to state
  const one = scanFiles([args, accelerate('', 1)]).jobs[0];
  assert.equal(jobEstimateBase(one, llama2, { gpuMemoryBytes: null, priority: 'quality' }).fsdpShardGroup, undefined);
  const v2 = scanFiles([args, accelerate('  fsdp_version: 2\n', 2)]).jobs[0];
  assert.equal(jobEstimateBase(v2, llama2, { gpuMemoryBytes: null, priority: 'quality' }).fsdpVersion, 2);

  const tune = (extra: string) => scanFiles([{ path: 'recipe.yaml', text: `model:\n  _component_: torchtune.models.llama2.llama2_7b\nfsdp_reshard_after_forward: True\n${extra}` }]).jobs[0].settings;
  assert.deepEqual(tune('data_parallel_shard_dim: 4\n').fsdpShardGroup, { kind: 'shard', gpus: 4, key: 'data_parallel_shard_dim' });
  assert.deepEqual(tune('data_parallel_replicate_dim: 2\n').fsdpShardGroup, { kind: 'replicate', replicas: 2, key: 'data_parallel_replicate_dim' });
  assert.equal(tune('data_parallel_shard_dim: -1\n').fsdpShardGroup, undefined);

  const lightning = scanFiles([{ path: 'config.yaml', text: 'trainer:\n  devices: 8\n  strategy:\n    class_path: lightning.pytorch.strategies.ModelParallelStrategy\nmodel:\n  class_path: mypkg.Lit\n  init_args:\n    model_name_or_path: gpt2\n' }]);
  assert.deepEqual([lightning.jobs[0].settings.fsdp, lightning.jobs[0].settings.fsdpVersion], ['lightning', 2]);

  // accelerate launch: FSDP_VERSION before it, --fsdp_sharding_strategy HYBRID_SHARD, --num_machines the node count
  const sh = scanFiles([{ path: 'run.sh', text: '#!/bin/bash\nFSDP_VERSION=2 accelerate launch --use_fsdp --fsdp_sharding_strategy HYBRID_SHARD --num_processes 16 --num_machines 2 train.py --model_name_or_path meta-llama/Llama-2-7b-hf --per_device_train_batch_size 1 --bf16 --output_dir o\n' }]).jobs[0];
  assert.deepEqual([sh.settings.fsdpVersion, sh.settings.nodes, sh.sources.fsdpVersion?.range.column], [2, 2, 1]);
  const shBase = jobEstimateBase(sh, llama2, { gpuMemoryBytes: null, priority: 'quality' });
  assert.deepEqual([shBase.fsdpVersion, shBase.fsdpShardGroup], [2, { gpus: 8, from: '--fsdp_sharding_strategy HYBRID_SHARD, 8 GPUs per node over 2 nodes' }]);
});
