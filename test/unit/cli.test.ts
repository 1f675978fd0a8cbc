/**
 * The CLI contract (README: The CLI; other tools and tests rely on it): commands, flags, JSON documents that
 * validate against the schemas in schemas/, exit codes, and one-line errors with nothing on stdout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { runCli } from '../../src/cli/main';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const EXAMPLES = path.join(ROOT, 'examples');

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { cwd: ROOT, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** Runs the built binary, as users and other tools do. */
function bin(args: string[], cwd = ROOT): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const ajv = new Ajv({ allErrors: true, strict: false });
function validate(schemaFile: string, doc: unknown): void {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', schemaFile), 'utf8')) as { $id?: string };
  // A schema is compiled once per file (ajv keys schemas by $id); later documents reuse it.
  const check = (schema.$id !== undefined ? ajv.getSchema(schema.$id) : undefined) ?? ajv.compile(schema);
  const ok = check(doc);
  assert.ok(ok, `${schemaFile}: ${ajv.errorsText(check.errors)}`);
}

test('params --json counts gpt2 exactly and validates against its schema', async () => {
  const r = await cli('params', 'gpt2', '--json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as { total: number; trainable: number; tensors: { numel: number; tiedTo?: string }[] };
  validate('params.schema.json', doc);
  assert.equal(doc.total, 124_439_808);
  // The total is the sum over untied tensors of the listed tensors: the list and the total agree.
  assert.equal(doc.tensors.filter((t) => t.tiedTo === undefined).reduce((s, t) => s + t.numel, 0), doc.total);
});

test('params reads a config.json from a folder and from a file path', async () => {
  const a = await cli('params', 'examples/bert-sst2/model', '--json');
  const b = await cli('params', 'examples/bert-sst2/model/config.json', '--json');
  assert.equal(a.code, 0, a.err);
  assert.equal(b.code, 0, b.err);
  // BertModel 109,482,240 + pooler is included there; the classifier adds 768*2 + 2.
  assert.equal((JSON.parse(a.out) as { total: number }).total, 109_482_240 + 768 * 2 + 2);
  assert.equal(JSON.parse(a.out).total, JSON.parse(b.out).total);
});

test('estimate --json echoes every resolved input and validates against its schema', async () => {
  const r = await cli('estimate', 'meta-llama/Llama-2-7b-hf', '--optimizer', 'adamw_torch', '--batch-size=2', '--seq-len', '1024', '--gpu-memory', '80GB', '--json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  validate('estimate.schema.json', doc);
  assert.equal(doc.inputs.optimizer.id, 'adamw');
  assert.equal(doc.inputs.batchSize, 2);
  assert.equal(doc.inputs.seqLen, 1024);
  assert.equal(doc.inputs.gpuMemoryBytes, 80e9);
  assert.equal(doc.inputs.gradAccum, 1, 'defaults are echoed');
  // AdamW under bf16 AMP keeps two fp32 moments per parameter: 8 bytes x 6,738,415,616.
  assert.equal(doc.bytes.optimizerState, 8 * 6_738_415_616);
  assert.equal(doc.fits, doc.bytes.peak <= 80e9);
});

test('estimate --load-dtype: the base dtype and the weights by dtype in JSON (schema-valid) and in the table', async () => {
  const args = ['estimate', 'meta-llama/Llama-2-7b-hf', '--optimizer', 'adamw', '--seq-len', '256', '--lora-rank', '16', '--lora-targets', 'q_proj,v_proj'];
  const loaded = await cli(...args, '--load-dtype', 'bf16', '--json');
  assert.equal(loaded.code, 0, loaded.err);
  const doc = JSON.parse(loaded.out);
  validate('estimate.schema.json', doc);
  assert.equal(doc.inputs.loadDtype, 'bf16');
  assert.deepEqual(doc.baseDtype, { dtype: 'bf16', source: 'load', reason: 'the model is loaded in bf16' });
  // 6,738,415,616 base parameters x 2 B; LoRA r16 on q_proj, v_proj: 32 x 2 x 16 x (4096 + 4096)
  // = 8,388,608 adapter parameters x 4 B (PEFT keeps them in fp32)
  assert.deepEqual(doc.weightStorage.map((g: { part: string; dtype: string; bytes: number }) => [g.part, g.dtype, g.bytes]), [
    ['base', 'bf16', 6_738_415_616 * 2],
    ['adapter', 'fp32', 8_388_608 * 4],
  ]);
  assert.equal(doc.bytes.weights, 6_738_415_616 * 2 + 8_388_608 * 4);

  const unknown = JSON.parse((await cli(...args, '--json')).out);
  validate('estimate.schema.json', unknown);
  assert.equal(unknown.inputs.loadDtype, null);
  assert.equal(unknown.baseDtype.source, 'assumed');
  assert.equal(unknown.bytes.weights, 6_738_415_616 * 4 + 8_388_608 * 4);

  const text = await cli(...args, '--load-dtype', 'auto');
  assert.equal(text.code, 0, text.err);
  // Llama-2's config.json says float16
  assert.match(text.out, /base weights in fp16;/);
  assert.match(text.out, /base \(frozen\), fp16, 291 tensors/);

  const q = JSON.parse((await cli(...args, '--qlora', '--bnb-4bit-compute-dtype', 'bf16', '--json')).out);
  validate('estimate.schema.json', q);
  assert.equal(q.inputs.lora.computeDtype, 'bf16');
  const noQ = await cli(...args, '--bnb-4bit-compute-dtype', 'bf16');
  assert.deepEqual([noQ.code, noQ.out], [2, '']);
  assert.match(noQ.err, /--bnb-4bit-compute-dtype needs --qlora/);
  const bad = await cli(...args, '--load-dtype', 'int8');
  assert.equal(bad.code, 2);
});

test('estimate: recipe flags (optimizer in backward, chunked loss, offload) in JSON and table; paged state apart with its verdict', async () => {
  const args = ['estimate', 'meta-llama/Llama-3.1-8B', '--optimizer', 'bitsandbytes.optim.PagedAdamW8bit', '--precision', 'bf16', '--load-dtype', 'bf16',
    '--batch-size', '2', '--seq-len', '2048', '--gradient-checkpointing', '--optimizer-in-backward', '--loss', 'chunked', '--gpu-memory', '24GiB'];
  const j = await cli(...args, '--json');
  assert.equal(j.code, 0, j.err);
  const doc = JSON.parse(j.out);
  validate('estimate.schema.json', doc);
  assert.deepEqual([doc.inputs.optimizerInBackward, doc.inputs.loss, doc.inputs.activationOffload], [true, { kind: 'chunked', chunks: 8, compiled: true }, false]);
  assert.equal(doc.verdict, 'fits-with-paging');
  assert.equal(doc.fits, true);
  assert.equal(doc.bytes.peak, doc.bytes.peakReserved + doc.bytes.cudaContext);
  assert.ok(doc.bytes.pagedOptimizerState > doc.bytes.optimizerState);
  const t = await cli(...args);
  assert.match(t.out, /paged optimizer state \(unified memory, not in the peak\)/);
  assert.match(t.out, /CUDA context \(assumed\)/);
  assert.match(t.out, /cuBLAS workspaces \(assumed\)/);
  assert.match(t.out, /fits with paging in 24\.0 GiB per GPU/);
  const k = await cli('estimate', 'meta-llama/Llama-3.2-1B', '--optimizer', 'adamw_torch', '--lora-rank', '8', '--load-in-8bit', '--prepare-kbit',
    '--modules-to-save', 'embed_tokens', '--reference-model', '--seq-len', '256', '--json');
  assert.equal(k.code, 0, k.err);
  const kd = JSON.parse(k.out);
  validate('estimate.schema.json', kd);
  assert.deepEqual([kd.inputs.lora.int8, kd.inputs.lora.prepareKbit, kd.inputs.lora.modulesToSave, kd.inputs.referenceModel], [true, true, ['embed_tokens'], true]);
  assert.ok(kd.weightStorage.some((g: { part: string; dtype: string }) => g.part === 'base' && g.dtype === 'int8'));
  assert.ok(kd.weightStorage.some((g: { part: string }) => g.part === 'modules-to-save'));
  const needsRank = await cli('estimate', 'gpt2', '--optimizer', 'adamw', '--load-in-8bit');
  assert.equal(needsRank.code, 2);
  assert.match(needsRank.err, /--load-in-8bit needs --lora-rank/);
  const bad = await cli('estimate', 'gpt2', '--optimizer', 'adamw', '--loss-chunks', '4');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--loss-chunks needs --loss chunked/);
});

test('estimate: the library-version and QLoRA-layout flags reach the estimate, and need the flags they refine', async () => {
  const args = ['estimate', 'meta-llama/Llama-2-7b-hf', '--optimizer', 'PagedAdamW', '--precision', 'bf16', '--seq-len', '1304', '--lora-rank', '8', '--lora-targets', 'q_proj,v_proj', '--qlora', '--bnb-4bit-compute-dtype', 'bf16'];
  const plain = JSON.parse((await cli(...args, '--loss', 'chunked', '--loss-logits-held', '--json')).out);
  const legacy = await cli(...args, '--loss', 'chunked', '--loss-logits-held', '--bnb-4bit-saves-inputs', '--bnb-4bit-quantise-head', '--bnb-4bit-quantised-from', 'fp16', '--bnb-4bit-double-quant', 'false', '--softmax-saves-input', '--json');
  assert.equal(legacy.code, 0, legacy.err);
  const doc = JSON.parse(legacy.out);
  validate('estimate.schema.json', doc);
  assert.deepEqual(
    [doc.inputs.lora.savesQuantisedInputs, doc.inputs.lora.quantiseHead, doc.inputs.lora.quantisedFrom, doc.inputs.lora.doubleQuant, doc.inputs.loss.logitsHeld, doc.inputs.softmaxSavesInput],
    [true, true, 'fp16', false, true, true],
  );
  assert.equal(plain.inputs.softmaxSavesInput, false);
  // Kept 4-bit matmul inputs: (3 x 4096 + 11008) bf16 values per token per layer, 1304 tokens, 32 layers, at least.
  assert.ok(doc.bytes.activations - plain.bytes.activations >= 2 * (3 * 4096 + 11008) * 1304 * 32);
  const noQ = await cli('estimate', 'meta-llama/Llama-2-7b-hf', '--optimizer', 'adamw', '--lora-rank', '8', '--bnb-4bit-saves-inputs');
  assert.deepEqual([noQ.code, noQ.out], [2, '']);
  assert.match(noQ.err, /--bnb-4bit-saves-inputs needs --qlora/);
  const noChunk = await cli('estimate', 'meta-llama/Llama-2-7b-hf', '--optimizer', 'adamw', '--loss-logits-held');
  assert.match(noChunk.err, /--loss-logits-held needs --loss chunked/);
});

test('estimate: sizes take GiB (2^30), GB (1e9) and plain bytes', async () => {
  const gib = JSON.parse((await cli('estimate', 'gpt2', '--optimizer', 'sgd', '--gpu-memory', '24GiB', '--json')).out);
  const gb = JSON.parse((await cli('estimate', 'gpt2', '--optimizer', 'sgd', '--gpu-memory=24GB', '--json')).out);
  const bytes = JSON.parse((await cli('estimate', 'gpt2', '--optimizer', 'sgd', '--gpu-memory', '1000', '--json')).out);
  assert.equal(gib.inputs.gpuMemoryBytes, 24 * 2 ** 30);
  assert.equal(gb.inputs.gpuMemoryBytes, 24e9);
  assert.equal(bytes.inputs.gpuMemoryBytes, 1000);
  assert.equal(bytes.fits, false);
});

test('estimate: ZeRO-3 over 8 GPUs divides model states, exactly per the chosen accounting', async () => {
  const one = JSON.parse((await cli('estimate', 'gpt2', '--optimizer', 'adamw', '--json')).out);
  const z3 = JSON.parse((await cli('estimate', 'gpt2', '--optimizer', 'adamw', '--zero-stage', '3', '--gpus', '8', '--json')).out);
  assert.ok(z3.bytes.optimizerState < one.bytes.optimizerState / 7, 'optimizer state is sharded 8 ways');
  assert.equal(z3.inputs.zeroStage, 3);
  assert.equal(z3.inputs.gpus, 8);
});

test('optimizer spellings from every ecosystem resolve to their ids', async () => {
  const cases: [string, string][] = [
    ['adamw_torch_fused', 'adamw'],
    ['paged_adamw_8bit', 'paged-adamw-8bit'],
    ['adamw_bnb_8bit', 'adamw-8bit'],
    ['torch.optim.SGD', 'sgd'],
    ['optax.lion', 'lion'],
    ['adafactor', 'adafactor'],
  ];
  for (const [spelling, id] of cases) {
    const r = await cli('estimate', 'gpt2', '--optimizer', spelling, '--json');
    assert.equal(r.code, 0, `${spelling}: ${r.err}`);
    assert.equal(JSON.parse(r.out).inputs.optimizer.id, id, spelling);
  }
});

test('scan --json finds the examples with 1-based ranges and joins jobs by reference', async () => {
  const r = await cli('scan', 'examples', '--json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  validate('scan.schema.json', doc);
  const paths = doc.findings.map((f: { path: string }) => f.path);
  assert.ok(paths.includes('bert-sst2/model/config.json'));
  assert.ok(paths.includes('bert-sst2/training_args.json'));
  const bert = doc.jobs.find((j: { files: string[] }) => j.files.includes('bert-sst2/training_args.json'));
  assert.ok(bert, 'the BERT job exists');
  assert.ok(bert.files.includes('bert-sst2/model/config.json'), 'joined through model_name_or_path ./model');
  const args = doc.findings.find((f: { path: string }) => f.path === 'llama2-7b-sft/training_args.json');
  const optim = args.fields.find((f: { name: string }) => f.name === 'optim');
  // "optim" is on line 5 of that file, its value starts after `  "optim": `.
  const line5 = fs.readFileSync(path.join(EXAMPLES, 'llama2-7b-sft/training_args.json'), 'utf8').split('\n')[4]!;
  assert.equal(optim.range.line, 5);
  assert.equal(optim.value, 'adamw_torch');
  assert.ok(optim.range.column >= 1 && optim.range.column <= line5.length);
});

test('recommend --json over the examples validates, ranks from 1 and computes strategies when nothing fits', async () => {
  const r = await cli('recommend', 'examples', '--gpu-memory', '24GiB', '--json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  validate('recommend.schema.json', doc);
  // examples/: one job per folder (README table), every one evaluated
  assert.equal(doc.jobs.length, 8);
  for (const job of doc.jobs) {
    assert.deepEqual(job.recommendations.map((x: { rank: number }) => x.rank), job.recommendations.map((_: unknown, i: number) => i + 1));
    for (const rec of job.recommendations) assert.ok(rec.reasons.length > 0, `${rec.optimizer} has reasons`);
  }
  // every job says which dtype its base weights are in: the torchtune recipe's `dtype: bf16` is
  // stated, the Trainer-arguments example states none (assumed fp32 under bf16 AMP)
  const bySource = new Map(doc.jobs.map((j: { source: string; baseDtype: unknown }) => [j.source, j.baseDtype]));
  assert.deepEqual((bySource.get('llama3.2-3b-lora-torchtune/3B_lora_single_device.yaml') as { dtype: string; source: string }).dtype, 'bf16');
  assert.equal((bySource.get('llama2-7b-sft/training_args.json') as { source: string }).source, 'assumed');
  const llama = doc.jobs.find((j: { model: { source: { kind: string; location: string } } }) => j.model.source.location === 'meta-llama/Llama-2-7b-hf');
  assert.equal(llama.model.source.kind, 'preset');
  assert.ok(llama.assumptions.some((a: string) => a.startsWith('Base weights in fp32')), llama.assumptions.join('\n'));
  // GPT-2 from scratch is built from its config (fp32 parameters), not loaded: no load-dtype assumption to state
  const scratch = doc.jobs.find((j: { source: string }) => j.source === 'gpt2-from-scratch/training_args.json');
  assert.ok(!scratch.assumptions.some((a: string) => a.startsWith('Base weights in')), scratch.assumptions.join('\n'));
  assert.equal(llama.recommendations.find((x: { optimizer: string }) => x.optimizer === 'adamw').fits, false);
  assert.ok(llama.strategies.length > 0);
  for (const s of llama.strategies) assert.ok(s.savingBytes > 0, `${s.id} saves memory`);
  // The plan (what the sidebar shows as "To make it fit"): strategies applied one after another, each
  // lowering the peak, starting from the strategy base; its peak is the last step's, checked against 24 GiB.
  const plan = llama.strategyPlan;
  assert.ok(plan && plan.steps.length > 0, 'a plan for a job that does not fit');
  const peaks: number[] = plan.steps.map((s: { peakBytes: number }) => s.peakBytes);
  [llama.strategyBase.peakBytes, ...peaks].reduce((before: number, after: number) => (assert.ok(after < before, `${after} < ${before}`), after));
  assert.equal(plan.peakBytes, peaks[peaks.length - 1]);
  assert.equal(plan.fits, plan.peakBytes <= 24 * 2 ** 30);
  for (const s of plan.steps) assert.ok(llama.strategies.some((x: { id: string }) => x.id === s.id), `${s.id} is one of the strategies`);
});

test('recommend --json: when nothing fits, the change to paste carries the plan that makes its optimizer fit', async () => {
  const r = await cli('recommend', 'examples/llama2-7b-sft', '--gpu-memory', '24GiB', '--load-dtype', 'bf16', '--json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  validate('recommend.schema.json', doc);
  type Step = { id: string; text: string; settings?: Record<string, unknown>; optimizer?: string };
  type Rec = { optimizer: string; fits: boolean; fitPlan?: { steps: Step[] }; change?: { format: string; code: string }[] };
  const recs: Rec[] = doc.jobs[0].recommendations;
  const galore = recs.find((x) => x.optimizer === 'galore-adamw');
  assert.ok(galore?.change && galore.fitPlan, 'GaLore is pasted, with a plan');
  const step = galore.fitPlan.steps.find((x) => x.id === 'galore');
  assert.ok(step?.settings, 'the GaLore step states its settings');
  // The step's text and its settings say the same (the spelling and the micro-batch the text names).
  assert.ok(step.text.includes(`optim="${String(step.settings['optim'])}"`), step.text);
  assert.ok(step.text.includes(`per_device_train_batch_size=${String(step.settings['per_device_train_batch_size'])}`), step.text);
  // The job is an HF arguments file: the TrainingArguments paste comes first and holds every setting of the plan.
  const paste = galore.change[0]!;
  assert.equal(paste.format, 'hf-trainer');
  const py = (v: unknown): string => (v === true ? 'True' : v === false ? 'False' : typeof v === 'number' ? String(v) : JSON.stringify(v).replace(/","/g, '", "'));
  for (const s of galore.fitPlan.steps) {
    for (const [k, v] of Object.entries(s.settings ?? {})) assert.ok(paste.code.split('\n').includes(`    ${k}=${py(v)},`), `${k}=${py(v)} in\n${paste.code}`);
  }
  assert.match(paste.code, /optim="galore_adamw_8bit_layerwise"/);
  assert.match(paste.code, /gradient_checkpointing=True/);
  // 8-bit AdamW's plan replaces it with GaLore: its paste stays 8-bit AdamW's own switch.
  const eight = recs.find((x) => x.optimizer === 'adamw-8bit');
  if (eight?.change && eight.fitPlan?.steps.some((x) => x.optimizer === 'galore-adamw')) assert.doesNotMatch(eight.change[0]!.code, /galore/);
});

test('recommend on one file evaluates only that job', async () => {
  const r = await cli('recommend', 'examples/bert-sst2/training_args.json', '--gpu-memory', '16GiB', '--json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.equal(doc.jobs.length, 1);
  assert.equal(doc.jobs[0].model.architecture, 'BertForSequenceClassification');
});

test('usage errors exit 2 with one line on stderr and nothing on stdout', async () => {
  const cases: string[][] = [
    [],
    ['frobnicate'],
    ['estimate', 'gpt2'],
    ['estimate', 'gpt2', '--optimizer', 'nosuch'],
    ['estimate', 'gpt2', '--optimizer', 'adamw', '--batch-size', '-4'],
    ['estimate', 'gpt2', '--optimizer', 'adamw', '--batch-size', 'many'],
    ['estimate', 'gpt2', '--optimizer', 'adamw', '--gpu-memory', '24 parsecs'],
    ['estimate', 'gpt2', '--optimizer', 'adamw', '--zero-stage', '4'],
    ['estimate', 'gpt2', '--optimizer', 'adamw', '--qlora'],
    ['estimate', 'gpt2', '--optimizer', 'adamw', '--bogus'],
    ['estimate', 'gpt2', '--optimizer', 'adamw', '--json', '--json'],
    ['params', 'no/such-model'],
    ['params', 'missing-file.json'],
    ['recommend', 'examples', '--priority', 'vibes'],
  ];
  for (const argv of cases) {
    const r = await cli(...argv);
    assert.equal(r.code, 2, `${argv.join(' ')} -> ${r.code}: ${r.err}`);
    if (argv.length > 0) assert.equal(r.out, '', `${argv.join(' ')} printed to stdout`);
    assert.ok(r.err.trim().length > 0, `${argv.join(' ')} said nothing`);
    assert.ok(!/\n\s+at /.test(r.err), `${argv.join(' ')} printed a stack trace`);
  }
});

test('bad config files: one line naming the file and line:column, exit 2, never a stack trace', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-cli-bad-'));
  const files: Record<string, string | Buffer> = {
    'empty.json': '',
    'truncated.json': '{\n  "model_type": "llama",\n  "hidden_size": 4096,\n',
    'binary.json': Buffer.from([0x7b, 0x00, 0x01, 0x02, 0xff]),
    'array.json': '[1, 2, 3]',
    'deep.json': '['.repeat(200_000) + ']'.repeat(200_000),
    'wrongtype.json': '{"model_type": "llama", "hidden_size": "4096", "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000, "intermediate_size": 11008}',
    'negative.json': '{"model_type": "llama", "hidden_size": -4096, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000, "intermediate_size": 11008}',
    'absurd.json': '{"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 1e12, "num_attention_heads": 32, "vocab_size": 32000, "intermediate_size": 11008}',
    'heads.json': '{"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 30, "vocab_size": 32000, "intermediate_size": 11008}',
    'unknown.json': '{"model_type": "mystery-net", "some_field": 1}',
  };
  try {
    for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
    for (const name of Object.keys(files)) {
      const r = bin(['params', name], dir);
      assert.equal(r.code, 2, `${name}: exit ${r.code}, stderr ${r.err}`);
      assert.equal(r.out, '', `${name}: stdout must be empty`);
      const lines = r.err.trim().split('\n');
      assert.equal(lines.length, 1, `${name}: one line, got ${r.err}`);
      assert.ok(lines[0]!.includes(name), `${name}: the message names the file: ${lines[0]}`);
    }
    const truncated = bin(['params', 'truncated.json'], dir);
    assert.match(truncated.err, /truncated\.json:\d+:\d+/, 'parse errors carry line:column');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a scan never fails because one file is bad: the finding carries the error', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-cli-scan-'));
  try {
    fs.mkdirSync(path.join(dir, 'good'));
    fs.copyFileSync(path.join(EXAMPLES, 'gpt2-from-scratch', 'config.json'), path.join(dir, 'good', 'config.json'));
    fs.mkdirSync(path.join(dir, 'bad'));
    fs.writeFileSync(path.join(dir, 'bad', 'config.json'), '{\n  "model_type": "gpt2",\n  "n_layer": 12,,\n}');
    const r = bin(['scan', '.', '--json'], dir);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    const bad = doc.findings.find((f: { path: string }) => f.path === 'bad/config.json');
    assert.ok(bad?.error, 'the bad file has an error');
    assert.equal(bad.error.line, 3);
    assert.ok(doc.findings.some((f: { path: string; error?: unknown }) => f.path === 'good/config.json' && !f.error));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the built binary prints tables by default and JSON with --json', () => {
  const human = bin(['estimate', 'gpt2', '--optimizer', 'adamw']);
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /optimizer state/);
  assert.throws(() => JSON.parse(human.out));
  const json = bin(['estimate', 'gpt2', '--optimizer', 'adamw', '--json']);
  assert.equal(json.code, 0, json.err);
  assert.equal(JSON.parse(json.out).params.total, 124_439_808);
});

test('--help lists the defaults of every option', async () => {
  const r = await cli('estimate', '--help');
  assert.equal(r.code, 0);
  for (const f of ['--batch-size', '--seq-len', '--precision', '--zero-stage', '--gpu-memory', '--lora-rank']) assert.ok(r.out.includes(f), f);
  assert.match(r.out, /default: bf16-mixed/);
});

test('--version: the built binary prints the version in package.json (esbuild defines it)', () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.match(version, /^\d+\.\d+\.\d+/);
  const built = bin(['--version']);
  assert.equal(built.code, 0, built.err);
  assert.equal(built.out, `${version}\n`);
});
