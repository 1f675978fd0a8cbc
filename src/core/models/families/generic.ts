/**
 * Generic fallback for a config whose model_type no family handles: a Llama-style decoder built from
 * the size fields alone, with a warning. It is not in FAMILIES; buildInventory calls it last.
 *
 * Rules (documented for users in the warning):
 * - Required: hidden size (hidden_size | n_embd | d_model), layers (num_hidden_layers | n_layer |
 *   num_layers), vocab_size and heads (num_attention_heads | n_head | num_heads). Missing any -> InputError.
 * - Optional: num_key_value_heads (default: heads), head_dim (default hidden / heads), intermediate size
 *   (intermediate_size | ffn_dim | n_inner | d_ff; default 4 x hidden), activation
 *   (hidden_act | activation_function | hidden_activation).
 * - MLP: gated (gate_proj/up_proj/down_proj, SwiGLU) when the activation is silu/swish, or when an
 *   intermediate size is given and no activation is named; else two matrices (fc1/fc2).
 * - tie_word_embeddings: the config's value, else true. save_pretrained leaves the field out only when
 *   it equals PretrainedConfig's default (true), so absence means tied.
 * - Mixture of experts: an expert count under any of the spellings transformers' MoE configs use
 *   (`num_local_experts` Mixtral, `n_routed_experts` DeepSeek-V2/V3, `num_experts` Qwen2-MoE/Qwen3-MoE/
 *   OLMoE) builds that many gated experts per layer, each of `moe_intermediate_size` (else the
 *   intermediate size), with `num_experts_per_tok` routed per token (transformers' Mixtral default 2).
 *   Shared experts (`n_shared_experts`, `shared_expert_intermediate_size`) and dense layers
 *   (`first_k_dense_replace`, `mlp_only_layers`, `decoder_sparse_step`) are named in the warning as not
 *   modelled: the model is never silently treated as dense.
 * - No biases, no model-specific extras: counts are an estimate, and the warning says so.
 */
import { InputError } from '../../types';
import { decoderEcho, decoderInventory, gatedMlpKind, plainMlpKind, readAttentionSizes } from '../builders/decoder';
import type { DecoderDims, DecoderHead, DecoderLayout } from '../builders/decoder';
import { ConfigFields } from '../fields';
import { LIMITS } from '../limits';
import type { JsonObject, ModelInventory } from '../types';

const HIDDEN = ['hidden_size', 'n_embd', 'd_model'] as const;
const LAYERS = ['num_hidden_layers', 'n_layer', 'num_layers'] as const;
const INTERMEDIATE = ['intermediate_size', 'ffn_dim', 'n_inner', 'd_ff'] as const;
const ACTIVATION = ['hidden_act', 'activation_function', 'hidden_activation'] as const;
const EXPERTS = ['num_local_experts', 'n_routed_experts', 'num_experts'] as const;
/** MoE fields whose layers the generic builder does not reproduce (reported, never ignored silently). */
const MOE_NOT_MODELLED = ['n_shared_experts', 'shared_expert_intermediate_size', 'first_k_dense_replace', 'mlp_only_layers', 'decoder_sparse_step', 'moe_layer_freq', 'interleave_moe_layer_step'] as const;

/**
 * True when an MoE field makes some layers differ from the routed-expert layers built here: shared
 * experts, or dense layers. Values meaning "every layer is sparse" (a step or frequency of 1, no
 * first-k dense layers, an empty list) change nothing.
 */
