/**
 * Reading dtype values (`torch_dtype`, `dtype`, `bnb_4bit_compute_dtype`) as the Hugging Face tools
 * take them: the strings "auto", "bfloat16", "float16", "float32" (run_clm's ModelArguments and
 * TRL's ModelConfig offer these choices; from_pretrained also takes any torch dtype name), or in
 * Python the `torch.bfloat16`-style references (see python/to-node.ts). transformers renamed
 * `torch_dtype` to `dtype` in 4.56 and uses `dtype` when both are given (LOAD_DTYPE_SOURCES).
 */
import type { ParseWarning } from '../parse/node';
import { floatDtypeOfTorchName } from '../memory/load-dtype';
import type { FloatDtype, LoadDtype } from '../types';
import type { FieldReader, Read } from './fields';

/** dtypes torch has that the estimator does not model (8-byte, 8-bit float): read, then warned about. */
const UNMODELLED = /^(torch\.)?(float64|double|float8_\w+|complex\w*)$/;

/** A load dtype as written, or 'unmodelled', or null when it is not a torch dtype at all. */
export function parseLoadDtype(text: string): LoadDtype | 'unmodelled' | null {
  const t = text.trim();
  if (t === 'auto') return 'auto';
  const d = floatDtypeOfTorchName(t);
  if (d !== null) return d;
  return UNMODELLED.test(t) ? 'unmodelled' : null;
}

/**
 * A dtype key of `reader` (a string, or null = not set): the dtype with where it is written,
 * undefined when absent, null, unmodelled (a warning) or wrong (the reader's error). 'auto' only
 * when `allowAuto`.
 */
export function readDtypeKey(reader: FieldReader, key: string, warnings: ParseWarning[], allowAuto: boolean): Read<LoadDtype> | undefined {
  const read = reader.string(key, true);
  if (typeof read?.value !== 'string') return undefined;
  const parsed = parseLoadDtype(read.value);
  if (parsed === 'unmodelled') {
    warnings.push({ message: `'${read.name}' ${read.value} is not modelled (only float32, float16 and bfloat16 are); the dtype is treated as unknown`, line: read.range.line, column: read.range.column });
    return undefined;
  }
  if (parsed === null || (parsed === 'auto' && !allowAuto)) {
    reader.fail(`'${read.name}' must be ${allowAuto ? 'auto, ' : ''}bfloat16, float16 or float32, not "${read.value}"`, read.range);
    return undefined;
  }
  return { value: parsed, range: read.range, name: read.name };
}

/**
 * The load dtype of an object holding from_pretrained keyword arguments: `dtype`, else the older
 * `torch_dtype` (both are read, so that both are recorded and checked).
 */
export function readLoadDtype(reader: FieldReader, warnings: ParseWarning[]): Read<LoadDtype> | undefined {
  const dtype = readDtypeKey(reader, 'dtype', warnings, true);
  const torchDtype = readDtypeKey(reader, 'torch_dtype', warnings, true);
  return dtype ?? torchDtype;
}

/** A compute dtype (no 'auto'). */
export function readComputeDtype(reader: FieldReader, key: string, warnings: ParseWarning[]): Read<FloatDtype> | undefined {
  return readDtypeKey(reader, key, warnings, false) as Read<FloatDtype> | undefined;
}
