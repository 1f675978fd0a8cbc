/**
 * llm.c launch scripts (`mpirun -np 8 ./train_gpt2cu -b 64 -t 1024 ...`): the single-dash flags of train_gpt2.cu, the
 * GPT-2 its `-e dN` descriptor builds, and what it leaves to its defaults. The parameter count is checked against
 * llm.c's README (GPT-2 124M prints num_parameters: 124439808 with vocabulary 50,257) plus the padding rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countParams } from '../../src/core/models';
import { resolveModelSource } from '../../src/core/model-source';
import { scanFiles } from '../../src/core/scan';

// karpathy/llm.c scripts/run_gpt2_124M.sh, its launch line.
const RUN = [
  'make train_gpt2cu USE_CUDNN=1', // 1
  'out_dir="log_gpt2_124M"', // 2
  'mpirun -np 8 ./train_gpt2cu \\', // 3
  '    -i "dev/data/fineweb10B/fineweb_train_*.bin" \\', // 4
  '    -o $out_dir \\', // 5
  '    -b 64 -t 1024 \\', // 6
  '    -d 524288 \\', // 7
  '    -z 1 \\', // 8
  '    -c 0.1 \\', // 9
  '    -l 0.0006 \\', // 10
  '    -u 700 \\', // 11
  '    -e "d12"', // 12
  '',
].join('\n');

test('an llm.c launch forms a job: its flags, mpirun\'s processes, and the GPT-2 its descriptor builds', () => {
  const result = scanFiles([{ path: 'run.sh', text: RUN }]);
  assert.equal(result.jobs.length, 1);
  const job = result.jobs[0];
  assert.deepEqual(job.settings, {
    perDeviceBatchSize: 64,
    seqLen: 1024,
    // 524288 tokens / (64 x 1024 x 8 processes)
    gradAccum: 1,
    learningRate: 0.0006,
    warmupSteps: 700,
    weightDecay: 0.1,
    zeroStage: 1,
    // llm.c's own ZeRO-1, not DeepSpeed's: the estimate adds no DeepSpeed reduction buckets
    deepspeedZero: null,
    pretraining: true,
    gpus: 8,
    // not written: llm.c's own AdamW and the build's bf16
    optimizer: 'AdamW',
    precision: 'bf16-mixed',
  });
  assert.deepEqual(job.sources['gpus'], { path: 'run.sh', range: { line: 3, column: 12, endLine: 3, endColumn: 13 } });
  assert.deepEqual(job.sources['learningRate'], { path: 'run.sh', range: { line: 10, column: 8, endLine: 10, endColumn: 14 } });
  assert.deepEqual(job.defaults.map((d) => d.setting).sort(), ['optimizer', 'precision']);
  const resolved = resolveModelSource(job, { readText: () => '' });
  assert.equal(resolved.status, 'resolved');
  if (resolved.status !== 'resolved') return;
  // 124,439,808 (vocabulary 50,257) + (50,304 - 50,257) x 768 padding rows of the tied embedding
  assert.equal(countParams(resolved.model.inventory).total, 124439808 + 47 * 768);
});

test('llm.c: defaults named, a checkpoint file not read, a bad flag or total batch said, never a crash', () => {
  // no -e: train_gpt2.cu's default checkpoint gpt2_124M_bf16.bin, whose config is in its binary header
  const bare = scanFiles([{ path: 'a.sh', text: './train_gpt2cu -b 8\n' }]);
  const job = bare.jobs[0];
  assert.equal(job.model, null);
  assert.ok((job.assumptions ?? []).some((a) => a.includes('gpt2_124M_bf16.bin') && a.includes('not read')), JSON.stringify(job.assumptions));
  assert.equal(job.settings.seqLen, 1024);
  assert.deepEqual(job.defaults.find((d) => d.setting === 'learningRate')?.value, 3e-4);
  assert.equal(job.settings.gpus, undefined);
  // -d not a multiple of b x t x processes: train_gpt2.cu asserts; the accumulation is not read, the reason is given
  const odd = scanFiles([{ path: 'b.sh', text: 'mpirun -np 2 ./train_gpt2cu -b 4 -t 64 -d 1000 -e d6\n' }]).jobs[0];
  assert.equal(odd.settings.gradAccum, undefined);
  assert.ok((odd.assumptions ?? []).some((a) => a.includes('-d 1000 is not a multiple')));
  // a word that is not a `-x value` pair stops the reading with the reason
  const bad = scanFiles([{ path: 'c.sh', text: './train_gpt2cu -b 4 --lr 0.1 -e d12\n' }]).jobs[0];
  assert.equal(bad.settings.perDeviceBatchSize, 4);
  assert.equal(bad.settings.learningRate, 3e-4);
  assert.ok((bad.assumptions ?? []).some((a) => a.includes("'--lr' is not one")));
  // an unknown depth
  const deep = scanFiles([{ path: 'd.sh', text: './train_gpt2cu -e d13\n' }]).jobs[0];
  assert.equal(deep.model, null);
  assert.ok((deep.assumptions ?? []).some((a) => a.includes('-e "d13" is not a GPT-2 depth descriptor')));
});
