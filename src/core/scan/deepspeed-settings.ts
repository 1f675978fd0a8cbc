/**
 * Reading a DeepSpeed config object (a ds_config.json file, or the dict given inline as
 * TrainingArguments' `deepspeed`) into training settings. Keys per the DeepSpeed configuration
 * reference (https://www.deepspeed.ai/docs/config-json/). A value of "auto" (the Hugging Face
 * integration fills it from the Trainer arguments) is recorded as a field, sets nothing here, and is
 * listed in the contribution's `deepspeedAutos` for the job to fill (./deepspeed-auto.ts).
 */
import type { ZeroStage } from '../memory/types';
import type { Precision } from '../types';
import type { ParseWarning } from '../parse/node';
import type { ContributionBuilder } from './contribution';
import type { AutoField } from './deepspeed-auto';
import type { FieldReader } from './fields';
import { keepOptimizerParams, readOptimizerArguments } from './optimizer-arguments';
import type { SourceRange } from './types';


/** True (and the field recorded) when `key` holds the string "auto". */
function isAuto(reader: FieldReader, key: string): boolean {
  const node = reader.node(key);
  if (node?.kind === 'string' && node.value === 'auto') {
    reader.recordValue(key, node, 'auto');
    return true;
  }
  return false;
}

/** An integer >= 1, or "auto" (null). */
function countOrAuto(reader: FieldReader, key: string): { value: number; range: SourceRange } | null {
  if (isAuto(reader, key)) return null;
  const read = reader.number(key, { integer: true, min: 1 });
  return read !== undefined && read.value !== null ? { value: read.value, range: read.range } : null;
}

/**
 * Every "auto" of the config, at any depth, with its DeepSpeed-relative key (the reader's prefix,
 * `deepspeed.` for an inline dict, is dropped). Jobs fill them from the Trainer (./deepspeed-auto.ts).
 */
function collectAutos(reader: FieldReader, prefix: string, out: AutoField[], depth = 0): void {
  if (depth > 8) return;
  for (const key of reader.keys()) {
    const node = reader.node(key);
    const dsKey = prefix === '' ? key : `${prefix}.${key}`;
    if (node?.kind === 'string' && node.value === 'auto') out.push({ key: dsKey, name: reader.nameOf(key), range: node.range });
    else if (node?.kind === 'object') collectAutos(reader.nested(key) as FieldReader, dsKey, out, depth + 1);
  }
}

/** Every setting a DeepSpeed config object states. */
export function readDeepSpeed(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[]): void {
  const autos: AutoField[] = [];
  collectAutos(reader, '', autos);
  out.deepspeedAutos.push(...autos);
  const micro = countOrAuto(reader, 'train_micro_batch_size_per_gpu');
  const accum = countOrAuto(reader, 'gradient_accumulation_steps');
  const total = countOrAuto(reader, 'train_batch_size');
  if (micro !== null) out.set('perDeviceBatchSize', micro.value, micro.range);
  if (accum !== null) out.set('gradAccum', accum.value, accum.range);
  if (total !== null && micro !== null && accum !== null) {
    // DeepSpeed asserts train_batch_size == micro batch * accumulation * world size
    // (deepspeed/runtime/config.py, DeepSpeedConfig._batch_assertion): the world size follows.
    const perStep = micro.value * accum.value;
    if (total.value % perStep !== 0) {
      reader.fail(
        `'${reader.nameOf('train_batch_size')}' (${total.value}) must be train_micro_batch_size_per_gpu × gradient_accumulation_steps × the number of GPUs (${micro.value} × ${accum.value} × N)`,
        total.range,
      );
    } else {
      out.set('gpus', total.value / perStep, total.range);
    }
  }
  if (!isAuto(reader, 'gradient_clipping')) reader.number('gradient_clipping', { min: 0 });
  readOptimizerSection(reader, out);
  readSchedulerSection(reader, out);
  readZero(reader, out, warnings);
  readPrecision(reader, out);
  readGradAccumDtype(reader, out, warnings);
}

