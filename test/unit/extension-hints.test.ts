/**
 * The pure part of the editor hints (src/extension/hints): CodeLens titles with the estimator's
 * numbers, diagnostics by code, silencing, the GPU budget from settings and detection, and the glob
 * patterns of the settings. Runs on the VS Code test workspace (test/fixtures/vscode-ws).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateJob } from '../../src/core/evaluate';
import { estimateMemory, resolveEstimateInput } from '../../src/core/memory';
import { inventoryForRef } from '../../src/core/models';
import { resolveOptimizer } from '../../src/core/optimizers';
import { scanFiles } from '../../src/core/scan';
import type { ScanFile } from '../../src/core/scan/types';
import { formatBytes } from '../../src/core/units';
import { analyse, filterDiagnostics, recommendedText, type JobOutcome } from '../../src/extension/hints/analysis';
import { resolveBudget, type GpuBudget } from '../../src/extension/hints/budget';
import { compileGlob, toSearchGlobs } from '../../src/core/glob';
import { englishTranslate as t } from '../../src/extension/hints/translate';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const WS = path.join(ROOT, 'test', 'fixtures', 'vscode-ws');
const GiB = 2 ** 30;

function readWorkspace(dir: string): ScanFile[] {
  const out: ScanFile[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(json|ya?ml|py|ipynb)$/.test(e.name)) out.push({ path: path.relative(dir, p).split(path.sep).join('/'), text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

const RTX_4090: GpuBudget = resolveBudget({ gpu: 'rtx-4090', gpuMemory: '', gpuCount: null }, null, t);

function analysed(budget: GpuBudget) {
  const files = readWorkspace(WS);
  const report = scanFiles(files);
  const outcomes = new Map<string, JobOutcome>();
  for (const job of report.jobs) {
    try {
      const evaluation = evaluateJob(job, { readText: (p) => files.find((f) => f.path === p)?.text ?? '' }, { gpuMemoryBytes: budget.memoryBytes, priority: 'quality', unknownOptimizer: 'ignore' });
      outcomes.set(job.id, { kind: 'evaluated', evaluation });
    } catch (e) {
      outcomes.set(job.id, { kind: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { report, outcomes, hints: analyse({ report, outcomes, budget, t }) };
}

test('the CodeLens on the Llama-2-7B optimizer line shows the estimator\'s peak, the 24 GiB budget, "does not fit" and the recommendation', () => {
  const { hints, outcomes } = analysed(RTX_4090);
  const lens = hints.lenses.find((l) => l.path === 'llama/training_args.json');
  assert.ok(lens);
  assert.equal(lens.range.line, 4, 'on the "optim" line');
  // The same job computed here from its file's values, without the scanner's job: adamw_torch, micro-batch 4,
  // accumulation 8, bf16 autocast, no checkpointing, 2048 tokens (the estimator's default, below Llama-2's 4096).
  const input = resolveEstimateInput({
    model: inventoryForRef('meta-llama/Llama-2-7b-hf'),
    optimizer: resolveOptimizer('adamw_torch', {}, 'hf')!,
    hyperparameters: {},
    batchSize: 4,
    gradAccum: 8,
    precision: 'bf16-mixed',
    gradientCheckpointing: false,
    gpuMemoryBytes: 24 * GiB,
  });
  const peak = estimateMemory(input).bytes.peak;
  assert.ok(peak > 24 * GiB);
  const outcome = outcomes.get('llama/training_args.json');
  assert.ok(outcome?.kind === 'evaluated');
  assert.equal(lens.title, `AdamW · peak ${formatBytes(peak)} on 1×24.0 GiB — does not fit · Recommended: ${recommendedText(outcome.evaluation.result, t)}`);
  assert.match(recommendedText(outcome.evaluation.result, t), /^adamw-8bit \+ /, 'the top choice does not fit alone: the strategies that make it fit follow');
});

test('diagnostics: does-not-fit, Lion with an AdamW-sized lr, unknown optimizer, unreadable config; none for jobs that fit', () => {
  const { hints } = analysed(RTX_4090);
  const byPath = new Map<string, string[]>();
  for (const d of hints.diagnostics) byPath.set(d.path, [...(byPath.get(d.path) ?? []), d.code]);
  assert.deepEqual(Object.fromEntries([...byPath].sort()), {
    'broken/training_args.json': ['config-error'],
    'lion/training_args.json': ['lr-out-of-range'],
    'llama/training_args.json': ['does-not-fit'],
    'typo/training_args.json': ['unknown-optimizer'],
  });
  const lr = hints.diagnostics.find((d) => d.code === 'lr-out-of-range');
  // Lion's catalog range tops out at 2e-4 (Chen et al.: 3-10x below AdamW's GPT-3 range); the file has 1e-3.
  assert.match(lr?.message ?? '', /^Learning rate 0\.001 is above the range 6e-6–2e-4 recommended for Lion/);
  assert.equal(lr?.range.line, 5, 'on the learning_rate line');
  const broken = hints.diagnostics.find((d) => d.code === 'config-error');
  assert.equal(broken?.range.line, 6);
  assert.equal(broken?.severity, 'error');
});

test('without a budget nothing "does not fit" and the lens says the memory is unknown', () => {
  const unknown = resolveBudget({ gpu: 'auto', gpuMemory: '', gpuCount: null }, null, t);
  const { hints } = analysed(unknown);
  assert.ok(!hints.diagnostics.some((d) => d.code === 'does-not-fit'));
  const lens = hints.lenses.find((l) => l.path === 'training_args.json');
  assert.match(lens?.title ?? '', /^AdamW · peak \d+\.\d GiB per GPU · GPU memory unknown · Recommended: /);
});

test('silencing: disabled rules and excluded files, or everything off', () => {
  const { hints } = analysed(RTX_4090);
  const excluded = [compileGlob('./typo/training_args.json'), compileGlob('broken')];
  const kept = filterDiagnostics(hints.diagnostics, { enabled: true, disabledRules: new Set(['lr-out-of-range']), excluded: (p) => excluded.some((m) => m.matches(p)) });
  assert.deepEqual(kept.map((d) => d.code), ['does-not-fit']);
  assert.deepEqual(filterDiagnostics(hints.diagnostics, { enabled: false, disabledRules: new Set(), excluded: () => false }), []);
});

test('GPU budget: presets in GiB, a custom size, a bad custom size, detection with its count', () => {
  assert.equal(RTX_4090.memoryBytes, 24 * GiB);
  assert.equal(resolveBudget({ gpu: 'a100-80gb', gpuMemory: '', gpuCount: 8 }, null, t).countOverride, 8);
  assert.equal(resolveBudget({ gpu: 'custom', gpuMemory: '80GB', gpuCount: null }, null, t).memoryBytes, 80e9);
  const bad = resolveBudget({ gpu: 'custom', gpuMemory: 'lots', gpuCount: null }, null, t);
  assert.equal(bad.memoryBytes, null);
  assert.match(bad.problem ?? '', /not a size/);
  assert.match(resolveBudget({ gpu: 'rtx-9999', gpuMemory: '', gpuCount: null }, null, t).problem ?? '', /unknown GPU preset/);
  const detected = resolveBudget({ gpu: 'auto', gpuMemory: '', gpuCount: null }, { count: 2, memoryBytes: 20 * GiB, freeBytes: 19 * GiB, names: ['NVIDIA A10', 'NVIDIA A10'], source: 'nvidia-smi', notes: [] }, t);
  assert.deepEqual([detected.memoryBytes, detected.countDefault, detected.countOverride, detected.label, detected.source], [20 * GiB, 2, null, 'NVIDIA A10', 'detected']);
  // A preset wins over detection: the user plans for another machine.
  assert.equal(resolveBudget({ gpu: 'h100-80gb', gpuMemory: '', gpuCount: null }, { count: 1, memoryBytes: 8 * GiB, freeBytes: null, names: ['x'], source: 'nvidia-smi', notes: [] }, t).memoryBytes, 80 * GiB);
});

test('glob patterns: names at any depth, anchored paths, ** and braces, folders cover their content', () => {
  const name = compileGlob('checkpoints');
  assert.ok(name.matches('checkpoints'));
  assert.ok(name.matches('runs/checkpoints/step-1/config.json'));
  assert.ok(!name.matches('checkpoints2/config.json'));
  const anchored = compileGlob('data/raw');
  assert.ok(anchored.matches('data/raw/x.json'));
  assert.ok(!anchored.matches('other/data/raw/x.json'));
  assert.ok(compileGlob('./args.json').matches('args.json'));
  assert.ok(!compileGlob('./args.json').matches('sub/args.json'));
  assert.ok(compileGlob('runs/**/*.{yaml,yml}').matches('runs/a/b/c.yml'));
  assert.ok(compileGlob('*.log').matches('deep/x.log'));
  assert.ok(compileGlob('.*').matches('.venv/lib/site.py'));
  assert.deepEqual(toSearchGlobs('checkpoints'), ['**/checkpoints', '**/checkpoints/**']);
  assert.deepEqual(toSearchGlobs('data/raw/'), ['data/raw', 'data/raw/**']);
});

