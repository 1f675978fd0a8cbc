/**
 * Workspace strings (file and folder names, optimizer spellings, model names, messages quoting a
 * config) made safe to show. Every surface escapes for its own syntax on top of `visibleText`:
 * - `visibleText`: control characters (C0, DEL, C1: terminal escape sequences, line breaks),
 *   bidirectional overrides and isolates (the "Trojan Source" characters, CVE-2021-42574), line and
 *   paragraph separators and the BOM are shown as `\u{…}`; very long strings are clipped with `…`.
 *   For terminal tables and plain-text titles.
 * - `markdownText`: also backslash-escapes every ASCII punctuation character (CommonMark allows it
 *   for all of them), so no link, image, emphasis, HTML, entity, heading or list can start inside.
 * - `markdownCode`: a code span (literal content); backticks become `'`.
 * - `iconSafeText`: plain text in VS Code labels that render `$(icon)` syntax (CodeLens titles).
 * - `terminalText`: a whole multi-line report for a terminal: as visibleText, but line breaks kept
 *   and nothing clipped (each workspace string in it is short already).
 * - `escapeHtml`: the five characters HTML gives a meaning (`& < > " '`) as entities, for element content and
 *   attribute values: the one escaper of the HTML surfaces (the charts' SVG and tables, the CLI's HTML report, the
 *   sidebar's page), on top of `visibleText` for workspace strings.
 */

/** Characters never shown as themselves. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/g;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** Default longest string shown (characters); longer ones end in `…`. */
export const DEFAULT_MAX_SHOWN = 300;

export function visibleText(text: string, maxLength = DEFAULT_MAX_SHOWN): string {
  const shown = text.replace(UNSAFE, (c) => `\\u{${(c.codePointAt(0) as number).toString(16)}}`);
  if (shown.length <= maxLength) return shown;
  let cut = Math.max(0, maxLength - 1);
  // never split a surrogate pair
  const last = shown.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${shown.slice(0, cut)}…`;
}

export function markdownText(text: string, maxLength = DEFAULT_MAX_SHOWN): string {
  return visibleText(text, maxLength).replace(ASCII_PUNCTUATION, '\\$&');
}

export function markdownCode(text: string, maxLength = DEFAULT_MAX_SHOWN): string {
  return `\`${visibleText(text, maxLength).replace(/`/g, "'")}\``;
}

export function iconSafeText(text: string, maxLength = DEFAULT_MAX_SHOWN): string {
  return visibleText(text, maxLength).replace(/\$\(/g, '\\$(');
}

/** `text` for a terminal: every unsafe character but the line feed shown as `\u{…}`, nothing clipped. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, (c) => (c === '\n' ? c : `\\u{${(c.codePointAt(0) as number).toString(16)}}`));
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML and SVG element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
