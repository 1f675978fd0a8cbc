/**
 * Decoder-only transformer (Llama layout) shared by llama, mistral, mixtral, qwen2, qwen3, gemma, gemma2, gemma3_text, phi3, gpt_oss
 * and the generic fallback. Module and parameter names follow transformers' modeling_llama.py (and the
 * per-family variants noted on DecoderLayout); see the family files for the per-class citations.
 */
import type { ParamTensor } from '../../types';
import type { ConfigFields } from '../fields';
import { LIMITS } from '../limits';
import { TensorList } from '../tensors';
import type { ArchitectureShape, JsonObject, MlpKind, ModelInventory } from '../types';

export interface DecoderLayout {
  /** 'separate': q_proj/k_proj/v_proj/o_proj; 'fused-qkv': qkv_proj/o_proj (Phi-3). */
  readonly attention: 'separate' | 'fused-qkv';
  readonly qkvBias: boolean;
  readonly oBias: boolean;
  /**
   * 'gated': gate_proj/up_proj/down_proj; 'gated-fused': gate_up_proj/down_proj (Phi-3);
   * 'moe': block_sparse_moe.gate + experts.N.w1/w2/w3 (Mixtral); 'moe-stacked': mlp.router (weight and bias) +
   * mlp.experts holding every expert in four stacked tensors, gate_up_proj [E, hidden, 2·ffn], its bias [E, 2·ffn],
   * down_proj [E, ffn, hidden], its bias [E, hidden] (gpt-oss: GptOssTopKRouter, GptOssExperts); 'plain': fc1/fc2
   * (generic fallback).
   */
  readonly mlp: 'gated' | 'gated-fused' | 'moe' | 'moe-stacked' | 'plain';
  readonly mlpBias: boolean;
  /** Qwen3, Gemma 3: `self_attn.q_norm` / `self_attn.k_norm`, an RMSNorm weight of [head_dim] each, after o_proj. */
  readonly qkNorm?: boolean;
  /** gpt-oss: `self_attn.sinks`, one learned attention-sink logit per query head [heads], GptOssAttention's own parameter. */
  readonly attentionSinks?: boolean;
  /** Gemma 2 / 3: `pre_feedforward_layernorm` and `post_feedforward_layernorm` [hidden] after the two usual norms. */
  readonly sandwichNorms?: boolean;
}

export interface DecoderDims {
  readonly vocab: number;
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly intermediate: number;
  readonly experts?: { readonly count: number; readonly perToken: number };
  readonly tieWordEmbeddings: boolean;
  readonly mlpKind: MlpKind;
  readonly dropout: boolean;
}

export type DecoderHead = 'none' | 'causal-lm' | 'sequence-classification';

/** MLP flavour of a gated MLP from its activation name (GELU variants gate as GeGLU, else SwiGLU). */
export function gatedMlpKind(act: string): MlpKind {
  return act.toLowerCase().startsWith('gelu') ? 'geglu' : 'swiglu';
}

/** MLP flavour of a two-matrix MLP from its activation name. */
export function plainMlpKind(act: string): MlpKind {
  const a = act.toLowerCase();
  if (a === 'relu') return 'relu';
  if (a === 'quick_gelu') return 'quick-gelu';
  return 'gelu';
}

/**
 * Attention sizes shared by the decoder families: kv heads default to the heads (transformers:
 * `num_key_value_heads=None` -> `num_attention_heads`), head_dim defaults to hidden / heads (then the
 * heads must divide the hidden size, as the attention modules check), and the kv heads must divide the
 * heads (repeat_kv in modeling_llama.py).
 */
