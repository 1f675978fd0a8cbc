/**
 * Runtime check of a profile result document (saved files are read back from workspace storage and
 * may be truncated by a crash or written by an older version). Returns a typed copy or the first
 * problem with its path; never a half-checked object. The shape is declared once in
 * profile-types.ts; this adds the two rules across fields a schema cannot state.
 */
import type { ParsedNode } from '../parse/node';
import { checkValue, type Parsed, type Problem } from '../schema/check';
import { checkParsedValue } from '../schema/locate';
import { ProfileResultDocumentSchema, type ProfileResultDocument } from './profile-types';

/** Each optimizer appears once in `results`, and the Pareto front names only optimizers of the results. */
export function profileDocumentProblem(doc: ProfileResultDocument, path: readonly (string | number)[] = []): Problem | null {
  const seen = new Set<string>();
  for (const [i, r] of doc.results.entries()) {
    if (seen.has(r.optimizer)) return { path: [...path, 'results', i], problem: `optimizer '${r.optimizer}' appears twice` };
    seen.add(r.optimizer);
  }
  const stray = doc.paretoFront.findIndex((id) => !seen.has(id));
  return stray < 0 ? null : { path: [...path, 'paretoFront', stray], problem: `'${doc.paretoFront[stray]}' is not one of the results` };
}

/** Checks a parsed JSON value as a profile result document. */
export function parseProfileDocument(value: unknown): Parsed<ProfileResultDocument> {
  return checkValue(ProfileResultDocumentSchema, value, (doc) => profileDocumentProblem(doc));
}

/** Checks a parsed profile file; a problem reads `file:line:column: path: problem`. */
export function parseProfileFile(file: string, tree: ParsedNode): Parsed<ProfileResultDocument> {
  return checkParsedValue(ProfileResultDocumentSchema, file, tree, (doc) => profileDocumentProblem(doc));
}
