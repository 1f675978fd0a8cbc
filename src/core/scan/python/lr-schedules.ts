/**
 * A schedule object passed as the learning rate (optax schedules, Keras LearningRateSchedule
 * classes), read as a schedule: its peak (the learning rate the advice compares), warmup steps and
 * decay steps where the call gives them by keyword. The argument names are the libraries' own:
 * optax/schedules/_schedule.py (linear_schedule(init_value, end_value, transition_steps),
 * cosine_decay_schedule(init_value, decay_steps, alpha), exponential_decay(init_value,
 * transition_steps, decay_rate), warmup_cosine_decay_schedule(init_value, peak_value, warmup_steps,
 * decay_steps, end_value), warmup_exponential_decay_schedule(init_value, peak_value, warmup_steps,
 * transition_steps, decay_rate), constant_schedule(value)); keras/src/optimizers/schedules/
 * learning_rate_schedule.py (CosineDecay(initial_learning_rate, decay_steps, alpha, name,
 * warmup_target, warmup_steps), ExponentialDecay / InverseTimeDecay / PolynomialDecay
 * (initial_learning_rate, decay_steps, ...), PiecewiseConstantDecay(boundaries, values)).
 * A schedule that cannot be read never rejects the file: the learning rate is then left unknown,
 * with a note saying why.
 */
import type { ContributionBuilder } from '../contribution';
import type { FieldReader } from '../fields';
import type { SourceRange } from '../types';
import type { PyCall, PyValue } from './program';
import type { RangeMapper } from './to-node';

export interface ScheduleShape {
  /** The setting's scheduler name (cosine, linear, exponential, ...). */
  readonly kind: string;
  /** Keyword holding the peak learning rate, in order of preference. */
  readonly peak: readonly string[];
  readonly warmup?: string;
  readonly decaySteps?: string;
}

const OPTAX: Readonly<Record<string, ScheduleShape>> = {
  warmup_cosine_decay_schedule: { kind: 'cosine', peak: ['peak_value'], warmup: 'warmup_steps', decaySteps: 'decay_steps' },
  warmup_exponential_decay_schedule: { kind: 'exponential', peak: ['peak_value'], warmup: 'warmup_steps', decaySteps: 'transition_steps' },
  cosine_decay_schedule: { kind: 'cosine', peak: ['init_value'], decaySteps: 'decay_steps' },
  exponential_decay: { kind: 'exponential', peak: ['init_value'], decaySteps: 'transition_steps' },
  polynomial_schedule: { kind: 'polynomial', peak: ['init_value'], decaySteps: 'transition_steps' },
  constant_schedule: { kind: 'constant', peak: ['value'] },
};

const KERAS: Readonly<Record<string, ScheduleShape>> = {
  CosineDecay: { kind: 'cosine', peak: ['warmup_target', 'initial_learning_rate'], warmup: 'warmup_steps', decaySteps: 'decay_steps' },
  CosineDecayRestarts: { kind: 'cosine', peak: ['initial_learning_rate'], decaySteps: 'first_decay_steps' },
  ExponentialDecay: { kind: 'exponential', peak: ['initial_learning_rate'], decaySteps: 'decay_steps' },
  InverseTimeDecay: { kind: 'inverse-time', peak: ['initial_learning_rate'], decaySteps: 'decay_steps' },
  PolynomialDecay: { kind: 'polynomial', peak: ['initial_learning_rate'], decaySteps: 'decay_steps' },
};

/** The shape of a schedule callee (`optax.warmup_cosine_decay_schedule`, `keras.optimizers.schedules.CosineDecay`), null when it is none of them. */
export function scheduleShapeOf(callee: string): ScheduleShape | null {
  const last = callee.slice(callee.lastIndexOf('.') + 1);
  if (callee.startsWith('optax.') && Object.prototype.hasOwnProperty.call(OPTAX, last)) return OPTAX[last];
  if ((callee.startsWith('keras.') || callee.startsWith('tensorflow.') || callee.startsWith('tf.')) && Object.prototype.hasOwnProperty.call(KERAS, last)) return KERAS[last];
  return null;
}

