/**
 * axolotl config YAML (any name): recognised by `base_model` together with a key only axolotl
 * uses (`micro_batch_size`, `sequence_len`, `adapter`, `datasets`, ...). TRL / alignment-handbook
 * recipes name the model `model_name_or_path` and use TrainingArguments keys, so they do not match.
 * Keys and defaults per axolotl's pydantic schemas (../axolotl-defaults.ts).
 *
 * Precision: axolotl loads the model in bf16 (fp16) when `bf16` (`fp16`) is set and trains it
 * with the Trainer's AMP on top, so weights, gradients and optimizer states are half precision:
 * the estimator's pure 'bf16'/'fp16'. Under DeepSpeed (`deepspeed:`), DeepSpeed keeps fp32 master
 * weights and states: the mixed precisions, which the estimator accounts ZeRO-style. The same
 * flags give the load dtype (cfg.torch_dtype: bf16, fp16, else fp32), which QLoRA also takes as
 * bnb_4bit_compute_dtype; LoRA adapters come from PEFT's get_peft_model (fp32 unless
 * `peft_autocast_adapter_dtype: false`).
 */
import type { FsdpVersion } from '../../memory/types';
import type { ObjectNode, ParsedNode, ParseWarning, StringNode } from '../../parse/node';
import type { FloatDtype, HyperValue, Precision } from '../../types';
import { AXOLOTL_CONFIG_DEFAULTS, AXOLOTL_CONFIG_SCHEMA, AXOLOTL_DEFAULTS, AXOLOTL_TRAINING_SCHEMA } from '../axolotl-defaults';
import { ContributionBuilder } from '../contribution';
import { readDeepSpeed } from '../deepspeed-settings';
import type { Detection, Detector, Link, ParsedFile } from '../detector';
import { FieldReader, type Read } from '../fields';
import { TRAINER_ADAM_BETAS } from '../hf-defaults';
import { isHybridFsdp, zeroStageOfFsdp } from '../sharding';
import type { ScanFile, SourceRange } from '../types';

/** Keys that axolotl configs have and TrainingArguments-style YAML does not. */
const AXOLOTL_KEYS = [
  'micro_batch_size', 'sequence_len', 'adapter', 'lora_target_linear', 'dataset_prepared_path', 'sample_packing',
  'pad_to_sequence_len', 'val_set_size', 'num_epochs', 'train_on_inputs', 'lora_model_dir', 'flash_attention',
  'xformers_attention', 'tokenizer_type', 'is_llama_derived_model', 'is_mistral_derived_model', 'datasets',
  'special_tokens', 'eval_sample_packing', 'lr_scheduler',
];
const AXOLOTL_TEXT = new RegExp(`^(${AXOLOTL_KEYS.join('|')})\\s*:`, 'm');

/** The kind of this detector's findings (fixes/structured.ts: the quick fix writes axolotl's key names). */
export const AXOLOTL_CONFIG_KIND = 'axolotl-config';

