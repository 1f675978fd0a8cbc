/**
 * Scripts configured by module globals, nanoGPT style (README: What the scanner reads): the script's
 * defaults, then its `.py` override files, then `--key=value` arguments; the model of
 * `init_from='scratch'` built from the globals. Hand-made inputs, checked against values worked out
 * by hand from nanoGPT's train.py rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JobFacts } from '../../src/core/job-facts';
import { runCli } from '../../src/cli/main';
import { latin1Text } from '../../src/core/parse/pickle';
import { scanFiles } from '../../src/core/scan';
import { unusedFiles } from '../../src/core/scan/unused-files';

interface JobDoc {
  source: string;
  status: string;
  facts: JobFacts;
  assumptions: string[];
}

const TRAIN = `import os
import torch
from model import GPT
init_from = 'scratch'
batch_size = 12
block_size = 1024
gradient_accumulation_steps = 5 * 8
n_layer = 12
n_head = 12
n_embd = 768
learning_rate = 6e-4
weight_decay = 1e-1
decay_lr = True
warmup_iters = 2000
dtype = 'bfloat16' if torch.cuda.is_bf16_supported() else 'float16'
exec(open('configurator.py').read())
if int(os.environ.get('RANK', -1)) != -1:
    gradient_accumulation_steps //= int(os.environ['WORLD_SIZE'])
optimizer = model.configure_optimizers(weight_decay, learning_rate, (0.9, 0.95), 'cuda')
`;
const MODEL = `import torch
class GPT:
    def configure_optimizers(self, weight_decay, learning_rate, betas, device_type):
        return torch.optim.AdamW([], lr=learning_rate, betas=betas)
`;

function workspace(files: Record<string, string | Uint8Array>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-globals-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function recommend(dir: string): Promise<JobDoc[]> {
  let out = '';
  let err = '';
  await runCli(['recommend', dir, '--gpu-memory', '24GiB', '--json', '--offline'], { cwd: dir, out: (t) => (out += t), err: (t) => (err += t) });
  assert.ok(out.length > 0, err);
  return (JSON.parse(out) as { jobs: JobDoc[] }).jobs;
}

function read(facts: JobFacts, name: keyof JobFacts): { value: unknown; path: string | null } {
  const f = facts[name];
  assert.ok(f !== undefined, `fact ${String(name)}`);
  const s = f.source as { kind: string; path?: string };
  return { value: f.value, path: s.kind === 'file' || s.kind === 'launcher' ? (s.path ?? null) : null };
}

test('globals, an override file and --key=value arguments apply in order; the scratch model is GPT-2-shaped', async () => {
  const dir = workspace({
    'train.py': TRAIN,
    'model.py': MODEL,
    'config/small.py': 'import time\nbatch_size = 32\nn_layer = 6\nn_head = 6\nn_embd = 384\nblock_size = 256\nlearning_rate = 1e-3\nwarmup_iters = 10 * 10\nout_dir = "out-" + str(time.time())\nweight_decay = time.time()\n',
    'run.sh': 'python train.py config/small.py --batch_size=16 --vocab_size=65\n',
  });
  const jobs = await recommend(dir);
  // Named after the one launch script that runs train.py; model.py joins train.py (imported), no job of its own.
  assert.deepEqual(jobs.map((j) => j.source), ['run.sh'], 'model.py joins train.py (imported), no job of its own');
  const [job] = jobs;
  assert.equal(job.status, 'ok');
  assert.deepEqual(read(job.facts, 'model'), { value: 'scratch', path: 'train.py' });
  assert.deepEqual(read(job.facts, 'microBatch'), { value: 16, path: 'run.sh' });
  assert.deepEqual(read(job.facts, 'lr'), { value: 0.001, path: 'config/small.py' });
  assert.deepEqual(read(job.facts, 'warmup'), { value: { unit: 'steps', value: 100 }, path: 'config/small.py' });
  assert.deepEqual(read(job.facts, 'seqLen'), { value: 256, path: 'config/small.py' });
  assert.deepEqual(read(job.facts, 'optimizer').path, 'model.py');
  // No DDP launch: the 40 accumulation steps stay 40.
  assert.deepEqual(read(job.facts, 'gradAccum'), { value: 40, path: 'train.py' });
  // weight_decay = time.time() is not a literal: the script's 0.1 stays, with the reason.
  assert.deepEqual(read(job.facts, 'weightDecay'), { value: 0.1, path: 'train.py' });
  assert.ok(job.assumptions.some((a) => a.includes("'weight_decay' is computed by a call ('time.time(...)')") && a.includes('0.1')), job.assumptions.join('\n'));
  assert.ok(job.assumptions.some((a) => a.includes("'dtype'")), 'the run-time dtype is named as unknown');
  // 6 layers of 12·384² weights + 13·384 norm/bias terms, embeddings 65·384 + 256·384, final norm 2·384.
  const perLayer = 12 * 384 * 384 + 13 * 384;
  assert.equal(read(job.facts, 'parameters').value, 6 * perLayer + 65 * 384 + 256 * 384 + 2 * 384);
});

test('a DDP launch divides the accumulation steps by its GPU count; decay_lr=False leaves warmup unused', async () => {
  const dir = workspace({
    'train.py': TRAIN,
    'model.py': MODEL,
    'config/ft.py': 'decay_lr = False\nlearning_rate = 3e-5\nbatch_size = 1\n',
    'run.sh': 'torchrun --standalone --nproc_per_node=8 train.py config/ft.py\n',
  });
  const [job] = await recommend(dir);
  assert.deepEqual(read(job.facts, 'gradAccum'), { value: 5, path: 'train.py' });
  assert.deepEqual(read(job.facts, 'gpus'), { value: 8, path: 'run.sh' });
  assert.equal(read(job.facts, 'warmup').path, null, 'warmup is an assumption');
  assert.ok(job.assumptions.some((a) => a.includes('decay_lr is False')));
  // This train.py reads no meta.pkl: nanoGPT's 50304 is assumed and said so.
  assert.ok(job.assumptions.some((a) => a.includes('vocab_size') && a.includes('50304')));
});

/** nanoGPT train.py's vocabulary lines (karpathy/nanoGPT train.py: data_dir, meta_path, pickle.load), in our words. */
const READS_META = `import pickle
data_dir = os.path.join('data', dataset)
meta_path = os.path.join(data_dir, 'meta.pkl')
if os.path.exists(meta_path):
    with open(meta_path, 'rb') as f:
        meta_vocab_size = pickle.load(f)['vocab_size']
`;
const TRAIN_META = TRAIN.replace("init_from = 'scratch'\n", "init_from = 'scratch'\ndataset = 'openwebtext'\n") + READS_META;
/** pickle.dumps({'vocab_size': 300}, protocol=2) and pickle.dumps({'vocab_size': 1.5}, protocol=2), printed by Python 3.11. */
const META_300 = Buffer.from('80027d7100580a000000766f6361625f73697a6571014d2c01732e', 'hex');
const META_FLOAT = Buffer.from('80027d7100580a000000766f6361625f73697a657101473ff8000000000000732e', 'hex');

