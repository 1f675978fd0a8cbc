/** Shared helpers of the scan-*.test.ts files for the config formats: fixture folders as ScanFiles. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { latin1Text } from '../../src/core/parse/pickle';
import type { ScanFile, SourceRange } from '../../src/core/scan/types';
import { BINARY_SYNTAXES, syntaxOfPath } from '../../src/core/scan/walk-rules';

export function fixturePath(...parts: string[]): string {
  for (const base of [path.resolve(process.cwd(), 'test', 'fixtures'), path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures')]) {
    if (fs.existsSync(base)) return path.join(base, ...parts);
  }
  throw new Error('test/fixtures not found: run the tests from the repository root');
}

/** The files of a fixture folder as ScanFiles, paths relative with `/`. */
export function loadFolder(...parts: string[]): ScanFile[] {
  return loadTree(fixturePath(...parts));
}

/** Every file under a folder (any absolute path) as ScanFiles, paths relative with `/`; binary ones (meta.pkl) as the walks read them. */
export function loadTree(root: string): ScanFile[] {
  const out: ScanFile[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) pending.push(child);
      else {
        const syntax = syntaxOfPath(child);
        const binary = syntax !== null && BINARY_SYNTAXES.has(syntax);
        out.push({ path: child, text: binary ? latin1Text(fs.readFileSync(path.join(root, child))) : fs.readFileSync(path.join(root, child), 'utf8') });
      }
    }
  }
  return out;
}

/** A range on one line: `line:column` to `line:endColumn` (end exclusive). */
export function on(line: number, column: number, endColumn: number): SourceRange {
  return { line, column, endLine: line, endColumn };
}
