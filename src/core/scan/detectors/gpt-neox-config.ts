/**
 * GPT-NeoX config YAML (what `python deepy.py train.py configs/pythia/160M.yml` reads): NeoX arguments and the
 * DeepSpeed keys NeoX passes on, in one file. Recognised by the model-shape arguments (`num_layers`, `hidden_size`,
 * `num_attention_heads`) beside a DeepSpeed key (`optimizer`, `zero_optimization`, `train_micro_batch_size_per_gpu`).
 *
 * Settings: the DeepSpeed keys as DeepSpeed configs are read (../deepspeed-settings.ts: micro-batch, accumulation, ZeRO,
 * fp16/bf16; the optimizer `type` "Adam" is apex FusedAdam with adam_w_mode=True, i.e. AdamW, as DeepSpeed's "Adam"
 * spelling resolves); NeoX's own `weight_decay` (default 0.1), `warmup` (a fraction of lr_decay_iters, default
 * train_iters; default 0.01), `train_iters`, `seq_length`, `precision`, `checkpoint_activations`. GPUs: `global_num_gpus`
 * (NeoX's total, which wins over `num_gpus`); NeoX gives DeepSpeed the data-parallel size global_num_gpus /
 * pipe_parallel_size / model_parallel_size (each at least 1) as its world size and derives the batch keys left out from
 * it (NEOX_BATCH_SOURCE): the accumulation from train_batch_size and the micro-batch, the micro-batch from
 * train_batch_size and the accumulation, 1 step of accumulation when it and train_batch_size are unwritten; with all
 * three batch keys written the GPU count is their data-parallel size times the model and pipeline sizes. The network is the
 * config's own (`Detection.ownModel`): the GPT-NeoX layout (LayerNorm, a non-gated MLP of 4 x hidden or
 * intermediate_size rounded as NeoX's ParallelMLP does, untied output with `no_weight_tying`, parameter-free
 * positions) as a Hugging Face gpt_neox config; another layout (RMSNorm, gated MLP, learned positions, grouped KV
 * heads, experts) is a warning and no model. The vocabulary is the tokenizer's, padded to a multiple of
 * make_vocab_size_divisible_by x model_parallel_size: `padded_vocab_size` when written, else assumed for the GPT-2 BPE
 * and GPT-NeoX-20B tokenizers (named as an assumption), else no model.
 */
import type { ObjectNode, ParseWarning, ParsedNode } from '../../parse/node';
import type { Citation, Precision } from '../../types';
import { ContributionBuilder } from '../contribution';
import { readDeepSpeed } from '../deepspeed-settings';
import type { Detection, Detector, ParsedFile } from '../detector';
import { FieldReader } from '../fields';
import type { ModelRef, ScanFile, SourceRange } from '../types';

const NEOX_ARGS_SOURCE: Citation = {
  title: 'GPT-NeoX NeoXArgs',
  url: 'https://github.com/EleutherAI/gpt-neox/blob/ea7aefd8f8e183256992d9fede4d7c71a46d67a5/megatron/neox_arguments/neox_args.py',
  locator: 'weight_decay = 0.1; warmup = 0.01 (fraction of lr_decay_iters); pos_emb = "learned"; norm = "layernorm"; no_weight_tying = False; make_vocab_size_divisible_by = 128; tokenizer_type = "GPT2BPETokenizer"',
};
const NEOX_BATCH_SOURCE: Citation = {
  title: 'GPT-NeoX NeoXArgs.calculate_derived',
  url: 'https://github.com/EleutherAI/gpt-neox/blob/ea7aefd8f8e183256992d9fede4d7c71a46d67a5/megatron/neox_arguments/arguments.py',
  locator: 'global_num_gpus (else the hostfile, else torch.cuda.device_count()); dp_world_size = (global_num_gpus / pp_size) / mp_size, a whole number; calculate_batch_parameters: grad_acc = train_batch // micro_batch // dp, micro_batch = train_batch // dp // grad_acc, grad_acc = 1 when only micro_batch or only train_batch is given; check_batch_parameters: train_batch == micro_batch * grad_acc * dp',
};
const NEOX_MLP_SOURCE: Citation = {
  title: 'GPT-NeoX ParallelMLP',
  url: 'https://github.com/EleutherAI/gpt-neox/blob/ea7aefd8f8e183256992d9fede4d7c71a46d67a5/megatron/model/transformer.py',
  locator: 'ffn_dim = intermediate_size or expansion_factor x hidden or 4 x hidden, rounded up to a multiple of 2 x multiple_of (linear1) and of multiple_of (linear2 input); multiple_of = neox_args.mlp_multiple_of (default 1)',
};

