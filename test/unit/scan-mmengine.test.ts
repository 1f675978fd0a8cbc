/**
 * OpenMMLab / MMEngine Python configs (`configs/**.py` with a `_base_` list): recognised, not read. A job a launch
 * passes such a config to says so, in `scan` and in `recommend` (also when the job needs a model config), instead of
 * saying nothing about the file (README: What the scanner reads).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { scanFiles } from '../../src/core/scan';

// open-mmlab/mmpretrain: a config inheriting its _base_ files, launched by tools/dist_train.sh with the GPU count.
const FILES: Readonly<Record<string, string>> = {
  'configs/resnet/resnet50_8xb32_in1k.py': "_base_ = [\n    '../_base_/models/resnet50.py', '../_base_/datasets/imagenet_bs32.py'\n]\n",
  'configs/_base_/models/resnet50.py': "model = dict(type='ImageClassifier', backbone=dict(type='ResNet', depth=50))\n",
  'tools/dist_train.sh': 'CONFIG=$1\nGPUS=$2\npython -m torch.distributed.launch --nproc_per_node=$GPUS $(dirname "$0")/train.py $CONFIG --launcher pytorch\n',
  'run.sh': 'bash ./tools/dist_train.sh configs/resnet/resnet50_8xb32_in1k.py 8\n',
};

test('an MMEngine config a launch passes joins its job with an assumption saying it is not read; it forms no job alone', () => {
  const result = scanFiles(Object.entries(FILES).map(([p, text]) => ({ path: p, text })));
  assert.deepEqual(result.findings.filter((f) => f.kind === 'mmengine-config').map((f) => f.path), ['configs/resnet/resnet50_8xb32_in1k.py']);
  assert.equal(result.jobs.length, 1);
  const job = result.jobs[0];
  assert.ok(job.files.includes('configs/resnet/resnet50_8xb32_in1k.py'), JSON.stringify(job.files));
  assert.equal(job.settings.gpus, 8);
  assert.ok((job.assumptions ?? []).some((a) => a.startsWith('configs/resnet/resnet50_8xb32_in1k.py:1:1: an MMEngine config') && a.includes('not read')), JSON.stringify(job.assumptions));
  // nothing is read from it: no optimizer, batch or model
  assert.equal(job.model, null);
  assert.equal(job.settings.optimizer, undefined);
  assert.equal(job.settings.perDeviceBatchSize, undefined);
});

test('recommend: a job that needs a model config lists what its files leave open, the unread MMEngine config among it', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mmengine-'));
  try {
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    let out = '';
    const code = await runCli(['recommend', root, '--offline', '--json'], { cwd: root, out: (t) => (out += t), err: () => undefined });
    assert.equal(code, 3);
    const doc = JSON.parse(out) as { jobs: { status: string; assumptions?: string[] }[] };
    assert.equal(doc.jobs[0].status, 'needs a model config');
    assert.ok((doc.jobs[0].assumptions ?? []).some((a) => a.includes('an MMEngine config')), JSON.stringify(doc.jobs[0]));
    let text = '';
    await runCli(['recommend', root, '--offline'], { cwd: root, out: (t) => (text += t), err: () => undefined });
    assert.match(text, /^assumed: configs\/resnet\/resnet50_8xb32_in1k\.py:1:1: an MMEngine config/m);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
