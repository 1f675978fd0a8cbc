/**
 * Base class of every profiler optimizer: a `tf.Optimizer` whose state lives in named slots per
 * parameter (named as the reference implementation names its state: `exp_avg`, `exp_avg_sq`, ...),
 * updated in one `tf.tidy` per parameter so that the step's temporaries of one tensor are freed before
 * the next tensor is processed (tfjs's own Adam wraps all variables in one tidy, which inflates peak
 * memory).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types';
import type { OptimizerId } from '../../core/optimizers/types';
import type { DType, Hyperparameters, HyperValue, TensorRole } from '../../core/types';
import type { HeldStateTensor } from '../protocol';

export interface NamedGradient {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

export type ProbeKind = 'rademacher' | 'gaussian';
/** Supplies the random probe vectors of Hutchinson estimators (tests pass fixed ones). */
export type ProbeSource = (shape: readonly number[], kind: ProbeKind, paramName: string, step: number) => tf.Tensor;

/** How a Hessian-vector product is computed (see `hessian.ts`). */
export type HvpMethod = 'autodiff' | 'finite-difference';

/** Run-time options that are not hyperparameters of the reference implementation. */
export interface OptimizerOptions {
  /** Probe vectors for Hutchinson estimators; default: tf random with `seed`. */
  readonly probe?: ProbeSource;
  /** Seed of the default probe source. */
  readonly seed?: number;
  /** Hessian-vector products by double backprop (default) or by central finite differences. */
  readonly hvp?: HvpMethod;
  /** The role of a parameter tensor (Muon orthogonalises only hidden `matrix`/`conv` weights). */
  readonly roleOf?: (paramName: string, shape: readonly number[]) => TensorRole | undefined;
  /**
   * Sophia's Gauss-Newton-Bartlett estimator: the loss of the model on labels sampled from its own
   * output distribution. Without it Sophia uses the Hutchinson estimator.
   */
  readonly sampledLoss?: () => tf.Scalar;
}

const TFJS_TO_DTYPE: Readonly<Record<string, { dtype: DType; bytes: number }>> = {
  float32: { dtype: 'fp32', bytes: 4 },
  int32: { dtype: 'int32', bytes: 4 },
  // 8-bit optimizer codes are stored one byte each in 'bool' tensors (values 0-255).
  bool: { dtype: 'uint8', bytes: 1 },
};

const STEP_SLOT = 'step';
const GROUP_PREFIX = '@group/';

function toConfigValue(v: HyperValue): tf.serialization.ConfigDictValue {
  return Array.isArray(v) ? [...(v as readonly number[])] : (v as tf.serialization.ConfigDictValue);
}

export abstract class ProfilerOptimizer extends tf.Optimizer {
  abstract readonly id: OptimizerId;
  /** Resolved hyperparameters (reference defaults overlaid with the caller's). */
  protected readonly resolved: Readonly<Record<string, HyperValue>>;
  private readonly slots = new Map<string, Map<string, tf.Variable>>();
  private readonly paramSteps = new Map<string, number>();

  constructor(
    resolved: Hyperparameters,
    protected readonly options: OptimizerOptions = {},
  ) {
    super();
    this.resolved = { ...resolved };
  }

