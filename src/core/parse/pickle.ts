/**
 * A bounded reader of small Python pickles that hold a dict of ints, strings and dicts (nanoGPT's
 * data/<dataset>/meta.pkl: `{'vocab_size': 65, 'itos': {...}, 'stoi': {...}}`, written by its prepare.py
 * with `pickle.dump`). Nothing is executed: only the opcodes that build such values are understood
 * (Python's Lib/pickletools.py documents each opcode and its argument layout); any other opcode, a
 * truncated argument or a size over the bounds stops the reading, and the caller treats the value as
 * unknown. Pure: bytes in, a value or the reason it was not read out.
 */

/** A value the reader understands. Dict keys are strings or integers, in the order the pickle sets them. */
export type PickleValue = number | string | PickleDict;
export interface PickleDict {
  readonly kind: 'dict';
  readonly entries: Map<string | number, PickleValue>;
  /** For each key, the byte offset of the opcode that pushed its value (where the file states it). */
  readonly offsets: Map<string | number, number>;
}

/** A value, or why it was not read (with the byte offset where the reading stopped, when it stopped inside). */
export type PickleRead =
  | { readonly ok: true; readonly value: PickleValue }
  | { readonly ok: false; readonly reason: string; readonly offset?: number };

/** Bounds: larger pickles, deeper stacks or more memo entries are not read. */
export const PICKLE_MAX_BYTES = 1024 * 1024;
const MAX_STACK = 100_000;
const MAX_MEMO = 100_000;

const MARK = Symbol('mark');
type Slot = PickleValue | typeof MARK;

