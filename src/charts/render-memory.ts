/** Stacked horizontal bars of the estimated memory per GPU, one per optimizer, with the GPU budget as a line. */
import { formatBytes } from '../core/units';
import { byteAxis } from './axes';
import { checkId, fitLabel, textWidth, type ChartOptions, type RenderedChart } from './chart';
import { stackMemoryBars, type MemoryBarInput, type MemoryComponent } from './memory';
import { EN_CHART_STRINGS } from './strings';
import { escapeHtml } from '../core/display-text';
import { bottomAxis, chartSvg, el, fill, htmlTable, text } from './svg';

const ROW = 24;
const BAR = 14;
const TOP = 20;
const AXIS = 40;

export interface MemoryChartData {
  readonly bars: readonly MemoryBarInput[];
  /** GPU budget per GPU in bytes, or null when unknown. */
  readonly budgetBytes: number | null;
}

export function memoryLegend(components: readonly MemoryComponent[], names: Readonly<Record<MemoryComponent, string>>): string {
  const items = components.map((c) => `<li><span class="oa-swatch oa-seg-${c}" aria-hidden="true"></span>${escapeHtml(names[c])}</li>`);
  return `<ul class="oa-legend">${items.join('')}</ul>`;
}

export function renderMemoryChart(data: MemoryChartData, opts: ChartOptions): RenderedChart {
  const s = opts.strings ?? EN_CHART_STRINGS;
  const id = checkId(opts.id);
  const stack = stackMemoryBars(data.bars, data.budgetBytes);
  const width = Math.max(240, opts.width);
  const labelWidth = Math.min(width * 0.38, Math.max(56, ...stack.bars.map((b) => textWidth(b.label))) + 8);
  const valueWidth = 62;
  const x0 = labelWidth;
  const x1 = width - valueWidth;
  const height = TOP + stack.bars.length * ROW + AXIS;
  const axis = byteAxis(stack.max, [x0, x1]);
  const plotBottom = TOP + stack.bars.length * ROW;

  const rows = stack.bars.map((bar, i) => {
    const y = TOP + i * ROW + (ROW - BAR) / 2;
    const parts: string[] = [text(fitLabel(bar.label, labelWidth - 10), { class: 'oa-label', x: x0 - 6, y: y + BAR - 3, 'text-anchor': 'end' })];
    if (bar.peak === null) {
      parts.push(el('rect', { class: 'oa-missing', x: x0, y, width: x1 - x0, height: BAR }));
      parts.push(text(`${s.memoryNoEstimate}${bar.error ? `: ${bar.error}` : ''}`, { class: 'oa-caption', x: x0 + 4, y: y + BAR - 3 }));
      return el('g', { class: 'oa-bar' }, ...parts);
    }
    for (const seg of bar.segments) {
      const sx = axis.scale(seg.start);
      const w = Math.max(0, axis.scale(seg.end) - sx);
      parts.push(
        el('rect', { class: `oa-seg oa-seg-${seg.component}`, x: sx, y, width: w, height: BAR },
          el('title', {}, escapeHtml(`${bar.label} · ${s.components[seg.component]}: ${formatBytes(seg.bytes)}`))),
      );
    }
    const end = axis.scale(bar.peak);
    const over = bar.overBudget === true;
    parts.push(text(formatBytes(bar.peak), { class: over ? 'oa-over' : 'oa-label', x: end + 4, y: y + BAR - 3 }));
    const summary = `${bar.label}: ${s.memoryPeak} ${formatBytes(bar.peak)}${over ? ` — ${s.memoryDoesNotFit}` : ''}`;
    return el('g', { class: 'oa-bar' }, el('title', {}, escapeHtml(summary)), ...parts);
  });

  const budgetParts: string[] = [];
  if (stack.budget !== null) {
    const bx = axis.scale(stack.budget);
    budgetParts.push(el('line', { class: 'oa-budget', x1: bx, x2: bx, y1: TOP - 6, y2: plotBottom }));
    const label = fill(s.memoryBudget, { budget: formatBytes(stack.budget) });
    const anchor = bx + textWidth(label) / 2 > width ? 'end' : bx - textWidth(label) / 2 < 0 ? 'start' : 'middle';
    budgetParts.push(text(label, { class: 'oa-budget-label oa-halo', x: bx, y: TOP - 8, 'text-anchor': anchor }));
  }

  const over = stack.bars.filter((b) => b.overBudget === true).length;
  const description = fill(s.memoryDesc, {
    count: stack.bars.length,
    budget: stack.budget === null ? '' : fill(s.memoryBudgetSentence, { budget: formatBytes(stack.budget), over }),
  });
  const svg = chartSvg(
    { id, width, height, title: s.memoryTitle, description, kind: 'oa-chart-memory' },
    el('g', { class: 'oa-axes' }, bottomAxis(axis, plotBottom + 2, s.memoryAxis, TOP - 4)) + rows.join('') + budgetParts.join(''),
  );

  const comps = stack.components;
  const head = [s.optimizer, ...comps.map((c) => s.components[c]), s.memoryPeak, s.memoryFits];
  const tableRows = stack.bars.map((b) => {
    const bytesOf = (c: MemoryComponent): string => {
      const seg = b.segments.find((x) => x.component === c);
      return b.peak === null ? s.none : formatBytes(seg ? seg.bytes : 0);
    };
    const fits = b.peak === null ? `${s.memoryNoEstimate}${b.error ? `: ${b.error}` : ''}` : b.overBudget === null ? s.unknown : b.overBudget ? s.no : s.yes;
    return [b.label, ...comps.map(bytesOf), b.peak === null ? s.none : formatBytes(b.peak), fits];
  });
  const caption = stack.budget === null ? s.memoryTitle : `${s.memoryTitle} (${fill(s.memoryBudget, { budget: formatBytes(stack.budget) })})`;
  return {
    svg,
    table: htmlTable(caption, head, tableRows),
    legend: memoryLegend(comps, s.components),
    title: s.memoryTitle,
    description,
  };
}
