/**
 * Reading a Python training program (a .py script, or a notebook's code cells joined in order):
 * the calls that build its optimizer, Trainer/Lightning arguments, model, data loader, precision
 * and LoRA setup, read into the same settings as the config files. Values come from literals and
 * the constants they name (./program.ts); ranges point where the value is written (for a constant,
 * its definition). Nothing is executed.
 *
 * Precedence inside one program: an optimizer built explicitly (`torch.optim.AdamW(...)`) replaces
 * the Trainer's `optim` and learning rate (the Trainer uses the optimizer it is given); explicit
 * Trainer/Lightning precision and batch size win over autocast / DataLoader hints.
 */
import { resolveOptimizer } from '../../optimizers';
import { isUnslothBnb4bit, unslothMirror } from '../../models/unsloth';
import type { Ecosystem } from '../../optimizers/types';
import type { ObjectNode, ParseWarning } from '../../parse/node';
import type { FloatDtype, Precision } from '../../types';
import { ContributionBuilder } from '../contribution';
import { readComputeDtype, readLoadDtype } from '../dtype-fields';
import type { CommandLineTable, Detection, Link } from '../detector';
import { FieldReader, type PartialObjectNode, type Read } from '../fields';
import { readLightningTrainer } from '../lightning-trainer';
import { isModelConstructor, modelOfCall, type CallArgument } from '../model-refs';
import { keepOptimizerParams, readOptimizerArguments } from '../optimizer-arguments';
import { readTrainerArguments } from '../trainer-args';
import type { SourceRange } from '../types';
import type { PyArg, PyCall, PyValue, PythonProgram } from './program';
import {
  ACCELERATE_MIXED_PRECISION_SOURCE,
  OPTIMIZER_PACKAGES,
  PEFT_LORA_CONFIG_SOURCE,
  PEFT_LORA_R_DEFAULT,
  TIMM_CREATE_OPTIMIZER_POSITIONAL,
  TIMM_CREATE_OPTIMIZER_SOURCE,
  TIMM_CREATE_LOADER_POSITIONAL,
  TIMM_DEFAULT_OPT,
  TIMM_OPTIMIZER_KWARGS,
  TIMM_OPTIMIZER_KWARGS_SOURCE,
  TIMM_TRAIN_LR_SOURCE,
  TRAINER_ARGUMENT_CLASSES,
  positionalNames,
} from './script-facts';
import { DS_CHAT_DTYPES } from '../shell/dialects';
import { DIFFUSERS_DESTS, diffusersSetting } from '../command-line';
import { isLrSchedulerCall, readLrSchedule, readTorchScheduler } from './lr-schedules';
import { callNode, toNode, type RangeMapper } from './to-node';
import { reachingValue } from './branch-value';

type CallRole =
  | 'optimizer' | 'timm-optimizer' | 'keras-compile' | 'trainer-args' | 'trl-model-config' | 'lightning-trainer'
  | 'hf-argument-parser' | 'lightning-cli' | 'model' | 'dataloader' | 'keras-fit' | 'autocast' | 'grad-scaler' | 'accelerator' | 'keras-policy'
  | 'lr-scheduler' | 'checkpointing' | 'lora-config' | 'bnb-config' | 'sft-trainer' | 'train-crop' | 'keras-preset' | 'keras-preprocessor' | 'keras-lora' | 'keras-quantize' | 'tf-batch';

const LAST = (callee: string): string => callee.slice(callee.lastIndexOf('.') + 1);

/** transformers' own AdamW (removed in v4.x in favour of torch.optim.AdamW): AdamW's update and states. */
const TRANSFORMERS_ADAMW = /^transformers\.(optimization\.)?AdamW$/;

/** The catalog optimizer a call builds, or null. */
function optimizerOf(callee: string): { spelling: string; ecosystem: Ecosystem | undefined } | null {
  const dot = callee.indexOf('.');
  if (dot < 0 || !OPTIMIZER_PACKAGES.has(callee.slice(0, dot))) return null;
  if (/lr_scheduler|schedules?\b|\.schedule_/.test(callee)) return null;
  if (TRANSFORMERS_ADAMW.test(callee)) return { spelling: 'torch.optim.AdamW', ecosystem: 'pytorch' };
  const resolved = resolveOptimizer(callee);
  if (resolved === undefined) return null;
  return { spelling: callee, ecosystem: resolved.ecosystem === 'id' ? undefined : resolved.ecosystem };
}

function roleOf(call: PyCall): CallRole | null {
  const c = call.callee;
  const last = LAST(c);
  if (optimizerOf(c) !== null) return 'optimizer';
  if (/^timm\.(optim\.)?(create_optimizer_v2|create_optimizer)$/.test(c) || (last === 'create_optimizer_v2' && !c.includes('.'))) return 'timm-optimizer';
  if (TRAINER_ARGUMENT_CLASSES.has(last) && (c === last || c.startsWith('transformers.') || c.startsWith('trl.'))) return 'trainer-args';
  if (last === 'ModelConfig' && (c === last || c.startsWith('trl.'))) return 'trl-model-config';
  if (last === 'HfArgumentParser' && (c === last || c.startsWith('transformers.') || c.startsWith('trl.'))) return 'hf-argument-parser';
  if (/^(lightning|pytorch_lightning|lightning\.pytorch)(\.trainer(\.trainer)?)?\.Trainer$/.test(c)) return 'lightning-trainer';
  if (/^(lightning|pytorch_lightning|lightning\.pytorch)\.(utilities\.)?cli\.LightningCLI$/.test(c)) return 'lightning-cli';
  if (isLrSchedulerCall(call)) return 'lr-scheduler';
  if (isModelConstructor(c)) return 'model';
  if (last === 'DataLoader' || c === 'timm.data.create_loader' || c === 'timm.data.loader.create_loader') return 'dataloader';
  if (call.written.endsWith('.compile') && c !== 'torch.compile') return 'keras-compile';
  if (call.written.endsWith('.fit')) return 'keras-fit';
  if (/^torch\.((cuda|cpu|amp)\.)*(amp\.)?autocast$/.test(c) || /^torch\.amp\.autocast_mode\.autocast$/.test(c)) return 'autocast';
  if (/^torch\.(cuda\.)?amp\.(grad_scaler\.)?GradScaler$/.test(c)) return 'grad-scaler';
  if (c === 'accelerate.Accelerator' || c === 'Accelerator') return 'accelerator';
  if (last === 'set_global_policy' && (c.includes('mixed_precision') || c === 'set_global_policy')) return 'keras-policy';
  if (c === 'keras.config.set_dtype_policy' || c === 'keras.mixed_precision.set_dtype_policy') return 'keras-policy';
  if (/^keras_(hub|nlp)\.models\.\w+\.from_preset$/.test(c)) return /Preprocessor\.from_preset$/.test(c) ? 'keras-preprocessor' : 'keras-preset';
  if (call.written.endsWith('.enable_lora')) return 'keras-lora';
  if (call.written.endsWith('.quantize') && !c.startsWith('torch.')) return 'keras-quantize';
  if (call.written.endsWith('.batch') && call.args.length === 1 && call.args[0].name === null) return 'tf-batch';
  if (call.written.endsWith('.gradient_checkpointing_enable')) return 'checkpointing';
  if (last === 'LoraConfig' && (c === last || c.startsWith('peft.'))) return 'lora-config';
  // unsloth's FastLanguageModel.get_peft_model(model, r=16, target_modules=[...]) takes LoraConfig's arguments itself.
  if (last === 'get_peft_model' && c.startsWith('unsloth.') && call.args.some((a) => a.name === 'r')) return 'lora-config';
  if (last === 'SFTTrainer' && (c === last || c.startsWith('trl.'))) return 'sft-trainer';
  if (/^torchvision\.transforms\.(v2\.)?RandomResizedCrop$/.test(c)) return 'train-crop';
  if (last === 'BitsAndBytesConfig') return 'bnb-config';
  return null;
}

