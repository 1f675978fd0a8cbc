/**
 * The self-contained HTML report of `optimizer-advisor profile --out DIR` (inline SVG and CSS, no
 * scripts, no external URLs). The charts (Pareto scatter, loss curves, lr sensitivity, memory
 * breakdown, robustness) are src/charts' renderProfileReport; this module adds the estimator's memory
 * bars for the real job, and the sections only the CLI report has: what was measured and what was
 * modelled, optimizer state measured vs estimated, speed near the limit (bandwidth), the backend and
 * the notes. Pure (strings in, string out).
 */
import { paretoChartPoints, renderParetoSources, renderProfileReport, type MemoryChartData } from '../../charts';
import { escapeHtml } from '../../core/display-text';
import { formatBytes } from '../../core/units';
import type { SweepDocument, SweepOptimizerResult } from '../../profiler/sweep/document';
import { num } from '../format';



function htmlTable(caption: string, head: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[] = []): string {
  const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<table class="oa-cli-table"><caption>${escapeHtml(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The estimator's memory bars for the real job, one per optimizer (modelled). */
export function memoryChartData(doc: SweepDocument, budgetBytes: number | null): MemoryChartData {
  return {
    budgetBytes,
    bars: doc.results.map((r) => ({
      id: r.optimizer,
      label: r.optimizer,
      bytes: r.estimatedMemory,
      ...(r.estimatedMemory ? {} : { error: 'the estimator cannot model this optimizer for the job' }),
    })),
  };
}

function stateRows(results: readonly SweepOptimizerResult[]): string[][] {
  return results.map((r) => [
    r.optimizer,
    formatBytes(r.measuredStateBytes),
    formatBytes(r.estimatedStateBytes),
    r.measuredStateBytes === r.estimatedStateBytes ? 'equal' : `differs by ${r.estimatedStateBytes - r.measuredStateBytes} B${r.stateLayoutNote ? `: ${r.stateLayoutNote}` : ''}`,
  ]);
}

function bandwidthSection(doc: SweepDocument): string {
  const copy = doc.copyBandwidth;
  if (!copy) return '<p>Bandwidth was not measured in this run.</p>';
  const rows = doc.results
    .filter((r) => r.bandwidth)
    .map((r) => {
      const b = r.bandwidth!;
      return [
        r.optimizer,
        b.kernel,
        num(b.bytesPerParam, 3),
        num(b.stepMs, 3),
        num(b.GBps, 3),
        b.copyGBps === undefined ? '—' : num(b.copyGBps, 3),
        `${Math.round(100 * b.fractionOfCopy)}%`,
        b.unfused ? `${num(b.unfused.GBps, 3)} GB/s (${Math.round(100 * b.unfused.fractionOfCopy)}%)` : '—',
      ];
    });
  const methods = Object.entries(copy.methods).map(([m, v]) => `${m} ${num(v, 3)} GB/s`).join('; ');
  return (
    `<p>Copy bandwidth of the backend's memory: <strong>${num(copy.GBps, 3)} GB/s</strong> (${escapeHtml(copy.method)}; ${escapeHtml(methods)}), ` +
    `${copy.elements.toLocaleString('en')} floats per buffer, bytes counted as read + write. Effective bandwidth = the bytes one update must move ` +
    '(read the gradient, read and write the parameter and every state tensor) / the measured update time on one matrix of the same size. ' +
    'Each share is of the copy bandwidth timed alternately with that optimizer\'s steps (the copy column; a document written before that ' +
    'was measured has no copy column and its shares are of the figure above): the bandwidth a process gets changes from second to second. ' +
    'An in-place update can exceed 100%: a copy into a separate buffer also pays the cache line fill of its destination, which the byte count leaves out.</p>' +
    htmlTable('Speed near the limit (measured)', ['optimizer', 'kernel', 'bytes/param', 'update ms', 'GB/s', 'copy GB/s', '% of copy', 'tfjs ops'], rows, [false, false, true, true, true, true, true, false])
  );
}

const EXTRA_CSS = `
.oa-cli-table { border-collapse: collapse; margin: 8px 0; font-size: 0.9em; }
.oa-cli-table caption { text-align: left; font-weight: 600; margin-bottom: 4px; }
.oa-cli-table th, .oa-cli-table td { border-bottom: 1px solid var(--vscode-panel-border, #8884); padding: 3px 8px; text-align: left; vertical-align: top; }
.oa-cli-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.oa-cli ul { padding-left: 1.2em; }
`;

export interface ProfileReportOptions {
  /** GPU memory per GPU for the memory chart's budget line; null when unknown. */
  readonly gpuMemoryBytes: number | null;
}

/** The report as one HTML string. */
export function renderCliProfileReport(doc: SweepDocument, opts: ProfileReportOptions): string {
  const html = renderProfileReport(doc, { memory: memoryChartData(doc, opts.gpuMemoryBytes) });
  const backend = doc.backend;
  const reasons = backend.reasons.map((r) => `<li>${escapeHtml(`${r.backend}: ${r.why}`)}</li>`).join('');
  const sources = doc.figureSources;
  const status = new Map(paretoChartPoints(doc).map((p) => [p.id, p.status]));
  const extra = [
    '<section class="oa-cli" aria-labelledby="h-sources"><h2 id="h-sources">Measured and modelled</h2>',
    `<p>${escapeHtml(sources.note)}</p>`,
    `<p><strong>Measured</strong> on this machine: ${escapeHtml(sources.measured.join(', '))}.<br><strong>Modelled</strong> by the memory estimator: ${escapeHtml(sources.modelled.join(', '))}.` +
      `${sources.published ? `<br><strong>Published</strong> (the evidence base, not measured here): ${escapeHtml(sources.published.join(', '))}.` : ''}</p>`,
    '</section>',
    '<section class="oa-cli" aria-labelledby="h-pareto-sources"><h2 id="h-pareto-sources">Where each Pareto coordinate comes from</h2>',
    renderParetoSources(doc),
    '</section>',
    '<section class="oa-cli" aria-labelledby="h-state"><h2 id="h-state">Optimizer state on the proxy</h2>',
    htmlTable('Measured (tensors the optimizer held) vs the estimator\'s per-tensor figure for the proxy\'s shapes', ['optimizer', 'measured', 'estimated', ''], stateRows(doc.results), [false, true, true, false]),
    '</section>',
    '<section class="oa-cli" aria-labelledby="h-bw"><h2 id="h-bw">Speed near the limit</h2>',
    bandwidthSection(doc),
    '</section>',
    '<section class="oa-cli" aria-labelledby="h-runs"><h2 id="h-runs">Learning rates and results</h2>',
    htmlTable(
      'Per optimizer (measured on the proxy; peak memory modelled for the real job)',
      ['optimizer', 'recommended lr', 'best lr', 'final loss', 'steps to target', 'step ms', 'vs AdamW', 'peak (real job)', 'Pareto'],
      doc.results.map((r) => [
        r.optimizer,
        num(r.recommendedLr ?? null),
        num(r.bestLr),
        r.diverged ? 'diverged' : num(r.finalLoss, 4),
        r.stepsToTarget === null ? '—' : String(r.stepsToTarget),
        num(r.stepTimeMs),
        `${num(r.relativeStepCost)}×`,
        r.estimatedPeakBytes === null ? '—' : formatBytes(r.estimatedPeakBytes),
        status.get(r.optimizer) === 'incomparable' ? 'not comparable' : doc.paretoFront.includes(r.optimizer) ? 'front' : 'dominated',
      ]),
      [false, true, true, true, true, true, true, true, false],
    ),
    `<ul>${doc.results.map((r) => `<li>${escapeHtml(`${r.optimizer}: lr from ${r.lrBasis}${r.adjustments.length ? `; ${r.adjustments.join('; ')}` : ''}`)}</li>`).join('')}</ul>`,
    '</section>',
    '<section class="oa-cli" aria-labelledby="h-backend"><h2 id="h-backend">Backend and notes</h2>',
    `<p>${escapeHtml(`Backend ${backend.name}${backend.tfBackend ? ` (tfjs '${backend.tfBackend}')` : ''}${backend.wasmSimd !== undefined ? `, SIMD ${backend.wasmSimd ? 'on' : 'off'}` : ''}; ${doc.steps ?? '?'} steps per run, seeds ${doc.seeds.join(', ')}, lr x ${doc.lrMultipliers.map((m) => num(m, 3)).join(' / ')}; outcome ${doc.outcome}${doc.wallSeconds !== undefined ? ` in ${num(doc.wallSeconds, 3)} s` : ''}.`)}</p>`,
    reasons ? `<p>Backends not used:</p><ul>${reasons}</ul>` : '',
    `<ul>${doc.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`,
    '</section>',
  ].join('');
  const closing = '</main></body></html>';
  if (!html.endsWith(closing)) throw new Error('report: the chart report does not end with </main></body></html>');
  return html.slice(0, -closing.length).replace('</style>', `${EXTRA_CSS}</style>`) + extra + closing;
}
