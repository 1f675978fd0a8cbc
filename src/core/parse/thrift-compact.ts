/**
 * A bounded reader of one Thrift struct in the compact protocol, enough to take an integer field out of a struct whose
 * other fields are skipped whatever their type (Apache Thrift, doc/specs/thrift-compact-protocol.md: varints (unsigned
 * LEB128) with zigzag for i16/i32/i64; a field header `ddddtttt` with a 4-bit id delta, or `0000tttt` and a zigzag i16
 * id; field types 1/2 bool true/false, 3 i8, 4 i16, 5 i32, 6 i64, 7 double (8 bytes), 8 binary (varint length then the
 * bytes), 9 list, 10 set, 11 map, 12 struct, 13 uuid (16 bytes); a list header `sssstttt`, or `1111tttt` and a varint
 * size; a map header `0` when empty, else a varint size and `kkkkvvvv`). Used for the Parquet footer
 * (src/core/parse/parquet-footer.ts). Safe on any bytes: every read is checked against the end, a varint is at most 10
 * bytes, nesting is at most MAX_NESTING deep, and a list or map may not declare more elements than bytes remain (each
 * element takes at least one byte), so the work is bounded by the input's length. Problems carry the byte offset. Pure.
 */

/** The deepest nesting of structs, lists and maps skipped. */
export const MAX_NESTING = 64;

export type ThriftRead<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string; readonly offset: number };

// Compact protocol type ids (field types; element types are the same, with bool as 1 or 2).
const BOOL_TRUE = 1;
const BOOL_FALSE = 2;
const I8 = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;
const UUID = 13;

/** The compact type id of an i64 field (the type the field must have). */
export const THRIFT_I64 = I64;

class Malformed {
  constructor(readonly message: string, readonly offset: number) {}
}

class Cursor {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new Malformed('the metadata ends in the middle of a value', this.pos);
    return this.bytes[this.pos++]!;
  }

  passOver(n: number, what: string): void {
    if (n > this.bytes.length - this.pos) throw new Malformed(`${what} of ${n} bytes runs past the end of the metadata`, this.pos);
    this.pos += n;
  }

  /** An unsigned LEB128 varint of at most 10 bytes, as a bigint. */
  varint(): bigint {
    const at = this.pos;
    let value = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      value |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return value;
    }
    throw new Malformed('a varint longer than 10 bytes', at);
  }

  /** A zigzag-encoded integer (i16, i32, i64). */
  zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  /** A non-negative size (binary length, list or map size) that must fit the remaining bytes. */
  size(what: string, perElement: number): number {
    const at = this.pos;
    const n = this.varint();
    if (n * BigInt(perElement) > BigInt(this.bytes.length - this.pos)) throw new Malformed(`${what} of ${n} declared where ${this.bytes.length - this.pos} bytes remain`, at);
    return Number(n);
  }

  remaining(): number {
    return this.bytes.length - this.pos;
  }
}

/** Skips one value of compact type `type` (a field type or an element type). */
function skipValue(c: Cursor, type: number, depth: number, inContainer: boolean): void {
  if (depth > MAX_NESTING) throw new Malformed(`nesting deeper than ${MAX_NESTING}`, c.pos);
  switch (type) {
    case BOOL_TRUE:
    case BOOL_FALSE:
      // A bool field's value is in its header; a bool element is one byte.
      if (inContainer) c.passOver(1, 'a bool');
      return;
    case I8:
      c.passOver(1, 'an i8');
      return;
    case I16:
    case I32:
    case I64:
      c.varint();
      return;
    case DOUBLE:
      c.passOver(8, 'a double');
      return;
    case BINARY:
      c.passOver(c.size('a binary', 1), 'a binary');
      return;
    case UUID:
      c.passOver(16, 'a uuid');
      return;
    case LIST:
    case SET: {
      const at = c.pos;
      const header = c.byte();
      const elementType = header & 0x0f;
      let n = header >> 4;
      if (n === 15) n = c.size('a list', 1);
      else if (n > c.remaining()) throw new Malformed(`a list of ${n} declared where ${c.remaining()} bytes remain`, at);
      if (n > 0 && !isType(elementType)) throw new Malformed(`a list of unknown element type ${elementType}`, at);
      for (let i = 0; i < n; i++) skipValue(c, elementType, depth + 1, true);
      return;
    }
    case MAP: {
      const n = c.size('a map', 2);
      if (n === 0) return;
      const at = c.pos;
      const kinds = c.byte();
      const keyType = kinds >> 4;
      const valueType = kinds & 0x0f;
      if (!isType(keyType) || !isType(valueType)) throw new Malformed(`a map of unknown key or value type (${keyType}, ${valueType})`, at);
      for (let i = 0; i < n; i++) {
        skipValue(c, keyType, depth + 1, true);
        skipValue(c, valueType, depth + 1, true);
      }
      return;
    }
    case STRUCT:
      readStruct(c, depth + 1, () => undefined);
      return;
    default:
      throw new Malformed(`an unknown type id ${type}`, c.pos);
  }
}

function isType(t: number): boolean {
  return t >= BOOL_TRUE && t <= UUID;
}

/**
 * Reads a struct's fields up to its stop byte; `onField(id, type, cursor)` may read a field's value itself (returning
 * true), otherwise the value is skipped.
 */
function readStruct(c: Cursor, depth: number, onField: (id: number, type: number, at: number) => boolean | undefined): void {
  if (depth > MAX_NESTING) throw new Malformed(`nesting deeper than ${MAX_NESTING}`, c.pos);
  let last = 0;
  for (;;) {
    const at = c.pos;
    const header = c.byte();
    if (header === 0) return;
    const type = header & 0x0f;
    const delta = header >> 4;
    let id: number;
    if (delta !== 0) id = last + delta;
    else {
      const long = c.zigzag();
      if (long < -32768n || long > 32767n) throw new Malformed(`a field id ${long} outside i16`, at);
      id = Number(long);
    }
    if (!isType(type)) throw new Malformed(`a field of unknown type id ${type}`, at);
    last = id;
    if (onField(id, type, at) !== true) skipValue(c, type, depth, false);
  }
}

/**
 * The i64 field `fieldId` of the struct that starts at byte 0 of `bytes` (its other fields skipped), or undefined when the
 * struct does not have it. A field of that id with another type is a problem.
 */
export function readStructI64(bytes: Uint8Array, fieldId: number): ThriftRead<bigint | undefined> {
  const c = new Cursor(bytes);
  let value: bigint | undefined;
  try {
    readStruct(c, 0, (id, type, at) => {
      if (id !== fieldId) return undefined;
      if (type !== I64) throw new Malformed(`field ${fieldId} has compact type ${type}, not i64 (6)`, at);
      value = c.zigzag();
      return true;
    });
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
  return { ok: true, value };
}
