/**
 * Shell launch scripts (`.sh`), read statically and never run (../shell/words.ts): the first launch
 * command (torchrun, `python -m torch.distributed.run`, `accelerate launch`, `deepspeed`,
 * `llamafactory-cli train`, `tune run`, `axolotl train`, `litgpt finetune_lora|pretrain|...`, `python script.py`, under `srun` too; see
 * ../shell/launch.ts) gives the job its GPU count, the launcher's options (accelerate's config file,
 * precision, ZeRO stage and offload), the config files it names, and the script's own arguments
 * (`--per_device_train_batch_size 4 --deepspeed ds.json --bf16 ...`), read by the Trainer-arguments
 * reader. A script's values are what the run uses, so they override its config files' values.
 *
 * A script is a 'launcher': it joins the job of the training config or Python file it launches
 * (../jobs.ts), else anchors a job of its own. What cannot be known without running the script
 * (variables it does not set, command output, positional parameters) becomes an assumption; a
 * launch script is never an error finding.
 */
import type { FsdpVersion, ZeroStage } from '../../memory/types';
import { indexMembers, type MemberNode, type ParseWarning, type ParsedNode } from '../../parse/node';
import type { Precision } from '../../types';
import { ContributionBuilder } from '../contribution';
import type { Detection, Detector, Link, ModuleGlobal, ModuleGlobals, ParsedFile } from '../detector';
import { FieldReader, type PartialObjectNode } from '../fields';
import { isHybridFsdp, zeroStageOfFsdp } from '../sharding';
import { dialectOf, readDeepSpeedChatArguments, readOpenRlhfArguments, readSwiftArguments, type DialectArg } from '../shell/dialects';
import { readLaunch, readLaunches, slurmGpus, type Launch, type LaunchOption } from '../shell/launch';
import { readLlmcArguments } from '../shell/llmc';
import { readUltralyticsTrain, yoloArgsOfWords } from '../ultralytics';
import { readShell, type ShellScript, type Word } from '../shell/words';
import { readTrainerArguments } from '../trainer-args';
import type { FieldFinding, ScanFile, SourceRange, TrainingSettings } from '../types';
import { MIXED_PRECISION } from './accelerate-config';
import { TRAINER_ARGUMENT_MARKERS } from './hf-training-args';
import { TORCHTUNE_DTYPES } from './torchtune-config';
import { readLitgpt } from './litgpt-config';

const LAUNCH_WORDS = /\b(litgpt\s+(finetune|pretrain)|yolo\s|train_gpt2(fp32)?cu|train_gpt2\s|torchrun|torch\.distributed\.(run|launch)|accelerate\s+launch|deepspeed|llamafactory-cli|lmf\s+train|tune\s+run|axolotl|swift\s+(sft|pt|rlhf|dpo|orpo|simpo)|python\d?(\.\d+)?\s)/;

/**
 * Model arguments of training scripts that do not use the Trainer's `model_name_or_path`:
 * `bert_model` (the BERT fine-tuning scripts of pytorch-pretrained-BERT and DeepSpeedExamples),
 * `model_name` / `model_id` / `base_model` (common argparse spellings).
 */
const MODEL_ARGUMENTS = new Set(['bert_model', 'model_name', 'model_id', 'base_model']);

/** Arguments whose value changes the estimate or the advice: an unknown one is an assumption (others are left unread silently). */
const MEMORY_ARGUMENTS = new Set([
  'per_device_train_batch_size', 'train_batch_size', 'gradient_accumulation_steps', 'learning_rate', 'weight_decay', 'optim', 'bf16', 'fp16',
  'gradient_checkpointing', 'max_seq_length', 'max_length', 'block_size', 'model_max_length', 'cutoff_len', 'model_name_or_path', 'config_name',
  'deepspeed', 'deepspeed_config', 'use_peft', 'use_peft_lora', 'use_4bit_quantization', 'use_8bit_quantization', 'lora_r', 'lora_target_modules', 'load_in_4bit', 'load_in_8bit', 'torch_dtype', 'dtype',
  'max_steps', 'warmup_steps', 'warmup_ratio', 'lr_scheduler_type', 'bert_model', 'model_name', 'model_id', 'base_model',
]);

/** Script arguments that make a plain `python x.py ...` a training launch. */
const TRAINING_ARGUMENTS = new Set([...TRAINER_ARGUMENT_MARKERS, 'model_name_or_path', 'deepspeed', 'deepspeed_config', 'config', 'config_file']);