/**
 * timm's train.py, known by its argparse options `--model`, `--opt` and `-b/--batch-size`: it builds
 * `create_model(args.model, pretrained=args.pretrained)` and `create_optimizer_v2(model, **optimizer_kwargs(cfg=args))`
 * from them (TIMM_OPTIMIZER_KWARGS_SOURCE), so their defaults are the job's values unless the launch passes flags.
 */
function isTimmTrainArguments(program: PythonProgram): boolean {
  return ['model', 'opt', 'batch_size'].every((d) => program.argparseDefault(d) !== undefined);
}

/**
 * DeepSpeed-Chat's training main.py, known by its argparse options `--zero_stage`, `--offload`, `--dtype` and
 * `--lora_dim` (the flags ../shell/dialects.ts reads on its command line).
 */
function isDeepSpeedChatArguments(program: PythonProgram): boolean {
  return ['zero_stage', 'offload', 'dtype', 'lora_dim'].every((d) => program.argparseDefault(d) !== undefined);
}

/**
 * A diffusers example training script (huggingface/diffusers examples/, e.g. text_to_image/
 * train_text_to_image.py), known by its argparse options `--pretrained_model_name_or_path`, `--train_batch_size`
 * and `--resolution` and a diffusers model it loads with `from_pretrained(..., subfolder=...)`.
 */
function isDiffusersTrainArguments(program: PythonProgram): boolean {
  return ['pretrained_model_name_or_path', 'train_batch_size', 'resolution'].every((d) => program.argparseDefault(d) !== undefined) && diffusersModelCall(program) !== null;
}

/**
 * The diffusers model a script trains: a `diffusers.<Class>.from_pretrained(args.pretrained_model_name_or_path,
 * subfolder="unet")` whose result's `.parameters()` the optimizer takes (else the only such call): its class,
 * subfolder and where it is written.
 */
function diffusersModelCall(program: PythonProgram): { readonly subfolder: string; readonly call: PyCall } | null {
  const loads = program.calls.filter((c) => /^diffusers\.\w+\.from_pretrained$/.test(c.callee) && c.args.some((a) => a.name === 'subfolder' && a.value.kind === 'string'));
  const trained = loads.find((c) => c.target !== null && program.calls.some((o) => o.callee === `${c.target}.parameters` || o.written === `${c.target}.parameters`)) ?? (loads.length === 1 ? loads[0] : undefined);
  const sub = trained?.args.find((a) => a.name === 'subfolder')?.value;
  return trained === undefined || sub?.kind !== 'string' ? null : { subfolder: sub.value, call: trained };
}

/** True when the program builds an optimizer or sets up a trainer: it is a training program. */
export function isTrainingProgram(program: PythonProgram): boolean {
  if (isTimmTrainArguments(program) || isDiffusersTrainArguments(program)) return true;
  for (const call of program.calls) {
    const role = roleOf(call);
    if (role === 'optimizer' || role === 'timm-optimizer' || role === 'trainer-args') return true;
    if (role === 'hf-argument-parser' && parsesTrainingArguments(call)) return true;
    if (role === 'keras-compile' && kerasOptimizerSpelling(call) !== null) return true;
  }
  return false;
}

/** `HfArgumentParser((ModelArguments, DataTrainingArguments, TrainingArguments))`: one of the classes is TrainingArguments (or a TRL config). */
function parsesTrainingArguments(call: PyCall): boolean {
  const first = call.args[0]?.value;
  const items = first?.kind === 'list' ? first.items : first !== undefined ? [first] : [];
  return items.some((v) => v.kind === 'ref' && TRAINER_ARGUMENT_CLASSES.has(LAST(v.path)));
}

function kerasOptimizerSpelling(call: PyCall): { value: PyValue & { kind: 'string' } } | null {
  const arg = call.args.find((a) => a.name === 'optimizer') ?? call.args.find((a) => a.name === null);
  if (arg?.value.kind !== 'string') return null;
  return resolveOptimizer(arg.value.value, {}, 'keras') !== undefined ? { value: arg.value } : null;
}

