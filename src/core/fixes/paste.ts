/**
 * A paste-ready switch to an optimizer in each format a job can be written in (HF TrainingArguments as keyword
 * arguments or as the YAML TRL / alignment-handbook recipes and Hydra `trainer.args` write, axolotl keys,
 * a torchtune `optimizer: _component_` block, a LightningCLI `optimizer: class_path/init_args` block, a Hydra
 * `optimizer: _target_` block, a DeepSpeed `optimizer` block, a PyTorch line), the job's own format
 * first (README "Recommend: the change to paste"). Each names the package that provides the optimizer in that
 * format and, where a source records it, the first version that has it. The quick fix (index.ts optimizerFix)
 * writes the same spelling and hyperparameters into the file.
 */
import type { HyperparameterAdvice, StrategyPlan } from '../advisor/types';
import type { OptimizerId } from '../optimizers/types';
import type { ScanJob } from '../scan/results';
import { HF_TRAINING_ARGS_YAML_KIND } from '../scan/detectors/hf-training-args-yaml';
import { HYDRA_OPTIMIZER_KIND } from '../scan/detectors/hydra-optimizer';
import { HYDRA_TRAINER_ARGS_KIND, HYDRA_TRAINER_ARGS_PATH } from '../scan/detectors/hydra-trainer-args';
import { GPT_NEOX_CONFIG_KIND } from '../scan/detectors/gpt-neox-config';
import { LITGPT_CONFIG_KIND } from '../scan/detectors/litgpt-config';
import { LLM_FOUNDRY_CONFIG_KIND } from '../scan/detectors/llm-foundry-config';
import { ULTRALYTICS_SCRIPT_KIND } from '../scan/detectors/ultralytics-script';
import { NEMO_CONFIG_KIND, NEMO_OPTIMIZERS_SOURCE, nemoOptimizerName } from '../scan/detectors/nemo-config';
import { extensionOf } from '../scan/paths';
import type { UltralyticsSyntax } from '../scan/results';
import type { PasteFormat } from './paste-formats';
import { ULTRALYTICS_BUILD_OPTIMIZER, ultralyticsArguments, ultralyticsCode, ultralyticsCustomTrainer, ultralyticsFormatOf } from './paste-ultralytics';
import { axolotlKeys, hfSwitchValues } from './hf-values';
import { targetArguments } from './params';
import { hiddenWeightsComment, snippetsFor, THIRD_PARTY_MODULES } from './snippets';
import { chooseSpelling, type ChosenSpelling } from './spelling';
import { formatValue, type ArgumentValue, type WritableValue } from './values';

export { PASTE_FORMATS, type PasteFormat } from './paste-formats';

