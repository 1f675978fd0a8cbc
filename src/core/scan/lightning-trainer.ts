/**
 * Reading Lightning Trainer arguments (the `trainer:` section of a LightningCLI config, a Hydra
 * `trainer: {_target_: lightning.pytorch.Trainer, ...}`, or a `Trainer(...)` call in Python) and
 * the `optimizer` / component objects those configs share.
 * Components are written `{class_path: X, init_args: {...}}` (LightningCLI / jsonargparse) or
 * `{_target_: X, ...}` (Hydra; Python calls are read in this form too).
 */
import type { ZeroStage } from '../memory/types';
import { resolveOptimizer } from '../optimizers';
import type { ParseWarning } from '../parse/node';
import type { ContributionBuilder } from './contribution';
import type { Link } from './detector';
import type { FieldReader, Read } from './fields';
import { LIGHTNING_PRECISION_SOURCE, lightningDeviceCount, lightningPrecision, lightningStrategy } from './lightning-facts';
import { keepOptimizerParams, readOptimizerArguments } from './optimizer-arguments';
import { isHybridFsdp, zeroStageOfFsdp } from './sharding';
import type { SourceRange } from './types';

/** A component object: its class (as written) and a reader over its arguments. */
export interface Component {
  readonly target: Read<string>;
  readonly args: FieldReader | null;
}

/** `{class_path, init_args}` or `{_target_, ...}` under `key`, or a plain class name string. */
export function readComponent(parent: FieldReader, key: string): Component | null {
  const node = parent.node(key);
  if (node === undefined || node.kind === 'null') return null;
  if (node.kind === 'string') {
    const target = parent.string(key) as Read<string>;
    return { target, args: null };
  }
  const obj = parent.nested(key);
  if (obj === undefined) return null;
  if (obj.has('class_path')) {
    const target = obj.string('class_path');
    if (target?.value == null) return null;
    return { target: target as Read<string>, args: obj.nested('init_args') ?? null };
  }
  if (obj.has('_target_')) {
    const target = obj.string('_target_');
    if (target?.value == null) return null;
    return { target: target as Read<string>, args: obj };
  }
  return null;
}

/** Component arguments that are not hyperparameters of the optimizer. */
const NOT_HYPERPARAMETERS = new Set(['_target_', '_partial_', '_recursive_', '_convert_', 'params', 'class_path', 'init_args']);

/**
 * An optimizer component: spelling as written; a dotted class path names its own ecosystem by its
 * module (`bitsandbytes.optim.AdamW8bit`), a bare class name is looked up in torch.optim (as
 * LightningCLI does). Then learning rate, weight decay and the other numeric arguments.
 */
export function readOptimizerComponent(component: Component, out: ContributionBuilder): void {
  out.unset('optimizerParams');
  const spelling = component.target.value;
  out.set('optimizer', spelling, component.target.range);
  const resolved = spelling.includes('.') ? resolveOptimizer(spelling) : undefined;
  out.optimizerEcosystem = !spelling.includes('.') ? 'pytorch' : resolved !== undefined && resolved.ecosystem !== 'id' ? resolved.ecosystem : undefined;
  const args = component.args;
  if (args === null) return;
  const partial = args.node('_partial_');
  out.optimizerPartial = partial?.kind === 'boolean' && partial.value;
  keepOptimizerParams(out, readOptimizerArguments(args, out, { skip: (key) => NOT_HYPERPARAMETERS.has(key), lrKeys: ['lr', 'learning_rate'] }));
}

