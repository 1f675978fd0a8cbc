import { InputError, type Hyperparameters, type HyperValue } from '../../core/types';

/**
 * Keys that select an implementation strategy in the reference code (multi-tensor kernels, CUDA graphs,
 * Triton, torch.compile, multi-GPU reduction) without changing the maths. They are accepted and ignored so that a catalog's full default set can be
 * passed straight in.
 */
const IMPLEMENTATION_ONLY_KEYS: ReadonlySet<string> = new Set(['foreach', 'fused', 'capturable', 'differentiable', 'use_triton', 'use_pytorch_compile', 'single_gpu']);

/**
 * The largest decay rate (the beta of a moving average, a momentum) the optimizers accept: just below 1, where an
 * average would stop forgetting and Adam's bias correction 1 - beta^t would divide by zero.
 */
export const MAX_DECAY = 0.999999999;

/**
 * Reads an optimizer's hyperparameters: the reference defaults overlaid with what the caller gave.
 * Wrong types, out-of-range values and unknown keys are user errors (InputError), reported with the
 * optimizer id and key.
 */
export class HyperReader {
  private readonly used = new Set<string>();

  constructor(
    private readonly id: string,
    private readonly given: Hyperparameters,
    private readonly defaults: Hyperparameters,
  ) {}

  private raw(key: string): HyperValue {
    this.used.add(key);
    if (Object.prototype.hasOwnProperty.call(this.given, key)) return this.given[key] as HyperValue;
    if (Object.prototype.hasOwnProperty.call(this.defaults, key)) return this.defaults[key] as HyperValue;
    throw new InputError(`${this.id}: hyperparameter '${key}' has no default and was not given`);
  }

  private fail(key: string, expected: string, value: HyperValue): never {
    throw new InputError(`${this.id}: hyperparameter '${key}' must be ${expected}, got ${JSON.stringify(value)}`);
  }

  /** A finite number, optionally bounded (inclusive). */
  num(key: string, min = -Infinity, max = Infinity): number {
    const v = this.raw(key);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, 'a finite number', v);
    if (v < min || v > max) this.fail(key, `in [${min}, ${max}]`, v);
    return v;
  }

  /** A whole number, optionally bounded (inclusive). */
  int(key: string, min = -Infinity, max = Infinity): number {
    const v = this.num(key, min, max);
    if (!Number.isInteger(v)) this.fail(key, 'a whole number', v);
    return v;
  }

  /** A number or null (e.g. Adafactor `lr`, `beta1`). */
  numOrNull(key: string, min = -Infinity, max = Infinity): number | null {
    const v = this.raw(key);
    if (v === null) return null;
    return this.num(key, min, max);
  }

  /** One of the strings in `allowed` (e.g. GaLore's proj_type). */
  str<T extends string>(key: string, allowed: readonly T[]): T {
    const v = this.raw(key);
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(key, `one of ${allowed.join(', ')}`, v);
    return v as T;
  }

  /** A string or null (e.g. GaLore's comma-separated target_modules; null = not set). */
  strOrNull(key: string): string | null {
    const v = this.raw(key);
    if (v !== null && typeof v !== 'string') this.fail(key, 'a string or null', v);
    return v;
  }

  bool(key: string): boolean {
    const v = this.raw(key);
    if (typeof v !== 'boolean') this.fail(key, 'true or false', v);
    return v;
  }

  /** `count` finite numbers, each in [min, max] (e.g. CAME's three betas). */
  numbers(key: string, count: number, min = -Infinity, max = Infinity): number[] {
    const v = this.raw(key);
    if (!Array.isArray(v) || v.length !== count || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      this.fail(key, `${count} numbers`, v);
    }
    const values = v as readonly number[];
    if (values.some((x) => x < min || x > max)) this.fail(key, `${count} numbers in [${min}, ${max}]`, v);
    return [...values];
  }

  /** A pair of numbers, each in [min, max] (e.g. `betas`). */
  pair(key: string, min = -Infinity, max = Infinity): readonly [number, number] {
    const [a, b] = this.numbers(key, 2, min, max);
    return [a!, b!];
  }

  /**
   * A reference option the profiler implements only at one value (e.g. LAMB `caution: false`): accepted
   * at that value, an InputError otherwise.
   */
  fixed(key: string, only: HyperValue): void {
    const v = this.given[key];
    this.used.add(key);
    if (v === undefined || JSON.stringify(v) === JSON.stringify(only)) return;
    throw new InputError(`${this.id}: ${key}=${JSON.stringify(v)} is not modelled by the profiler (only ${JSON.stringify(only)})`);
  }

  /** Throws for keys the caller gave that this optimizer does not have. Call after reading every key. */
  finish(): void {
    for (const key of Object.keys(this.given)) {
      if (this.used.has(key) || IMPLEMENTATION_ONLY_KEYS.has(key)) continue;
      const known = [...this.used].sort().join(', ');
      throw new InputError(`${this.id}: unknown hyperparameter '${key}' (known: ${known})`);
    }
  }
}