/** Reads the pickle's single value (up to STOP). */
export function readPickle(bytes: Uint8Array): PickleRead {
  if (bytes.length > PICKLE_MAX_BYTES) return { ok: false, reason: `larger than ${PICKLE_MAX_BYTES} bytes` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: Slot[] = [];
  /** The byte offset of the opcode that pushed each stack slot. */
  const pushedAt: number[] = [];
  const memo = new Map<number, PickleValue>();
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let i = 0;
  const fail = (reason: string): PickleRead => ({ ok: false, reason: `${reason} at byte ${i}`, offset: i });
  const need = (n: number): boolean => i + n <= bytes.length;
  const top = (): PickleValue | undefined => {
    const v = stack[stack.length - 1];
    return v === undefined || v === MARK ? undefined : v;
  };
  const markIndex = (): number => stack.lastIndexOf(MARK);
  /** Sets the key/value pairs of the stack from `from` on into the dict below them. */
  const setItems = (dict: Slot | undefined, from: number): boolean => {
    const items = stack.slice(from);
    if (dict === undefined || dict === MARK || typeof dict !== 'object' || items.length % 2 !== 0) return false;
    for (let k = 0; k < items.length; k += 2) {
      const key = items[k];
      const value = items[k + 1];
      if ((typeof key !== 'string' && typeof key !== 'number') || value === MARK) return false;
      dict.entries.set(key, value);
      dict.offsets.set(key, pushedAt[from + k + 1]);
    }
    return true;
  };
  let opAt = 0;
  const push = (v: Slot): boolean => {
    if (stack.length >= MAX_STACK) return false;
    stack.push(v);
    pushedAt.push(opAt);
    return true;
  };
  const truncate = (length: number): void => {
    stack.length = length;
    pushedAt.length = length;
  };
  const string = (length: number): PickleRead | string => {
    if (!need(length)) return fail('truncated string');
    try {
      const s = utf8.decode(bytes.subarray(i, i + length));
      i += length;
      return s;
    } catch {
      return fail('string not UTF-8');
    }
  };
  const remember = (index: number): boolean => {
    const v = top();
    if (v === undefined || memo.size >= MAX_MEMO) return false;
    memo.set(index, v);
    return true;
  };

  while (i < bytes.length) {
    const at = i;
    opAt = at;
    const op = bytes[i++];
    switch (op) {
      case 0x80: // PROTO <u8>
        if (!need(1)) return fail('truncated PROTO');
        i += 1;
        break;
      case 0x95: // FRAME <u64>: only frames the bytes that follow
        if (!need(8)) return fail('truncated FRAME');
        i += 8;
        break;
      case 0x7d: // EMPTY_DICT
        if (!push({ kind: 'dict', entries: new Map(), offsets: new Map() })) return fail('stack too deep');
        break;
      case 0x28: // MARK
        if (!push(MARK)) return fail('stack too deep');
        break;
      case 0x75: { // SETITEMS: dict MARK k v k v ...
        const m = markIndex();
        if (m < 1 || !setItems(stack[m - 1], m + 1)) return fail('SETITEMS on something other than a dict of str/int keys');
        truncate(m);
        break;
      }
      case 0x73: { // SETITEM: dict k v
        if (stack.length < 3 || !setItems(stack[stack.length - 3], stack.length - 2)) return fail('SETITEM on something other than a dict');
        truncate(stack.length - 2);
        break;
      }
      case 0x58: { // BINUNICODE <u32 len> utf-8
        if (!need(4)) return fail('truncated BINUNICODE');
        const n = view.getUint32(i, true);
        i += 4;
        const s = string(n);
        if (typeof s !== 'string') return s;
        if (!push(s)) return fail('stack too deep');
        break;
      }
      case 0x8c: { // SHORT_BINUNICODE <u8 len> utf-8
        if (!need(1)) return fail('truncated SHORT_BINUNICODE');
        const n = bytes[i++];
        const s = string(n);
        if (typeof s !== 'string') return s;
        if (!push(s)) return fail('stack too deep');
        break;
      }
      case 0x4a: // BININT <i32>
        if (!need(4) || !push(view.getInt32(i, true))) return fail('truncated BININT');
        i += 4;
        break;
      case 0x4b: // BININT1 <u8>
        if (!need(1) || !push(bytes[i])) return fail('truncated BININT1');
        i += 1;
        break;
      case 0x4d: // BININT2 <u16>
        if (!need(2) || !push(view.getUint16(i, true))) return fail('truncated BININT2');
        i += 2;
        break;
      case 0x94: // MEMOIZE: the top in the next memo slot
        if (!remember(memo.size)) return fail('MEMOIZE without a value');
        break;
      case 0x71: // BINPUT <u8>
        if (!need(1) || !remember(bytes[i])) return fail('BINPUT without a value');
        i += 1;
        break;
      case 0x72: // LONG_BINPUT <u32>
        if (!need(4) || !remember(view.getUint32(i, true))) return fail('LONG_BINPUT without a value');
        i += 4;
        break;
      case 0x68: // BINGET <u8>
      case 0x6a: { // LONG_BINGET <u32>
        const width = op === 0x68 ? 1 : 4;
        if (!need(width)) return fail('truncated BINGET');
        const v = memo.get(width === 1 ? bytes[i] : view.getUint32(i, true));
        i += width;
        if (v === undefined || !push(v)) return fail('BINGET of an unknown memo entry');
        break;
      }
      case 0x2e: { // STOP
        const v = top();
        return v === undefined || stack.length !== 1 ? fail('STOP without a single value') : { ok: true, value: v };
      }
      default:
        i = at;
        return fail(`opcode 0x${op.toString(16).padStart(2, '0')} not read`);
    }
  }
  return fail('no STOP');
}

/** An integer entry of a top-level dict (`vocab_size` of nanoGPT's meta.pkl), or undefined. */
export function pickleDictInt(read: PickleRead, key: string): number | undefined {
  return pickleDictIntAt(read, key)?.value;
}

/** An integer entry of a top-level dict with the byte offset of the opcode that states it, or undefined. */
export function pickleDictIntAt(read: PickleRead, key: string): { readonly value: number; readonly offset: number } | undefined {
  if (!read.ok || typeof read.value !== 'object') return undefined;
  const v = read.value.entries.get(key);
  const offset = read.value.offsets.get(key);
  return typeof v === 'number' && Number.isInteger(v) && offset !== undefined ? { value: v, offset } : undefined;
}

/**
 * A binary file as the scanner's text: one character per byte (ISO-8859-1), so `latin1Bytes` gives the bytes
 * back and a character offset is a byte offset. The walks read files named in `SYNTAX_BY_NAME` as 'pickle' so.
 */
export function latin1Text(bytes: Uint8Array): string {
  let out = '';
  for (let k = 0; k < bytes.length; k += 8192) out += String.fromCharCode(...bytes.subarray(k, k + 8192));
  return out;
}

/** The bytes of a text made by `latin1Text` (a character above U+00FF, which it never makes, is cut to its low byte). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let k = 0; k < text.length; k++) out[k] = text.charCodeAt(k) & 0xff;
  return out;
}
