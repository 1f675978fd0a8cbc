/**
 * NVIDIA NeMo 1.x experiment configs (the YAML a NeMo example's `@hydra_runner(config_path=..., config_name=...)`
 * reads, e.g. examples/nlp/text_classification/conf/text_classification_config.yaml): a `trainer:` section of
 * PyTorch Lightning Trainer arguments and a `model:` section whose `optim:` names the optimizer NeMo builds.
 *
 * What is read (NVIDIA/NeMo nemo/core/classes/modelPT.py `setup_optimization`, nemo/core/optim/optimizers.py
 * AVAILABLE_OPTIMIZERS, nemo/core/optim/lr_scheduler.py):
 * - `model.optim.name`: NeMo's optimizer name, a torch or NeMo class (NEMO_OPTIMIZERS); `lr`, `weight_decay`, `betas`
 *   (and the other arguments) go to its constructor;
 * - `model.optim.sched`: the scheduler's `name`, `warmup_steps` or `warmup_ratio` (of the total steps; both set is a
 *   warning, as NeMo's WarmupPolicy refuses it, nemo/core/optim/lr_scheduler.py);
 * - `trainer`: devices, nodes, precision, gradient accumulation (as Lightning reads them, ../lightning-trainer.ts);
 * - `model.train_ds.batch_size` (the micro-batch per device), `model.dataset.max_seq_length` or
 *   `model.language_model.max_seq_length` (the sequence length), `model.language_model.pretrained_model_name` (the
 *   Hugging Face model NeMo's NLP models load);
 * - a Megatron model section (`micro_batch_size`, `global_batch_size`, `encoder_seq_length`, the parallel sizes, a
 *   Megatron GPT's own network): ../nemo-megatron.ts.
 */
import type { ObjectNode, ParseWarning } from '../../parse/node';
import type { Citation } from '../../types';
import { ContributionBuilder } from '../contribution';
import type { Detection, Detector, Link, ParsedFile } from '../detector';
import { FieldReader } from '../fields';
import { readLightningTrainer } from '../lightning-trainer';
import { isMegatronModel, readMegatronModel } from '../nemo-megatron';
import { keepOptimizerParams, readOptimizerArguments } from '../optimizer-arguments';
import type { ScanFile } from '../types';

export const NEMO_OPTIMIZERS_SOURCE: Citation = {
  title: 'NVIDIA NeMo nemo/core/optim/optimizers.py',
  url: 'https://github.com/NVIDIA/NeMo/blob/8cfedd7203462cb251a914e700e5605444277561/nemo/core/optim/optimizers.py',
  locator: "AVAILABLE_OPTIMIZERS: 'sgd': optim.SGD, 'adam': optim.Adam, 'adamw': optim.AdamW, …, 'novograd': Novograd, 'adafactor': Adafactor; with apex 'lamb': FusedLAMB, 'fused_adam': FusedAdam",
};

/** NeMo's optimizer names and the class each builds (NEMO_OPTIMIZERS_SOURCE), as the catalog spells them. */
export const NEMO_OPTIMIZERS: Readonly<Record<string, string>> = {
  sgd: 'torch.optim.SGD',
  adam: 'torch.optim.Adam',
  adamw: 'torch.optim.AdamW',
  adadelta: 'torch.optim.Adadelta',
  adamax: 'torch.optim.Adamax',
  adagrad: 'torch.optim.Adagrad',
  rmsprop: 'torch.optim.RMSprop',
  rprop: 'torch.optim.Rprop',
  novograd: 'novograd',
  adafactor: 'adafactor',
  lamb: 'apex.optimizers.FusedLAMB',
  fused_adam: 'apex.optimizers.FusedAdam',
  distributed_fused_adam: 'apex.optimizers.FusedAdam',
  megatron_fused_adam: 'apex.optimizers.FusedAdam',
};

/** The NeMo optimizer name that builds a class (`torch.optim.AdamW` -> `adamw`), the first in NEMO_OPTIMIZERS; undefined when none does. */
export function nemoOptimizerName(spelling: string): string | undefined {
  return Object.keys(NEMO_OPTIMIZERS).find((name) => NEMO_OPTIMIZERS[name] === spelling);
}

/** The finding kind of NeMo experiment configs (the change to paste writes their `model.optim` block). */
export const NEMO_CONFIG_KIND = 'nemo-config';

function isObject(node: { kind: string } | undefined): node is ObjectNode {
  return node?.kind === 'object';
}