/** DeepSpeed's DtypeEnum spellings (deepspeed/runtime/config.py) of the dtypes a gradient can accumulate in. */
const ACCUM_DTYPES: Readonly<Record<string, 'fp32' | 'fp16' | 'bf16'>> = {
  'torch.float16': 'fp16', fp16: 'fp16', float16: 'fp16', half: 'fp16',
  'torch.float32': 'fp32', fp32: 'fp32', float32: 'fp32', float: 'fp32',
  'torch.bfloat16': 'bf16', bf16: 'bf16', bfloat16: 'bf16',
};
const MIXED_DTYPE: Partial<Record<Precision, 'fp32' | 'fp16' | 'bf16'>> = { 'fp16-mixed': 'fp16', 'bf16-mixed': 'bf16', fp32: 'fp32' };

/**
 * `data_types.grad_accum_dtype` (DeepSpeed engine.py get_data_types: unset, the model's dtype; _do_optimizer_sanity_check).
 * Kept with the ZeRO settings: with bf16 at ZeRO-1 without offload, fp32 makes DeepSpeed use its BF16_Optimizer, whose
 * fp32 gradient buffer the estimator counts (../memory/zero.ts). Without ZeRO a dtype other than the model's is refused by
 * DeepSpeed ("unsupported mix"), a warning; under ZeRO-2/3, fp16 or offload it changes DeepSpeedZeroOptimizer's
 * accumulation buffers, a note (not modelled).
 */
function readGradAccumDtype(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[]): void {
  const types = reader.nested('data_types');
  if (types === undefined || isAuto(types, 'grad_accum_dtype')) return;
  const read = types.string('grad_accum_dtype', true);
  if (typeof read?.value !== 'string') return;
  const dtype = ACCUM_DTYPES[read.value];
  if (dtype === undefined) {
    types.fail(`'${read.name}' must be fp32, fp16 or bf16 (DeepSpeed's DtypeEnum spellings), not "${read.value}"`, read.range);
    return;
  }
  const zero = out.settings.deepspeedZero;
  if (zero !== undefined && zero !== null) {
    out.settings.deepspeedZero = { ...zero, gradAccumDtype: dtype };
    out.sources['deepspeedZero.gradAccumDtype'] = out.source(read.range);
  }
  const precision = out.settings.precision;
  const model = precision === undefined ? undefined : MIXED_DTYPE[precision];
  if (model === undefined || model === dtype) return;
  const stage = out.settings.zeroStage ?? 0;
  const where = `${out.path}:${read.range.line}`;
  if (stage === 0) {
    warnings.push({ message: `'${read.name}' ${dtype} differs from the ${model} model without ZeRO: DeepSpeed refuses the mix (engine.py _do_optimizer_sanity_check: "unsupported mix of model_dtype and grad_accum_dtype")`, line: read.range.line, column: read.range.column });
    return;
  }
  const offload = out.settings.offload !== undefined && out.settings.offload !== 'none';
  if (stage === 1 && !offload && model === 'bf16' && dtype === 'fp32') return; // BF16_Optimizer: counted (../memory/zero.ts)
  out.notModelled.push(`${where}: ${read.name} ${dtype} with a ${model} model at ZeRO-${stage}${offload ? ' with offload' : ''}: DeepSpeed's ZeRO optimizer accumulates the gradients in ${dtype} (gradient_accumulation_dtype), which the estimator does not model`);
}

function readOptimizerSection(reader: FieldReader, out: ContributionBuilder): void {
  const section = reader.node('optimizer');
  if (section === undefined || section.kind === 'null') return;
  const opt = reader.nested('optimizer');
  if (opt === undefined) {
    reader.fail(`'${reader.nameOf('optimizer')}' must be an object with "type" and "params"`, section.range);
    return;
  }
  const type = opt.string('type');
  if (type === undefined || type.value === null) {
    if (!opt.has('type')) reader.fail(`'${opt.nameOf('type')}' is missing: DeepSpeed needs the optimizer's type`, section.range);
    return;
  }
  // The DeepSpeed optimizer replaces whatever the Trainer arguments said about the optimizer.
  out.unset('optimizerParams');
  out.set('optimizer', type.value, type.range);
  out.optimizerEcosystem = 'deepspeed';
  const params = opt.nested('params');
  if (params === undefined) {
    const node = opt.node('params');
    if (node !== undefined && node.kind !== 'null') opt.fail(`'${opt.nameOf('params')}' must be an object`, node.range);
    return;
  }
  keepOptimizerParams(out, readOptimizerArguments(params, out, { skip: (key) => isAuto(params, key), lrKeys: ['lr'], strings: true }));
}