/** Reads the settings of a training program. `path` is the scanned file, `map` maps offsets to its ranges. */
export function readTrainingProgram(program: PythonProgram, path: string, map: RangeMapper): Detection {
  const out = new ContributionBuilder(path);
  const warnings: ParseWarning[] = [];
  const links: Link[] = [];
  const empty: ObjectNode = { kind: 'object', members: [], index: new Map(), value: {}, start: 0, end: 0, range: map.range(0, 0) };
  const root = new FieldReader(empty);
  const byRole = new Map<CallRole, PyCall[]>();
  for (const call of program.calls) {
    const role = roleOf(call);
    if (role === null) continue;
    const list = byRole.get(role) ?? [];
    list.push(call);
    byRole.set(role, list);
  }
  const calls = (role: CallRole): PyCall[] => byRole.get(role) ?? [];
  const warnAt = (start: number, end: number, message: string) => {
    const r = map.range(start, end);
    warnings.push({ message, line: r.line, column: r.column });
  };

  // 1. Trainer arguments (with TRL's ModelConfig arguments, which TRL scripts keep beside them).
  const trainerArgs = calls('trainer-args');
  if (trainerArgs.length > 0) {
    const call = trainerArgs[0];
    const node = callNode(call, map, ['output_dir']);
    const modelConfig = calls('trl-model-config')[0];
    const merged = modelConfig !== undefined ? mergeObjects(node, callNode(modelConfig, map, [])) : node;
    readTrainerArguments(root.sibling(merged, call.written), out, warnings, links);
    if (call.spread) warnAt(call.start, call.end, `'${call.written}' also takes **kwargs; settings passed that way are not read`);
    for (const other of trainerArgs.slice(1)) warnAt(other.calleeStart, other.calleeEnd, `another '${other.written}' call; the settings of the first one (line ${map.range(call.start, call.end).line}) are used`);
  }
  // HfArgumentParser((..., TrainingArguments)).parse_args_into_dataclasses(): TrainingArguments from the
  // command line, so its dataclass defaults apply unless a launcher passes the flags.
  const parsed = calls('hf-argument-parser').find(parsesTrainingArguments);
  if (trainerArgs.length === 0 && parsed !== undefined) {
    readTrainerArguments(root.sibling(callNode({ ...parsed, args: [] }, map, []), 'TrainingArguments'), out, warnings, links);
  }
  const lightning = calls('lightning-trainer')[0];
  if (lightning !== undefined) readLightningTrainer(root.sibling(callNode(lightning, map, []), lightning.written), out, warnings, links);
  else {
    // LightningCLI(Model, trainer_defaults={...}): the Trainer the CLI builds, with those defaults (a config file or flags may change them).
    const cli = calls('lightning-cli')[0];
    const defaults = cli === undefined ? undefined : root.sibling(callNode(cli, map, ['model_class', 'datamodule_class']), cli.written).nested('trainer_defaults');
    if (defaults !== undefined) readLightningTrainer(defaults, out, warnings, links);
  }

  // 2. An optimizer built in the program replaces the Trainer's.
  const optimizers = [...calls('optimizer'), ...calls('timm-optimizer'), ...calls('keras-compile').filter((c) => kerasOptimizerSpelling(c) !== null)]
    .sort((a, b) => a.start - b.start);
  const built = optimizers.find((c) => roleOf(c) !== 'keras-compile') ?? optimizers[0];
  if (built !== undefined) {
    const role = roleOf(built);
    if (role === 'optimizer') readOptimizerCall(built, root, out, map);
    else if (role === 'timm-optimizer') readTimmOptimizer(withTimmOptimizerKwargs(built, program, out.notes), root, out, map);
    else readKerasCompile(built, root, out, map);
    for (const other of optimizers) {
      if (other === built || (roleOf(other) === 'keras-compile' && other.args.some((a) => a.value.kind === 'call' && a.value.call === built))) continue;
      if (other.start > built.start && other.end <= built.end) continue;
      warnAt(other.calleeStart, other.calleeEnd, `another optimizer ('${other.written}'); the estimate uses the first one, '${built.written}' on line ${map.range(built.calleeStart, built.calleeEnd).line}`);
    }
  }

  if (built === undefined && isTimmTrainArguments(program)) readTimmTrainArguments(program, root, out, map, links);
  const diffusers = isDiffusersTrainArguments(program);
  if (diffusers) readDiffusersTrainArguments(program, root, out, map);
  // A torch/transformers scheduler built beside the optimizer: the schedule (the outermost one; SequentialLR's parts are read through it).
  const schedulers = calls('lr-scheduler');
  const outer = schedulers.find((s) => s.callee.endsWith('.SequentialLR')) ?? schedulers.find((s) => !schedulers.some((o) => o !== s && o.start <= s.start && s.end <= o.end && !(o.start === s.start && o.end === s.end)));
  if (outer !== undefined) readTorchScheduler(outer, out, map);

  // 3. The model, the dtype it is loaded in (the first from_pretrained that states one; it replaces
  // Trainer-argument torch_dtype keys) and QLoRA's bitsandbytes config.
  let qlora = false;
  let qloraFromId: SourceRange | undefined;
  let loadDtypeRead = false;
  for (const call of calls('model')) {
    const args: CallArgument[] = [];
    for (const a of call.args) {
      const node = toNode(a.value, map);
      if (node !== undefined) args.push({ name: a.name, node });
    }
    const ref = modelOfCall(call.callee, args);
    if (ref === null) continue;
    const range = ref.range ?? map.range(call.calleeStart, call.calleeEnd);
    const reader = root.sibling(callNode(call, map, []), call.written);
    root.recordValue(call.written, { kind: 'string', value: ref.id, start: call.calleeStart, end: call.calleeEnd, range }, ref.id);
    links.push({ kind: 'model', key: call.written, value: ref.id, range, ...(ref.revision !== undefined ? { revision: ref.revision } : {}), ...(ref.subfolder !== undefined ? { subfolder: ref.subfolder } : {}) });
    if (ref.pretraining !== null && out.settings.pretraining === undefined) out.set('pretraining', ref.pretraining, range);
    if (reader.boolean('load_in_4bit', true)?.value === true) qlora = true;
    // Unsloth's `-bnb-4bit` repos store the weights in bitsandbytes 4-bit (models/unsloth.ts): QLoRA, read from the id.
    if (isUnslothBnb4bit(ref.id)) {
      qlora = true;
      qloraFromId ??= range;
      if (unslothMirror(ref.id)?.quantized === 'dynamic-4bit') {
        warnings.push({ message: `'${ref.id}' is Unsloth's dynamic 4-bit upload, which leaves some layers unquantized (Unsloth: under 10% more memory than bitsandbytes 4-bit); the estimate counts every quantizable weight as 4-bit`, line: range.line, column: range.column });
      }
    }
    if (!loadDtypeRead) loadDtypeRead = readCallDtype(reader, call, out, map, warnings);
  }
  let computeDtype: Read<FloatDtype> | undefined;
  for (const call of calls('bnb-config')) {
    const reader = root.sibling(callNode(call, map, []), call.written);
    if (reader.boolean('load_in_4bit', true)?.value === true) {
      qlora = true;
      computeDtype ??= readComputeDtype(reader, 'bnb_4bit_compute_dtype', warnings);
    }
  }
  if (qlora && computeDtype !== undefined) out.set('qloraComputeDtype', computeDtype.value, computeDtype.range);
  readKerasHub(byRole, root, out, map, links);
  if (out.settings.seqLen === undefined) readUnslothSeqLen([...calls('sft-trainer'), ...calls('model').filter((c) => c.callee.startsWith('unsloth.'))], root, map, out);
  readLoraConfig(calls('lora-config')[0], root, out, map, qlora, warnings);
  if (qloraFromId !== undefined && (out.settings.lora?.qlora === true || out.loraWithoutTargets?.qlora === true)) out.sources['lora.qlora'] = out.source(qloraFromId);

  // 4. Batch size, precision, checkpointing hints.
  if (out.settings.perDeviceBatchSize === undefined) readBatchSize([...calls('dataloader'), ...calls('keras-fit')], root, out, map);
  if (out.settings.perDeviceBatchSize === undefined && calls('keras-fit').length > 0) {
    // tf.data: `ds.batch(n)` feeding model.fit(ds) gives the batch.
    const batch = calls('tf-batch').map((c) => c.args[0].value).find((v) => v.kind === 'number' && Number.isInteger(v.value) && v.value >= 1);
    if (batch !== undefined && batch.kind === 'number') out.set('perDeviceBatchSize', batch.value, map.range(batch.start, batch.end));
  }
  if (out.settings.precision === undefined && isDeepSpeedChatArguments(program)) {
    // DeepSpeed-Chat's main.py: --dtype picks the DeepSpeed config's fp16 / bf16 section (dschat/utils/ds_utils.py
    // get_train_ds_config), so its default is the job's precision unless the launch passes --dtype.
    const dtype = program.argparseDefault('dtype');
    const p = dtype?.kind === 'string' ? DS_CHAT_DTYPES[dtype.value.toLowerCase()] : undefined;
    if (dtype != null && p !== undefined) {
      out.set('precision', p, map.range(dtype.start, dtype.end));
      const node = toNode(dtype, map);
      if (node !== undefined) root.recordValue('--dtype', node, (dtype as { value: string }).value);
    }
  }
  if (out.settings.precision === undefined) readPrecisionHints(byRole, root, out, map);
  // torchvision's RandomResizedCrop(size): the training images' size (a square int; [h, w] is not read).
  const crop = calls('train-crop')[0];
  if (crop !== undefined && out.settings.imageSize === undefined) {
    const size = root.sibling(callNode(crop, map, ['size']), crop.written).number('size', { integer: true, min: 1 });
    if (size?.value != null) out.set('imageSize', size.value, size.range);
  }
  readAccumulationVariable(program, out, map);
  if (program.isImported('jax')) {
    readJaxLocals(program, out, map);
    readHalfPrecisionBranches(program, out, map);
  }
  const checkpointing = calls('checkpointing')[0];
  if (checkpointing !== undefined && out.settings.gradientCheckpointing === undefined) {
    out.set('gradientCheckpointing', true, map.range(checkpointing.calleeStart, checkpointing.calleeEnd));
  }

  const fields = [...root.fields].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  const commandLine =
    built === undefined && isTimmTrainArguments(program) ? commandLineTable(program, map, 'timm')
    : diffusers ? { ...commandLineTable(program, map, 'diffusers'), modelSubfolder: (diffusersModelCall(program) as { subfolder: string }).subfolder }
    : undefined;
  return { fields, error: root.error, warnings, role: 'training', contribution: out.build(), links, ...(commandLine !== undefined ? { commandLine } : {}) };
}

