/**
 * Hugging Face Trainer arguments saved as JSON (what `HfArgumentParser.parse_json_file` reads):
 * `TrainingArguments` fields, plus the script-argument keys usually kept in the same file
 * (run_clm-style ModelArguments/DataTrainingArguments, TRL's ModelConfig and SFTConfig).
 * The fields are read by ../trainer-args.ts, shared with `TrainingArguments(...)` calls in Python.
 */
import type { ObjectNode, ParseWarning } from '../../parse/node';
import { ContributionBuilder } from '../contribution';
import type { Detection, Detector, Link, ParsedFile } from '../detector';
import { FieldReader } from '../fields';
import { PYTHON_JSON_BOM_WARNING } from '../hf-notes';
import { readTrainerArguments } from '../trainer-args';
import type { ScanFile } from '../types';

export { parseOptimArgs } from '../trainer-args';

/**
 * TrainingArguments fields that mark a file as Trainer arguments; two are needed. Left out on
 * purpose: keys that DeepSpeed configs also have at the top level (`gradient_accumulation_steps`,
 * `fp16`, `bf16`) and keys of trainer_state.json (`num_train_epochs`, `logging_steps`, `save_steps`).
 */
export const TRAINER_ARGUMENT_MARKERS = [
  'output_dir', 'per_device_train_batch_size', 'per_device_eval_batch_size', 'learning_rate', 'optim', 'optim_args',
  'lr_scheduler_type', 'warmup_ratio', 'warmup_steps', 'weight_decay', 'adam_beta1', 'adam_beta2', 'adam_epsilon',
  'max_grad_norm', 'gradient_checkpointing', 'eval_strategy', 'evaluation_strategy', 'save_strategy',
  'logging_strategy', 'do_train', 'report_to',
];
const MARKER_TEXT = new RegExp(`"(${TRAINER_ARGUMENT_MARKERS.join('|')})"\\s*:`, 'g');

export const hfTrainingArgsDetector: Detector = {
  kind: 'hf-training-args',
  syntaxes: ['json'],
  acceptsJsonc: false,

  matches(file: ScanFile, parsed: ParsedFile): boolean {
    const root = parsed.root;
    if (root === null) {
      const found = new Set<string>();
      for (const m of file.text.matchAll(MARKER_TEXT)) found.add(m[1]);
      return found.size >= 2;
    }
    if (root.kind !== 'object') return false;
    // None of the markers takes an object: `"learning_rate": {"min": 1e-4, "max": 1e-2, "scaling": "log"}` is a
    // hyperparameter search space (AlgoPerf's tuning_search_space.json), not Trainer arguments.
    let count = 0;
    for (const key of TRAINER_ARGUMENT_MARKERS) {
      const node = root.index.get(key)?.node;
      if (node !== undefined && node.kind !== 'object') count++;
    }
    return count >= 2;
  },

  detect(file: ScanFile, parsed: ParsedFile): Detection {
    const reader = new FieldReader(parsed.root as ObjectNode);
    const out = new ContributionBuilder(file.path);
    const warnings: ParseWarning[] = parsed.bom ? [PYTHON_JSON_BOM_WARNING] : [];
    const links: Link[] = [];
    readTrainerArguments(reader, out, warnings, links);
    const fields = [...reader.fields].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
    return { fields, error: reader.error, warnings, role: 'training', contribution: out.build(), links };
  },
};
