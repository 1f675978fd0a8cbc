/**
 * The Pareto scatter: estimated peak memory for the real job (x, modelled) against measured step cost
 * relative to AdamW (y); fill colour = final loss quarter; front points ringed and labelled,
 * dominated points dimmed; diverged optimizers drawn hollow. Hover details via <title>.
 */
import { formatBytes } from '../core/units';
import { byteUnit, formatNumber, linearAxis, type Axis } from './axes';
import { checkId, type ChartOptions, type RenderedChart } from './chart';
import { placeLabels, pointBox, type LabelRequest } from './labels';
import { paretoFront, paretoInputsFromProfile, type ParetoPoint } from '../core/profile/pareto';
import type { ProfileResultDocument } from '../core/profile/profile-types';
import { measuredOnLabel } from './render-profile-meta';
import { EN_CHART_STRINGS } from './strings';
import { bottomAxis, chartSvg, el, esc, fill, htmlTable, leftAxis, text } from './svg';

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
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = hi > lo ? (hi - lo) * 0.08 : Math.abs(hi) * 0.1 || 1;
  return [Math.max(0, lo - pad), hi + pad];
}

function withSuffix(axis: Axis, suffix: string): Axis {
  return { ...axis, ticks: axis.ticks.map((t) => ({ value: t.value, label: `${t.label}${suffix}` })) };
}

