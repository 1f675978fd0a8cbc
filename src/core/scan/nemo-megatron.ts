/**
 * NeMo's Megatron model sections (`examples/nlp/language_modeling/conf/megatron_gpt_config.yaml`: `model:` with
 * `micro_batch_size` and `global_batch_size`), read beside the NeMo experiment config's other keys
 * (./detectors/nemo-config.ts). Megatron models accumulate by themselves: the accumulation is global_batch_size /
 * (micro_batch_size x data-parallel size), the data-parallel size being the GPUs over tensor x pipeline parallel, and
 * `trainer.accumulate_grad_batches` is not used (the config says "do not modify"). `encoder_seq_length` is the sequence
 * length. A Megatron GPT (`name: megatron_gpt...`) in the GPT-2 layout (learned absolute positions, LayerNorm, GELU,
 * biases; output shared with the input embedding unless share_embeddings_and_output_weights is false) is built as a
 * Hugging Face gpt2 config, its vocabulary GPT2BPETokenizer's 50,257 tokens padded to make_vocab_size_divisible_by x
 * tensor_model_parallel_size (an assumption naming it); another layout or tokenizer is a warning and no model.
 */
import type { ParseWarning } from '../parse/node';
import type { Citation } from '../types';
import type { ContributionBuilder } from './contribution';
import type { FieldReader } from './fields';
import type { ModelRef, SourceRange } from './types';

const MEGATRON_GPT_SOURCE: Citation = {
  title: 'NeMo MegatronGPTModel / Megatron-LM GPT',
  url: 'https://github.com/NVIDIA/NeMo/blob/8cfedd7203462cb251a914e700e5605444277561/nemo/collections/nlp/models/language_modeling/megatron_gpt_model.py',
  locator: 'position_embedding_type learned_absolute, normalization layernorm, activation gelu, bias True, share_embeddings_and_output_weights True by default; make_vocab_size_divisible_by 128 x tensor_model_parallel_size pads the vocabulary (MegatronBaseModel, megatron_base_model.py); gradient accumulation = global_batch_size / (micro_batch_size x data_parallel_size)',
};
const GPT2_BPE_VOCAB = 50257;

/** `${.key}` / `${model.key}` naming a sibling of the model section, or the number itself. */
function numberOrSibling(model: FieldReader, key: string): { value: number; range: SourceRange } | null {
  const node = model.node(key);
  if (node?.kind === 'number') {
    const read = model.number(key, { integer: true, min: 1 });
    return read?.value != null ? { value: read.value, range: read.range } : null;
  }
  if (node?.kind === 'string') {
    const ref = /^\$\{(?:\.|model\.)(\w+)\}$/.exec(node.value.trim());
    if (ref !== null && ref[1] !== key) return numberOrSibling(model, ref[1]);
  }
  return null;
}

/** True for a NeMo model section of a Megatron model (it names the micro and the global batch). */
export function isMegatronModel(model: FieldReader): boolean {
  return model.has('micro_batch_size') && model.has('global_batch_size');
}

/** The Megatron batch, accumulation, sequence length and parallel sizes; the GPT network when it is GPT-2's layout. */
export function readMegatronModel(configName: string | null, model: FieldReader, out: ContributionBuilder, warnings: ParseWarning[]): Extract<ModelRef, { kind: 'script-config' }> | null {
  const micro = model.number('micro_batch_size', { integer: true, min: 1 });
  const global = model.number('global_batch_size', { integer: true, min: 1 });
  const tp = model.number('tensor_model_parallel_size', { integer: true, min: 1 })?.value ?? 1;
  const pp = model.number('pipeline_model_parallel_size', { integer: true, min: 1 })?.value ?? 1;
  if (micro?.value != null) out.set('perDeviceBatchSize', micro.value, micro.range);
  if (tp * pp > 1) out.notModelled.push(`${out.path}: tensor_model_parallel_size ${tp} x pipeline_model_parallel_size ${pp} split the model across GPUs, which the estimator does not model`);
  const gpus = out.settings.gpus;
  if (micro?.value != null && global?.value != null) {
    if (gpus === undefined) out.notes.push(`model.global_batch_size ${global.value} is reached over the data-parallel GPUs, which the file does not state: gradient accumulation is ${global.value} / (${micro.value} x data-parallel size)`);
    else {
      const dp = Math.floor(gpus / (tp * pp));
      const perStep = micro.value * dp;
      if (dp < 1 || global.value % perStep !== 0) {
        model.fail(`'${global.name}' (${global.value}) must be a multiple of micro_batch_size x data-parallel size (${micro.value} x ${dp})`, global.range);
      } else {
        const fromTrainer = out.sources['gradAccum'] !== undefined ? out.settings.gradAccum : undefined;
        out.set('gradAccum', global.value / perStep, global.range);
        if (fromTrainer !== undefined && fromTrainer !== global.value / perStep) {
          out.notes.push(`trainer.accumulate_grad_batches ${fromTrainer} is not used: Megatron models accumulate global_batch_size / (micro_batch_size x data-parallel size) = ${global.value / perStep}`);
        }
      }
    }
  }
  const seq = numberOrSibling(model, 'encoder_seq_length') ?? numberOrSibling(model, 'seq_length');
  if (seq !== null) out.set('seqLen', seq.value, seq.range);
  const o2 = model.boolean('megatron_amp_O2');
  if (o2?.value === true) out.notModelled.push(`${out.path}:${o2.range.line}: megatron_amp_O2: half-precision parameters with fp32 main parameters in the optimizer, which the precision model does not represent beyond 'precision'`);
  if (configName === null || !/^megatron_gpt/.test(configName)) return null;
  return gptNetwork(model, tp, seq, out.path, warnings);
}

