/**
 * diffusers' example training scripts (README: What the scanner reads, "diffusers example scripts"): the script's
 * argparse defaults are the job's values, the launch's flags replace them through the script's option table, and
 * `--pretrained_model_name_or_path` names the pipeline whose `subfolder` UNet is trained (read from the HF cache).
 * Inputs: the corpus setup diffusers-text-to-image-sd-v1-4 (its script and cache) with hand-made launch lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JobFacts } from '../../src/core/job-facts';
import { runCli } from '../../src/cli/main';

interface JobDoc {
  source: string;
  status: string;
  facts: JobFacts;
  assumptions: string[];
  notModelled?: string[];
}

function setupDir(): string {
  for (const base of [process.cwd(), path.resolve(__dirname, '..', '..', '..')]) {
    const dir = path.join(base, 'test', 'corpus', 'diffusers-text-to-image-sd-v1-4');
    if (fs.existsSync(dir)) return dir;
  }
  throw new Error('test/corpus not found: run the tests from the repository root');
}

/** The setup's script and fake cache with `launch` as train.sh. */
function workspace(launch: string | null): { dir: string; cache: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-diffusers-'));
  fs.copyFileSync(path.join(setupDir(), 'train_text_to_image.py'), path.join(dir, 'train_text_to_image.py'));
  if (launch !== null) fs.writeFileSync(path.join(dir, 'train.sh'), launch);
  return { dir, cache: path.join(setupDir(), '.hf-cache', 'hub') };
}

async function recommend(w: { dir: string; cache: string }): Promise<JobDoc[]> {
  let out = '';
  let err = '';
  const env = { ...process.env, HF_HUB_CACHE: w.cache, HF_HUB_OFFLINE: '1', OPTIMIZER_ADVISOR_HUB: undefined };
  await runCli(['recommend', w.dir, '--gpu-memory', '24GiB', '--json', '--offline'], { cwd: w.dir, env, out: (t) => (out += t), err: (t) => (err += t) });
  assert.ok(out.length > 0, err);
  return (JSON.parse(out) as { jobs: JobDoc[] }).jobs;
}

function fact(facts: JobFacts, name: keyof JobFacts): { value: unknown; path: string | null } {
  const f = facts[name];
  assert.ok(f !== undefined, `fact ${String(name)}`);
  const s = f.source as { kind: string; path?: string };
  return { value: f.value, path: s.kind === 'file' || s.kind === 'launcher' ? (s.path ?? null) : null };
}

test('the launch flags replace the script defaults; --use_8bit_adam picks bitsandbytes AdamW8bit, --use_ema is not modelled', async () => {
  const w = workspace('accelerate launch train_text_to_image.py --pretrained_model_name_or_path=CompVis/stable-diffusion-v1-4 \\\n  --resolution=768 --train_batch_size 2 --mixed_precision=bf16 --use_8bit_adam --use_ema --lr_warmup_steps=abc\n');
  const [job] = await recommend(w);
  assert.equal(job.status, 'ok');
  assert.deepEqual(fact(job.facts, 'model'), { value: 'CompVis/stable-diffusion-v1-4', path: 'train.sh' });
  assert.equal(fact(job.facts, 'parameters').value, 859_520_964);
  assert.deepEqual(fact(job.facts, 'imageSize'), { value: 768, path: 'train.sh' });
  assert.deepEqual(fact(job.facts, 'microBatch'), { value: 2, path: 'train.sh' });
  assert.deepEqual(fact(job.facts, 'precision'), { value: 'bf16-mixed', path: 'train.sh' });
  assert.deepEqual(fact(job.facts, 'optimizer'), { value: 'adamw-8bit', path: 'train.sh' });
  assert.equal(job.facts.seqLen, undefined, 'an image model has no sequence length');
  // Not a number: the script's default 500 stays, with the reason.
  assert.deepEqual(fact(job.facts, 'warmup'), { value: { unit: 'steps', value: 500 }, path: 'train_text_to_image.py' });
  assert.ok(job.assumptions.some((a) => a.includes('--lr_warmup_steps "abc" is not a valid value')), job.assumptions.join('\n'));
  assert.ok((job.notModelled ?? []).some((n) => n.startsWith('use_ema:')));
});

test('without flags the script defaults are the job: batch 16, resolution 512, AdamW with weight decay 0.01', async () => {
  const w = workspace('accelerate launch train_text_to_image.py --pretrained_model_name_or_path="CompVis/stable-diffusion-v1-4"\n');
  const [job] = await recommend(w);
  assert.deepEqual(fact(job.facts, 'microBatch'), { value: 16, path: 'train_text_to_image.py' });
  assert.deepEqual(fact(job.facts, 'imageSize'), { value: 512, path: 'train_text_to_image.py' });
  assert.deepEqual(fact(job.facts, 'optimizer'), { value: 'adamw', path: 'train_text_to_image.py' });
  assert.deepEqual(fact(job.facts, 'weightDecay'), { value: 0.01, path: 'train_text_to_image.py' });
  assert.deepEqual(fact(job.facts, 'lr'), { value: 1e-4, path: 'train_text_to_image.py' });
});

test('a pipeline id written in the script: from_pretrained("…", subfolder="unet") reads that folder of the cached pipeline', async () => {
  const w = workspace(null);
  const script = path.join(w.dir, 'train_text_to_image.py');
  fs.writeFileSync(script, fs.readFileSync(script, 'utf8').replace('from_pretrained(args.pretrained_model_name_or_path, subfolder="unet")', 'from_pretrained("CompVis/stable-diffusion-v1-4", subfolder="unet")'));
  const [job] = await recommend(w);
  assert.equal(job.status, 'ok');
  assert.deepEqual(fact(job.facts, 'model'), { value: 'CompVis/stable-diffusion-v1-4', path: 'train_text_to_image.py' });
  assert.equal(fact(job.facts, 'parameters').value, 859_520_964);
});

test('the script alone names no pipeline: the job needs a model, and says so', async () => {
  const [job] = await recommend(workspace(null));
  assert.notEqual(job.status, 'ok');
});