async function scan(dir: string): Promise<{ findings: { path: string; kind: string; error?: { message: string; line: number; column: number } }[]; jobs: { id: string; files: string[] }[] }> {
  let out = '';
  await runCli(['scan', dir, '--json'], { cwd: dir, out: (t) => (out += t), err: () => undefined });
  return JSON.parse(out) as never;
}

test("the vocabulary comes from data/<dataset>/meta.pkl, the dataset the override file names; the file joins the job", async () => {
  const dir = workspace({
    'train.py': TRAIN_META,
    'model.py': MODEL,
    'config/small.py': "dataset = 'tiny'\nn_layer = 6\nn_head = 6\nn_embd = 384\nblock_size = 256\n",
    'run.sh': 'python train.py config/small.py\n',
    'data/tiny/meta.pkl': META_300,
    // another dataset's metadata, and a pickle of another name, are not this job's
    'data/openwebtext/meta.pkl': Buffer.from('80027d7100580a000000766f6361625f73697a6571014b07732e', 'hex'),
    'data/tiny/model.pkl': META_300,
  });
  const [job] = await recommend(dir);
  // The BININT2 opcode of 300 is byte 22 of the file (PROTO 2, EMPTY_DICT, BINPUT, BINUNICODE of 10 bytes, BINPUT):
  // a binary file's position counts bytes, line 1, column 23 (its length byte 0x0a is no line break).
  assert.deepEqual(job.facts.vocabSize, { value: 300, source: { kind: 'file', path: 'data/tiny/meta.pkl', range: { line: 1, column: 23, endLine: 1, endColumn: 24 } } });
  const perLayer = 12 * 384 * 384 + 13 * 384;
  assert.equal(read(job.facts, 'parameters').value, 6 * perLayer + 300 * 384 + 256 * 384 + 2 * 384);
  const report = await scan(dir);
  assert.ok(report.jobs[0]!.files.includes('data/tiny/meta.pkl'));
  assert.ok(!report.jobs[0]!.files.includes('data/openwebtext/meta.pkl'));
  assert.ok(!report.findings.some((f) => f.path.endsWith('model.pkl')), 'only files named meta.pkl are read');
});

