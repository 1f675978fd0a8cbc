/**
 * A training function's own accumulation variable, read on the path the script's stated values take
 * (src/core/scan/python/branch-value.ts, training-script.ts readAccumulationVariable): an `if` whose test the stated
 * values decide is followed or skipped, an `else` runs when the tests before it are false, and a condition that cannot
 * be evaluated is named in a note instead of a guessed value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';
import { PythonProgram } from '../../src/core/scan/python/program';
import { truthOf } from '../../src/core/scan/python/branch-value';

/** accelerate's nlp_example.py structure with a given config batch and condition. */
function nlpExample(batch: number, condition: string, raised = 'batch_size // MAX_GPU_BATCH_SIZE'): string {
  return [
    'import torch',
    'from accelerate import Accelerator, DistributedType',
    'from torch.utils.data import DataLoader',
    'MAX_GPU_BATCH_SIZE = 16',
    'def training_function(config, args):',
    '    accelerator = Accelerator()',
    '    batch_size = int(config["batch_size"])',
    '    gradient_accumulation_steps = 1',
    `    if ${condition}:`,
    `        gradient_accumulation_steps = ${raised}`,
    '        batch_size = MAX_GPU_BATCH_SIZE',
    '    train_dataloader = DataLoader([], shuffle=True, batch_size=batch_size)',
    '    optimizer = torch.optim.AdamW(params=[], lr=2e-5)',
    '    for step, batch in enumerate(train_dataloader):',
    '        loss = model(**batch).loss / gradient_accumulation_steps',
    '        accelerator.backward(loss)',
    '        if step % gradient_accumulation_steps == 0:',
    '            optimizer.step()',
    'def main():',
    `    config = {"lr": 2e-5, "batch_size": ${batch}}`,
    '    training_function(config, None)',
    '',
  ].join('\n');
}

function job(text: string) {
  const report = scanFiles([{ path: 'train.py', text }]);
  assert.equal(report.jobs.length, 1);
  return report.jobs[0];
}

test('a branch the stated batch does not take leaves the accumulation at its first value, read from its literal', () => {
  const j = job(nlpExample(16, 'batch_size > MAX_GPU_BATCH_SIZE and accelerator.distributed_type != DistributedType.XLA'));
  assert.equal(j.settings.gradAccum, 1);
  assert.deepEqual([j.sources['gradAccum']?.range.line, j.sources['gradAccum']?.range.column], [8, 35]);
  assert.ok((j.assumptions ?? []).some((a) => a.startsWith("train.py:9: 'if batch_size > MAX_GPU_BATCH_SIZE and accelerator.distributed_type != DistributedType.XLA' does not run")), JSON.stringify(j.assumptions));
});

test('a branch the stated values take gives its value; one whose condition is unknown is named and nothing is read', () => {
  const taken = job(nlpExample(32, 'batch_size > MAX_GPU_BATCH_SIZE', '2'));
  assert.equal(taken.settings.gradAccum, 2);
  assert.equal(taken.sources['gradAccum']?.range.line, 10);
  // the same batch, but the test also asks the accelerator's distributed type, which a file does not state
  const open = job(nlpExample(32, 'batch_size > MAX_GPU_BATCH_SIZE and accelerator.distributed_type != DistributedType.XLA', '2'));
  assert.equal(open.settings.gradAccum, undefined);
  const note = (open.assumptions ?? []).find((a) => a.includes('gradient_accumulation_steps is'));
  assert.equal(note, "train.py:10: gradient_accumulation_steps is '1' unless 'if batch_size > MAX_GPU_BATCH_SIZE and accelerator.distributed_type != DistributedType.XLA' (line 9) runs and assigns it again; that is not known statically, so the accumulation is not read");
  // a value computed from a call the reader does not evaluate is named, not guessed
  const computed = job(nlpExample(32, 'batch_size > MAX_GPU_BATCH_SIZE'));
  assert.equal(computed.settings.gradAccum, undefined);
  assert.ok((computed.assumptions ?? []).some((a) => a.includes("gradient_accumulation_steps is 'batch_size // MAX_GPU_BATCH_SIZE', which is not known statically")), JSON.stringify(computed.assumptions));
});

test('elif and else chains, loops, and a use inside the assigning block', () => {
  const program = (body: string): string => `import torch\ndef train(use_big=False, mode="fast"):\n${body}\n    optimizer = torch.optim.SGD([], lr=0.1)\n    loss = loss / accum_steps\n`;
  assert.equal(job(program('    if use_big:\n        accum_steps = 4\n    else:\n        accum_steps = 8')).settings.gradAccum, 8);
  assert.equal(job(program('    if mode == "slow":\n        accum_steps = 4\n    elif mode == "fast":\n        accum_steps = 2\n    else:\n        accum_steps = 8')).settings.gradAccum, 2);
  assert.equal(job(program('    accum_steps = 3\n    for i in range(2):\n        accum_steps = 5')).settings.gradAccum, undefined);
  const inside = `import torch\ndef train(flag):\n    optimizer = torch.optim.SGD([], lr=0.1)\n    if flag:\n        grad_accum = 4\n        loss = loss / grad_accum\n`;
  assert.equal(job(inside).settings.gradAccum, 4);
  // a module global (nanoGPT's configuration) is not this reader's
  assert.equal(job('import torch\ngradient_accumulation_steps = 5\noptimizer = torch.optim.AdamW([], lr=1e-3)\nloss = loss / gradient_accumulation_steps\n').settings.gradAccum, undefined);
});

test('tests are evaluated from stated values: comparisons, and / or / not, parentheses, None and strings', () => {
  const truth = (expr: string, pre = ''): boolean | undefined => {
    const p = new PythonProgram(`${pre}x = 0\nif ${expr}:\n    pass\n`);
    const start = p.tokens.findIndex((t) => t.text === 'if') + 1;
    const end = p.tokens.findIndex((t, i) => i > start && t.text === ':' && t.depth === 0);
    return truthOf(p, start, end);
  };
  assert.equal(truth('3 > 2'), true);
  assert.equal(truth('N >= 16', 'N = 16\n'), true);
  assert.equal(truth('not (N < 16 or M)', 'N = 16\nM = None\n'), true);
  assert.equal(truth('"a" == "b"'), false);
  assert.equal(truth('unknown_thing > 1'), undefined);
  assert.equal(truth('unknown_thing > 1 and False'), false);
  assert.equal(truth('unknown_thing or True'), true);
  assert.equal(truth('int(B) // 2 > 1', 'B = 8\n'), undefined);
  assert.equal(truth('int(B) > 1', 'B = 8\n'), true);
});
