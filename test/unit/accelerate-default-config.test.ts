/**
 * accelerate's default config of the machine (`$HF_HOME/accelerate/default_config.yaml`, accelerate
 * commands/config/config_args.py) joined to a job whose script runs `accelerate launch` without
 * `--config_file`: read by the caller under the rules for files outside the workspace, with a fake
 * HF_HOME in a temporary folder (never the machine's).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanFiles } from '../../src/core/scan';
import type { MachineFiles } from '../../src/core/scan/machine-files';
import { readAccelerateDefaultConfig } from '../../src/platform/hf-cache';
import { accelerateDefaultConfigFile } from '../../src/platform/hf-env';
import { runCli } from '../../src/cli/main';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-accel-default-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const DEFAULT_CONFIG = ['compute_environment: LOCAL_MACHINE', 'distributed_type: DEEPSPEED', 'deepspeed_config:', '  zero_stage: 3', 'num_machines: 1', 'num_processes: 4', ''].join('\n');
const SCRIPT = '#!/bin/bash\naccelerate launch train.py --per_device_train_batch_size 2 --model_name_or_path gpt2 --output_dir out\n';

function hfHomeWith(name: string, text: string | null): string {
  const home = path.join(tmp, name);
  fs.mkdirSync(path.join(home, 'accelerate'), { recursive: true });
  if (text !== null) fs.writeFileSync(path.join(home, 'accelerate', 'default_config.yaml'), text);
  return home;
}

/** The CLI's reader, counting the reads. */
function machine(home: string, reads = { n: 0 }): MachineFiles {
  return {
    accelerateDefaultConfig: () => {
      reads.n++;
      return readAccelerateDefaultConfig(accelerateDefaultConfigFile({ HF_HOME: home }));
    },
  };
}

test('the place: HF_HOME/accelerate/default_config.yaml, HF_HOME from XDG_CACHE_HOME or ~/.cache', () => {
  assert.equal(accelerateDefaultConfigFile({ HF_HOME: '/h' }, '/home/u'), path.join('/h', 'accelerate', 'default_config.yaml'));
  assert.equal(accelerateDefaultConfigFile({ XDG_CACHE_HOME: '/x' }, '/home/u'), path.join('/x', 'huggingface', 'accelerate', 'default_config.yaml'));
  assert.equal(accelerateDefaultConfigFile({}, '/home/u'), path.join('/home/u', '.cache', 'huggingface', 'accelerate', 'default_config.yaml'));
});

