/**
 * The Pareto charts of a profile (README "Profiling on your machine"): two panels sharing a quality axis —
 * quality vs estimated peak memory per GPU for the real job, and quality vs step time — with the front
 * computed over all three (src/core/profile/pareto.ts). Quality is the median outcome vs AdamW over the
 * nearest published measurements (src/core/advisor/quality.ts); points without measured evidence sit in a
 * strip under the plot. Fill colour = the proxy's final-loss quarter (a secondary signal); front points ringed
 * and labelled, dominated points dimmed. Each point's <title> says where each coordinate comes from; the
 * legend lists the sources, and `renderParetoSources` is the same as a table (the report and the sidebar
 * show it under the chart).
 */
import { formatBytes } from '../core/units';
import { byteUnit, formatNumber, linearAxis, timeUnit, type Axis } from './axes';
import { checkId, textWidth, type ChartOptions, type RenderedChart } from './chart';
import { placeLabels, pointBox, type LabelRequest } from './labels';
import { paretoFront, paretoPointsOf, type ParetoPoint, type ParetoPointSource } from '../core/profile/pareto';
import type { ProfileResultDocument } from '../core/profile/profile-types';
import { measuredOnLabel } from './render-profile-meta';
import { EN_CHART_STRINGS, type ChartStrings } from './strings';
import { escapeHtml } from '../core/display-text';
import { bottomAxis, chartSvg, el, fill, htmlTable, leftAxis, text } from './svg';

/** Loss quarter (0 = best) of each finite loss, by rank; with fewer than four losses the ranks spread over 0..3. */
export function lossBins(losses: readonly (number | null)[]): (number | null)[] {
  const finite = losses.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  return losses.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    if (finite.length === 1) return 0;
    const rank = finite.indexOf(v);
    return Math.min(3, Math.floor((rank * 4) / finite.length));
  });
}

/** [min, max] of the values widened by 8% of their span on each side (never below 0). */
export function padded(values: readonly number[]): [number, number] {
  const [lo, hi] = paddedSigned(values);
  return [Math.max(0, lo), hi];
}

/** [min, max] of the values widened by 8% of their span on each side (may go below 0). */
export function paddedSigned(values: readonly number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = hi > lo ? (hi - lo) * 0.08 : Math.abs(hi) * 0.1 || 1;
  return [lo - pad, hi + pad];
}

/** A quality figure with its sign: "+0.42", "−0.5", "0". */
export function signedQuality(q: number): string {
  if (q === 0) return '0';
  return `${q > 0 ? '+' : '−'}${formatNumber(Math.abs(q), 2)}`;
}

type Point = ParetoPoint & ParetoPointSource;

/** Where the point's step time comes from, in words. */
export function stepSourceText(p: ParetoPointSource, s: ChartStrings = EN_CHART_STRINGS): string {
  const o = p.stepOrigin;
  if (o.kind === 'real-shapes') {
    const spread = o.max > o.min ? `; ${fill(s.paretoStepSpread, { spread: `${formatNumber(o.min)}–${formatNumber(o.max)} ms` })}` : '';
    return `${fill(s.paretoStepReal, { method: s.realShapeMethods[o.method] })}${spread}`;
  }
  return fill(s.paretoStepProxy, { params: o.params === null ? s.unknown : formatParams(o.params), backend: o.backend });
}

function formatParams(n: number): string {
  return n >= 1e6 ? `${formatNumber(n / 1e6)}M` : n >= 1e3 ? `${formatNumber(n / 1e3)}K` : String(n);
}

/** Where the point's quality comes from, in words (with the nearest runs cited when `cite`). */
export function qualitySourceText(p: ParetoPointSource, s: ChartStrings = EN_CHART_STRINGS, cite = 3): string {
  const o = p.qualityOrigin;
  switch (o.kind) {
    case 'reference': return s.paretoQualityReference;
    case 'none': return s.paretoQualityNone;
    case 'not-recorded': return s.paretoQualityNotRecorded;
    case 'evidence': {
      const head = fill(s.paretoQualityEvidence, { sources: o.sources, runs: o.runs, similarity: o.nearestSimilarity === null ? s.unknown : formatNumber(o.nearestSimilarity, 2) });
      const cites = o.citations.slice(0, cite)
        .map((c) => `${c.cite} (${c.locator}; ${signedQuality(c.z)}${c.runs > 1 ? `, ${fill(s.paretoRuns, { runs: c.runs })}` : ''}${c.versus !== 'adamw' ? `; ${fill(s.paretoVersus, { reference: c.versus })}` : ''}${c.selfReported ? `; ${s.paretoSelfReported}` : ''})`);
      if (o.citations.length > cite) cites.push(fill(s.paretoMoreSources, { count: o.citations.length - cite }));
      return cites.length ? `${head}: ${cites.join('; ')}` : head;
    }
  }
}

