/**
 * Real projects read statically (README: What the scanner reads): fixtures in test/fixtures/realproj restate a public
 * project's structure and values (SOURCE line in each), and the scanner reads what the project's
 * own code would use, with every value's provenance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JobFacts } from '../../src/core/job-facts';
import { runCli } from '../../src/cli/main';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = 'test/fixtures/realproj';

interface JobDoc {
  notModelled: string[];
  source: string;
  status: string;
  facts: JobFacts;
  assumptions: string[];
  recommendations: { optimizer: string; own?: string[]; hyperparameters: { lr: number | null; weightDecay: number } }[];
}

async function recommend(folder: string, ...flags: string[]): Promise<JobDoc[]> {
  let out = '';
  let err = '';
  await runCli(['recommend', `${FIXTURES}/${folder}`, '--gpu-memory', '24GiB', '--json', ...flags], { cwd: ROOT, out: (t) => (out += t), err: (t) => (err += t) });
  assert.ok(out.length > 0, err);
  return (JSON.parse(out) as { jobs: JobDoc[] }).jobs;
}

function fileSource(fact: JobFacts[keyof JobFacts]): { path: string; line: number } {
  assert.ok(fact !== undefined);
  const s = fact.source;
  assert.ok(s.kind === 'file' || s.kind === 'launcher', `read from a file, not ${JSON.stringify(s)}`);
  return { path: s.path, line: s.range.line };
}

test('timm train.py: argparse defaults through _parse_args(), optimizer_kwargs(cfg=args), --amp off, the lr from --lr-base', async () => {
  const [job] = await recommend('timm');
  assert.equal(job.status, 'ok');
  const f = job.facts;
  assert.equal(f.model?.value, 'timm/resnet50');
  assert.deepEqual(fileSource(f.model), { path: 'train.py', line: 17 });
  // -b/--batch-size default=128, read through create_loader(batch_size=args.batch_size).
  assert.equal(f.microBatch?.value, 128);
  assert.deepEqual(fileSource(f.microBatch), { path: 'train.py', line: 19 });
  // --amp is store_true: off by default, so autocast(enabled=args.amp) does nothing: fp32.
  assert.equal(f.precision?.value, 'fp32');
  // --opt default 'sgd' (timm's sgd is Nesterov momentum), --weight-decay 2e-5.
  assert.equal(f.optimizer?.value, 'nesterov');
  assert.equal(f.weightDecay?.value, 2e-5);
  // --lr default None: train.py computes lr_base 0.1 x 128/256 = 0.05 (linear scaling for SGD), said so.
  assert.equal(f.lr?.value, 0.05);
  assert.ok(job.assumptions.some((a) => /learning rate 0\.05 computed as timm train\.py/.test(a) && /one GPU/.test(a)));
  // A CNN: an image size, no sequence length.
  assert.equal(f.seqLen, undefined);
  assert.equal(f.imageSize?.value, 224);
  // The job keeps its own optimizer and hyperparameters.
  const mine = job.recommendations.find((r) => r.own !== undefined);
  assert.equal(mine?.optimizer, 'nesterov');
  assert.equal(mine?.hyperparameters.lr, 0.05);
  assert.equal(mine?.hyperparameters.weightDecay, 2e-5);
});

test('LLaMA-Factory QLoRA (quantization_bit: 4, finetuning_type: lora, lora_target: all, cutoff_len)', async () => {
  const [job] = await recommend('llamafactory-qlora');
  const f = job.facts;
  assert.equal(f.adapter?.value, 'qlora');
  assert.deepEqual(fileSource(f.adapter), { path: 'llama3_lora_sft_otfq.yaml', line: 4 }, 'QLoRA because of quantization_bit: 4');
  assert.equal(f.loraRank?.value, 8);
  assert.deepEqual(fileSource(f.loraRank), { path: 'llama3_lora_sft_otfq.yaml', line: 9 });
  assert.equal(f.seqLen?.value, 2048);
  assert.deepEqual(fileSource(f.seqLen), { path: 'llama3_lora_sft_otfq.yaml', line: 12 }, 'cutoff_len');
  assert.equal(f.microBatch?.value, 1);
  assert.equal(f.gradAccum?.value, 8);
  assert.equal(f.lr?.value, 1e-4);
  assert.deepEqual(f.warmup?.value, { unit: 'ratio', value: 0.1 });
  assert.equal(f.precision?.value, 'bf16-mixed');
  assert.deepEqual(job.notModelled, []);
});

test('LLaMA-Factory DPO: LoRA by default, its default rank named, the reference model set (none in memory under LoRA)', async () => {
  const [job] = await recommend('llamafactory-dpo');
  const f = job.facts;
  assert.equal(f.adapter?.value, 'lora');
  assert.deepEqual(f.loraRank, { value: 8, source: { kind: 'assumption', reason: "not written: LLaMA-Factory FinetuningArguments's default lora_rank = 8" } });
  // stage: dpo sets the estimator's reference model, which under LoRA is the base with its adapters disabled.
  assert.deepEqual(job.notModelled, []);
  const { scanFiles } = await import('../../src/core/scan');
  const text = fs.readFileSync(path.join(ROOT, FIXTURES, 'llamafactory-dpo', 'llama3_lora_dpo.yaml'), 'utf8');
  const scanned = scanFiles([{ path: 'llama3_lora_dpo.yaml', text }]);
  assert.equal(scanned.jobs[0].settings.referenceModel, true);
  assert.equal(scanned.jobs[0].sources['referenceModel']?.range.line, 5);
  // The job keeps AdamW at its own lr 5e-6; the LoRA recipe's 2e-4 is a suggestion beside it.
  const mine = job.recommendations.find((r) => r.own !== undefined) as JobDoc['recommendations'][number] & { suggestions: { field: string; suggested: unknown }[] };
  assert.equal(mine.hyperparameters.lr, 5e-6);
  assert.ok(mine.suggestions.some((s) => s.field === 'lr'));
});

test('torchtune: max_seq_len null is an assumption that says so; compile (beyond the loss) and packed are "not modelled" notes, the modelled recipe features are not', async () => {
  const [job] = await recommend('torchtune-full');
  const seq = job.facts.seqLen;
  assert.equal(seq?.source.kind, 'assumption');
  assert.match((seq?.source as { reason: string }).reason, /^tokenizer\.max_seq_len is null \(torchtune does not truncate/);
  assert.ok(job.assumptions.some((a) => a.includes('tokenizer.max_seq_len is null')), 'listed among the assumptions');
  const keys = job.notModelled.map((n) => n.replace(/^[^:]+:\d+: /, '').split(':')[0]);
  assert.deepEqual(keys.sort(), ['compile', 'dataset.packed']);
  assert.equal(job.facts.optimizer?.value, 'paged-adamw-8bit');
  assert.equal(job.facts.lr?.value, 2e-5);
  assert.equal(job.facts.microBatch?.value, 2);
});

test('axolotl lora-8b: load_in_8bit and lora_modules_to_save reach the estimate; sample_packing and attn_implementation are "not modelled" notes', async () => {
  const [job] = await recommend('axolotl-lora8bit');
  const keys = job.notModelled.map((n) => n.replace(/^[^:]+:\d+: /, '').split(':')[0]);
  assert.deepEqual(keys.sort(), ['attn_implementation', 'sample_packing']);
  const { scanFiles } = await import('../../src/core/scan');
  const text = fs.readFileSync(path.join(ROOT, FIXTURES, 'axolotl-lora8bit', 'lora-8b.yml'), 'utf8');
  const lora = scanFiles([{ path: 'lora-8b.yml', text }]).jobs[0].settings.lora;
  assert.equal(lora?.int8, true);
  assert.deepEqual(lora?.modulesToSave, ['embed_tokens', 'lm_head']);
  assert.equal(job.facts.loraRank?.value, 32);
  assert.equal(job.facts.optimizer?.value, 'adamw-8bit');
  assert.equal(job.facts.seqLen?.value, 4096);
  // The parameter count is the model's own (no adapters): Meta-Llama-3-8B's 8,030,261,248, from a preset standing in for the NousResearch copy.
  assert.equal(job.facts.parameters?.value, 8_030_261_248);
  assert.equal(job.facts.parameters?.source.kind, 'assumption');
});

test('a schedule object as the learning rate is read as a schedule (peak, warmup, decay steps), never rejecting the file', async () => {
  const { scanFiles } = await import('../../src/core/scan');
  const optax = [
    'import optax',
    'from transformers import FlaxAutoModelForCausalLM',
    'model = FlaxAutoModelForCausalLM.from_pretrained("gpt2")',
    'lr_schedule = optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=6e-4, warmup_steps=2000, decay_steps=100000, end_value=6e-5)',
    'tx = optax.adamw(learning_rate=lr_schedule, b1=0.9, b2=0.95, weight_decay=0.1)',
  ].join('\n');
  const a = scanFiles([{ path: 'train.py', text: optax }]);
  assert.equal(a.findings[0].error, undefined);
  const s = a.jobs[0].settings;
  assert.equal(s.learningRate, 6e-4);
  assert.equal(s.warmupSteps, 2000);
  assert.equal(s.maxSteps, 100000);
  assert.equal(s.scheduler, 'cosine');
  assert.equal(a.jobs[0].sources['learningRate'].range.line, 4, 'the peak_value as written');

  const keras = [
    'import keras',
    'schedule = keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.0, decay_steps=10000, warmup_target=1e-3, warmup_steps=500)',
    'model = keras.applications.ResNet50(weights=None)',
    'model.compile(optimizer=keras.optimizers.AdamW(learning_rate=schedule, weight_decay=0.05), loss="sparse_categorical_crossentropy")',
  ].join('\n');
  const b = scanFiles([{ path: 'train.py', text: keras }]);
  assert.equal(b.findings[0].error, undefined);
  assert.equal(b.jobs[0].settings.learningRate, 1e-3, 'warmup_target is the peak');
  assert.equal(b.jobs[0].settings.warmupSteps, 500);

  // A schedule this reader does not know (a custom class) is a note, not an error.
  const custom = [
    'import torch',
    'class MySchedule:',
    '    pass',
    'model = torch.nn.Linear(4, 4)',
    'opt = torch.optim.AdamW(model.parameters(), lr=MySchedule(), weight_decay=0.01)',
  ].join('\n');
  const c = scanFiles([{ path: 'train.py', text: custom }]);
  assert.equal(c.findings[0].error, undefined);
  assert.equal(c.jobs[0].settings.learningRate, undefined);
  assert.equal(c.jobs[0].settings.weightDecay, 0.01);
  assert.ok((c.jobs[0].assumptions ?? []).some((n) => /the learning rate is a schedule \('MySchedule'\)/.test(n)));
});

test('transformers run_clm.py: HfArgumentParser dataclasses, TrainingArguments defaults, the launch command\'s flags', async () => {
  const [job] = await recommend('hf-run-clm');
  assert.equal(job.status, 'ok');
  const f = job.facts;
  assert.equal(f.model?.value, 'openai-community/gpt2');
  assert.equal(f.model?.source.kind, 'launcher');
  assert.equal(f.microBatch?.value, 8);
  assert.deepEqual(fileSource(f.microBatch), { path: 'train.sh', line: 8 });
  // TrainingArguments parsed from the command line: its dataclass defaults, each named.
  assert.equal(f.optimizer?.value, 'adamw');
  assert.match((f.lr?.source as { reason: string }).reason, /TrainingArguments's default learning_rate = 0\.00005/);
  assert.equal(f.precision?.value, 'fp32');
});

test('dataclass field defaults are read through HfArgumentParser(...).parse_args_into_dataclasses()', async () => {
  const { scanFiles } = await import('../../src/core/scan');
  const text = [
    'from dataclasses import dataclass, field',
    'from transformers import AutoModelForCausalLM, HfArgumentParser, TrainingArguments',
    '@dataclass',
    'class ModelArguments:',
    '    model_name_or_path: str = field(default="gpt2", metadata={"help": "model"})',
    'parser = HfArgumentParser((ModelArguments, TrainingArguments))',
    'model_args, training_args = parser.parse_args_into_dataclasses()',
    'model = AutoModelForCausalLM.from_pretrained(model_args.model_name_or_path)',
  ].join('\n');
  const report = scanFiles([{ path: 'train.py', text }]);
  assert.equal(report.jobs.length, 1);
  const job = report.jobs[0];
  assert.deepEqual(job.model && job.model.kind === 'hub-id' ? [job.model.id, job.model.range.line] : null, ['gpt2', 5]);
  assert.equal(job.settings.perDeviceBatchSize, 8, "TrainingArguments' default, since the command line is not known");
  assert.ok(job.defaults.some((d) => d.setting === 'perDeviceBatchSize' && d.key === 'per_device_train_batch_size'));
});

test('Lightning imagenet example: __init__ defaults reach configure_optimizers, the loader and the model through self', async () => {
  const [job] = await recommend('lightning-imagenet');
  assert.equal(job.status, 'ok');
  const f = job.facts;
  assert.equal(f.model?.value, 'torchvision/resnet18');
  assert.deepEqual(fileSource(f.model), { path: 'imagenet.py', line: 22 }, 'arch: str = "resnet18"');
  assert.equal(f.lr?.value, 0.1);
  assert.deepEqual(fileSource(f.lr), { path: 'imagenet.py', line: 24 });
  assert.equal(f.weightDecay?.value, 1e-4);
  assert.equal(f.microBatch?.value, 256);
  assert.equal(f.optimizer?.value, 'sgd-momentum');
  assert.equal(f.seqLen, undefined, 'a CNN has no sequence length');
  const mine = job.recommendations.find((r) => r.own !== undefined);
  assert.equal(mine?.hyperparameters.lr, 0.1);
  // LightningCLI(trainer_defaults={"devices": 1, ...}) and no precision: the Trainer's "32-true", named.
  assert.deepEqual(fileSource(f.gpus), { path: 'imagenet.py', line: 49 });
  assert.equal(f.precision?.value, 'fp32');
  assert.match((f.precision?.source as { reason: string }).reason, /Lightning Trainer, precision's default precision = "fp32" \(Trainer\(precision="32-true"\) by default\)/);
});