/**
 * Tokenizers whose vocabulary is known without their file: GPT-2's BPE (50,257 tokens) and the GPT-NeoX-20B tokenizer
 * the Pythia configs name through HFTokenizer (20B_tokenizer.json, 50,277 tokens; Biderman et al. 2023, Pythia).
 */
const TOKENIZER_VOCAB: Readonly<Record<string, { readonly size: number; readonly what: string }>> = {
  GPT2BPETokenizer: { size: 50257, what: "GPT-2's BPE vocabulary (50,257 tokens)" },
  HFGPT2Tokenizer: { size: 50257, what: "GPT-2's BPE vocabulary (50,257 tokens)" },
  HFTokenizer: { size: 50277, what: 'the GPT-NeoX-20B tokenizer of the Pythia configs (20B_tokenizer.json, 50,277 tokens); another tokenizer file would change it' },
};
/** Activations without a gate (the MLP keeps two matrices of hidden x ffn). */
const PLAIN_ACTIVATIONS = new Set(['gelu', 'relu', 'softsign', 'swish', 'mish', 'silu']);
/** Position schemes with no parameters. */
const FREE_POSITIONS = new Set(['rotary', 'alibi', 'sinusoidal', 'none']);
const NEOX_PRECISION: Readonly<Record<string, Precision>> = { fp16: 'fp16-mixed', bfloat16: 'bf16-mixed', fp32: 'fp32' };

const SHAPE_KEYS = ['num_layers', 'hidden_size', 'num_attention_heads'];
const DEEPSPEED_HINTS = ['optimizer', 'zero_optimization', 'train_micro_batch_size_per_gpu'];

function isNeoX(root: ObjectNode): boolean {
  return SHAPE_KEYS.every((k) => root.index.get(k)?.node.kind === 'number') && DEEPSPEED_HINTS.some((k) => root.index.has(k));
}

/** The finding kind of GPT-NeoX configs: their optimizer `type` is NeoX's own name (adam, lion, sgd, ...), not DeepSpeed's. */
export const GPT_NEOX_CONFIG_KIND = 'gpt-neox-config';