test('a job that needs a model config: an information diagnostic at the model name and a lens that picks a config', () => {
  const files: ScanFile[] = [{ path: 'run/training_args.json', text: '{\n  "model_name_or_path": "acme/not-anywhere",\n  "output_dir": "o",\n  "optim": "adamw_torch",\n  "learning_rate": 2e-5\n}\n' }];
  const report = scanFiles(files);
  const job = report.jobs[0];
  assert.ok(job.model?.kind === 'hub-id');
  const outcomes = new Map<string, JobOutcome>([[job.id, { kind: 'needs-config', message: "model 'acme/not-anywhere' was not found", modelId: 'acme/not-anywhere', path: job.model.path, line: job.model.range.line, column: job.model.range.column }]]);
  const hints = analyse({ report, outcomes, budget: RTX_4090, t });
  const d = hints.diagnostics.find((x) => x.code === 'needs-model-config');
  assert.ok(d);
  assert.equal(d.severity, 'information');
  assert.deepEqual([d.path, d.range.line], ['run/training_args.json', 2]);
  assert.match(d.message, /needs a model config: model 'acme\/not-anywhere' was not found\. Use the quick fix/);
  assert.ok(!hints.diagnostics.some((x) => x.code === 'job-not-evaluated'), 'not reported as a failure');
  const lens = hints.lenses.find((l) => l.jobId === job.id);
  assert.equal(lens?.command, 'pickModelConfig');
  assert.match(lens?.title ?? '', /needs a model config/);
});