function isTrainingLaunch(l: Launch): boolean {
  if (l.launcher !== 'python' || dialectOf(l) !== null) return true;
  if (l.config !== null) return true;
  if (l.args.some((w) => w.text !== null && PY_OVERRIDE.test(w.text))) return true;
  return l.args.some((w) => w.text !== null && w.text.startsWith('--') && TRAINING_ARGUMENTS.has(w.text.slice(2).replace(/=.*$/s, '').replace(/-/g, '_')));
}

/** A positional `.py` argument: an override file a nanoGPT-style configurator executes (../module-globals.ts). */
const PY_OVERRIDE = /^[^-=][^=]*\.py$/;

/**
 * nanoGPT's configurator: each positional `.py` argument is an override file (linked so it joins the job),
 * each `--key=value` a global set to `literal_eval(value)` (the text itself when that fails).
 */
function configuratorArguments(launch: Launch, links: Link[]): ModuleGlobals | null {
  // A script the launch names by an expression (`$(dirname "$0")/train.py`) may still take Python config files.
  if (launch.script !== null && !launch.script.value.endsWith('.py')) return null;
  const globals: ModuleGlobal[] = [];
  for (let k = 0; k < launch.args.length; k++) {
    const w = launch.args[k];
    const t = w.text;
    if (t === null) continue;
    if (PY_OVERRIDE.test(t)) links.push({ kind: 'config', key: 'override', value: t, range: w.range });
    const m = /^--([A-Za-z_]\w*)=(.*)$/s.exec(t);
    if (m !== null) globals.push({ name: m[1], value: pythonLiteral(m[2]), range: w.range });
    // A Python config file the script reads (absl/ml_collections `--config=configs/default.py`): it joins the job.
    const config = m !== null && m[1] === 'config' ? m[2] : t === '--config' ? launch.args[k + 1]?.text ?? null : null;
    if (config !== null && config.endsWith('.py')) links.push({ kind: 'config', key: '--config', value: config, range: w.range });
  }
  return globals.length > 0 ? { role: 'command-line', globals } : null;
}

