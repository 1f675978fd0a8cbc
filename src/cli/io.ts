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

/** Renders rows as an aligned plain-text table (first row = header). Numbers are right-aligned. */
export function table(rows: readonly (readonly string[])[], rightAlign: readonly boolean[] = []): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) =>
    r.map((cell, c) => (rightAlign[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const [head, ...body] = rows;
  return [line(head!), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