function gptNetwork(model: FieldReader, tp: number, seq: { value: number } | null, path: string, warnings: ParseWarning[]): Extract<ModelRef, { kind: 'script-config' }> | null {
  const layers = model.number('num_layers', { integer: true, min: 1 });
  const hidden = model.number('hidden_size', { integer: true, min: 1 });
  const heads = model.number('num_attention_heads', { integer: true, min: 1 });
  if (layers?.value == null || hidden?.value == null || heads?.value == null) return null;
  const refuse = (why: string, range: SourceRange): null => {
    warnings.push({ message: `the Megatron GPT network is not built: ${why}; the estimator builds GPT-2's layout only (${MEGATRON_GPT_SOURCE.title})`, line: range.line, column: range.column });
    return null;
  };
  const text = (key: string, fallback: string): { value: string; range: SourceRange } => {
    const read = model.string(key, true);
    return { value: typeof read?.value === 'string' ? read.value : fallback, range: read?.range ?? layers.range };
  };
  for (const [key, want] of [['position_embedding_type', 'learned_absolute'], ['normalization', 'layernorm'], ['activation', 'gelu']] as const) {
    const v = text(key, want);
    if (v.value !== want) return refuse(`${key} "${v.value}"`, v.range);
  }
  const bias = model.boolean('bias');
  if (bias?.value === false) return refuse('bias false', bias.range);
  const groups = model.number('num_query_groups', { integer: true, min: 1, nullable: true });
  if (groups?.value != null && groups.value !== heads.value) return refuse(`num_query_groups ${groups.value}`, groups.range);
  const kv = model.number('kv_channels', { integer: true, min: 1, nullable: true });
  if (kv?.value != null && kv.value * heads.value !== hidden.value) return refuse(`kv_channels ${kv.value}`, kv.range);
  const tokenizer = model.nested('tokenizer');
  const library = tokenizer?.string('library', true)?.value ?? null;
  const type = tokenizer?.string('type', true)?.value ?? null;
  if (library !== 'megatron' || type !== 'GPT2BPETokenizer') {
    return refuse(`the vocabulary of tokenizer ${library ?? '?'} / ${type ?? '?'} comes from its files, which the config does not hold`, (tokenizer !== undefined ? model.node('tokenizer')?.range : undefined) ?? layers.range);
  }
  const divisible = model.number('make_vocab_size_divisible_by', { integer: true, min: 1 })?.value ?? 128;
  const multiple = divisible * tp;
  const vocab = multiple * Math.ceil(GPT2_BPE_VOCAB / multiple);
  const ffn = model.number('ffn_hidden_size', { integer: true, min: 1 })?.value ?? 4 * hidden.value;
  const positions = numberOrSibling(model, 'max_position_embeddings')?.value ?? seq?.value ?? null;
  if (positions === null) return refuse('no max_position_embeddings or encoder_seq_length', layers.range);
  const shared = model.boolean('share_embeddings_and_output_weights')?.value ?? true;
  return {
    kind: 'script-config',
    name: 'Megatron GPT',
    config: {
      model_type: 'gpt2',
      architectures: ['GPT2LMHeadModel'],
      n_layer: layers.value,
      n_embd: hidden.value,
      n_head: heads.value,
      n_inner: ffn,
      n_positions: positions,
      vocab_size: vocab,
      tie_word_embeddings: shared,
    },
    path,
    range: layers.range,
    vocab: { value: vocab, assumption: `GPT2BPETokenizer's ${GPT2_BPE_VOCAB.toLocaleString('en-US')} tokens padded to a multiple of ${multiple} (make_vocab_size_divisible_by x tensor_model_parallel_size) = ${vocab}` },
  };
}