/**
 * Reads the learning-rate argument `key` when it is an object (a call): a known schedule sets the
 * learning rate to its peak, the warmup steps and the scheduler; `linear_schedule` from 0 is a
 * warmup to its end value; `PiecewiseConstantDecay` peaks at its largest value. Anything else is a
 * note. Never fails the file.
 */
export function readLrSchedule(reader: FieldReader, key: string, out: ContributionBuilder): void {
  const schedule = reader.nested(key);
  const callee = schedule?.string('_target_')?.value;
  const at = reader.node(key)?.range;
  if (schedule === undefined || typeof callee !== 'string' || at === undefined) {
    if (at !== undefined) out.notes.push(`${out.path}:${at.line}: '${key}' is an expression whose value is not known statically; the learning rate is not read`);
    return;
  }
  const number = (name: string) => {
    const n = schedule.node(name);
    return n?.kind === 'number' ? schedule.number(name) : undefined;
  };
  const last = callee.slice(callee.lastIndexOf('.') + 1);
  if (callee.startsWith('optax.') && last === 'linear_schedule') {
    const init = number('init_value');
    const end = number('end_value');
    const steps = number('transition_steps');
    if (init?.value === 0 && end?.value != null) {
      out.set('learningRate', end.value, end.range);
      if (steps?.value != null) out.set('warmupSteps', steps.value, steps.range);
      out.set('scheduler', 'constant', at);
      return;
    }
    if (init?.value != null) {
      out.set('learningRate', init.value, init.range);
      out.set('scheduler', 'linear', at);
      return;
    }
  } else if (last === 'PiecewiseConstantDecay') {
    const values = schedule.node('values')?.kind === 'array' ? schedule.numberList('values') : undefined;
    if (values?.value != null && values.value.length > 0) {
      out.set('learningRate', Math.max(...values.value), values.range);
      out.set('scheduler', 'step', at);
      return;
    }
  } else {
    const shape = scheduleShapeOf(callee);
    if (shape !== null) {
      const peak = shape.peak.map(number).find((r) => r?.value != null);
      if (peak?.value != null) {
        out.set('learningRate', peak.value, peak.range);
        out.set('scheduler', shape.kind, at);
        const warmup = shape.warmup !== undefined ? number(shape.warmup) : undefined;
        if (warmup?.value != null) out.set('warmupSteps', warmup.value, warmup.range);
        const decay = shape.decaySteps !== undefined ? number(shape.decaySteps) : undefined;
        if (decay?.value != null) out.set('maxSteps', decay.value, decay.range);
        return;
      }
    }
  }
  out.notes.push(`${out.path}:${at.line}: the learning rate is a schedule ('${callee}') whose peak is not written as a keyword number; the learning rate is not read`);
}

/**
 * Torch and transformers schedulers, built beside the optimizer (`sched = OneCycleLR(opt, max_lr=0.1,
 * total_steps=N)`), with the argument names and defaults of torch/optim/lr_scheduler.py (torch 2.x):
 * OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3, ...),
 * CosineAnnealingLR(optimizer, T_max, eta_min=0), LinearLR(optimizer, start_factor=1/3, end_factor=1.0,
 * total_iters=5), SequentialLR(optimizer, schedulers, milestones), StepLR(optimizer, step_size, gamma=0.1),
 * MultiStepLR(optimizer, milestones, gamma=0.1), ExponentialLR, PolynomialLR(optimizer, total_iters=5, power=1.0),
 * LambdaLR(optimizer, lr_lambda); and transformers/optimization.py: get_{cosine,linear,constant,
 * polynomial_decay,cosine_with_hard_restarts}_schedule_with_warmup(optimizer, num_warmup_steps,
 * num_training_steps, ...), get_scheduler(name, optimizer, num_warmup_steps, num_training_steps).
 */
