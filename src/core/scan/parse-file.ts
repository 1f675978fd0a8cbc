/** Parses a scanned file by its extension into what detectors receive (never throws). */
import { InputError } from '../types';
import { parseJson } from '../parse/json';
import { parseYaml } from '../parse/yaml';
import type { FileSyntax, ParsedFile } from './detector';
import type { ScanFile } from './types';
import { syntaxOfPath } from './walk-rules';


/** The syntax the scanner reads a file with, or null for files it does not read. */
export function syntaxOf(path: string): FileSyntax | null {
  return syntaxOfPath(path);
}

/**
 * JSON is parsed strictly; when that fails, a JSONC parse (comments, trailing commas) is tried so
 * detectors can still recognise the file: `lenient` is then true and `error` holds the strict error.
 */
export function parseScanFile(file: ScanFile, syntax: FileSyntax): ParsedFile {
  const empty = { lenient: false, bom: false, warnings: [] };
  if (syntax === 'text' || syntax === 'pickle') return { syntax, root: null, error: null, ...empty };
  try {
    const result = syntax === 'json' ? parseJson(file.text, file.path) : parseYaml(file.text, file.path);
    return { syntax, root: result.root, error: null, lenient: false, bom: result.bom, warnings: result.warnings };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    if (syntax === 'json') {
      try {
        const lenient = parseJson(file.text, file.path, { jsonc: true });
        return { syntax, root: lenient.root, error: e, lenient: true, bom: lenient.bom, warnings: lenient.warnings };
      } catch (lenientError) {
        if (!(lenientError instanceof InputError)) throw lenientError;
        // Not JSONC either: the strict error is reported.
      }
    }
    return { syntax, root: null, error: e, ...empty };
  }
}
