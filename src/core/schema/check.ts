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
import { Kind, TransformKind, type StaticDecode, type TSchema } from '@sinclair/typebox';
import { Errors, ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Check } from '@sinclair/typebox/value';

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
export type Frozen<T> = T extends readonly unknown[] ? { readonly [K in keyof T]: Frozen<T[K]> } : T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;

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
 * Checks `value` against `schema`. On success, a copy of it holding only the declared fields, with
 * the schema's transforms applied (the input is never modified); on failure, the first problem.
 * `refine` runs on the typed copy for rules across fields.
 */
export function checkValue<S extends TSchema>(schema: S, value: unknown, refine?: Refine<StaticDecode<S>>, root = 'message'): Parsed<StaticDecode<S>> {
  const problem = firstProblem(schema, value);
  if (problem) return { ok: false, error: problemMessage(problem, root) };
  const typed = copyDeclared(schema, value) as StaticDecode<S>;
  const refined = refine?.(typed) ?? null;
  return refined ? { ok: false, error: problemMessage(refined, root) } : { ok: true, value: typed };
}

type Node = TSchema & { readonly [key: string | symbol]: unknown };

/**
 * A copy of a value that conforms to `schema`, built from the schema: only declared properties, each
 * transform's Decode applied. One pass; TypeBox's Clone + Clean + TransformDecode take about 25 times
 * as long on a large profile document (ARCHITECTURE.md "Data shapes"), and its Clone would turn an
 * own `__proto__` key into a prototype.
 */
function copyDeclared(schema: TSchema, value: unknown): unknown {
  const s = schema as Node;
  if (isLeaf(s)) return value;
  let out: unknown = value;
  switch (s[Kind]) {
    case 'Object': {
      const from = value as Record<string, unknown>;
      const o: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(s['properties'] as Record<string, TSchema>)) {
        if (Object.prototype.hasOwnProperty.call(from, key) && from[key] !== undefined) own(o, key, copyDeclared(property, from[key]));
      }
      out = o;
      break;
    }
    case 'Record': {
      const item = Object.values(s['patternProperties'] as Record<string, TSchema>)[0]!;
      const o: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) own(o, key, copyDeclared(item, v));
      out = o;
      break;
    }
    case 'Array': {
      const item = s['items'] as TSchema;
      out = isLeaf(item) ? (value as unknown[]).slice() : (value as unknown[]).map((v) => copyDeclared(item, v));
      break;
    }
    case 'Tuple': {
      const items = s['items'] as TSchema[];
      out = (value as unknown[]).map((v, i) => copyDeclared(items[i]!, v));
      break;
    }
    case 'Union':
      out = copyDeclared(variantOf(s['anyOf'] as TSchema[], value), value);
      break;
  }
  const transform = s[TransformKind] as { Decode(v: unknown): unknown } | undefined;
  return transform ? transform.Decode(out) : out;
}

/** Sets an own property (a key `__proto__` stays an ordinary property, never the prototype). */
function own(o: Record<string, unknown>, key: string, v: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}

const LEAF_KINDS = new Set(['String', 'Number', 'Integer', 'Boolean', 'Null', 'Literal']);
const leaves = new WeakMap<TSchema, boolean>();

/** A schema whose conforming values are scalars needing no copy and no transform. */
function isLeaf(schema: TSchema): boolean {
  let leaf = leaves.get(schema);
  if (leaf === undefined) {
    const s = schema as Node;
    leaf = s[TransformKind] === undefined &&
      (LEAF_KINDS.has(String(s[Kind])) || (s[Kind] === 'Union' && (s['anyOf'] as TSchema[]).every(isLeaf)));
    leaves.set(schema, leaf);
  }
  return leaf;
}

/** The JSON Schema `type` a value has. */
function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** The union's variant a conforming value matched: by JSON type first, then by checking the candidates. */
function variantOf(variants: readonly TSchema[], value: unknown): TSchema {
  const type = jsonType(value);
  const candidates = variants.filter((v) => {
    const t = (v as Node)['type'];
    return t === undefined || t === type || (t === 'integer' && type === 'number');
  });
  return (candidates.length === 1 ? candidates[0] : candidates.find((v) => Check(v, value))) ?? variants[0]!;
}

/** The first problem of `value` against `schema`, or null when it conforms. */
export function firstProblem(schema: TSchema, value: unknown): Problem | null {
  if (Check(schema, value)) return null;
  // TypeBox reports an object's missing keys before it visits its properties; the properties are then
  // visited in declared order, a missing one with the value undefined ('is missing'). Taking the first
  // error of that visit reports problems in the declared order, as a reader of the fields would.
  let missing: ValueError | undefined;
  for (const error of Errors(schema, value)) {
    if (error.type !== ValueErrorType.ObjectRequiredProperty) return problemOf(error, value);
    missing ??= error;
  }
  return missing ? problemOf(missing, value) : { path: [], problem: 'does not match its declaration' };
}

/** Our sentence and path for one TypeBox error (`root` is the value the error's pointer starts from). */
export function problemOf(error: ValueError, root: unknown): Problem {
  if (error.type === ValueErrorType.Union && error.value !== undefined) {
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
  // A tagged union (objects told apart by a constant field such as `kind`): the variants whose tags the
  // value carries explain it; the others would only say the tag is wrong.
  const tagged = variants.map((v) => tagsMatch(v, error.value));
  const anyTagged = tagged.some((t) => t);
  if (!anyTagged) {
    const tag = unknownTag(variants, error.value);
    if (tag) return { path: [...pointerPath(error.path, root), tag.key], problem: `expected one of ${tag.allowed}, got ${describe(tag.value)}` };
  }
  let best: Problem | null = null;
  error.errors.forEach((iterator, i) => {
    if (isNull(variants[i]) || (anyTagged && !tagged[i])) return;
    const first = iterator.First();
    const candidate = first ? problemOf(first, root) : null;
    if (candidate && (!best || candidate.path.length > best.path.length)) best = candidate;
  });
  return best;
}

/** A tag field that every variant declares as a constant and that `value` holds with none of them. */
function unknownTag(variants: readonly TSchema[], value: unknown): { key: string; allowed: string; value: unknown } | null {
  if (typeof value !== 'object' || value === null || variants.length === 0) return null;
  const first = variants[0]!['properties'] as Record<string, TSchema> | undefined;
  for (const key of Object.keys(first ?? {})) {
    const consts = variants.map((v) => (v['properties'] as Record<string, TSchema> | undefined)?.[key]);
    if (!Object.prototype.hasOwnProperty.call(value, key) || !consts.every((c) => c !== undefined && 'const' in c)) continue;
    return { key, allowed: consts.map((c) => JSON.stringify(c!['const'])).join(', '), value: (value as Record<string, unknown>)[key] };
  }
  return null;
}

/**
 * Whether `value` carries the tags of an object schema: it has at least one of the schema's
 * constant-valued properties, and each of those it has holds the schema's constant.
 */
function tagsMatch(variant: TSchema, value: unknown): boolean {
  const properties = variant['properties'] as Record<string, TSchema> | undefined;
  if (properties === undefined || typeof value !== 'object' || value === null) return false;
  const present = Object.entries(properties).filter(([key, p]) => 'const' in p && Object.prototype.hasOwnProperty.call(value, key));
  return present.length > 0 && present.every(([key, p]) => (value as Record<string, unknown>)[key] === p['const']);
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
