/**
 * Hugging Face accelerate config YAML (what `accelerate config` writes and `accelerate launch
 * --config_file` reads): recognised by two of its launcher keys (`compute_environment`,
 * `distributed_type`, `num_processes`, `num_machines`, ...). Keys per accelerate's
 * commands/config/config_args.py (ClusterConfig).
 * Settings: `num_processes` (all machines) -> GPUs; `num_machines` -> nodes; `mixed_precision` -> AMP precision; DeepSpeed's
 * `zero_stage`/offload devices, or a `deepspeed_config_file` reference; FSDP's sharding strategy ->
 * its ZeRO equivalent (a hybrid one also -> a shard group of one node's GPUs), `fsdp_version` -> FSDP1/FSDP2,
 * `fsdp_offload_params` -> parameter offload.
 */
import type { FsdpVersion, ZeroStage } from '../../memory/types';
import type { ObjectNode, ParseWarning } from '../../parse/node';
import type { Precision } from '../../types';
import { ContributionBuilder } from '../contribution';
import type { Detection, Detector, Link, ParsedFile } from '../detector';
import { FieldReader } from '../fields';
import { isHybridFsdp, zeroStageOfFsdp } from '../sharding';
import type { ScanFile } from '../types';

const LAUNCHER_KEYS = [
  'compute_environment', 'distributed_type', 'num_processes', 'num_machines', 'machine_rank', 'main_training_function',
  'rdzv_backend', 'same_network', 'downcast_bf16', 'gpu_ids', 'use_cpu', 'main_process_port', 'tpu_use_cluster',
];
const LAUNCHER_TEXT = /^(compute_environment|distributed_type|num_machines|main_training_function)\s*:/m;

/** accelerate's `mixed_precision` choices (PrecisionType): AMP autocast over fp32 weights. */
export const MIXED_PRECISION: Readonly<Record<string, Precision | null>> = { no: 'fp32', fp16: 'fp16-mixed', bf16: 'bf16-mixed', fp8: null };

export const accelerateConfigDetector: Detector = {
  kind: 'accelerate-config',
  syntaxes: ['yaml'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return LAUNCHER_TEXT.test(file.text);
  },

  matches(_file: ScanFile, parsed: ParsedFile): boolean {
    const root = parsed.root;
    if (root === null) return true; // mayMatch saw its launcher keys: a broken accelerate config
    if (root.kind !== 'object') return false;
    let count = 0;
    for (const key of LAUNCHER_KEYS) if (root.index.has(key)) count++;
    return count >= 2;
  },

  detect(file: ScanFile, parsed: ParsedFile): Detection {
    const reader = new FieldReader(parsed.root as ObjectNode);
    const out = new ContributionBuilder(file.path);
    const warnings: ParseWarning[] = [];
    const links: Link[] = [];

    reader.string('compute_environment');
    const type = reader.string('distributed_type');
    const processes = reader.number('num_processes', { integer: true, min: 1 });
    const machines = reader.number('num_machines', { integer: true, min: 1 });
    if (machines?.value != null) out.set('nodes', machines.value, machines.range);
    const cpu = reader.boolean('use_cpu');
    if (processes?.value != null && cpu?.value !== true) out.set('gpus', processes.value, processes.range);

    const mixed = reader.string('mixed_precision');
    if (mixed?.value != null) {
      const value = mixed.value.toLowerCase();
      if (!(value in MIXED_PRECISION)) {
        reader.fail(`'mixed_precision' must be "no", "fp16", "bf16" or "fp8", not "${mixed.value}"`, mixed.range);
      } else if (MIXED_PRECISION[value] === null) {
        warnings.push({ message: "'mixed_precision: fp8' is not modelled by the estimator; precision is left unset", line: mixed.range.line, column: mixed.range.column });
      } else {
        out.set('precision', MIXED_PRECISION[value] as Precision, mixed.range);
      }
    }

    const kind = type?.value?.toUpperCase() ?? null;
    if (kind === 'DEEPSPEED') readDeepSpeedPlugin(reader, out, links);
    else if (kind === 'FSDP') readFsdpPlugin(reader, out);
    else {
      for (const section of ['deepspeed_config', 'fsdp_config']) {
        const node = reader.node(section);
        if (node?.kind === 'object' && node.members.length > 0) {
          const message = `'${section}' is ignored: 'distributed_type' is ${type?.value ?? 'not set'}`;
          warnings.push({ message, line: node.range.line, column: node.range.column });
        }
      }
    }

    const fields = [...reader.fields].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
    return { fields, error: reader.error, warnings, role: 'auxiliary', contribution: out.build(), links };
  },
};