function readSchedulerSection(reader: FieldReader, out: ContributionBuilder): void {
  const section = reader.node('scheduler');
  if (section === undefined || section.kind === 'null') return;
  const sched = reader.nested('scheduler');
  if (sched === undefined) {
    reader.fail(`'${reader.nameOf('scheduler')}' must be an object with "type" and "params"`, section.range);
    return;
  }
  const type = sched.string('type');
  if (type !== undefined && type.value !== null) out.set('scheduler', type.value, type.range);
  const params = sched.nested('params');
  if (params === undefined) return;
  if (!isAuto(params, 'warmup_num_steps')) {
    const warmup = params.number('warmup_num_steps', { integer: true, min: 0 });
    if (warmup !== undefined && warmup.value !== null) out.set('warmupSteps', warmup.value, warmup.range);
  }
  if (!isAuto(params, 'total_num_steps')) {
    const totalSteps = params.number('total_num_steps', { integer: true, min: 1 });
    if (totalSteps !== undefined && totalSteps.value !== null) out.set('maxSteps', totalSteps.value, totalSteps.range);
  }
  for (const key of ['warmup_min_lr', 'warmup_max_lr']) if (!isAuto(params, key)) params.number(key, { min: 0 });
}

/** `offload_optimizer` / `offload_param`: `{"device": "cpu" | "nvme" | "none"}`. */
function offloadDevice(zero: FieldReader, key: string): { on: boolean; range: SourceRange } | null {
  const section = zero.node(key);
  if (section === undefined || section.kind === 'null') return null;
  const obj = zero.nested(key);
  if (obj === undefined) {
    zero.fail(`'${zero.nameOf(key)}' must be an object such as {"device": "cpu"}`, section.range);
    return null;
  }
  if (isAuto(obj, 'device')) return null;
  const device = obj.string('device');
  if (device === undefined || device.value === null) return null;
  const value = device.value.toLowerCase();
  if (value !== 'cpu' && value !== 'nvme' && value !== 'none') {
    obj.fail(`'${device.name}' must be "cpu", "nvme" or "none", not "${device.value}"`, device.range);
    return null;
  }
  return { on: value !== 'none', range: device.range };
}

/**
 * The keys that size the ZeRO-1/2 gradient reduction buckets (`reduce_bucket_size` in elements,
 * `overlap_comm`, `contiguous_gradients`; ../memory/zero.ts). Recorded even when none is written:
 * the job's ZeRO is DeepSpeed's, whose defaults then apply. "auto" is filled by the job (hidden_size²).
 */
function readBuckets(zero: FieldReader, out: ContributionBuilder, range: SourceRange): void {
  const stated: { reduceBucketSize?: number; overlapComm?: boolean; contiguousGradients?: boolean } = {};
  if (!isAuto(zero, 'reduce_bucket_size')) {
    // Written as 5e8 as often as 500000000: DeepSpeed's pydantic config takes a float with no fraction as an int.
    const size = zero.number('reduce_bucket_size', { min: 0, max: 1e12 });
    if (size !== undefined && size.value !== null) {
      if (Number.isInteger(size.value)) stated.reduceBucketSize = size.value;
      else zero.fail(`'${size.name}' must be a whole number of elements, not ${size.value}`, size.range);
    }
  }
  for (const [key, field] of [['overlap_comm', 'overlapComm'], ['contiguous_gradients', 'contiguousGradients']] as const) {
    if (isAuto(zero, key)) continue;
    const flag = zero.boolean(key);
    if (flag !== undefined && flag.value !== null) stated[field] = flag.value;
  }
  out.set('deepspeedZero', stated, range);
}

/**
 * `"stage": [0, 1, 2, 3]` with `"autotuning": {"enabled": true}`: the autotuner's search space over ZeRO stages
 * (DeepSpeed's autotuning README; GPT-NeoX's configs/autotuning_configs), not one stage. Without autotuning a list is
 * a wrong type, as DeepSpeed's config check says.
 */