function stepText(p: ParetoPointSource, s: ChartStrings): string {
  if (p.stepMs === null) return s.none;
  // The ratio to AdamW's step from the same source (AdamW measured the same way).
  const ratio = p.stepOrigin.relativeToAdamW !== null ? ` (${fill(s.paretoVsAdamW, { ratio: formatNumber(p.stepOrigin.relativeToAdamW) })})` : '';
  return `${formatNumber(p.stepMs)} ms${ratio}`;
}

function qualityText(p: ParetoPointSource, s: ChartStrings): string {
  return p.quality === null ? (p.qualityOrigin.kind === 'not-recorded' ? s.unknown : s.paretoNoEvidence) : signedQuality(p.quality);
}

/** The quality with its source ("no measured evidence" once when there is none). */
function qualityWithSource(p: ParetoPointSource, s: ChartStrings, cite: number): string {
  return p.quality === null ? qualitySourceText(p, s, cite) : `${qualityText(p, s)} — ${qualitySourceText(p, s, cite)}`;
}

function lossText(p: ParetoPointSource, s: ChartStrings): string {
  return p.proxyLoss === null ? s.paretoDiverged : formatNumber(p.proxyLoss, 4);
}

function statusText(p: ParetoPoint, s: ChartStrings, long: boolean): string {
  if (p.status === 'front') return s.paretoFront;
  if (p.status === 'incomparable') return s.paretoIncomparable;
  return long ? `${s.paretoDominatedBy}: ${p.dominatedBy.join(', ')}` : s.paretoDominated;
}

/** The points of a document with their front status and sources. */
export function paretoChartPoints(doc: ProfileResultDocument): Point[] {
  const sources = paretoPointsOf(doc);
  const front = paretoFront(sources);
  return sources.map((src, i) => ({ ...src, ...front[i]! }));
}

interface PanelSpec {
  readonly key: 'memory' | 'step';
  readonly caption: string;
  readonly x: (p: Point) => number | null;
  readonly axis: Axis;
  readonly title: string;
}

