/**
 * OpenMMLab / MMEngine Python configs (mmpretrain, mmdetection, mmsegmentation `configs/**.py`): a module whose top
 * level assigns `_base_ = [...]`, the files `mmengine.Config.fromfile` merges under the config's own `dict(...)` values.
 * That composition is not read: the file is recognised so that a job it joins (a launch that passes it,
 * `tools/dist_train.sh configs/x.py 8`) says that its model, batch, optimizer and schedule come from a config the tool
 * does not read, instead of saying nothing about it. Auxiliary: it forms no job of its own.
 */
import type { Detection, Detector, ParsedFile } from '../detector';
import { LineIndex } from '../../parse/positions';
import { ContributionBuilder } from '../contribution';
import type { ScanFile } from '../types';

const BASE_ASSIGNMENT = /^_base_[ \t]*=/m;

export const mmengineConfigDetector: Detector = {
  kind: 'mmengine-config',
  syntaxes: ['text'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return file.path.toLowerCase().endsWith('.py') && BASE_ASSIGNMENT.test(file.text);
  },

  matches(file: ScanFile, _parsed: ParsedFile): boolean {
    return BASE_ASSIGNMENT.test(file.text);
  },

  detect(file: ScanFile, _parsed: ParsedFile): Detection {
    const m = BASE_ASSIGNMENT.exec(file.text) as RegExpExecArray;
    const at = new LineIndex(file.text).position(m.index);
    const range = { line: at.line, column: at.column, endLine: at.line, endColumn: at.column + '_base_'.length };
    const out = new ContributionBuilder(file.path);
    out.notes.push(`${file.path}:${at.line}:${at.column}: an MMEngine config (Config.fromfile merges the _base_ files it lists under its own values), which is not read: its model, batch, optimizer and schedule are not known`);
    return { fields: [{ name: '_base_', value: true, range }], error: null, warnings: [], role: 'auxiliary', contribution: out.build(), links: [] };
  },
};
