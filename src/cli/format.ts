/**
 * Numbers as the terminal shows them: a few significant digits without float noise (1.67e-5, 0.3).
 */

/** `digits` significant digits (three by default), never in exponent form unless JavaScript picks it. */
export function significant(x: number, digits = 3): string {
  return x === 0 ? '0' : String(Number(x.toPrecision(digits)));
}

/** `digits` significant digits, in exponent form below 1e-3 or from 1e5; '—' for a missing or non-finite value. */
export function num(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x === 0 ? '0' : Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3 ? x.toExponential(digits - 1) : significant(x, digits);
}