test('a meta.pkl the reader cannot read is a finding with its reason and position, and the job assumes 50304 naming it; a missing one too', async () => {
  const files = { 'train.py': TRAIN_META, 'model.py': MODEL, 'config/small.py': "dataset = 'tiny'\nn_layer = 2\nn_head = 2\nn_embd = 64\nblock_size = 64\n", 'run.sh': 'python train.py config/small.py\n' };
  const bad = workspace({ ...files, 'data/tiny/meta.pkl': META_FLOAT });
  const report = await scan(bad);
  const finding = report.findings.find((f) => f.path === 'data/tiny/meta.pkl');
  // BINFLOAT (0x47) at byte 22: the reader stops there and executes nothing.
  assert.deepEqual(finding?.error, { message: 'meta.pkl is not read (opcode 0x47 not read at byte 22): the reader takes a pickled dict of ints and strings and executes nothing', line: 1, column: 23 });
  const [job] = await recommend(bad);
  assert.equal(job.status, 'ok');
  assert.equal(job.facts.vocabSize?.value, 50304);
  assert.equal(job.facts.vocabSize?.source.kind, 'assumption');
  assert.match((job.facts.vocabSize?.source as { reason: string }).reason, /data\/tiny\/meta\.pkl, which the script reads \(train\.py:\d+:\d+\), could not be read/);
  // Over the reader's bound (1 MiB): a finding, never a crash.
  const huge = workspace({ ...files, 'data/tiny/meta.pkl': new Uint8Array(1024 * 1024 + 1) });
  assert.match((await scan(huge)).findings.find((f) => f.path === 'data/tiny/meta.pkl')?.error?.message ?? '', /larger than 1048576 bytes/);
  assert.equal((await recommend(huge))[0]!.status, 'ok');
  // No meta.pkl: nanoGPT itself falls back to 50304, and the assumption says the file is not there.
  const [none] = await recommend(workspace(files));
  assert.match((none.facts.vocabSize?.source as { reason: string }).reason, /data\/tiny\/meta\.pkl \(train\.py:\d+:\d+\), which is not in the workspace/);
});

test('a meta.pkl no nanoGPT script reads forms no job, and the report of unused files says what it is for', () => {
  const report = scanFiles([{ path: 'data/x/meta.pkl', text: latin1Text(META_300) }]);
  assert.deepEqual(report.jobs, []);
  assert.deepEqual(unusedFiles(report.findings, report.jobs).map((u) => [u.path, u.why]), [
    ['data/x/meta.pkl', "a dataset's metadata (its vocab_size): it is read for a nanoGPT-style script whose path to data/<dataset>/meta.pkl names it"],
  ]);
});

test('a file of plain assignments without a configurator script forms no job', async () => {
  const dir = workspace({ 'settings.py': 'batch_size = 4\nlearning_rate = 0.1\n' });
  assert.deepEqual(await recommend(dir), []);
});

test('hostile input: many exec calls, a huge --key=value word, many self.hparams references finish (linear work) and never throw', async () => {
  const { scanFiles } = await import('../../src/core/scan');
  const execs = 'exec(open(name).read())\n'.repeat(20_000);
  const hparams = `class M:\n    def __init__(self, lr=0.1):\n        self.save_hyperparameters()\n    def configure_optimizers(self):\n${'        x = self.hparams.lr\n'.repeat(20_000)}        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)\n`;
  const report = scanFiles([
    { path: 'train.py', text: `import torch\nbatch_size = 1\nlearning_rate = 0.1\n${execs}exec(open('configurator.py').read())\n` },
    { path: 'run.sh', text: `python train.py --batch_size=${'9'.repeat(200_000)}x\n` },
    { path: 'm.py', text: `import torch\n${hparams}` },
  ]);
  const train = report.jobs.find((j) => j.id === 'train.py');
  assert.ok(train !== undefined, 'the configurator call after 20,000 other exec calls is found');
  assert.equal(report.jobs.find((j) => j.id === 'm.py')?.settings.learningRate, 0.1);
});
