/** What every chart renderer takes and returns. */
import type { ChartStrings } from './strings';

export interface ChartOptions {
  /** Prefix for element ids, unique in the page (`memory-1`). Letters, digits, '-' and '_' only. */
  readonly id: string;
  /** Width in CSS pixels (the webview passes its panel width; the report a fixed one). */
  readonly width: number;
  /** Localised words; default English. */
  readonly strings?: ChartStrings;
}

export interface RenderedChart {
  /** The <svg> element: role="img", <title> and <desc>, colours by class only. */
  readonly svg: string;
  /** The same data as an HTML <table> (the text alternative). */
  readonly table: string;
  /** An HTML legend list ('' when the chart labels its series directly). */
  readonly legend: string;
  readonly title: string;
  readonly description: string;
}

/** Rejects ids that would break the markup or collide with CSS syntax. */
export function checkId(id: string): string {
  if (!/^[A-Za-z][\w-]{0,63}$/.test(id)) throw new RangeError(`chart id '${id}' must start with a letter and hold only letters, digits, '-' and '_'`);
  return id;
}

/**
 * Width of a label in pixels, estimated from per-character widths in em of a wide UI font (DejaVu Sans,
 * the Linux fallback; Segoe UI and SF are narrower, so labels laid out with this never overflow there).
 * For layout only: the text itself is drawn by the browser.
 */
export function textWidth(label: string, fontPx = 11): number {
  let em = 0;
  for (const ch of label) {
    if (/[\u2e80-\u9fff\uff00-\uffef]/.test(ch)) em += 1.0;
    else if (/[iljI|!.,:;'`]/.test(ch)) em += 0.3;
    else if (/[frt\-()[\] /]/.test(ch)) em += 0.42;
    else if (/[mwMW@%]/.test(ch)) em += 0.98;
    else if (/[A-Z]/.test(ch)) em += 0.74;
    else if (/[0-9]/.test(ch)) em += 0.64;
    else em += 0.62;
  }
  return em * fontPx;
}

/** The label, shortened with an ellipsis to fit `maxPx` (the full text goes in the element's <title>). */
export function fitLabel(label: string, maxPx: number, fontPx = 11): string {
  if (textWidth(label, fontPx) <= maxPx) return label;
  let out = '';
  for (const ch of label) {
    if (textWidth(`${out}${ch}…`, fontPx) > maxPx) break;
    out += ch;
  }
  return `${out.trimEnd()}…`;
}

/**
 * Splits a label into at most `maxLines` lines no wider than `maxPx` (estimated with textWidth): breaks
 * after spaces, and between any two CJK characters; the last line is shortened with an ellipsis when the
 * label does not fit in `maxLines`. A label that fits is one line.
 */
export function wrapLabel(label: string, maxPx: number, maxLines = 2, fontPx = 11): string[] {
  if (textWidth(label, fontPx) <= maxPx) return [label];
  // Break opportunities: after each space-delimited word, and after any CJK character (closing
  // punctuation stays with the character before it, so no line starts with "，" or "）").
  const pieces = label.match(/[\u2e80-\u9fff\uff00-\uffef][\u3001\u3002\uff09\uff0c\uff1a\uff1b]*|[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+/g) ?? [label];
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    if (line !== '' && textWidth(`${line}${piece}`.trimEnd(), fontPx) > maxPx) {
      lines.push(line.trimEnd());
      line = piece.trimStart();
    } else {
      line += piece;
    }
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  if (lines.length <= maxLines) return lines.map((l) => fitLabel(l, maxPx, fontPx));
  const kept = lines.slice(0, maxLines - 1);
  return [...kept.map((l) => fitLabel(l, maxPx, fontPx)), fitLabel(`${lines.slice(maxLines - 1).join(' ')}`, maxPx, fontPx)];
}
