/**
 * Jupyter notebooks (.ipynb, nbformat 4 JSON): the code cells, joined in order, are read as one
 * Python training program (see python-script.ts), so a constant defined in one cell resolves in a
 * later one. Ranges point into the .ipynb file: each offset of the joined program is mapped back
 * through the JSON string of its source line (escapes such as \n, \" and \uXXXX included).
 * Cells starting with a cell magic (`%%bash`, ...) are not Python and are skipped. A notebook that trains an Ultralytics
 * YOLO model (`YOLO("yolov8n.pt").train(...)`, or a `!yolo train …` shell escape) is read by ./ultralytics-script.ts; a
 * `!litgpt finetune_lora …` (or other litgpt training command) line is read as a launch script's launch (./shell-script.ts).
 */
import type { ObjectNode, ParsedNode, StringNode } from '../../parse/node';
import { LineIndex } from '../../parse/positions';
import { stripBom } from '../../parse/text';
import type { Detection, Detector, ParsedFile } from '../detector';
import { InputError } from '../../types';
import { PythonNestingError, PythonProgram } from '../python/program';
import { isTrainingProgram, readTrainingProgram } from '../python/training-script';
import type { RangeMapper } from '../python/to-node';
import type { ScanFile, SourceRange } from '../types';
import { PYTHON_TRAINING_WORDS } from './python-script';
import { detectNotebookLitgptLine, NOTEBOOK_LITGPT_LINE } from './shell-script';
import { detectYoloShellLine, detectYoloTraining, NOTEBOOK_YOLO_LINE, YOLO_TRAINING_WORDS, yoloTrainCalls } from './ultralytics-script';

interface Segment {
  /** Offset of the segment in the joined program. */
  readonly at: number;
  readonly length: number;
  readonly node: StringNode;
  /** Raw offset (within the JSON string's content) of each decoded character, when they differ. */
  readonly raw: Int32Array | null;
}

interface Notebook {
  readonly program: PythonProgram;
  readonly segments: readonly Segment[];
}

/** Decoded index -> index in the raw JSON string content (between the quotes). */
function rawOffsets(content: string): Int32Array | null {
  if (!content.includes('\\')) return null;
  const out: number[] = [];
  for (let i = 0; i < content.length; ) {
    out.push(i);
    if (content[i] !== '\\') i++;
    else i += content[i + 1] === 'u' ? 6 : 2;
  }
  return Int32Array.from(out);
}

function sourceNodes(cell: ParsedNode): StringNode[] | null {
  if (cell.kind !== 'object') return null;
  const type = cell.index.get('cell_type')?.node;
  if (type?.kind !== 'string' || type.value !== 'code') return null;
  const source = cell.index.get('source')?.node;
  if (source?.kind === 'string') return [source];
  if (source?.kind === 'array' && source.items.every((i) => i.kind === 'string')) return source.items as StringNode[];
  return null;
}

function isNotebook(root: ParsedNode | null): root is ObjectNode {
  return root?.kind === 'object' && root.index.get('cells')?.node.kind === 'array' && root.index.has('nbformat');
}

const notebooks = new WeakMap<ScanFile, Notebook>();

function notebookOf(file: ScanFile, root: ObjectNode): Notebook {
  const known = notebooks.get(file);
  if (known !== undefined) return known;
  const text = stripBom(file.text).text;
  const segments: Segment[] = [];
  let program = '';
  const cells = root.index.get('cells')?.node;
  for (const cell of cells?.kind === 'array' ? cells.items : []) {
    const nodes = sourceNodes(cell);
    if (nodes === null || nodes.length === 0 || nodes[0].value.trimStart().startsWith('%%')) continue;
    for (const node of nodes) {
      segments.push({ at: program.length, length: node.value.length, node, raw: rawOffsets(text.slice(node.start + 1, node.end - 1)) });
      program += node.value;
    }
    program += '\n';
  }
  let analysed: PythonProgram;
  try {
    analysed = new PythonProgram(program);
  } catch (e) {
    if (!(e instanceof PythonNestingError)) throw e;
    const at = mapperOf(file, segments).range(e.offset, e.offset + 1);
    throw new InputError(e.message, file.path, at.line, at.column);
  }
  const notebook = { program: analysed, segments };
  notebooks.set(file, notebook);
  return notebook;
}

/** Maps offsets of the joined program to ranges in the notebook file. */
function mapperOf(file: ScanFile, segments: readonly Segment[]): RangeMapper {
  const lines = new LineIndex(stripBom(file.text).text);
  /** A start offset maps into the segment holding it; an (exclusive) end into the one holding end - 1. */
  const fileOffset = (offset: number, isEnd: boolean): number => {
    const probe = isEnd ? offset - 1 : offset;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid].at <= probe) lo = mid;
      else hi = mid - 1;
    }
    const s = segments[lo];
    if (s === undefined) return 0;
    const k = Math.min(Math.max(0, offset - s.at), s.length);
    // Past the segment's last character: the closing quote of its JSON string.
    if (k === s.length) return s.node.end - 1;
    return s.node.start + 1 + (s.raw !== null ? s.raw[k] : k);
  };
  return {
    range(start: number, end: number): SourceRange {
      const a = fileOffset(start, false);
      const b = end > start ? fileOffset(end, true) : a;
      return lines.range(a, Math.max(a, b));
    },
  };
}

/** Whether the joined cells hold a `!yolo … train` shell escape (its mode is checked when it is read). */
function yoloShellLines(program: string): boolean {
  for (const m of program.matchAll(NOTEBOOK_YOLO_LINE)) if (/(^|\s)(train|mode=train)(\s|$)/.test(m[1] as string)) return true;
  return false;
}

export const jupyterNotebookDetector: Detector = {
  kind: 'jupyter-notebook',
  syntaxes: ['json'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return file.path.toLowerCase().endsWith('.ipynb') && (PYTHON_TRAINING_WORDS.test(file.text) || YOLO_TRAINING_WORDS.test(file.text) || /!\s*yolo\s/.test(file.text) || /!\s*litgpt\s/.test(file.text));
  },

  matches(file: ScanFile, parsed: ParsedFile): boolean {
    if (parsed.root === null) return file.text.includes('"nbformat"') && file.text.includes('"cells"');
    if (!isNotebook(parsed.root)) return false;
    const program = notebookOf(file, parsed.root).program;
    const training = isTrainingProgram(program) || yoloTrainCalls(program).length > 0 || yoloShellLines(program.text) || new RegExp(NOTEBOOK_LITGPT_LINE).test(program.text);
    if (!training) notebooks.delete(file);
    return training;
  },

  detect(file: ScanFile, parsed: ParsedFile): Detection {
    const notebook = notebookOf(file, parsed.root as ObjectNode);
    notebooks.delete(file);
    const mapper = mapperOf(file, notebook.segments);
    // An Ultralytics notebook trains through YOLO(...).train(...) (./ultralytics-script.ts).
    const at = (start: number, end: number) => mapper.range(start, end);
    const yolo = detectYoloTraining(file.path, notebook.program, at) ?? detectYoloShellLine(file.path, notebook.program.text, at);
    // A `!litgpt finetune_lora …` line launches litgpt's own training (./shell-script.ts reads the command line).
    return yolo ?? detectNotebookLitgptLine(file.path, notebook.program.text, at) ?? readTrainingProgram(notebook.program, file.path, mapper);
  },
};