export const axolotlConfigDetector: Detector = {
  kind: AXOLOTL_CONFIG_KIND,
  syntaxes: ['yaml'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return /^base_model\s*:/m.test(file.text);
  },

  matches(file: ScanFile, parsed: ParsedFile): boolean {
    const root = parsed.root;
    if (root === null) return AXOLOTL_TEXT.test(file.text);
    if (root.kind !== 'object' || !root.index.has('base_model')) return false;
    return AXOLOTL_KEYS.some((k) => root.index.has(k));
  },

  detect(file: ScanFile, parsed: ParsedFile): Detection {
    const reader = new FieldReader(parsed.root as ObjectNode);
    const out = new ContributionBuilder(file.path);
    const warnings: ParseWarning[] = [];
    const links: Link[] = [];

    const base = reader.string('base_model');
    // axolotl's `revision_of_model` (docs/config.qmd): the branch, tag or commit of base_model.
    const revision = reader.string('revision_of_model', true);
    if (typeof base?.value === 'string' && base.value.trim() !== '') {
      const rev = typeof revision?.value === 'string' && revision.value.trim() !== '' ? { revision: revision.value.trim() } : {};
      links.push({ kind: 'model', key: 'base_model', value: base.value.trim(), range: base.range, ...rev });
      // axolotl loads the base model's weights: fine-tuning (or continued pre-training).
      out.set('pretraining', false, base.range);
    }
    const baseConfig = reader.string('base_model_config', true);
    if (typeof baseConfig?.value === 'string' && baseConfig.value.trim() !== '') {
      links.push({ kind: 'model', key: 'base_model_config', value: baseConfig.value.trim(), range: baseConfig.range });
    }
    reader.string('model_type', true);
    reader.string('tokenizer_type', true);

    // axolotl builds TrainingArguments from these keys and trains with the HF Trainer.
    out.runsHfTrainer = true;
    readOptimizer(reader, out);
    readBatch(reader, out);
    const seq = reader.number('sequence_len', { integer: true, min: 1 });
    if (seq?.value != null) out.set('seqLen', seq.value, seq.range);
    else if (!reader.has('sequence_len')) out.useDefault(AXOLOTL_CONFIG_DEFAULTS.seqLen, AXOLOTL_CONFIG_SCHEMA);
    const packing = reader.boolean('sample_packing', true);
    if (packing?.value === true) {
      out.set('samplePacking', true, packing.range);
      out.notModelled.push(`${file.path}:${packing.range.line}: sample_packing: samples are packed to sequence_len (every sequence full length); not modelled beyond the sequence length`);
    }
    // `flash_attention: true`, or (newer axolotl) `attn_implementation: flash_attention_2`.
    const flash = reader.boolean('flash_attention', true);
    const impl = reader.node('attn_implementation')?.kind === 'string' ? reader.string('attn_implementation') : undefined;
    const flashAt = flash?.value === true ? flash : typeof impl?.value === 'string' && impl.value.startsWith('flash_attention') ? impl : undefined;
    if (flashAt !== undefined) {
      out.set('flashAttention', true, flashAt.range);
      out.notModelled.push(`${file.path}:${flashAt.range.line}: ${flashAt.name}: FlashAttention kernels (no attention-score matrix, as SDPA); estimated as SDPA`);
    }
    readCheckpointing(reader, out);
    readLocalDatasets(reader, out);
    // utils/data/sft.py _handle_train_dataset_split: `val_set_size` (default 0) is held out of the training data.
    const val = reader.number('val_set_size', { min: 0, nullable: true });
    if (val?.value != null && val.value > 0) out.set('valHoldout', val.value, val.range);

    const deepspeed = readDistributed(reader, out, warnings, links);
    readPrecision(reader, out, warnings, deepspeed);
    readAdapter(reader, out, warnings);
    readRecipeFeatures(reader, out);
    readAdapterDtype(reader, out);

    const maxSteps = reader.number('max_steps', { integer: true, nullable: true });
    if (maxSteps?.value != null && maxSteps.value > 0) out.set('maxSteps', maxSteps.value, maxSteps.range);
    const epochs = reader.number('num_epochs', { min: 0, nullable: true });
    if (epochs?.value != null && epochs.value > 0) out.set('epochs', epochs.value, epochs.range);
    // Passed on as TrainingArguments max_grad_norm (fills DeepSpeed's "gradient_clipping": "auto").
    reader.number('max_grad_norm', { min: 0, nullable: true });
    const warmup = reader.number('warmup_steps', { integer: true, min: 0, nullable: true });
    if (warmup?.value != null) out.set('warmupSteps', warmup.value, warmup.range);
    const ratio = reader.number('warmup_ratio', { min: 0, max: 1, nullable: true });
    if (ratio?.value != null && warmup?.value == null) out.set('warmupRatio', ratio.value, ratio.range);
    const scheduler = reader.string('lr_scheduler', true);
    if (typeof scheduler?.value === 'string') out.set('scheduler', scheduler.value, scheduler.range);
    else if (!reader.has('lr_scheduler')) out.useDefault(AXOLOTL_DEFAULTS.scheduler, AXOLOTL_TRAINING_SCHEMA);

    const fields = [...reader.fields].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
    return { fields, error: reader.error, warnings, role: 'training', contribution: out.build(), links };
  },
};

