/**
 * One Python analysis per scanned file, shared by every detector that reads Python (the training-script
 * detector and the Ultralytics one): a file both look at is tokenized and analysed once. A file nested past
 * Python's own limit is a bad-input error with its position.
 */
import { LineIndex } from '../../parse/positions';
import { InputError } from '../../types';
import type { ScanFile, SourceRange } from '../types';
import { PythonNestingError, PythonProgram } from './program';

const programs = new WeakMap<ScanFile, PythonProgram>();

export function programOf(file: ScanFile): PythonProgram {
  let program = programs.get(file);
  if (program === undefined) {
    const text = file.text.charCodeAt(0) === 0xfeff ? ` ${file.text.slice(1)}` : file.text;
    try {
      program = new PythonProgram(text);
    } catch (e) {
      if (!(e instanceof PythonNestingError)) throw e;
      const at = new LineIndex(text).position(e.offset);
      throw new InputError(e.message, file.path, at.line, at.column);
    }
    programs.set(file, program);
  }
  return program;
}

/** Drops a file's analysis once a detector is done with it (the next reader analyses the file again). */
export function forgetProgram(file: ScanFile): void {
  programs.delete(file);
}

/**
 * The file's positions of a range of program offsets. A BOM is replaced by a space in the analysed text so
 * that offsets stay those of the file; ranges skip it as the JSON/YAML parsers do.
 */
export function programRange(file: ScanFile): (start: number, end: number) => SourceRange {
  const bom = file.text.charCodeAt(0) === 0xfeff;
  const lines = new LineIndex(bom ? file.text.slice(1) : file.text);
  const shift = bom ? 1 : 0;
  return (start, end) => lines.range(Math.max(0, start - shift), Math.max(0, end - shift));
}
