/**
 * Checks a value that arrived as JSON (a webview message, a saved profile file, a saved view state)
 * against its one declaration, a TypeBox schema (https://github.com/sinclairzx81/typebox, README
 * "Value" module), and returns a typed COPY holding only the declared fields, or the first problem as
 * one line: `results[2].runs[0].lr: must be greater than 0, got -1`.
 *
 * Only TypeBox's interpreted `Value` functions are used (no TypeCompiler): the webview's CSP forbids
 * eval and `new Function`; ARCHITECTURE.md "Data shapes" gives the measured reasons for Node too.
 * The problem wording is ours (TypeBox's `ValueError` carries the kind, the failing sub-schema, the
 * value and a JSON pointer; `problemOf` turns that into the sentence and the path). Pure: no Node APIs.
 */
import type { StaticDecode, TSchema } from '@sinclair/typebox';
import { Errors, ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Check, Clean, HasTransform, TransformDecode } from '@sinclair/typebox/value';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** One segment of a value path: an object key or an array index. */
export type PathSegment = string | number;

/** A problem at a path in the value (the path is empty for the value itself). */
export interface Problem {
  readonly path: readonly PathSegment[];
  readonly problem: string;
}

/**
 * The read-only view of a schema's static type: the declarations say what a document holds, and
 * nothing that receives one may change it (TypeBox's `Static` has mutable arrays).
 */
export type Frozen<T> = T extends (infer E)[]
  ? readonly Frozen<E>[]
  : T extends readonly (infer E)[]
    ? readonly Frozen<E>[]
    : T extends object
      ? { readonly [K in keyof T]: Frozen<T[K]> }
      : T;

/** The static type of a schema (after its transforms), read-only. */
export type Declared<S extends TSchema> = Frozen<StaticDecode<S>>;

/** A check the schema cannot state (a count that must not exceed its total, ids that must be unique). */
export type Refine<T> = (value: T) => Problem | null;

/** `results[2].runs[0].lr` from its segments ('' for the value itself). */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const s of path) out = typeof s === 'number' ? `${out}[${s}]` : out ? `${out}.${s}` : s;
  return out;
}

/** The message of a problem: `path: problem`, with `root` naming the value itself. */
export function problemMessage(p: Problem, root = 'message'): string {
  return `${formatPath(p.path) || root}: ${p.problem}`;
}

/**
 * Checks `value` against `schema`. On success, a structured clone of it with every undeclared field
 * removed and the schema's transforms applied (the input is never modified); on failure, the first
 * problem. `refine` runs on the typed copy for rules across fields.
 */
export function checkValue<S extends TSchema>(schema: S, value: unknown, refine?: Refine<StaticDecode<S>>, root = 'message'): Parsed<StaticDecode<S>> {
  const problem = firstProblem(schema, value);
  if (problem) return { ok: false, error: problemMessage(problem, root) };
  let copy: unknown;
  try {
    copy = Clean(schema, structuredClone(value));
  } catch {
    return { ok: false, error: `${root}: holds values that are not plain data` };
  }
  const typed = (HasTransform(schema, []) ? TransformDecode(schema, [], copy) : copy) as StaticDecode<S>;
  const refined = refine?.(typed) ?? null;
  return refined ? { ok: false, error: problemMessage(refined, root) } : { ok: true, value: typed };
}

/** The first problem of `value` against `schema`, or null when it conforms. */
export function firstProblem(schema: TSchema, value: unknown): Problem | null {
  if (Check(schema, value)) return null;
  const first = Errors(schema, value).First();
  return first ? problemOf(first, value) : { path: [], problem: 'does not match its declaration' };
}

/** Our sentence and path for one TypeBox error (`root` is the value the error's pointer starts from). */
export function problemOf(error: ValueError, root: unknown): Problem {
  if (error.type === ValueErrorType.Union) {
    const inner = unionProblem(error, root);
    if (inner) return inner;
  }
  return { path: pointerPath(error.path, root), problem: sentence(error) };
}

/**
 * A union's own error says only "expected a union". When the value is not null and exactly one
 * variant is not `null`, that variant's first error is the problem (a nullable field); a union of
 * literals is an enumeration. Otherwise the variant that went deepest before failing explains best.
 */
