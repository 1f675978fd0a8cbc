/**
 * Quick fixes as pure edit computation: switch a job's optimizer to a recommended one (with the
 * hyperparameters the advisor derived for it), or set its learning rate, in the syntax of the file
 * that names it. The editor applies the returned edits as one undoable change.
 */
import { extensionOf } from '../scan/paths';
import { structuredFix } from './structured';
import { pythonFix } from './python';
import { EditableText } from './text';
import type { FixResult, LearningRateFixRequest, OptimizerFixRequest, TextEdit } from './types';
import { formatNumber } from './values';

export * from './types';
export { applyEdits } from './text';
export { formatNumber, formatValue } from './values';
export { chooseSpelling } from './spelling';
export { pasteChanges, pasteFormatOf, PASTE_FORMATS, type PasteChange, type PasteFormat } from './paste';

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
  const syntax = fileSyntax(req.path);
  if (syntax === null) return { unavailable: `files like ${req.path} are not rewritten` };
  const doc = new EditableText(req.text);
  if (syntax === 'python') return pythonFix(doc, req.path, req.job, req.target, req.hyperparameters);
  return structuredFix(doc, req.path, syntax, req.job, req.target, req.hyperparameters);
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