export const TORCH_LR_SCHEDULER_SOURCE = {
  title: 'torch.optim.lr_scheduler (OneCycleLR pct_start=0.3 default)',
  url: 'https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.OneCycleLR.html',
  locator: 'OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3, ...)',
};

const TORCH_SCHEDULERS: Readonly<Record<string, readonly string[]>> = {
  OneCycleLR: ['optimizer', 'max_lr', 'total_steps', 'epochs', 'steps_per_epoch', 'pct_start'],
  CosineAnnealingLR: ['optimizer', 'T_max', 'eta_min'],
  CosineAnnealingWarmRestarts: ['optimizer', 'T_0', 'T_mult', 'eta_min'],
  LinearLR: ['optimizer', 'start_factor', 'end_factor', 'total_iters'],
  SequentialLR: ['optimizer', 'schedulers', 'milestones'],
  StepLR: ['optimizer', 'step_size', 'gamma'],
  MultiStepLR: ['optimizer', 'milestones', 'gamma'],
  ExponentialLR: ['optimizer', 'gamma'],
  PolynomialLR: ['optimizer', 'total_iters', 'power'],
  ConstantLR: ['optimizer', 'factor', 'total_iters'],
  LambdaLR: ['optimizer', 'lr_lambda'],
  MultiplicativeLR: ['optimizer', 'lr_lambda'],
  ReduceLROnPlateau: ['optimizer', 'mode'],
  CyclicLR: ['optimizer', 'base_lr', 'max_lr'],
};

/** transformers' schedule builders: the scheduler kind they build. */
const HF_SCHEDULES: Readonly<Record<string, string>> = {
  get_cosine_schedule_with_warmup: 'cosine',
  get_cosine_with_hard_restarts_schedule_with_warmup: 'cosine_with_restarts',
  get_linear_schedule_with_warmup: 'linear',
  get_constant_schedule_with_warmup: 'constant_with_warmup',
  get_polynomial_decay_schedule_with_warmup: 'polynomial',
};
const HF_SCHEDULE_POSITIONAL = ['optimizer', 'num_warmup_steps', 'num_training_steps'];
const HF_GET_SCHEDULER_POSITIONAL = ['name', 'optimizer', 'num_warmup_steps', 'num_training_steps'];

/** Steps a scheduler argument may name, bounded: nested schedulers are read this deep at most. */
const MAX_SCHEDULER_DEPTH = 4;

/** True when the call builds a torch or transformers learning-rate scheduler. */
export function isLrSchedulerCall(call: PyCall): boolean {
  return schedulerPositional(call.callee) !== null;
}

function schedulerPositional(callee: string): readonly string[] | null {
  const last = callee.slice(callee.lastIndexOf('.') + 1);
  if (callee.startsWith('torch.optim.lr_scheduler.') && Object.prototype.hasOwnProperty.call(TORCH_SCHEDULERS, last)) return TORCH_SCHEDULERS[last];
  if (/^transformers\.(optimization\.)?\w+$/.test(callee)) {
    if (Object.prototype.hasOwnProperty.call(HF_SCHEDULES, last)) return HF_SCHEDULE_POSITIONAL;
    if (last === 'get_scheduler') return HF_GET_SCHEDULER_POSITIONAL;
  }
  return null;
}

function argOf(call: PyCall, positional: readonly string[], name: string): PyValue | undefined {
  const named = call.args.find((a) => a.name === name);
  if (named !== undefined) return named.value;
  const index = positional.indexOf(name);
  return index < 0 ? undefined : call.args.filter((a) => a.name === null)[index]?.value;
}

