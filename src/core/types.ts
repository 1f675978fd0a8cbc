/**
 * Shared vocabulary of the pure engine (src/core). No 'vscode' import, no I/O.
 * Every module of the engine speaks in these types; later layers (extension, profiler, CLI) too.
 */

/** Storage types a tensor can have. `nf4`/`int4` are 4 bits per element (QLoRA base weights). */
export const DTYPES = ['fp32', 'fp16', 'bf16', 'fp8', 'int8', 'uint8', 'int4', 'nf4', 'int32', 'int64'] as const;
export type DType = (typeof DTYPES)[number];

/** Bits per element of each dtype. */
export const DTYPE_BITS: Readonly<Record<DType, number>> = {
  fp32: 32, fp16: 16, bf16: 16, fp8: 8, int8: 8, uint8: 8, int4: 4, nf4: 4, int32: 32, int64: 64,
};

/** Number of elements of a shape (1 for a scalar, shape []). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Bytes of `elements` values of `dtype`, rounded up to whole bytes. */
export function bytesOf(elements: number, dtype: DType): number {
  return Math.ceil((elements * DTYPE_BITS[dtype]) / 8);
}

/**
 * What a parameter tensor is for. Optimizers and memory strategies depend on it:
 * Muon only orthogonalises 2-D hidden `matrix` weights; LoRA targets projections by module name;
 * Adam8bit (bitsandbytes) keeps `embedding` states in 32 bit when the override is registered.
 */
export type TensorRole =
  | 'embedding'          // token / word embeddings (nn.Embedding)
  | 'position-embedding' // learned positions, token types, patch positions, cls tokens
  | 'lm-head'            // output projection to the vocabulary or classifier head
  | 'matrix'             // 2-D hidden weight of a Linear layer (attention/MLP projections, pooler), or a stack of them (gpt-oss experts)
  | 'conv'               // convolution kernels (>= 3-D)
  | 'norm'               // LayerNorm/RMSNorm/BatchNorm scales and shifts
  | 'bias'               // biases of Linear/Conv layers
  | 'router'             // MoE router (gate) weights
  | 'other';

/** One parameter tensor of a model, as the framework holds it. */
export interface ParamTensor {
  /** Dotted PyTorch state-dict name, e.g. `model.layers.0.self_attn.q_proj.weight`. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly role: TensorRole;
  /** False for frozen tensors (e.g. the base model under LoRA). */
  readonly trainable: boolean;
  /**
   * Set on a tensor whose storage is shared with another (e.g. `lm_head.weight` tied to
   * `embed_tokens.weight`); such a tensor is listed for completeness but counted once, on the owner.
   */
  readonly tiedTo?: string;
  /** Leaf module name (`q_proj`, `c_attn`, `query`, ...), used to match LoRA target lists. */
  readonly module: string;
}

/** A source for a fact: a paper, documentation page or reference implementation. */
export interface Citation {
  readonly title: string;
  readonly url?: string;
  /** Where inside the source, e.g. "Algorithm 1", "Table 2", "torch/optim/adamw.py". */
  readonly locator?: string;
}

/** A hyperparameter value as configs spell it. */
export type HyperValue = number | boolean | string | null | readonly number[];
export type Hyperparameters = Readonly<Record<string, HyperValue>>;

/** Numeric training precisions understood by the estimator (see README table), in the order the tools offer them. */
export const PRECISIONS = ['fp32', 'fp16-mixed', 'bf16-mixed', 'bf16', 'fp16'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Floating-point dtypes a model's weights are loaded or computed in. */
export const FLOAT_DTYPES = ['fp32', 'bf16', 'fp16'] as const;
export type FloatDtype = (typeof FLOAT_DTYPES)[number];

/**
 * The dtype a model's weights are loaded in (`from_pretrained(torch_dtype=...)`, `dtype=` in newer
 * transformers, axolotl's bf16/fp16 flags, torchtune's `dtype`); 'auto' takes the dtype config.json
 * states (`torch_dtype`, `dtype` in configs written by transformers >= 4.56).
 */
export const LOAD_DTYPES = [...FLOAT_DTYPES, 'auto'] as const;
export type LoadDtype = (typeof LOAD_DTYPES)[number];

/** A user-caused problem with a position, reported as one line, never as a stack trace. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'InputError';
  }

  /** `file:line:column: message` (parts that are unknown are left out). */
  format(): string {
    const where = [this.file, this.line, this.column].filter((p) => p !== undefined).join(':');
    return where ? `${where}: ${this.message}` : this.message;
  }
}