export function readAttentionSizes(
  f: ConfigFields,
  hidden: number,
  headDimDefault?: number,
): { heads: number; kvHeads: number; headDim: number } {
  const heads = f.requiredInt(['num_attention_heads', 'n_head', 'num_heads'], LIMITS.heads);
  const kvHeads = f.optionalInt(['num_key_value_heads', 'num_kv_heads'], LIMITS.heads, heads);
  let headDim = f.maybeInt('head_dim', LIMITS.headDim);
  if (headDim === undefined) {
    if (headDimDefault !== undefined) headDim = headDimDefault;
    else {
      f.requireDivides('num_attention_heads', heads, 'hidden_size', hidden);
      headDim = hidden / heads;
    }
  }
  f.requireDivides('num_key_value_heads', kvHeads, 'num_attention_heads', heads);
  return { heads, kvHeads, headDim };
}

/** Embeddings, decoder layers and final norm, named as LlamaModel (`embed_tokens`, `layers.N`, `norm`). */
export function addDecoderBody(t: TensorList, layout: DecoderLayout, d: DecoderDims): string {
  const embed = t.embedding('embed_tokens', d.vocab, d.hidden);
  const q = d.heads * d.headDim;
  const kv = d.kvHeads * d.headDim;
  for (let i = 0; i < d.layers; i++) {
    const layer = t.at(`layers.${i}`);
    const attn = layer.at('self_attn');
    // A module's own parameters come before its children's in the state dict (GptOssAttention.sinks before q_proj).
    if (layout.attentionSinks === true) attn.add('sinks', [d.heads], 'other');
    if (layout.attention === 'separate') {
      attn.linear('q_proj', d.hidden, q, layout.qkvBias);
      attn.linear('k_proj', d.hidden, kv, layout.qkvBias);
      attn.linear('v_proj', d.hidden, kv, layout.qkvBias);
    } else {
      attn.linear('qkv_proj', d.hidden, q + 2 * kv, layout.qkvBias);
    }
    attn.linear('o_proj', q, d.hidden, layout.oBias);
    if (layout.qkNorm === true) {
      attn.norm('q_norm', d.headDim, false);
      attn.norm('k_norm', d.headDim, false);
    }
    switch (layout.mlp) {
      case 'gated': {
        const mlp = layer.at('mlp');
        mlp.linear('gate_proj', d.hidden, d.intermediate, layout.mlpBias);
        mlp.linear('up_proj', d.hidden, d.intermediate, layout.mlpBias);
        mlp.linear('down_proj', d.intermediate, d.hidden, layout.mlpBias);
        break;
      }
      case 'gated-fused': {
        const mlp = layer.at('mlp');
        mlp.linear('gate_up_proj', d.hidden, 2 * d.intermediate, layout.mlpBias);
        mlp.linear('down_proj', d.intermediate, d.hidden, layout.mlpBias);
        break;
      }
      case 'plain': {
        const mlp = layer.at('mlp');
        mlp.linear('fc1', d.hidden, d.intermediate, layout.mlpBias);
        mlp.linear('fc2', d.intermediate, d.hidden, layout.mlpBias);
        break;
      }
      case 'moe': {
        const moe = layer.at('block_sparse_moe');
        const experts = d.experts?.count ?? 1;
        moe.linear('gate', d.hidden, experts, false, 'router');
        for (let e = 0; e < experts; e++) {
          const expert = moe.at(`experts.${e}`);
          expert.linear('w1', d.hidden, d.intermediate, layout.mlpBias);
          expert.linear('w2', d.intermediate, d.hidden, layout.mlpBias);
          expert.linear('w3', d.hidden, d.intermediate, layout.mlpBias);
        }
        break;
      }
      case 'moe-stacked': {
        const mlp = layer.at('mlp');
        const experts = d.experts?.count ?? 1;
        mlp.linear('router', d.hidden, experts, true, 'router');
        const stacked = mlp.at('experts');
        stacked.add('gate_up_proj', [experts, d.hidden, 2 * d.intermediate], 'matrix');
        stacked.add('gate_up_proj_bias', [experts, 2 * d.intermediate], 'bias');
        stacked.add('down_proj', [experts, d.intermediate, d.hidden], 'matrix');
        stacked.add('down_proj_bias', [experts, d.hidden], 'bias');
        break;
      }
    }
    layer.norm('input_layernorm', d.hidden, false);
    layer.norm('post_attention_layernorm', d.hidden, false);
    if (layout.sandwichNorms === true) {
      layer.norm('pre_feedforward_layernorm', d.hidden, false);
      layer.norm('post_feedforward_layernorm', d.hidden, false);
    }
  }
  t.norm('norm', d.hidden, false);
  return embed;
}