export function renderParetoChart(doc: ProfileResultDocument, opts: ChartOptions): RenderedChart {
  const s = opts.strings ?? EN_CHART_STRINGS;
  const id = checkId(opts.id);
  const width = Math.max(240, opts.width);
  const height = Math.round(Math.min(340, Math.max(220, width * 0.72)));
  const m = { top: 14, right: 14, bottom: 44, left: 46 };
  const points = paretoFront(paretoInputsFromProfile(doc));
  const placeable = points.filter((p) => p.memory !== null && p.cost !== null) as (ParetoPoint & { memory: number; cost: number })[];
  // Trade-offs are differences between optimizers: the axes span the data (padded), not 0..max.
  const mem = placeable.map((p) => p.memory);
  const cost = placeable.map((p) => p.cost);
  const x = linearAxis(padded(mem.length ? mem : [0, 1]), [m.left, width - m.right], { unit: byteUnit(Math.max(1, ...mem)) });
  const y = withSuffix(linearAxis(padded(cost.length ? cost : [0, 1]), [height - m.bottom, m.top]), '×');
  const bins = lossBins(points.map((p) => p.loss));
  const binOf = new Map(points.map((p, i) => [p.id, bins[i] ?? null]));
  const result = new Map(doc.results.map((r) => [r.optimizer, r]));

  // Draw dominated first, the front last (on top).
  const order = [...placeable].sort((a, b) => (a.status === 'front' ? 1 : 0) - (b.status === 'front' ? 1 : 0));
  const marks = order.map((p) => {
    const cx = x.scale(p.memory);
    const cy = y.scale(p.cost);
    const r = result.get(p.id);
    const details = [
      p.id,
      `${s.paretoX}: ${formatBytes(p.memory)}`,
      `${s.paretoY}: ${formatNumber(p.cost)}× (${formatNumber(r?.stepTimeMs ?? NaN)} ms)`,
      `${s.paretoLoss}: ${p.loss === null ? s.paretoDiverged : formatNumber(p.loss, 4)}`,
      p.status === 'front' ? s.paretoFront : p.status === 'dominated' ? `${s.paretoDominatedBy}: ${p.dominatedBy.join(', ')}` : s.paretoIncomparable,
    ].join('\n');
    const title = el('title', {}, esc(details));
    if (p.status === 'incomparable') return el('circle', { class: 'oa-pt oa-pt-incomparable', cx, cy, r: 5 }, title);
    const cls = `oa-pt oa-loss-${binOf.get(p.id) ?? 3} ${p.status === 'front' ? 'oa-pt-front' : 'oa-pt-dominated'}`;
    return el('circle', { class: cls, cx, cy, r: p.status === 'front' ? 6.5 : 4.5 }, title);
  });

  const priority = [...placeable].sort((a, b) => (a.status === 'front' ? 0 : 1) - (b.status === 'front' ? 0 : 1));
  const obstacles = placeable.map((p) => pointBox(x.scale(p.memory), y.scale(p.cost), 6.5));
  const requests: LabelRequest[] = priority.map((p) => ({
    key: p.id,
    x: x.scale(p.memory),
    y: y.scale(p.cost),
    // Diverged points are drawn hollow and explained in the legend; the label stays short.
    label: p.id,
    gap: 8,
    // A point on the front is always named, even where points crowd (measured step costs can coincide).
    required: p.status === 'front',
  }));
  const placed = placeLabels(requests, { x0: m.left + 2, y0: m.top - 10, x1: width, y1: height - m.bottom - 2 }, obstacles);
  const statusOf = new Map(points.map((p) => [p.id, p.status]));
  const labels = placed.map((l) => {
    const req = requests.find((q) => q.key === l.key)!;
    const dim = statusOf.get(l.key) !== 'front';
    return text(req.label, { class: `oa-label oa-halo${dim ? ' oa-dim' : ''}`, x: l.x, y: l.y, 'text-anchor': l.anchor });
  });

  const front = points.filter((p) => p.status === 'front').map((p) => p.id);
  const description = fill(s.paretoDesc, { count: points.length, front: front.length ? front.join(', ') : s.none }) + ` ${measuredOnLabel(doc, s)}`;
  const body =
    el('g', { class: 'oa-axes' }, bottomAxis(x, height - m.bottom, s.paretoX, m.top, [0, width]), leftAxis(y, m.left, s.paretoY, width - m.right, 12)) +
    el('g', { class: 'oa-points' }, ...marks) +
    el('g', { class: 'oa-labels', 'aria-hidden': 'true' }, ...labels);
  const svg = chartSvg({ id, width, height, title: s.paretoTitle, description, kind: 'oa-chart-pareto' }, body);

  // Legend: the loss quarters with their ranges, the front ring, the hollow diverged marker.
  const finite = points.filter((p) => p.loss !== null);
  const binItems = [0, 1, 2, 3]
    .map((b) => {
      const inBin = finite.filter((p) => binOf.get(p.id) === b).map((p) => p.loss as number);
      if (!inBin.length) return '';
      const lo = formatNumber(Math.min(...inBin), 4);
      const hi = formatNumber(Math.max(...inBin), 4);
      return `<li><span class="oa-swatch oa-loss-${b}" aria-hidden="true"></span>${esc(lo === hi ? lo : `${lo}–${hi}`)}</li>`;
    })
    .join('');
  const diverged = points.some((p) => p.status === 'incomparable' && p.memory !== null && p.cost !== null)
    ? `<li><span class="oa-swatch oa-ring oa-ring-alert" aria-hidden="true"></span>${esc(s.paretoDiverged)}</li>`
    : '';
  const legend =
    `<ul class="oa-legend" aria-label="${esc(s.paretoLossBins)}"><li>${esc(s.paretoLoss)}:</li>${binItems}` +
    `<li><span class="oa-swatch oa-ring" aria-hidden="true"></span>${esc(s.paretoFront)}</li>${diverged}</ul>`;

  const head = [s.optimizer, s.paretoX, s.paretoY, s.paretoLoss, s.paretoStatus, s.paretoDominatedBy];
  const rows = points.map((p) => {
    const r = result.get(p.id);
    return [
      p.id,
      p.memory === null ? s.notModelled : formatBytes(p.memory),
      p.cost === null ? s.none : `${formatNumber(p.cost)}× (${formatNumber(r?.stepTimeMs ?? NaN)} ms)`,
      p.loss === null ? s.paretoDiverged : formatNumber(p.loss, 4),
      p.status === 'front' ? s.paretoFront : p.status === 'dominated' ? s.paretoDominated : s.paretoIncomparable,
      p.dominatedBy.length ? p.dominatedBy.join(', ') : s.none,
    ];
  });
  return { svg, table: htmlTable(s.paretoTitle, head, rows), legend, title: s.paretoTitle, description };
}