/** keras_hub Backbone.get_lora_target_names: the query and value projections (Gemma/Llama names: q_proj, v_proj). */
const KERAS_HUB_LORA_SOURCE = {
  title: 'keras_hub Backbone.enable_lora / get_lora_target_names',
  url: 'https://github.com/keras-team/keras-hub/blob/ec0a914a36f0e428b55049168c2f1ec67e7889d2/keras_hub/src/models/backbone.py',
  locator: 'get_lora_target_names(): ["query_dense", "value_dense", "query", "value"]',
};

/**
 * Keras Hub: `XCausalLM.from_preset("gemma_2b_en")` names the model (a preset name), a preprocessor's
 * `sequence_length=` is the sequence length, `backbone.enable_lora(rank=4)` is LoRA on the query and value
 * projections (KERAS_HUB_LORA_SOURCE).
 */
function readKerasHub(byRole: ReadonlyMap<CallRole, PyCall[]>, root: FieldReader, out: ContributionBuilder, map: RangeMapper, links: Link[]): void {
  const preset = byRole.get('keras-preset')?.[0];
  const name = preset?.args.find((a) => a.name === 'preset' || a.name === null)?.value;
  if (preset !== undefined && name?.kind === 'string') {
    const range = map.range(name.start, name.end);
    root.recordValue(preset.written, { kind: 'string', value: name.value, start: name.start, end: name.end, range }, name.value);
    links.push({ kind: 'model', key: preset.written, value: name.value, range });
    if (out.settings.pretraining === undefined) out.set('pretraining', false, range);
  }
  for (const pre of byRole.get('keras-preprocessor') ?? []) {
    if (out.settings.seqLen !== undefined) break;
    const seq = root.sibling(callNode(pre, map, []), pre.written).number('sequence_length', { integer: true, min: 1 });
    if (seq?.value != null) out.set('seqLen', seq.value, seq.range);
  }
  const lora = byRole.get('keras-lora')?.[0];
  if (lora !== undefined && out.settings.lora === undefined) {
    const rank = root.sibling(callNode(lora, map, ['rank']), lora.written).number('rank', { integer: true, min: 1 });
    if (rank?.value != null) {
      out.set('lora', { rank: rank.value, targets: ['q_proj', 'v_proj'], qlora: false }, map.range(lora.calleeStart, lora.calleeEnd));
      out.sources['lora.rank'] = out.source(rank.range);
      out.notes.push(`LoRA targets: ${KERAS_HUB_LORA_SOURCE.title} puts the adapters on the query and value projections (q_proj, v_proj)`);
    }
  }
  // `model.quantize("int8")`: the frozen base weights in int8 under the LoRA adapters.
  const quantize = byRole.get('keras-quantize')?.find((c) => c.args[0]?.value.kind === 'string' && c.args[0].value.value === 'int8');
  if (quantize !== undefined && out.settings.lora !== undefined) {
    out.set('lora', { ...out.settings.lora, int8: true }, map.range(quantize.calleeStart, quantize.calleeEnd));
  }
}

/**
 * `from_pretrained(..., torch_dtype=...)` / `dtype=...`: sets the load dtype when written as a
 * literal or a torch dtype; an expression is reported as unknown. True when the call wrote one.
 */
function readCallDtype(reader: FieldReader, call: PyCall, out: ContributionBuilder, map: RangeMapper, warnings: ParseWarning[]): boolean {
  const read = readLoadDtype(reader, warnings);
  if (read !== undefined) {
    out.set('loadDtype', read.value, read.range);
    return true;
  }
  const opaque = ['dtype', 'torch_dtype'].find((k) => reader.isOpaque(k));
  if (opaque === undefined) return false;
  const arg = call.args.find((a) => a.name === opaque) as PyArg;
  const r = map.range(arg.start, arg.end);
  warnings.push({ message: `'${call.written}' ${opaque} is not a literal or a torch dtype; the load dtype is unknown`, line: r.line, column: r.column });
  return true;
}

function mergeObjects(a: PartialObjectNode, b: PartialObjectNode): PartialObjectNode {
  const members = [...a.members, ...b.members.filter((m) => m.key !== '_target_' && !a.index.has(m.key))];
  const index = new Map(a.index);
  const value: Record<string, unknown> = { ...a.value };
  for (const m of members) {
    if (!index.has(m.key)) {
      index.set(m.key, m);
      value[m.key] = m.node.value;
    }
  }
  return { ...a, members, index, value: value as PartialObjectNode['value'], opaqueKeys: new Set([...a.opaqueKeys, ...b.opaqueKeys]) };
}

/** Optimizer hyperparameters of a call's arguments (learning rate and weight decay go to their settings). */
function readCallOptimizerArguments(reader: FieldReader, out: ContributionBuilder, skip: ReadonlySet<string>): void {
  out.unset('optimizerParams');
  out.dropDefault('optimizerParams');
  const params = readOptimizerArguments(reader, out, {
    skip: (key) => skip.has(key) || key === '_target_',
    lrKeys: ['lr', 'learning_rate'],
    // A schedule object (optax, Keras) or another expression: read as a schedule, never a rejection.
    otherLr: (key) => {
      const kind = reader.node(key)?.kind;
      if (kind === undefined || kind === 'number' || kind === 'null') return false;
      readLrSchedule(reader, key, out);
      return true;
    },
    numberListsOnly: true,
  });
  if (params['nesterov'] === true && reader.isOpaque('momentum')) {
    // nesterov=True with a momentum that is not a literal (optax.sgd(momentum=config.momentum, nesterov=True)): the
    // value is unknown, so Nesterov is not claimed (it needs a momentum > 0 to be checked) and the note says so.
    delete params['nesterov'];
    delete out.sources['optimizerParams.nesterov'];
    out.notes.push('momentum is not a literal, so Nesterov momentum is not checked or counted: SGD without a momentum buffer is assumed (state momentum to count its buffer)');
  }
  keepOptimizerParams(out, params);
}

