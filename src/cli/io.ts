import { terminalText, visibleText } from '../core/display-text';

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIO {
  readonly cwd: string;
  /** Environment variables (HF_HOME, HF_TOKEN, HF_HUB_OFFLINE, proxies...); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  out(text: string): void;
  err(text: string): void;
}

/** Exit codes of the CLI contract. */
export const EXIT = { ok: 0, internal: 1, input: 2, partial: 3 } as const;

/**
 * Writes a human-readable report (never JSON): workspace strings in it cannot move the cursor,
 * recolour, retitle or hyperlink the terminal, or reorder text (control and bidi characters are
 * shown as `\u{…}`, src/core/display-text.ts).
 */
export function printHuman(io: CliIO, text: string): void {
  io.out(terminalText(text));
}

/** One line for stderr: whatever a file name or config string holds, it stays one line. */
export function oneLine(text: string): string {
  return visibleText(text, 4000);
}

/** Renders rows as an aligned plain-text table (first row = header). Numbers are right-aligned. */
export function table(rawRows: readonly (readonly string[])[], rightAlign: readonly boolean[] = []): string {
  if (rawRows.length === 0) return '';
  // Cells are shown as visible text first, so the widths are those of what is printed.
  const rows = rawRows.map((r) => r.map((cell) => visibleText(cell, 500)));
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) =>
    r.map((cell, c) => (rightAlign[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const [head, ...body] = rows;
  return [line(head!), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
