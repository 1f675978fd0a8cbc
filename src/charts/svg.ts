/**
 * Building SVG and HTML as strings: escaping, elements, the accessible chart frame and axes.
 * Colours never appear here: elements carry classes, and styles.ts maps the classes to
 * --vscode-* theme variables. No `style` attributes either (the webview's CSP allows no inline styles).
 */
import { escapeHtml } from '../core/display-text';
import type { Axis } from './axes';
import { textWidth, wrapLabel } from './chart';

/** A coordinate with at most two decimals. */
export function px(n: number): string {
  return String(Math.round(n * 100) / 100);
}

export type AttrValue = string | number | boolean | null | undefined;

/** `name="value"` pairs; null/undefined/false are left out, true writes the bare name's value "true". */
export function attrs(a: Readonly<Record<string, AttrValue>>): string {
  let out = '';
  for (const [k, v] of Object.entries(a)) {
    if (v === null || v === undefined || v === false) continue;
    const value = typeof v === 'number' ? px(v) : v === true ? 'true' : v;
    out += ` ${k}="${escapeHtml(value)}"`;
  }
  return out;
}

/** An element; children are already-built markup strings. Empty children make a self-closing tag. */
export function el(tag: string, a: Readonly<Record<string, AttrValue>> = {}, ...children: string[]): string {
  const inner = children.join('');
  return inner === '' && tag !== 'title' && tag !== 'desc' ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${inner}</${tag}>`;
}

/** A text element with escaped content. */
export function text(content: string, a: Readonly<Record<string, AttrValue>> = {}): string {
  return `<text${attrs(a)}>${escapeHtml(content)}</text>`;
}

/** Fills `{name}` slots of a template. Unknown slots are left as they are. */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

/** Path data through the points (gaps where a point is null). */
export function linePath(points: readonly (readonly [number, number] | null)[]): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p === null || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${px(p[0])},${px(p[1])}`;
    pen = true;
  }
  return d;
}

export interface ChartFrame {
  /** Unique prefix for ids inside the document (several charts can share a page). */
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly description: string;
  /** Extra class on the root (`oa-chart-memory`). */
  readonly kind: string;
}

/** The root <svg>: role="img", labelled by its <title> and described by its <desc>. */
export function chartSvg(frame: ChartFrame, body: string): string {
  const titleId = `${frame.id}-title`;
  const descId = `${frame.id}-desc`;
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      class: `oa-chart ${frame.kind}`,
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
      width: frame.width,
      height: frame.height,
      viewBox: `0 0 ${px(frame.width)} ${px(frame.height)}`,
      focusable: 'false',
    },
    el('title', { id: titleId }, escapeHtml(frame.title)),
    el('desc', { id: descId }, escapeHtml(frame.description)),
    body,
  );
}

export interface Margins {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

/** The axis title with its unit: "Estimated memory per GPU (GiB)". */
export function axisTitle(title: string, axis: Axis): string {
  return axis.unit ? `${title} (${axis.unit})` : title;
}

/**
 * A horizontal axis at y (ticks, labels, gridlines up to `gridTop`) with its title under it. With
 * `titleRoom` ([left, right] of the chart, which must leave 42 px below the axis), a title wider than
 * the room wraps onto a second line and is kept inside it; without, it is one line centred on the axis.
 */
export function bottomAxis(axis: Axis, y: number, title: string, gridTop: number | null, titleRoom?: readonly [number, number]): string {
  const parts: string[] = [el('line', { class: 'oa-axis-line', x1: axis.range[0], x2: axis.range[1], y1: y, y2: y })];
  axis.ticks.forEach((t) => {
    const x = axis.scale(t.value);
    if (gridTop !== null) parts.push(el('line', { class: 'oa-grid', x1: x, x2: x, y1: gridTop, y2: y }));
    parts.push(el('line', { class: 'oa-tick', x1: x, x2: x, y1: y, y2: y + 4 }));
    parts.push(text(t.label, { class: 'oa-tick-label', x, y: y + 15, 'text-anchor': 'middle' }));
  });
  const mid = (axis.range[0] + axis.range[1]) / 2;
  const full = axisTitle(title, axis);
  if (titleRoom === undefined) {
    parts.push(text(full, { class: 'oa-axis-title', x: mid, y: y + 31, 'text-anchor': 'middle' }));
  } else {
    const [left, right] = titleRoom;
    const lines = wrapLabel(full, Math.max(40, right - left - 4));
    const half = Math.max(...lines.map((l) => textWidth(l))) / 2;
    // Centred on the axis, moved inwards when that would cut it at the chart's edge.
    const x = Math.min(Math.max(mid, left + 2 + half), right - 2 - half);
    lines.forEach((line, i) => {
      const ly = lines.length === 1 ? y + 31 : y + 28 + 12 * i;
      parts.push(text(line, { class: 'oa-axis-title', x, y: ly, 'text-anchor': 'middle' }));
    });
  }
  return el('g', { class: 'oa-axis oa-axis-x', 'aria-hidden': 'true' }, ...parts);
}

/** A vertical axis at x with gridlines to `gridRight`, and its title rotated along it. */
export function leftAxis(axis: Axis, x: number, title: string, gridRight: number | null, titleX: number): string {
  const parts: string[] = [el('line', { class: 'oa-axis-line', x1: x, x2: x, y1: axis.range[0], y2: axis.range[1] })];
  for (const t of axis.ticks) {
    const y = axis.scale(t.value);
    if (gridRight !== null) parts.push(el('line', { class: 'oa-grid', x1: x, x2: gridRight, y1: y, y2: y }));
    parts.push(el('line', { class: 'oa-tick', x1: x - 4, x2: x, y1: y, y2: y }));
    parts.push(text(t.label, { class: 'oa-tick-label', x: x - 6, y: y + 4, 'text-anchor': 'end' }));
  }
  const mid = (axis.range[0] + axis.range[1]) / 2;
  parts.push(text(axisTitle(title, axis), { class: 'oa-axis-title', x: titleX, y: mid, 'text-anchor': 'middle', transform: `rotate(-90 ${px(titleX)} ${px(mid)})` }));
  return el('g', { class: 'oa-axis oa-axis-y', 'aria-hidden': 'true' }, ...parts);
}

/** An HTML table (the chart's text alternative). Cells are escaped text. */
export function htmlTable(caption: string, head: readonly string[], rows: readonly (readonly string[])[], className = ''): string {
  const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`)
    .join('');
  return `<table class="oa-table${className ? ` ${className}` : ''}"><caption>${escapeHtml(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Series colour class index and dash pattern for the i-th series (7 theme colours, then dashes). */
export function seriesStyle(i: number): { colour: number; dash: string | null } {
  const colour = i % 7;
  const round = Math.floor(i / 7);
  const dashes = [null, '6 3', '2 3', '8 3 2 3'];
  return { colour, dash: dashes[round % dashes.length] ?? null };
}