/** Forgets what Trainer arguments said about the optimizer: the Trainer uses the one it is given. */
function clearTrainerOptimizer(out: ContributionBuilder): void {
  for (const key of ['optimizer', 'learningRate', 'weightDecay'] as const) {
    out.unset(key);
    out.dropDefault(key);
  }
}

function replaceOptimizer(out: ContributionBuilder, spelling: string, ecosystem: Ecosystem | undefined, range: SourceRange): void {
  clearTrainerOptimizer(out);
  out.set('optimizer', spelling, range);
  out.optimizerEcosystem = ecosystem;
}

/** Records a value for a call (a field named after the call) at the callee. */
function recordCall(root: FieldReader, call: PyCall, map: RangeMapper, value: string): void {
  const range = map.range(call.calleeStart, call.calleeEnd);
  root.recordValue(call.written, { kind: 'string', value, start: call.calleeStart, end: call.calleeEnd, range }, value);
}

function readOptimizerCall(call: PyCall, root: FieldReader, out: ContributionBuilder, map: RangeMapper): void {
  const found = optimizerOf(call.callee) as { spelling: string; ecosystem: Ecosystem | undefined };
  const reader = root.sibling(callNode(call, map, positionalNames(call.callee)), call.written);
  recordCall(root, call, map, found.spelling);
  replaceOptimizer(out, found.spelling, found.ecosystem, map.range(call.calleeStart, call.calleeEnd));
  readCallOptimizerArguments(reader, out, new Set(['params']));
}

/**
 * `create_optimizer_v2(model, **optimizer_kwargs(cfg=args))`: the call with the `cfg` attributes
 * optimizer_kwargs passes (opt, lr, weight_decay, momentum) as keywords, read from the argparse
 * defaults (TIMM_OPTIMIZER_KWARGS_SOURCE). A written keyword wins. When `args.lr` is None, timm's
 * train.py computes it from `--lr-base` (TIMM_TRAIN_LR_SOURCE): that value is given as the lr.
 */
function withTimmOptimizerKwargs(call: PyCall, program: PythonProgram, notes: string[]): PyCall {
  const kwargs = program.calls.find((c) => LAST(c.callee) === 'optimizer_kwargs' && c.start > call.start && c.end <= call.end);
  if (kwargs === undefined) return call;
  const cfg = kwargs.args.find((a) => a.name === 'cfg' || a.name === null);
  if (cfg === undefined) return call;
  const base = program.text.slice(cfg.start, cfg.end).trim();
  if (!/^[A-Za-z_]\w*$/.test(base)) return call;
  const extra: PyArg[] = [];
  for (const name of TIMM_OPTIMIZER_KWARGS) {
    if (call.args.some((a) => a.name === name)) continue;
    let value = program.resolveArgparse(base, name);
    if (value === undefined || value === null) continue;
    // train.py sets `args.lr` itself when --lr is None, so the resolved value is unknown: the default tells.
    const unset = program.argparseDefault(name);
    if (name === 'lr' && unset?.kind === 'none') {
      const computed = timmTrainLr(program, base, unset);
      if (computed !== null) {
        value = computed.value;
        notes.push(`learning rate ${computed.value.value} computed as ${TIMM_TRAIN_LR_SOURCE.title} does (${computed.how}), assuming one GPU (the global batch counts every GPU); ${TIMM_OPTIMIZER_KWARGS_SOURCE.title} passes it on`);
      }
    }
    extra.push({ name, value, start: value.start, end: value.end });
  }
  return { ...call, args: [...call.args, ...extra] };
}

/** timm train.py's lr when --lr is unset: lr_base × (batch × grad accumulation / lr_base_size), sqrt-scaled for Ada and LAMB optimizers (one GPU). */
function timmTrainLr(program: PythonProgram, base: string, unset: PyValue): { value: Extract<PyValue, { kind: 'number' }>; how: string } | null {
  const num = (name: string): number | null => {
    const v = program.resolveArgparse(base, name);
    return v != null && v.kind === 'number' ? v.value : null;
  };
  const lrBase = num('lr_base');
  const size = num('lr_base_size');
  const batch = num('batch_size');
  if (lrBase === null || size === null || batch === null || !/lr_base/.test(program.text)) return null;
  const accum = num('grad_accum_steps') ?? 1;
  const opt = program.resolveArgparse(base, 'opt');
  const sqrt = opt != null && opt.kind === 'string' && /ada|lamb/.test(opt.value.toLowerCase());
  const ratio = (batch * accum) / size;
  const lr = lrBase * (sqrt ? Math.sqrt(ratio) : ratio);
  const how = `lr_base ${lrBase} × ${sqrt ? 'sqrt' : ''}(${batch}${accum !== 1 ? ` × ${accum}` : ''} / ${size})`;
  return { value: { kind: 'number', value: lr, raw: String(lr), start: unset.start, end: unset.end }, how };
}

/** timm train.py's `--lr-base-size` default: the global batch size lr_base is given for. */
const TIMM_LR_BASE_SIZE = 256;

/**
 * timm train.py's argparse defaults as the job's values (the launch's flags override them): model, micro-batch,
 * gradient accumulation, optimizer, lr (from --lr-base when --lr is None, one GPU), weight decay, warmup epochs,
 * and --amp (off: fp32; on: --amp-dtype). The flags a launch passes are read in the join (../command-line.ts).
 */
