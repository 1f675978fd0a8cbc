/**
 * Shell launch scripts read statically: the word reader (variables, arithmetic, quotes,
 * continuations, eval, what stays unknown), each launcher, and scripts joined to the jobs they
 * launch in fixtures modelled on real projects (test/fixtures/launch, SOURCE lines there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';
import { readLaunch, readLaunches, slurmGpus } from '../../src/core/scan/shell/launch';
import { MAX_WORD_CHARS, evaluateArithmetic, readShell } from '../../src/core/scan/shell/words';
import type { ScanFile } from '../../src/core/scan/types';
import { loadFolder, on } from './scan-formats-helpers';

const texts = (script: string) => readShell(script).commands.map((c) => c.words.map((w) => w.text));

test('words: quotes, escapes, continuations, variables, defaults and arithmetic are expanded', () => {
  const script = [
    'N=4',
    'export NODES=2',
    'NAME="run $N"',
    "echo 'a $N' \"b $N\" c\\ d ${N} ${MISSING:-7} $((N * NODES + 1)) \\",
    '  --x=$((N/3)) # a comment',
    'echo done; echo next',
  ].join('\n');
  assert.deepEqual(texts(script), [
    ['echo', 'a $N', 'b 4', 'c d', '4', '7', '9', '--x=1'],
    ['echo', 'done'],
    ['echo', 'next'],
  ]);
  const vars = readShell(script).variables;
  assert.equal(vars.get('NAME')?.value, 'run 4');
  assert.equal(vars.get('NODES')?.value, '2');
});

test('words: what a script cannot say statically is unknown, with the reason', () => {
  const [cmd] = readShell('GPUS=$1\ntorchrun --nproc_per_node $GPUS `hostname` $(nproc) $UNSET ${#X}\n').commands;
  const words = cmd.words;
  assert.equal(words[2].text, null);
  assert.match(words[2].unknown ?? '', /\$1, which is given when the script runs/);
  assert.match(words[3].unknown ?? '', /output of `hostname`/);
  assert.match(words[4].unknown ?? '', /output of \$\(nproc\)/);
  assert.match(words[5].unknown ?? '', /\$UNSET, which this file does not set/);
  assert.equal(words[6].text, null);
  // A positional parameter with a default: the default is used and the assumption said.
  const [withDefault] = readShell('LR=${3:-0.00003}\necho $LR\n').commands;
  assert.equal(withDefault.words[1].text, '0.00003');
  assert.match(withDefault.words[1].assumed ?? '', /argument 3 is not known; its default 0.00003 is assumed/);
});

test('words: ranges are 1-based lines and columns of the script', () => {
  const [cmd] = readShell('# header\ntorchrun \\\n  --nproc_per_node 8 train.py\n').commands;
  // line 3 `  --nproc_per_node 8 train.py`: "8" at column 20
  assert.deepEqual(cmd.words[2].range, on(3, 20, 21));
  assert.deepEqual(cmd.words[0].range, on(2, 1, 9));
});

test('words: eval of a command kept in a variable is read where the command is written', () => {
  const script = 'N=2\ncmd="torchrun --nproc_per_node $N \\\n  train.py --bf16"\neval ${cmd}\n';
  const [c] = readShell(script).commands;
  assert.deepEqual(c.words.map((w) => w.text), ['torchrun', '--nproc_per_node', '2', 'train.py', '--bf16']);
  // `train.py` is on line 3 of the file, inside the assignment
  assert.equal(c.words[3].range.line, 3);
  // `$cmd` alone runs it too
  const [alone] = readShell('cmd="deepspeed --num_gpus 2 main.py"\n$cmd\n').commands;
  assert.deepEqual(alone.words.map((w) => w.text), ['deepspeed', '--num_gpus', '2', 'main.py']);
});

test('words: heredocs are skipped, and growth by self-reference stays bounded', () => {
  assert.deepEqual(texts('cat <<EOF\ntorchrun --nproc_per_node 8 x.py\nEOF\necho after\n'), [['cat'], ['echo', 'after']]);
  const lines = ['A=xxxxxxxxxxxxxxxx'];
  for (let i = 0; i < 40; i++) lines.push('A=$A$A');
  lines.push('echo $A');
  const [echo] = readShell(lines.join('\n')).commands;
  assert.equal(echo.words[1].text, null);
  assert.match(echo.words[1].unknown ?? '', new RegExp(`longer than ${MAX_WORD_CHARS}`));
});

test('arithmetic: + - * / % and parentheses; unknown names and division by zero are reasons', () => {
  const vals: Record<string, string> = { A: '6', B: '4' };
  const ev = (s: string) => evaluateArithmetic(s, (n) => `$${n} unset`, (n) => vals[n] ?? null);
  assert.equal(ev('A * (B + 2) - 7 % 4'), 33);
  assert.equal(ev('$A / B'), 1);
  assert.equal(ev('-A + 10'), 4);
  assert.deepEqual(ev('A / 0'), { unknown: 'division by zero in arithmetic' });
  assert.deepEqual(ev('C + 1'), { unknown: '$C unset' });
  assert.deepEqual(ev('A ** 2'), { unknown: "'*' in arithmetic is not evaluated statically" });
});

test('launchers: GPU counts, config files and script arguments of each', () => {
  const launch = (line: string) => {
    const l = readLaunches(readShell(line))[0];
    assert.ok(l, line);
    return l;
  };
  const t = launch('torchrun --nnodes 2 --nproc-per-node=8 --master_port 29500 train.py --bf16');
  assert.deepEqual([t.launcher, t.gpus?.value, t.gpusFrom, t.script?.value, t.args.map((w) => w.text)], ['torchrun', 16, '--nproc_per_node 8 × --nnodes 2', 'train.py', ['--bf16']]);
  assert.equal(launch('torchrun --nnodes 1:4 --nproc_per_node 2 train.py').gpus?.value, 8, 'elastic MIN:MAX counts the maximum');
  const m = launch('python3 -m torch.distributed.run --nproc_per_node 4 run.py');
  // torch.distributed.launch's --use_env is a flag: the script is the next word
  assert.equal(launch('python -m torch.distributed.launch --nproc_per_node=2 --use_env run.py').script?.value, 'run.py');
  assert.deepEqual([m.launcher, m.gpus?.value, m.script?.value], ['torchrun', 4, 'run.py']);
  const a = launch('accelerate launch --config_file cfg.yaml --num_processes 8 --mixed_precision bf16 sft.py recipe.yaml --lr 1');
  assert.deepEqual([a.launcher, a.gpus?.value, a.script?.value, a.config?.value], ['accelerate', 8, 'sft.py', 'recipe.yaml']);
  const d = launch('deepspeed --num_gpus 4 --num_nodes 2 main.py --deepspeed_config ds.json');
  assert.deepEqual([d.launcher, d.gpus?.value], ['deepspeed', 8]);
  const lf = launch('FORCE_TORCHRUN=1 NNODES=2 NPROC_PER_NODE=8 llamafactory-cli train examples/x.yaml');
  assert.deepEqual([lf.launcher, lf.gpus?.value, lf.config?.value], ['llamafactory-cli', 16, 'examples/x.yaml']);
  assert.equal(launch('FORCE_TORCHRUN=1 llamafactory-cli train x.yaml').gpus, null, 'without NPROC_PER_NODE the count is the machine\'s');
  const tune = launch('tune run --nproc_per_node 2 lora_finetune_distributed --config cfg.yaml batch_size=8');
  assert.deepEqual([tune.launcher, tune.gpus?.value, tune.script?.value, tune.config?.value, tune.args.map((w) => w.text)], ['tune', 2, 'lora_finetune_distributed', 'cfg.yaml', ['batch_size=8']]);
  const ax = launch('axolotl train lora.yml');
  assert.deepEqual([ax.launcher, ax.config?.value], ['axolotl', 'lora.yml']);
  const axm = launch('python -m axolotl.cli.train lora.yml');
  assert.deepEqual([axm.launcher, axm.config?.value], ['axolotl', 'lora.yml']);
  const s = launch('srun --nodes 2 -n 16 python train.py --per_device_train_batch_size 2');
  assert.deepEqual([s.launcher, s.script?.value], ['python', 'train.py']);
  assert.equal(readLaunch(readShell('echo torchrun').commands[0]), null);
  // A node count written but unknown leaves the GPU count unknown rather than counting one node.
  const unknownNodes = launch('torchrun --nnodes $N --nproc_per_node 8 train.py');
  assert.equal(unknownNodes.gpus, null);
  assert.match(unknownNodes.unknowns[0].message, /--nnodes is \$N/);
});

test('SLURM: #SBATCH GPUs per node × nodes, or --gpus in total', () => {
  assert.deepEqual(slurmGpus(readShell('#SBATCH --nodes=4\n#SBATCH --gres=gpu:a100:8\nsrun python x.py\n'))?.gpus.value, 32);
  assert.deepEqual(slurmGpus(readShell('#SBATCH --gpus=6\n'))?.gpus.value, 6);
  assert.equal(slurmGpus(readShell('#SBATCH --nodes=2\n')), null);
  // The variables SLURM sets from the directives, either spelling
  const vars = readShell('#SBATCH -N 3\n#SBATCH --gres gpu:4\n').variables;
  assert.equal(vars.get('SLURM_NNODES')?.value, '3');
  assert.equal(vars.get('SLURM_GPUS_ON_NODE')?.value, '4');
});

function scanFolder(name: string) {
  const report = scanFiles(loadFolder('launch', name));
  assert.deepEqual(report.findings.filter((f) => f.error).map((f) => [f.path, f.error]), []);
  return report;
}

test('alignment-handbook: the script joins the recipe with its accelerate ZeRO-3 config; its own values win', () => {
  const report = scanFolder('alignment-handbook');
  assert.equal(report.jobs.length, 1);
  const job = report.jobs[0];
  assert.equal(job.id, 'recipes/zephyr-7b-beta/sft/config_full.yaml');
  assert.deepEqual(job.files, ['recipes/accelerate_configs/deepspeed_zero3.yaml', 'recipes/zephyr-7b-beta/sft/config_full.yaml', 'scripts/train_zephyr.sh']);
  assert.equal(job.settings.zeroStage, 3);
  assert.equal(job.settings.precision, 'bf16-mixed');
  // --num_processes $GPUS (8) overrides the config's num_processes: 1
  assert.equal(job.settings.gpus, 8);
  // line 8 `  --num_processes $GPUS \`: $GPUS spans columns 19-23
  assert.deepEqual(job.sources.gpus, { path: 'scripts/train_zephyr.sh', range: on(8, 19, 24) });
  // --per_device_train_batch_size=8 overrides the recipe's 32
  assert.equal(job.settings.perDeviceBatchSize, 8);
  assert.equal(job.sources.perDeviceBatchSize.path, 'scripts/train_zephyr.sh');
  assert.equal(job.settings.seqLen, 2048);
  assert.equal(job.settings.gradientCheckpointing, true);
  assert.deepEqual(job.model, { kind: 'hub-id', id: 'mistralai/Mistral-7B-v0.1', path: 'recipes/zephyr-7b-beta/sft/config_full.yaml', range: on(3, 21, 46) });
});

test('LLaMA-Factory: FORCE_TORCHRUN with NNODES × NPROC_PER_NODE gives the GPUs, which fill train_batch_size "auto"', () => {
  const job = scanFolder('llamafactory').jobs[0];
  assert.equal(job.id, 'examples/train_full/llama3_full_sft.yaml');
  assert.ok(job.files.includes('train.sh'));
  assert.equal(job.settings.gpus, 8, 'NNODES=1 × NPROC_PER_NODE=$((4 * 2))');
  assert.equal(job.autoValues?.find((v) => v.key === 'train_batch_size')?.value, 8 * 1 * 2);
});

test('torchtune: tune run overrides apply over the config, and an unread override is an assumption', () => {
  const report = scanFolder('torchtune');
  const job = report.jobs[0];
  assert.equal(job.id, 'llama3_1_8b_qlora.yaml');
  assert.equal(job.settings.gpus, 2);
  assert.equal(job.settings.perDeviceBatchSize, 1, 'batch_size=$BS with BS=1 over the config\'s 2');
  assert.equal(job.settings.gradAccum, 32, 'over the config\'s 16');
  assert.equal(job.settings.seqLen, 2048);
  assert.equal(job.settings.learningRate, 3e-4, 'not overridden');
  assert.deepEqual(job.assumptions, ["finetune.sh:6:76: the torchtune override 'seed' is not read"]);
});

test('SLURM + srun torchrun: $SLURM_NNODES and $SLURM_GPUS_ON_NODE come from #SBATCH; the script anchors its own job', () => {
  const job = scanFolder('slurm').jobs[0];
  assert.equal(job.id, 'train.sh');
  assert.deepEqual(job.files, ['ds_config.json', 'train.sh']);
  assert.equal(job.settings.gpus, 16);
  assert.equal(job.settings.perDeviceBatchSize, 4);
  assert.equal(job.settings.gradAccum, 2);
  assert.equal(job.settings.seqLen, 4096);
  assert.equal(job.settings.precision, 'bf16-mixed');
  assert.equal(job.settings.zeroStage, 2);
  assert.deepEqual(job.model && job.model.kind === 'hub-id' ? job.model.id : null, 'meta-llama/Llama-2-7b-hf');
  // The script runs the Trainer (its arguments are TrainingArguments): "auto" is filled from them.
  assert.equal(job.autoValues?.find((v) => v.key === 'train_micro_batch_size_per_gpu')?.value, 4);
  // The command-line script does not bring the Trainer's defaults: nothing defaulted from it.
  assert.deepEqual(job.defaults, []);
});

test('axolotl via accelerate -m: the config joins with its DeepSpeed file; the processes fill "auto"', () => {
  const job = scanFolder('axolotl').jobs[0];
  assert.equal(job.id, 'lora.yml');
  assert.deepEqual(job.files, ['deepspeed_configs/zero1.json', 'lora.yml', 'train.sh']);
  assert.equal(job.settings.gpus, 2);
  assert.equal(job.settings.zeroStage, 1);
  const auto = new Map((job.autoValues ?? []).map((v) => [v.key, v.value]));
  assert.equal(auto.get('train_batch_size'), 2 * 2 * 4);
  // The DeepSpeed optimizer section replaces axolotl's optimizer; its "auto" lr is axolotl's learning_rate.
  assert.equal(job.settings.optimizer, 'AdamW');
  assert.equal(auto.get('optimizer.params.lr'), 0.0002);
  assert.equal(job.settings.learningRate, 0.0002);
});

test('DeepSpeedExamples SQuAD: eval of the command, the DeepSpeed config named by --deepspeed_config, the GPU count as an assumption', () => {
  const job = scanFolder('deepspeed-squad').jobs[0];
  assert.equal(job.id, 'run_squad_deepspeed.sh');
  assert.deepEqual(job.files, ['deepspeed_bsz24_config.json', 'run_squad_deepspeed.sh']);
  // The files say micro-batch 3 (DeepSpeed config), sequence 384 and fp16 (script arguments).
  assert.equal(job.settings.perDeviceBatchSize, 3);
  assert.equal(job.settings.seqLen, 384);
  assert.equal(job.settings.precision, 'fp16-mixed');
  assert.equal(job.settings.gpus, undefined);
  assert.deepEqual(job.model && job.model.kind === 'hub-id' ? job.model.id : null, 'bert-large-uncased');
  assert.ok(job.assumptions?.some((a) => a.includes('--num_gpus is ${NGPU_PER_NODE}') && a.includes('$1, which is given when the script runs')), job.assumptions?.join('\n'));
});

test('tune run with a built-in config name: the overrides and GPUs are read, the config is an assumption', () => {
  const report = scanFiles([{ path: 'run.sh', text: 'tune run --nproc_per_node 4 full_finetune_distributed --config llama3_1/8B_full batch_size=2\n' }]);
  const job = report.jobs[0];
  assert.equal(job.settings.gpus, 4);
  assert.equal(job.settings.perDeviceBatchSize, 2);
  assert.deepEqual(job.assumptions, ['run.sh:1:64: --config llama3_1/8B_full names a config bundled with torchtune, which is not read from the workspace']);
});

test('scripts that launch nothing are not findings; a launch script is never an error finding', () => {
  const files: ScanFile[] = [
    { path: 'setup.sh', text: 'pip install -r requirements.txt\npython download.py\n' },
    { path: 'bad.sh', text: 'torchrun --nproc_per_node abc train.py --per_device_train_batch_size x --bf16 maybe "unterminated\n' },
  ];
  const report = scanFiles(files);
  assert.deepEqual(report.findings.map((f) => [f.path, f.kind, f.error]), [['bad.sh', 'shell-script', undefined]]);
  const job = report.jobs[0];
  assert.equal(job.settings.gpus, undefined);
  assert.ok(job.assumptions?.some((a) => a.includes('--nproc_per_node is "abc"')), job.assumptions?.join('\n'));
});

test('bounded work: eval re-reads at most the script\'s own length; pathological text is read to the end', () => {
  // 2,000 evals of a ~600-character command: without the budget that is 1.2 MB of re-reading for a
  // 30 KB script. The budget (the script's length) allows only about as many evals as fit in it.
  const cmd = `CMD="torchrun --nproc_per_node 8 train.py ${'--bf16 '.repeat(80)}"`;
  const lines = [cmd, ...Array.from({ length: 2000 }, () => 'eval $CMD')];
  const text = lines.join('\n');
  const reRead = readShell(text).commands.filter((c) => c.words[0].text === 'torchrun');
  const size = cmd.length - 'CMD=""'.length;
  assert.ok(reRead.length <= Math.floor(text.length / size), `${reRead.length} evals read`);
  assert.ok(reRead.length >= 10);
  // Unterminated quotes, unmatched $( and $(( and deep parentheses end at the end of the text.
  for (const bad of ['echo "never closed', "echo 'never closed", 'echo $(never closed', 'echo $((1 + (2', `echo $((${'('.repeat(5000)}1${')'.repeat(5000)}))`]) {
    const read = readShell(`${bad}\ntorchrun --nproc_per_node 2 x.py\n`);
    assert.ok(read.commands.length >= 1, bad.slice(0, 30));
  }
});

test('paths in a launch script are tried from where it may be run: its folder and the folders above; so are the paths of the files it launches', () => {
  // The projects scanned from a parent folder: paths are relative to each project's root, not the scan's.
  const nested = (name: string) => loadFolder('launch', name).map((f) => ({ ...f, path: `projects/${name}/${f.path}` }));
  const report = scanFiles([...nested('alignment-handbook'), ...nested('llamafactory')]);
  assert.deepEqual(report.jobs.map((j) => [j.id, j.files.length]), [
    ['projects/alignment-handbook/recipes/zephyr-7b-beta/sft/config_full.yaml', 3],
    // the YAML's `deepspeed: examples/deepspeed/ds_z3_config.json` is found from where train.sh runs
    ['projects/llamafactory/examples/train_full/llama3_full_sft.yaml', 3],
  ]);
  assert.deepEqual(report.warnings, []);
});

test("a launch's `--config-name=x.yaml` is Hydra's primary config, not a transformers config name", () => {
  // SOURCE: locuslab/open-unlearning, community/methods/PDU/run.sh (`src/train.py --config-name=unlearn.yaml experiment=…`).
  const text = 'accelerate launch --num_processes=8 src/train.py --config-name=unlearn.yaml trainer.args.learning_rate=1e-5 --learning_rate 1e-5\n';
  const report = scanFiles([{ path: 'run.sh', text }]);
  assert.equal(report.jobs.length, 1);
  assert.equal(report.jobs[0].model, null);
  // a JSON or hub name still is one (run_clm.py builds the model from it)
  const hub = scanFiles([{ path: 'run.sh', text: 'python run_clm.py --config_name gpt2 --learning_rate 1e-4 --output_dir o\n' }]);
  assert.deepEqual(hub.jobs[0].model?.kind === 'hub-id' ? hub.jobs[0].model.id : hub.jobs[0].model, 'gpt2');
});
