/**
 * Positions for schema problems in a parsed file: the path of a problem (src/core/schema/check.ts)
 * is walked down the parsed tree (src/core/parse/node.ts) to the node it names, so the message reads
 * `profile.json:12:7: results[0].stepTimeMs: expected a finite number, got string "fast"`. A missing
 * field points at the object that lacks it; a key that is not allowed points at the key itself.
 */
import type { StaticDecode, TSchema } from '@sinclair/typebox';
import type { ParsedNode } from '../parse/node';
import type { SourceRange } from '../scan/types';
import { checkValue, firstProblem, formatPath, type Parsed, type PathSegment, type Problem, type Refine } from './check';

/** The range of the deepest node on `path` that exists in the tree (a key's own range when the path ends at a key). */
export function locate(tree: ParsedNode, path: readonly PathSegment[]): SourceRange {
  let node: ParsedNode = tree;
  for (const segment of path) {
    if (node.kind === 'object') {
      const member = node.index.get(String(segment));
      if (!member) return node.range;
      node = member.node;
    } else if (node.kind === 'array' && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment]!;
    } else {
      return node.range;
    }
  }
  return node.range;
}

/** `file:line:column: path: problem` for a problem found in the parsed tree of `file`. */
export function positionedMessage(file: string, tree: ParsedNode, p: Problem): string {
  const r = locate(tree, p.path);
  return `${file}:${r.line}:${r.column}: ${formatPath(p.path) || 'document'}: ${p.problem}`;
}

/** The first problem of a parsed file against `schema`, positioned; null when it conforms. */
export function checkParsed(schema: TSchema, file: string, tree: ParsedNode): string | null {
  const problem = firstProblem(schema, tree.value);
  return problem ? positionedMessage(file, tree, problem) : null;
}

/** checkValue on a parsed file's value, every problem (the refinement's too) positioned in the file. */
export function checkParsedValue<S extends TSchema>(schema: S, file: string, tree: ParsedNode, refine?: Refine<StaticDecode<S>>): Parsed<StaticDecode<S>> {
  const refined: { problem: Problem | null } = { problem: null };
  const r = checkValue(schema, tree.value, refine && ((v) => (refined.problem = refine(v))));
  if (r.ok) return r;
  const problem = refined.problem ?? firstProblem(schema, tree.value);
  return problem ? { ok: false, error: positionedMessage(file, tree, problem) } : r;
}