function readTimmTrainArguments(program: PythonProgram, root: FieldReader, out: ContributionBuilder, map: RangeMapper, links: Link[]): void {
  const arg = (dest: string): PyValue | null => program.argparseDefault(dest) ?? null;
  const record = (dest: string, value: PyValue): void => {
    const node = toNode(value, map);
    const plain = node?.value;
    if (node !== undefined && (typeof plain === 'number' || typeof plain === 'string' || typeof plain === 'boolean')) root.recordValue(`--${dest.replace(/_/g, '-')}`, node, plain);
  };
  const int = (dest: string, key: 'perDeviceBatchSize' | 'gradAccum'): number | null => {
    const v = arg(dest);
    if (v?.kind !== 'number' || !Number.isInteger(v.value) || v.value < 1) return null;
    out.set(key, v.value, map.range(v.start, v.end));
    record(dest, v);
    return v.value;
  };
  const model = arg('model');
  if (model?.kind === 'string' && model.value !== '') {
    const range = map.range(model.start, model.end);
    record('model', model);
    links.push({ kind: 'model', key: '--model', value: `timm/${model.value}`, range });
    const pretrained = arg('pretrained');
    if (pretrained?.kind === 'bool') out.set('pretraining', !pretrained.value, map.range(pretrained.start, pretrained.end));
  }
  const batch = int('batch_size', 'perDeviceBatchSize');
  const accum = int('grad_accum_steps', 'gradAccum') ?? 1;
  const opt = arg('opt');
  if (opt?.kind === 'string') {
    replaceOptimizer(out, opt.value, 'timm', map.range(opt.start, opt.end));
    record('opt', opt);
  }
  const wd = arg('weight_decay');
  if (wd?.kind === 'number' && wd.value >= 0) {
    out.set('weightDecay', wd.value, map.range(wd.start, wd.end));
    record('weight_decay', wd);
  }
  const lr = arg('lr');
  const lrBase = arg('lr_base');
  if (lr?.kind === 'number' && lr.value >= 0) {
    out.set('learningRate', lr.value, map.range(lr.start, lr.end));
    record('lr', lr);
  } else if (lrBase?.kind === 'number' && batch !== null) {
    const sizeArg = arg('lr_base_size');
    const size = sizeArg?.kind === 'number' && sizeArg.value > 0 ? sizeArg.value : TIMM_LR_BASE_SIZE;
    const sqrt = opt?.kind === 'string' && /ada|lamb/.test(opt.value.toLowerCase());
    const ratio = (batch * accum) / size;
    const value = lrBase.value * (sqrt ? Math.sqrt(ratio) : ratio);
    out.set('learningRate', value, map.range(lrBase.start, lrBase.end));
    out.notes.push(`learning rate ${value} computed as ${TIMM_TRAIN_LR_SOURCE.title} does when --lr is unset: lr_base ${lrBase.value} × ${sqrt ? 'sqrt' : ''}(${batch}${accum !== 1 ? ` × ${accum}` : ''} / ${size}), assuming one GPU (the global batch counts every GPU)`);
  }
  const warmup = arg('warmup_epochs');
  if (warmup?.kind === 'number' && warmup.value >= 0) {
    out.set('warmupEpochs', warmup.value, map.range(warmup.start, warmup.end));
    record('warmup_epochs', warmup);
  }
  const amp = arg('amp');
  if (amp?.kind === 'bool') {
    const dtype = arg('amp_dtype');
    if (!amp.value) out.set('precision', 'fp32', map.range(amp.start, amp.end));
    else if (dtype?.kind === 'string') out.set('precision', dtype.value === 'bfloat16' ? 'bf16-mixed' : 'fp16-mixed', map.range(dtype.start, dtype.end));
    record('amp', amp);
  }
}

/** A program's option table and its literal defaults, for the flags its launch passes (../command-line.ts). */
function commandLineTable(program: PythonProgram, map: RangeMapper, reader: CommandLineTable['reader']): CommandLineTable {
  const options: Record<string, { dest: string; stores?: boolean }> = {};
  const defaults: Record<string, { value: number | string | boolean | null; range: SourceRange }> = {};
  for (const [option, o] of program.argparseOptions()) {
    options[option] = o;
    const v = program.argparseDefault(o.dest);
    if (v == null || defaults[o.dest] !== undefined) continue;
    const value = v.kind === 'number' || v.kind === 'string' || v.kind === 'bool' ? v.value : v.kind === 'none' ? null : undefined;
    if (value !== undefined) defaults[o.dest] = { value, range: map.range(v.start, v.end) };
  }
  return { reader, options, defaults };
}

/**
 * A diffusers example script's argparse defaults as the job's values (the launch's flags replace them:
 * ../command-line.ts DIFFUSERS_DESTS): `--train_batch_size`, `--gradient_accumulation_steps`, `--resolution` (the
 * training images' size), `--lr_warmup_steps`, `--gradient_checkpointing`, `--mixed_precision`. The optimizer, its
 * lr and weight decay are read from the optimizer call, which names `args.learning_rate` / `args.adam_weight_decay`.
 */
function readDiffusersTrainArguments(program: PythonProgram, root: FieldReader, out: ContributionBuilder, map: RangeMapper): void {
  for (const [dest, key] of Object.entries(DIFFUSERS_DESTS)) {
    const v = program.argparseDefault(dest);
    if (v == null || out.settings[key] !== undefined) continue;
    const value = diffusersSetting(key, v.kind === 'number' || v.kind === 'string' || v.kind === 'bool' ? v.value : null);
    if (value === null) continue;
    out.set(key, value as never, map.range(v.start, v.end));
    const node = toNode(v, map);
    const plain = node?.value;
    if (node !== undefined && (typeof plain === 'number' || typeof plain === 'string' || typeof plain === 'boolean')) root.recordValue(`--${dest}`, node, plain);
  }
}

/** timm create_optimizer_v2(model, opt='sgd', lr=None, weight_decay=0., momentum=0.9, ...). */
function readTimmOptimizer(call: PyCall, root: FieldReader, out: ContributionBuilder, map: RangeMapper): void {
  const reader = root.sibling(callNode(call, map, TIMM_CREATE_OPTIMIZER_POSITIONAL), call.written);
  const opt = reader.string('opt');
  if (opt?.value != null) replaceOptimizer(out, opt.value, 'timm', opt.range);
  else {
    clearTrainerOptimizer(out);
    out.optimizerEcosystem = 'timm';
    if (!reader.has('opt')) out.useDefault({ setting: 'optimizer', key: 'opt', value: TIMM_DEFAULT_OPT }, TIMM_CREATE_OPTIMIZER_SOURCE);
  }
  readCallOptimizerArguments(reader, out, new Set(['opt', 'model_or_params', 'filter_bias_and_bn', 'layer_decay', 'param_group_fn', 'foreach']));
}

/** Keras `model.compile(optimizer="adam")`. */
function readKerasCompile(call: PyCall, root: FieldReader, out: ContributionBuilder, map: RangeMapper): void {
  const reader = root.sibling(callNode(call, map, ['optimizer']), call.written);
  const spelling = reader.string('optimizer') as Read<string>;
  replaceOptimizer(out, spelling.value, 'keras', spelling.range);
}

function readLoraConfig(call: PyCall | undefined, root: FieldReader, out: ContributionBuilder, map: RangeMapper, qlora: boolean, warnings: ParseWarning[]): void {
  if (call === undefined) {
    if (qlora && out.settings.lora !== undefined) out.settings.lora = { ...out.settings.lora, qlora: true };
    return;
  }
  const reader = root.sibling(callNode(call, map, []), call.written);
  const rank = reader.number('r', { integer: true, min: 1 });
  reader.number('lora_alpha');
  reader.number('lora_dropout', { min: 0, max: 1 });
  const at = map.range(call.calleeStart, call.calleeEnd);
  const node = reader.node('target_modules');
  let targets: Read<string | readonly string[] | null> | undefined;
  if (node?.kind === 'string') targets = reader.string('target_modules') as Read<string>;
  else if (node !== undefined) targets = reader.stringList('target_modules', true);
  if (reader.isOpaque('target_modules')) {
    warnings.push({ message: `'${call.written}' target_modules is not a literal; the LoRA targets are unknown`, line: at.line, column: at.column });
    return;
  }
  const rankValue = rank?.value ?? PEFT_LORA_R_DEFAULT;
  if (rank === undefined) out.defaults.push({ setting: 'lora.rank', key: 'r', value: PEFT_LORA_R_DEFAULT, source: PEFT_LORA_CONFIG_SOURCE });
  else out.sources['lora.rank'] = out.source(rank.range);
  const written = targets?.value ?? null;
  if (typeof written === 'string' && written.toLowerCase() !== 'all-linear') {
    const r = (targets as Read<string>).range;
    warnings.push({ message: `'target_modules' is a regular expression ('${written}'); LoRA targets given as a pattern are not resolved`, line: r.line, column: r.column });
    return;
  }
  if (written === null) {
    out.loraWithoutTargets = { rank: rankValue, qlora, source: out.source(at) };
    return;
  }
  out.set('lora', { rank: rankValue, targets: typeof written === 'string' ? 'all-linear' : written, qlora }, at);
  out.sources['lora.targets'] = out.source((targets as Read<unknown>).range);
}

