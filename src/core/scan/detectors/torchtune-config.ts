/**
 * torchtune recipe config YAML (what `tune run <recipe> --config <file>` reads): recognised by
 * `_component_` entries naming torchtune (`torchtune.models...`, `torchtune.datasets...`), or a
 * `model._component_` with an `optimizer._component_`. Hydra-style configs use `_target_`, Lightning
 * CLI configs `class_path`, so they do not match.
 *
 * Settings: the model builder maps to a bundled preset with the same architecture
 * (../torchtune-models.ts), LoRA/QLoRA from the lora_/qlora_ builders and their arguments; the
 * optimizer component and its arguments; `batch_size` (per device), `gradient_accumulation_steps`,
 * `dtype` (torchtune casts the model: pure bf16), `enable_activation_checkpointing`,
 * `tokenizer.max_seq_len`. `dtype` is also the load dtype, the dtype of the LoRA adapters (the
 * recipes build the whole model, adapters included, under training.set_default_dtype(dtype)) and,
 * for QLoRA, the dtype torchao's NF4 weights are dequantised to. FSDP keys of the distributed recipes map to ZeRO-3 (ZeRO-2 without
 * resharding after forward) and parameter offload. `optimizer_in_bwd`, `enable_activation_offloading`
 * and the `loss` component (CEWithChunkedOutputLoss / LinearCrossEntropyLoss with num_output_chunks,
 * default 8) set the estimator's recipe features (memory/step-in-backward.ts, activation-offload.ts,
 * loss.ts).
 */
import type { ObjectNode, ParseWarning, ParsedNode } from '../../parse/node';
import type { Citation, FloatDtype, Precision } from '../../types';
import { ContributionBuilder } from '../contribution';
import type { Detection, Detector, Link, ParsedFile } from '../detector';
import { FieldReader, type Read } from '../fields';
import { keepOptimizerParams, readOptimizerArguments } from '../optimizer-arguments';
import {
  TORCHTUNE_LORA_MODULES,
  TORCHTUNE_LORA_RANK_DEFAULT,
  TORCHTUNE_LORA_SOURCE,
  TORCHTUNE_MLP_MODULES,
  TORCHTUNE_MODELS,
  TORCHTUNE_OUTPUT_MODULE,
} from '../torchtune-models';
import type { ScanFile, SourceRange } from '../types';
import { TORCHTUNE_OUTPUT_CHUNKS } from '../../memory/loss';

