/**
 * A paste-ready switch to an optimizer in each format a job can be written in (HF TrainingArguments, axolotl keys,
 * a torchtune `optimizer: _component_` block, a DeepSpeed `optimizer` block, a PyTorch line), the job's own format
 * first (README "Recommend: the change to paste"). Each names the package that provides the optimizer in that
 * format and, where a source records it, the first version that has it. The quick fix (index.ts optimizerFix)
 * writes the same spelling and hyperparameters into the file.
 */
import type { HyperparameterAdvice } from '../advisor/types';
import { getOptimizer } from '../optimizers';
import type { OptimizerId } from '../optimizers/types';
import type { ScanJob } from '../scan/results';
import { extensionOf } from '../scan/paths';
import { targetArguments } from './params';
import { snippetsFor, THIRD_PARTY_MODULES } from './snippets';
import { chooseSpelling, type ChosenSpelling } from './spelling';
import { formatNumber, formatValue, type WritableValue } from './values';

export const PASTE_FORMATS = ['hf-trainer', 'axolotl', 'torchtune', 'deepspeed', 'pytorch'] as const;
export type PasteFormat = (typeof PASTE_FORMATS)[number];

export interface PasteChange {
  readonly format: PasteFormat;
  readonly language: 'python' | 'yaml' | 'json';
  readonly code: string;
  /** The package that provides the optimizer in this format (pip name). */
  readonly package: string;
  /** The first version of the (first) package with it, where a source records it; null otherwise. */
  readonly minVersion: string | null;
  /** Where the package (and version) come from. */
  readonly source: string;
}

/**
 * First transformers version with an `optim` string, where recorded: GaLore's strings came with
 * huggingface/transformers#29588 (merged 2024-03-19, released in v4.39.0).
 */
const HF_OPTIM_SINCE: readonly { readonly prefix: string; readonly version: string; readonly source: string }[] = [
  { prefix: 'galore_', version: '4.39.0', source: 'https://github.com/huggingface/transformers/pull/29588' },
];

/** Extra pip packages an HF optim string needs besides transformers (the Trainer imports them). */
function hfExtraPackage(name: string): string | null {
  if (name.startsWith('galore_')) return 'galore-torch';
  if (name.startsWith('schedule_free')) return 'schedulefree';
  if (name.includes('bnb') || name.includes('8bit') || name.startsWith('paged_') || name.startsWith('lion_')) return 'bitsandbytes';
  return null;
}

/** The format a job is written in, from the ecosystem its optimizer is read in and the file's syntax. */
export function pasteFormatOf(job: ScanJob): PasteFormat {
  const path = job.sources['optimizer']?.path ?? job.id;
  const ext = extensionOf(path.toLowerCase());
  switch (job.optimizerEcosystem) {
    case 'deepspeed':
      return 'deepspeed';
    case 'torchtune':
      return 'torchtune';
    case 'hf':
      return ext === '.yaml' || ext === '.yml' ? 'axolotl' : 'hf-trainer';
    default:
      return ext === '.json' ? 'hf-trainer' : ext === '.yaml' || ext === '.yml' ? 'torchtune' : 'pytorch';
  }
}

function hfChange(target: OptimizerId): Omit<PasteChange, 'format' | 'language' | 'code'> {
  const chosen = chooseSpelling(target, 'hf', () => ({}), { resolveIn: 'hf' });
  const extra = chosen ? hfExtraPackage(chosen.name) : null;
  const since = chosen ? HF_OPTIM_SINCE.find((s) => chosen.name.startsWith(s.prefix)) : undefined;
  return {
    package: extra ? `transformers, ${extra}` : 'transformers',
    minVersion: since?.version ?? null,
    source: since?.source ?? 'transformers TrainingArguments.optim (training_args.py OptimizerNames)',
  };
}

/** The package a PyTorch line imports from: torch, bitsandbytes, or the catalog's third-party module. */
function pythonPackage(code: string): { package: string; source: string } {
  if (code.includes('import bitsandbytes')) return { package: 'bitsandbytes', source: 'bitsandbytes.optim' };
  const pip = /^# pip install (\S+)\s+\((\S+)\)/m.exec(code);
  if (pip?.[1] !== undefined && pip[2] !== undefined) return { package: pip[1], source: pip[2] };
  const third = Object.values(THIRD_PARTY_MODULES).find((m) => code.includes(`from ${m.module} import`));
  if (third) return { package: third.pip, source: third.source.url ?? third.source.title };
  return { package: 'torch', source: 'torch.optim' };
}

function yamlLines(values: Readonly<Record<string, WritableValue>>, indent: string): string[] {
  return Object.entries(values).map(([k, v]) => `${indent}${k}: ${formatValue(v, 'yaml')}`);
}

function warmupKeys(advice: HyperparameterAdvice): Record<string, WritableValue> {
  if (advice.warmup?.unit === 'ratio') return { warmup_ratio: advice.warmup.value };
  if (advice.warmup?.unit === 'steps') return { warmup_steps: advice.warmup.value };
  return {};
}