/** A scheduler read: what it sets, without writing yet (SequentialLR combines its parts). */
interface SchedulerRead {
  kind?: { value: string; range: SourceRange };
  peak?: { value: number; range: SourceRange };
  warmupSteps?: { value: number; range: SourceRange };
  warmupRatio?: { value: number; range: SourceRange } | 'default';
  decaySteps?: { value: number; range: SourceRange };
  /** True when this scheduler only warms up (LinearLR rising to 1, constant after). */
  warmupOnly?: boolean;
  notes: string[];
}

/**
 * Reads a torch/transformers scheduler call into the schedule settings: OneCycleLR's max_lr is the peak
 * learning rate (it replaces the optimizer's lr), its pct_start the warmup ratio of total_steps;
 * transformers' builders give warmup and training steps; LinearLR rising to its end factor is a warmup;
 * SequentialLR([warmup, main], milestones=[n]) is a warmup of n scheduler steps followed by the main
 * schedule. A scheduler whose shape is a function (LambdaLR) or whose values are not literals leaves the
 * schedule unread with a note. Never fails the file.
 */
export function readTorchScheduler(call: PyCall, out: ContributionBuilder, map: RangeMapper): void {
  const read = readScheduler(call, map, 0);
  const at = map.range(call.calleeStart, call.calleeEnd);
  out.notes.push(...read.notes.map((n) => `${out.path}:${at.line}: ${n}`));
  if (read.kind !== undefined) out.set('scheduler', read.kind.value, read.kind.range);
  if (read.peak !== undefined) out.set('learningRate', read.peak.value, read.peak.range);
  if (read.warmupSteps !== undefined) out.set('warmupSteps', read.warmupSteps.value, read.warmupSteps.range);
  if (read.warmupRatio === 'default') out.useDefault({ setting: 'warmupRatio', key: 'pct_start', value: 0.3 }, TORCH_LR_SCHEDULER_SOURCE);
  else if (read.warmupRatio !== undefined) out.set('warmupRatio', read.warmupRatio.value, read.warmupRatio.range);
  if (read.decaySteps !== undefined) out.set('maxSteps', read.decaySteps.value, read.decaySteps.range);
  if (call.callee.startsWith('torch.') && !call.callee.endsWith('.OneCycleLR') && (read.warmupSteps !== undefined || read.decaySteps !== undefined)) {
    out.notes.push(`${out.path}:${at.line}: the steps of '${call.written}' count scheduler.step() calls: optimizer steps when it is stepped every batch, epochs when every epoch`);
  }
}

