/**
 * Launch-script dialects (src/core/scan/shell/dialects.ts) on hand-written scripts: ms-swift's `swift sft`,
 * OpenRLHF's module launch (dotted and flat flags), DeepSpeed-Chat's flags; module runs; `$(expr ...)`;
 * the job named after the launch script that runs a Python file; the Trainer's bf16 over an accelerate
 * config; PEFT's example flags; torchtune's gemma builders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';
import { readLaunch } from '../../src/core/scan/shell/launch';
import { readShell } from '../../src/core/scan/shell/words';
import { TORCHTUNE_MODELS } from '../../src/core/scan/torchtune-models';

const only = (files: { path: string; text: string }[]) => {
  const report = scanFiles(files);
  assert.equal(report.jobs.length, 1, report.jobs.map((j) => j.id).join(', '));
  return report.jobs[0];
};
const lineOf = (job: { sources: Readonly<Record<string, { path: string; range: { line: number } }>> }, key: string) => job.sources[key]?.range.line;

test('ms-swift: swift sft with NPROC_PER_NODE, LoRA rank, torch_dtype as bf16, a bundled ZeRO-3 config and $(expr)', () => {
  const job = only([{
    path: 'train.sh',
    text: [
      'nproc_per_node=4',
      'NPROC_PER_NODE=$nproc_per_node NNODES=2 \\',
      'swift sft \\',
      '  --model Qwen/Qwen2.5-7B-Instruct \\',
      '  --train_type lora --lora_rank 16 \\',
      '  --torch_dtype bfloat16 \\',
      '  --per_device_train_batch_size 2 \\',
      '  --gradient_accumulation_steps $(expr 32 / $nproc_per_node) \\',
      '  --max_length 4096 \\',
      '  --deepspeed zero3_offload',
    ].join('\n'),
  }]);
  assert.equal(job.id, 'train.sh');
  assert.deepEqual(job.model?.kind === 'hub-id' ? job.model.id : null, 'Qwen/Qwen2.5-7B-Instruct');
  assert.equal(job.settings.gpus, 8);
  assert.equal(job.settings.nodes, 2);
  assert.deepEqual(job.settings.lora, { rank: 16, targets: 'all-linear', qlora: false });
  assert.equal(lineOf(job, 'lora.rank'), 5);
  assert.equal(job.settings.precision, 'bf16-mixed');
  assert.equal(lineOf(job, 'precision'), 6);
  assert.equal(job.settings.loadDtype, 'bf16');
  assert.equal(job.settings.gradAccum, 8);
  assert.equal(job.settings.seqLen, 4096);
  assert.equal(job.settings.zeroStage, 3);
  assert.equal(job.settings.offload, 'params');
});

test('ms-swift: full tuning reads "no adapter" from the flag; no tuner flag is its default LoRA rank 8, an assumption; quant_bits 4 is QLoRA', () => {
  const full = only([{ path: 'a.sh', text: 'CUDA_VISIBLE_DEVICES=0 swift sft --model Qwen/Qwen2.5-7B --tuner_type full\n' }]);
  assert.equal(full.settings.lora, undefined);
  assert.equal(lineOf(full, 'adapter'), 1);
  assert.equal(full.settings.gpus, 1);
  const dflt = only([{ path: 'b.sh', text: 'swift sft --model Qwen/Qwen2.5-7B --quant_bits 4\n' }]);
  assert.deepEqual(dflt.settings.lora, { rank: 8, targets: 'all-linear', qlora: true });
  assert.deepEqual(dflt.defaults.filter((d) => d.setting.startsWith('lora')).map((d) => [d.setting, d.value]), [['lora', 'lora'], ['lora.rank', 8]]);
  // several visible devices without NPROC_PER_NODE: one process, the split of the model is not modelled
  // the script form under torchrun reads the same flags
  const script = only([{ path: 'd.sh', text: 'torchrun --nproc_per_node 2 swift/cli/sft.py --model Qwen/Qwen2.5-7B --train_type lora --lora_rank 4\n' }]);
  assert.equal(script.settings.gpus, 2);
  assert.deepEqual(script.settings.lora, { rank: 4, targets: 'all-linear', qlora: false });
  const split = only([{ path: 'c.sh', text: 'CUDA_VISIBLE_DEVICES=0,1 swift sft --model Qwen/Qwen2.5-7B\n' }]);
  assert.equal(split.settings.gpus, undefined);
  assert.ok(split.assumptions?.some((a) => a.includes('device_map')), split.assumptions?.join('\n'));
});

test('OpenRLHF: dotted flags of a module launch, its defaults as assumptions, the global batch over known GPUs', () => {
  const job = only([{
    path: 'sft.sh',
    text: [
      'deepspeed --num_gpus 8 --module openrlhf.cli.train_sft \\',
      '  --data.max_len 4096 --train.batch_size 128 --train.micro_batch_size 4 \\',
      '  --model.model_name_or_path meta-llama/Meta-Llama-3-8B --ds.zero_stage 3 --ds.param_dtype bf16 \\',
      '  --adam.lr 5e-6 --ds.lora.rank 32 --ds.adam_offload',
    ].join('\n'),
  }]);
  assert.equal(job.model?.kind === 'hub-id' ? job.model.id : null, 'meta-llama/Meta-Llama-3-8B');
  assert.equal(job.settings.gpus, 8);
  assert.equal(job.settings.perDeviceBatchSize, 4);
  assert.equal(job.settings.gradAccum, 4); // 128 / (4 × 8)
  assert.equal(job.settings.seqLen, 4096);
  assert.equal(job.settings.zeroStage, 3);
  assert.equal(job.settings.precision, 'bf16-mixed');
  assert.equal(job.settings.learningRate, 5e-6);
  assert.deepEqual(job.settings.lora, { rank: 32, targets: 'all-linear', qlora: false });
  assert.equal(job.settings.offload, 'optimizer');
  const defaulted = job.defaults.map((d) => d.setting).sort();
  assert.deepEqual(defaulted, ['optimizer', 'warmupRatio', 'weightDecay']);
  assert.ok(job.defaults.every((d) => d.source.title.startsWith('OpenRLHF')));
});

test('OpenRLHF: flat flags of older releases under python -m and torchrun -m; an unknown GPU count leaves accumulation open', () => {
  for (const launch of ['python -m openrlhf.cli.train_sft', 'torchrun --nproc_per_node 2 -m openrlhf.cli.train_sft']) {
    const job = only([{ path: 'x.sh', text: `${launch} --pretrain mistralai/Mistral-7B-v0.1 --micro_train_batch_size 2 --train_batch_size 64 --zero_stage 2 --bf16 --max_len 2048 --learning_rate 1e-5 --l2 0.1\n` }]);
    assert.equal(job.model?.kind === 'hub-id' ? job.model.id : null, 'mistralai/Mistral-7B-v0.1', launch);
    assert.equal(job.settings.perDeviceBatchSize, 2);
    assert.equal(job.settings.zeroStage, 2);
    assert.equal(job.settings.precision, 'bf16-mixed');
    assert.equal(job.settings.weightDecay, 0.1);
    assert.equal(job.settings.lora, undefined);
    if (launch.startsWith('torchrun')) assert.equal(job.settings.gradAccum, 16); // 64 / (2 × 2)
    else {
      assert.equal(job.settings.gradAccum, undefined);
      assert.ok(job.assumptions?.some((a) => a.includes('GPU count is not known')), job.assumptions?.join('\n'));
    }
  }
});

test('DeepSpeed-Chat: --zero_stage from a defaulted variable, LoRA only with --only_optimize_lora, else a not-modelled note', () => {
  const script = (extra: string) => [
    'ZERO_STAGE=$2',
    'if [ "$ZERO_STAGE" == "" ]; then',
    '    ZERO_STAGE=3',
    'fi',
    'deepspeed main.py --model_name_or_path meta-llama/Llama-2-7b-hf --per_device_train_batch_size 4 \\',
    `  --max_seq_len 512 --num_warmup_steps 0 --zero_stage $ZERO_STAGE --deepspeed --offload --lora_dim 128 ${extra}`,
  ].join('\n');
  const lora = only([{ path: 'run.sh', text: script('--only_optimize_lora') }]);
  assert.equal(lora.settings.zeroStage, 3);
  assert.equal(lora.settings.offload, 'params');
  assert.equal(lora.settings.seqLen, 512);
  assert.equal(lora.settings.warmupSteps, 0);
  assert.deepEqual(lora.settings.lora, { rank: 128, targets: 'all-linear', qlora: false });
  const all = only([{ path: 'run.sh', text: script('') }]);
  assert.equal(all.settings.lora, undefined);
  assert.equal(lineOf(all, 'adapter'), 6);
  assert.ok(all.notModelled?.some((n) => n.includes('--only_optimize_lora')), all.notModelled?.join('\n'));
});

test('module runs name the module as the script; a plain launch keeps its script', () => {
  const launchOf = (text: string) => readLaunch(readShell(text).commands[0]);
  assert.equal(launchOf('python -m openrlhf.cli.train_dpo --pretrain x\n')?.script?.value, 'openrlhf.cli.train_dpo');
  assert.equal(launchOf('torchrun --nproc_per_node 4 -m pkg.train --lr 1\n')?.script?.value, 'pkg.train');
  assert.equal(launchOf('torchrun --nproc_per_node 4 -m pkg.train --lr 1\n')?.gpus?.value, 4);
  assert.equal(launchOf('deepspeed --module openrlhf.cli.train_sft --pretrain x\n')?.script?.value, 'openrlhf.cli.train_sft');
  assert.equal(launchOf('python train.py --lr 1\n')?.script?.value, 'train.py');
});

test('$(expr ...) is evaluated as integer arithmetic; any other command output stays unknown', () => {
  const words = (t: string) => readShell(t).commands[0].words.map((w) => w.text);
  assert.deepEqual(words('N=4\necho $(expr 16 / $N) `expr $N \\* 3` $(expr 7 % 4 + 1)\n'), ['echo', '4', '12', '4']);
  assert.deepEqual(words('echo $(expr length abc) $(expr 1 / 0) $(nproc)\n'), ['echo', null, null, null]);
});

test('a launch script that runs a Python file names the job; one given a config leaves the job to the config', () => {
  const runs = scanFiles([
    { path: 'train.py', text: 'from transformers import TrainingArguments\nargs = TrainingArguments(output_dir="o", per_device_train_batch_size=4)\n' },
    { path: 'run.sh', text: 'torchrun --nproc_per_node 2 train.py --model_name_or_path gpt2 --bf16\n' },
  ]);
  assert.deepEqual(runs.jobs.map((j) => j.id), ['run.sh']);
  assert.deepEqual(runs.jobs[0].files, ['run.sh', 'train.py']);
  const configured = scanFiles([
    { path: 'recipe.yaml', text: 'model_name_or_path: gpt2\nper_device_train_batch_size: 4\nlearning_rate: 2.0e-05\nnum_train_epochs: 1\noutput_dir: out\nbf16: true\n' },
    { path: 'run.sh', text: 'accelerate launch --num_processes 2 sft.py recipe.yaml\n' },
  ]);
  assert.deepEqual(configured.jobs.map((j) => j.id), ['recipe.yaml']);
});

test("the Trainer's bf16 decides the precision over an accelerate config; without it the accelerate config's value stands", () => {
  const files = (recipe: string) => [
    { path: 'acc.yaml', text: 'compute_environment: LOCAL_MACHINE\ndistributed_type: MULTI_GPU\nmixed_precision: fp16\nnum_machines: 1\nnum_processes: 2\n' },
    { path: 'recipe.yaml', text: `model_name_or_path: gpt2\nlearning_rate: 2.0e-05\nnum_train_epochs: 1\noutput_dir: out\n${recipe}` },
    { path: 'run.sh', text: 'accelerate launch --config_file acc.yaml sft.py recipe.yaml\n' },
  ];
  const trainer = only(files('bf16: true\n'));
  assert.equal(trainer.settings.precision, 'bf16-mixed');
  assert.equal(trainer.sources['precision']?.path, 'recipe.yaml');
  assert.equal(trainer.settings.nodes, 1);
  assert.equal(trainer.sources['nodes']?.path, 'acc.yaml');
  const accelerate = only(files('per_device_train_batch_size: 2\n'));
  assert.equal(accelerate.settings.precision, 'fp16-mixed');
  assert.equal(accelerate.sources['precision']?.path, 'acc.yaml');
});

test("PEFT's SFT example flags: --use_peft_lora, --lora_r, --use_4bit_quantization", () => {
  const job = only([{ path: 'run_peft.sh', text: 'python train.py --model_name_or_path mistralai/Mistral-7B-v0.1 --use_peft_lora True --lora_r 8 --lora_target_modules all-linear --use_4bit_quantization True\n' }]);
  assert.deepEqual(job.settings.lora, { rank: 8, targets: 'all-linear', qlora: true });
  assert.equal(lineOf(job, 'lora.rank'), 1);
  const off = only([{ path: 'run_peft.sh', text: 'python train.py --model_name_or_path mistralai/Mistral-7B-v0.1 --use_peft_lora False --lora_r 8\n' }]);
  assert.equal(off.settings.lora, undefined);
});

test('torchtune gemma builders map to the gemma presets', () => {
  assert.equal(TORCHTUNE_MODELS['gemma_2b']?.hubId, 'google/gemma-2b');
  assert.equal(TORCHTUNE_MODELS['gemma_7b']?.hubId, 'google/gemma-7b');
  const job = only([{ path: '2B_lora.yaml', text: 'model:\n  _component_: torchtune.models.gemma.lora_gemma_2b\n  lora_attn_modules: [q_proj, v_proj]\n  lora_rank: 64\nbatch_size: 4\ndtype: bf16\noptimizer:\n  _component_: torch.optim.AdamW\n  lr: 2e-5\n' }]);
  assert.equal(job.model?.kind === 'hub-id' ? job.model.id : null, 'google/gemma-2b');
});
