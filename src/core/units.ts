import { InputError } from './types';

/** Multipliers of the size suffixes users write: SI (GB = 1e9) and binary (GiB = 2^30). */
const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
  k: 1e3, m: 1e6, g: 1e9, t: 1e12,
};

/** Largest memory size we accept for one GPU or host (1 PiB): anything above is a typo. */
const MAX_SIZE_BYTES = 2 ** 50;

/**
 * Parses `24GiB` (2^30), `24GB` (1e9), `1.5TB`, `80 GB` or plain bytes (`25769803776`).
 * Throws InputError naming `what` for anything else, for zero, negatives and absurd sizes.
 */
export function parseSize(text: string, what = 'size'): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) throw new InputError(`${what}: '${text}' is not a size (write e.g. 24GiB, 80GB or a number of bytes)`);
  const value = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const mult = unit === '' ? 1 : SIZE_UNITS[unit];
  if (mult === undefined) throw new InputError(`${what}: unknown unit '${m[2]}' in '${text}' (use B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)`);
  const bytes = Math.round(value * mult);
  if (!Number.isFinite(bytes) || bytes <= 0) throw new InputError(`${what}: '${text}' must be a positive size`);
  if (bytes > MAX_SIZE_BYTES) throw new InputError(`${what}: '${text}' is larger than 1 PiB; check the unit`);
  return bytes;
}

/**
 * Hard ceiling of the file-size cap (`--max-file-size`, `optimizerAdvisor.maxFileSize`): 4 MiB.
 * The Python reader keeps about 115 bytes of tokens per byte of input, and a whole Python scan peaks
 * at 160-230 bytes of memory per input byte on flat scripts (measured on Node 20, one-line scripts of
 * 1-4 MB: `a,a,...`, `1+1+...`, `[1,[1,...`); at 4 MiB that is at most about 1 GB, well under the
 * default V8 heap (2-4 GiB). A 50 MiB one-line script needed over 8 GB and crashed the process.
 * Training configs are a few KiB, so the ceiling costs nothing real.
 */
export const MAX_FILE_SIZE_CEILING = 4 * 2 ** 20;

/** parseSize for the file-size cap; throws InputError naming `what` above MAX_FILE_SIZE_CEILING. */
export function parseFileSizeCap(text: string, what: string): number {
  const bytes = parseSize(text, what);
  if (bytes > MAX_FILE_SIZE_CEILING) {
    throw new InputError(`${what}: '${text}' is over the ceiling of ${formatBytes(MAX_FILE_SIZE_CEILING)} (larger files would exhaust memory; training configs are a few KiB)`);
  }
  return bytes;
}

/** Formats bytes in binary units with one decimal (`112.4 GiB`), the way nvidia-smi users read memory. */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = abs;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${bytes < 0 ? '-' : ''}${v.toFixed(1)} ${units[i]}`;
}

/** Formats a parameter count as `6.74B`, `124.4M`, `25.6K`. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}
