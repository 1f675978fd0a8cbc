/**
 * Hand-assembled Parquet files for the tests of the footer reader (test/unit/parquet-footer.test.ts), written from the
 * specs rather than by a Parquet library (none is a dependency of the project):
 * - Thrift compact protocol (apache/thrift doc/specs/thrift-compact-protocol.md): i32/i64 are zigzag varints; a field
 *   header is one byte `ddddtttt` (id delta 1-15, type) or `0000tttt` followed by the zigzag id; a struct ends with a
 *   0 byte; a list header is `sssstttt` (size 0-14) or `1111tttt` and a varint size; binary is a varint length then
 *   the bytes. Types: 5 i32, 6 i64, 8 binary, 9 list, 12 struct.
 * - Parquet (apache/parquet-format README "File Format" and src/main/thrift/parquet.thrift): `PAR1`, per row group one
 *   column chunk (a PageHeader: 1 type DATA_PAGE=0, 2 uncompressed_page_size, 3 compressed_page_size, 5
 *   DataPageHeader {1 num_values, 2 encoding PLAIN=0, 3 and 4 level encodings RLE=3}; then the values, PLAIN INT32 little
 *   endian, no levels for a REQUIRED top-level column), the FileMetaData {1 version, 2 schema [root {4 name, 5
 *   num_children}, leaf {1 type INT32=1, 3 repetition REQUIRED=0, 4 name}], 3 num_rows, 4 row_groups [{1 columns
 *   [ColumnChunk {2 file_offset, 3 ColumnMetaData {1 type, 2 encodings, 3 path_in_schema, 4 codec UNCOMPRESSED=0, 5
 *   num_values, 6 and 7 total sizes, 9 data_page_offset}}], 2 total_byte_size, 3 num_rows}], 6 created_by}, its length
 *   as 4 bytes little endian, `PAR1`.
 * pyarrow 25 reads the file `parquetFile([3, 4, 2])` gives as 9 rows of column x = 0,1,2, 0..3, 0,1 (checked by hand
 * when this was written; see the test's note).
 */

export const T = { I32: 5, I64: 6, BINARY: 8, LIST: 9, MAP: 11, STRUCT: 12 } as const;

export function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = n;
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return out;
}

/** Zigzag: 0, -1, 1, -2 ... become 0, 1, 2, 3 ... */
export function zigzag(n: number | bigint): number[] {
  const v = BigInt(n);
  return varint(v >= 0n ? 2n * v : -2n * v - 1n);
}

export function binary(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...varint(BigInt(bytes.length)), ...bytes];
}

export function list(elementType: number, elements: readonly number[][]): number[] {
  const head = elements.length < 15 ? [(elements.length << 4) | elementType] : [0xf0 | elementType, ...varint(BigInt(elements.length))];
  return [...head, ...elements.flat()];
}

/** A struct: fields [id, type, value bytes] in increasing id order, then the stop byte. */
export function struct(fields: readonly (readonly [number, number, number[]])[]): number[] {
  const out: number[] = [];
  let last = 0;
  for (const [id, type, value] of fields) {
    const delta = id - last;
    if (delta >= 1 && delta <= 15) out.push((delta << 4) | type);
    else out.push(type, ...zigzag(id));
    out.push(...value);
    last = id;
  }
  out.push(0);
  return out;
}

function le32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

const PAR1 = [0x50, 0x41, 0x52, 0x31];

/** A FileMetaData's bytes and the column chunks before it, for row groups of the given row counts. */
export function parquetParts(rowGroups: readonly number[], extraFields: readonly (readonly [number, number, number[]])[] = []): { body: number[]; footer: number[] } {
  const body = [...PAR1];
  const groups: number[][] = [];
  for (const rows of rowGroups) {
    const values = Array.from({ length: rows }, (_, i) => le32(i)).flat();
    const dataPage = struct([[1, T.I32, zigzag(rows)], [2, T.I32, zigzag(0)], [3, T.I32, zigzag(3)], [4, T.I32, zigzag(3)]]);
    const pageHeader = struct([[1, T.I32, zigzag(0)], [2, T.I32, zigzag(values.length)], [3, T.I32, zigzag(values.length)], [5, T.STRUCT, dataPage]]);
    const start = body.length;
    body.push(...pageHeader, ...values);
    const size = body.length - start;
    const meta = struct([
      [1, T.I32, zigzag(1)],
      [2, T.LIST, list(T.I32, [zigzag(0)])],
      [3, T.LIST, list(T.BINARY, [binary('x')])],
      [4, T.I32, zigzag(0)],
      [5, T.I64, zigzag(rows)],
      [6, T.I64, zigzag(size)],
      [7, T.I64, zigzag(size)],
      [9, T.I64, zigzag(start)],
    ]);
    const chunk = struct([[2, T.I64, zigzag(start)], [3, T.STRUCT, meta]]);
    groups.push(struct([[1, T.LIST, list(T.STRUCT, [chunk])], [2, T.I64, zigzag(size)], [3, T.I64, zigzag(rows)]]));
  }
  const root = struct([[4, T.BINARY, binary('schema')], [5, T.I32, zigzag(1)]]);
  const leaf = struct([[1, T.I32, zigzag(1)], [3, T.I32, zigzag(0)], [4, T.BINARY, binary('x')]]);
  const total = rowGroups.reduce((a, b) => a + b, 0);
  const footer = struct([
    [1, T.I32, zigzag(1)],
    [2, T.LIST, list(T.STRUCT, [root, leaf])],
    [3, T.I64, zigzag(total)],
    [4, T.LIST, list(T.STRUCT, groups)],
    [6, T.BINARY, binary('hand-assembled from the parquet-format spec')],
    ...extraFields,
  ]);
  return { body, footer };
}

/** A whole file: the body, the footer, its length and PAR1. */
export function parquetFile(rowGroups: readonly number[], extraFields: readonly (readonly [number, number, number[]])[] = []): Uint8Array {
  const { body, footer } = parquetParts(rowGroups, extraFields);
  return Uint8Array.from([...body, ...footer, ...le32(footer.length), ...PAR1]);
}

/** A file whose footer is the given bytes (any content) with its declared length (default: their length). */
export function withFooter(footer: readonly number[], declaredLength = footer.length): Uint8Array {
  return Uint8Array.from([...PAR1, ...footer, ...le32(declaredLength), ...PAR1]);
}
