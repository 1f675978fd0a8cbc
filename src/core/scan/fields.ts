/**
 * Reading typed fields from an object node: each value read is recorded as a FieldFinding with its
 * range; the first value of the wrong type (or out of range) is recorded as the detection's error.
 */
import type { HyperValue } from '../types';
import { describeKind, type ObjectNode, type ParsedNode } from '../parse/node';
import type { FindingError } from './detector';
import type { FieldFinding, SourceRange } from './types';

/** A value read from the file, with where it was written. */
export interface Read<T> {
  readonly value: T;
  readonly range: SourceRange;
  /** The key as spelled, dotted with the reader's prefix. */
  readonly name: string;
}

export interface NumberRule {
  /** Must be written as an integer (no `.` or exponent), as Python's `json` would read an int. */
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly nullable?: boolean;
}

/**
 * An object node built from source that is not plain data (a Python call's keyword arguments):
 * `opaqueKeys` were written, but their values are expressions this scanner does not evaluate.
 * A reader reports them as present (`has`) and reads nothing from them.
 */
export interface PartialObjectNode extends ObjectNode {
  readonly opaqueKeys: ReadonlySet<string>;
  /**
   * The object is a Python call (`is_bf16_supported()`, `kwargs.pop('opt', 'sgd')`, `AdamW(...)`) read as its
   * arguments. Where a reader expects a plain value (a number, string, boolean or list) it is the call's result,
   * which the scanner does not compute: an opaque value, not a wrong type.
   */
  readonly fromCall?: boolean;
}

function opaqueKeysOf(obj: ObjectNode): ReadonlySet<string> | undefined {
  return (obj as Partial<PartialObjectNode>).opaqueKeys;
}

/** A whole-value OmegaConf interpolation, `${a.b}` or `${oc.env:X}`, that nothing resolved. */
function isInterpolation(node: ParsedNode): boolean {
  return node.kind === 'string' && /^\$\{[^{}]+\}$/.test(node.value.trim());
}

function isCallResult(node: ParsedNode): boolean {
  return node.kind === 'object' && (node as Partial<PartialObjectNode>).fromCall === true;
}

/** Findings and first error, shared by a reader and its nested readers. */
interface ReaderState {
  readonly fields: FieldFinding[];
  error: FindingError | null;
}

export class FieldReader {
  constructor(
    private readonly obj: ObjectNode,
    private readonly prefix = '',
    private readonly state: ReaderState = { fields: [], error: null },
  ) {}

  /** Every value read so far (nested readers included), in reading order. */
  get fields(): FieldFinding[] {
    return this.state.fields;
  }

  /** The wrong-typed or out-of-range value that comes first in the file, if any. */
  get error(): FindingError | null {
    return this.state.error;
  }

  /** The key is written (with a value that is read, or an expression that is not: see PartialObjectNode). */
  has(key: string): boolean {
    return this.obj.index.has(key) || (opaqueKeysOf(this.obj)?.has(key) ?? false);
  }

  /** The keys written in the object, in source order (each once). */
  keys(): string[] {
    return [...this.obj.index.keys()];
  }

  /** The key is written as an expression whose value is not known (never true for JSON/YAML). */
  isOpaque(key: string): boolean {
    if (opaqueKeysOf(this.obj)?.has(key) ?? false) return true;
    const node = this.node(key);
    return node !== undefined && isCallResult(node);
  }

  /**
   * A Python value where a plain value is expected that is not a wrong type but unknown: a call's result (see
   * PartialObjectNode.fromCall), or `None` where the reader does not take null — in a Python call the argument is
   * then computed elsewhere (`args.lr` defaults to None and the script sets it at run time) or means "none" to
   * the callee (`DataLoader(batch_size=None)`: the dataset yields batches), never a number this reader can use.
   * In JSON and YAML (no opaque keys) only an OmegaConf interpolation left unresolved is unknown: `lr: ${optim.lr}`
   * in a Hydra group's file read on its own (open-unlearning's and CALS's `configs/optim/*.yaml`), which Hydra resolves
   * in the composed config (where ./interpolation.ts resolves it too); other values are type-checked as before.
   */
  private unevaluated(node: ParsedNode, nullable: boolean): boolean {
    if (opaqueKeysOf(this.obj) === undefined) return isInterpolation(node);
    return isCallResult(node) || (node.kind === 'null' && !nullable);
  }

  /** The name a key is recorded under (dotted with this reader's prefix). */
  nameOf(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }

  /** Records a value read by the caller (for values the typed readers do not cover). */
  recordValue(key: string, node: ParsedNode, value: HyperValue): Read<HyperValue> {
    return this.record(key, node, value);
  }

  node(key: string): ParsedNode | undefined {
    return this.obj.index.get(key)?.node;
  }

  /** Records an error at `range`; of several, the one that comes first in the file is kept. */
  fail(message: string, range: SourceRange): void {
    const current = this.state.error;
    if (current === null || range.line < current.line || (range.line === current.line && range.column < current.column)) {
      this.state.error = { message, line: range.line, column: range.column };
    }
  }

  /** A reader for another object (e.g. another call's arguments), sharing fields and error with this one. */
  sibling(obj: ObjectNode, prefix: string): FieldReader {
    return new FieldReader(obj, prefix, this.state);
  }

