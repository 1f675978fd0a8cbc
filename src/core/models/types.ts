import type { Citation, ParamTensor } from '../types';

/** A JSON object as parsed from a config file. */
export type JsonObject = { readonly [k: string]: unknown };

/** MLP flavour: decides how many intermediate activations backward keeps. */
export type MlpKind = 'gelu' | 'relu' | 'swiglu' | 'geglu' | 'quick-gelu';

/** One stack of identical transformer blocks (the shape the activation model needs). */
export interface TransformerStack {
  readonly role: 'decoder' | 'encoder' | 'cross-decoder' | 'vision-encoder' | 'text-encoder';
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  /** Key/value heads (GQA/MQA); equals heads for plain multi-head attention. */
  readonly kvHeads: number;
  readonly headDim: number;
  /** Intermediate size of one expert's (or the dense) MLP. */
  readonly intermediate: number;
  readonly mlp: MlpKind;
  /** Mixture of experts: experts per layer and experts each token is routed to. */
  readonly experts?: { readonly count: number; readonly perToken: number };
  /**
   * Sequence length of this stack: 'text' uses the job's sequence length; a number is fixed
   * (ViT patches + class token for the image size; CLIP's text context).
   */
  readonly sequence: 'text' | number;
  /** Uses dropout during training (saves a mask per dropout site, Korthikanti et al.). */
  readonly dropout: boolean;
  /** Norm type; RMSNorm and LayerNorm keep their input for backward alike. */
  readonly norm: 'layernorm' | 'rmsnorm';
}

/** What the activation model needs to know about the architecture. */
export type ArchitectureShape =
  | {
      readonly kind: 'transformer';
      readonly stacks: readonly TransformerStack[];
      /** Vocabulary of the output head (logits are batch x seq x vocab), 0 when there is no LM head. */
      readonly logitsVocab: number;
      /** Classes of a classification head (ViT/BERT classifiers), 0 when none. */
      readonly numLabels: number;
      /** Hidden size of the embedding output (for the embedding dropout / input activations). */
      readonly embedHidden: number;
    }
  | {
      readonly kind: 'cnn';
      /**
       * Elements saved for backward per sample at the given square image size (sum over the
       * convolution, norm and activation layers' saved inputs/outputs), computed from the layer list.
       */
      savedElementsPerSample(imageSize: number): number;
      /**
       * The same with gradient checkpointing, for a network whose training code checkpoints its blocks (diffusers'
       * UNet); absent: checkpointing is not modelled for it.
       */
      checkpointedElementsPerSample?(imageSize: number): number;
      readonly defaultImageSize: number;
      readonly numLabels: number;
      /**
       * A diffusion model's denoiser (diffusers' UNet2DConditionModel), not an image classifier: the advice follows
       * diffusion recipes and measurements.
       */
      readonly denoiser?: boolean;
    };

/** The parameter inventory of one model, exactly as the framework builds it. */
export interface ModelInventory {
  /** Family key (`llama`, `gpt2`, `resnet`, `generic`, ...). */
  readonly family: string;
  /** Class that was built, e.g. `LlamaForCausalLM`, `BertModel`, `resnet50`. */
  readonly architecture: string;
  /** Every parameter tensor, tied duplicates included but marked with `tiedTo`. */
  readonly tensors: readonly ParamTensor[];
  readonly shape: ArchitectureShape;
  /** Warnings for the user (e.g. "generic fallback used"). */
  readonly warnings: readonly string[];
  /** The normalised config fields the inventory was built from (for `inputs` echo and debugging). */
  readonly config: JsonObject;
}

/** One model family: one file per family under src/core/models/families. */
export interface ModelFamily {
  /** `model_type` values of HF configs this family handles (e.g. ['llama']). */
  readonly modelTypes: readonly string[];
  /** Architectures (`architectures[0]`) it can build; the first is the base model. */
  readonly architectures: readonly string[];
  readonly source: Citation;
  /**
   * Builds the inventory of `architecture` (already checked to be one of `architectures`, or the
   * base model when the config names none). Throws InputError on missing or inconsistent fields.
   */
  build(config: JsonObject, architecture: string): ModelInventory;
}

/** A bundled preset: config fields of a popular checkpoint, keyed by hub id. Counts are never stored. */
export interface ModelPreset {
  readonly hubId: string;
  /** Other names it is known by (e.g. `llama-2-7b`). */
  readonly aliases?: readonly string[];
  readonly config: JsonObject;
  readonly source: Citation;
}
