/**
 * Scripts that run other scripts with arguments (README: Launch scripts): positional parameters read
 * with the caller's words (`$1`, `${2:-x}`, `"$@"`, `shift`), the call followed at join time up to
 * MAX_HOPS scripts, and the flags reaching the program read through its argparse option table
 * (timm's train.py, short options included). Hand-made scripts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';
import { readLaunches } from '../../src/core/scan/shell/launch';
import { readShell, type Word } from '../../src/core/scan/shell/words';
import { MAX_HOPS, scriptCallJoinReads } from '../../src/core/scan/script-calls';

/** The words of a caller's command line, as `readShell` gives them (with their ranges in the caller). */
function callerWords(line: string): readonly Word[] {
  const [c] = readShell(line).commands;
  return c.words.slice(1);
}

test('words: with the caller\'s words, $N, ${N}, ${N:-d}, $#, variables set from them, shift and "$@" follow them', () => {
  const args = callerWords('./x.sh 4 --lr 0.1 -b 8');
  const s = readShell('N=$1\nshift\necho "$N" ${1} ${9:-dflt} $# "$@"\n', args);
  const echo = s.commands[0].words.map((w) => w.text);
  assert.deepEqual(echo, ['echo', '4', '--lr', 'dflt', '4', '--lr', '0.1', '-b', '8']);
  // A value from the caller keeps the caller's range: "$N" is the caller's `4` (column 8).
  assert.equal(s.commands[0].words[1].range.column, 8);
  assert.ok(s.commands[0].words[1].origin !== undefined);
  // Without the caller's words, positional parameters stay unknown and shift is an ordinary command.
  const alone = readShell('torchrun --nproc_per_node=$1 train.py "$@"\n');
  assert.equal(alone.commands[0].words[1].text, null);
  assert.match(alone.commands[0].words[1].unknown ?? '', /\$1, which is given when the script runs/);
});

test('words: shift n beyond the count shifts nothing; an unknown count leaves the parameters unknown', () => {
  const args = callerWords('./x.sh a b');
  assert.deepEqual(readShell('shift 3\necho $1\n', args).commands[0].words.map((w) => w.text), ['echo', 'a']);
  const unknown = readShell('shift $K\necho $1\n', args).commands[0].words[1];
  assert.equal(unknown.text, null);
});

test('launch: torchrun with --nproc_per_node=$NUM_PROC and "$@" read with the caller\'s words', () => {
  const args = callerWords('./distributed_train.sh 2 --model resnet50 -b 64');
  const [l] = readLaunches(readShell('#!/bin/bash\nNUM_PROC=$1\nshift\ntorchrun --nproc_per_node=$NUM_PROC train.py "$@"\n', args));
  assert.equal(l.gpus?.value, 2);
  assert.equal(l.script?.value, 'train.py');
  assert.deepEqual(l.args.map((w) => w.text), ['--model', 'resnet50', '-b', '64']);
});

const TIMM_TRAIN = `import argparse
parser = argparse.ArgumentParser()
parser.add_argument('--model', default='resnet50', type=str)
parser.add_argument('-b', '--batch-size', type=int, default=128)
parser.add_argument('--grad-accum-steps', type=int, default=1)
parser.add_argument('--amp', action='store_true', default=False)
parser.add_argument('--amp-dtype', default='float16', type=str)
parser.add_argument('--opt', default='sgd', type=str)
parser.add_argument('--weight-decay', type=float, default=2e-5)
parser.add_argument('--lr', type=float, default=None)
parser.add_argument('--lr-base', type=float, default=0.1)
parser.add_argument('--warmup-epochs', type=int, default=5)
`;
const DIST = '#!/bin/bash\nNUM_PROC=$1\nshift\ntorchrun --nproc_per_node=$NUM_PROC train.py "$@"\n';