function unionProblem(error: ValueError, root: unknown): Problem | null {
  const variants = (error.schema['anyOf'] ?? []) as TSchema[];
  const isNull = (v: TSchema | undefined): boolean => v?.['type'] === 'null';
  if (variants.length > 0 && variants.every((v) => 'const' in v || isNull(v))) {
    const allowed = variants.map((v) => ('const' in v ? JSON.stringify(v['const']) : 'null')).join(', ');
    return { path: pointerPath(error.path, root), problem: `expected one of ${allowed}, got ${describe(error.value)}` };
  }
  let best: Problem | null = null;
  error.errors.forEach((iterator, i) => {
    if (isNull(variants[i])) return;
    const first = iterator.First();
    const candidate = first ? problemOf(first, root) : null;
    if (candidate && (!best || candidate.path.length > best.path.length)) best = candidate;
  });
  return best;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The sentence for one error kind (kept to the wording the readers used before the schemas). */
function sentence(e: ValueError): string {
  const s = e.schema as Record<string, unknown>;
  const v = e.value;
  if (v === undefined) return 'is missing';
  const own = ownMessage(s['errorMessage'], e.type);
  if (own !== null) return own.replace('{value}', typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : describe(v));
  switch (e.type) {
    case ValueErrorType.Object:
      return `expected an object, got ${describe(v)}`;
    case ValueErrorType.Array:
    case ValueErrorType.Tuple:
      return `expected an array, got ${describe(v)}`;
    case ValueErrorType.String:
      return `expected a string, got ${describe(v)}`;
    case ValueErrorType.Boolean:
      return `expected true or false, got ${describe(v)}`;
    case ValueErrorType.Null:
      return `expected null, got ${describe(v)}`;
    case ValueErrorType.Number:
      return `expected a finite number, got ${describe(v)}`;
    case ValueErrorType.Integer:
      return typeof v === 'number' && Number.isFinite(v) ? `expected a whole number, got ${v}` : `expected a finite number, got ${describe(v)}`;
    case ValueErrorType.Literal:
      return `expected ${JSON.stringify(s['const'])}, got ${describe(v)}`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be at least ${String(s['minimum'])}, got ${String(v)}`;
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.IntegerExclusiveMinimum:
      return `must be greater than ${String(s['exclusiveMinimum'])}, got ${String(v)}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be at most ${String(s['maximum'])}, got ${String(v)}`;
    case ValueErrorType.NumberExclusiveMaximum:
    case ValueErrorType.IntegerExclusiveMaximum:
      return `must be less than ${String(s['exclusiveMaximum'])}, got ${String(v)}`;
    case ValueErrorType.StringMinLength:
      return s['minLength'] === 1 ? 'must not be empty' : `shorter than ${String(s['minLength'])} characters`;
    case ValueErrorType.StringMaxLength:
      return `longer than ${String(s['maxLength'])} characters`;
    case ValueErrorType.StringPattern:
      return `'${String(v)}' does not match ${String(s['pattern'])}`;
    case ValueErrorType.ArrayMinItems:
      return s['minItems'] === 1 ? 'must name at least one item' : `fewer than ${plural(Number(s['minItems']), 'item', 'items')}`;
    case ValueErrorType.ArrayMaxItems:
      return `more than ${plural(Number(s['maxItems']), 'item', 'items')}`;
    case ValueErrorType.TupleLength: {
      const n = Array.isArray(v) ? v.length : 0;
      const want = Number(s['maxItems'] ?? 0);
      return n > want ? `more than ${plural(want, 'item', 'items')}` : `expected ${plural(want, 'item', 'items')}, got ${n}`;
    }
    case ValueErrorType.ObjectMaxProperties:
      return `more than ${plural(Number(s['maxProperties']), 'key', 'keys')}`;
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not an allowed key';
    default:
      return e.message;
  }
}

/** The JSON Schema keyword each error kind fails (for keyword-specific `errorMessage`s). */
const KEYWORDS: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.Literal]: 'const',
  [ValueErrorType.StringPattern]: 'pattern',
  [ValueErrorType.StringMinLength]: 'minLength',
  [ValueErrorType.StringMaxLength]: 'maxLength',
  [ValueErrorType.ArrayMinItems]: 'minItems',
  [ValueErrorType.ArrayMaxItems]: 'maxItems',
  [ValueErrorType.NumberMinimum]: 'minimum',
  [ValueErrorType.IntegerMinimum]: 'minimum',
  [ValueErrorType.NumberMaximum]: 'maximum',
  [ValueErrorType.IntegerMaximum]: 'maximum',
};

/**
 * A schema's own wording for its errors, in ajv-errors' `errorMessage` convention
 * (https://github.com/ajv-validator/ajv-errors): a string for every error of that schema, or an
 * object keyed by the failing keyword. `{value}` stands for the offending value.
 */
function ownMessage(spec: unknown, type: ValueErrorType): string | null {
  if (typeof spec === 'string') return spec;
  const keyword = KEYWORDS[type];
  if (typeof spec !== 'object' || spec === null || keyword === undefined) return null;
  const text = (spec as Record<string, unknown>)[keyword];
  return typeof text === 'string' ? text : null;
}

/** A short description of a value for messages: `null`, `an array`, `string "abc"`, `NaN`. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)?.slice(0, 40) ?? ''}`.trim();
}

/**
 * The segments of a JSON pointer (RFC 6901: `~1` is `/`, `~0` is `~`), with a segment that indexes an
 * array in `root` turned into a number.
 */
export function pointerPath(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let at: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at) && /^(0|[1-9]\d*)$/.test(key)) {
      out.push(Number(key));
      at = at[Number(key)];
    } else {
      out.push(key);
      at = typeof at === 'object' && at !== null && Object.prototype.hasOwnProperty.call(at, key) ? (at as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}
