/**
 * Builds a ModelFamily for a Llama-style decoder from a small per-family definition, so that each
 * family file only states what differs (biases, fused projections, experts, defaults).
 */
import { InputError, type Citation } from '../../types';
import { ConfigFields } from '../fields';
import { LIMITS } from '../limits';
import type { JsonObject, ModelFamily } from '../types';
import {
  decoderEcho,
  decoderInventory,
  gatedMlpKind,
  readAttentionSizes,
  type DecoderDims,
  type DecoderHead,
  type DecoderLayout,
} from './decoder';

export interface DecoderFamilyDef {
  /** Family key and model_type, e.g. 'llama'. */
  readonly key: string;
  /** Class-name prefix: 'Llama' gives LlamaModel, LlamaForCausalLM, LlamaForSequenceClassification. */
  readonly classPrefix: string;
  readonly modelTypes: readonly string[];
  readonly source: Citation;
  /** Defaults of the family's transformers config class for fields a saved config may omit. */
  readonly defaults: {
    readonly tieWordEmbeddings: boolean;
    readonly hiddenAct: string;
    /** Class default of head_dim when it is not hidden / heads (Gemma: 256). */
    readonly headDim?: number;
    /** Experts per token (Mixtral: 2). */
    readonly expertsPerToken?: number;
  };
  /** Activation field spellings, first present wins (Gemma: hidden_activation before hidden_act). */
  readonly activationFields?: readonly string[];
  /** Dropout probability fields; the stack uses dropout when any is > 0. */
  readonly dropoutFields: readonly string[];
  /**
   * The classes built, when they are not `<classPrefix>Model` / `ForCausalLM` / `ForSequenceClassification`
   * (Gemma 3's text classes: Gemma3TextModel, Gemma3ForCausalLM; its Gemma3Model is the multimodal one).
   */
  readonly classes?: readonly (readonly [className: string, head: DecoderHead])[];
  /** Mixture of experts: reads num_local_experts (required) and num_experts_per_tok. */
  readonly moe?: boolean;
  /** Warnings the config calls for (gpt-oss: experts its quantization_config stores in MXFP4, counted at the run's precision). */
  warnings?(config: JsonObject): readonly string[];
  layout(f: ConfigFields): DecoderLayout;
}

/** Head built for each supported class suffix. */
const HEADS: readonly (readonly [suffix: string, head: DecoderHead])[] = [
  ['Model', 'none'],
  ['ForCausalLM', 'causal-lm'],
  ['ForSequenceClassification', 'sequence-classification'],
];

export function decoderFamily(def: DecoderFamilyDef): ModelFamily {
  const classes = def.classes ?? HEADS.map(([suffix, head]) => [`${def.classPrefix}${suffix}`, head] as const);
  const architectures = classes.map(([name]) => name);
  return {
    modelTypes: def.modelTypes,
    architectures,
    source: def.source,
    build(config: JsonObject, architecture: string) {
      const f = new ConfigFields(config, `a ${def.key} model`);
      const head = classes.find(([name]) => name === architecture)?.[1] ?? 'none';
      const hidden = f.requiredInt('hidden_size', LIMITS.hidden);
      const attn = readAttentionSizes(f, hidden, def.defaults.headDim);
      const act = f.string(def.activationFields ?? ['hidden_act'], def.defaults.hiddenAct);
      const experts = def.moe
        ? {
            count: f.requiredInt('num_local_experts', LIMITS.experts),
            perToken: f.optionalInt('num_experts_per_tok', LIMITS.experts, def.defaults.expertsPerToken ?? 2),
          }
        : undefined;
      if (experts && experts.perToken > experts.count) {
        throw new InputError(
          `field 'num_experts_per_tok' (${experts.perToken}) exceeds 'num_local_experts' (${experts.count})`,
        );
      }
      const layers = f.requiredInt('num_hidden_layers', LIMITS.layers);
      if (experts && experts.count * layers > LIMITS.expertLayers.max) {
        const cap = LIMITS.expertLayers;
        throw new InputError(
          `field 'num_local_experts' (${experts.count}) x 'num_hidden_layers' (${layers}) is above the sane cap of ` +
            `${cap.max.toLocaleString('en-US')} ${cap.what} (${cap.rationale})`,
        );
      }
      const dims: DecoderDims = {
        vocab: f.requiredInt('vocab_size', LIMITS.vocab),
        hidden,
        layers,
        ...attn,
        intermediate: f.requiredInt('intermediate_size', LIMITS.intermediate),
        ...(experts ? { experts } : {}),
        tieWordEmbeddings: f.bool('tie_word_embeddings', def.defaults.tieWordEmbeddings),
        mlpKind: gatedMlpKind(act),
        dropout: def.dropoutFields.some((name) => f.probability(name, 0) > 0),
      };
      const numLabels = head === 'sequence-classification' ? f.numLabels(LIMITS.labels) : 0;
      const layout = def.layout(f);
      return decoderInventory({
        family: def.key,
        architecture,
        layout,
        dims,
        head,
        numLabels,
        ...(def.warnings ? { warnings: def.warnings(config) } : {}),
        config: decoderEcho(def.key, dims, layout, {
          hidden_act: act,
          ...(head === 'sequence-classification' ? { num_labels: numLabels } : {}),
        }),
      });
    },
  };
}