function readOptimizer(reader: FieldReader, out: ContributionBuilder): void {
  // axolotl passes `optimizer` to TrainingArguments.optim (plus a few names of its own).
  out.optimizerEcosystem = 'hf';
  const optimizer = reader.string('optimizer', true);
  if (typeof optimizer?.value === 'string') out.set('optimizer', optimizer.value, optimizer.range);
  else if (!reader.has('optimizer') || optimizer?.value === null) out.useDefault(AXOLOTL_DEFAULTS.optimizer, AXOLOTL_TRAINING_SCHEMA);

  const lrNode = reader.node('learning_rate');
  if (lrNode?.kind === 'string') {
    // HyperparametersConfig.convert_learning_rate: a string is converted with float().
    const text = lrNode.value.trim();
    const value = Number(text);
    if (text === '' || !Number.isFinite(value) || value < 0) reader.fail(`'learning_rate' must be a number, not "${lrNode.value}"`, lrNode.range);
    else {
      reader.recordValue('learning_rate', lrNode, value);
      out.set('learningRate', value, lrNode.range);
    }
  } else {
    const lr = reader.number('learning_rate', { min: 0 });
    if (lr?.value != null) out.set('learningRate', lr.value, lr.range);
  }
  const wd = reader.number('weight_decay', { min: 0, nullable: true });
  if (wd?.value != null) out.set('weightDecay', wd.value, wd.range);
  else if (!reader.has('weight_decay') || wd?.value === null) out.useDefault(AXOLOTL_DEFAULTS.weightDecay, AXOLOTL_TRAINING_SCHEMA);

  const params: Record<string, HyperValue> = {};
  const beta1 = reader.number('adam_beta1', { min: 0, max: 1, nullable: true });
  const beta2 = reader.number('adam_beta2', { min: 0, max: 1, nullable: true });
  if (beta1?.value != null || beta2?.value != null) {
    // Passed on as TrainingArguments adam_beta1/adam_beta2; the one not written keeps its default.
    params.betas = [beta1?.value ?? TRAINER_ADAM_BETAS[0], beta2?.value ?? TRAINER_ADAM_BETAS[1]];
    out.sources['optimizerParams.betas'] = out.source(((beta1?.value != null ? beta1 : beta2) as Read<number>).range);
  }
  const eps = reader.number('adam_epsilon', { min: 0, nullable: true });
  if (eps?.value != null) {
    params.eps = eps.value;
    out.sources['optimizerParams.eps'] = out.source(eps.range);
  }
  if (Object.keys(params).length > 0) out.settings.optimizerParams = params;
}

function readBatch(reader: FieldReader, out: ContributionBuilder): void {
  const micro = reader.number('micro_batch_size', { integer: true, min: 1, nullable: true });
  if (micro?.value != null) out.set('perDeviceBatchSize', micro.value, micro.range);
  else out.useDefault(AXOLOTL_DEFAULTS.perDeviceBatchSize, AXOLOTL_TRAINING_SCHEMA);
  const accum = reader.number('gradient_accumulation_steps', { integer: true, min: 1, nullable: true });
  const total = reader.number('batch_size', { integer: true, min: 1, nullable: true });
  if (accum?.value != null) {
    out.set('gradAccum', accum.value, accum.range);
  } else if (total?.value != null) {
    const perStep = micro?.value ?? AXOLOTL_DEFAULTS.perDeviceBatchSize.value;
    const steps = Math.floor(total.value / perStep);
    if (steps < 1) reader.fail(`'batch_size' (${total.value}) must be at least micro_batch_size (${perStep})`, total.range);
    else out.set('gradAccum', steps, total.range);
  } else {
    out.useDefault(AXOLOTL_DEFAULTS.gradAccum, AXOLOTL_TRAINING_SCHEMA);
  }
}

