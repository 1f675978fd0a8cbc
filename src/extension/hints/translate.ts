/**
 * Localisation seam for the pure parts of the extension: they take a `Translate` function with the
 * signature of `vscode.l10n.t` (message with `{0}` slots), so they run under plain Node in
 * tests. The extension passes `vscode.l10n.t`; every message is a literal at its call site, so the
 * bundle in l10n/ can list it.
 */
export type Translate = (message: string, ...args: (string | number | boolean)[]) => string;

/** Fills `{0}`, `{1}`, ... like vscode.l10n.t does for the default language. */
export const englishTranslate: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));