export function renderParetoChart(doc: ProfileResultDocument, opts: ChartOptions): RenderedChart {
  const s = opts.strings ?? EN_CHART_STRINGS;
  const id = checkId(opts.id);
  const width = Math.max(240, opts.width);
  const points = paretoChartPoints(doc);
  const noQuality = points.some((p) => p.quality === null);
  const panelH = Math.round(Math.min(300, Math.max(210, width * 0.62)));
  const gap = 10;
  const m = { top: 24, right: 14, bottom: 44, left: 46 };
  const strip = noQuality ? 22 : 0;
  const height = 2 * panelH + gap;

  // The shared quality axis spans the data and AdamW's 0.
  const qualities = [0, ...points.flatMap((p) => (p.quality === null ? [] : [p.quality]))];
  const yFor = (top: number) => linearAxis(paddedSigned(qualities), [top + panelH - m.bottom - strip, top + m.top]);
  const mems = points.flatMap((p) => (p.memory === null ? [] : [p.memory]));
  const steps = points.flatMap((p) => (p.stepMs === null ? [] : [p.stepMs]));
  const xRange: [number, number] = [m.left, width - m.right];
  const memAxis = linearAxis(padded(mems.length ? mems : [0, 1]), xRange, { unit: byteUnit(Math.max(1, ...mems)) });
  const stepAxis = linearAxis(padded(steps.length ? steps : [0, 1]), xRange, { unit: timeUnit(Math.max(1e-3, ...steps)) });
  const panels: PanelSpec[] = [
    { key: 'memory', caption: s.paretoPanelMemory, x: (p) => p.memory, axis: memAxis, title: s.paretoX },
    { key: 'step', caption: s.paretoPanelStep, x: (p) => p.stepMs, axis: stepAxis, title: s.paretoStep },
  ];
  const bins = lossBins(points.map((p) => p.proxyLoss));
  const binOf = new Map(points.map((p, i) => [p.id, bins[i] ?? null]));

  const details = (p: Point) => [
    p.id,
    `${s.paretoX}: ${p.memory === null ? s.notModelled : formatBytes(p.memory)} — ${s.paretoMemorySource}`,
    `${s.paretoStep}: ${stepText(p, s)} — ${stepSourceText(p, s)}`,
    `${s.paretoQuality}: ${qualityWithSource(p, s, 3)}`,
    `${s.paretoLoss}: ${lossText(p, s)}`,
    statusText(p, s, true),
  ].join('\n');

  const body = panels.map((panel, k) => {
    const top = k * (panelH + gap);
    const y = yFor(top);
    const axisY = top + panelH - m.bottom;
    const stripY = axisY - strip / 2 - 2;
    const placeable = points.filter((p) => panel.x(p) !== null);
    const cy = (p: Point) => (p.quality === null ? stripY : y.scale(p.quality));
    const cx = (p: Point) => panel.axis.scale(panel.x(p)!);
    const order = [...placeable].sort((a, b) => (a.status === 'front' ? 1 : 0) - (b.status === 'front' ? 1 : 0));
    const marks = order.map((p) => {
      const title = el('title', {}, escapeHtml(details(p)));
      const diverged = p.proxyDiverged ? ' oa-pt-proxy-diverged' : '';
      if (p.status === 'incomparable') return el('circle', { class: `oa-pt oa-pt-incomparable${diverged}`, cx: cx(p), cy: cy(p), r: 5 }, title);
      const bin = binOf.get(p.id);
      const cls = `oa-pt ${bin === null || bin === undefined ? 'oa-loss-na' : `oa-loss-${bin}`} ${p.status === 'front' ? 'oa-pt-front' : 'oa-pt-dominated'}${diverged}`;
      return el('circle', { class: cls, cx: cx(p), cy: cy(p), r: p.status === 'front' ? 6.5 : 4.5 }, title);
    });
    const priority = [...placeable].sort((a, b) => (a.status === 'front' ? 0 : 1) - (b.status === 'front' ? 0 : 1));
    // The strip's caption is an obstacle too, so that a point's name never covers it.
    const caption = strip ? [{ x0: m.left + 2, y0: axisY - 14, x1: m.left + 6 + textWidth(s.paretoNoEvidence, 10), y1: axisY }] : [];
    const obstacles = [...placeable.map((p) => pointBox(cx(p), cy(p), 6.5)), ...caption];
    const requests: LabelRequest[] = priority.map((p) => ({
      key: p.id,
      x: cx(p),
      y: cy(p),
      label: p.id,
      gap: 8,
      // A point on the front is always named, even where points crowd.
      required: p.status === 'front',
    }));
    const placed = placeLabels(requests, { x0: m.left + 2, y0: top + m.top - 10, x1: width, y1: axisY - 2 }, obstacles);
    const labels = placed.map((l) => {
      const req = requests.find((q) => q.key === l.key)!;
      const dim = points.find((p) => p.id === l.key)?.status !== 'front';
      return text(req.label, { class: `oa-label oa-halo${dim ? ' oa-dim' : ''}`, x: l.x, y: l.y, 'text-anchor': l.anchor });
    });
    const zero = y.scale(0);
    // AdamW's 0 (the legend says so; a caption here would collide with the points' names).
    const reference = el('line', { class: 'oa-ref-line', x1: m.left, x2: width - m.right, y1: zero, y2: zero, 'aria-hidden': 'true' });
    const stripMark = strip
      ? el('g', { class: 'oa-strip', 'aria-hidden': 'true' },
        el('line', { class: 'oa-strip-line', x1: m.left, x2: width - m.right, y1: axisY - strip, y2: axisY - strip }),
        text(s.paretoNoEvidence, { class: 'oa-caption', x: m.left + 4, y: axisY - 3 }))
      : '';
    return el('g', { class: `oa-panel oa-panel-${panel.key}` },
      text(panel.caption, { class: 'oa-panel-title', x: m.left, y: top + 12 }),
      el('g', { class: 'oa-axes' }, bottomAxis(panel.axis, axisY, panel.title, top + m.top, [0, width]), leftAxis(y, m.left, s.paretoQuality, width - m.right, 12)),
      reference, stripMark,
      el('g', { class: 'oa-points' }, ...marks),
      el('g', { class: 'oa-labels', 'aria-hidden': 'true' }, ...labels));
  }).join('');

  const front = points.filter((p) => p.status === 'front').map((p) => p.id);
  const description = fill(s.paretoDesc, { count: points.length, front: front.length ? front.join(', ') : s.none }) + ` ${measuredOnLabel(doc, s)}`;
  const svg = chartSvg({ id, width, height, title: s.paretoTitle, description, kind: 'oa-chart-pareto' }, body);

  // Legend: the proxy's loss quarters, the front ring, the hollow marker; then where each axis comes from.
  const finite = points.filter((p) => p.proxyLoss !== null);
  const binItems = [0, 1, 2, 3]
    .map((b) => {
      const inBin = finite.filter((p) => binOf.get(p.id) === b).map((p) => p.proxyLoss as number);
      if (!inBin.length) return '';
      const lo = formatNumber(Math.min(...inBin), 4);
      const hi = formatNumber(Math.max(...inBin), 4);
      return `<li><span class="oa-swatch oa-loss-${b}" aria-hidden="true"></span>${escapeHtml(lo === hi ? lo : `${lo}–${hi}`)}</li>`;
    })
    .join('');
  const divergedItem = points.some((p) => p.proxyDiverged)
    ? `<li><span class="oa-swatch oa-loss-na" aria-hidden="true"></span>${escapeHtml(s.paretoDiverged)}</li>`
    : '';
  const hollow = points.some((p) => p.status === 'incomparable')
    ? `<li><span class="oa-swatch oa-ring oa-ring-alert" aria-hidden="true"></span>${escapeHtml(`${s.paretoIncomparable} (${s.paretoNoEvidence} / ${s.notModelled})`)}</li>`
    : '';
  const legend =
    `<div class="oa-pareto-legend"><ul class="oa-legend" aria-label="${escapeHtml(s.paretoLossBins)}"><li>${escapeHtml(s.paretoLoss)}:</li>${binItems}${divergedItem}` +
    `<li><span class="oa-swatch oa-ring" aria-hidden="true"></span>${escapeHtml(s.paretoFront)}</li>${hollow}</ul>` +
    `${axisSourcesList(doc, points, s)}</div>`;

  const head = [s.optimizer, s.paretoX, s.paretoStep, s.paretoSourceColumn, s.paretoQuality, s.paretoSourceColumn, s.paretoLoss, s.paretoStatus, s.paretoDominatedBy];
  const rows = points.map((p) => [
    p.id,
    p.memory === null ? s.notModelled : formatBytes(p.memory),
    stepText(p, s),
    stepSourceText(p, s),
    qualityText(p, s),
    qualitySourceText(p, s),
    lossText(p, s),
    statusText(p, s, false),
    p.dominatedBy.length ? p.dominatedBy.join(', ') : s.none,
  ]);
  return { svg, table: htmlTable(s.paretoTitle, head, rows, 'oa-table-text'), legend, title: s.paretoTitle, description };
}