function readCheckpointing(reader: FieldReader, out: ContributionBuilder): void {
  const node = reader.node('gradient_checkpointing');
  if (node === undefined || node.kind === 'null') {
    out.useDefault(AXOLOTL_CONFIG_DEFAULTS.gradientCheckpointing, AXOLOTL_CONFIG_SCHEMA);
    return;
  }
  if (node.kind === 'string') {
    // "unsloth" / "offload": checkpointing with the saved activations offloaded.
    const read = reader.string('gradient_checkpointing') as Read<string>;
    if (read.value !== 'unsloth' && read.value !== 'offload') {
      reader.fail(`'gradient_checkpointing' must be true, false, "unsloth" or "offload", not "${read.value}"`, read.range);
      return;
    }
    out.set('gradientCheckpointing', true, read.range);
    return;
  }
  const read = reader.boolean('gradient_checkpointing');
  if (read?.value != null) out.set('gradientCheckpointing', read.value, read.range);
}

/** bf16/fp16 may be true, false or "auto" (bf16 only); bfloat16/float16 are the same flags for the load dtype. */
function readFlag(reader: FieldReader, key: string, allowAuto: boolean): Read<boolean | 'auto'> | null {
  const node = reader.node(key);
  if (node === undefined || node.kind === 'null') return null;
  if (allowAuto && node.kind === 'string' && node.value === 'auto') {
    reader.recordValue(key, node, 'auto');
    return { value: 'auto', range: node.range, name: key };
  }
  const read = reader.boolean(key);
  if (read === undefined) return null; // wrong type: recorded as the error
  if (read.value === null) return null;
  return { value: read.value, range: read.range, name: read.name };
}

function readPrecision(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[], deepspeed: boolean): void {
  const bf16 = readFlag(reader, 'bf16', true);
  const fp16 = readFlag(reader, 'fp16', false);
  const bfloat16 = readFlag(reader, 'bfloat16', false);
  const float16 = readFlag(reader, 'float16', false);
  reader.boolean('tf32', true);
  const half = (flag: Read<boolean | 'auto'> | null) => flag !== null && flag.value !== false;
  let chosen: { precision: Precision; range: SourceRange } | null = null;
  if (half(bf16) || half(bfloat16)) {
    const flag = (half(bf16) ? bf16 : bfloat16) as Read<boolean | 'auto'>;
    chosen = { precision: deepspeed ? 'bf16-mixed' : 'bf16', range: flag.range };
    if (flag.value === 'auto') {
      warnings.push({
        message: "'bf16: auto' means bf16 on GPUs that support it (Ampere or newer) and fp16 otherwise; the estimate assumes bf16",
        line: flag.range.line,
        column: flag.range.column,
      });
    }
  } else if (half(fp16) || half(float16)) {
    const flag = (half(fp16) ? fp16 : float16) as Read<boolean | 'auto'>;
    chosen = { precision: deepspeed ? 'fp16-mixed' : 'fp16', range: flag.range };
  } else {
    const written = bf16 ?? fp16 ?? bfloat16 ?? float16;
    if (written !== null) chosen = { precision: 'fp32', range: written.range };
  }
  // AXOLOTL_DTYPE_SOURCE: the flags choose the dtype the model is loaded in.
  if (chosen !== null) {
    out.set('precision', chosen.precision, chosen.range);
    out.set('loadDtype', LOAD_DTYPE_OF[chosen.precision], chosen.range);
  }
}

/** cfg.torch_dtype for each precision the flags give (AXOLOTL_DTYPE_SOURCE). */
const LOAD_DTYPE_OF: Readonly<Record<Precision, FloatDtype>> = {
  bf16: 'bf16', 'bf16-mixed': 'bf16', fp16: 'fp16', 'fp16-mixed': 'fp16', fp32: 'fp32',
};

/**
 * `peft_autocast_adapter_dtype: false` is passed to get_peft_model, which then leaves the adapters
 * in the dtype of the layers they adapt: the load dtype (AXOLOTL_QLORA_SOURCE).
 */