export const gptNeoxConfigDetector: Detector = {
  kind: GPT_NEOX_CONFIG_KIND,
  syntaxes: ['yaml'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return /["']?num_layers["']?\s*:/.test(file.text) && /["']?num_attention_heads["']?\s*:/.test(file.text);
  },

  matches(_file: ScanFile, parsed: ParsedFile): boolean {
    return parsed.root?.kind === 'object' && isNeoX(parsed.root);
  },

  detect(file: ScanFile, parsed: ParsedFile): Detection {
    const root = parsed.root as ObjectNode;
    const reader = new FieldReader(root);
    const out = new ContributionBuilder(file.path);
    const warnings: ParseWarning[] = [];
    readDeepSpeed(reader, out, warnings);
    readNeoxTraining(reader, out);
    readNeoxBatch(reader, out);
    const ownModel = readNetwork(reader, out, warnings, file.path);
    const fields = [...reader.fields].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
    return { fields, error: reader.error, warnings, role: 'training', contribution: out.build(), links: [], ...(ownModel !== null ? { ownModel } : {}) };
  },
};

function readNeoxTraining(reader: FieldReader, out: ContributionBuilder): void {
  const wd = reader.number('weight_decay', { min: 0 });
  if (wd?.value != null) out.set('weightDecay', wd.value, wd.range);
  else if (!reader.has('weight_decay') && out.settings.weightDecay === undefined) out.useDefault({ setting: 'weightDecay', key: 'weight_decay', value: 0.1 }, NEOX_ARGS_SOURCE);
  const iters = reader.number('train_iters', { integer: true, min: 1 });
  if (iters?.value != null) out.set('maxSteps', iters.value, iters.range);
  const decay = reader.number('lr_decay_iters', { integer: true, min: 1 });
  const warmup = reader.number('warmup', { min: 0, max: 1 });
  const span = decay?.value ?? iters?.value ?? null;
  if (warmup?.value != null) {
    // AnnealingLR: warmup_iter = warmup x lr_decay_iters (train_iters when unset), a share of the run when they agree.
    if (decay?.value == null || decay.value === iters?.value) out.set('warmupRatio', warmup.value, warmup.range);
    else if (span !== null) out.set('warmupSteps', Math.round(warmup.value * span), warmup.range);
  } else if (!reader.has('warmup')) out.useDefault({ setting: 'warmupRatio', key: 'warmup', value: 0.01 }, NEOX_ARGS_SOURCE);
  const seq = reader.number('seq_length', { integer: true, min: 1 });
  if (seq?.value != null) out.set('seqLen', seq.value, seq.range);
  const checkpointing = reader.boolean('checkpoint_activations');
  if (checkpointing?.value != null) out.set('gradientCheckpointing', checkpointing.value, checkpointing.range);
  const precision = reader.string('precision', true);
  if (typeof precision?.value === 'string') {
    const p = NEOX_PRECISION[precision.value];
    if (p === undefined) reader.fail(`'precision' must be fp16, bfloat16 or fp32, not "${precision.value}"`, precision.range);
    else out.set('precision', p, precision.range);
  }
  const gpus = reader.number('num_gpus', { integer: true, min: 1 });
  if (gpus?.value != null) out.set('gpus', gpus.value, gpus.range);
  for (const key of ['model_parallel_size', 'pipe_parallel_size']) {
    const size = reader.number(key, { integer: true, min: 0 });
    if (size?.value != null && size.value > 1) out.notModelled.push(`${out.path}:${size.range.line}: ${key} ${size.value}: tensor / pipeline parallelism splits the model across GPUs, which the estimator does not model`);
  }
}

/**
 * NeoX's GPU count and its data-parallel batch arithmetic (NEOX_BATCH_SOURCE), over what readDeepSpeed read: DeepSpeed's
 * world size in a NeoX run is the data-parallel size, not the GPU count.
 */
function readNeoxBatch(reader: FieldReader, out: ContributionBuilder): void {
  // Values readDeepSpeed and readNeoxTraining have read (and recorded) already; their nodes, not a second record.
  const written = (key: string): { value: number; range: SourceRange } | null => {
    const node = reader.node(key);
    return node?.kind === 'number' && Number.isInteger(node.value) && node.value >= 0 ? { value: node.value, range: node.range } : null;
  };
  const pp = Math.max(1, written('pipe_parallel_size')?.value ?? 0);
  const mp = Math.max(1, written('model_parallel_size')?.value ?? 1);
  const global = reader.number('global_num_gpus', { integer: true, min: 1 });
  const micro = written('train_micro_batch_size_per_gpu');
  const accum = written('gradient_accumulation_steps');
  const total = written('train_batch_size');
  const m = micro !== null && micro.value >= 1 ? micro.value : null;
  const a = accum !== null && accum.value >= 1 ? accum.value : null;
  const t = total !== null && total.value >= 1 ? total.value : null;
  if (global?.value == null) {
    // All three written: readDeepSpeed took their data-parallel size for the GPU count; NeoX runs it on pp x mp times as many.
    if (t !== null && m !== null && a !== null && total !== null && out.settings.gpus !== undefined && out.sources['gpus']?.range === total.range && pp * mp > 1) {
      out.set('gpus', out.settings.gpus * pp * mp, total.range);
    }
    if (a === null && t === null && m !== null) useUnitAccumulation(out);
    return;
  }
  const dp = global.value / pp / mp;
  if (!Number.isInteger(dp)) {
    reader.fail(`(global_num_gpus / pipe_parallel_size) / model_parallel_size [(${global.value} / ${pp}) / ${mp}] must be a whole number (${NEOX_BATCH_SOURCE.title})`, global.range);
    return;
  }
  out.set('gpus', global.value, global.range);
  if (t !== null && m !== null && a === null && total !== null) {
    const derived = Math.floor(Math.floor(t / m) / dp);
    if (derived < 1 || derived * m * dp !== t) reader.fail(`train_batch_size ${t} is not train_micro_batch_size_per_gpu x gradient_accumulation_steps x the data-parallel size ${dp} (global_num_gpus ${global.value} / pipe ${pp} / model ${mp}) for a whole accumulation (${NEOX_BATCH_SOURCE.title})`, total.range);
    else out.set('gradAccum', derived, total.range);
  } else if (t !== null && a !== null && m === null && total !== null) {
    const derived = Math.floor(Math.floor(t / dp) / a);
    if (derived < 1 || derived * a * dp !== t) reader.fail(`train_batch_size ${t} is not a whole micro-batch per GPU over gradient_accumulation_steps ${a} x the data-parallel size ${dp} (global_num_gpus ${global.value} / pipe ${pp} / model ${mp}) (${NEOX_BATCH_SOURCE.title})`, total.range);
    else out.set('perDeviceBatchSize', derived, total.range);
  } else if (t !== null && m === null && a === null && total !== null) {
    const derived = Math.floor(t / dp);
    if (derived < 1 || derived * dp !== t) reader.fail(`train_batch_size ${t} is not a whole micro-batch per GPU over the data-parallel size ${dp} (${NEOX_BATCH_SOURCE.title})`, total.range);
    else {
      out.set('perDeviceBatchSize', derived, total.range);
      useUnitAccumulation(out);
    }
  } else if (t !== null && m !== null && a !== null && total !== null && t !== m * a * dp) {
    reader.fail(`train_batch_size ${t} must be train_micro_batch_size_per_gpu x gradient_accumulation_steps x the data-parallel size: ${m} x ${a} x ${dp} (global_num_gpus ${global.value} / pipe ${pp} / model ${mp}; ${NEOX_BATCH_SOURCE.title})`, total.range);
  } else if (a === null && t === null && m !== null) useUnitAccumulation(out);
}

/** calculate_batch_parameters with neither the accumulation nor train_batch_size written: grad_acc = 1. */
function useUnitAccumulation(out: ContributionBuilder): void {
  if (out.settings.gradAccum !== undefined) return;
  out.useDefault({ setting: 'gradAccum', key: 'gradient_accumulation_steps', value: 1, note: 'NeoX sets 1 when neither it nor train_batch_size is written' }, NEOX_BATCH_SOURCE);
}

/** A written value of a shape argument, else its NeoX default. */
function value<T extends string | number | boolean>(reader: FieldReader, key: string, fallback: T): T {
  const node = reader.node(key);
  if (node === undefined || node.kind === 'null') return fallback;
  if (typeof fallback === 'number') return (reader.number(key)?.value ?? fallback) as T;
  if (typeof fallback === 'boolean') return (reader.boolean(key)?.value ?? fallback) as T;
  return (reader.string(key)?.value ?? fallback) as T;
}

function readNetwork(reader: FieldReader, out: ContributionBuilder, warnings: ParseWarning[], path: string): Extract<ModelRef, { kind: 'script-config' }> | null {
  const layers = reader.number('num_layers', { integer: true, min: 1 });
  const hidden = reader.number('hidden_size', { integer: true, min: 1 });
  const heads = reader.number('num_attention_heads', { integer: true, min: 1 });
  if (layers?.value == null || hidden?.value == null || heads?.value == null) return null;
  const at = layers.range;
  const refuse = (why: string, range: SourceRange = at): null => {
    warnings.push({ message: `the GPT-NeoX network is not built: ${why}; the estimator builds the GPT-NeoX layout only (${NEOX_ARGS_SOURCE.title})`, line: range.line, column: range.column });
    return null;
  };
  const h = hidden.value;
  const norm = value(reader, 'norm', 'layernorm');
  if (norm !== 'layernorm') return refuse(`norm "${norm}"`, reader.node('norm')?.range);
  const activation = value(reader, 'activation', 'gelu');
  if (!PLAIN_ACTIVATIONS.has(activation)) return refuse(`activation "${activation}" (a gated MLP)`, reader.node('activation')?.range);
  const pos = value(reader, 'pos_emb', 'learned');
  if (!FREE_POSITIONS.has(pos)) return refuse(`pos_emb "${pos}"${reader.has('pos_emb') ? '' : " (NeoX's default)"}: a position table with parameters`, reader.node('pos_emb')?.range);
  const kv = reader.number('num_kv_heads', { integer: true, min: 1, nullable: true });
  if (kv?.value != null && kv.value !== heads.value) return refuse(`num_kv_heads ${kv.value} (grouped key/value heads)`, kv.range);
  const experts = reader.number('moe_num_experts', { integer: true, min: 1 });
  if (experts?.value != null && experts.value > 1) return refuse(`moe_num_experts ${experts.value}`, experts.range);
  for (const key of ['use_bias_in_norms', 'use_bias_in_attn_linear', 'use_bias_in_mlp', 'use_qk_layernorm']) {
    const b = reader.boolean(key);
    if (b?.value != null && b.value === (key === 'use_qk_layernorm')) return refuse(`${key} ${String(b.value)}`, b.range);
  }
  const inter = reader.number('intermediate_size', { integer: true, min: 1, nullable: true });
  const factor = reader.number('expansion_factor', { min: 0, nullable: true });
  const ffn = inter?.value ?? (factor?.value != null ? Math.floor(factor.value * h) : 4 * h);
  // ParallelMLP rounds the first matrix's width up to 2 x mlp_multiple_of and the second's input up to mlp_multiple_of.
  const multiple = value(reader, 'mlp_multiple_of', 1);
  const ffnOut = 2 * multiple * Math.ceil(ffn / (2 * multiple));
  const ffnIn = multiple * Math.ceil(ffn / multiple);
  if (ffnOut !== ffnIn) return refuse(`an MLP width of ${ffn}, which ParallelMLP rounds to ${ffnOut} and ${ffnIn} for its two matrices (${NEOX_MLP_SOURCE.locator})`, (inter ?? factor ?? layers).range);
  const tied = !value(reader, 'no_weight_tying', false);
  const maxPos = reader.number('max_position_embeddings', { integer: true, min: 1 });
  const vocab = readVocab(reader, path);
  if (vocab === null) {
    const tok = value(reader, 'tokenizer_type', 'GPT2BPETokenizer');
    return refuse(`the vocabulary of tokenizer_type "${tok}" comes from its file, which the config does not hold (write padded_vocab_size)`, reader.node('tokenizer_type')?.range);
  }
  out.notes.push(`the network is built from ${path}'s own arguments as a Hugging Face gpt_neox config (${h} hidden, ${layers.value} layers, ${heads.value} heads, MLP ${ffnOut}, ${tied ? 'tied' : 'untied'} output)`);
  return {
    kind: 'script-config',
    name: 'GPT-NeoX arguments',
    config: {
      model_type: 'gpt_neox',
      architectures: ['GPTNeoXForCausalLM'],
      hidden_size: h,
      num_hidden_layers: layers.value,
      num_attention_heads: heads.value,
      intermediate_size: ffnOut,
      vocab_size: vocab.value,
      tie_word_embeddings: tied,
      rotary_pct: value(reader, 'rotary_pct', 1),
      use_parallel_residual: value(reader, 'gpt_j_residual', false),
      max_position_embeddings: maxPos?.value ?? reader.number('seq_length')?.value ?? 2048,
    },
    path,
    range: at,
    vocab: 'source' in vocab ? vocab : { value: vocab.value, assumption: vocab.assumption },
  };
}

/** The padded vocabulary: `padded_vocab_size`, else a known tokenizer's size padded as NeoX pads it. */
function readVocab(reader: FieldReader, path: string): { value: number; source: { path: string; range: SourceRange } } | { value: number; assumption: string } | null {
  const padded = reader.number('padded_vocab_size', { integer: true, min: 1, nullable: true });
  if (padded?.value != null) return { value: padded.value, source: { path, range: padded.range } };
  const tokNode: ParsedNode | undefined = reader.node('tokenizer_type');
  const tok = tokNode?.kind === 'string' ? (reader.string('tokenizer_type')?.value ?? '') : 'GPT2BPETokenizer';
  const known = TOKENIZER_VOCAB[tok];
  if (known === undefined) return null;
  const divisible = value(reader, 'make_vocab_size_divisible_by', 128);
  const parallel = Math.max(1, value(reader, 'model_parallel_size', 1));
  const multiple = divisible * parallel;
  const size = multiple * Math.ceil(known.size / multiple);
  return {
    value: size,
    assumption: `the vocabulary is the tokenizer file's, which this config does not hold: ${known.what}${tokNode === undefined ? " (tokenizer_type not written: NeoX's default GPT2BPETokenizer)" : ''}, padded to a multiple of ${multiple} (make_vocab_size_divisible_by x model_parallel_size) = ${size}`,
  };
}
