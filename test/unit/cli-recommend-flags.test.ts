/**
 * `recommend` takes every job flag of `estimate`, with the same name and meaning: the two option
 * tables cannot drift, and a job evaluated with every flag given by hand gets the peak `estimate`
 * computes for the same model and settings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { estimateCommand } from '../../src/cli/commands/estimate';
import { recommendCommand } from '../../src/cli/commands/recommend';
import { runCli } from '../../src/cli/main';
import { HUB_FLAGS } from '../../src/cli/model-lookup';

const ROOT = path.resolve(__dirname, '..', '..', '..');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { cwd: ROOT, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** Flags of `estimate` that are not job settings (the model lookup's --hub/--offline are shared by both commands as they are). */
const NOT_JOB_FLAGS = new Set(['optimizer', 'json', ...HUB_FLAGS.map((f) => f.name)]);

/**
 * A value for every job flag, all different from the example job's own settings (batch 4,
 * accumulation 8, seq 2048, bf16 AMP, no checkpointing, no ZeRO, no LoRA), with the key it has in
 * `inputs.overrides`. A flag added to `estimate` without an entry here fails the test.
 */
const LORA_4BIT = {
  rank: 16, targets: ['q_proj', 'k_proj'], qlora: true, computeDtype: 'bf16', doubleQuant: false, quantiseHead: true, quantisedFrom: 'fp16',
  savesQuantisedInputs: true, prepareKbit: true, modulesToSave: ['lm_head'],
};
const LORA_8BIT = { rank: 16, targets: ['q_proj', 'k_proj'], qlora: false, int8: true, prepareKbit: true, modulesToSave: ['lm_head'] };
const CHUNKED = { kind: 'chunked', chunks: 4, compiled: false, logitsHeld: true };
const SAMPLES: Readonly<Record<string, { readonly argv: readonly string[]; readonly key: string; readonly value: unknown }>> = {
  'batch-size': { argv: ['--batch-size', '2'], key: 'batchSize', value: 2 },
  'grad-accum': { argv: ['--grad-accum', '4'], key: 'gradAccum', value: 4 },
  'seq-len': { argv: ['--seq-len', '1024'], key: 'seqLen', value: 1024 },
  'image-size': { argv: ['--image-size', '256'], key: 'imageSize', value: 256 },
  precision: { argv: ['--precision', 'fp16-mixed'], key: 'precision', value: 'fp16-mixed' },
  'load-dtype': { argv: ['--load-dtype', 'fp32'], key: 'loadDtype', value: 'fp32' },
  attention: { argv: ['--attention', 'eager'], key: 'attention', value: 'eager' },
  'gradient-checkpointing': { argv: ['--gradient-checkpointing'], key: 'gradientCheckpointing', value: true },
  'zero-stage': { argv: ['--zero-stage', '3'], key: 'zeroStage', value: 3 },
  'zero-accounting': { argv: ['--zero-accounting', 'paper'], key: 'zeroAccounting', value: 'paper' },
  gpus: { argv: ['--gpus', '4'], key: 'gpus', value: 4 },
  offload: { argv: ['--offload', 'optimizer'], key: 'offload', value: 'optimizer' },
  'lora-rank': { argv: ['--lora-rank', '16'], key: 'lora', value: LORA_4BIT },
  'lora-targets': { argv: ['--lora-targets', 'q_proj,k_proj'], key: 'lora', value: LORA_4BIT },
  qlora: { argv: ['--qlora'], key: 'lora', value: LORA_4BIT },
  'bnb-4bit-compute-dtype': { argv: ['--bnb-4bit-compute-dtype', 'bf16'], key: 'lora', value: LORA_4BIT },
  'bnb-4bit-double-quant': { argv: ['--bnb-4bit-double-quant', 'false'], key: 'lora', value: LORA_4BIT },
  'bnb-4bit-quantise-head': { argv: ['--bnb-4bit-quantise-head'], key: 'lora', value: LORA_4BIT },
  'bnb-4bit-quantised-from': { argv: ['--bnb-4bit-quantised-from', 'fp16'], key: 'lora', value: LORA_4BIT },
  'bnb-4bit-saves-inputs': { argv: ['--bnb-4bit-saves-inputs'], key: 'lora', value: LORA_4BIT },
  'load-in-8bit': { argv: ['--load-in-8bit'], key: 'lora', value: LORA_8BIT },
  'prepare-kbit': { argv: ['--prepare-kbit'], key: 'lora', value: LORA_4BIT },
  'modules-to-save': { argv: ['--modules-to-save', 'lm_head'], key: 'lora', value: LORA_4BIT },
  'reference-model': { argv: ['--reference-model'], key: 'referenceModel', value: true },
  'optimizer-in-backward': { argv: ['--optimizer-in-backward'], key: 'optimizerInBackward', value: true },
  loss: { argv: ['--loss', 'chunked'], key: 'loss', value: CHUNKED },
  'loss-chunks': { argv: ['--loss-chunks', '4'], key: 'loss', value: CHUNKED },
  'loss-eager': { argv: ['--loss-eager'], key: 'loss', value: CHUNKED },
  'loss-logits-held': { argv: ['--loss-logits-held'], key: 'loss', value: CHUNKED },
  'softmax-saves-input': { argv: ['--softmax-saves-input'], key: 'softmaxSavesInput', value: true },
  'activation-offload': { argv: ['--activation-offload'], key: 'activationOffload', value: true },
  'optim-args': { argv: ['--optim-args', 'rank=64,update_proj_gap=200'], key: 'hyperparameters', value: { rank: 64, update_proj_gap: 200, target_modules: 'attn,mlp' } },
  'optim-target-modules': { argv: ['--optim-target-modules', 'attn,mlp'], key: 'hyperparameters', value: { rank: 64, update_proj_gap: 200, target_modules: 'attn,mlp' } },
  'zero-grad-set-to-none': { argv: ['--zero-grad-set-to-none', 'false'], key: 'zeroGradSetToNone', value: false },
  'gpu-memory': { argv: ['--gpu-memory', '80GB'], key: 'gpuMemoryBytes', value: 80e9 },
};

