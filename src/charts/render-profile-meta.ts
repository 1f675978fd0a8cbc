/** Text that goes with every profile chart: where it was measured, and the robustness table. */
import { formatBytes } from '../core/units';
import { formatNumber } from './axes';
import type { ProfileResultDocument } from '../core/profile/profile-types';
import { ROBUSTNESS_PROBES } from '../core/profile/profile-types';
import { EN_CHART_STRINGS, type ChartStrings } from './strings';
import { fill, htmlTable } from './svg';

/** "wasm on Intel Xeon … (2 CPUs, 7.8 GiB, linux x64, Node v20.19.0)" (plus the GPU when one was used). */
export function machineLabel(doc: ProfileResultDocument): string {
  const m = doc.machine;
  const parts = [`${m.cpuCount} CPUs`, formatBytes(m.memoryBytes), `${m.platform} ${m.arch}`, `Node ${m.node}`];
  const gpu = m.gpu ? `${m.gpu}, ` : '';
  return `${gpu}${m.cpuModel} (${parts.join(', ')})`;
}

/** The line every profile chart carries: backend and machine. */
export function measuredOnLabel(doc: ProfileResultDocument, strings: ChartStrings = EN_CHART_STRINGS): string {
  return fill(strings.measuredOn, { backend: doc.backend.name, machine: machineLabel(doc) });
}

/** A short label for each chart: "wasm · Intel Xeon …" (the full one is measuredOnLabel). */
export function shortMeasuredOnLabel(doc: ProfileResultDocument): string {
  return `${doc.backend.name} · ${doc.machine.gpu ? `${doc.machine.gpu}, ` : ''}${doc.machine.cpuModel}`;
}

/** The robustness probes per optimizer as a table ('' when the sweep ran none). */
export function renderRobustnessTable(doc: ProfileResultDocument, strings: ChartStrings = EN_CHART_STRINGS): string {
  const probes = ROBUSTNESS_PROBES.filter((p) => doc.results.some((r) => r.robustness?.some((x) => x.probe === p)));
  if (probes.length === 0) return '';
  const rows = doc.results
    .filter((r) => r.robustness && r.robustness.length > 0)
    .map((r) => [
      r.optimizer,
      ...probes.map((p) => {
        const x = r.robustness?.find((y) => y.probe === p);
        if (!x) return strings.none;
        const outcome = x.diverged ? strings.paretoDiverged : `${strings.robustnessRecovered}${x.finalLoss === null ? '' : ` (${formatNumber(x.finalLoss, 4)})`}`;
        return x.behaviour ? `${outcome}: ${x.behaviour}` : outcome;
      }),
    ]);
  return htmlTable(strings.robustnessTitle, [strings.optimizer, ...probes.map((p) => strings.probes[p])], rows, 'oa-table-text');
}
