/**
 * Hugging Face Trainer arguments nested in a Hydra config: `trainer.args` holds TrainingArguments and
 * `model.model_args` the `from_pretrained` arguments (locuslab/open-unlearning configs/train.yaml composed with
 * configs/trainer/finetune.yaml, configs/model/<name>.yaml and an `experiment=` file: its src/trainer/__init__.py
 * builds `TrainingArguments(**trainer_cfg.args)`, and src/model/__init__.py `AutoModelForCausalLM.from_pretrained(
 * **model_cfg.model_args)`). Read after Hydra composition (../hydra-compose.ts), so each value names the group file
 * or launch line it comes from. Recognised by a `trainer.args` mapping with two TrainingArguments keys.
 * `trainer.args.warmup_epochs` is open-unlearning's own key (src/trainer/__init__.py `load_trainer_args` turns it into
 * warmup_steps): a warmup in epochs.
 */
import type { ObjectNode, ParseWarning } from '../../parse/node';
import { ContributionBuilder } from '../contribution';
import type { Detection, Detector, Link, ParsedFile } from '../detector';
import { readLoadDtype } from '../dtype-fields';
import { FieldReader } from '../fields';
import { readTrainerArguments } from '../trainer-args';
import { TRAINER_ARGUMENT_MARKERS } from './hf-training-args';
import type { ScanFile } from '../types';

const NESTED_MARKER = new RegExp(`^\\s+(${TRAINER_ARGUMENT_MARKERS.join('|')})\\s*:`, 'm');

function trainerArgs(root: ObjectNode): ObjectNode | null {
  const trainer = root.index.get('trainer')?.node;
  if (trainer?.kind !== 'object') return null;
  const args = trainer.index.get('args')?.node;
  if (args?.kind !== 'object') return null;
  let count = 0;
  for (const key of TRAINER_ARGUMENT_MARKERS) if (args.index.has(key)) count++;
  return count >= 2 ? args : null;
}

/** The kind of this detector's findings: TrainingArguments under `trainer.args` of a Hydra config (fixes/paste.ts pasteFormatOf). */
export const HYDRA_TRAINER_ARGS_KIND = 'hydra-trainer-args';

/** Where the TrainingArguments sit in the composed config. */
export const HYDRA_TRAINER_ARGS_PATH: readonly string[] = ['trainer', 'args'];

export const hydraTrainerArgsDetector: Detector = {
  kind: HYDRA_TRAINER_ARGS_KIND,
  syntaxes: ['yaml'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return /^trainer\s*:/m.test(file.text) && /^\s+args\s*:/m.test(file.text) && NESTED_MARKER.test(file.text);
  },

  matches(_file: ScanFile, parsed: ParsedFile): boolean {
    return parsed.root?.kind === 'object' && trainerArgs(parsed.root) !== null;
  },

  detect(_file: ScanFile, parsed: ParsedFile): Detection {
    const reader = new FieldReader(parsed.root as ObjectNode);
    const out = new ContributionBuilder(_file.path);
    const warnings: ParseWarning[] = [];
    const links: Link[] = [];
    const args = reader.nested('trainer')?.nested('args');
    if (args !== undefined) {
      readTrainerArguments(args, out, warnings, links);
      // open-unlearning's own key: load_trainer_args pops `warmup_epochs` and sets warmup_steps from it (epochs × the
      // dataset's length ÷ the global batch), so the warmup is in epochs.
      const epochs = args.number('warmup_epochs', { min: 0, nullable: true });
      if (epochs?.value != null && epochs.value > 0 && !args.has('warmup_steps')) {
        out.unset('warmupSteps');
        out.dropDefault('warmupSteps');
        out.set('warmupEpochs', epochs.value, epochs.range);
      }
    }
    const modelArgs = reader.nested('model')?.nested('model_args');
    const name = modelArgs?.string('pretrained_model_name_or_path', true);
    if (typeof name?.value === 'string' && name.value.trim() !== '') links.push({ kind: 'model', key: name.name, value: name.value.trim(), range: name.range });
    const dtype = modelArgs === undefined ? undefined : readLoadDtype(modelArgs, warnings);
    if (dtype !== undefined) out.set('loadDtype', dtype.value as never, dtype.range);
    const fields = [...reader.fields].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
    return { fields, error: reader.error, warnings, role: 'training', contribution: out.build(), links };
  },
};