/** What `ast.literal_eval` gives for a simple literal; other text stays a string (nanoGPT's configurator). */
function pythonLiteral(t: string): number | string | boolean | null {
  // One way to match each character (the fraction needs its '.'), so the test is linear in the word's length.
  if (/^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?$/.test(t)) return Number(t.replace(/_/g, ''));
  if (t === 'True' || t === 'False') return t === 'True';
  if (t === 'None') return null;
  const q = /^(['"])(.*)\1$/s.exec(t);
  return q !== null ? (q[2] as string) : t;
}

interface Analysis {
  readonly launches: Launch[];
  readonly script: ShellScript;
}

/** One analysis per scanned file (matches and detect both need it). */
const analyses = new WeakMap<ScanFile, Analysis>();
function launchesOf(file: ScanFile): Analysis {
  let a = analyses.get(file);
  if (a === undefined) {
    const script = readShell(file.text.charCodeAt(0) === 0xfeff ? file.text.slice(1) : file.text);
    a = { script, launches: readLaunches(script).filter(isTrainingLaunch) };
    analyses.set(file, a);
  }
  return a;
}

/**
 * torchtune `key=value` overrides of `tune run` that change a setting, as the torchtune config
 * detector reads the same keys (./torchtune-config.ts); other keys are reported as not read.
 */
const TUNE_OVERRIDES: Readonly<Record<string, (text: string) => Partial<TrainingSettings> | null>> = {
  batch_size: (t) => (/^\d+$/.test(t) && Number(t) >= 1 ? { perDeviceBatchSize: Number(t) } : null),
  gradient_accumulation_steps: (t) => (/^\d+$/.test(t) && Number(t) >= 1 ? { gradAccum: Number(t) } : null),
  enable_activation_checkpointing: (t) => (/^(true|false)$/i.test(t) ? { gradientCheckpointing: t.toLowerCase() === 'true' } : null),
  'tokenizer.max_seq_len': (t) => (/^\d+$/.test(t) && Number(t) >= 1 ? { seqLen: Number(t) } : null),
  'optimizer.lr': (t) => (Number.isFinite(Number(t)) && t.trim() !== '' ? { learningRate: Number(t) } : null),
  'optimizer.weight_decay': (t) => (Number.isFinite(Number(t)) && t.trim() !== '' ? { weightDecay: Number(t) } : null),
  dtype: (t) => {
    const p = TORCHTUNE_DTYPES[t.toLowerCase()];
    return p === undefined ? null : { precision: p, loadDtype: p };
  },
};

export const shellScriptDetector: Detector = {
  kind: 'shell-script',
  syntaxes: ['text'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return file.path.toLowerCase().endsWith('.sh') && LAUNCH_WORDS.test(file.text);
  },

  matches(file: ScanFile, _parsed: ParsedFile): boolean {
    const found = launchesOf(file).launches.length > 0;
    if (!found) analyses.delete(file);
    return found;
  },

  detect(file: ScanFile, _parsed: ParsedFile): Detection {
    const { launches, script } = launchesOf(file);
    analyses.delete(file);
    return detectLaunches(file.path, launches, script);
  },
};

/**
 * A script read with its caller's words as its arguments (../script-calls.ts): its launch, read as a
 * launch script's; null when it runs no training launch.
 */
export function detectCalledScript(path: string, script: ShellScript): Detection | null {
  const launches = readLaunches(script).filter(isTrainingLaunch);
  return launches.length === 0 ? null : detectLaunches(path, launches, script);
}

function detectLaunches(path: string, launches: readonly Launch[], script: ShellScript): Detection {
  const launch = launches[0];
  const out = new ContributionBuilder(path);
  const warnings: ParseWarning[] = [];
  const links: Link[] = [];
  const fields: FieldFinding[] = [];
  const notes: string[] = [];
  const note = (message: string, range: SourceRange) => {
    warnings.push({ message, line: range.line, column: range.column });
    notes.push(`${path}:${range.line}:${range.column}: ${message}`);
  };
  for (const extra of launches.slice(1)) {
    warnings.push({ message: `a further launch (${extra.launcher}) is not read: a script's first launch command describes its job`, line: extra.range.line, column: extra.range.column });
  }
  for (const u of launch.unknowns) note(u.message, u.range);

  fields.push({ name: 'launcher', value: launch.launcher, range: launch.range });
  for (const o of launch.options) {
    const flag = o.name.length === 1 ? `-${o.name}` : `--${o.name}`;
    if (o.value === null) fields.push({ name: flag, value: true, range: o.range });
    else if (o.value.text !== null) fields.push({ name: flag, value: o.value.text, range: o.value.range });
  }

  // The script's arguments come first: the launcher's own options (accelerate's) override them. llm.c's programs
  // take their own single-dash flags and describe their network by them.
  const yolo = launch.launcher === 'yolo' ? readYoloArguments(launch, out, fields, links, note) : null;
  const ownModel = launch.launcher === 'llm.c' ? readLlmcArguments(launch, out, fields, note) : yolo?.ownModel ?? null;
  if (launch.launcher !== 'llm.c' && launch.launcher !== 'yolo') readScriptArguments(launch, out, warnings, links, fields, note);
  if (launch.launcher === 'accelerate') readAccelerateOptions(launch.options, launch.env, out, links, note);
  else if (launch.launcher === 'deepspeed') {
    const include = launch.options.find((o) => o.name === 'include' || o.name === 'hostfile' || o.name === 'exclude');
    if (include !== undefined && launch.gpus === null) note(`--${include.name} selects the GPUs; their number is not counted from it`, include.range);
  }

  let gpus = launch.gpus === null ? null : { ...launch.gpus, from: launch.gpusFrom ?? '' };
  if (gpus === null) {
    const slurm = slurmGpus(script);
    if (slurm !== null) gpus = { ...slurm.gpus, from: slurm.from };
  }
  if (launch.nodes != null) out.set('nodes', launch.nodes.value, launch.nodes.range);
  if (gpus !== null) {
    out.set('gpus', gpus.value, gpus.range);
    fields.push({ name: 'gpus', value: gpus.value, range: gpus.range });
  }

  if (launch.launcher === 'tune' && launch.config !== null && !/\.ya?ml$/i.test(launch.config.value)) {
    note(`--config ${launch.config.value} names a config bundled with torchtune, which is not read from the workspace`, launch.config.range);
  }
  if (launch.config !== null) links.unshift({ kind: 'launch', key: `${launch.launcher} config`, value: launch.config.value, range: launch.config.range });
  if (launch.script !== null && launch.launcher !== 'tune' && launch.launcher !== 'swift' && launch.launcher !== 'llm.c' && launch.launcher !== 'yolo' && launch.launcher !== 'litgpt') links.push({ kind: 'launch', key: `${launch.launcher} script`, value: launch.script.value, range: launch.script.range });
  if (notes.length > 0) out.notes.push(...notes);
  const moduleGlobals = configuratorArguments(launch, links);

  fields.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  // accelerate loads the machine's default config when the launch names none (../machine-files.ts).
  const defaultConfig = launch.launcher === 'accelerate' && !launch.options.some((o) => o.name === 'config_file');
  const contribution = moduleGlobals === null ? out.build() : { ...out.build(), moduleGlobals };
  const scriptArgs = launch.args.map((w) => ({ text: w.text, range: w.range, ...(w.unknown !== undefined ? { unknown: w.unknown } : {}) }));
  return {
    fields, error: null, warnings, role: 'launcher', contribution, links, scriptArgs, ...(defaultConfig ? { accelerateDefaultConfig: launch.range } : {}),
    ...(ownModel !== null ? { ownModel } : {}), ...(yolo !== null ? { ultralytics: yolo.pending } : {}),
  };
}

/** A notebook's `!litgpt finetune_lora …` shell escape (IPython runs the rest of the line in a shell). */
export const NOTEBOOK_LITGPT_LINE = /^[ \t]*!\s*(litgpt[ \t]+(?:finetune\w*|pretrain)\b[^\n]*)$/gm;

/**
 * The first `!litgpt <training command>` line of a notebook's code (its cells joined), read as a launch script's launch:
 * a launcher that joins the job of the config it names. `range` maps offsets in `program` to the notebook file's ranges.
 * A word holding an IPython `{expression}` substitution is unknown (the notebook's Python value is not evaluated).
 */
export function detectNotebookLitgptLine(path: string, program: string, range: (start: number, end: number) => SourceRange): Detection | null {
  for (const m of program.matchAll(NOTEBOOK_LITGPT_LINE)) {
    const line = m[1] as string;
    const base = (m.index ?? 0) + m[0].indexOf(line);
    const script = readShell(line);
    const first = script.commands[0];
    const launch = first === undefined ? null : readLaunch(first);
    if (launch === null || launch.launcher !== 'litgpt') continue;
    // Every range of the launch is one of its words' ranges: each is replaced by the notebook's.
    const mapped = new Map<SourceRange, SourceRange>();
    for (const w of [...first.words, ...first.env.values()]) mapped.set(w.range, range(base + w.start, base + w.end));
    const remap = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(remap);
      if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, remap(x)]));
      if (typeof v !== 'object' || v === null) return v;
      const r = mapped.get(v as SourceRange);
      if (r !== undefined) return r;
      const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, remap(x)]));
      if (typeof o.raw === 'string' && typeof o.text === 'string' && /\{[^}]*\}/.test(o.raw)) return { ...o, text: null, unknown: 'an IPython {expression} substitution, not evaluated' };
      return o;
    };
    return detectLaunches(path, [remap(launch) as Launch], script);
  }
  return null;
}

