/**
 * Greedy placement of point labels so they do not overlap each other or leave the plot: for each
 * point (in the given priority order) the first free spot of right, left, above, below (centred
 * labels slide sideways to stay inside), then the four diagonals.
 */
import { textWidth } from './chart';

export interface LabelRequest {
  readonly key: string;
  readonly x: number;
  readonly y: number;
  readonly label: string;
  /** Clearance from the point (its radius plus a gap). */
  readonly gap: number;
  /** Shown even when every position overlaps something (then at the first position inside the plot). */
  readonly required?: boolean;
}

export interface PlacedLabel {
  readonly key: string;
  readonly x: number;
  readonly y: number;
  readonly anchor: 'start' | 'end' | 'middle';
}

interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

const HEIGHT = 11;

function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** Labels placed inside `bounds`; a label with no free spot is left out (the table still has it). */
export function placeLabels(requests: readonly LabelRequest[], bounds: Box, obstacles: readonly Box[] = []): PlacedLabel[] {
  const taken: Box[] = [...obstacles];
  const out: PlacedLabel[] = [];
  for (const r of requests) {
    const w = textWidth(r.label);
    const h = HEIGHT;
    // Centred labels slide sideways to stay inside the plot.
    const cx = Math.min(Math.max(r.x, bounds.x0 + w / 2), bounds.x1 - w / 2);
    const d = r.gap * 0.75;
    const candidates: { box: Box; place: PlacedLabel }[] = [
      { box: { x0: r.x + r.gap, y0: r.y - h / 2, x1: r.x + r.gap + w, y1: r.y + h / 2 }, place: { key: r.key, x: r.x + r.gap, y: r.y + 4, anchor: 'start' } },
      { box: { x0: r.x - r.gap - w, y0: r.y - h / 2, x1: r.x - r.gap, y1: r.y + h / 2 }, place: { key: r.key, x: r.x - r.gap, y: r.y + 4, anchor: 'end' } },
      { box: { x0: cx - w / 2, y0: r.y - r.gap - h, x1: cx + w / 2, y1: r.y - r.gap }, place: { key: r.key, x: cx, y: r.y - r.gap - 2, anchor: 'middle' } },
      { box: { x0: cx - w / 2, y0: r.y + r.gap, x1: cx + w / 2, y1: r.y + r.gap + h }, place: { key: r.key, x: cx, y: r.y + r.gap + h - 2, anchor: 'middle' } },
      { box: { x0: r.x + d, y0: r.y - d - h, x1: r.x + d + w, y1: r.y - d }, place: { key: r.key, x: r.x + d, y: r.y - d - 2, anchor: 'start' } },
      { box: { x0: r.x + d, y0: r.y + d, x1: r.x + d + w, y1: r.y + d + h }, place: { key: r.key, x: r.x + d, y: r.y + d + h - 2, anchor: 'start' } },
      { box: { x0: r.x - d - w, y0: r.y - d - h, x1: r.x - d, y1: r.y - d }, place: { key: r.key, x: r.x - d, y: r.y - d - 2, anchor: 'end' } },
      { box: { x0: r.x - d - w, y0: r.y + d, x1: r.x - d, y1: r.y + d + h }, place: { key: r.key, x: r.x - d, y: r.y + d + h - 2, anchor: 'end' } },
    ];
    const inside = (b: Box): boolean => b.x0 >= bounds.x0 && b.x1 <= bounds.x1 && b.y0 >= bounds.y0 && b.y1 <= bounds.y1;
    const free =
      candidates.find((c) => inside(c.box) && !taken.some((t) => overlaps(t, c.box))) ??
      (r.required ? candidates.find((c) => inside(c.box)) ?? candidates[0] : undefined);
    if (free) {
      taken.push(free.box);
      out.push(free.place);
    }
  }
  return out;
}

/** The box a point marker of radius r occupies (an obstacle for labels). */
export function pointBox(x: number, y: number, r: number): Box {
  return { x0: x - r, y0: y - r, x1: x + r, y1: y + r };
}
