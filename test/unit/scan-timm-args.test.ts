/**
 * timm's train.py read by its argparse options (README: What the scanner reads): `--model`, `-b/--batch-size`,
 * `--opt`, `--weight-decay`, `--lr` (or `--lr-base` scaled by the batch), `--amp` / `--amp-dtype`; and a
 * launcher option whose value is an unknown variable (`--nproc_per_node=$NUM_PROC`). Hand-made inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';

const TRAIN = (extra: string) => `import argparse
parser = argparse.ArgumentParser()
parser.add_argument('--model', default='resnet50', type=str)
parser.add_argument('--pretrained', action='store_true', default=False)
parser.add_argument('-b', '--batch-size', type=int, default=96)
parser.add_argument('--grad-accum-steps', type=int, default=2)
parser.add_argument('--opt', default='adamw', type=str)
parser.add_argument('--weight-decay', type=float, default=0.05)
parser.add_argument('--lr-base', type=float, default=0.004)
parser.add_argument('--lr-base-size', type=int, default=512)
${extra}`;

test('timm train.py: argparse defaults are the job\'s values, the lr scaled from --lr-base (sqrt for Ada optimizers), --amp off is fp32', () => {
  const [job] = scanFiles([{ path: 'train.py', text: TRAIN("parser.add_argument('--lr', type=float, default=None)\nparser.add_argument('--amp', action='store_true')\n") }]).jobs;
  assert.deepEqual(job.model && job.model.kind === 'hub-id' ? job.model.id : job.model, 'timm/resnet50');
  assert.equal(job.settings.perDeviceBatchSize, 96);
  assert.equal(job.settings.gradAccum, 2);
  assert.equal(job.settings.optimizer, 'adamw');
  assert.equal(job.settings.weightDecay, 0.05);
  // adamw scales by the square root: 0.004 × sqrt(96 × 2 / 512)
  assert.ok(Math.abs((job.settings.learningRate as number) - 0.004 * Math.sqrt(192 / 512)) < 1e-12);
  assert.equal(job.settings.precision, 'fp32');
  assert.equal(job.settings.pretraining, true);
  assert.equal(job.sources['perDeviceBatchSize']?.range.line, 5);
});

test('timm train.py: an explicit --lr default wins; --amp on takes --amp-dtype', () => {
  const extra = "parser.add_argument('--lr', type=float, default=0.1)\nparser.add_argument('--amp', action='store_true', default=True)\nparser.add_argument('--amp-dtype', default='bfloat16')\n";
  const [job] = scanFiles([{ path: 'train.py', text: TRAIN(extra) }]).jobs;
  assert.equal(job.settings.learningRate, 0.1);
  assert.equal(job.settings.precision, 'bf16-mixed');
});

test('a launcher option with an unknown variable value does not hide the script it launches', () => {
  const sh = 'NUM_PROC=$1\nshift\ntorchrun --nproc_per_node=$NUM_PROC train.py "$@"\n';
  const report = scanFiles([{ path: 'train.py', text: TRAIN('') }, { path: 'distributed_train.sh', text: sh }]);
  assert.deepEqual(report.jobs.map((j) => [j.id, j.files]), [['distributed_train.sh', ['distributed_train.sh', 'train.py']]]);
  assert.ok(report.jobs[0].assumptions?.some((a) => a.includes('--nproc_per_node') && a.includes('$NUM_PROC')));
});