function readScheduler(call: PyCall, map: RangeMapper, depth: number): SchedulerRead {
  const positional = schedulerPositional(call.callee) ?? [];
  const last = call.callee.slice(call.callee.lastIndexOf('.') + 1);
  const at = map.range(call.calleeStart, call.calleeEnd);
  const read: SchedulerRead = { notes: [] };
  const num = (name: string): { value: number; range: SourceRange } | undefined => {
    const v = argOf(call, positional, name);
    return v?.kind === 'number' && Number.isFinite(v.value) && v.value >= 0 ? { value: v.value, range: map.range(v.start, v.end) } : undefined;
  };
  const steps = (name: string) => {
    const v = num(name);
    return v !== undefined && Number.isInteger(v.value) ? v : undefined;
  };
  const unread = (why: string) => read.notes.push(`the learning-rate schedule ('${call.written}') ${why}; the schedule is not read`);
  if (call.callee.startsWith('transformers.')) {
    let kind: string | undefined = HF_SCHEDULES[last];
    if (last === 'get_scheduler') {
      const name = argOf(call, positional, 'name');
      if (name?.kind !== 'string') {
        unread('names its scheduler with an expression');
        return read;
      }
      kind = name.value;
    }
    if (kind !== undefined) read.kind = { value: kind, range: at };
    read.warmupSteps = steps('num_warmup_steps');
    read.decaySteps = steps('num_training_steps');
    if (argOf(call, positional, 'num_warmup_steps') !== undefined && read.warmupSteps === undefined) read.notes.push(`the warmup of '${call.written}' is not a literal number; the warmup is not read`);
    return read;
  }
  switch (last) {
    case 'OneCycleLR': {
      read.kind = { value: 'OneCycleLR', range: at };
      const peak = num('max_lr');
      if (peak !== undefined) read.peak = peak;
      else read.notes.push(`OneCycleLR's max_lr (the peak learning rate) is not a literal number; the learning rate is not read from it`);
      const total = steps('total_steps');
      if (total !== undefined) read.decaySteps = total;
      const pct = num('pct_start');
      if (pct !== undefined && pct.value <= 1) read.warmupRatio = pct;
      else if (argOf(call, positional, 'pct_start') === undefined) read.warmupRatio = 'default';
      return read;
    }
    case 'CosineAnnealingLR':
    case 'CosineAnnealingWarmRestarts': {
      read.kind = { value: last, range: at };
      const t = steps(last === 'CosineAnnealingLR' ? 'T_max' : 'T_0');
      if (t !== undefined) read.decaySteps = t;
      return read;
    }
    case 'LinearLR': {
      const startV = argOf(call, positional, 'start_factor');
      const endV = argOf(call, positional, 'end_factor');
      const start = startV === undefined ? 1 / 3 : startV.kind === 'number' ? startV.value : undefined;
      const end = endV === undefined ? 1 : endV.kind === 'number' ? endV.value : undefined;
      if (start === undefined || end === undefined) {
        unread('has factors that are not literal numbers');
        return read;
      }
      const iters = argOf(call, positional, 'total_iters') === undefined ? undefined : steps('total_iters');
      if (start < end) {
        // A rise to the optimizer's lr, then constant: a warmup.
        read.warmupOnly = true;
        read.kind = { value: 'constant_with_warmup', range: at };
        if (iters !== undefined) read.warmupSteps = iters;
        else read.notes.push(`LinearLR's warmup length is ${argOf(call, positional, 'total_iters') === undefined ? "torch's default (total_iters=5)" : 'not a literal number'}; the warmup is not read`);
      } else {
        read.kind = { value: 'LinearLR', range: at };
        if (iters !== undefined) read.decaySteps = iters;
      }
      return read;
    }
    case 'SequentialLR': {
      const list = argOf(call, positional, 'schedulers');
      const milestones = argOf(call, positional, 'milestones');
      const parts = list?.kind === 'list' ? list.items : [];
      if (parts.length === 0 || !parts.every((p) => p.kind === 'call' && schedulerPositional(p.call.callee) !== null) || depth >= MAX_SCHEDULER_DEPTH) {
        unread('chains schedulers that are not written as scheduler calls');
        return read;
      }
      const reads = parts.map((p) => readScheduler((p as Extract<PyValue, { kind: 'call' }>).call, map, depth + 1));
      for (const r of reads) read.notes.push(...r.notes);
      const first = reads[0];
      const main = reads.length > 1 && first.warmupOnly === true ? reads[1] : first;
      read.kind = main.kind;
      read.peak = reads.find((r) => r.peak !== undefined)?.peak;
      read.decaySteps = main.decaySteps;
      if (main !== first) {
        const m = milestones?.kind === 'list' ? milestones.items[0] : undefined;
        if (m?.kind === 'number' && Number.isInteger(m.value) && m.value >= 0) read.warmupSteps = { value: m.value, range: map.range(m.start, m.end) };
        else read.warmupSteps = first.warmupSteps;
      }
      return read;
    }
    case 'StepLR':
    case 'MultiStepLR':
    case 'ExponentialLR':
    case 'PolynomialLR':
    case 'ConstantLR':
      read.kind = { value: last, range: at };
      return read;
    case 'LambdaLR':
    case 'MultiplicativeLR':
      unread(`is a function of the step (${last}), not readable statically`);
      return read;
    default:
      unread(`(${last}) is not a shape the advice reads`);
      return read;
  }
}