test('a script running a launch script: the job is named after it, and each flag is read with the file it is written in', () => {
  const report = scanFiles([
    { path: 'train.py', text: TIMM_TRAIN },
    { path: 'distributed_train.sh', text: DIST },
    { path: 'run.sh', text: '#!/bin/bash\n./distributed_train.sh 4 --model resnext50_32x4d -b 192 --lr 0.6 --amp --warmup-epochs 3\n' },
  ]);
  assert.equal(report.jobs.length, 1);
  const [job] = report.jobs;
  assert.equal(job.id, 'run.sh');
  assert.deepEqual(job.model?.kind === 'hub-id' ? job.model.id : job.model, 'timm/resnext50_32x4d');
  assert.equal(job.settings.gpus, 4);
  assert.equal(job.sources['gpus']?.path, 'run.sh');
  assert.equal(job.settings.perDeviceBatchSize, 192);
  assert.equal(job.sources['perDeviceBatchSize']?.path, 'run.sh');
  assert.equal(job.settings.learningRate, 0.6);
  assert.equal(job.settings.warmupEpochs, 3);
  // --amp on: the precision is train.py's --amp-dtype default.
  assert.equal(job.settings.precision, 'fp16-mixed');
  assert.equal(job.sources['precision']?.path, 'train.py');
  assert.equal(job.sources['precision']?.range.line, 7);
  // Values the command line leaves alone stay train.py's.
  assert.equal(job.settings.weightDecay, 2e-5);
  assert.equal(job.sources['weightDecay']?.path, 'train.py');
});

test('timm: without --lr the lr is lr_base × global batch / 256, counting the GPUs; -b64 and --batch-size=64 are the same flag', () => {
  for (const flag of ['-b64', '--batch-size=64', '-b 64']) {
    const [job] = scanFiles([
      { path: 'train.py', text: TIMM_TRAIN },
      { path: 'distributed_train.sh', text: DIST },
      { path: 'run.sh', text: `bash distributed_train.sh 8 ${flag}\n` },
    ]).jobs;
    assert.equal(job.settings.perDeviceBatchSize, 64, flag);
    assert.ok(Math.abs((job.settings.learningRate as number) - 0.1 * (64 * 8) / 256) < 1e-12, flag);
    // --amp not given: train.py's default (off) stands.
    assert.equal(job.settings.precision, 'fp32', flag);
  }
});

test('calls are followed through at most MAX_HOPS scripts', () => {
  const chain = (hops: number) => {
    const files = [{ path: 'train.py', text: TIMM_TRAIN }, { path: 'distributed_train.sh', text: DIST }];
    let callee = 'distributed_train.sh';
    for (let k = 1; k < hops; k++) {
      files.push({ path: `hop${k}.sh`, text: `./${callee} "$@"\n` });
      callee = `hop${k}.sh`;
    }
    files.push({ path: 'run.sh', text: `./${callee} 2 -b 32\n` });
    return scanFiles(files).jobs;
  };
  const [near] = chain(MAX_HOPS);
  assert.equal(near.id, 'run.sh');
  assert.equal(near.settings.perDeviceBatchSize, 32);
  // One hop more: run.sh is not followed; the last script in reach names the job.
  const far = chain(MAX_HOPS + 1);
  assert.ok(!far.some((j) => j.id === 'run.sh'));
  assert.ok(far.every((j) => j.settings.perDeviceBatchSize !== 32));
});

test('a call without arguments is not followed: the called script stays the launcher and names the job', () => {
  const jobs = scanFiles([
    { path: 'train.py', text: TIMM_TRAIN },
    { path: 'train.sh', text: 'torchrun --nproc_per_node=2 train.py -b 16\n' },
    { path: 'all.sh', text: 'bash train.sh\n' },
  ]).jobs;
  assert.deepEqual(jobs.map((j) => j.id), ['train.sh']);
  assert.equal(jobs[0].settings.perDeviceBatchSize, 16);
  assert.equal(jobs[0].sources['perDeviceBatchSize']?.path, 'train.sh');
});

test('the editor keeps the text of .sh files that may call a script, and only those', () => {
  assert.equal(scriptCallJoinReads({ path: 'run.sh', text: './distributed_train.sh 2 --model resnet50' }), true);
  assert.equal(scriptCallJoinReads({ path: 'run.sh', text: 'echo hello' }), false);
  assert.equal(scriptCallJoinReads({ path: 'notes.txt', text: './x.sh 2' }), false);
});
