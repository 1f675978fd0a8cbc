/**
 * Quick fixes as pure edit computation: switch a job's optimizer to a recommended one (with the
 * hyperparameters the advisor derived for it), or set its learning rate, in the syntax of the file
 * that names it. The editor applies the returned edits as one undoable change.
 */
import { extensionOf } from '../scan/paths';
import { structuredFix } from './structured';
import { pythonFix } from './python';
import { ultralyticsFix } from './ultralytics';
import { EditableText } from './text';
import { isFix, type FixResult, type LearningRateFixRequest, type OptimizerFix, type OptimizerFixRequest, type TextEdit } from './types';
import { OPTIMIZERS, getOptimizer } from '../optimizers';
import type { CatalogSpelling } from '../optimizers/catalog-types';
import { formatNumber } from './values';

export * from './types';
export { applyEdits } from './text';
export { formatNumber, formatValue } from './values';
export { chooseSpelling } from './spelling';
export { pasteChanges, pasteFormatOf, pasteOptionsOf, PASTE_FORMATS, type PasteChange, type PasteFormat, type PasteOptions } from './paste';

type FileSyntax = 'json' | 'yaml' | 'python' | null;

export function fileSyntax(path: string): FileSyntax {
  const ext = extensionOf(path.toLowerCase());
  if (ext === '.json' || ext === '.jsonc') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.py') return 'python';
  return null;
}

/** Edits that make the file at `path` use `target` with the advised hyperparameters, or why not. */
export function optimizerFix(req: OptimizerFixRequest): FixResult {
  // an Ultralytics call's optimizer is its own argument (`optimizer=` on a yolo line, a .train keyword, a cfg YAML key)
  if (req.job.optimizerUltralytics !== undefined) {
    const fix = ultralyticsFix(new EditableText(req.text), req.path, req.job, req.target, req.hyperparameters);
    return isFix(fix) ? { ...fix, label: fix.spelling } : fix;
  }
  const syntax = fileSyntax(req.path);
  if (syntax === null) return { unavailable: `files like ${req.path} are not rewritten` };
  const doc = new EditableText(req.text);
  const fix = syntax === 'python' ? pythonFix(doc, req.path, req.job, req.target, req.hyperparameters, req.plan ?? null) : structuredFix(doc, req.path, syntax, req.job, req.target, req.hyperparameters, req.plan ?? null);
  return isFix(fix) ? { ...fix, label: fixLabel(fix) } : fix;
}

/** The spelling's last name (`torch.optim.SGD` → `SGD`). */
function baseName(spelling: string): string {
  const i = spelling.lastIndexOf('.');
  return i < 0 ? spelling : spelling.slice(i + 1);
}

/**
 * The spelling, followed by the optimizer's name when another catalog optimizer has a spelling of the same name in
 * the same ecosystem, or when the spelling is listed under another optimizer (torch `SGD` with momentum).
 */
export function fixLabel(fix: OptimizerFix): string {
  const name = baseName(fix.spelling);
  const same = (s: CatalogSpelling): boolean => s.ecosystem === fix.ecosystem && baseName(s.name) === name;
  const spellings = (id: string): readonly CatalogSpelling[] => (OPTIMIZERS.find((spec) => spec.id === id)?.spellings ?? []) as readonly CatalogSpelling[];
  // A spelling whose meaning depends on its arguments (torch SGD implies momentum 0) names other optimizers too.
  const byArguments = spellings(fix.target).some((s) => same(s) && s.implies !== undefined && Object.keys(s.implies).length > 0);
  const shared = byArguments || OPTIMIZERS.some((spec) => spec.id !== fix.target && (spec.spellings as readonly CatalogSpelling[]).some(same));
  return shared ? `${fix.spelling} (${getOptimizer(fix.target).name})` : fix.spelling;
}

/** Replaces the learning rate where the file writes it. */
export function learningRateFix(req: LearningRateFixRequest): { readonly edits: readonly TextEdit[]; readonly written: string } | { readonly unavailable: string } {
  const src = req.job.sources['learningRate'];
  if (src === undefined || src.path !== req.path) return { unavailable: 'the learning rate is not written in this file' };
  if (fileSyntax(req.path) === null) return { unavailable: `files like ${req.path} are not rewritten` };
  const doc = new EditableText(req.text);
  const current = doc.slice(src.range);
  if (!/^[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?$/.test(current.trim())) return { unavailable: 'the learning rate is not a number literal here' };
  const written = formatNumber(req.lr);
  return { edits: [{ range: src.range, newText: written }], written };
}
