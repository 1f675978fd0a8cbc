/** accelerate config YAML: recognition, num_processes / mixed_precision, DeepSpeed and FSDP plugins. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';
import type { ScanFile } from '../../src/core/scan/types';
import { on } from './scan-formats-helpers';

const FSDP = `compute_environment: LOCAL_MACHINE
distributed_type: FSDP
fsdp_config:
  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP
  fsdp_sharding_strategy: FULL_SHARD
  fsdp_offload_params: false
mixed_precision: bf16
num_machines: 1
num_processes: 4
`;

/** The job's settings when the accelerate config sits beside one training file. */
function settingsWith(accelerate: string) {
  const result = scanFiles([
    { path: 'run/args.json', text: JSON.stringify({ output_dir: 'o', learning_rate: 1e-5, per_device_train_batch_size: 1 }) },
    { path: 'run/accelerate.yaml', text: accelerate },
  ]);
  assert.equal(result.findings.find((f) => f.path === 'run/accelerate.yaml')?.error, undefined);
  assert.equal(result.jobs.length, 1);
  return result.jobs[0];
}

test('an FSDP accelerate config: FULL_SHARD is ZeRO-3, num_processes the GPUs, with ranges', () => {
  const result = scanFiles([{ path: 'configs/fsdp.yaml', text: FSDP }]);
  const finding = result.findings[0];
  assert.equal(finding.kind, 'accelerate-config');
  const field = (name: string) => finding.fields.find((f) => f.name === name);
  // line 5 `  fsdp_sharding_strategy: FULL_SHARD`: 2 spaces, the 22-letter key and `: ` put the value at column 27
  assert.deepEqual(field('fsdp_config.fsdp_sharding_strategy'), { name: 'fsdp_config.fsdp_sharding_strategy', value: 'FULL_SHARD', range: on(5, 27, 37) });
  // line 9 `num_processes: 4`: the 4 at column 16; line 7 `mixed_precision: bf16`: bf16 at 18-21
  assert.deepEqual(field('num_processes')?.range, on(9, 16, 17));
  assert.deepEqual(field('mixed_precision')?.range, on(7, 18, 22));
  // alone, an accelerate config forms no job (it has no model and trains nothing by itself)
  assert.deepEqual(result.jobs, []);

  const job = settingsWith(FSDP);
  assert.deepEqual([job.settings.zeroStage, job.settings.offload, job.settings.gpus, job.settings.precision], [3, 'none', 4, 'bf16-mixed']);
  assert.deepEqual(job.files, ['run/accelerate.yaml', 'run/args.json']);
  assert.deepEqual(job.sources.zeroStage, { path: 'run/accelerate.yaml', range: on(5, 27, 37) });
});

test('FSDP strategies by name and enum value map to their ZeRO equivalents; offload_params offloads', () => {
  const cases: [string, number][] = [['FULL_SHARD', 3], ['SHARD_GRAD_OP', 2], ['NO_SHARD', 0], ['HYBRID_SHARD', 3], ['1', 3], ['2', 2], ['3', 0]];
  for (const [strategy, stage] of cases) {
    const text = FSDP.replace('FULL_SHARD', strategy).replace('fsdp_offload_params: false', 'fsdp_offload_params: true');
    const job = settingsWith(text);
    assert.equal(job.settings.zeroStage, stage, strategy);
    assert.equal(job.settings.offload, 'params', strategy);
  }
  // FSDP2 writes reshard_after_forward instead: true = FULL_SHARD, false = SHARD_GRAD_OP
  const fsdp2 = FSDP.replace('  fsdp_sharding_strategy: FULL_SHARD\n', '  fsdp_version: 2\n  fsdp_reshard_after_forward: false\n');
  assert.equal(settingsWith(fsdp2).settings.zeroStage, 2);
  // fsdp_version is read with its range; a version-2 config with neither key is fully_shard's default, FULL_SHARD
  assert.equal(settingsWith(fsdp2).settings.fsdpVersion, 2);
  assert.deepEqual(settingsWith(fsdp2).sources.fsdpVersion, { path: 'run/accelerate.yaml', range: on(5, 17, 18) });
  const bare = settingsWith(FSDP.replace('  fsdp_sharding_strategy: FULL_SHARD\n', '  fsdp_version: 2\n'));
  assert.deepEqual([bare.settings.zeroStage, bare.settings.fsdp, bare.settings.fsdpVersion], [3, 'accelerate', 2]);
  // without fsdp_version the setting stays unset: the estimator takes accelerate's default (FSDP1) as an assumption
  assert.equal(settingsWith(FSDP).settings.fsdpVersion, undefined);
  // HYBRID_SHARD (enum 4) and _HYBRID_SHARD_ZERO2 (enum 5) shard within a node: a shard group of one node's GPUs,
  // no longer a warning that every GPU is treated as one group
  for (const [strategy, stage] of [['HYBRID_SHARD', 3], ['_HYBRID_SHARD_ZERO2', 2], ['4', 3], ['5', 2]] as const) {
    const hybrid = scanFiles([{ path: 'a.yaml', text: FSDP.replace('FULL_SHARD', strategy) }]);
    assert.deepEqual(hybrid.warnings, [], strategy);
    const job = settingsWith(FSDP.replace('FULL_SHARD', strategy));
    assert.equal(job.settings.zeroStage, stage, strategy);
    assert.deepEqual(job.settings.fsdpShardGroup, { kind: 'node', strategy: `fsdp_config.fsdp_sharding_strategy ${strategy}` }, strategy);
  }
  assert.equal(settingsWith(FSDP).settings.fsdpShardGroup, undefined);
  // FSDP2's HSDP through accelerate's parallelism_config: 2 replicas of a 4-GPU shard group; with tensor parallelism
  // (not modelled) no group is set
  const mesh = (extra: string) => settingsWith(`${FSDP.replace('  fsdp_sharding_strategy: FULL_SHARD\n', '  fsdp_version: 2\n')}parallelism_config:\n  parallelism_config_dp_replicate_size: 2\n  parallelism_config_dp_shard_size: 4\n${extra}`);
  assert.deepEqual(mesh('').settings.fsdpShardGroup, { kind: 'shard', gpus: 4, key: 'parallelism_config.parallelism_config_dp_shard_size' });
  assert.equal(mesh('  parallelism_config_tp_size: 2\n').settings.fsdpShardGroup, undefined);
});