/** Flags that exclude each other (the base weights are 4-bit or 8-bit, not both): each run leaves one side out. */
const RUNS: readonly { readonly without: ReadonlySet<string>; readonly lora: unknown }[] = [
  { without: new Set(['load-in-8bit']), lora: LORA_4BIT },
  { without: new Set(['qlora', 'bnb-4bit-compute-dtype', 'bnb-4bit-double-quant', 'bnb-4bit-quantise-head', 'bnb-4bit-quantised-from', 'bnb-4bit-saves-inputs']), lora: LORA_8BIT },
];

test("recommend has every one of estimate's job flags, with the same type, choices and bounds", () => {
  const mine = new Map(recommendCommand.flags.map((f) => [f.name, f]));
  const jobFlags = estimateCommand.flags.filter((f) => !NOT_JOB_FLAGS.has(f.name));
  assert.ok(jobFlags.length >= 15);
  for (const f of jobFlags) {
    const r = mine.get(f.name);
    assert.ok(r, `recommend lacks --${f.name}`);
    assert.deepEqual({ type: r.type, choices: r.choices, min: r.min, max: r.max, help: r.help }, { type: f.type, choices: f.choices, min: f.min, max: f.max, help: f.help }, f.name);
    assert.ok(SAMPLES[f.name], `no sample value for --${f.name} in this test`);
  }
});

test('every job flag reaches the estimate: recommend with all of them equals estimate with the same flags', async () => {
  const jobFlags = estimateCommand.flags.filter((f) => !NOT_JOB_FLAGS.has(f.name));
  const covered = new Set<string>();
  for (const run of RUNS) {
    const flags = jobFlags.filter((f) => !run.without.has(f.name));
    for (const f of flags) covered.add(f.name);
    const argv = flags.flatMap((f) => SAMPLES[f.name].argv);
    const rec = await cli('recommend', 'examples/llama2-7b-sft', ...argv, '--json');
    assert.equal(rec.code, 0, rec.err || rec.out.slice(0, 2000));
    const doc = JSON.parse(rec.out);
    // Echoed as overrides (the GPU memory and count have their own `inputs` fields).
    for (const f of flags) {
      const s = SAMPLES[f.name];
      if (s.key === 'gpuMemoryBytes') assert.equal(doc.inputs.gpuMemoryBytes, s.value);
      else if (s.key === 'gpus') assert.equal(doc.inputs.gpus, s.value);
      else assert.deepEqual(doc.inputs.overrides[s.key], s.key === 'lora' ? run.lora : s.value, f.name);
    }
    const est = await cli('estimate', 'meta-llama/Llama-2-7b-hf', '--optimizer', 'adamw_torch', ...argv, '--json');
    assert.equal(est.code, 0, est.err);
    const estimate = JSON.parse(est.out);
    const adamw = doc.jobs[0].recommendations.find((r: { optimizer: string }) => r.optimizer === 'adamw');
    assert.equal(adamw.peakBytes, estimate.bytes.peak);
    assert.equal(adamw.fits, estimate.fits);
  }
  assert.deepEqual([...covered].sort(), jobFlags.map((f) => f.name).sort(), 'every job flag is in some run');
});

test("without flags the job's own settings are used; a flag changes only what it names", async () => {
  const base = JSON.parse((await cli('recommend', 'examples/llama2-7b-sft', '--gpu-memory', '80GB', '--json')).out);
  const zero = JSON.parse((await cli('recommend', 'examples/llama2-7b-sft', '--gpu-memory', '80GB', '--zero-stage', '3', '--gpus', '8', '--json')).out);
  assert.deepEqual(base.inputs.overrides, {});
  assert.deepEqual(zero.inputs.overrides, { zeroStage: 3 });
  const peak = (doc: { jobs: { recommendations: { optimizer: string; peakBytes: number }[] }[] }) =>
    doc.jobs[0].recommendations.find((r) => r.optimizer === 'adamw')?.peakBytes ?? NaN;
  // ZeRO-3 over 8 GPUs shards weights, gradients and AdamW's states: far less per GPU.
  assert.ok(peak(zero) < peak(base) / 2, `${peak(zero)} vs ${peak(base)}`);
  const bad = await cli('recommend', 'examples/llama2-7b-sft', '--qlora');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--qlora needs --lora-rank/);
});
