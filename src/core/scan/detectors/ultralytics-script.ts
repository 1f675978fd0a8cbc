/**
 * Python programs (.py) and notebooks that train an Ultralytics YOLO model through its Python API:
 * `model = YOLO("yolov8n.pt")` (or `.yaml`) then `model.train(data=..., epochs=..., imgsz=..., batch=..., ...)`, or the
 * chained `YOLO("yolov8n.pt").train(...)`. The keyword arguments are the CLI's `key=value` arguments
 * (ultralytics/engine/model.py Model.train passes them as overrides of default.yaml), read by ../ultralytics.ts. The
 * first training call describes the job; a further one is a warning. Read statically (../python/program.ts).
 */
import type { ParseWarning } from '../../parse/node';
import { ContributionBuilder } from '../contribution';
import type { Detection, Detector, Link, ParsedFile } from '../detector';
import { PythonProgram, type PyCall, type PyValue } from '../python/program';
import { forgetProgram, programOf, programRange } from '../python/program-of';
import type { FieldFinding, ScanFile, SourceRange } from '../types';
import { readLaunch } from '../shell/launch';
import { readShell } from '../shell/words';
import { readUltralyticsTrain, yoloArgsOfWords, type UltralyticsArg } from '../ultralytics';

export const ULTRALYTICS_SCRIPT_KIND = 'ultralytics-script';

/** The class names the ultralytics package exports for YOLO models (`from ultralytics import YOLO`). */
const YOLO_CLASSES = new Set(['YOLO', 'ultralytics.YOLO', 'ultralytics.models.YOLO']);

/** A YOLO training call and the YOLO(...) construction it is made on. */
export interface YoloTrainCall {
  readonly train: PyCall;
  readonly construct: PyCall;
}

/** The `.train(...)` calls made on a YOLO(...) object, in order. */
export function yoloTrainCalls(program: PythonProgram): YoloTrainCall[] {
  const constructs = program.calls.filter((c) => YOLO_CLASSES.has(c.callee) || YOLO_CLASSES.has(c.written));
  if (constructs.length === 0) return [];
  const out: YoloTrainCall[] = [];
  for (const call of program.calls) {
    const m = /^(.*)\.train$/.exec(call.written);
    if (m === null) continue;
    // `model.train(...)` on the last `model = YOLO(...)` before it
    const construct = [...constructs].reverse().find((c) => c.target === m[1] && c.end <= call.start);
    if (construct !== undefined) out.push({ train: call, construct });
  }
  // `YOLO("x").train(...)`
  for (const construct of constructs) {
    const train = program.chainedCall(construct, 'train');
    if (train !== undefined) out.push({ train, construct });
  }
  return out.sort((a, b) => a.train.start - b.train.start);
}

/** A Python value as a training argument (a list of device indices joins with commas, as the CLI writes it). */
function argOf(key: string, v: PyValue, range: SourceRange): UltralyticsArg {
  switch (v.kind) {
    case 'number': return { key, value: v.value, range };
    case 'string': return { key, value: v.value, range };
    case 'bool': return { key, value: v.value, range };
    case 'none': return { key, value: null, range };
    case 'list':
      if (v.items.every((i) => i.kind === 'number' || i.kind === 'string')) return { key, value: v.items.map((i) => String((i as { value: number | string }).value)).join(','), range };
      return { key, value: null, range, unknown: 'a list the reader does not read' };
    default: return { key, value: null, range, unknown: 'not a literal the reader resolves' };
  }
}

/** What one training call's reading collects: the contribution, fields, links, and notes that are also warnings at their position. */
function findingsOf(path: string) {
  const out = new ContributionBuilder(path);
  const fields: FieldFinding[] = [];
  const links: Link[] = [];
  const warnings: ParseWarning[] = [];
  const note = (message: string, at: SourceRange) => {
    warnings.push({ message, line: at.line, column: at.column });
    out.notes.push(`${path}:${at.line}:${at.column}: ${message}`);
  };
  return { out, fields, links, warnings, note };
}