export const nemoConfigDetector: Detector = {
  kind: NEMO_CONFIG_KIND,
  syntaxes: ['yaml'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return /^trainer\s*:/m.test(file.text) && /^model\s*:/m.test(file.text) && /^\s+optim\s*:/m.test(file.text);
  },

  matches(_file: ScanFile, parsed: ParsedFile): boolean {
    const root = parsed.root;
    if (root === null || root.kind !== 'object') return false;
    const trainer = root.index.get('trainer')?.node;
    const model = root.index.get('model')?.node;
    if (!isObject(trainer) || trainer.index.has('_target_') || !isObject(model)) return false;
    const optim = model.index.get('optim')?.node;
    return isObject(optim) && optim.index.get('name')?.node.kind === 'string';
  },

  detect(file: ScanFile, parsed: ParsedFile): Detection {
    const reader = new FieldReader(parsed.root as ObjectNode);
    const out = new ContributionBuilder(file.path);
    const warnings: ParseWarning[] = [];
    const links: Link[] = [];
    const trainer = reader.nested('trainer');
    if (trainer !== undefined) readLightningTrainer(trainer, out, warnings, links);
    const model = reader.nested('model');
    let ownModel: Detection['ownModel'];
    if (model !== undefined && isMegatronModel(model)) {
      const name = reader.string('name', true);
      ownModel = readMegatronModel(typeof name?.value === 'string' ? name.value : null, model, out, warnings) ?? undefined;
    }
    if (model !== undefined) {
      const optim = model.nested('optim');
      if (optim !== undefined) readOptim(optim, out, warnings);
      const batch = model.nested('train_ds')?.number('batch_size', { integer: true, min: 1 });
      if (batch?.value != null) out.set('perDeviceBatchSize', batch.value, batch.range);
      const lm = model.nested('language_model');
      const seq = model.nested('dataset')?.number('max_seq_length', { integer: true, min: 1, nullable: true }) ?? lm?.number('max_seq_length', { integer: true, min: 1, nullable: true });
      if (seq?.value != null) out.set('seqLen', seq.value, seq.range);
      const name = lm?.string('pretrained_model_name', true);
      if (typeof name?.value === 'string' && name.value.trim() !== '') {
        links.push({ kind: 'model', key: name.name, value: name.value.trim(), range: name.range });
        out.set('pretraining', false, name.range);
      }
    }
    const fields = [...reader.fields].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
    return { fields, error: reader.error, warnings, role: 'training', contribution: out.build(), links, ...(ownModel !== undefined ? { ownModel } : {}) };
  },
};

/** `model.optim`: the optimizer NeMo builds by name, its arguments, and the scheduler's warmup. */
function readOptim(optim: FieldReader, out: ContributionBuilder, warnings: ParseWarning[]): void {
  const name = optim.string('name');
  if (name?.value == null) return;
  const spelling = NEMO_OPTIMIZERS[name.value.toLowerCase()];
  if (spelling === undefined) {
    warnings.push({ message: `model.optim.name '${name.value}' is not one of NeMo's optimizers (${Object.keys(NEMO_OPTIMIZERS).join(', ')}); the optimizer is not read`, line: name.range.line, column: name.range.column });
  } else out.set('optimizer', spelling, name.range);
  keepOptimizerParams(out, readOptimizerArguments(optim, out, { skip: (key) => key === 'name' || key === 'sched', lrKeys: ['lr'] }));
  const sched = optim.nested('sched');
  if (sched === undefined) return;
  const schedName = sched.string('name');
  if (schedName?.value != null) out.set('scheduler', schedName.value, schedName.range);
  const steps = sched.number('warmup_steps', { integer: true, min: 0, nullable: true });
  const ratio = sched.number('warmup_ratio', { min: 0, max: 1, nullable: true });
  if (steps?.value != null && ratio?.value != null) {
    // NeMo's WarmupPolicy asserts "Either use particular number of step or ratio" (nemo/core/optim/lr_scheduler.py).
    warnings.push({ message: "model.optim.sched sets both warmup_steps and warmup_ratio, which NeMo's schedulers refuse ('Either use particular number of step or ratio'); the warmup is not read", line: ratio.range.line, column: ratio.range.column });
  } else if (steps?.value != null) out.set('warmupSteps', steps.value, steps.range);
  else if (ratio?.value != null) out.set('warmupRatio', ratio.value, ratio.range);
}
