/**
 * The Flax examples' layout (README: What the scanner reads): an absl main.py with `config_flags.DEFINE_config_file`
 * that imports train.py, launched with `--config=configs/x.py` (an ml_collections ConfigDict naming the model).
 * Hand-made inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';

const FILES = [
  { path: 'main.py', text: "from absl import app\nfrom ml_collections import config_flags\nimport train\nconfig_flags.DEFINE_config_file('config', None, 'cfg')\n" },
  { path: 'train.py', text: 'import optax\ndef run(config):\n    tx = optax.sgd(learning_rate=0.1, momentum=config.momentum, nesterov=True)\n' },
  { path: 'configs/big.py', text: "import ml_collections\ndef get_config():\n    config = ml_collections.ConfigDict()\n    config.model = 'ResNet101'\n    config.momentum = 0.9\n    return config\n" },
  { path: 'run.sh', text: 'python main.py --workdir=/tmp/w --config=configs/big.py\n' },
];

test('absl main.py joins the train.py it imports and the --config file; the config names the model', () => {
  const report = scanFiles(FILES);
  assert.deepEqual(report.jobs.map((j) => [j.id, j.files]), [['run.sh', ['configs/big.py', 'main.py', 'run.sh', 'train.py']]]);
  const [job] = report.jobs;
  assert.deepEqual(job.model?.kind === 'hub-id' ? [job.model.id, job.model.path, job.model.range.line] : null, ['torchvision/resnet101', 'configs/big.py', 4]);
  assert.equal(job.settings.optimizer, 'optax.sgd');
});

test('nesterov=True with a momentum that is not a literal is a note, not an error', () => {
  const [job] = scanFiles(FILES).jobs;
  assert.equal(job.settings.optimizerParams?.['nesterov'], undefined);
  assert.ok(job.assumptions?.some((a) => a.includes('momentum is not a literal')));
});