/** A script argument's value as the Trainer's argument parser would type it. */
function valueNode(w: Word): ParsedNode {
  const base = { start: 0, end: 0, range: w.range };
  const t = w.text as string;
  if (/^-?\d+$/.test(t)) return { kind: 'number', value: Number(t), raw: t, ...base };
  if (/^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(t)) return { kind: 'number', value: Number(t), raw: t, ...base };
  if (/^(true|yes)$/i.test(t)) return { kind: 'boolean', value: true, ...base };
  if (/^(false|no)$/i.test(t)) return { kind: 'boolean', value: false, ...base };
  if (t === 'None') return { kind: 'null', value: null, ...base };
  return { kind: 'string', value: t, ...base };
}

/**
 * `--key value` / `--key=value` / `--flag` (and `key=value` for the CLIs that take overrides) as an
 * object read by the Trainer-arguments reader. Values the script does not set are opaque keys.
 */
function readScriptArguments(
  launch: Launch,
  out: ContributionBuilder,
  warnings: ParseWarning[],
  links: Link[],
  fields: FieldFinding[],
  note: (message: string, range: SourceRange) => void,
): void {
  const members: MemberNode[] = [];
  const opaque = new Set<string>();
  const args = launch.args;
  const overrideStyle = launch.launcher === 'tune' || launch.launcher === 'llamafactory-cli' || launch.launcher === 'axolotl';
  let parsed: DialectArg[] = [];
  for (let k = 0; k < args.length; k++) {
    const w = args[k];
    const text = w.text;
    if (text === null) {
      if (w.raw.startsWith('-')) note(`the argument ${w.raw} is ${w.unknown ?? 'unknown'}`, w.range);
      continue;
    }
    if (text.startsWith('--') && text.length > 2) {
      const eq = text.indexOf('=');
      const key = (eq < 0 ? text.slice(2) : text.slice(2, eq)).replace(/-/g, '_');
      let value: Word | null = null;
      if (eq >= 0) value = { ...w, text: text.slice(eq + 1) };
      else if (k + 1 < args.length && !(args[k + 1].text ?? args[k + 1].raw).startsWith('--')) value = args[++k];
      parsed.push({ key, value, range: w.range });
    } else if (overrideStyle && /^[A-Za-z_][\w.]*=/.test(text)) {
      const eq = text.indexOf('=');
      parsed.push({ key: text.slice(0, eq), value: { ...w, text: text.slice(eq + 1) }, range: w.range });
    }
  }
  if (launch.launcher === 'litgpt') {
    readLitgptArguments(launch, parsed, out, warnings, links, fields, note);
    return;
  }
  const dialect = dialectOf(launch);
  if (dialect === 'openrlhf') {
    readOpenRlhfArguments(parsed, out, links, fields, note, launch.gpus?.value ?? null);
    return;
  }
  if (dialect === 'ms-swift') parsed = readSwiftArguments(parsed, out, fields, note);
  if (dialect === 'deepspeed-chat') parsed = readDeepSpeedChatArguments(parsed, out, fields, note);
  for (const arg of parsed) {
    const { key } = arg;
    const value = arg.value;
    const w = { range: arg.range };
    if (launch.launcher === 'tune') {
      const apply = TUNE_OVERRIDES[key];
      const v = value?.text ?? null;
      if (apply === undefined) note(`the torchtune override '${key}' is not read`, w.range);
      else if (v === null) note(`the torchtune override '${key}' is ${value?.raw ?? 'empty'}: ${value?.unknown ?? 'unknown'}`, w.range);
      else {
        const settings = apply(v);
        if (settings === null) note(`the torchtune override '${key}=${v}' is not a value torchtune accepts here`, w.range);
        else {
          for (const s of Object.keys(settings) as (keyof TrainingSettings)[]) out.set(s, settings[s] as never, w.range);
          fields.push({ name: key, value: v, range: w.range });
        }
      }
      continue;
    }
    // DeepSpeed's own argparse flags (deepspeed.add_config_arguments): `--deepspeed` alone switches
    // DeepSpeed on, `--deepspeed_config F` names its config.
    if (key === 'deepspeed_config' || (key === 'deepspeed' && value === null)) {
      if (value?.text != null) {
        links.push({ kind: 'config', key: `--${key}`, value: value.text, range: value.range });
        fields.push({ name: key, value: value.text, range: value.range });
      }
      continue;
    }
    if (value !== null && value.text === null) {
      opaque.add(key);
      if (MEMORY_ARGUMENTS.has(key)) note(`--${key} is ${value.raw}: ${value.unknown ?? 'unknown'}`, value.range);
      continue;
    }
    if (value?.assumed !== undefined && MEMORY_ARGUMENTS.has(key)) note(`--${key} is ${value.raw}: ${value.assumed}`, value.range);
    if (MODEL_ARGUMENTS.has(key) && value?.text != null && !args.some((a) => a.text === '--model_name_or_path' || a.text?.startsWith('--model_name_or_path='))) {
      links.push({ kind: 'model', key: `--${key}`, value: value.text, range: value.range });
      fields.push({ name: key, value: value.text, range: value.range });
      continue;
    }
    const node: ParsedNode = value === null ? { kind: 'boolean', value: true, start: 0, end: 0, range: w.range } : valueNode(value);
    members.push({ key, keyRange: w.range, node });
  }
  if (members.length === 0 && opaque.size === 0) return;
  const { index, value } = indexMembers(members);
  const obj: PartialObjectNode = { kind: 'object', members, index, value, opaqueKeys: opaque, start: 0, end: 0, range: launch.range };
  const reader = new FieldReader(obj);
  const argLinks: Link[] = [];
  readTrainerArguments(reader, out, warnings, argLinks);
  links.push(...argLinks);
  fields.push(...reader.fields);
  // The launched program's own parser decides; a value the Trainer would reject is a note here.
  if (reader.error !== null) note(`read as Trainer arguments: ${reader.error.message}`, { line: reader.error.line, column: reader.error.column, endLine: reader.error.line, endColumn: reader.error.column });
  // Defaults come from the job's training config (or the estimator), not from a command line; a CLI
  // whose flags are its whole config (ms-swift) keeps its own defaults (../shell/dialects.ts).
  if (dialect !== 'ms-swift') {
    out.defaults.splice(0, out.defaults.length);
    for (const k of Object.keys(out.defaultSettings)) delete out.defaultSettings[k as keyof TrainingSettings];
  } else {
    const own = new Set(['lora', 'lora.rank']);
    for (let i = out.defaults.length - 1; i >= 0; i--) if (!own.has(out.defaults[i].setting)) out.defaults.splice(i, 1);
    for (const k of Object.keys(out.defaultSettings)) delete out.defaultSettings[k as keyof TrainingSettings];
  }
  out.runsHfTrainer = members.some((m) => TRAINER_ARGUMENT_MARKERS.includes(m.key)) || argLinks.some((l) => l.key === 'deepspeed');
  if (!members.some((m) => m.key === 'optim')) out.optimizerEcosystem = undefined;
}

