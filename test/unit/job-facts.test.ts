/**
 * Provenance (src/core/job-facts.ts): every fact the advice uses carries its source — a file range,
 * the launch script, the model config, a value given by hand, or an assumption naming the default.
 * A fact the model does not have is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { evaluateJob, type FileAccess } from '../../src/core/evaluate';
import { JOB_FACT_NAMES, describeFact, type JobFacts } from '../../src/core/job-facts';
import { scanFiles } from '../../src/core/scan';
import type { ScanFile } from '../../src/core/scan/types';
import { runCli } from '../../src/cli/main';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const GiB = 2 ** 30;

/** GPT-2 small as published (huggingface.co/openai-community/gpt2 config.json). */
const GPT2_CONFIG = JSON.stringify({
  activation_function: 'gelu_new', architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', n_ctx: 1024, n_embd: 768, n_head: 12,
  n_inner: null, n_layer: 12, n_positions: 1024, vocab_size: 50257, tie_word_embeddings: true, layer_norm_epsilon: 1e-5,
});

function evaluate(list: ScanFile[], options: Partial<Parameters<typeof evaluateJob>[2]> = {}): JobFacts {
  const report = scanFiles(list);
  assert.equal(report.jobs.length, 1, JSON.stringify(report.findings));
  const access: FileAccess = { readText: (p) => list.find((f) => f.path === p)?.text ?? '' };
  return evaluateJob(report.jobs[0], access, { gpuMemoryBytes: 24 * GiB, priority: 'quality', ...options }).facts;
}

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { cwd, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

test('a Trainer job: written values cite their file and position, defaults name the default, the rest are assumptions', () => {
  const args = '{\n  "output_dir": "o",\n  "learning_rate": 3e-4,\n  "per_device_train_batch_size": 8,\n  "bf16": true\n}';
  const facts = evaluate([
    { path: 'config.json', text: GPT2_CONFIG },
    { path: 'training_args.json', text: args },
  ]);
  assert.deepEqual(facts.microBatch, { value: 8, source: { kind: 'file', path: 'training_args.json', range: { line: 4, column: 34, endLine: 4, endColumn: 35 } } });
  assert.equal(facts.lr?.value, 3e-4);
  assert.equal(facts.lr?.source.kind, 'file');
  // optim is not written: the Trainer's default, named as such.
  assert.equal(facts.optimizer?.value, 'adamw');
  assert.equal(facts.optimizer?.source.kind, 'assumption');
  assert.match((facts.optimizer?.source as { reason: string }).reason, /TrainingArguments's default optim = "adamw_torch"/);
  // Nothing launches several GPUs or nodes.
  assert.deepEqual(facts.gpus, { value: 1, source: { kind: 'assumption', reason: 'one GPU: nothing launches several' } });
  assert.deepEqual(facts.nodes, { value: 1, source: { kind: 'assumption', reason: 'one node: nothing launches several' } });
  // The sequence length is not written: the estimator's 2048 capped at GPT-2's 1024 positions, said so.
  assert.equal(facts.seqLen?.value, 1024);
  assert.equal(facts.seqLen?.source.kind, 'assumption');
  assert.match((facts.seqLen?.source as { reason: string }).reason, /capped at the model's maximum positions \(1024\)/);
  // A text model has no image size; no LoRA, no rank.
  assert.equal(facts.imageSize, undefined);
  assert.equal(facts.loraRank, undefined);
  assert.deepEqual(facts.adapter?.value, 'none');
  // The parameter count comes from the config it was counted from.
  assert.deepEqual(facts.parameters, { value: 124_439_808, source: { kind: 'model-config', origin: 'workspace', location: 'config.json' } });
});

test('a CNN job has an image size and no sequence length', async () => {
  const r = await cli(ROOT, 'recommend', 'examples/resnet50-imagenet', '--gpu-memory', '24GiB', '--json');
  assert.equal(r.code, 0, r.err);
  const job = JSON.parse(r.out).jobs[0] as { facts: JobFacts };
  assert.equal(job.facts.seqLen, undefined, 'no sequence length for a CNN');
  assert.equal(job.facts.imageSize?.value, 224);
  // The script's BATCH_SIZE = 256 (line 17) is read, not the estimator's default.
  assert.equal(job.facts.microBatch?.value, 256);
  assert.deepEqual(job.facts.microBatch?.source, { kind: 'file', path: 'train.py', range: { line: 17, column: 14, endLine: 17, endColumn: 17 } });
});

test('a launch script\'s values cite the launcher; values given by hand say how', async () => {
  const r = await cli(ROOT, 'recommend', 'test/fixtures/launch/torchtune', '--gpu-memory', '80GB', '--seq-len', '4096', '--json');
  assert.equal(r.code, 0, r.err);
  const facts = (JSON.parse(r.out).jobs[0] as { facts: JobFacts }).facts;
  assert.equal(facts.gpus?.source.kind, 'launcher');
  assert.equal((facts.gpus?.source as { path: string }).path, 'finetune.sh');
  assert.deepEqual(facts.seqLen, { value: 4096, source: { kind: 'given', reason: '--seq-len' } });
  assert.equal(facts.adapter?.value, 'qlora');
  assert.equal(typeof facts.loraRank?.value, 'number');
});

test('every recommend job has every fact the schema requires, and the schema lists exactly JOB_FACT_NAMES', async () => {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'recommend.schema.json'), 'utf8'));
  const factsSchema = schema.properties.jobs.items.properties.facts;
  // One property per fact, no other key (the schema is generated from JOB_FACT_NAMES: src/cli/json/recommend.ts).
  assert.deepEqual(Object.keys(factsSchema.properties), [...JOB_FACT_NAMES]);
  assert.equal(factsSchema.additionalProperties, false);
  const r = await cli(ROOT, 'recommend', 'examples', '--gpu-memory', '24GiB', '--json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as { jobs: { source: string; facts: JobFacts; assumptions: string[] }[] };
  const ajv = new Ajv({ allErrors: true, strict: false });
  const check = ajv.compile(schema);
  assert.ok(check(JSON.parse(r.out)), ajv.errorsText(check.errors));
  for (const job of doc.jobs) {
    for (const name of JOB_FACT_NAMES) {
      const fact = job.facts[name];
      if (fact === undefined) continue;
      assert.ok(describeFact(name, fact).length > 0);
      // Every assumed fact is also in the job's assumptions.
      if (fact.source.kind === 'assumption') {
        const reason = fact.source.reason;
        assert.ok(job.assumptions.some((a) => a.includes(reason)), `${job.source}: ${name} (${reason}) is listed as an assumption`);
      }
    }
    assert.ok((job.facts.seqLen === undefined) !== (job.facts.imageSize === undefined) || (job.facts.seqLen !== undefined && job.facts.imageSize !== undefined), `${job.source}: sequence length or image size`);
  }
});

test('"no training jobs found" names what was found and why it formed no job', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-nojob-'));
  try {
    fs.writeFileSync(path.join(dir, 'ds_config.json'), JSON.stringify({ zero_optimization: { stage: 2 }, train_micro_batch_size_per_gpu: 4 }));
    const json = await cli(dir, 'recommend', '.', '--json');
    const doc = JSON.parse(json.out) as { jobs: unknown[]; unused: { path: string; kind: string; why: string }[] };
    assert.equal(doc.jobs.length, 0);
    assert.equal(doc.unused.length, 1);
    assert.equal(doc.unused[0].path, 'ds_config.json');
    assert.match(doc.unused[0].why, /forms a job only with a training config/);
    const text = await cli(dir, 'recommend', '.');
    assert.match(text.out, /No training jobs found\.\n {2}Found, but formed no job:\n {2}- ds_config\.json: a supporting deepspeed/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the sidebar lists the same facts with their sources', async () => {
  const { factViews } = await import('../../src/extension/sidebar/evaluate');
  const facts = evaluate([
    { path: 'config.json', text: GPT2_CONFIG },
    { path: 'training_args.json', text: '{"output_dir": "o", "per_device_train_batch_size": 8}' },
  ]);
  const views = factViews(facts);
  assert.deepEqual(views.map((v) => v.name), JOB_FACT_NAMES.filter((n) => facts[n] !== undefined));
  const micro = views.find((v) => v.name === 'microBatch');
  assert.deepEqual(micro, { name: 'microBatch', label: 'micro-batch', value: '8', source: 'training_args.json:1:52', assumed: false });
  assert.equal(views.find((v) => v.name === 'gpus')?.source, 'assumed: one GPU: nothing launches several');
  assert.deepEqual(factViews(null), []);
});

test('a torch.optim class built in a script without weight_decay: the class\'s own default, cited; an Accelerator with no mode: "no" (fp32), cited', () => {
  const script = (accelerator: string, optimizer: string) => [
    'import argparse',
    'import torch',
    'from accelerate import Accelerator',
    'from transformers import AutoModelForCausalLM',
    '',
    'def main():',
    '    parser = argparse.ArgumentParser()',
    '    parser.add_argument("--mixed_precision", type=str, default=None)',
    '    args = parser.parse_args()',
    `    accelerator = ${accelerator}`,
    '    model = AutoModelForCausalLM.from_pretrained("gpt2")',
    `    optimizer = ${optimizer}`,
    '',
  ].join('\n');
  const open = evaluate([{ path: 'train.py', text: script('Accelerator(mixed_precision=args.mixed_precision)', 'torch.optim.AdamW(model.parameters(), lr=3e-4)') }]);
  // torch.optim.AdamW(weight_decay=1e-2) by default: not HF TrainingArguments' 0
  assert.equal(open.weightDecay?.value, 0.01);
  assert.equal(open.weightDecay?.source.kind, 'assumption');
  assert.match((open.weightDecay?.source as { reason: string }).reason, /torch\.optim\.AdamW's default weight_decay = 0\.01/);
  // AcceleratorState: mixed_precision None -> ACCELERATE_MIXED_PRECISION, else "no"
  assert.equal(open.precision?.value, 'fp32');
  assert.equal(open.precision?.source.kind, 'assumption');
  assert.match((open.precision?.source as { reason: string }).reason, /accelerate AcceleratorState's default mixed_precision.*"no" \(fp32\) unless accelerate launch/);

  const stated = evaluate([{ path: 'train.py', text: script('Accelerator(mixed_precision="bf16")', 'torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)') }]);
  assert.equal(stated.precision?.value, 'bf16-mixed');
  assert.equal(stated.precision?.source.kind, 'file');
  // torch.optim.SGD's default weight_decay is 0
  assert.equal(stated.weightDecay?.value, 0);
  assert.match((stated.weightDecay?.source as { reason: string }).reason, /torch\.optim\.SGD's default weight_decay = 0/);

  const written = evaluate([{ path: 'train.py', text: script('Accelerator()', 'torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1)') }]);
  assert.equal(written.weightDecay?.value, 0.1);
  assert.equal(written.weightDecay?.source.kind, 'file');
  assert.equal(written.precision?.value, 'fp32');
  assert.match((written.precision?.source as { reason: string }).reason, /Accelerator\(mixed_precision=None\)/);
});

test('a Trainer job that leaves weight_decay out keeps TrainingArguments\' own default, not torch\'s', () => {
  const facts = evaluate([
    { path: 'config.json', text: GPT2_CONFIG },
    { path: 'training_args.json', text: '{\n  "output_dir": "o",\n  "optim": "adamw_torch"\n}' },
  ]);
  assert.notEqual(facts.weightDecay?.value, 0.01);
  assert.doesNotMatch(JSON.stringify(facts.weightDecay?.source), /torch\.optim\.AdamW's default/);
});
