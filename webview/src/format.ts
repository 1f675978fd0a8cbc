/** Number formatting for the view: the same formatters as the CLI (src/core/units), so numbers match. */
import { formatNumber } from '../../src/charts/axes';
import { formatBytes, formatCount } from '../../src/core/units';
import type { HyperparametersView } from '../../src/webview-protocol';
import type { Translator } from './i18n';

export { formatBytes, formatCount, formatNumber };

export function fitText(fits: boolean | null, t: Translator): string {
  return fits === null ? t('fitUnknown') : fits ? t('fits') : t('doesNotFit');
}

export function warmupText(w: HyperparametersView['warmup'], t: Translator): string {
  if (w === null) return t('none');
  if (w.unit === 'steps') return t('warmupSteps', { value: formatNumber(w.value, 6) });
  if (w.unit === 'epochs') return t('warmupEpochs', { value: formatNumber(w.value, 6) });
  return t('warmupRatio', { value: formatNumber(w.value * 100, 4) });
}

export function listText(values: number | readonly number[] | null, t: Translator): string {
  if (values === null) return t('none');
  return typeof values === 'number' ? formatNumber(values, 4) : values.map((v) => formatNumber(v, 4)).join(', ');
}

export function hyperValueText(v: unknown): string {
  if (v === null) return 'None';
  if (typeof v === 'number') return formatNumber(v, 4);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? formatNumber(x, 4) : String(x))).join(', ');
  return String(v);
}

/** "2026-03-01 14:05:09" in the machine's local time, from an ISO 8601 timestamp (as given when it is not one). */
export function localTimeText(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