function autotunedStages(root: FieldReader, zero: FieldReader): { stages: number[]; range: SourceRange } | null {
  const node = zero.node('stage');
  if (node?.kind !== 'array' || node.items.length === 0) return null;
  const stages = node.items.map((i) => (i.kind === 'number' && Number.isInteger(i.value) && i.value >= 0 && i.value <= 3 ? i.value : null));
  if (stages.some((v) => v === null)) return null;
  const autotuning = root.node('autotuning');
  const enabled = autotuning?.kind === 'object' ? autotuning.index.get('enabled')?.node : undefined;
  if (enabled?.kind !== 'boolean' || !enabled.value) return null;
  return { stages: stages as number[], range: node.range };
}

function readZero(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[]): void {
  const section = reader.node('zero_optimization');
  if (section === undefined || section.kind === 'null') return;
  const zero = reader.nested('zero_optimization');
  if (zero === undefined) {
    reader.fail(`'${reader.nameOf('zero_optimization')}' must be an object such as {"stage": 2}`, section.range);
    return;
  }
  let stage: ZeroStage | null = null;
  const listed = autotunedStages(reader, zero);
  if (listed !== null) {
    warnings.push({
      message: `DeepSpeed's autotuner (autotuning.enabled) tries each listed ZeRO stage (${listed.stages.join(', ')}) and keeps the fastest; no stage is read from this file, so the estimate takes none (ZeRO off) unless another file states one`,
      line: listed.range.line,
      column: listed.range.column,
    });
  } else if (!isAuto(zero, 'stage')) {
    const read = zero.number('stage', { integer: true, min: 0, max: 3 });
    if (read !== undefined && read.value !== null) {
      stage = read.value as ZeroStage;
      out.set('zeroStage', stage, read.range);
    }
  }
  readBuckets(zero, out, section.range);
  const optimizer = offloadDevice(zero, 'offload_optimizer');
  const params = offloadDevice(zero, 'offload_param');
  // Stage 1/2 before DeepSpeed 0.3.x: "cpu_offload": true moved the optimizer to the CPU.
  const legacy = zero.boolean('cpu_offload');
  const legacyParams = zero.boolean('cpu_offload_params');
  if (params?.on === true || legacyParams?.value === true) {
    const range = params?.on === true ? params.range : (legacyParams?.range as SourceRange);
    if (stage !== null && stage !== 3) {
      warnings.push({ message: 'DeepSpeed offloads parameters only with ZeRO stage 3; offload_param is ignored at this stage', line: range.line, column: range.column });
    } else {
      out.set('offload', 'params', range);
    }
  } else if (optimizer?.on === true || legacy?.value === true) {
    out.set('offload', 'optimizer', optimizer?.on === true ? optimizer.range : (legacy?.range as SourceRange));
  } else if (optimizer !== null || params !== null) {
    out.set('offload', 'none', (optimizer ?? params)?.range as SourceRange);
  }
}

/**
 * `fp16.enabled` / `bf16.enabled` (`bfloat16` is the older name of `bf16`). DeepSpeed then keeps
 * half-precision weights and fp32 master weights and optimizer states: the ZeRO mixed-precision
 * accounting, which the estimator applies to the *-mixed precisions when a ZeRO stage is set.
 */
function readPrecision(reader: FieldReader, out: ContributionBuilder): void {
  const flags: { key: string; precision: Precision; enabled: boolean; range: SourceRange }[] = [];
  for (const [key, precision] of [['fp16', 'fp16-mixed'], ['bf16', 'bf16-mixed'], ['bfloat16', 'bf16-mixed']] as const) {
    const node = reader.node(key);
    if (node === undefined || node.kind === 'null') continue;
    const section = reader.nested(key);
    if (section === undefined) {
      reader.fail(`'${reader.nameOf(key)}' must be an object such as {"enabled": true}`, node.range);
      continue;
    }
    if (isAuto(section, 'enabled')) continue;
    const enabled = section.boolean('enabled');
    if (enabled !== undefined && enabled.value !== null) flags.push({ key, precision, enabled: enabled.value, range: enabled.range });
  }
  const on = flags.filter((f) => f.enabled);
  if (on.length > 1 && on.some((f) => f.key === 'fp16') && on.some((f) => f.key !== 'fp16')) {
    // DeepSpeedConfig: "bfloat16 and fp16 modes cannot be simultaneously enabled".
    reader.fail('DeepSpeed cannot enable fp16 and bf16 at the same time', on[on.length - 1].range);
    return;
  }
  if (on.length > 0) out.set('precision', on[0].precision, on[0].range);
  else if (flags.length > 0) out.set('precision', 'fp32', flags[0].range);
}