  /** A reader for a nested object member, sharing fields and error with this one. */
  nested(key: string): FieldReader | undefined {
    const node = this.node(key);
    if (node === undefined || node.kind !== 'object') return undefined;
    return new FieldReader(node, this.nameOf(key), this.state);
  }

  string(key: string, nullable = false): Read<string | null> | undefined {
    const node = this.node(key);
    if (node === undefined) return undefined;
    if (node.kind === 'string' || (nullable && node.kind === 'null')) return this.record(key, node, node.value);
    if (this.unevaluated(node, nullable)) return undefined;
    this.wrongType(key, node, nullable ? 'a string or null' : 'a string');
    return undefined;
  }

  boolean(key: string, nullable = false): Read<boolean | null> | undefined {
    const node = this.node(key);
    if (node === undefined) return undefined;
    if (node.kind === 'boolean' || (nullable && node.kind === 'null')) return this.record(key, node, node.value);
    if (this.unevaluated(node, nullable)) return undefined;
    this.wrongType(key, node, nullable ? 'true, false or null' : 'true or false');
    return undefined;
  }

  number(key: string, rule: NumberRule = {}): Read<number | null> | undefined {
    const node = this.node(key);
    if (node === undefined) return undefined;
    if (node.kind === 'null' && rule.nullable) return this.record(key, node, null);
    if (this.unevaluated(node, rule.nullable === true)) return undefined;
    const what = rule.integer ? 'an integer' : 'a number';
    if (node.kind !== 'number') {
      this.wrongType(key, node, rule.nullable ? `${what} or null` : what);
      return undefined;
    }
    const v = node.value;
    if (!Number.isFinite(v)) {
      this.fail(`'${this.nameOf(key)}' must be a finite number, not ${node.raw}`, node.range);
      return undefined;
    }
    if (rule.integer && !/^-?\d+$/.test(node.raw)) {
      this.fail(`'${this.nameOf(key)}' must be an integer, not ${node.raw}`, node.range);
      return undefined;
    }
    if (rule.min !== undefined && v < rule.min) {
      this.fail(`'${this.nameOf(key)}' must be at least ${rule.min}, not ${node.raw}`, node.range);
      return undefined;
    }
    if (rule.max !== undefined && v > rule.max) {
      this.fail(`'${this.nameOf(key)}' must be at most ${rule.max}, not ${node.raw}`, node.range);
      return undefined;
    }
    return this.record(key, node, v);
  }

  /** A list of strings; each element is recorded as `key.<i>`. */
  stringList(key: string, nullable = false): Read<readonly string[] | null> | undefined {
    const node = this.node(key);
    if (node === undefined) return undefined;
    if (node.kind === 'null' && nullable) return this.record(key, node, null);
    if (this.unevaluated(node, nullable)) return undefined;
    if (node.kind !== 'array') {
      this.wrongType(key, node, nullable ? 'a list of strings or null' : 'a list of strings');
      return undefined;
    }
    const values: string[] = [];
    for (const item of node.items) {
      if (item.kind !== 'string') {
        this.fail(`'${this.nameOf(key)}' must hold only strings, not ${describe(item)}`, item.range);
        return undefined;
      }
      values.push(item.value);
    }
    node.items.forEach((item, i) => this.fields.push({ name: `${this.nameOf(key)}.${i}`, value: item.value as string, range: item.range }));
    return { value: values, range: node.range, name: this.nameOf(key) };
  }

  /** A list of numbers (recorded as one field, numbers being a HyperValue). */
  numberList(key: string, rule: NumberRule = {}): Read<readonly number[] | null> | undefined {
    const node = this.node(key);
    if (node === undefined) return undefined;
    if (node.kind === 'null' && rule.nullable) return this.record(key, node, null);
    if (this.unevaluated(node, rule.nullable === true)) return undefined;
    if (node.kind !== 'array') {
      this.wrongType(key, node, 'a list of numbers');
      return undefined;
    }
    const values: number[] = [];
    for (const item of node.items) {
      const ok = item.kind === 'number' && Number.isFinite(item.value) && (!rule.integer || /^-?\d+$/.test(item.raw));
      if (!ok || (rule.min !== undefined && (item.value as number) < rule.min)) {
        this.fail(`'${this.nameOf(key)}' must hold only ${rule.integer ? 'integers' : 'numbers'}${rule.min !== undefined ? ` >= ${rule.min}` : ''}, not ${describe(item)}`, item.range);
        return undefined;
      }
      values.push(item.value as number);
    }
    return this.record(key, node, values);
  }

  private record<T extends HyperValue>(key: string, node: ParsedNode, value: T): Read<T> {
    const name = this.nameOf(key);
    this.fields.push({ name, value, range: node.range });
    return { value, range: node.range, name };
  }

  private wrongType(key: string, node: ParsedNode, expected: string): void {
    this.fail(`'${this.nameOf(key)}' must be ${expected}, not ${describe(node)}`, node.range);
  }

}

/** `a string ("2e-5")`, `an object`, `null` for messages. */
export function describe(node: ParsedNode): string {
  switch (node.kind) {
    case 'string': {
      const shown = node.value.length > 40 ? `${node.value.slice(0, 37)}...` : node.value;
      return `a string (${JSON.stringify(shown)})`;
    }
    case 'number':
      return `a number (${node.raw})`;
    case 'boolean':
      return `${node.value}`;
    default:
      return describeKind(node.kind);
  }
}