function readAdapterDtype(reader: FieldReader, out: ContributionBuilder): void {
  const autocast = reader.boolean('peft_autocast_adapter_dtype', true);
  const lora = out.settings.lora;
  const load = out.settings.loadDtype;
  if (autocast?.value !== false || lora === undefined || load === undefined || load === 'auto' || lora.qlora) return;
  out.settings.lora = { ...lora, adapterDtype: load };
  out.sources['lora.adapterDtype'] = out.source(autocast.range);
}

/** `deepspeed:` (a path, or an inline object) and `fsdp:` / `fsdp_config:`. True when DeepSpeed is used. */
function readDistributed(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[], links: Link[]): boolean {
  let deepspeed = false;
  const ds = reader.node('deepspeed');
  if (ds?.kind === 'string') {
    const path = reader.string('deepspeed') as Read<string>;
    if (path.value.trim() !== '') {
      links.push({ kind: 'config', key: 'deepspeed', value: path.value.trim(), range: path.range });
      deepspeed = true;
    }
  } else if (ds?.kind === 'object') {
    readDeepSpeed(reader.nested('deepspeed') as FieldReader, out, warnings);
    deepspeed = true;
  } else if (ds !== undefined && ds.kind !== 'null') {
    reader.fail("'deepspeed' must be the path of a DeepSpeed config JSON", ds.range);
  }

  const fsdp = reader.node('fsdp');
  if (fsdp?.kind === 'array') {
    const list = reader.stringList('fsdp');
    if (list?.value != null) {
      // TrainingArguments.fsdp options: "full_shard", "shard_grad_op", "hybrid_shard", "offload", "auto_wrap".
      const options = list.value.map((s) => s.toLowerCase());
      const strategy = options.find((o) => zeroStageOfFsdp(o) !== null || o === 'hybrid_shard_zero2');
      if (strategy !== undefined) out.set('zeroStage', zeroStageOfFsdp(strategy) ?? 2, list.range);
      // axolotl's Trainer shards through accelerate's FSDP plugin.
      if (options.length > 0) out.set('fsdp', 'accelerate', list.range);
      if (strategy !== undefined && isHybridFsdp(strategy)) out.set('fsdpShardGroup', { kind: 'node', strategy: `fsdp ${strategy}` }, list.range);
      if (options.includes('offload')) out.set('offload', 'params', list.range);
    }
  } else if (fsdp !== undefined && fsdp.kind !== 'null') {
    reader.fail("'fsdp' must be a list such as [full_shard, auto_wrap]", fsdp.range);
  }
  const config = reader.nested('fsdp_config');
  if (config !== undefined) {
    for (const key of ['fsdp_sharding_strategy', 'sharding_strategy']) {
      const read = config.string(key, true);
      if (typeof read?.value === 'string') {
        const stage = zeroStageOfFsdp(read.value);
        if (stage === null) config.fail(`'${read.name}' is not an FSDP sharding strategy: "${read.value}"`, read.range);
        else {
          out.set('zeroStage', stage, read.range);
          out.set('fsdp', 'accelerate', read.range);
          if (isHybridFsdp(read.value)) out.set('fsdpShardGroup', { kind: 'node', strategy: `${read.name} ${read.value}` }, read.range);
        }
      }
    }
    for (const key of ['fsdp_reshard_after_forward', 'reshard_after_forward']) {
      const read = config.boolean(key, true);
      if (read?.value != null && out.settings.zeroStage === undefined) out.set('zeroStage', read.value ? 3 : 2, read.range);
    }
    for (const key of ['fsdp_offload_params', 'offload_params']) {
      const read = config.boolean(key, true);
      if (read?.value != null) out.set('offload', read.value ? 'params' : 'none', read.range);
    }
    const version = config.number('fsdp_version', { integer: true, min: 1, max: 2, nullable: true });
    if (version?.value === 2 && out.settings.zeroStage === undefined) {
      // FSDP2's fully_shard reshards after forward by default: FULL_SHARD.
      out.set('zeroStage', 3, version.range);
    }
    // fsdp_config with fsdp_version 2 and no `fsdp:` list: axolotl still shards through accelerate's FSDP plugin.
    if (version?.value === 2 && out.settings.fsdp === undefined) out.set('fsdp', 'accelerate', version.range);
    if (version?.value != null) out.set('fsdpVersion', version.value as FsdpVersion, version.range);
  }
  const version = reader.number('fsdp_version', { integer: true, min: 1, max: 2, nullable: true });
  if (version?.value != null) out.set('fsdpVersion', version.value as FsdpVersion, version.range);
  return deepspeed;
}

