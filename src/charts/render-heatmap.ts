/**
 * The lr-sensitivity heat map: rows = optimizers, columns = learning rates tried (as multiples of the
 * recommended lr), cell = median final loss over seeds (text in the cell; the lower the loss, the more
 * opaque the theme colour, on a log scale across the grid: darker on light themes, brighter on dark
 * ones), crossed when that median diverged.
 */
import { formatNumber } from './axes';
import { checkId, fitLabel, textWidth, type ChartOptions, type RenderedChart } from './chart';
import type { ProfileOptimizerResult } from '../core/profile/profile-types';
import { lrSensitivityGrid, type HeatCell } from './runs';
import { EN_CHART_STRINGS } from './strings';
import { escapeHtml } from '../core/display-text';
import { chartSvg, el, fill, htmlTable, text } from './svg';

const ROW = 22;
const HEAD = 20;

/** Shade in [0.1, 0.7]: 0.7 for the lowest loss of the grid, 0.1 for the highest (log scale when all positive). */
export function heatOpacity(value: number, range: readonly [number, number]): number {
  const [lo, hi] = range;
  if (hi <= lo) return 0.7;
  const useLog = lo > 0;
  const t = useLog ? (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (value - lo) / (hi - lo);
  return 0.1 + 0.6 * (1 - Math.min(1, Math.max(0, t)));
}

function cellText(cell: HeatCell | null, s: typeof EN_CHART_STRINGS): string {
  if (!cell) return s.none;
  return cell.medianFinalLoss === null ? s.heatDiverged : formatNumber(cell.medianFinalLoss, 3);
}

export function renderLrHeatmap(results: readonly ProfileOptimizerResult[], opts: ChartOptions): RenderedChart {
  const s = opts.strings ?? EN_CHART_STRINGS;
  const id = checkId(opts.id);
  const grid = lrSensitivityGrid(results);
  const width = Math.max(240, opts.width);
  const labelWidth = Math.min(width * 0.4, Math.max(50, ...grid.rows.map((r) => textWidth(r))) + 10);
  const cols = Math.max(1, grid.columns.length);
  const cellW = (width - labelWidth) / cols;
  const height = HEAD + grid.rows.length * ROW + 4;

  const heads = grid.columns.map((c, j) =>
    text(c.label, { class: 'oa-axis-title', x: labelWidth + (j + 0.5) * cellW, y: HEAD - 6, 'text-anchor': 'middle' }),
  );
  const rows = grid.rows.map((name, i) => {
    const y = HEAD + i * ROW;
    const parts: string[] = [el('text', { class: 'oa-label', x: labelWidth - 6, y: y + ROW / 2 + 4, 'text-anchor': 'end' }, escapeHtml(fitLabel(name, labelWidth - 10)), el('title', {}, escapeHtml(name)))];
    grid.columns.forEach((c, j) => {
      const cell = grid.cells[i]?.[j] ?? null;
      const x = labelWidth + j * cellW;
      const box = { x: x + 1, y: y + 1, width: cellW - 2, height: ROW - 2 };
      if (!cell) {
        parts.push(el('rect', { class: 'oa-heat-frame', ...box }));
        return;
      }
      const tip = [
        `${name} · lr ${formatNumber(cell.lr)} (${c.label})`,
        `${s.curvesFinal}: ${cellText(cell, s)}`,
        `${s.curvesSeeds}: ${cell.runs}${cell.divergedRuns ? ` (${cell.divergedRuns} ${s.heatDiverged})` : ''}`,
      ].join('\n');
      const title = el('title', {}, escapeHtml(tip));
      if (cell.medianFinalLoss === null || grid.lossRange === null) {
        parts.push(el('g', { class: 'oa-heat-diverged' }, title,
          el('rect', { class: 'oa-heat-frame', ...box }),
          el('line', { class: 'oa-heat-cross', x1: box.x + 3, y1: box.y + 3, x2: box.x + box.width - 3, y2: box.y + box.height - 3 }),
          el('line', { class: 'oa-heat-cross', x1: box.x + 3, y1: box.y + box.height - 3, x2: box.x + box.width - 3, y2: box.y + 3 }),
          text(s.heatDiverged, { class: 'oa-heat-text oa-halo', x: x + cellW / 2, y: y + ROW / 2 + 4, 'text-anchor': 'middle' })));
        return;
      }
      parts.push(el('g', {}, title,
        el('rect', { class: 'oa-heat-cell', ...box, 'fill-opacity': Math.round(heatOpacity(cell.medianFinalLoss, grid.lossRange) * 100) / 100 }),
        el('rect', { class: 'oa-heat-frame', ...box }),
        text(cellText(cell, s), { class: 'oa-heat-text oa-halo', x: x + cellW / 2, y: y + ROW / 2 + 4, 'text-anchor': 'middle' })));
    });
    return el('g', { class: 'oa-heat-row' }, ...parts);
  });

  const description = s.heatDesc;
  const svg = chartSvg({ id, width, height, title: s.heatTitle, description, kind: 'oa-chart-heatmap' }, el('g', { 'aria-hidden': 'true' }, ...heads) + rows.join(''));
  const head = [s.optimizer, ...grid.columns.map((c) => c.label)];
  const tableRows = grid.rows.map((name, i) => [
    name,
    ...grid.columns.map((_, j) => {
      const cell = grid.cells[i]?.[j] ?? null;
      return cell ? `${cellText(cell, s)} (lr ${formatNumber(cell.lr)})` : s.none;
    }),
  ]);
  const legend = `<ul class="oa-legend"><li>${escapeHtml(s.heatLegend)}</li></ul>`;
  return { svg, table: htmlTable(`${s.heatTitle} — ${s.curvesFinal}`, head, tableRows), legend, title: s.heatTitle, description: fill(description, {}) };
}
