/**
 * Hugging Face Trainer arguments written as YAML: TRL and alignment-handbook recipes (what
 * `TrlParser` / `H4ArgumentParser` read with `--config recipe.yaml`, or
 * `HfArgumentParser.parse_yaml_file`). Recognised like the JSON form, by two TrainingArguments keys;
 * axolotl configs (`base_model`) are recognised before this detector. Read by ../trainer-args.ts.
 *
 * These tools load YAML with PyYAML, which implements YAML 1.1: a float needs a `.` and a signed
 * exponent, so `2e-5` is the string "2e-5" there (the Trainer then fails on it), while YAML 1.2
 * (this scanner) reads a number. Such numbers are read and reported in a warning.
 */
import type { ObjectNode, ParseWarning, ParsedNode } from '../../parse/node';
import { ContributionBuilder } from '../contribution';
import type { Detection, Detector, Link, ParsedFile } from '../detector';
import { FieldReader } from '../fields';
import { readTrainerArguments } from '../trainer-args';
import type { ScanFile } from '../types';
import { TRAINER_ARGUMENT_MARKERS } from './hf-training-args';

const MARKER_LINE = new RegExp(`^(${TRAINER_ARGUMENT_MARKERS.join('|')})\\s*:`, 'gm');

/** PyYAML's float pattern (YAML 1.1 resolver, without .inf/.nan): a dot is required, an exponent is signed. */
const PYYAML_FLOAT = /^[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?$/;
const PYYAML_INT = /^[-+]?(0|[1-9][0-9_]*)$/;

/** Numbers YAML 1.2 reads that PyYAML reads as strings, in document order. */
function pyyamlStrings(root: ParsedNode): { raw: string; node: ParsedNode }[] {
  const out: { raw: string; node: ParsedNode }[] = [];
  const stack: ParsedNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as ParsedNode;
    if (node.kind === 'number' && !PYYAML_FLOAT.test(node.raw) && !PYYAML_INT.test(node.raw)) out.push({ raw: node.raw, node });
    else if (node.kind === 'object') for (let i = node.members.length - 1; i >= 0; i--) stack.push(node.members[i].node);
    else if (node.kind === 'array') for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
  }
  return out;
}

/** The kind of this detector's findings: TrainingArguments keys at a YAML file's top level (fixes/paste.ts pasteFormatOf). */
export const HF_TRAINING_ARGS_YAML_KIND = 'hf-training-args-yaml';

export const hfTrainingArgsYamlDetector: Detector = {
  kind: HF_TRAINING_ARGS_YAML_KIND,
  syntaxes: ['yaml'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    const found = new Set<string>();
    for (const m of file.text.matchAll(MARKER_LINE)) {
      found.add(m[1]);
      if (found.size >= 2) return true;
    }
    return false;
  },

  matches(_file: ScanFile, parsed: ParsedFile): boolean {
    const root = parsed.root;
    if (root === null) return true; // mayMatch saw two TrainingArguments keys at the start of lines
    if (root.kind !== 'object' || root.index.has('base_model')) return false;
    let count = 0;
    for (const key of TRAINER_ARGUMENT_MARKERS) if (root.index.has(key)) count++;
    return count >= 2;
  },

  detect(file: ScanFile, parsed: ParsedFile): Detection {
    const root = parsed.root as ObjectNode;
    const reader = new FieldReader(root);
    const out = new ContributionBuilder(file.path);
    const warnings: ParseWarning[] = [];
    const links: Link[] = [];
    readTrainerArguments(reader, out, warnings, links);
    for (const { raw, node } of pyyamlStrings(root)) {
      warnings.push({
        message: `PyYAML (which TRL and HfArgumentParser use) reads ${raw} as the string "${raw}", not a number; write it with a dot and a signed exponent (e.g. 2.0e-05)`,
        line: node.range.line,
        column: node.range.column,
      });
    }
    const fields = [...reader.fields].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
    return { fields, error: reader.error, warnings, role: 'training', contribution: out.build(), links };
  },
};