function changesLayers(name: string, value: unknown): boolean {
  if (value === undefined || value === null || value === 0 || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (/(_step|_freq)$/.test(name)) return value !== 1;
  return true;
}

/** Experts per layer and per token when the config has MoE fields, else undefined. */
function readExperts(f: ConfigFields, layers: number): { count: number; perToken: number } | undefined {
  const count = f.maybeInt([...EXPERTS], LIMITS.experts, 0);
  if (count === undefined || count <= 1) return undefined;
  const perToken = f.optionalInt('num_experts_per_tok', LIMITS.experts, 2);
  if (perToken > count) throw new InputError(`field 'num_experts_per_tok' (${perToken}) exceeds the expert count (${count})`);
  if (count * layers > LIMITS.expertLayers.max) {
    const cap = LIMITS.expertLayers;
    throw new InputError(`${count} experts x ${layers} layers is above the sane cap of ${cap.max.toLocaleString('en-US')} ${cap.what} (${cap.rationale})`);
  }
  return { count, perToken };
}

function headOf(architecture: string | undefined): DecoderHead {
  if (!architecture) return 'none';
  if (/(ForCausalLM|LMHeadModel)$/.test(architecture)) return 'causal-lm';
  if (/ForSequenceClassification$/.test(architecture)) return 'sequence-classification';
  return 'none';
}

/**
 * Builds the generic decoder, or throws an InputError naming the missing size field.
 * `what` describes why the fallback is used (e.g. "model_type 'falcon' is not a supported family").
 */
export function buildGeneric(config: JsonObject, what: string, architecture: string | undefined): ModelInventory {
  const f = new ConfigFields(config, 'the generic fallback');
  const hidden = f.requiredInt([...HIDDEN], LIMITS.hidden);
  const layers = f.requiredInt([...LAYERS], LIMITS.layers);
  const vocab = f.requiredInt('vocab_size', LIMITS.vocab);
  const attn = readAttentionSizes(f, hidden);
  const experts = readExperts(f, layers);
  const intermediate = experts
    ? (f.maybeInt('moe_intermediate_size', LIMITS.intermediate) ?? f.maybeInt([...INTERMEDIATE], LIMITS.intermediate))
    : f.maybeInt([...INTERMEDIATE], LIMITS.intermediate);
  const actRaw = f.has([...ACTIVATION]) ? f.string([...ACTIVATION], '') : undefined;
  // Experts are gated MLPs in every transformers MoE family (Mixtral, Qwen2-MoE, DeepSeek, OLMoE).
  const gated = experts !== undefined || (actRaw !== undefined ? /^(silu|swish)$/i.test(actRaw) : intermediate !== undefined);
  const act = actRaw ?? (gated ? 'silu' : 'gelu');
  const dims: DecoderDims = {
    vocab,
    hidden,
    layers,
    ...attn,
    intermediate: intermediate ?? 4 * hidden,
    ...(experts ? { experts } : {}),
    tieWordEmbeddings: f.bool('tie_word_embeddings', true),
    mlpKind: gated ? gatedMlpKind(act) : plainMlpKind(act),
    dropout: false,
  };
  const layout: DecoderLayout = {
    attention: 'separate',
    qkvBias: false,
    oBias: false,
    mlp: experts ? 'moe' : gated ? 'gated' : 'plain',
    mlpBias: false,
  };
  const unmodelled = MOE_NOT_MODELLED.filter((name) => changesLayers(name, config[name]));
  const head = headOf(architecture);
  const numLabels = head === 'sequence-classification' ? f.numLabels(LIMITS.labels) : 0;
  const built = architecture ?? 'GenericDecoder';
  const warning =
    `${what}: generic fallback used, a Llama-style decoder built from the size fields ` +
    `(hidden ${hidden}, ${layers} layers, ${attn.heads} heads, ${attn.kvHeads} kv heads, vocab ${vocab}, ` +
    (experts
      ? `${experts.count} gated experts of ${dims.intermediate} per layer with ${experts.perToken} routed per token, `
      : `${gated ? 'gated' : 'two-matrix'} MLP of ${dims.intermediate}, `) +
    `${dims.tieWordEmbeddings ? 'tied' : 'untied'} embeddings); biases and model-specific layers are not ` +
    `counted, so treat the parameter count as an estimate` +
    (unmodelled.length
      ? `; the MoE fields ${unmodelled.map((n) => `'${n}'`).join(', ')} (shared experts / dense layers) are not modelled, every layer is built as ${experts ? 'a routed-expert' : 'a dense'} layer`
      : '');
  return decoderInventory({
    family: 'generic',
    architecture: built,
    layout,
    dims,
    head,
    numLabels,
    warnings: [warning],
    config: decoderEcho(typeof config.model_type === 'string' ? config.model_type : 'generic', dims, layout, {
      hidden_act: act,
      ...(numLabels ? { num_labels: numLabels } : {}),
    }),
  });
}

/** The InputError for a config that neither a family nor the fallback can build. */
export function unbuildable(what: string, cause: InputError): InputError {
  return new InputError(`${what}, and the generic fallback cannot build it: ${cause.message}`);
}