const JSONARGPARSE_ORDER = 'jsonargparse reads a --config file where it is written: arguments after it override its values, arguments before it are overridden by the values it sets';

/** The `--a.b.c value` arguments as one object, dotted keys nested (jsonargparse's nested namespaces: `--train.micro_batch_size`). */
function nestedObject(entries: readonly { key: string; node: ParsedNode | null; range: SourceRange }[], range: SourceRange): PartialObjectNode {
  const members: MemberNode[] = [];
  const opaque = new Set<string>();
  const groups = new Map<string, { key: string; node: ParsedNode | null; range: SourceRange }[]>();
  const at = new Map<string, SourceRange>();
  for (const e of entries) {
    const dot = e.key.indexOf('.');
    if (dot > 0) {
      const head = e.key.slice(0, dot);
      groups.set(head, [...(groups.get(head) ?? []), { ...e, key: e.key.slice(dot + 1) }]);
      if (!at.has(head)) at.set(head, e.range);
    } else if (e.node === null) opaque.add(e.key);
    else members.push({ key: e.key, keyRange: e.range, node: e.node });
  }
  for (const [head, sub] of groups) members.push({ key: head, keyRange: at.get(head) as SourceRange, node: nestedObject(sub, at.get(head) as SourceRange) });
  const { index, value } = indexMembers(members);
  return { kind: 'object', members, index, value, opaqueKeys: opaque, start: 0, end: 0, range };
}

