/**
 * An optimizer's keyword arguments, read by the one reader (src/core/scan/optimizer-arguments.ts) in each format:
 * the learning rate and weight decay as settings, the rest as the optimizer's hyperparameters, and what each format
 * does differently (DeepSpeed's strings and "auto", a Python call's lists of expressions, `learning_rate`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';

test('DeepSpeed optimizer params: strings are hyperparameters too, "auto" is left to the Trainer', () => {
  const args = { output_dir: 'o', learning_rate: 1e-5, deepspeed: { optimizer: { type: 'OneBitAdam', params: { lr: 1e-4, weight_decay: 'auto', freeze_step: 400, comm_backend_name: 'nccl' } } } };
  const result = scanFiles([{ path: 'args.json', text: JSON.stringify(args, null, 2) }]);
  assert.equal(result.findings[0].error, undefined);
  const job = result.jobs[0];
  assert.deepEqual(job.settings.optimizerParams, { freeze_step: 400, comm_backend_name: 'nccl' });
  // DeepSpeed's lr replaces the Trainer's; its "auto" weight decay leaves the Trainer's default (0)
  assert.equal(job.settings.learningRate, 1e-4);
  assert.equal(job.settings.weightDecay, 0);
  assert.ok(job.sources['optimizerParams.comm_backend_name'] !== undefined);
  assert.equal(job.sources.weightDecay, undefined);
});

test('a Python optimizer call: a list holding an expression is passed over, not an error; the other arguments are read', () => {
  const text = 'import torch\nbeta2 = compute()\nmodel = torch.nn.Linear(4, 4)\nopt = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=[0.9, beta2], eps=1e-8)\n';
  const result = scanFiles([{ path: 'train.py', text }]);
  assert.equal(result.findings[0].error, undefined);
  assert.deepEqual(result.jobs[0].settings, { optimizer: 'torch.optim.AdamW', optimizerParams: { eps: 1e-8 }, learningRate: 3e-4 });
});

test("a Lightning component's learning_rate is its learning rate; in a config, a list that holds a string is an error of the file", () => {
  const config = (betas: string) =>
    `trainer:\n  devices: 2\nmodel:\n  class_path: mypkg.LitModel\noptimizer:\n  class_path: torch.optim.AdamW\n  init_args:\n    learning_rate: 0.0003\n    betas: ${betas}\n`;
  const good = scanFiles([{ path: 'config.yaml', text: config('[0.9, 0.95]') }]);
  assert.equal(good.findings[0].kind, 'lightning-cli-config');
  assert.deepEqual(good.jobs[0].settings.optimizerParams, { betas: [0.9, 0.95] });
  assert.equal(good.jobs[0].settings.learningRate, 3e-4);

  const bad = scanFiles([{ path: 'config.yaml', text: config('[0.9, fast]') }]);
  // line 9 `    betas: [0.9, fast]`: `fast` at column 18
  assert.deepEqual(bad.findings[0].error, { message: "'optimizer.init_args.betas' must hold only numbers, not a string (\"fast\")", line: 9, column: 18 });
  const recipe = 'model:\n  _component_: torchtune.models.llama3_2.llama3_2_1b\noptimizer:\n  _component_: torch.optim.AdamW\n  lr: 2e-5\n  betas: [0.9, fast]\n';
  assert.deepEqual(scanFiles([{ path: 'recipe.yaml', text: recipe }]).findings[0].error, { message: "'optimizer.betas' must hold only numbers, not a string (\"fast\")", line: 6, column: 16 });
});