/**
 * Tensors of the base model (`LlamaModel`: no prefix) or of a model with a head (`model.` prefix):
 * `lm_head` [vocab, hidden] (tied to embed_tokens when tie_word_embeddings) or the sequence-classifier
 * `score` [num_labels, hidden] without bias (LlamaForSequenceClassification and its copies).
 */
export function decoderTensors(
  layout: DecoderLayout,
  d: DecoderDims,
  head: DecoderHead,
  numLabels: number,
): readonly ParamTensor[] {
  const root = TensorList.create();
  const body = head === 'none' ? root : root.at('model');
  const embed = addDecoderBody(body, layout, d);
  if (head === 'causal-lm') {
    if (d.tieWordEmbeddings) root.add('lm_head.weight', [d.vocab, d.hidden], 'lm-head', embed);
    else root.linear('lm_head', d.hidden, d.vocab, false, 'lm-head');
  } else if (head === 'sequence-classification') {
    root.linear('score', d.hidden, numLabels, false, 'lm-head');
  }
  return root.tensors();
}

export function decoderShape(d: DecoderDims, head: DecoderHead, numLabels: number): ArchitectureShape {
  return {
    kind: 'transformer',
    stacks: [
      {
        role: 'decoder',
        layers: d.layers,
        hidden: d.hidden,
        heads: d.heads,
        kvHeads: d.kvHeads,
        headDim: d.headDim,
        intermediate: d.intermediate,
        mlp: d.mlpKind,
        ...(d.experts ? { experts: d.experts } : {}),
        sequence: 'text',
        dropout: d.dropout,
        norm: 'rmsnorm',
      },
    ],
    logitsVocab: head === 'causal-lm' ? d.vocab : 0,
    numLabels: head === 'sequence-classification' ? numLabels : 0,
    embedHidden: d.hidden,
  };
}

/** Config echo of a decoder (the normalised fields the inventory was built from). */
export function decoderEcho(modelType: string, d: DecoderDims, layout: DecoderLayout, extra: JsonObject): JsonObject {
  return {
    model_type: modelType,
    vocab_size: d.vocab,
    hidden_size: d.hidden,
    num_hidden_layers: d.layers,
    num_attention_heads: d.heads,
    num_key_value_heads: d.kvHeads,
    head_dim: d.headDim,
    intermediate_size: d.intermediate,
    tie_word_embeddings: d.tieWordEmbeddings,
    ...(d.experts ? { num_local_experts: d.experts.count, num_experts_per_tok: d.experts.perToken } : {}),
    qkv_bias: layout.qkvBias,
    o_bias: layout.oBias,
    mlp_bias: layout.mlpBias,
    ...(layout.qkNorm === true ? { qk_norm: true } : {}),
    ...(layout.attentionSinks === true ? { attention_sinks: true } : {}),
    ...(layout.sandwichNorms === true ? { sandwich_norms: true } : {}),
    ...extra,
  };
}

export function decoderInventory(args: {
  readonly family: string;
  readonly architecture: string;
  readonly layout: DecoderLayout;
  readonly dims: DecoderDims;
  readonly head: DecoderHead;
  readonly numLabels: number;
  readonly config: JsonObject;
  readonly warnings?: readonly string[];
}): ModelInventory {
  return {
    family: args.family,
    architecture: args.architecture,
    tensors: decoderTensors(args.layout, args.dims, args.head, args.numLabels),
    shape: decoderShape(args.dims, args.head, args.numLabels),
    warnings: args.warnings ?? [],
    config: args.config,
  };
}