/**
 * A `litgpt finetune_lora|finetune_full|pretrain|...` line's arguments, read as litgpt's config reader reads a config
 * (./litgpt-config.ts): the positional checkpoint (or pretrain's model name) as `checkpoint_dir` (`model_name`), dotted
 * `--train.micro_batch_size 4`, `--precision`, `--quantize`, `--lora_*`. Without `--config` the line is the whole config,
 * so setup()'s defaults stand for what it leaves out; with one, the config's file gives them and the line's values
 * override it (JSONARGPARSE_ORDER). `--devices` x `--num_nodes` are the launch's GPU count (../shell/launch.ts).
 */
function readLitgptArguments(
  launch: Launch,
  parsed: readonly DialectArg[],
  out: ContributionBuilder,
  warnings: ParseWarning[],
  links: Link[],
  fields: FieldFinding[],
  note: (message: string, range: SourceRange) => void,
): void {
  const command = launch.script?.value.replace(/^litgpt /, '') ?? '';
  const withConfig = launch.config !== null;
  const configAt = launch.configAt ?? 0;
  const entries: { key: string; node: ParsedNode | null; range: SourceRange }[] = [];
  // Position of each parsed argument among launch.args (parsed keeps their order).
  let seen = 0;
  let modelAfterConfig = false;
  for (const a of parsed) {
    const index = launch.args.findIndex((w, i) => i >= seen && w.range === a.range);
    if (index >= 0) seen = index + 1;
    if (withConfig && (a.key === 'checkpoint_dir' || a.key === 'model_name')) modelAfterConfig = index >= configAt;
    if (a.key === 'devices' || a.key === 'num_nodes') continue; // the launch's GPU count
    if (withConfig && index >= 0 && index < configAt) {
      note(`--${a.key} is written before --config ${launch.config?.value ?? ''}: ${JSONARGPARSE_ORDER}; read here as the run's value, which holds only where the config does not set it`, a.range);
    }
    if (withConfig && (a.key.startsWith('lora_') || a.key === 'quantize')) {
      note(`--${a.key} changes the LoRA settings of --config ${launch.config?.value ?? ''}, which are read from that file: this argument is not merged into them`, a.range);
      continue;
    }
    if (a.value !== null && a.value.text === null) {
      note(`--${a.key} is ${a.value.raw}: ${a.value.unknown ?? 'unknown'}`, a.value.range);
      entries.push({ key: a.key, node: null, range: a.range });
      continue;
    }
    if (a.value?.assumed !== undefined) note(`--${a.key} is ${a.value.raw}: ${a.value.assumed}`, a.value.range);
    const node: ParsedNode = a.value === null ? { kind: 'boolean', value: true, start: 0, end: 0, range: a.range } : valueNode(a.value);
    entries.push({ key: a.key, node, range: a.value?.range ?? a.range });
  }
  // `--optimizer SGD` beside `--optimizer.lr 0.1`: the value and the dotted keys under it are one argument to
  // jsonargparse; the value is read, the dotted keys are a note.
  const scalars = new Set(entries.filter((e) => !e.key.includes('.')).map((e) => e.key));
  for (let i = entries.length - 1; i >= 0; i--) {
    const head = entries[i].key.split('.')[0];
    if (entries[i].key.includes('.') && scalars.has(head)) {
      note(`--${entries[i].key} is not read beside --${head} written as a value`, entries[i].range);
      entries.splice(i, 1);
    }
  }
  const reader = new FieldReader(nestedObject(entries, launch.range));
  const gpus = launch.gpus === null ? null : { count: launch.gpus.value, range: launch.gpus.range };
  const finetune = command !== 'pretrain';
  const loraCommand = (command === 'finetune' || command === 'finetune_lora') && !withConfig ? launch.script?.range ?? launch.range : null;
  if (withConfig) {
    const batch = entries.some((e) => e.key === 'train.micro_batch_size') || launch.gpus !== null;
    if (batch && !entries.some((e) => e.key === 'train.global_batch_size')) {
      note(`train.global_batch_size comes from --config ${launch.config?.value ?? ''}: its gradient accumulation (global / (devices x micro_batch_size)) is worked out with that file's values, not this command's`, launch.range);
    }
  } else if (finetune && launch.gpus === null && !launch.args.some((w) => /^--devices(=|$)/.test(w.text ?? ''))) {
    // finetune_*(devices=1); pretrain's "auto" is every visible GPU, not a number.
    out.useDefault({ setting: 'gpus', key: 'devices', value: 1 }, LITGPT_FINETUNE_DEVICES);
  }
  const defaultGpus = gpus ?? (out.defaultSettings.gpus !== undefined ? { count: out.defaultSettings.gpus, range: launch.range } : null);
  const linksBefore = links.length;
  readLitgpt(reader, out, links, warnings, { gpus: defaultGpus, loraCommand, defaultsOf: withConfig ? null : finetune ? 'finetune' : 'pretrain' });
  // The checkpoint (or model name) written after --config overrides the config's: the join tries it first.
  if (modelAfterConfig) for (let i = linksBefore; i < links.length; i++) if (links[i].kind === 'model') links[i] = { ...links[i], overrides: true };
  fields.push(...reader.fields);
  if (reader.error !== null) note(`read as litgpt's arguments: ${reader.error.message}`, { line: reader.error.line, column: reader.error.column, endLine: reader.error.line, endColumn: reader.error.column });
  if (withConfig) {
    // A "-mixed" or "32-true" precision over the config's: the weights stay fp32 (Fabric casts the model only under
    // "-true"), not the dtype a config's "bf16-true" would give them.
    if (out.settings.precision !== undefined && out.settings.loadDtype === undefined) out.set('loadDtype', 'fp32', out.sources['precision']?.range ?? launch.range);
    // The config file states the run's defaults (./litgpt-config.ts reads it into the same job).
    out.defaults.splice(0, out.defaults.length);
    for (const k of Object.keys(out.defaultSettings)) delete out.defaultSettings[k as keyof TrainingSettings];
  }
}