function readDeepSpeedPlugin(reader: FieldReader, out: ContributionBuilder, links: Link[]): void {
  const ds = reader.nested('deepspeed_config');
  if (ds === undefined) return;
  const file = ds.string('deepspeed_config_file', true);
  if (typeof file?.value === 'string' && file.value.trim() !== '') {
    // accelerate ignores its other DeepSpeed keys when a DeepSpeed config file is given.
    links.push({ kind: 'config', key: file.name, value: file.value.trim(), range: file.range });
    return;
  }
  const stage = ds.number('zero_stage', { integer: true, min: 0, max: 3 });
  if (stage?.value != null) out.set('zeroStage', stage.value as ZeroStage, stage.range);
  const accum = ds.number('gradient_accumulation_steps', { integer: true, min: 1 });
  if (accum?.value != null) out.set('gradAccum', accum.value, accum.range);
  ds.number('gradient_clipping', { min: 0 });
  const device = (key: string) => {
    const read = ds.string(key, true);
    if (typeof read?.value !== 'string') return null;
    const v = read.value.toLowerCase();
    if (v !== 'none' && v !== 'cpu' && v !== 'nvme') {
      ds.fail(`'${read.name}' must be "none", "cpu" or "nvme", not "${read.value}"`, read.range);
      return null;
    }
    return { on: v !== 'none', range: read.range };
  };
  const optimizer = device('offload_optimizer_device');
  const params = device('offload_param_device');
  if (params?.on) out.set('offload', 'params', params.range);
  else if (optimizer?.on) out.set('offload', 'optimizer', optimizer.range);
  else {
    const written = optimizer ?? params;
    if (written !== null) out.set('offload', 'none', written.range);
  }
}

function readFsdpPlugin(reader: FieldReader, out: ContributionBuilder): void {
  const fsdp = reader.nested('fsdp_config');
  if (fsdp === undefined) return;
  const strategyNode = fsdp.node('fsdp_sharding_strategy');
  const reshardNode = fsdp.node('fsdp_reshard_after_forward');
  if (strategyNode !== undefined && (strategyNode.kind === 'string' || strategyNode.kind === 'number')) {
    const read = strategyNode.kind === 'string' ? fsdp.string('fsdp_sharding_strategy') : fsdp.number('fsdp_sharding_strategy', { integer: true });
    const value = read?.value;
    if (read !== undefined && value !== null && value !== undefined) {
      const stage = zeroStageOfFsdp(value);
      if (stage === null) fsdp.fail(`'${read.name}' is not an FSDP sharding strategy: ${JSON.stringify(value)}`, read.range);
      else {
        out.set('zeroStage', stage, read.range);
        out.set('fsdp', 'accelerate', read.range);
        // HYBRID_SHARD / _HYBRID_SHARD_ZERO2: sharded within a node, replicated across nodes (memory/fsdp.ts).
        if (isHybridFsdp(value)) out.set('fsdpShardGroup', { kind: 'node', strategy: `${read.name} ${String(value)}` }, read.range);
      }
    }
  } else if (reshardNode !== undefined && (reshardNode.kind === 'boolean' || reshardNode.kind === 'string')) {
    // FSDP2 (fsdp_version: 2): reshard_after_forward True = FULL_SHARD, False = SHARD_GRAD_OP;
    // accelerate also accepts the strategy names here.
    if (reshardNode.kind === 'boolean') {
      const read = fsdp.boolean('fsdp_reshard_after_forward');
      if (read?.value != null) {
        out.set('zeroStage', read.value ? 3 : 2, read.range);
        out.set('fsdp', 'accelerate', read.range);
      }
    } else {
      const read = fsdp.string('fsdp_reshard_after_forward');
      const stage = read?.value != null ? zeroStageOfFsdp(read.value) : null;
      if (read?.value != null && stage !== null) {
        out.set('zeroStage', stage, read.range);
        out.set('fsdp', 'accelerate', read.range);
      }
      else if (read?.value != null) fsdp.fail(`'${read.name}' must be true, false or an FSDP sharding strategy, not "${read.value}"`, read.range);
    }
  } else if (strategyNode !== undefined && strategyNode.kind !== 'null') {
    fsdp.fail(`'${fsdp.nameOf('fsdp_sharding_strategy')}' must be a sharding strategy name or number`, strategyNode.range);
  }
  // FullyShardedDataParallelPlugin.fsdp_version: 1 (FullyShardedDataParallel) by default, 2 (fully_shard).
  const version = fsdp.number('fsdp_version', { integer: true, min: 1, max: 2 });
  if (version?.value != null) out.set('fsdpVersion', version.value as FsdpVersion, version.range);
  if (version?.value === 2 && out.settings.fsdp === undefined) {
    // FSDP2 with neither key: fully_shard's reshard_after_forward defaults to True (FULL_SHARD).
    out.set('zeroStage', 3, version.range);
    out.set('fsdp', 'accelerate', version.range);
  }
  readParallelismConfig(reader, out);
  const offload = fsdp.boolean('fsdp_offload_params');
  if (offload?.value != null) out.set('offload', offload.value ? 'params' : 'none', offload.range);
}

/**
 * `parallelism_config` (accelerate's ParallelismConfig, FSDP2): with data-parallel replicas (dp_replicate_size > 1)
 * FSDP shards over `parallelism_config_dp_shard_size` GPUs (HSDP, memory/fsdp.ts). Tensor and context parallelism are
 * not modelled, so a mesh with either sets no shard group.
 */
function readParallelismConfig(reader: FieldReader, out: ContributionBuilder): void {
  const config = reader.nested('parallelism_config');
  if (config === undefined) return;
  const size = (key: string) => config.number(key, { integer: true, min: 1 });
  const shard = size('parallelism_config_dp_shard_size');
  const replicate = size('parallelism_config_dp_replicate_size');
  const tp = size('parallelism_config_tp_size');
  const cp = size('parallelism_config_cp_size');
  if ((tp?.value ?? 1) > 1 || (cp?.value ?? 1) > 1) return;
  if (shard?.value != null && (replicate?.value ?? 1) > 1) out.set('fsdpShardGroup', { kind: 'shard', gpus: shard.value, key: shard.name }, shard.range);
}