test('accelerate launch without --config_file: the machine default gives 4 GPUs and ZeRO-3, sourced to that file', () => {
  const home = hfHomeWith('with', DEFAULT_CONFIG);
  const file = path.join(home, 'accelerate', 'default_config.yaml');
  const report = scanFiles([{ path: 'train.sh', text: SCRIPT }], { machineFiles: machine(home) });
  assert.equal(report.jobs.length, 1);
  const job = report.jobs[0];
  assert.equal(job.settings.gpus, 4);
  assert.equal(job.settings.zeroStage, 3);
  assert.equal(job.settings.perDeviceBatchSize, 2);
  assert.equal(job.sources['gpus']?.path, file);
  assert.equal(job.sources['gpus']?.range.line, 6);
  assert.equal(job.sources['zeroStage']?.path, file);
  assert.equal(job.sources['perDeviceBatchSize']?.path, 'train.sh');
  assert.ok(job.files.includes(file));
  assert.ok(job.assumptions?.some((a) => a.includes(file) && /machine's accelerate default config/.test(a)), String(job.assumptions));
  // The file is no finding of the workspace.
  assert.deepEqual(report.findings.map((f) => f.path), ['train.sh']);
});

test('the launch wins over the machine default (--num_processes 2)', () => {
  const home = hfHomeWith('with2', DEFAULT_CONFIG);
  const script = SCRIPT.replace('launch train.py', 'launch --num_processes 2 train.py');
  const job = scanFiles([{ path: 'train.sh', text: script }], { machineFiles: machine(home) }).jobs[0];
  assert.equal(job.settings.gpus, 2);
  assert.equal(job.sources['gpus']?.path, 'train.sh');
  assert.equal(job.settings.zeroStage, 3);
});

test('no default config on the machine: an assumption names the file looked for', () => {
  const home = hfHomeWith('without', null);
  const file = path.join(home, 'accelerate', 'default_config.yaml');
  const job = scanFiles([{ path: 'train.sh', text: SCRIPT }], { machineFiles: machine(home) }).jobs[0];
  assert.equal(job.settings.gpus, undefined);
  assert.equal(job.settings.zeroStage, undefined);
  assert.deepEqual(job.files, ['train.sh']);
  assert.ok(job.assumptions?.some((a) => a.includes(file) && a.includes('no such file')), String(job.assumptions));
});

test('the rules for files outside the workspace: a folder in its place, or over 1 MiB, is not read', () => {
  const dir = path.join(hfHomeWith('dir', null), 'accelerate', 'default_config.yaml');
  fs.mkdirSync(dir);
  assert.deepEqual(readAccelerateDefaultConfig(dir), { kind: 'missing', location: dir, reason: 'not a regular file' });
  const big = path.join(hfHomeWith('big', `${DEFAULT_CONFIG}# ${'x'.repeat(2 ** 20)}\n`), 'accelerate', 'default_config.yaml');
  const answer = readAccelerateDefaultConfig(big);
  assert.equal(answer.kind, 'missing');
  assert.match(answer.kind === 'missing' ? answer.reason : '', /over the 1 MiB limit/);
  assert.equal(readAccelerateDefaultConfig(path.join(tmp, 'other.yaml')).kind, 'missing');
});

test('with --config_file the default is not read; with no machine reader nothing is said', () => {
  const home = hfHomeWith('named', DEFAULT_CONFIG);
  const reads = { n: 0 };
  const files = [
    { path: 'train.sh', text: SCRIPT.replace('launch train.py', 'launch --config_file x.yaml train.py') },
    { path: 'x.yaml', text: 'distributed_type: MULTI_GPU\nnum_processes: 8\nnum_machines: 1\n' },
  ];
  const job = scanFiles(files, { machineFiles: machine(home, reads) }).jobs[0];
  assert.equal(reads.n, 0);
  assert.equal(job.settings.gpus, 8);
  assert.equal(job.settings.zeroStage, undefined);
  assert.ok(!job.files.some((f) => f.endsWith('default_config.yaml')));
  const plain = scanFiles([{ path: 'train.sh', text: SCRIPT }]).jobs[0];
  assert.equal(plain.assumptions, undefined);
});

test('CLI: recommend --json with HF_HOME set reads the default config for the launch', async () => {
  const home = hfHomeWith('cli', DEFAULT_CONFIG);
  const ws = path.join(tmp, 'ws');
  fs.mkdirSync(ws, { recursive: true });
  fs.writeFileSync(path.join(ws, 'train.sh'), SCRIPT);
  let out = '';
  const env = { HF_HOME: home, HF_HUB_CACHE: path.join(tmp, 'hub'), XDG_CACHE_HOME: path.join(tmp, 'user-cache'), HF_HUB_OFFLINE: '1' };
  const code = await runCli(['recommend', ws, '--gpu-memory', '24GiB', '--json'], { cwd: ROOT, env, out: (t) => (out += t), err: () => undefined });
  assert.equal(code, 0);
  const job = JSON.parse(out).jobs[0];
  const file = path.join(home, 'accelerate', 'default_config.yaml');
  assert.deepEqual([job.facts.gpus.value, job.facts.gpus.source.kind, job.facts.gpus.source.path], [4, 'file', file]);
  assert.deepEqual([job.facts.zeroStage.value, job.facts.zeroStage.source.path], [3, file]);
  assert.equal(job.facts.microBatch.value, 2);
  assert.ok(job.files.includes(file));
  assert.ok(job.assumptions.some((a: string) => a.includes(file)));
});
