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