/**
 * Recipe features the estimator models: `rl: dpo` (a frozen reference model, memory/reference-model.ts)
 * and the Liger plugin's `liger_fused_linear_cross_entropy` (memory/loss.ts).
 */
function readRecipeFeatures(reader: FieldReader, out: ContributionBuilder): void {
  const rl = reader.string('rl', true);
  if (typeof rl?.value === 'string' && rl.value.toLowerCase() === 'dpo') out.set('referenceModel', true, rl.range);
  const liger = reader.boolean('liger_fused_linear_cross_entropy', true);
  if (liger?.value === true) out.set('loss', { kind: 'fused-linear' }, liger.range);
}

/** adapter / lora_* / load_in_*bit, with axolotl's validators (AXOLOTL_PEFT_SCHEMA). */
function readAdapter(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[]): void {
  const adapter = reader.string('adapter', true);
  const rank = reader.number('lora_r', { integer: true, min: 1, nullable: true });
  reader.number('lora_alpha', { nullable: true });
  reader.number('lora_dropout', { min: 0, max: 1, nullable: true });
  const load4 = reader.boolean('load_in_4bit', true);
  const load8 = reader.boolean('load_in_8bit', true);
  const linear = reader.boolean('lora_target_linear', true);
  let targets: Read<string | readonly string[] | null> | undefined;
  const targetNode = reader.node('lora_target_modules');
  if (targetNode?.kind === 'string') targets = reader.string('lora_target_modules') as Read<string>;
  else if (targetNode !== undefined) targets = reader.stringList('lora_target_modules', true);

  const kind = typeof adapter?.value === 'string' ? adapter.value.toLowerCase() : null;
  if (kind === null) {
    const quantised = load4?.value === true ? load4 : load8?.value === true ? load8 : null;
    if (quantised !== null) {
      reader.fail(`'${quantised.name}' needs an adapter: axolotl does not full-finetune a quantised model (set 'adapter: qlora' or 'lora')`, quantised.range);
    }
    return;
  }
  const at = (adapter as Read<string>).range;
  if (kind !== 'lora' && kind !== 'qlora') {
    warnings.push({ message: `adapter '${adapter?.value}' is not LoRA/QLoRA; its trainable parameters are not modelled`, line: at.line, column: at.column });
    return;
  }
  if (rank?.value == null) {
    reader.fail(`'adapter: ${kind}' needs 'lora_r' (axolotl passes it to PEFT's LoraConfig as r)`, at);
    return;
  }
  if (kind === 'qlora') {
    if (load8?.value === true) {
      reader.fail("'adapter: qlora' cannot load the model in 8 bit (axolotl: \"Can't load qlora in 8bit\")", load8.range);
      return;
    }
    if (load4?.value !== true) {
      reader.fail("'adapter: qlora' requires 'load_in_4bit: true' (axolotl: \"Require cfg.load_in_4bit to be True for qlora\")", at);
      return;
    }
  }
  // LLM.int8 base weights (memory/int8.ts) and PEFT modules_to_save (memory/modules-to-save.ts).
  const int8 = kind === 'lora' && load8?.value === true;
  const saveList = reader.stringList('lora_modules_to_save', true);
  const modulesToSave = Array.isArray(saveList?.value) && saveList.value.length > 0 ? saveList.value : undefined;
  const extras = { ...(int8 ? { int8: true } : {}), ...(modulesToSave !== undefined ? { modulesToSave } : {}) };
  if (int8 && load8 !== undefined) out.sources['lora.int8'] = out.source(load8.range);
  if (modulesToSave !== undefined && saveList !== undefined) out.sources['lora.modulesToSave'] = out.source(saveList.range);
  const qlora = kind === 'qlora' || load4?.value === true;
  if (qlora && out.settings.loadDtype !== undefined && out.settings.loadDtype !== 'auto') {
    // axolotl's ModelLoader: bnb_4bit_compute_dtype = cfg.torch_dtype (AXOLOTL_QLORA_SOURCE).
    out.set('qloraComputeDtype', out.settings.loadDtype, out.sources['loadDtype']?.range ?? at);
  }
  out.sources['lora.rank'] = out.source(rank.range);
  if (load4?.value === true) out.sources['lora.qlora'] = out.source(load4.range);
  if (linear?.value === true) {
    // lora_target_linear: every Linear module except the output head (PEFT's "all-linear").
    out.set('lora', { rank: rank.value, targets: 'all-linear', qlora, ...extras }, at);
    out.sources['lora.targets'] = out.source(linear.range);
    return;
  }
  const written = targets?.value ?? null;
  if (typeof written === 'string') {
    warnings.push({
      message: `'lora_target_modules' is a regular expression ('${written}'); LoRA targets given as a pattern are not resolved`,
      line: (targets as Read<string>).range.line,
      column: (targets as Read<string>).range.column,
    });
    return;
  }
  if (written === null || written.length === 0) {
    // PEFT fills target_modules from the model type; resolved when the job knows its model.
    out.loraWithoutTargets = { rank: rank.value, qlora, ...extras, source: out.source(at) };
    return;
  }
  out.set('lora', { rank: rank.value, targets: written, qlora, ...extras }, at);
  out.sources['lora.targets'] = out.source((targets as Read<unknown>).range);
}