/**
 * The sequence length of an unsloth notebook: TRL's older `SFTTrainer(max_seq_length=...)` (it truncates to it),
 * else unsloth's `FastLanguageModel.from_pretrained(max_seq_length=...)`.
 */
function readUnslothSeqLen(candidates: readonly PyCall[], root: FieldReader, map: RangeMapper, out: ContributionBuilder): void {
  for (const call of candidates) {
    if (!call.args.some((a) => a.name === 'max_seq_length')) continue;
    const seq = root.sibling(callNode(call, map, []), call.written).number('max_seq_length', { integer: true, min: 1 });
    if (seq?.value != null) {
      out.set('seqLen', seq.value, seq.range);
      return;
    }
  }
}

/**
 * A JAX program's own constants, written as a statement `name = <number>` (in any function): `weight_decay` (the
 * Flax examples' train.py adds `weight_decay * 0.5 * weight_l2` to the loss, an L2 penalty rather than decoupled
 * weight decay: https://github.com/google/flax/blob/18f8f311c275d57f46d95e41b15aa97b454754c0/examples/imagenet/train.py) and `image_size` (the size
 * the same train.py gives its input pipeline). Only one statement per name is read; two different ones are not.
 */
function readJaxLocals(program: PythonProgram, out: ContributionBuilder, map: RangeMapper): void {
  const tokens = program.tokens;
  const found = new Map<string, { value: number; start: number; end: number }[]>();
  for (let i = 0; i + 3 < tokens.length; i++) {
    const t = tokens[i];
    if (t.indent < 0 || (t.text !== 'weight_decay' && t.text !== 'image_size') || tokens[i + 1].text !== '=') continue;
    const v = tokens[i + 2];
    if (v.kind !== 'number' || tokens[i + 3].kind !== 'newline' || !Number.isFinite(v.number)) continue;
    found.set(t.text, [...(found.get(t.text) ?? []), { value: v.number, start: v.start, end: v.end }]);
  }
  const single = (name: string) => {
    const list = found.get(name) ?? [];
    return list.length > 0 && list.every((x) => x.value === list[0].value) ? list[0] : undefined;
  };
  const wd = single('weight_decay');
  if (wd !== undefined && wd.value >= 0 && out.settings.weightDecay === undefined) {
    out.set('weightDecay', wd.value, map.range(wd.start, wd.end));
    out.notes.push(`weight_decay ${wd.value} is read as the job's weight decay; a JAX loss that adds weight_decay × ½‖w‖² is L2 regularisation, coupled to the gradient, not decoupled (AdamW-style) decay`);
  }
  const size = single('image_size');
  if (size !== undefined && Number.isInteger(size.value) && size.value >= 1 && out.settings.imageSize === undefined) out.set('imageSize', size.value, map.range(size.start, size.end));
}

/**
 * The Flax examples' dtype choice (examples/imagenet/train.py create_model): `if half_precision:` computes in
 * float16 off TPU (bfloat16 on TPU; Flax modules keep their parameters in float32, so this is mixed precision),
 * `else:` in float32. Each branch's `jnp.float16` / `jnp.float32` is where the value is written; the job's config
 * file (`config.half_precision`) picks the branch (./jobs.ts).
 */
function readHalfPrecisionBranches(program: PythonProgram, out: ContributionBuilder, map: RangeMapper): void {
  const tokens = program.tokens;
  /** The first line-start token after `from` indented at most `indent`, or the token count. */
  const blockEnd = (from: number, indent: number): number => {
    let k = from;
    while (k < tokens.length && !(tokens[k].indent >= 0 && tokens[k].indent <= indent)) k++;
    return k;
  };
  /** The first `jnp.<dtype>` / `numpy.<dtype>` in [from, to). */
  const dtypeIn = (from: number, to: number, dtype: string): { start: number; end: number } | undefined => {
    for (let k = from + 2; k < to; k++) {
      if (tokens[k].text === dtype && tokens[k - 1].text === '.' && (tokens[k - 2].text === 'jnp' || tokens[k - 2].text === 'numpy')) return { start: tokens[k - 2].start, end: tokens[k].end };
    }
    return undefined;
  };
  for (let i = 0; i + 2 < tokens.length; i++) {
    const t = tokens[i];
    if (t.indent < 0 || t.text !== 'if') continue;
    let c = i + 1;
    if (tokens[c]?.text === 'config' && tokens[c + 1]?.text === '.') c += 2;
    if (tokens[c]?.text !== 'half_precision' || tokens[c + 1]?.text !== ':') continue;
    const thenEnd = blockEnd(c + 2, t.indent);
    const hasElse = tokens[thenEnd]?.text === 'else' && tokens[thenEnd].indent === t.indent && tokens[thenEnd + 1]?.text === ':';
    const elseEnd = hasElse ? blockEnd(thenEnd + 2, t.indent) : thenEnd;
    const half = dtypeIn(c + 2, thenEnd, 'float16');
    const full = hasElse ? dtypeIn(thenEnd + 2, elseEnd, 'float32') : undefined;
    if (half === undefined && full === undefined) continue;
    out.precisionBySwitch = {
      switch: 'half_precision',
      ...(half !== undefined ? { whenTrue: { precision: 'fp16-mixed', source: out.source(map.range(half.start, half.end)) } } : {}),
      ...(full !== undefined ? { whenFalse: { precision: 'fp32', source: out.source(map.range(full.start, full.end)) } } : {}),
    };
    return;
  }
}

/** Names a script gives its own gradient accumulation count. */
const ACCUMULATION_NAME = /^(?:gradient_accumulation_steps|grad(?:ient)?_accum(?:ulation)?(?:_steps|_iters?)?|accum(?:ulation)?_(?:steps|iters?))$/;

/**
 * A training function's own accumulation variable (accelerate's examples: `gradient_accumulation_steps = 1`, raised
 * under `if batch_size > MAX_GPU_BATCH_SIZE ...:`), recognised by its use: the loss divided by it, the step taken
 * modulo it, or a call given it as `gradient_accumulation_steps=`. Its value is the one the function holds at that use
 * on the path the script's stated values take (./branch-value.ts); a condition that cannot be evaluated is a note
 * naming it, and the accumulation is then not read. Module globals are nanoGPT's, read with the job's overrides
 * (../module-globals.ts), not here.
 */