/** precision, devices x num_nodes, strategy, accumulate_grad_batches, max_steps of a Trainer. */
export function readLightningTrainer(trainer: FieldReader, out: ContributionBuilder, warnings: ParseWarning[], links: Link[]): void {
  const precisionNode = trainer.node('precision');
  if (precisionNode?.kind === 'string' || precisionNode?.kind === 'number') {
    const read = precisionNode.kind === 'string' ? trainer.string('precision') : trainer.number('precision');
    const value = read?.value;
    if (read !== undefined && value !== null && value !== undefined) {
      const precision = lightningPrecision(value);
      if (precision === undefined) trainer.fail(`'${read.name}' is not a Lightning precision: ${JSON.stringify(value)}`, read.range);
      else if (precision === null) warnings.push({ message: `'${read.name}' ${JSON.stringify(value)} is not modelled by the estimator; precision is left unset`, line: read.range.line, column: read.range.column });
      else out.set('precision', precision, read.range);
    }
  } else if (precisionNode !== undefined && precisionNode.kind !== 'null') {
    trainer.fail(`'${trainer.nameOf('precision')}' must be a string such as "bf16-mixed"`, precisionNode.range);
  } else if (precisionNode === undefined) {
    // Not written: the Trainer's default, "32-true" (fp32 weights and compute).
    out.useDefault({ setting: 'precision', key: 'precision', value: 'fp32', note: 'Trainer(precision="32-true") by default' }, LIGHTNING_PRECISION_SOURCE);
  }

  const devicesNode = trainer.node('devices');
  let devices: { count: number; range: SourceRange } | null = null;
  if (devicesNode?.kind === 'number' || devicesNode?.kind === 'string' || devicesNode?.kind === 'array') {
    const read = devicesNode.kind === 'number' ? trainer.number('devices', { integer: true }) : devicesNode.kind === 'string' ? trainer.string('devices') : trainer.numberList('devices', { integer: true, min: 0 });
    if (read?.value != null) {
      const count = lightningDeviceCount(read.value as string | number | readonly number[]);
      if (count !== null) devices = { count, range: read.range };
    }
  }
  const nodes = trainer.number('num_nodes', { integer: true, min: 1 });
  if (devices !== null) out.set('gpus', devices.count * (nodes?.value ?? 1), devices.range);
  if (nodes?.value != null) out.set('nodes', nodes.value, nodes.range);

  const accum = trainer.number('accumulate_grad_batches', { integer: true, min: 1 });
  if (accum?.value != null) out.set('gradAccum', accum.value, accum.range);
  const maxSteps = trainer.number('max_steps', { integer: true });
  if (maxSteps?.value != null && maxSteps.value > 0) out.set('maxSteps', maxSteps.value, maxSteps.range);
  // max_epochs -1 trains without an epoch limit; unset, Lightning stops at 1000 epochs (not assumed here).
  const maxEpochs = trainer.number('max_epochs', { integer: true });
  if (maxEpochs?.value != null && maxEpochs.value > 0) out.set('epochs', maxEpochs.value, maxEpochs.range);
  trainer.number('gradient_clip_val', { min: 0, nullable: true });
  readStrategy(trainer, out, links);
}

function readStrategy(trainer: FieldReader, out: ContributionBuilder, links: Link[]): void {
  const node = trainer.node('strategy');
  if (node === undefined || node.kind === 'null') return;
  if (node.kind === 'string') {
    const read = trainer.string('strategy') as Read<string>;
    const known = lightningStrategy(read.value);
    if (known !== null) {
      out.set('zeroStage', known.stage, read.range);
      if (/fsdp/i.test(read.value)) out.set('fsdp', 'lightning', read.range);
      out.set('offload', known.offload, read.range);
    }
    return;
  }
  const component = readComponent(trainer, 'strategy');
  if (component === null) return;
  const name = component.target.value;
  const cls = name.slice(name.lastIndexOf('.') + 1);
  const args = component.args;
  if (cls === 'DeepSpeedStrategy') {
    // DeepSpeedStrategy(stage=2, offload_optimizer=False, offload_parameters=False, config=None).
    const stage = args?.number('stage', { integer: true, min: 0, max: 3 });
    out.set('zeroStage', (stage?.value ?? 2) as ZeroStage, (stage ?? component.target).range);
    const optimizer = args?.boolean('offload_optimizer');
    const params = args?.boolean('offload_parameters');
    if (params?.value === true) out.set('offload', 'params', params.range);
    else if (optimizer?.value === true) out.set('offload', 'optimizer', optimizer.range);
    const config = args?.string('config', true);
    if (typeof config?.value === 'string' && config.value.trim() !== '') {
      links.push({ kind: 'config', key: config.name, value: config.value.trim(), range: config.range });
    }
  } else if (cls === 'FSDPStrategy' || cls === 'ModelParallelStrategy') {
    // FSDPStrategy(sharding_strategy="FULL_SHARD", cpu_offload=None).
    const strategy = args?.string('sharding_strategy');
    const stage = strategy?.value != null ? zeroStageOfFsdp(strategy.value) : 3;
    if (stage === null) args?.fail(`'${strategy?.name}' is not an FSDP sharding strategy: "${strategy?.value}"`, (strategy as Read<string>).range);
    else {
      out.set('zeroStage', stage, (strategy ?? component.target).range);
      out.set('fsdp', 'lightning', (strategy ?? component.target).range);
      if (strategy?.value != null && isHybridFsdp(strategy.value)) out.set('fsdpShardGroup', { kind: 'node', strategy: `${strategy.name} ${strategy.value}` }, strategy.range);
      // ModelParallelStrategy runs the model's own configure_model, which shards with FSDP2's fully_shard.
      if (cls === 'ModelParallelStrategy') out.set('fsdpVersion', 2, component.target.range);
    }
    const offload = args?.boolean('cpu_offload', true);
    if (offload?.value != null) out.set('offload', offload.value ? 'params' : 'none', offload.range);
  }
}