test('DeepSpeed "auto" is never an error diagnostic; an "auto" nothing fills is an information note at its range', () => {
  const files: ScanFile[] = [
    { path: 'config.json', text: JSON.stringify({ model_type: 'gpt2', n_embd: 768, n_layer: 12, n_head: 12, n_positions: 1024, vocab_size: 50257 }) },
    { path: 'args.json', text: JSON.stringify({ output_dir: 'o', per_device_train_batch_size: 4, deepspeed: 'ds.json' }) },
    // line 2 `  "train_batch_size": "auto",`: the world size is not known here
    { path: 'ds.json', text: '{\n  "train_batch_size": "auto",\n  "gradient_clipping": "auto",\n  "train_micro_batch_size_per_gpu": "auto",\n  "zero_optimization": {"stage": 2}\n}\n' },
  ];
  const report = scanFiles(files);
  const outcomes = new Map<string, JobOutcome>();
  for (const job of report.jobs) {
    outcomes.set(job.id, { kind: 'evaluated', evaluation: evaluateJob(job, { readText: (p) => files.find((f) => f.path === p)?.text ?? '' }, { gpuMemoryBytes: 24 * GiB, priority: 'quality' }) });
  }
  const hints = analyse({ report, outcomes, budget: RTX_4090, t });
  const onDs = hints.diagnostics.filter((d) => d.path === 'ds.json');
  assert.deepEqual(onDs.map((d) => [d.code, d.severity, d.range.line]), [['config-note', 'information', 2]]);
  assert.match(onDs[0].message, /^"train_batch_size" is "auto" and stays unknown: it would be filled from the world size/);
  assert.ok(!hints.diagnostics.some((d) => d.severity === 'error'));
});

test('a job that fits only with paged optimizer states says so in the CodeLens and the hover, not a plain "fits"', () => {
  // torchtune's llama3_1/8B_full_single_device.yaml settings (README "Memory the way recipes run"): the
  // paged 8-bit states live in unified memory, outside the peak that fits the 24 GiB card.
  const text = [
    'model:', '  _component_: torchtune.models.llama3_1.llama3_1_8b',
    'batch_size: 2', 'optimizer:', '  _component_: bitsandbytes.optim.PagedAdamW8bit', '  lr: 2e-5',
    'loss:', '  _component_: torchtune.modules.loss.CEWithChunkedOutputLoss',
    'gradient_accumulation_steps: 1', 'optimizer_in_bwd: True', 'enable_activation_checkpointing: True',
    'compile: True', 'dtype: bf16', '',
  ].join('\n');
  const files: ScanFile[] = [{ path: '8B_full_single_device.yaml', text }];
  const report = scanFiles(files);
  const job = report.jobs[0];
  const evaluation = evaluateJob(job, { readText: () => '' }, { gpuMemoryBytes: RTX_4090.memoryBytes, priority: 'quality' });
  assert.equal(evaluation.currentEstimate?.estimate.verdict, 'fits-with-paging');
  const hints = analyse({ report, outcomes: new Map<string, JobOutcome>([[job.id, { kind: 'evaluated', evaluation }]]), budget: RTX_4090, t });
  const lens = hints.lenses.find((l) => l.jobId === job.id);
  assert.match(lens?.title ?? '', /— fits with paging \(may spill to CPU, slower\) ·/);
  const hover = hints.hovers.find((h) => h.jobId === job.id);
  assert.match(hover?.markdown ?? '', /\*\*fits with paging \(may spill to CPU, slower\)\*\*/);
});
