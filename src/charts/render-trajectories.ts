/** Optimizer paths on a 2-D test function over its contour lines (the loss-landscape view). */
import { TRACE_PROBLEM_SPECS, type TraceProblem } from '../core/profile/trace-problems';
import { formatNumber, linearAxis } from './axes';
import { checkId, type ChartOptions, type RenderedChart } from './chart';
import { landscape } from './contours';
import { seriesLegend, thin } from './render-curves';
import { EN_CHART_STRINGS } from './strings';
import { escapeHtml } from '../core/display-text';
import { bottomAxis, chartSvg, el, fill, htmlTable, leftAxis, linePath, px, seriesStyle } from './svg';

export interface TraceLine {
  readonly optimizer: string;
  /** Learning rate used, when known (for the table). */
  readonly lr?: number | null;
  /** [x, y] from the start, one per step. */
  readonly points: readonly (readonly [number, number])[];
  /** Step that produced a non-finite point, when the run diverged. */
  readonly divergedAtStep?: number | null;
}

export interface TraceChartData {
  readonly problem: TraceProblem;
  readonly traces: readonly TraceLine[];
}

const point = (p: readonly [number, number]): string => `(${formatNumber(p[0], 3)}, ${formatNumber(p[1], 3)})`;

export function renderTrajectories(data: TraceChartData, opts: ChartOptions): RenderedChart {
  const s = opts.strings ?? EN_CHART_STRINGS;
  const id = checkId(opts.id);
  const width = Math.max(220, Math.min(opts.width, 420));
  const m = { top: 10, right: 10, bottom: 40, left: 40 };
  const side = width - m.left - m.right;
  const height = m.top + side + m.bottom;
  const finite = data.traces.map((t) => t.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])));
  const land = landscape(data.problem, finite);
  const x = linearAxis(land.window.x, [m.left, m.left + side], { count: 5 });
  const y = linearAxis(land.window.y, [m.top + side, m.top], { count: 5 });
  const clip = `${id}-clip`;
  const toPx = (p: readonly [number, number]): [number, number] => [x.scale(p[0]), y.scale(p[1])];

  const contours = land.lines.map((l) => {
    const d = l.rings.map((ring) => `${linePath(ring.map(toPx))}Z`).join('');
    return d ? el('path', { class: 'oa-contour', d }, el('title', {}, escapeHtml(`f = ${formatNumber(l.level)}`))) : '';
  });

  const paths = data.traces.map((t, i) => {
    const st = seriesStyle(i);
    const pts = thin(finite[i] ?? [], 600);
    const last = pts[pts.length - 1];
    const steps = t.points.length - 1;
    const tip = [
      t.optimizer,
      `${s.traceSteps}: ${steps}`,
      last ? `${s.traceEnd}: ${point(last)}` : '',
      t.divergedAtStep !== null && t.divergedAtStep !== undefined ? fill(s.traceDivergedAt, { step: t.divergedAtStep }) : '',
    ].filter(Boolean).join('\n');
    return el('g', { class: 'oa-trace' }, el('title', {}, escapeHtml(tip)),
      el('path', { class: `oa-path oa-stroke-${st.colour}`, d: linePath(pts.map(toPx)), 'stroke-dasharray': st.dash }),
      last ? el('circle', { class: `oa-fill-${st.colour}`, cx: toPx(last)[0], cy: toPx(last)[1], r: 3 }) : '');
  });

  const [sx, sy] = toPx(land.start);
  const markers = [el('circle', { class: 'oa-marker-start', cx: sx, cy: sy, r: 4 }, el('title', {}, escapeHtml(`${s.traceStart} ${point(land.start)}`)))];
  if (land.minimum) {
    const [mx, my] = toPx(land.minimum);
    markers.push(el('path', { class: 'oa-marker-min', d: `M${px(mx - 5)},${px(my)}H${px(mx + 5)}M${px(mx)},${px(my - 5)}V${px(my + 5)}` },
      el('title', {}, escapeHtml(`${s.traceMinimum} ${point(land.minimum)}`))));
  }

  const problemName = s.problems[data.problem];
  const title = fill(s.traceTitle, { problem: problemName });
  const description = fill(s.traceDesc, {
    count: data.traces.length,
    problem: problemName,
    start: point(land.start),
    minimum: land.minimum ? fill(s.traceMinimumAt, { point: point(land.minimum) }) : '',
  });
  const defs = el('defs', {}, el('clipPath', { id: clip }, el('rect', { x: m.left, y: m.top, width: side, height: side })));
  const body =
    defs +
    el('g', { class: 'oa-axes' }, bottomAxis(x, m.top + side, 'x', null), leftAxis(y, m.left, 'y', null, 10)) +
    el('rect', { class: 'oa-plot-frame', x: m.left, y: m.top, width: side, height: side }) +
    el('g', { 'clip-path': `url(#${clip})` }, el('g', { class: 'oa-contours', 'aria-hidden': 'true' }, ...contours), ...paths, ...markers);
  const svg = chartSvg({ id, width, height, title, description, kind: 'oa-chart-trajectories' }, body);

  const f = TRACE_PROBLEM_SPECS[data.problem].value;
  const head = [s.optimizer, 'lr', s.traceSteps, s.traceEnd, 'f', s.paretoStatus];
  const rows = data.traces.map((t, i) => {
    const pts = finite[i] ?? [];
    const last = pts[pts.length - 1];
    return [
      t.optimizer,
      t.lr === null || t.lr === undefined ? s.none : formatNumber(t.lr),
      String(t.points.length - 1),
      last ? point(last) : s.none,
      last ? formatNumber(f(last[0], last[1]), 4) : s.none,
      t.divergedAtStep !== null && t.divergedAtStep !== undefined ? fill(s.traceDivergedAt, { step: t.divergedAtStep }) : s.none,
    ];
  });
  return { svg, table: htmlTable(title, head, rows), legend: seriesLegend(data.traces.map((t) => t.optimizer)), title, description };
}
