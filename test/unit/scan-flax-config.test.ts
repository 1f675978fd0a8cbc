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

const TRAIN = `import jax
import jax.numpy as jnp
import optax

def create_model(*, model_cls, half_precision, **kwargs):
    platform = jax.local_devices()[0].platform
    if half_precision:
        if platform == 'tpu':
            model_dtype = jnp.bfloat16
        else:
            model_dtype = jnp.float16
    else:
        model_dtype = jnp.float32
    return model_cls(num_classes=1000, dtype=model_dtype, **kwargs)

def loss_fn(params, loss):
    weight_decay = 0.0001
    weight_l2 = sum(jnp.sum(x**2) for x in jax.tree_util.tree_leaves(params) if x.ndim > 1)
    return loss + weight_decay * 0.5 * weight_l2

def train_and_evaluate(config, workdir):
    image_size = 224
    tx = optax.sgd(learning_rate=0.1, momentum=0.9, nesterov=True)
`;
const CONFIG = (half: string) => `import ml_collections
def get_config():
    config = ml_collections.ConfigDict()
    config.model = 'ResNet50'
    config.warmup_epochs = 5.0
    config.half_precision = ${half}
    return config
`;
const flaxJob = (half: string, train = TRAIN) => scanFiles([
  FILES[0], { path: 'train.py', text: train }, { path: 'configs/default.py', text: CONFIG(half) },
  { path: 'run.sh', text: 'python main.py --workdir=/tmp/w --config=configs/default.py\n' },
]).jobs[0];

test("the config's warmup_epochs is a warmup in epochs, and its half_precision picks train.py's dtype branch", () => {
  const job = flaxJob('False');
  assert.equal(job.settings.warmupEpochs, 5);
  assert.deepEqual([job.sources['warmupEpochs']?.path, job.sources['warmupEpochs']?.range.line], ['configs/default.py', 5]);
  assert.equal(job.settings.precision, 'fp32');
  assert.deepEqual([job.sources['precision']?.path, job.sources['precision']?.range.line], ['train.py', 13], 'the else branch: jnp.float32');
  const half = flaxJob('True');
  assert.equal(half.settings.precision, 'fp16-mixed', 'float16 computation off TPU, parameters kept in float32');
  assert.equal(half.sources['precision']?.range.line, 11);
});

test('without the config switch, the dtype branches decide nothing', () => {
  const job = flaxJob('config.other');
  assert.equal(job.sources['precision']?.path === 'train.py', false);
});

test("a JAX train.py's own weight_decay (an L2 penalty in the loss, noted as such) and image_size constants are read", () => {
  const job = flaxJob('False');
  assert.equal(job.settings.weightDecay, 0.0001);
  assert.deepEqual([job.sources['weightDecay']?.path, job.sources['weightDecay']?.range.line], ['train.py', 17]);
  assert.ok(job.assumptions?.some((a) => a.includes('L2 regularisation')), JSON.stringify(job.assumptions));
  assert.equal(job.settings.imageSize, 224);
  assert.equal(job.sources['imageSize']?.range.line, 22);
});

test('weight_decay or image_size computed, or written twice with different values, is not read', () => {
  const job = flaxJob('False', TRAIN.replace('weight_decay = 0.0001', 'weight_decay = config.wd').replace('image_size = 224', 'image_size = 224\n    image_size = 160'));
  assert.equal(job.settings.weightDecay, undefined);
  assert.equal(job.settings.imageSize, undefined);
});