/** Reads the first YOLO training call of a program (`range` maps program offsets to the file's positions). */
export function detectYoloTraining(path: string, program: PythonProgram, range: (start: number, end: number) => SourceRange): Detection | null {
  const calls = yoloTrainCalls(program);
  const first = calls[0];
  if (first === undefined) return null;
  const { out, fields, links, warnings, note } = findingsOf(path);
  for (const extra of calls.slice(1)) {
    const at = range(extra.train.start, extra.train.end);
    warnings.push({ message: 'a further YOLO training call is not read: the first one describes the job', line: at.line, column: at.column });
  }
  const { train, construct } = first;
  if (train.spread) note('the call passes **kwargs: arguments it holds are not read', range(train.start, train.end));
  const args: UltralyticsArg[] = [];
  for (const a of train.args) {
    const at = range(a.start, a.end);
    if (a.name === null) note('a positional argument of train() is not read', at);
    else args.push(argOf(a.name, a.value, at));
  }
  const modelValue = construct.args.find((a) => a.name === null || a.name === 'model');
  const modelArg = modelValue === undefined ? undefined : argOf('model', modelValue.value, range(modelValue.start, modelValue.end));
  const callRange = range(train.calleeStart, train.end);
  const { ownModel, pending } = readUltralyticsTrain(args, callRange, out, fields, links, note, modelArg);
  fields.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  return {
    fields, error: null, warnings, role: 'training', contribution: out.build(), links,
    ultralytics: pending, ...(ownModel !== null ? { ownModel } : {}),
  };
}


/** The cheap text test: a YOLO construction and a `.train(` call. */
export const YOLO_TRAINING_WORDS = /\bYOLO\s*\(/;

export const ultralyticsScriptDetector: Detector = {
  kind: ULTRALYTICS_SCRIPT_KIND,
  syntaxes: ['text'],
  acceptsJsonc: false,
  mayMatch: (file) => file.path.toLowerCase().endsWith('.py') && YOLO_TRAINING_WORDS.test(file.text) && /\.train\s*\(/.test(file.text),
  matches(file: ScanFile, _parsed: ParsedFile): boolean {
    const found = yoloTrainCalls(programOf(file)).length > 0;
    if (!found) forgetProgram(file);
    return found;
  },
  detect(file: ScanFile, _parsed: ParsedFile): Detection {
    const program = programOf(file);
    forgetProgram(file);
    return detectYoloTraining(file.path, program, programRange(file)) as Detection;
  },
};

/** A notebook's shell escape running the yolo CLI (`!yolo task=detect mode=train …`), as a line of the joined cells. */
export const NOTEBOOK_YOLO_LINE = /^[ \t]*!\s*(yolo[ \t][^\n]*)$/gm;

/**
 * The first `!yolo … train …` line of a notebook's joined code cells, read as the CLI's arguments (`range` maps offsets
 * of the joined program to the file); null when no such line trains.
 */
export function detectYoloShellLine(path: string, program: string, range: (start: number, end: number) => SourceRange): Detection | null {
  for (const m of program.matchAll(NOTEBOOK_YOLO_LINE)) {
    const command = m[1] as string;
    const base = (m.index ?? 0) + m[0].indexOf(command);
    const first = readShell(command).commands[0];
    const launch = first === undefined ? null : readLaunch(first);
    if (launch === null || launch.launcher !== 'yolo') continue;
    const { out, fields, links, warnings, note } = findingsOf(path);
    const args = yoloArgsOfWords(launch.args, (w) => range(base + w.start, base + w.end));
    const { ownModel, pending } = readUltralyticsTrain(args, range(base, base + command.length), out, fields, links, note, undefined, 'cli');
    return { fields, error: null, warnings, role: 'training', contribution: out.build(), links, ultralytics: pending, ...(ownModel !== null ? { ownModel } : {}) };
  }
  return null;
}