test('a DeepSpeed plugin: zero_stage and offload devices, or a deepspeed_config_file that joins the job', () => {
  const inline = `compute_environment: LOCAL_MACHINE
distributed_type: DEEPSPEED
deepspeed_config:
  gradient_accumulation_steps: 4
  offload_optimizer_device: cpu
  offload_param_device: none
  zero3_init_flag: false
  zero_stage: 2
mixed_precision: fp16
num_processes: 2
`;
  const job = settingsWith(inline);
  assert.deepEqual(
    [job.settings.zeroStage, job.settings.offload, job.settings.gradAccum, job.settings.gpus, job.settings.precision],
    [2, 'optimizer', 4, 2, 'fp16-mixed'],
  );

  const withFile = inline.replace('  gradient_accumulation_steps: 4\n', '  deepspeed_config_file: ../ds/zero3.json\n');
  const files: ScanFile[] = [
    { path: 'run/train.json', text: JSON.stringify({ output_dir: 'o', learning_rate: 1e-5 }) },
    { path: 'run/accelerate.yaml', text: withFile },
    { path: 'ds/zero3.json', text: JSON.stringify({ zero_optimization: { stage: 3 }, train_micro_batch_size_per_gpu: 'auto' }) },
  ];
  const result = scanFiles(files);
  assert.equal(result.jobs.length, 1);
  // train.json anchors the job, the accelerate config joins by folder, the DeepSpeed file by its reference
  assert.deepEqual(result.jobs[0].files, ['ds/zero3.json', 'run/accelerate.yaml', 'run/train.json']);
  // accelerate ignores its own zero_stage when a DeepSpeed file is given: the file's stage 3 counts
  assert.equal(result.jobs[0].settings.zeroStage, 3);
  assert.deepEqual(result.warnings, []);
});

test('mixed_precision values; fp8 is not modelled; wrong values are errors at their position', () => {
  assert.equal(settingsWith(FSDP.replace('bf16', 'no')).settings.precision, 'fp32');
  const fp8 = scanFiles([{ path: 'a.yaml', text: FSDP.replace('mixed_precision: bf16', 'mixed_precision: fp8') }]);
  assert.match(fp8.warnings[0].message, /fp8' is not modelled/);
  const bad = scanFiles([{ path: 'a.yaml', text: FSDP.replace('mixed_precision: bf16', 'mixed_precision: fp32') }]);
  assert.deepEqual(bad.findings[0].error, { message: `'mixed_precision' must be "no", "fp16", "bf16" or "fp8", not "fp32"`, line: 7, column: 18 });
  const count = scanFiles([{ path: 'a.yaml', text: FSDP.replace('num_processes: 4', 'num_processes: four') }]);
  assert.deepEqual(count.findings[0].error, { message: `'num_processes' must be an integer, not a string ("four")`, line: 9, column: 16 });
  const strategy = scanFiles([{ path: 'a.yaml', text: FSDP.replace('FULL_SHARD', 'SHARD_EVERYTHING') }]);
  assert.deepEqual(strategy.findings[0].error, { message: `'fsdp_config.fsdp_sharding_strategy' is not an FSDP sharding strategy: "SHARD_EVERYTHING"`, line: 5, column: 27 });
});

test('other YAML is not an accelerate config', () => {
  const others: ScanFile[] = [
    { path: '.github/workflows/ci.yml', text: 'name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' },
    { path: 'docker-compose.yml', text: 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n' },
    { path: 'environment.yml', text: 'name: ml\nchannels: [pytorch, conda-forge]\ndependencies:\n  - python=3.11\n  - pytorch\n' },
    // one launcher-like key alone is not enough
    { path: 'notes.yaml', text: 'distributed_type: none of your business\ntitle: notes\n' },
  ];
  assert.deepEqual(scanFiles(others).findings, []);
});
