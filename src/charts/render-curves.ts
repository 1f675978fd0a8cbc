/** Loss curves per optimizer at its best lr on a log scale: median line and min..max band over seeds. */
import { area, line } from 'd3-shape';
import { formatNumber, linearAxis, logAxis } from './axes';
import { checkId, fitLabel, textWidth, type ChartOptions, type RenderedChart } from './chart';
import type { ProfileResultDocument } from '../core/profile/profile-types';
import { lossCurveSummaries, type CurveSummary } from './runs';
import { measuredOnLabel } from './render-profile-meta';
import { EN_CHART_STRINGS } from './strings';
import { escapeHtml } from '../core/display-text';
import { bottomAxis, chartSvg, el, fill, htmlTable, leftAxis, seriesStyle, text } from './svg';

interface Point {
  readonly step: number;
  readonly median: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
}

const positive = (v: number | null): v is number => v !== null && Number.isFinite(v) && v > 0;

/** Curves thinned to at most `max` points (every k-th, the last always kept) so long runs stay light. */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const k = Math.ceil(points.length / max);
  const out = points.filter((_, i) => i % k === 0);
  if ((points.length - 1) % k !== 0) out.push(points[points.length - 1]!);
  return out;
}

/**
 * Vertical positions (sorted ascending) pushed apart to at least `gap`, kept within [top, bottom]
 * when they fit: first down from the top, then back up from the bottom.
 */
export function spreadLabels(ys: readonly number[], gap: number, top: number, bottom: number): number[] {
  const out = [...ys].sort((a, b) => a - b);
  for (let k = 0; k < out.length; k++) out[k] = Math.max(out[k]!, k === 0 ? top : out[k - 1]! + gap);
  for (let k = out.length - 1; k >= 0; k--) out[k] = Math.min(out[k]!, k === out.length - 1 ? bottom : out[k + 1]! - gap);
  return out;
}

export function seriesLegend(ids: readonly string[]): string {
  const items = ids.map((id, i) => {
    const st = seriesStyle(i);
    return `<li><span class="oa-swatch oa-line-swatch oa-bg-${st.colour}" aria-hidden="true"></span>${escapeHtml(id)}</li>`;
  });
  return `<ul class="oa-legend">${items.join('')}</ul>`;
}

export function renderLossCurves(doc: ProfileResultDocument, opts: ChartOptions): RenderedChart {
  const s = opts.strings ?? EN_CHART_STRINGS;
  const id = checkId(opts.id);
  const summaries: CurveSummary[] = lossCurveSummaries(doc);
  const width = Math.max(240, opts.width);
  const height = Math.round(Math.min(320, Math.max(200, width * 0.65)));
  const labelRoom = Math.min(Math.max(72, width * 0.28), Math.max(40, ...summaries.map((c) => textWidth(c.optimizer) + 10)));
  const m = { top: 10, right: labelRoom, bottom: 44, left: 46 };

  const values = summaries.flatMap((c) => [...c.lower, ...c.upper, ...c.median]).filter(positive);
  const maxStep = Math.max(1, ...summaries.map((c) => c.steps[c.steps.length - 1] ?? 0));
  const x = linearAxis([0, maxStep], [m.left, width - m.right], { zero: true });
  const lo = values.length ? Math.min(...values) : 1;
  const hi = values.length ? Math.max(...values) : 10;
  const y = logAxis([lo, hi], [height - m.bottom, m.top]);
  const clip = `${id}-clip`;

  const series = summaries.map((c, i) => {
    const st = seriesStyle(i);
    const pts: Point[] = thin(
      c.steps.map((step, k) => ({ step, median: c.median[k] ?? null, lower: c.lower[k] ?? null, upper: c.upper[k] ?? null })),
      400,
    );
    const band = area<Point>()
      .defined((p) => positive(p.lower) && positive(p.upper))
      .x((p) => x.scale(p.step))
      .y0((p) => y.scale(p.lower as number))
      .y1((p) => y.scale(p.upper as number))(pts);
    const mid = line<Point>()
      .defined((p) => positive(p.median))
      .x((p) => x.scale(p.step))
      .y((p) => y.scale(p.median as number))(pts);
    const title = el('title', {}, escapeHtml(`${c.optimizer}${c.lr === null ? '' : ` · lr ${formatNumber(c.lr)}`}`));
    const parts = [
      c.runs > 1 && band ? el('path', { class: `oa-band oa-fill-${st.colour}`, d: band }) : '',
      mid ? el('path', { class: `oa-line oa-stroke-${st.colour}`, d: mid, 'stroke-dasharray': st.dash }) : '',
    ];
    return el('g', { class: 'oa-series', 'clip-path': `url(#${clip})` }, title, ...parts);
  });

  // Direct labels at each curve's last finite median, pushed apart vertically.
  const ends = summaries
    .map((c, i) => {
      let k = c.median.length - 1;
      while (k >= 0 && !positive(c.median[k] ?? null)) k--;
      return k < 0 ? null : { i, id: c.optimizer, y: y.scale(c.median[k] as number) };
    })
    .filter((e): e is { i: number; id: string; y: number } => e !== null)
    .sort((a, b) => a.y - b.y);
  const spread = spreadLabels(ends.map((e) => e.y), 11, m.top + 4, height - m.bottom);
  ends.forEach((e, k) => (ends[k] = { ...e, y: spread[k]! }));
  const labels = ends.map((e) =>
    text(fitLabel(e.id, m.right - 6), { class: `oa-label oa-halo oa-fill-${seriesStyle(e.i).colour}`, x: width - m.right + 4, y: e.y + 4 }),
  );

  const description = fill(s.curvesDesc, { count: summaries.length }) + ` ${measuredOnLabel(doc, s)}`;
  const defs = el('defs', {}, el('clipPath', { id: clip }, el('rect', { x: m.left, y: m.top - 2, width: width - m.left - m.right, height: height - m.top - m.bottom + 2 })));
  const body =
    defs +
    el('g', { class: 'oa-axes' }, bottomAxis(x, height - m.bottom, s.curvesX, m.top, [0, width]), leftAxis(y, m.left, s.curvesY, width - m.right, 12)) +
    series.join('') +
    el('g', { class: 'oa-labels', 'aria-hidden': 'true' }, ...labels);
  const svg = chartSvg({ id, width, height, title: s.curvesTitle, description, kind: 'oa-chart-curves' }, body);

  const head = [s.optimizer, s.curvesBestLr, s.curvesSeeds, s.curvesFinal];
  const rows = summaries.map((c) => [
    c.optimizer,
    c.lr === null ? s.none : formatNumber(c.lr),
    String(c.runs),
    c.finalLoss === null ? s.paretoDiverged : formatNumber(c.finalLoss, 4),
  ]);
  return { svg, table: htmlTable(s.curvesTitle, head, rows), legend: seriesLegend(summaries.map((c) => c.optimizer)), title: s.curvesTitle, description };
}