const COMPONENT_TEXT = /_component_\s*:\s*['"]?torchtune\./;

/** `dtype` values of torchtune recipes (training.get_dtype). */
/** torchtune's tokenizers truncate to max_seq_len only when it is set (None: no truncation). */
export const TORCHTUNE_TOKENIZER_SOURCE: Citation = {
  title: 'torchtune tokenizers',
  url: 'https://github.com/pytorch/torchtune/blob/0991f97ef13735ea6d458db22137a2796f8fbf92/torchtune/modules/transforms/tokenizers/_utils.py',
  locator: 'tokenize_messages_no_special_tokens: "if max_seq_len is not None: tokenized_messages = truncate(...)" (no truncation when None)',
};

export const TORCHTUNE_DTYPES: Readonly<Record<string, Precision & FloatDtype>> = { bf16: 'bf16', fp32: 'fp32', fp16: 'fp16' };

function componentOf(node: ParsedNode | undefined): string | null {
  if (node?.kind !== 'object') return null;
  const c = node.index.get('_component_')?.node;
  return c?.kind === 'string' ? c.value : null;
}

export const torchtuneConfigDetector: Detector = {
  kind: 'torchtune-config',
  syntaxes: ['yaml'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return file.text.includes('_component_');
  },

  matches(file: ScanFile, parsed: ParsedFile): boolean {
    const root = parsed.root;
    if (root === null) return COMPONENT_TEXT.test(file.text);
    if (root.kind !== 'object') return false;
    if (root.members.some((m) => componentOf(m.node)?.startsWith('torchtune.') === true)) return true;
    return componentOf(root.index.get('model')?.node) !== null && componentOf(root.index.get('optimizer')?.node) !== null;
  },

  detect(file: ScanFile, parsed: ParsedFile): Detection {
    const reader = new FieldReader(parsed.root as ObjectNode);
    const out = new ContributionBuilder(file.path);
    const warnings: ParseWarning[] = [];
    const links: Link[] = [];

    readModel(reader, out, warnings, links);
    readOptimizer(reader, out);
    const batch = reader.number('batch_size', { integer: true, min: 1 });
    if (batch?.value != null) out.set('perDeviceBatchSize', batch.value, batch.range);
    const accum = reader.number('gradient_accumulation_steps', { integer: true, min: 1 });
    if (accum?.value != null) out.set('gradAccum', accum.value, accum.range);
    const checkpointing = reader.boolean('enable_activation_checkpointing', true);
    if (checkpointing?.value != null) out.set('gradientCheckpointing', checkpointing.value, checkpointing.range);
    const compile = reader.boolean('compile', true);
    if (compile?.value === true) {
      out.set('compile', true, compile.range);
      out.notModelled.push(`${file.path}:${compile.range.line}: compile: torch.compile's effect on activation memory is modelled only for the chunked loss (fused kernels elsewhere are not)`);
    }
    const offloading = reader.boolean('enable_activation_offloading', true);
    if (offloading?.value != null) out.set('activationOffload', offloading.value, offloading.range);
    const inBwd = reader.boolean('optimizer_in_bwd', true);
    if (inBwd?.value != null) out.set('optimizerInBackward', inBwd.value, inBwd.range);
    // torchtune's recipes default to compile: False (cfg.get("compile", False)).
    readLoss(reader, out, warnings, compile?.value === true);
    reader.number('epochs', { integer: true, min: 0 });
    reader.number('max_steps_per_epoch', { integer: true, min: 1, nullable: true });
    const packed = reader.nested('dataset')?.boolean('packed', true);
    if (packed?.value === true) {
      out.set('samplePacking', true, packed.range);
      out.notModelled.push(`${file.path}:${packed.range.line}: dataset.packed: samples are packed to max_seq_len (every sequence full length); not modelled beyond the sequence length`);
    }

    const dtype = reader.string('dtype', true);
    if (typeof dtype?.value === 'string') {
      const precision = TORCHTUNE_DTYPES[dtype.value.toLowerCase()];
      if (precision === undefined) reader.fail(`'dtype' must be bf16, fp32 or fp16, not "${dtype.value}"`, dtype.range);
      else {
        out.set('precision', precision, dtype.range);
        out.set('loadDtype', precision, dtype.range);
        const lora = out.settings.lora;
        if (lora !== undefined) {
          out.settings.lora = { ...lora, adapterDtype: precision };
          out.sources['lora.adapterDtype'] = out.source(dtype.range);
          if (lora.qlora) out.set('qloraComputeDtype', precision, dtype.range);
        }
      }
    }

    const tokenizer = reader.nested('tokenizer');
    const seq = tokenizer?.number('max_seq_len', { integer: true, min: 1, nullable: true });
    if (seq?.value != null) out.set('seqLen', seq.value, seq.range);
    else if (seq !== undefined) {
      // Written as null: no truncation. Kept as the job's (unknown) value; a launcher override replaces it.
      out.defaults.push({ setting: 'seqLen', key: 'tokenizer.max_seq_len', value: null, note: "torchtune does not truncate, so sequences are as long as the data's", source: TORCHTUNE_TOKENIZER_SOURCE });
    }

    readFsdp(reader, out);
    const fields = [...reader.fields].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
    return { fields, error: reader.error, warnings, role: 'training', contribution: out.build(), links };
  },
};

function readModel(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[], links: Link[]): void {
  const model = reader.nested('model');
  const component = model?.string('_component_');
  const checkpointer = reader.nested('checkpointer');
  checkpointer?.string('_component_');
  const dir = checkpointer?.string('checkpoint_dir', true);
  if (model === undefined || component?.value == null) {
    addCheckpointLink(dir, links);
    return;
  }
  // torchtune fine-tunes from the checkpointer's weights.
  out.set('pretraining', false, component.range);
  const builder = component.value.slice(component.value.lastIndexOf('.') + 1);
  const lora = /^(q?lora)_(.+)$/.exec(builder);
  const base = lora !== null ? lora[2] : builder;
  const preset = TORCHTUNE_MODELS[base];
  if (preset !== undefined) {
    links.push({ kind: 'model', key: component.name, value: preset.hubId, range: component.range });
  } else {
    warnings.push({
      message: `torchtune builder '${builder}' has no bundled preset with the same architecture; the model is taken from 'checkpointer.checkpoint_dir' (a workspace folder, or a folder outside it where reading there is allowed)`,
      line: component.range.line,
      column: component.range.column,
    });
    addCheckpointLink(dir, links);
  }
  const quantize = model.boolean('quantize_base');
  if (lora === null) {
    if (model.has('lora_rank') || model.has('lora_attn_modules')) {
      const at = model.node('lora_rank')?.range ?? (model.node('lora_attn_modules') as ParsedNode).range;
      warnings.push({ message: `LoRA arguments are given but '${builder}' is not a lora_/qlora_ builder`, line: at.line, column: at.column });
    }
    return;
  }
  readLora(model, out, lora[1] === 'qlora' || quantize?.value === true, component.range);
}

/** torchtune loss components and how the estimator models them (memory/loss.ts). */
const CHUNKED_LOSSES = new Set(['CEWithChunkedOutputLoss', 'LinearCrossEntropyLoss']);
const STANDARD_LOSSES = new Set(['CrossEntropyLoss']);

function readLoss(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[], compiled: boolean): void {
  const loss = reader.nested('loss');
  const component = loss?.string('_component_');
  if (loss === undefined || typeof component?.value !== 'string') return;
  const name = component.value.slice(component.value.lastIndexOf('.') + 1);
  if (CHUNKED_LOSSES.has(name)) {
    const chunks = loss.number('num_output_chunks', { integer: true, min: 1 });
    out.set('loss', { kind: 'chunked', chunks: chunks?.value ?? TORCHTUNE_OUTPUT_CHUNKS, compiled }, component.range);
  } else if (STANDARD_LOSSES.has(name)) {
    out.set('loss', { kind: 'standard' }, component.range);
  } else {
    warnings.push({ message: `loss '${component.value}' is not modelled; the full fp32 logits of a standard cross-entropy are assumed`, line: component.range.line, column: component.range.column });
  }
}

function addCheckpointLink(dir: Read<string | null> | undefined, links: Link[]): void {
  if (typeof dir?.value === 'string' && dir.value.trim() !== '') {
    links.push({ kind: 'model', key: dir.name, value: dir.value.trim(), range: dir.range });
  }
}

/** lora_attn_modules / apply_lora_to_mlp / apply_lora_to_output / lora_rank (TORCHTUNE_LORA_SOURCE). */
function readLora(model: FieldReader, out: ContributionBuilder, qlora: boolean, enabledAt: SourceRange): void {
  const attn = model.stringList('lora_attn_modules');
  const mlp = model.boolean('apply_lora_to_mlp');
  const output = model.boolean('apply_lora_to_output');
  const rank = model.number('lora_rank', { integer: true, min: 1 });
  model.number('lora_alpha');
  model.number('lora_dropout', { min: 0, max: 1 });
  if (attn?.value == null) {
    if (!model.has('lora_attn_modules')) model.fail(`'${model.nameOf('lora_attn_modules')}' is required by the LoRA builders`, enabledAt);
    return;
  }
  const targets: string[] = [];
  for (const name of attn.value) {
    const mapped = TORCHTUNE_LORA_MODULES[name];
    if (mapped === undefined) {
      model.fail(`'${attn.name}' may hold only q_proj, k_proj, v_proj and output_proj, not "${name}"`, attn.range);
      return;
    }
    if (!targets.includes(mapped)) targets.push(mapped);
  }
  if (mlp?.value === true) targets.push(...TORCHTUNE_MLP_MODULES);
  if (output?.value === true) targets.push(TORCHTUNE_OUTPUT_MODULE);
  if (rank === undefined) {
    out.defaults.push({ setting: 'lora.rank', key: 'lora_rank', value: TORCHTUNE_LORA_RANK_DEFAULT, source: TORCHTUNE_LORA_SOURCE });
  } else {
    out.sources['lora.rank'] = out.source(rank.range);
  }
  out.set('lora', { rank: rank?.value ?? TORCHTUNE_LORA_RANK_DEFAULT, targets, qlora }, enabledAt);
  out.sources['lora.targets'] = out.source(attn.range);
}

function readOptimizer(reader: FieldReader, out: ContributionBuilder): void {
  const section = reader.node('optimizer');
  if (section === undefined || section.kind === 'null') return;
  const opt = reader.nested('optimizer');
  if (opt === undefined) {
    reader.fail("'optimizer' must be a mapping with a _component_", section.range);
    return;
  }
  const component = opt.string('_component_');
  if (component?.value == null) return;
  out.set('optimizer', component.value, component.range);
  out.optimizerEcosystem = 'torchtune';
  keepOptimizerParams(out, readOptimizerArguments(opt, out, { skip: (key) => key === '_component_', lrKeys: ['lr'] }));

  const sched = reader.nested('lr_scheduler');
  const schedName = sched?.string('_component_');
  if (schedName?.value != null) out.set('scheduler', schedName.value, schedName.range);
  const warmup = sched?.number('num_warmup_steps', { integer: true, min: 0 });
  if (warmup?.value != null) out.set('warmupSteps', warmup.value, warmup.range);
}

/**
 * Distributed recipes shard the model with FSDP2's fully_shard; `fsdp_reshard_after_forward`
 * (default true: FULL_SHARD, ZeRO-3; false: SHARD_GRAD_OP, ZeRO-2) and `fsdp_cpu_offload`
 * (parameters and optimizer states on the CPU); `data_parallel_shard_dim` / `data_parallel_replicate_dim` (HSDP).
 */
function readFsdp(reader: FieldReader, out: ContributionBuilder): void {
  const reshard = reader.boolean('fsdp_reshard_after_forward', true);
  const offload = reader.boolean('fsdp_cpu_offload', true);
  if (reshard?.value != null) out.set('zeroStage', reshard.value ? 3 : 2, reshard.range);
  else if (offload !== undefined) out.set('zeroStage', 3, offload.range);
  if (reshard?.value != null) out.set('fsdp', 'torchtune', reshard.range);
  else if (offload !== undefined) out.set('fsdp', 'torchtune', offload.range);
  if (offload?.value != null) out.set('offload', offload.value ? 'params' : 'none', offload.range);
  // HSDP: the recipes build a (dp_replicate, dp_shard) mesh (training.ParallelDims); data_parallel_shard_dim -1 is
  // the GPUs over the replicas.
  const shard = reader.number('data_parallel_shard_dim', { integer: true, min: -1 });
  const replicate = reader.number('data_parallel_replicate_dim', { integer: true, min: 1 });
  if (shard?.value != null && shard.value > 0) out.set('fsdpShardGroup', { kind: 'shard', gpus: shard.value, key: shard.name }, shard.range);
  else if (replicate?.value != null && replicate.value > 1) out.set('fsdpShardGroup', { kind: 'replicate', replicas: replicate.value, key: replicate.name }, replicate.range);
}