/** The legend's list of axis sources: memory, the step-time sources present, quality with the job it was weighed for. */
function axisSourcesList(doc: ProfileResultDocument, points: readonly Point[], s: ChartStrings): string {
  const stepSources = [...new Set(points.map((p) => (p.stepOrigin.kind === 'real-shapes' ? fill(s.paretoStepReal, { method: s.realShapeMethods[p.stepOrigin.method] }) : stepSourceText(p, s))))];
  const mixed = new Set(points.map((p) => p.stepSource)).size > 1;
  const quality = doc.evidenceQuality ? `${fill(s.paretoQualityJob, { job: doc.evidenceQuality.job })} ${s.paretoQualityAbout}` : s.paretoQualityNotRecorded;
  const items = [
    `${s.paretoX}: ${s.paretoMemorySource}`,
    `${s.paretoStep}: ${stepSources.join('; ')}${mixed ? `. ${s.paretoMixedSteps}` : ''}`,
    `${s.paretoQuality}: ${quality}`,
  ];
  return `<ul class="oa-legend oa-sources" aria-label="${escapeHtml(s.paretoSources)}">${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
}

/**
 * Where each coordinate of each point comes from, as a table with the citations behind each quality figure
 * (shown under the chart in the CLI report and the sidebar).
 */
export function renderParetoSources(doc: ProfileResultDocument, s: ChartStrings = EN_CHART_STRINGS): string {
  const points = paretoChartPoints(doc);
  const head = [s.optimizer, s.paretoX, s.paretoStep, s.paretoQuality, s.paretoLoss];
  const rows = points.map((p) => [
    p.id,
    `${p.memory === null ? s.notModelled : formatBytes(p.memory)} — ${s.paretoMemorySource}`,
    `${stepText(p, s)} — ${stepSourceText(p, s)}`,
    qualityWithSource(p, s, 12),
    lossText(p, s),
  ]);
  return htmlTable(s.paretoSources, head, rows, 'oa-table-text oa-pareto-sources');
}