function readAccumulationVariable(program: PythonProgram, out: ContributionBuilder, map: RangeMapper): void {
  if (out.settings.gradAccum !== undefined) return;
  const tokens = program.tokens;
  const text = (s: number, e: number): string => program.text.slice(tokens[s].start, tokens[e - 1].end).replace(/\s+/g, ' ');
  const lineOf = (i: number): number => map.range(tokens[i].start, tokens[i].end).line;
  for (let i = 2; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'name' || !ACCUMULATION_NAME.test(t.text) || program.scopeKindAt(i) !== 'def') continue;
    const prev = tokens[i - 1];
    const divides = prev.kind === 'op' && (prev.text === '/' || prev.text === '//' || prev.text === '%');
    const passed = prev.kind === 'op' && prev.text === '=' && prev.depth > 0 && tokens[i - 2].text === 'gradient_accumulation_steps';
    const next = tokens[i + 1];
    if ((!divides && !passed) || (next !== undefined && next.kind === 'op' && (next.text === '.' || next.text === '[' || next.text === '('))) continue;
    const reached = reachingValue(program, t.text, i);
    if (reached === null) continue;
    const where = (k: number): string => `${out.path}:${lineOf(k)}`;
    if (reached.kind === 'open') {
      const cond = reached.condition;
      const test = cond.test === null ? '' : ` ${text(cond.test[0], cond.test[1])}`;
      const before = reached.value === null ? 'not known' : `'${program.text.slice(reached.value.start, reached.value.end)}'`;
      out.notes.push(`${where(reached.assignment)}: ${t.text} is ${before} unless '${cond.keyword}${test}' (line ${lineOf(cond.at)}) runs and assigns it again; that is not known statically, so the accumulation is not read`);
      return;
    }
    const v = reached.value;
    if (v.kind !== 'number' || !Number.isInteger(v.value) || v.value < 1) {
      out.notes.push(`${where(reached.at)}: ${t.text} is '${program.text.slice(v.start, v.end)}', which is not known statically; the accumulation is not read`);
      return;
    }
    out.set('gradAccum', v.value, map.range(v.start, v.end));
    for (const b of reached.skipped) {
      const test = b.test === null ? '' : ` ${text(b.test[0], b.test[1])}`;
      out.notes.push(`${where(b.at)}: '${b.keyword}${test}' does not run for the values the script states, so ${t.text} stays ${v.value}`);
    }
    return;
  }
}

/** The training DataLoader's batch size: one built for "train" data, else a shuffling one, else the first. */
function readBatchSize(candidates: readonly PyCall[], root: FieldReader, out: ContributionBuilder, map: RangeMapper): void {
  const withBatch = candidates.filter((c) => c.args.some((a) => a.name === 'batch_size') || (LAST(c.callee) === 'DataLoader' && c.args.filter((a) => a.name === null).length >= 2));
  if (withBatch.length === 0) return;
  const train = withBatch.find((c) => /train/i.test(c.target ?? '') || /train/i.test(c.lineText));
  const shuffled = withBatch.find((c) => c.args.some((a) => a.name === 'shuffle' && a.value.kind === 'bool' && a.value.value));
  const chosen = train ?? shuffled ?? withBatch[0];
  const positional = LAST(chosen.callee) === 'DataLoader' ? ['dataset', 'batch_size'] : LAST(chosen.callee) === 'create_loader' ? TIMM_CREATE_LOADER_POSITIONAL : [];
  const reader = root.sibling(callNode(chosen, map, positional), chosen.written);
  const batch = reader.number('batch_size', { integer: true, min: 1 });
  if (batch?.value != null) out.set('perDeviceBatchSize', batch.value, batch.range);
}

function readPrecisionHints(byRole: ReadonlyMap<CallRole, PyCall[]>, root: FieldReader, out: ContributionBuilder, map: RangeMapper): void {
  const set = (precision: Precision, start: number, end: number) => out.set('precision', precision, map.range(start, end));
  const autocast = byRole.get('autocast')?.[0];
  if (autocast !== undefined) {
    // TORCH_AUTOCAST_SOURCE: without dtype, float16 on CUDA and bfloat16 on the CPU.
    const enabled = autocast.args.find((a) => a.name === 'enabled')?.value;
    if (enabled?.kind === 'bool' && !enabled.value) {
      // autocast(enabled=False) (timm's `enabled=args.amp` with --amp off): no mixed precision.
      set('fp32', enabled.start, enabled.end);
      recordCall(root, autocast, map, autocast.callee);
      return;
    }
    const dtype = autocast.args.find((a) => a.name === 'dtype')?.value;
    const device = autocast.args.find((a) => a.name === 'device_type' || a.name === null)?.value;
    const cpu = autocast.callee.startsWith('torch.cpu.') || (device?.kind === 'string' && device.value === 'cpu');
    const path = dtype?.kind === 'ref' ? dtype.path : dtype?.kind === 'string' ? `torch.${dtype.value}` : null;
    if (path === 'torch.bfloat16') set('bf16-mixed', (dtype as PyValue).start, (dtype as PyValue).end);
    else if (path === 'torch.float16' || path === 'torch.half') set('fp16-mixed', (dtype as PyValue).start, (dtype as PyValue).end);
    else if (dtype === undefined) set(cpu ? 'bf16-mixed' : 'fp16-mixed', autocast.calleeStart, autocast.calleeEnd);
    if (out.settings.precision !== undefined) recordCall(root, autocast, map, autocast.callee);
    return;
  }
  const accelerator = byRole.get('accelerator')?.[0];
  const mixed = accelerator?.args.find((a) => a.name === 'mixed_precision')?.value;
  if (mixed?.kind === 'string') {
    const p: Precision | undefined = mixed.value === 'bf16' ? 'bf16-mixed' : mixed.value === 'fp16' ? 'fp16-mixed' : mixed.value === 'no' ? 'fp32' : undefined;
    if (p !== undefined) {
      root.sibling(callNode(accelerator as PyCall, map, []), (accelerator as PyCall).written).string('mixed_precision');
      set(p, mixed.start, mixed.end);
      return;
    }
  }
  const policy = byRole.get('keras-policy')?.[0]?.args[0]?.value;
  if (policy?.kind === 'string' && (policy.value === 'mixed_bfloat16' || policy.value === 'mixed_float16')) {
    // KERAS_MIXED_PRECISION_SOURCE: float32 variables, half-precision compute.
    set(policy.value === 'mixed_bfloat16' ? 'bf16-mixed' : 'fp16-mixed', policy.start, policy.end);
    return;
  }
  if (policy?.kind === 'string' && (policy.value === 'bfloat16' || policy.value === 'float16')) {
    // A plain dtype policy: variables and compute in that dtype (keras.config.set_dtype_policy).
    set(policy.value === 'bfloat16' ? 'bf16' : 'fp16', policy.start, policy.end);
    return;
  }
  const scaler = byRole.get('grad-scaler')?.[0];
  // A GradScaler is only needed for float16 autocast.
  if (scaler !== undefined) set('fp16-mixed', scaler.calleeStart, scaler.calleeEnd);
  else if (accelerator !== undefined && (mixed === undefined || mixed.kind === 'none' || mixed.kind === 'ref')) {
    // An Accelerator whose mode the script leaves open: the launch's (an accelerate config, --mixed_precision) or "no".
    const written = mixed?.kind === 'ref' ? `Accelerator(mixed_precision=${mixed.path}), not resolved statically` : 'Accelerator(mixed_precision=None)';
    out.useDefault({ setting: 'precision', key: 'mixed_precision', value: 'fp32', note: `${written}: "no" (fp32) unless accelerate launch or ACCELERATE_MIXED_PRECISION sets a mode` }, ACCELERATE_MIXED_PRECISION_SOURCE);
  }
}
