/**
 * Python values as the position-carrying tree the config readers take (ParsedNode), so a call's
 * keyword arguments are read by the same code as a JSON/YAML object. References to torch dtypes
 * (`torch.bfloat16`) become the string naming the dtype ("bfloat16"), as from_pretrained also
 * takes it. Other values that are not literals (expressions, other references, built-ins that
 * compute a value) become "opaque" keys: written, value unknown.
 */
import { indexMembers, type MemberNode, type ParsedNode } from '../../parse/node';
import type { PartialObjectNode } from '../fields';
import type { SourceRange } from '../types';
import type { PyArg, PyCall, PyValue } from './program';

/** Maps offsets of the analysed program text to source ranges of the scanned file. */
export interface RangeMapper {
  range(start: number, end: number): SourceRange;
}

/** `torch.<dtype>` references (imports resolved), read as the dtype's name. */
const TORCH_DTYPE_REF = /^torch\.(float32|float|float16|half|bfloat16|float64|double)$/;

/**
 * Python built-ins and `math` functions that compute a number or string (`int(batch / gpus)`): their
 * result is a value the scanner does not know, never an object of keyword arguments.
 */
const COMPUTING_BUILTINS = new Set(['int', 'float', 'round', 'max', 'min', 'abs', 'len', 'sum', 'pow', 'str', 'bool']);
const computes = (callee: string): boolean => COMPUTING_BUILTINS.has(callee) || callee.startsWith('math.');

/** The node for a value, or undefined when it is not a literal the readers can use. */
export function toNode(value: PyValue, map: RangeMapper): ParsedNode | undefined {
  const base = { start: value.start, end: value.end, range: map.range(value.start, value.end) };
  switch (value.kind) {
    case 'number':
      return { kind: 'number', value: value.value, raw: value.raw, ...base };
    case 'string':
      return { kind: 'string', value: value.value, ...base };
    case 'bool':
      return { kind: 'boolean', value: value.value, ...base };
    case 'none':
      return { kind: 'null', value: null, ...base };
    case 'list': {
      const items: ParsedNode[] = [];
      for (const item of value.items) {
        const node = toNode(item, map);
        if (node === undefined) return undefined;
        items.push(node);
      }
      return { kind: 'array', items, value: items.map((i) => i.value), ...base };
    }
    case 'dict': {
      const members: MemberNode[] = [];
      const opaque = new Set<string>();
      for (const e of value.entries) {
        const node = toNode(e.value, map);
        if (node === undefined) opaque.add(e.key);
        else members.push({ key: e.key, keyRange: map.range(e.keyStart, e.keyEnd), node });
      }
      return objectNode(members, opaque, base);
    }
    case 'call':
      return computes(value.call.callee) ? undefined : callNode(value.call, map, []);
    case 'ref': {
      const dtype = TORCH_DTYPE_REF.exec(value.path);
      return dtype === null ? undefined : { kind: 'string', value: dtype[1] as string, ...base };
    }
    default:
      return undefined;
  }
}

function objectNode(members: MemberNode[], opaque: Set<string>, base: { start: number; end: number; range: SourceRange }, fromCall = false): PartialObjectNode {
  const { index, value } = indexMembers(members);
  return { kind: 'object', members, index, value, opaqueKeys: opaque, ...(fromCall ? { fromCall } : {}), ...base };
}

/**
 * A call as an object: its keyword arguments, positional arguments named by `positional` (in
 * order; `null` skips one), and `_target_` (the canonical callee) unless the callee is `dict`.
 */
export function callNode(call: PyCall, map: RangeMapper, positional: readonly (string | null)[]): PartialObjectNode {
  const members: MemberNode[] = [];
  const opaque = new Set<string>();
  if (call.callee !== 'dict') {
    const target: ParsedNode = { kind: 'string', value: call.callee, start: call.calleeStart, end: call.calleeEnd, range: map.range(call.calleeStart, call.calleeEnd) };
    members.push({ key: '_target_', keyRange: target.range, node: target });
  }
  let index = 0;
  for (const arg of call.args) {
    const name = arg.name ?? positional[index++] ?? null;
    if (name === null) continue;
    addArgument(members, opaque, name, arg, map);
  }
  return objectNode(members, opaque, { start: call.start, end: call.end, range: map.range(call.start, call.end) }, true);
}

function addArgument(members: MemberNode[], opaque: Set<string>, name: string, arg: PyArg, map: RangeMapper): void {
  const node = toNode(arg.value, map);
  if (node === undefined) opaque.add(name);
  else members.push({ key: name, keyRange: map.range(arg.start, arg.end), node });
}