export interface PasteChange {
  readonly format: PasteFormat;
  readonly language: 'python' | 'yaml' | 'json' | 'shell';
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

/**
 * First torch version with a torch.optim class, where recorded: torch.optim.Muon's page first appears in the 2.9
 * documentation (https://docs.pytorch.org/docs/2.9/generated/torch.optim.Muon.html; pytorch/pytorch#160213, merged
 * 2025-08-24, after 2.8's release).
 */
const TORCH_CLASS_SINCE: Readonly<Record<string, { readonly version: string; readonly source: string }>> = {
  'torch.optim.Muon': { version: '2.9.0', source: 'https://docs.pytorch.org/docs/2.9/generated/torch.optim.Muon.html' },
};

/** The first torch version with the torch.optim class a text uses, where recorded. */
function torchSince(text: string): { version: string; source: string } | null {
  const found = Object.entries(TORCH_CLASS_SINCE).find(([path]) => new RegExp(`${path.replace(/\./g, '\\.')}\\b`).test(text));
  return found === undefined ? null : found[1];
}

/** Extra pip packages an HF optim string needs besides transformers (the Trainer imports them). */
function hfExtraPackage(name: string): string | null {
  if (name.startsWith('galore_')) return 'galore-torch';
  if (name.startsWith('schedule_free')) return 'schedulefree';
  if (name.includes('bnb') || name.includes('8bit') || name.startsWith('paged_') || name.startsWith('lion_')) return 'bitsandbytes';
  return null;
}

/**
 * How the job writes its optimizer, beyond the format: a Hydra `_target_` block with `_partial_: true`; the mapping
 * its TrainingArguments sit under in YAML (Hydra `trainer.args`; none: the file's top level).
 */
export interface PasteOptions {
  readonly hydraPartial?: boolean;
  readonly trainerArgsPath?: readonly string[];
  /** An Ultralytics job: its call's syntax and weight-decay factor, and the format its optimizer is written in (paste-ultralytics.ts). */
  readonly ultralytics?: UltralyticsSyntax & { readonly format: PasteFormat };
}

/** The paste options of a job (its Hydra optimizer block's `_partial_`, where its TrainingArguments YAML sits). */
export function pasteOptionsOf(job: ScanJob): PasteOptions {
  return {
    ...(job.optimizerPartial === true ? { hydraPartial: true } : {}),
    ...(job.optimizerFileKind === HYDRA_TRAINER_ARGS_KIND ? { trainerArgsPath: HYDRA_TRAINER_ARGS_PATH } : {}),
    ...(job.optimizerUltralytics !== undefined ? { ultralytics: { ...job.optimizerUltralytics, format: ultralyticsFormatOf(job.optimizerUltralytics, job.sources['optimizer']?.path) } } : {}),
  };
}

/** The detectors that read TrainingArguments from YAML (not axolotl's keys): their jobs get the TrainingArguments YAML. */
const TRAINING_ARGUMENTS_YAML_KINDS: ReadonlySet<string> = new Set([HF_TRAINING_ARGS_YAML_KIND, HYDRA_TRAINER_ARGS_KIND]);

/** The format a job is written in, from the ecosystem its optimizer is read in and the file's syntax. */
export function pasteFormatOf(job: ScanJob): PasteFormat {
  const path = job.sources['optimizer']?.path ?? job.id;
  // an Ultralytics call's optimizer is its own argument (`optimizer=`, a `.train` keyword, a cfg YAML key)
  if (job.optimizerUltralytics !== undefined) return ultralyticsFormatOf(job.optimizerUltralytics, job.sources['optimizer']?.path);
  const ext = extensionOf(path.toLowerCase());
  switch (job.optimizerEcosystem) {
    case 'deepspeed':
      // GPT-NeoX's optimizer block has DeepSpeed's shape but NeoX's own type names: no format writes them.
      return job.optimizerFileKind === GPT_NEOX_CONFIG_KIND ? 'pytorch' : 'deepspeed';
    case 'torchtune':
      return 'torchtune';
    case 'hf':
      if (job.optimizerFileKind !== undefined && TRAINING_ARGUMENTS_YAML_KINDS.has(job.optimizerFileKind)) return 'hf-trainer-yaml';
      return ext === '.yaml' || ext === '.yml' ? 'axolotl' : 'hf-trainer';
    default:
      // litgpt's `optimizer:` is LightningCLI's class_path / init_args (jsonargparse)
      if (job.optimizerFileKind === 'lightning-cli-config' || job.optimizerFileKind === LITGPT_CONFIG_KIND) return 'lightning-cli';
      // llm-foundry's `optimizer: {name: ...}` names its own registry: no format writes it, so not the torchtune keys
      if (job.optimizerFileKind === LLM_FOUNDRY_CONFIG_KIND) return 'pytorch';
      if (job.optimizerFileKind === HYDRA_OPTIMIZER_KIND) return 'hydra';
      if (job.optimizerFileKind === NEMO_CONFIG_KIND) return 'nemo';
      // a shell script's optimizer that is not an Ultralytics argument (handled above) has no format of its own
      if (job.optimizerFileKind === ULTRALYTICS_SCRIPT_KIND || job.optimizerFileKind === 'shell-script') return 'pytorch';
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

/** The package a PyTorch line imports from (torch, bitsandbytes, or the catalog's third-party module), with torch's first version where recorded. */
function pythonPackage(code: string): { package: string; minVersion: string | null; source: string } {
  if (code.includes('import bitsandbytes')) return { package: 'bitsandbytes', minVersion: null, source: 'bitsandbytes.optim' };
  const pip = /^# pip install (\S+)\s+\((\S+)\)/m.exec(code);
  if (pip?.[1] !== undefined && pip[2] !== undefined) return { package: pip[1], minVersion: null, source: pip[2] };
  const third = Object.values(THIRD_PARTY_MODULES).find((m) => code.includes(`from ${m.module} import`));
  if (third) return { package: third.pip, minVersion: null, source: third.source.url ?? third.source.title };
  const since = torchSince(code);
  return { package: 'torch', minVersion: since?.version ?? null, source: since?.source ?? 'torch.optim' };
}

function yamlLines(values: Readonly<Record<string, ArgumentValue>>, indent: string): string[] {
  return Object.entries(values).map(([k, v]) => `${indent}${k}: ${formatValue(v, 'yaml', { key: k })}`);
}

function warmupKeys(advice: HyperparameterAdvice): Record<string, ArgumentValue> {
  if (advice.warmup?.unit === 'ratio') return { warmup_ratio: advice.warmup.value };
  if (advice.warmup?.unit === 'steps') return { warmup_steps: advice.warmup.value };
  return {};
}

/**
 * The Trainer's scheduler for the advice. An optimizer that warms up itself (Schedule-Free's `warmup_steps`, which
 * the Trainer passes to it) gets the constant scheduler, so the warmup is not applied twice.
 */
function schedulerKey(advice: HyperparameterAdvice): Record<string, ArgumentValue> {
  const k = advice.schedule.kind;
  if (k === 'cosine' || k === 'linear') return { lr_scheduler: k };
  if (k === 'constant') return { lr_scheduler: advice.warmup && !('warmup_steps' in advice.extra) ? 'constant_with_warmup' : 'constant' };
  return {};
}

/**
 * axolotl keys: `optimizer` takes the HF optim strings, with the Trainer's hyperparameter names (the quick fix's
 * values) and the plan's settings when it keeps the optimizer (hf-values.ts hfPlanValues).
 */
function axolotlChange(target: OptimizerId, advice: HyperparameterAdvice, plan: StrategyPlan | null): PasteChange | null {
  const chosen = chooseSpelling(target, 'hf', () => ({}), { resolveIn: 'hf' });
  if (chosen === null) return null;
  const sw = hfSwitchValues(target, chosen.name, advice, () => false, plan);
  const renamed = axolotlKeys(sw.values);
  const values: Record<string, ArgumentValue> = { optimizer: sw.optim, ...renamed, ...schedulerKey(advice), ...warmupKeys(advice) };
  const hf = hfChange(target);
  return { format: 'axolotl', language: 'yaml', code: yamlLines(values, '').join('\n'), package: `axolotl, ${hf.package}`, minVersion: null, source: hf.source };
}

/** The TrainingArguments a switch sets: the optim string and the quick fix's values (with the plan's), the schedule and warmup. */
function trainingArguments(target: OptimizerId, advice: HyperparameterAdvice, plan: StrategyPlan | null): Record<string, ArgumentValue> | null {
  const chosen = chooseSpelling(target, 'hf', () => ({}), { resolveIn: 'hf' });
  if (chosen === null) return null;
  const sched = schedulerKey(advice);
  const sw = hfSwitchValues(target, chosen.name, advice, () => false, plan);
  return {
    optim: sw.optim,
    ...sw.values,
    ...(sched.lr_scheduler !== undefined ? { lr_scheduler_type: sched.lr_scheduler } : {}),
    ...warmupKeys(advice),
  };
}

/** HF TrainingArguments as keyword arguments. */
function hfTrainerChange(target: OptimizerId, advice: HyperparameterAdvice, plan: StrategyPlan | null): PasteChange | null {
  const values = trainingArguments(target, advice, plan);
  if (values === null) return null;
  const code = ['args = TrainingArguments(', '    ...,  # the job\'s other arguments', ...Object.entries(values).map(([k, v]) => `    ${k}=${formatValue(v, 'python', { key: k })},`), ')'].join('\n');
  return { format: 'hf-trainer', language: 'python', code, ...hfChange(target) };
}

/**
 * HF TrainingArguments as YAML keys: what TRL's `TrlParser` and alignment-handbook's `H4ArgumentParser` read from a
 * recipe (`--config recipe.yaml`) and what a Hydra config nests under `trainer.args` (`TrainingArguments(**args)`).
 * The same names and values as the keyword arguments; numbers are written as PyYAML reads them (a dot and a signed
 * exponent: `2.0e-5`, values.ts), since these tools load YAML 1.1. `path` nests the keys (Hydra `trainer.args`).
 */
function hfTrainerYamlChange(target: OptimizerId, advice: HyperparameterAdvice, plan: StrategyPlan | null, path: readonly string[]): PasteChange | null {
  const values = trainingArguments(target, advice, plan);
  if (values === null) return null;
  const head = path.map((key, i) => `${'  '.repeat(i)}${key}:`);
  const code = [...head, ...yamlLines(values, '  '.repeat(path.length))].join('\n');
  const hf = hfChange(target);
  return { format: 'hf-trainer-yaml', language: 'yaml', code, ...hf, source: `${hf.source}; TrainingArguments fields as YAML keys (TRL TrlParser / HfArgumentParser.parse_yaml_file)` };
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
  const code = [...hiddenWeightsComment(chosen, advice), 'optimizer:', `  _component_: ${path}`, ...yamlLines(params(chosen), '  ')].join('\n');
  const since = torchSince(path);
  return { format: 'torchtune', language: 'yaml', code, package: pkg, minVersion: since?.version ?? null, source: since !== null ? `torchtune recipe config: optimizer._component_ is instantiated with the keys beside it; ${since.source}` : 'torchtune recipe config: optimizer._component_ is instantiated with the keys beside it' };
}

/**
 * The importable class for `target` in a config that names a class path (LightningCLI `class_path`, Hydra `_target_`):
 * torch.optim, bitsandbytes.optim or the catalog's third-party package (snippets.ts THIRD_PARTY_MODULES), with the
 * arguments the class takes and the pip package. The quick fix (structured.ts) chooses the same way.
 */
function importableClass(target: OptimizerId, advice: HyperparameterAdvice): { path: string; args: Record<string, WritableValue>; pip: string; chosen: ChosenSpelling } | null {
  const params = (c: ChosenSpelling) => targetArguments(target, advice, c, new Set(['lr', 'weight_decay']));
  const modules = { pytorch: 'torch.optim', bitsandbytes: 'bitsandbytes.optim' } as const;
  for (const eco of ['pytorch', 'bitsandbytes'] as const) {
    const chosen = chooseSpelling(target, eco, params, { write: (n) => `${modules[eco]}.${n}` });
    if (chosen !== null) return { path: `${modules[eco]}.${chosen.name}`, args: params(chosen), pip: eco === 'pytorch' ? 'torch' : 'bitsandbytes', chosen };
  }
  const chosen = chooseSpelling(target, 'other', params, { write: (n) => `${THIRD_PARTY_MODULES[n]?.module ?? 'unknown'}.${n}` });
  const pkg = chosen === null ? undefined : THIRD_PARTY_MODULES[chosen.name];
  if (chosen === null || pkg === undefined) return null;
  return { path: `${pkg.module}.${chosen.name}`, args: params(chosen), pip: pkg.pip, chosen };
}

/**
 * LightningCLI: the `optimizer:` group written as `class_path` (an import path of any torch.optim.Optimizer subclass)
 * and `init_args` (its keyword arguments besides the parameters, which the CLI passes). Shape per the Lightning docs:
 * "any subclass of torch.optim.Optimizer can be used as an optimizer"
 * (https://lightning.ai/docs/pytorch/stable/cli/lightning_cli_intermediate_2.html) and classes "given as a dictionary,
 * including a class_path entry with an import path of the class and optionally an init_args entry"
 * (https://lightning.ai/docs/pytorch/stable/cli/lightning_cli_advanced_3.html).
 */
function lightningChange(target: OptimizerId, advice: HyperparameterAdvice): PasteChange | null {
  const cls = importableClass(target, advice);
  if (cls === null) return null;
  const args = Object.keys(cls.args).length > 0 ? ['  init_args:', ...yamlLines(cls.args, '    ')] : [];
  const code = [...hiddenWeightsComment(cls.chosen, advice), 'optimizer:', `  class_path: ${cls.path}`, ...args].join('\n');
  const since = torchSince(cls.path);
  const source = 'LightningCLI optimizer group: class_path + init_args (https://lightning.ai/docs/pytorch/stable/cli/lightning_cli_advanced_3.html)';
  return { format: 'lightning-cli', language: 'yaml', code, package: `lightning (jsonargparse), ${cls.pip}`, minVersion: since?.version ?? null, source: since !== null ? `${source}; ${since.source}` : source };
}

/**
 * Hydra: an `optimizer:` node whose `_target_` is the class's import path, its keyword arguments beside it, and
 * `_partial_: true` when the job's block has it (hydra.utils.instantiate then returns a functools.partial the code
 * calls with the parameters, as lightning-hydra-template's configs/model/mnist.yaml and MNISTLitModule do). Shape per
 * the Hydra docs: the config "must contain: _target_ : target class or callable name", the other keys being the
 * parameters (https://hydra.cc/docs/advanced/instantiate_objects/overview/); `_partial_` since hydra-core 1.1.2
 * ("creation of functools.partial instances via a _partial_ keyword", its release notes).
 */
function hydraChange(target: OptimizerId, advice: HyperparameterAdvice, partial: boolean): PasteChange | null {
  const cls = importableClass(target, advice);
  if (cls === null) return null;
  const code = [...hiddenWeightsComment(cls.chosen, advice), 'optimizer:', `  _target_: ${cls.path}`, ...(partial ? ['  _partial_: true'] : []), ...yamlLines(cls.args, '  ')].join('\n');
  const since = torchSince(cls.path);
  const source = 'Hydra instantiate: _target_ is the class, the other keys its arguments (https://hydra.cc/docs/advanced/instantiate_objects/overview/)';
  return { format: 'hydra', language: 'yaml', code, package: `hydra-core, ${cls.pip}`, minVersion: since?.version ?? null, source: since !== null ? `${source}; ${since.source}` : source };
}

/**
 * NeMo: the `model.optim` block, `name` being the NeMo optimizer name that builds the torch.optim class (nemo/core/optim
 * optimizers.py AVAILABLE_OPTIMIZERS), the class's arguments beside it (modelPT.setup_optimization passes them on).
 * An optimizer without a NeMo name is left out.
 */
function nemoChange(target: OptimizerId, advice: HyperparameterAdvice): PasteChange | null {
  const params = (c: ChosenSpelling) => targetArguments(target, advice, c, new Set(['lr', 'weight_decay']));
  const chosen = chooseSpelling(target, 'pytorch', params, { write: (n) => `torch.optim.${n}` });
  const name = chosen === null ? undefined : nemoOptimizerName(`torch.optim.${chosen.name}`);
  if (chosen === null || name === undefined) return null;
  const code = [...hiddenWeightsComment(chosen, advice), 'model:', '  optim:', `    name: ${name}`, ...yamlLines(params(chosen), '    ')].join('\n');
  return { format: 'nemo', language: 'yaml', code, package: 'nemo_toolkit', minVersion: null, source: `NeMo model.optim: name looked up in AVAILABLE_OPTIMIZERS, the other keys passed to the class (${NEMO_OPTIMIZERS_SOURCE.title})` };
}

/**
 * The change in every format that can express `target`, the job's format (when given) first. Formats that cannot
 * express it are left out. `plan` is the recommendation's plan when nothing fits (`fitPlan`): when it keeps
 * `target`, the HF formats (TrainingArguments, axolotl) carry its settings, so the paste is the configuration
 * estimated to fit.
 */
export function pasteChanges(
  target: OptimizerId,
  advice: HyperparameterAdvice,
  first: PasteFormat | null = null,
  plan: StrategyPlan | null = null,
  options: PasteOptions = {},
): readonly PasteChange[] {
  const snippets = snippetsFor(target, advice);
  const code = (kind: string): string | null => {
    const s = snippets.find((x) => x.kind === kind);
    return s && 'code' in s ? s.code : null;
  };
  const out: PasteChange[] = [];
  // Without an optim string the Trainer takes the optimizer object (the snippet builds it and passes it).
  const hfCode = code('hf-trainer');
  const hfPackage = (code: string) => {
    const p = pythonPackage(code);
    return { ...p, package: p.package === 'transformers' ? p.package : `transformers, ${p.package}` };
  };
  const hf = hfTrainerChange(target, advice, plan) ?? (hfCode !== null ? { format: 'hf-trainer' as const, language: 'python' as const, code: hfCode, ...hfPackage(hfCode) } : null);
  if (hf) out.push(hf);
  const hfYaml = hfTrainerYamlChange(target, advice, plan, options.trainerArgsPath ?? []);
  if (hfYaml) out.push(hfYaml);
  const axolotl = axolotlChange(target, advice, plan);
  if (axolotl) out.push(axolotl);
  const torchtune = torchtuneChange(target, advice);
  if (torchtune) out.push(torchtune);
  const lightning = lightningChange(target, advice);
  if (lightning) out.push(lightning);
  const hydra = hydraChange(target, advice, options.hydraPartial === true);
  if (hydra) out.push(hydra);
  const nemo = nemoChange(target, advice);
  if (nemo) out.push(nemo);
  const ds = code('deepspeed');
  if (ds !== null) out.push({ format: 'deepspeed', language: 'json', code: ds, package: 'deepspeed', minVersion: null, source: 'DeepSpeed config "optimizer" block (runtime/engine.py; other names fall back to torch.optim)' });
  // An Ultralytics job: its own arguments when build_optimizer builds the target, else the PyTorch line (first) saying so.
  const yolo = options.ultralytics;
  const yoloArgs = yolo === undefined ? null : ultralyticsArguments(target, advice, yolo);
  if (yolo !== undefined && yoloArgs !== null) {
    out.push({ format: yolo.format, ...ultralyticsCode(yolo.format, yoloArgs.values, yoloArgs.notes), package: 'ultralytics', minVersion: null, source: `${ULTRALYTICS_BUILD_OPTIMIZER.title} (${ULTRALYTICS_BUILD_OPTIMIZER.url})` });
  }
  const custom = yolo !== undefined && yoloArgs === null;
  const py = code('pytorch');
  if (py !== null) out.push({ format: 'pytorch', language: 'python', code: custom ? `${ultralyticsCustomTrainer(target)}\n${py}` : py, ...pythonPackage(py) });
  const lead = custom ? 'pytorch' : first;
  return lead === null ? out : [...out.filter((c) => c.format === lead), ...out.filter((c) => c.format !== lead)];
}
