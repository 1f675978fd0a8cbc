/**
 * A tiny runtime checker for values that arrive as JSON (webview messages, saved profile files).
 * Each reader takes `unknown` and a path (`results[2].runs[0].lr`) and returns a typed COPY built only
 * from the fields it checked, or throws ShapeError naming the path. `parseWith` turns the throw into
 * a result object so callers never act on a malformed value. Pure, no DOM, no Node APIs.
 */

export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path || 'message'}: ${problem}`);
    this.name = 'ShapeError';
  }
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Runs a reader; a ShapeError becomes `{ ok: false, error }` (any other exception is a bug and propagates). */
export function parseWith<T>(value: unknown, read: (v: unknown, path: string) => T, path = ''): Parsed<T> {
  try {
    return { ok: true, value: read(value, path) };
  } catch (e) {
    if (e instanceof ShapeError) return { ok: false, error: e.message };
    throw e;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)?.slice(0, 40) ?? ''}`.trim();
}

export function at(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/** A plain object (not null, not an array). */
export function readObject(v: unknown, path: string): Readonly<Record<string, unknown>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ShapeError(path, `expected an object, got ${describe(v)}`);
  return v as Record<string, unknown>;
}

export interface StringRules {
  /** Longest accepted length (default 100,000 characters). */
  readonly max?: number;
  readonly nonEmpty?: boolean;
}

export function readString(v: unknown, path: string, rules: StringRules = {}): string {
  if (typeof v !== 'string') throw new ShapeError(path, `expected a string, got ${describe(v)}`);
  if (rules.nonEmpty && v.length === 0) throw new ShapeError(path, 'must not be empty');
  const max = rules.max ?? 100_000;
  if (v.length > max) throw new ShapeError(path, `longer than ${max} characters`);
  return v;
}

export interface NumberRules {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  /** Exclusive lower bound. */
  readonly above?: number;
}

/** A finite number within the rules (NaN and Infinity never pass). */
export function readNumber(v: unknown, path: string, rules: NumberRules = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ShapeError(path, `expected a finite number, got ${describe(v)}`);
  if (rules.integer && !Number.isInteger(v)) throw new ShapeError(path, `expected a whole number, got ${v}`);
  if (rules.min !== undefined && v < rules.min) throw new ShapeError(path, `must be at least ${rules.min}, got ${v}`);
  if (rules.above !== undefined && v <= rules.above) throw new ShapeError(path, `must be greater than ${rules.above}, got ${v}`);
  if (rules.max !== undefined && v > rules.max) throw new ShapeError(path, `must be at most ${rules.max}, got ${v}`);
  return v;
}

export function readBoolean(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new ShapeError(path, `expected true or false, got ${describe(v)}`);
  return v;
}

export function readOneOf<T extends string | number>(v: unknown, path: string, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(v)) {
    throw new ShapeError(path, `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(v)}`);
  }
  return v as T;
}

export function readArray<T>(v: unknown, path: string, item: (x: unknown, p: string) => T, max = 100_000): T[] {
  if (!Array.isArray(v)) throw new ShapeError(path, `expected an array, got ${describe(v)}`);
  if (v.length > max) throw new ShapeError(path, `more than ${max} items`);
  return v.map((x, i) => item(x, at(path, i)));
}

/** `null` passes as null; anything else goes through `read`. */
export function readNullable<T>(v: unknown, path: string, read: (x: unknown, p: string) => T): T | null {
  return v === null ? null : read(v, path);
}

/** Reads `o[key]` with `read`; absent (undefined) keys give undefined. */
export function readOptional<T>(o: Readonly<Record<string, unknown>>, key: string, path: string, read: (x: unknown, p: string) => T): T | undefined {
  const v = o[key];
  return v === undefined ? undefined : read(v, at(path, key));
}

/** Reads the required `o[key]` with `read`. */
export function readField<T>(o: Readonly<Record<string, unknown>>, key: string, path: string, read: (x: unknown, p: string) => T): T {
  if (!(key in o) || o[key] === undefined) throw new ShapeError(at(path, key), 'is missing');
  return read(o[key], at(path, key));
}

/** A JSON scalar or a list of numbers (the HyperValue of src/core/types). */
export function readHyperValue(v: unknown, path: string): number | boolean | string | null | readonly number[] {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return readNumber(v, path);
  if (typeof v === 'string') return readString(v, path, { max: 1000 });
  if (Array.isArray(v)) return readArray(v, path, (x, p) => readNumber(x, p), 64);
  throw new ShapeError(path, `expected a number, boolean, string, null or list of numbers, got ${describe(v)}`);
}

/** An object whose values all pass `read` (keys limited in number and length). */
export function readRecord<T>(v: unknown, path: string, read: (x: unknown, p: string) => T, maxKeys = 200): Record<string, T> {
  const o = readObject(v, path);
  const keys = Object.keys(o);
  if (keys.length > maxKeys) throw new ShapeError(path, `more than ${maxKeys} keys`);
  const out: Record<string, T> = {};
  for (const k of keys) {
    if (k.length > 200) throw new ShapeError(path, 'key longer than 200 characters');
    if (k === '__proto__') throw new ShapeError(path, 'key "__proto__" is not allowed');
    out[k] = read(o[k], at(path, k));
  }
  return out;
}