function schedulerKey(advice: HyperparameterAdvice): Record<string, WritableValue> {
  const k = advice.schedule.kind;
  if (k === 'cosine' || k === 'linear') return { lr_scheduler: k };
  if (k === 'constant') return { lr_scheduler: advice.warmup ? 'constant_with_warmup' : 'constant' };
  return {};
}

/** axolotl keys: `optimizer` takes the HF optim strings, with the Trainer's hyperparameter names. */
function axolotlChange(target: OptimizerId, advice: HyperparameterAdvice): PasteChange | null {
  const chosen = chooseSpelling(target, 'hf', () => ({}), { resolveIn: 'hf' });
  if (chosen === null) return null;
  const values: Record<string, WritableValue> = { optimizer: chosen.name };
  if (advice.lr !== null) values.learning_rate = advice.lr;
  values.weight_decay = advice.weightDecay;
  if (advice.betas !== null && advice.betas.length >= 2 && 'betas' in getOptimizer(target).defaults) {
    values.adam_beta1 = advice.betas[0]!;
    values.adam_beta2 = advice.betas[1]!;
  }
  const optimArgs = galoreArgs(advice);
  if (optimArgs !== null) {
    values.optim_args = optimArgs;
    values.optim_target_modules = 'all-linear';
  }
  Object.assign(values, schedulerKey(advice), warmupKeys(advice));
  const hf = hfChange(target);
  return { format: 'axolotl', language: 'yaml', code: yamlLines(values, '').join('\n'), package: `axolotl, ${hf.package}`, minVersion: null, source: hf.source };
}

/** GaLore's optim_args string (rank, update_proj_gap, scale), null for other optimizers. */
function galoreArgs(advice: HyperparameterAdvice): string | null {
  const { rank, update_proj_gap: gap, scale } = advice.extra;
  if (typeof rank !== 'number' || typeof gap !== 'number' || typeof scale !== 'number') return null;
  return `rank=${rank},update_proj_gap=${gap},scale=${formatNumber(scale)}`;
}

/** GaLore's settings go to TrainingArguments' optim_args and optim_target_modules, after the optim string. */
function withGaloreArgs(code: string, advice: HyperparameterAdvice): string {
  const args = galoreArgs(advice);
  if (args === null) return code;
  return code.replace(/^(\s*)optim=(.*),$/m, (_m, indent: string, optim: string) => `${indent}optim=${optim},\n${indent}optim_target_modules="all-linear",\n${indent}optim_args="${args}",`);
}

/** torchtune: an `optimizer:` block whose `_component_` is an import path, its arguments beside it. */
function torchtuneChange(target: OptimizerId, advice: HyperparameterAdvice): PasteChange | null {
  const params = (c: ChosenSpelling) => targetArguments(target, advice, c, new Set(['lr', 'weight_decay']));
  const modules = { pytorch: 'torch.optim', bitsandbytes: 'bitsandbytes.optim' } as const;
  let chosen = chooseSpelling(target, 'torchtune', params, { resolveIn: 'torchtune' });
  let path = chosen?.name ?? null;
  let pkg = 'torchtune';
  for (const eco of ['pytorch', 'bitsandbytes'] as const) {
    if (chosen !== null) break;
    chosen = chooseSpelling(target, eco, params, { write: (n) => `${modules[eco]}.${n}`, resolveIn: 'torchtune' });
    if (chosen !== null) {
      path = `${modules[eco]}.${chosen.name}`;
      pkg = eco === 'pytorch' ? 'torchtune (torch)' : 'torchtune + bitsandbytes';
    }
  }
  if (chosen === null || path === null) return null;
  const code = ['optimizer:', `  _component_: ${path}`, ...yamlLines(params(chosen), '  ')].join('\n');
  return { format: 'torchtune', language: 'yaml', code, package: pkg, minVersion: null, source: 'torchtune recipe config: optimizer._component_ is instantiated with the keys beside it' };
}

/**
 * The change in every format that can express `target`, the job's format (when given) first. Formats that cannot
 * express it are left out.
 */
export function pasteChanges(target: OptimizerId, advice: HyperparameterAdvice, first: PasteFormat | null = null): readonly PasteChange[] {
  const snippets = snippetsFor(target, advice);
  const code = (kind: string): string | null => {
    const s = snippets.find((x) => x.kind === kind);
    return s && 'code' in s ? s.code : null;
  };
  const out: PasteChange[] = [];
  const hfCode = code('hf-trainer');
  if (hfCode !== null) out.push({ format: 'hf-trainer', language: 'python', code: withGaloreArgs(hfCode, advice), ...hfChange(target) });
  const axolotl = axolotlChange(target, advice);
  if (axolotl) out.push(axolotl);
  const torchtune = torchtuneChange(target, advice);
  if (torchtune) out.push(torchtune);
  const ds = code('deepspeed');
  if (ds !== null) out.push({ format: 'deepspeed', language: 'json', code: ds, package: 'deepspeed', minVersion: null, source: 'DeepSpeed config "optimizer" block (runtime/engine.py; other names fall back to torch.optim)' });
  const py = code('pytorch');
  if (py !== null) out.push({ format: 'pytorch', language: 'python', code: py, minVersion: null, ...pythonPackage(py) });
  return first === null ? out : [...out.filter((c) => c.format === first), ...out.filter((c) => c.format !== first)];
}
