/**
 * The extension's scan pool (src/extension/scan-pool.ts; README: Reliability): per-file scans in a worker
 * thread give the same report as the scanner run in-process, the main loop runs while the worker parses a
 * file at the size ceiling, a newer submission cancels an older one, a file over the time budget is given
 * up and the next one still scanned, and a worker that cannot start falls back to the main loop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hydraJoinReads, joinScan, scanFile, scanFiles, type FileScan } from '../../src/core/scan';
import type { ScanFile } from '../../src/core/scan/types';
import { evaluateJob } from '../../src/core/evaluate';
import { isFix, optimizerFix } from '../../src/core/fixes';
import { resolveModelSource } from '../../src/core/model-source';
import { ScanPool, type FileScanOutcome } from '../../src/extension/scan-pool';
import { hostileWorkspace } from '../support/hostile-workspace';
import { loadTree } from './scan-formats-helpers';

function repoPath(...parts: string[]): string {
  for (const base of [process.cwd(), path.resolve(__dirname, '..', '..', '..')]) {
    if (fs.existsSync(path.join(base, 'test', 'fixtures'))) return path.join(base, ...parts);
  }
  throw new Error('test/fixtures not found: run the tests from the repository root');
}


function scanned(outcome: FileScanOutcome): FileScan {
  assert.equal(outcome.kind, 'scanned', outcome.kind === 'failed' ? outcome.message : outcome.kind);
  return (outcome as Extract<FileScanOutcome, { kind: 'scanned' }>).scan;
}

const BIG = hostileWorkspace(0);

test('scans made in the worker join into the same report as scanFiles in-process (fixtures and the real-setup corpus)', async () => {
  const pool = new ScanPool({ inlineMaxChars: 0 }); // every file goes to the worker
  try {
    for (const root of [repoPath('test', 'fixtures', 'scan'), repoPath('test', 'corpus'), repoPath('examples')]) {
      if (!fs.existsSync(root)) continue;
      const files = loadTree(root);
      const outcomes = await Promise.all(files.map((f) => pool.scan(f.path, f)));
      for (const o of outcomes) assert.equal(o.kind === 'scanned' && o.where, 'worker');
      const texts = new Map(files.map((f) => [f.path, f.text]));
      const report = joinScan(outcomes.map(scanned), { textOf: (p) => texts.get(p) });
      assert.deepEqual(report, scanFiles(files), root);
      if (root.endsWith('corpus')) {
        // nanoGPT's meta.pkl (binary, one character per byte) read in the worker: the vocabulary of the scratch model.
        const job = report.jobs.find((j) => j.id === 'nanogpt-shakespeare-char/run.sh');
        const vocab = job?.model?.kind === 'script-config' ? job.model.vocab : undefined;
        assert.equal(vocab?.value, 65);
        assert.equal(vocab !== undefined && 'source' in vocab ? vocab.source.path : null, 'nanogpt-shakespeare-char/data/shakespeare_char/meta.pkl');
      }
    }
  } finally {
    pool.dispose();
  }
});

test('the main loop runs while the worker parses a file at the size ceiling; the result is the in-process one', async () => {
  const pool = new ScanPool();
  try {
    const file = { path: 'big/training_args.json', text: BIG['big/training_args.json']! };
    const events: string[] = [];
    const done = pool.scan('a', file).then((o) => {
      events.push('scanned');
      return o;
    });
    await new Promise((r) => setTimeout(r, 0));
    events.push('timer');
    const outcome = await done;
    assert.deepEqual(events, ['timer', 'scanned']);
    assert.equal(outcome.kind === 'scanned' && outcome.where, 'worker');
    const scan = scanned(outcome);
    assert.equal(scan.finding?.kind, 'hf-training-args');
    assert.deepEqual(scan, scanFile(file));
  } finally {
    pool.dispose();
  }
});

test('a newer submission for the same key cancels the older one; the same text shares one scan', async () => {
  const pool = new ScanPool();
  try {
    const text = BIG['big/train.py']!;
    const first = pool.scan('k', { path: 'train.py', text });
    const same = pool.scan('k', { path: 'train.py', text });
    await new Promise((r) => setImmediate(r));
    const second = pool.scan('k', { path: 'train.py', text: text.replace('learning_rate=5e-5', 'learning_rate=1e-4') });
    assert.deepEqual(await first, { kind: 'cancelled' });
    assert.deepEqual(await same, { kind: 'cancelled' }, 'the same text shared the first scan (and its cancellation)');
    const scan = scanned(await second);
    assert.equal(scan.finding?.kind, 'python-script');
    const lr = scan.finding?.fields.find((f) => f.name === 'TrainingArguments.learning_rate');
    assert.equal(lr?.value, 1e-4);
    // An explicit cancel (the file was deleted).
    const third = pool.scan('k', { path: 'train.py', text: `${text}\n` });
    pool.cancel('k');
    assert.deepEqual(await third, { kind: 'cancelled' });
  } finally {
    pool.dispose();
  }
});

test('a file over the per-file time budget is given up with a one-line reason; the next file gets a new worker', async () => {
  // The budget is short and the file twice the size ceiling (the pool itself does not cap sizes), so the scan
  // (over a second here) cannot finish within it; the small file after it takes milliseconds.
  const pool = new ScanPool({ fileBudgetMs: 250, inlineMaxChars: 0 });
  try {
    const rows = Array.from({ length: 200_000 }, (_, i) => `{"run": ${i}, "tag": "t${i % 97}", "values": [${i}, ${i + 1}, ${i + 2}]}`);
    const huge = { path: 'training_args.json', text: `{"output_dir": "o", "optim": "adamw_torch", "report_to": [${rows.join(',\n')}]}` };
    const small = { path: 'ds_config.json', text: '{"train_micro_batch_size_per_gpu": 2, "zero_optimization": {"stage": 2}}' };
    const [over, next] = await Promise.all([pool.scan('huge', huge), pool.scan('small', small)]);
    assert.equal(over.kind, 'failed');
    assert.match((over as { message: string }).message, /^not read: the scan took longer than the per-file time budget of 0.25 s$/);
    assert.equal(next.kind === 'scanned' && next.where, 'worker', 'the next file is scanned by a new worker');
    assert.equal(scanned(next).finding?.kind, 'deepspeed-config');
    assert.equal(pool.mode, 'worker');
  } finally {
    pool.dispose();
  }
});

test('when the worker cannot start, files are scanned on the main loop, yielding between files, and the reason is told once', async () => {
  const problems: string[] = [];
  const pool = new ScanPool({ workerFile: path.join(__dirname, 'no-such-worker.js'), inlineMaxChars: 0, onProblem: (m) => problems.push(m) });
  try {
    const files = Object.entries(hostileWorkspace(4)).filter(([p, text]) => p.endsWith('.json') && text.length < 300_000).map(([p, text]) => ({ path: p, text }));
    const events: string[] = [];
    const all = Promise.all(files.map((f) => pool.scan(f.path, f).then((o) => {
      events.push(`scanned ${f.path}`);
      return o;
    })));
    // A callback queued now runs before the second file is scanned (one file per turn of the loop).
    await new Promise((r) => setTimeout(r, 0));
    events.push('timer');
    const outcomes = await all;
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /^the scan worker could not start \(.+\); files are scanned on the extension host's main loop/);
    assert.equal(pool.mode, 'main');
    for (const [i, o] of outcomes.entries()) assert.deepEqual(scanned(o), scanFile(files[i]!));
    assert.ok(events.indexOf('timer') < events.length - 1, `the loop ran between files: ${events.join(', ')}`);
  } finally {
    pool.dispose();
  }
});

test('a bounded queue: more large files than places all finish, in submission order', async () => {
  const pool = new ScanPool({ inlineMaxChars: 0, queueCapacity: 1 });
  try {
    const files = Array.from({ length: 6 }, (_, i) => ({ path: `job${i}/training_args.json`, text: `{"output_dir": "o", "optim": "adamw_torch", "per_device_train_batch_size": ${i + 1}, "learning_rate": 1e-5}` }));
    const order: number[] = [];
    const outcomes = await Promise.all(files.map((f, i) => pool.scan(f.path, f).then((o) => (order.push(i), o))));
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
    for (const [i, o] of outcomes.entries()) assert.deepEqual(scanned(o), scanFile(files[i]!));
  } finally {
    pool.dispose();
  }
});

test('a file cancelled while it waits for a place in the queue passes its place on', async () => {
  const pool = new ScanPool({ inlineMaxChars: 0, queueCapacity: 1 });
  try {
    const file = (i: number): ScanFile => ({ path: `job${i}/training_args.json`, text: `{"output_dir": "o", "optim": "adamw_torch", "per_device_train_batch_size": ${i + 1}}` });
    const first = pool.scan('0', file(0)); // running (or about to)
    const second = pool.scan('1', file(1)); // in the queue
    const third = pool.scan('2', file(2)); // waiting for a place
    const fourth = pool.scan('3', file(3)); // waiting for a place
    await new Promise((r) => setImmediate(r));
    pool.cancel('2');
    const outcomes = await Promise.all([first, second, third, fourth]);
    assert.deepEqual(outcomes.map((o) => o.kind), ['scanned', 'scanned', 'cancelled', 'scanned']);
  } finally {
    pool.dispose();
  }
});

test('an optimizer quick fix on a file at the size ceiling is made in the worker, equal to the one made in-process', async () => {
  const pool = new ScanPool();
  try {
    const file = { path: 'big/training_args.json', text: BIG['big/training_args.json']! };
    const job = scanFiles([file]).jobs[0]!;
    // The job's evaluation (gpt2 from the bundled presets).
    const access = { readText: (p: string): string => (p === file.path ? file.text : '') };
    const source = resolveModelSource(job, access, {});
    assert.equal(source.status, 'resolved');
    const evaluation = evaluateJob(job, access, { model: (source as Extract<typeof source, { status: 'resolved' }>).model, gpuMemoryBytes: 24 * 2 ** 30, priority: 'quality', unknownOptimizer: 'ignore' });
    // Adafactor (the Trainer spells it "adafactor") with the advisor's hyperparameters for this job.
    const rec = evaluation.result.recommendations.find((r) => r.optimizer === 'adafactor');
    assert.ok(rec, 'the advisor ranks Adafactor');
    const request = { path: file.path, text: file.text, job, target: rec.optimizer, hyperparameters: rec.hyperparameters };
    const outcome = await pool.optimizerFix(request);
    assert.equal(outcome.kind === 'fixed' && outcome.where, 'worker');
    const result = (outcome as Extract<typeof outcome, { kind: 'fixed' }>).result;
    assert.deepEqual(result, optimizerFix(request));
    assert.ok(isFix(result), 'unavailable' in result ? result.unavailable : '');
    assert.equal(result.target, rec.optimizer);
  } finally {
    pool.dispose();
  }
});

test('the editor path composes a Hydra primary: per-file scans in the worker, joined with the texts hydraJoinReads keeps', async () => {
  const files: ScanFile[] = [
    { path: 'configs/train.yaml', text: 'defaults:\n  - optimizer: adamw\n  - trainer: gpu\n  - _self_\n' },
    { path: 'configs/optimizer/adamw.yaml', text: '_target_: torch.optim.AdamW\nlr: 0.0003\nweight_decay: 0.1\n' },
    { path: 'configs/trainer/gpu.yaml', text: '_target_: lightning.pytorch.Trainer\nprecision: bf16-mixed\ndevices: 4\n' },
    { path: 'train.py', text: 'import hydra\n\n@hydra.main(version_base="1.3", config_path="configs", config_name="train")\ndef main(cfg):\n    pass\n' },
    { path: 'run.sh', text: 'torchrun --nproc_per_node 2 train.py optimizer.lr=0.001\n' },
    { path: 'README.md', text: '# not read\n' },
  ];
  const pool = new ScanPool({ inlineMaxChars: 0 }); // every file goes to the worker, as large files do in the editor
  try {
    const scans = (await Promise.all(files.map((f) => pool.scan(f.path, f)))).map(scanned);
    const held = new Map(files.filter(hydraJoinReads).map((f) => [f.path, f.text]));
    assert.deepEqual([...held.keys()].sort(), ['configs/optimizer/adamw.yaml', 'configs/train.yaml', 'configs/trainer/gpu.yaml', 'run.sh', 'train.py']);
    const report = joinScan(scans, { textOf: (p) => held.get(p) });
    assert.deepEqual(report.jobs.map((j) => j.id), ['configs/train.yaml']);
    const job = report.jobs[0];
    assert.deepEqual(job.files, ['configs/optimizer/adamw.yaml', 'configs/train.yaml', 'configs/trainer/gpu.yaml', 'run.sh']);
    assert.equal(job.settings.optimizer, 'torch.optim.AdamW');
    assert.equal(job.settings.weightDecay, 0.1);
    assert.equal(job.sources['weightDecay']?.path, 'configs/optimizer/adamw.yaml');
    assert.equal(job.settings.precision, 'bf16-mixed');
    // the launch's override and GPU count
    assert.equal(job.settings.learningRate, 0.001);
    assert.equal(job.sources['learningRate']?.path, 'run.sh');
    assert.equal(job.settings.gpus, 2);
    assert.deepEqual(report, scanFiles(files));
    // without the texts the join composes nothing: the group files are jobs of their own
    assert.notDeepEqual(joinScan(scans).jobs.map((j) => j.id), ['configs/train.yaml']);
  } finally {
    pool.dispose();
  }
});