/**
 * `datasets:` entries' `path`s (axolotl utils/data/shared.py `load_dataset_w_config`: a path that exists on disk is
 * local — a file read by its extension, .parquet, .csv, else JSON; a folder read with `load_dataset(path)` and its
 * `train` split — before the Hub): the data whose records are the training examples, each counted if it is in the
 * workspace (run-length.ts). Not when an entry lists its own `data_files`, names another `split`, has no string
 * `path`, or keeps one of its `shards` (utils/data/sft.py: `dataset.shard(num_shards=shards, index=shards_idx)`), nor
 * when `dataset_shard_num` with `dataset_shard_idx` keeps one shard of them all: then the examples trained on are not
 * the path's records.
 */
function readLocalDatasets(reader: FieldReader, out: ContributionBuilder): void {
  const node = reader.node('datasets');
  if (node?.kind !== 'array' || node.items.length === 0) return;
  // Python truthiness, as axolotl tests `if dataset_config.shards:` and `if cfg.dataset_shard_num and ...`.
  const truthy = (n: ParsedNode | undefined): boolean => n !== undefined && n.kind !== 'null' && !(n.kind === 'boolean' && !n.value) && !(n.kind === 'number' && n.value === 0) && !(n.kind === 'string' && n.value === '');
  const shardIdx = reader.node('dataset_shard_idx');
  if (truthy(reader.node('dataset_shard_num')) && shardIdx !== undefined && shardIdx.kind !== 'null') return;
  const paths: StringNode[] = [];
  for (const item of node.items) {
    if (item.kind !== 'object') return;
    const path = item.index.get('path')?.node;
    const split = item.index.get('split')?.node;
    if (path?.kind !== 'string' || path.value.trim() === '' || item.index.has('data_files') || truthy(item.index.get('shards')?.node)) return;
    if (split !== undefined && (split.kind !== 'string' || split.value.trim() !== 'train')) return;
    paths.push(path);
  }
  // Named at the first entry's path.
  out.set('trainDataFiles', paths.map((p) => p.value.trim()), paths[0]!.range);
}