  /** Hook before the per-parameter updates of one step (e.g. LAMB's global gradient norm). */
  protected prepareStep(_grads: readonly NamedGradient[]): void {}
  /** Hook after the per-parameter updates of one step (dispose what prepareStep kept). */
  protected finishStep(): void {}
  /** The update of one parameter; runs inside its own `tf.tidy`. `step` counts this parameter's updates from 1. */
  protected abstract updateParameter(name: string, param: tf.Variable, grad: tf.Tensor, step: number): void;
  /** Optimizer-wide scalars kept in JavaScript (schedule-free's weight sum), for get/setWeights. */
  protected groupScalars(): Record<string, number> {
    return {};
  }
  protected loadGroupScalars(_values: Record<string, number>): void {}

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedGradient[]): void {
    const list: NamedGradient[] = Array.isArray(variableGradients)
      ? variableGradients.filter((g) => g.tensor != null)
      : Object.keys(variableGradients)
          .filter((name) => variableGradients[name] != null)
          .map((name) => ({ name, tensor: variableGradients[name]! }));
    this.prepareStep(list);
    try {
      for (const { name, tensor } of list) {
        const param = tf.engine().registeredVariables[name];
        if (param === undefined) throw new Error(`${this.id}: no variable named '${name}' is registered`);
        const step = (this.paramSteps.get(name) ?? 0) + 1;
        this.paramSteps.set(name, step);
        tf.tidy(() => {
          this.updateParameter(name, param, tensor, step);
        });
      }
    } finally {
      this.finishStep();
    }
    this.incrementIterations();
  }

  /** The trainable variables `minimize` works on by default (optimizer slots are not trainable). */
  protected trainableVariables(varList?: tf.Variable[]): tf.Variable[] {
    if (varList) return varList;
    return Object.values(tf.engine().registeredVariables).filter((v) => v.trainable);
  }

  /** Number of updates applied to a parameter so far. */
  protected stepOf(name: string): number {
    return this.paramSteps.get(name) ?? 0;
  }

  protected hasSlot(param: string, name: string): boolean {
    return this.slots.get(param)?.has(name) ?? false;
  }

  /**
   * torch.optim.SGD's momentum on a direction d (SGD, LARS): the first step's buffer is d itself, later ones
   * buf <- buf*momentum + d*(1 - dampening); the direction becomes d + buf*momentum (Nesterov) or buf.
   */
  protected momentumDirection(name: string, d: tf.Tensor, momentum: number, dampening: number, nesterov: boolean): tf.Tensor {
    const first = !this.hasSlot(name, 'momentum_buffer');
    const buf = this.slot(name, 'momentum_buffer', () => tf.clone(d));
    if (!first) buf.assign(tf.add(tf.mul(buf, momentum), tf.mul(d, 1 - dampening)));
    return nesterov ? tf.add(d, tf.mul(buf, momentum)) : buf;
  }

  /**
   * The Adam family's first half (torch.optim.Adam/AdamW, NAdamW): the gradient (negated with maximize), weight
   * decay decoupled (p <- p*(1 - lr*wd)) or as L2 (g + p*wd), then exp_avg <- m*b1 + g*(1-b1) and
   * exp_avg_sq <- v*b2 + g*g*(1-b2). Returns the gradient used and the two moments.
   */
  protected adamMoments(
    name: string,
    p: tf.Variable,
    grad: tf.Tensor,
    o: { readonly lr: number; readonly beta1: number; readonly beta2: number; readonly weightDecay: number; readonly decoupled: boolean; readonly maximize: boolean },
  ): { g: tf.Tensor; m: tf.Variable; v: tf.Variable } {
    let g = o.maximize ? tf.neg(grad) : grad;
    if (o.weightDecay !== 0) {
      if (o.decoupled) p.assign(tf.mul(p, 1 - o.lr * o.weightDecay));
      else g = tf.add(g, tf.mul(p, o.weightDecay));
    }
    const m = this.slot(name, 'exp_avg', () => tf.zerosLike(p));
    const v = this.slot(name, 'exp_avg_sq', () => tf.zerosLike(p));
    m.assign(tf.add(tf.mul(m, o.beta1), tf.mul(g, 1 - o.beta1)));
    v.assign(tf.add(tf.mul(v, o.beta2), tf.mul(tf.mul(g, g), 1 - o.beta2)));
    return { g, m, v };
  }

  /** The state tensor `name` of `param`, created with `init()` on first use. */
  protected slot(param: string, name: string, init: () => tf.Tensor): tf.Variable {
    let bySlot = this.slots.get(param);
    if (!bySlot) {
      bySlot = new Map();
      this.slots.set(param, bySlot);
    }
    let v = bySlot.get(name);
    if (!v) {
      const initial = tf.tidy(init);
      v = tf.variable(initial, false);
      initial.dispose();
      bySlot.set(name, v);
    }
    return v;
  }

  /** Every state tensor held, with its measured size. */
  stateTensors(): HeldStateTensor[] {
    const out: HeldStateTensor[] = [];
    for (const [param, bySlot] of this.slots) {
      for (const [name, v] of bySlot) {
        const kind = TFJS_TO_DTYPE[v.dtype];
        if (!kind) throw new Error(`${this.id}: state '${name}' has unexpected dtype ${v.dtype}`);
        out.push({ param, name, shape: [...v.shape], dtype: kind.dtype, bytes: v.size * kind.bytes });
      }
    }
    return out;
  }

  /** Sum of the bytes of every state tensor held. */
  stateBytes(): number {
    return this.stateTensors().reduce((s, t) => s + t.bytes, 0);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {};
    for (const [k, v] of Object.entries(this.resolved)) config[k] = toConfigValue(v);
    return config;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const [param, bySlot] of this.slots) {
      for (const [name, v] of bySlot) out.push({ name: `${param}/${name}`, tensor: v });
    }
    for (const [param, step] of this.paramSteps) out.push({ name: `${param}/${STEP_SLOT}`, tensor: tf.scalar(step, 'int32') });
    for (const [key, value] of Object.entries(this.groupScalars())) {
      out.push({ name: `${GROUP_PREFIX}${key}`, tensor: tf.tensor1d(splitDouble(value), 'float32') });
    }
    return out;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.disposeSlots();
    this.paramSteps.clear();
    const group: Record<string, number> = {};
    for (const { name, tensor } of rest) {
      if (name.startsWith(GROUP_PREFIX)) {
        const parts = await tensor.data();
        group[name.slice(GROUP_PREFIX.length)] = (parts[0] ?? 0) + (parts[1] ?? 0);
        continue;
      }
      const cut = name.lastIndexOf('/');
      if (cut <= 0) throw new Error(`${this.id}: weight '${name}' is not named <param>/<state>`);
      const param = name.slice(0, cut);
      const slotName = name.slice(cut + 1);
      if (slotName === STEP_SLOT) {
        this.paramSteps.set(param, (await tensor.data())[0]!);
        continue;
      }
      this.slot(param, slotName, () => tf.clone(tensor));
    }
    this.loadGroupScalars(group);
  }

  private disposeSlots(): void {
    for (const bySlot of this.slots.values()) for (const v of bySlot.values()) v.dispose();
    this.slots.clear();
  }

  override dispose(): void {
    this.disposeSlots();
    super.dispose();
  }
}

/**
 * A JavaScript double split into two float32 parts (hi + lo) so that group scalars survive a
 * get/setWeights round trip through float32 tensors to about 1e-14 relative.
 */
function splitDouble(value: number): number[] {
  const hi = Math.fround(value);
  return [hi, Math.fround(value - hi)];
}