const LITGPT_FINETUNE_DEVICES = {
  title: 'litgpt finetune_lora setup()',
  url: 'https://github.com/Lightning-AI/litgpt/blob/26857050fe3ff627cd714fe92f5838f51a3d5efa/litgpt/finetune/lora.py',
  locator: 'devices: int | str = 1, num_nodes: int = 1 (the same in finetune/full.py and adapter*.py)',
};

/** accelerate launch's own options (and FSDP_VERSION before it): config file, processes, precision, DeepSpeed and FSDP. */
function readAccelerateOptions(opts: readonly LaunchOption[], env: ReadonlyMap<string, Word>, out: ContributionBuilder, links: Link[], note: (message: string, range: SourceRange) => void): void {
  const get = (name: string) => opts.filter((o) => o.name === name).pop();
  const text = (o: LaunchOption | undefined) => (o?.value?.text ?? null);
  const configFile = get('config_file');
  if (text(configFile) !== null) links.push({ kind: 'config', key: '--config_file', value: text(configFile) as string, range: (configFile as LaunchOption).range });
  const dsFile = get('deepspeed_config_file');
  if (text(dsFile) !== null) links.push({ kind: 'config', key: '--deepspeed_config_file', value: text(dsFile) as string, range: (dsFile as LaunchOption).range });
  const mixed = get('mixed_precision');
  const mixedText = text(mixed)?.toLowerCase();
  if (mixed !== undefined && mixedText !== undefined) {
    const p = MIXED_PRECISION[mixedText];
    if (p === undefined || p === null) note(`--mixed_precision ${mixedText} is not modelled; precision is left to the other files`, mixed.range);
    else out.set('precision', p as Precision, mixed.range);
  }
  const accum = get('gradient_accumulation_steps');
  if (accum !== undefined && /^\d+$/.test(text(accum) ?? '') && Number(text(accum)) >= 1) out.set('gradAccum', Number(text(accum)), accum.range);
  if (get('use_deepspeed') !== undefined || get('zero_stage') !== undefined) {
    const stage = get('zero_stage');
    if (stage !== undefined && /^[0-3]$/.test(text(stage) ?? '')) out.set('zeroStage', Number(text(stage)) as ZeroStage, stage.range);
    const param = get('offload_param_device');
    const optim = get('offload_optimizer_device');
    const on = (o: LaunchOption | undefined) => o !== undefined && /^(cpu|nvme)$/i.test(text(o) ?? '');
    if (on(param)) out.set('offload', 'params', (param as LaunchOption).range);
    else if (on(optim)) out.set('offload', 'optimizer', (optim as LaunchOption).range);
  }
  if (get('use_fsdp') !== undefined) {
    const strategy = get('fsdp_sharding_strategy');
    const stage = text(strategy) === null ? 3 : zeroStageOfFsdp(text(strategy) as string);
    if (stage !== null) out.set('zeroStage', stage, (strategy ?? get('use_fsdp') as LaunchOption).range);
    out.set('fsdp', 'accelerate', (get('use_fsdp') as LaunchOption).range);
    if (strategy !== undefined && stage !== null && isHybridFsdp(text(strategy) as string)) {
      out.set('fsdpShardGroup', { kind: 'node', strategy: `--fsdp_sharding_strategy ${text(strategy) as string}` }, strategy.range);
    }
    const offload = get('fsdp_offload_params');
    if (offload !== undefined && /^true$/i.test(text(offload) ?? '')) out.set('offload', 'params', offload.range);
  }
  // `--fsdp_version` (which accelerate launch passes on as FSDP_VERSION), or FSDP_VERSION set before the launch.
  const version = get('fsdp_version');
  const envVersion = env.get('FSDP_VERSION');
  const stated = version !== undefined ? { text: text(version), range: version.range } : envVersion !== undefined ? { text: envVersion.text, range: envVersion.range } : null;
  if (stated !== null && (stated.text === '1' || stated.text === '2')) out.set('fsdpVersion', Number(stated.text) as FsdpVersion, stated.range);
}

/** `yolo train key=value ...`: the words as Ultralytics' CLI types them (../ultralytics.ts yoloArgsOfWords), read by its reader. */
function readYoloArguments(launch: Launch, out: ContributionBuilder, fields: FieldFinding[], links: Link[], note: (message: string, range: SourceRange) => void) {
  return readUltralyticsTrain(yoloArgsOfWords(launch.args, (w) => w.range), launch.range, out, fields, links, note, undefined, 'cli');
}
