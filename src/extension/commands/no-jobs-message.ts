/**
 * The extension's "no training jobs" message: its sentence goes through l10n (l10n/bundle.l10n*.json), the formats it
 * names come from the one list (core/scan/formats.ts), joined as the display language joins a list. The translator is
 * passed in (vscode.l10n.t in the editor), so that the unit tests render it from the bundles without VS Code.
 */
import { recognisedFormatList } from '../../core/scan/formats';

/** vscode.l10n.t's positional form. */
export type Translate = (message: string, ...args: string[]) => string;

/**
 * The message, its list joined as `language` joins one: vscode.env.language when VS Code loaded a bundle for it
 * (`vscode.l10n.bundle`), else English — the language the sentence is then shown in (`listLanguage`).
 */
export function noJobsMessage(l10n: { readonly t: Translate }, language: string): string {
  return l10n.t('Optimizer Advisor found no training jobs in this workspace. It reads Python training scripts, notebooks and launch scripts, and the configs and launch commands of {0}.', recognisedFormatList(language));
}

/** The language of the shown sentence: the display language when its bundle is loaded, else English. */
export function listLanguage(l10n: { readonly bundle: unknown }, displayLanguage: string): string {
  return l10n.bundle === undefined ? 'en' : displayLanguage;
}
