/**
 * The proxy workload of a job: the same family and layer types as the user's model, scaled down in
 * width and depth so that a sweep of a dozen optimizers x 3 learning rates x 2 seeds runs in about two
 * minutes on two CPU cores. Pure (no tfjs): the spec and its parameter list are plain data that the
 * child builds into tfjs variables (model-*.ts) and that the parent hands to the memory estimator.
 *
 * What is kept from the real model (ModelInventory.shape and its tensors):
 *  - transformer stacks: decoder (causal LM) / encoder (masked LM) / vision encoder (image classifier);
 *    the MLP kind (SwiGLU/GeGLU gated or GELU/ReLU), the norm (RMSNorm or LayerNorm), grouped-query
 *    attention as the ratio heads/kvHeads, the ratio intermediate/hidden, learned or rotary positions,
 *    biases in the projections, tied input/output embeddings;
 *  - CNNs: convolution + BatchNorm + ReLU residual blocks with a projection shortcut, global average
 *    pooling and a linear classifier (torchvision ResNet layer types).
 * What is scaled: hidden width, depth, heads, vocabulary (characters of the shipped text), sequence
 * length, image size and classes. Mixture-of-experts MLPs are trained as one dense MLP (the proxy
 * notes say so).
 */
import type { ModelInventory, TransformerStack } from '../../core/models/types';
import { InputError, type ParamTensor, type TensorRole } from '../../core/types';
import type { Declared } from '../../core/schema/check';
import { OneOf, Type } from '../../core/schema/declare';

/** Proxy width and depth (transformers): small enough for a CPU sweep, large enough to separate optimizers. */
export const PROXY_TRANSFORMER = { hidden: 32, layers: 2, heads: 4, seqLen: 16, batch: 8 } as const;
/** Proxy CNN: channels per stage, blocks per stage, image side and classes of the synthetic task. */
export const PROXY_CNN = { stem: 8, stages: [8, 16] as const, imageSize: 12, classes: 8, batch: 16 } as const;
/**
 * Proxy ViT: image side and patch side (9 patches + a class token). Four orientations and batch 32: a
 * ViT trained from scratch sits on a plateau before it learns, and with eight classes at batch 16 that
 * plateau outlasted the sweep's steps (every optimizer ended at chance, ln 8); this way it learns within
 * the first few dozen steps, so the optimizers' final losses differ.
 */
export const PROXY_VIT = { imageSize: 12, patch: 4, classes: 4, batch: 32 } as const;

/**
 * Upper bound of the proxy's size, whatever the config says: 1,000,000 parameters. The default
 * proxies have 10k-60k; a config within the model field limits (e.g. hidden 64 with an MLP of
 * 1,048,576) once built a 402.7M-parameter proxy that hit WebAssembly's 4 GB memory.
 */
export const MAX_PROXY_PARAMS = 1_000_000;
/** Largest MLP intermediate/hidden ratio the proxy keeps (published models use 2.7-8). */
export const MAX_PROXY_MLP_RATIO = 16;

export const PROXY_TASKS = ['causal-lm', 'masked-lm', 'image-classification'] as const;
export type ProxyTask = (typeof PROXY_TASKS)[number];

/** The MLP kinds and norms of src/core/models/types.ts (the check below keeps the lists equal to those types). */
const MLP_KINDS = ['gelu', 'relu', 'swiglu', 'geglu', 'quick-gelu'] as const;
const NORMS = ['layernorm', 'rmsnorm'] as const;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const LISTS_MATCH: Same<(typeof MLP_KINDS)[number], TransformerStack['mlp']> & Same<(typeof NORMS)[number], TransformerStack['norm']> = true;
void LISTS_MATCH;

const Count = (minimum: number) => Type.Integer({ minimum });

/**
 * The proxy specs, declared once (TypeBox, ARCHITECTURE.md "Data shapes"): the parent sends one to the
 * profiler child in a sweep request (../protocol.ts), which checks it against this declaration.
 */
const TransformerProxySchema = Type.Object({
  kind: Type.Literal('transformer'),
  stack: OneOf(['decoder', 'encoder', 'vision-encoder']),
  task: OneOf(PROXY_TASKS),
  hidden: Count(1),
  layers: Count(1),
  heads: Count(1),
  kvHeads: Count(1),
  headDim: Count(1),
  intermediate: Count(1),
  mlp: OneOf(MLP_KINDS),
  norm: OneOf(NORMS),
  /** Learned position embeddings (GPT-2, BERT, ViT) or rotary (Llama family). */
  positions: OneOf(['learned', 'rotary']),
  /** Biases in attention and MLP projections. */
  bias: Type.Boolean(),
  /** Output projection shares the input embedding matrix. */
  tiedEmbeddings: Type.Boolean(),
  /** Characters of the corpus (text tasks); 0 for images. */
  vocab: Count(0),
  seqLen: Count(1),
  batch: Count(1),
  /** Image tasks: side, patch and classes. */
  image: Type.Optional(Type.Object({ size: Count(1), patch: Count(1), classes: Count(1) })),
});
export type TransformerProxy = Declared<typeof TransformerProxySchema>;

const CnnProxySchema = Type.Object({
  kind: Type.Literal('cnn'),
  task: Type.Literal('image-classification'),
  stem: Count(1),
  stages: Type.Array(Count(1), { minItems: 1 }),
  imageSize: Count(1),
  classes: Count(1),
  batch: Count(1),
});
export type CnnProxy = Declared<typeof CnnProxySchema>;

export const ProxySpecSchema = Type.Union([TransformerProxySchema, CnnProxySchema]);
export type ProxySpec = TransformerProxy | CnnProxy;

export interface ProxyDerivation {
  readonly spec: ProxySpec;
  /** One line: what the proxy is. */
  readonly description: string;
  /** How it relates to the real model (what is kept, what is scaled). */
  readonly notes: readonly string[];
}

/** One parameter of the proxy, named and shaped as PyTorch would (Linear weights [out, in], conv [out, in, kh, kw]). */
export interface ProxyParam {
  readonly name: string;
  readonly shape: readonly number[];
  readonly role: TensorRole;
  readonly module: string;
  /** Initialisation: normal(0, std), zeros, or ones. */
  readonly init: { readonly kind: 'normal'; readonly std: number } | { readonly kind: 'zeros' } | { readonly kind: 'ones' };
}

function firstStack(inv: ModelInventory): TransformerStack {
  if (inv.shape.kind !== 'transformer') throw new Error('not a transformer');
  const stacks = inv.shape.stacks;
  const stack = stacks.find((s) => s.role === 'decoder') ?? stacks.find((s) => s.role === 'vision-encoder') ?? stacks[0];
  if (!stack) throw new InputError(`${inv.architecture} has no transformer stack to derive a proxy from`);
  return stack;
}

/** Derives the proxy of a model; `vocab` is the character vocabulary of the shipped text. */
export function deriveProxy(inv: ModelInventory, vocab: number): ProxyDerivation {
  if (inv.shape.kind === 'cnn') {
    const spec: CnnProxy = {
      kind: 'cnn', task: 'image-classification', stem: PROXY_CNN.stem, stages: [...PROXY_CNN.stages],
      imageSize: PROXY_CNN.imageSize, classes: PROXY_CNN.classes, batch: PROXY_CNN.batch,
    };
    return {
      spec,
      description: `CNN proxy of ${inv.architecture}: conv-BN-ReLU stem (${spec.stem} ch), ${spec.stages.length} residual stages (${spec.stages.join(', ')} ch, projection shortcuts), global average pool, linear head; ${spec.classes}-class oriented-bar images ${spec.imageSize}x${spec.imageSize}, batch ${spec.batch}`,
      notes: [
        `Same layer types as ${inv.architecture} (convolution, BatchNorm with batch statistics, ReLU, residual blocks, linear classifier); widths, depth and image size scaled down. Convolutions are computed as im2col x matMul, which every backend can train.`,
        'Trained on a deterministic synthetic task shipped with the profiler: images of a bar at one of 8 orientations with random position, length, width and noise.',
      ],
    };
  }
  const stack = firstStack(inv);
  const kind: TransformerProxy['stack'] = stack.role === 'decoder' ? 'decoder' : stack.role === 'vision-encoder' ? 'vision-encoder' : 'encoder';
  const { hidden, layers, heads, seqLen } = PROXY_TRANSFORMER;
  const ratio = stack.kvHeads > 0 ? stack.heads / stack.kvHeads : 1;
  const kvHeads = Math.max(1, Math.round(heads / Math.min(ratio, heads)));
  const headDim = hidden / heads;
  const mlpRatio = stack.intermediate / stack.hidden;
  const intermediate = Math.max(8, Math.round(hidden * Math.min(mlpRatio, MAX_PROXY_MLP_RATIO)));
  const roles = new Set(inv.tensors.map((t) => t.role));
  const hasLearnedPositions = roles.has('position-embedding');
  const hasBias = inv.tensors.some((t) => t.role === 'bias' && /attn|attention|mlp|intermediate|output|fc|proj/.test(t.name));
  const tied = inv.tensors.some((t) => t.tiedTo !== undefined && (t.role === 'lm-head' || /decoder|lm_head/.test(t.name)));
  const image = kind === 'vision-encoder' ? { size: PROXY_VIT.imageSize, patch: PROXY_VIT.patch, classes: PROXY_VIT.classes } : undefined;
  const spec: TransformerProxy = {
    kind: 'transformer',
    stack: kind,
    task: kind === 'decoder' ? 'causal-lm' : kind === 'encoder' ? 'masked-lm' : 'image-classification',
    hidden, layers, heads, kvHeads, headDim, intermediate,
    mlp: stack.mlp,
    norm: stack.norm,
    positions: kind === 'vision-encoder' || hasLearnedPositions ? 'learned' : 'rotary',
    bias: hasBias,
    tiedEmbeddings: kind !== 'vision-encoder' && tied,
    // The masked task adds one id for the mask token.
    vocab: kind === 'vision-encoder' ? 0 : kind === 'encoder' ? vocab + 1 : vocab,
    seqLen: kind === 'vision-encoder' ? (PROXY_VIT.imageSize / PROXY_VIT.patch) ** 2 + 1 : seqLen,
    batch: kind === 'vision-encoder' ? PROXY_VIT.batch : PROXY_TRANSFORMER.batch,
    ...(image ? { image } : {}),
  };
  const what = kind === 'decoder' ? 'decoder-only' : kind === 'encoder' ? 'encoder' : 'vision';
  const attention = kvHeads === heads ? `${heads} heads` : `${heads} query / ${kvHeads} key-value heads (GQA)`;
  const task =
    spec.task === 'causal-lm' ? `next-character prediction on the shipped public-domain text (${vocab} characters), ${spec.batch} x ${spec.seqLen} tokens`
    : spec.task === 'masked-lm' ? `masked-character prediction (15% masked) on the shipped public-domain text (${vocab} characters), ${spec.batch} x ${spec.seqLen} tokens`
    : `${PROXY_VIT.classes}-class oriented-bar images ${PROXY_VIT.imageSize}x${PROXY_VIT.imageSize}, ${PROXY_VIT.patch}x${PROXY_VIT.patch} patches, batch ${spec.batch}`;
  const notes = [
    `Same layer types as ${inv.architecture}: ${spec.mlp} MLP, ${spec.norm}, ${spec.positions} positions, ${spec.bias ? 'biased' : 'bias-free'} projections${spec.tiedEmbeddings ? ', tied embeddings' : ''}, ${stack.heads}:${stack.kvHeads} query:key-value heads kept as ${heads}:${kvHeads}, MLP ratio ${(stack.intermediate / stack.hidden).toFixed(3)}.`,
    `Scaled from hidden ${stack.hidden} x ${stack.layers} layers to hidden ${hidden} x ${layers} layers.`,
  ];
  if (mlpRatio > MAX_PROXY_MLP_RATIO) notes.push(`The MLP ratio ${mlpRatio.toFixed(3)} is clamped to ${MAX_PROXY_MLP_RATIO} in the proxy (its size is capped at ${MAX_PROXY_PARAMS.toLocaleString('en')} parameters).`);
  if (stack.experts) notes.push(`The real model routes each token to ${stack.experts.perToken} of ${stack.experts.count} experts; the proxy trains one dense MLP of one expert's shape.`);
  return {
    spec,
    description: `${what} transformer proxy of ${inv.architecture}: ${layers} layers, hidden ${hidden}, ${attention}, ${spec.mlp} MLP ${intermediate}, ${spec.norm}; ${task}`,
    notes,
  };
}

const normal = (std: number): ProxyParam['init'] => ({ kind: 'normal', std });
const ZEROS: ProxyParam['init'] = { kind: 'zeros' };
const ONES: ProxyParam['init'] = { kind: 'ones' };
/** GPT-2 / BERT initializer_range. */
const INIT_STD = 0.02;

function norm(prefix: string, module: string, hidden: number, kind: TransformerStack['norm']): ProxyParam[] {
  const out: ProxyParam[] = [{ name: `${prefix}.weight`, shape: [hidden], role: 'norm', module, init: ONES }];
  if (kind === 'layernorm') out.push({ name: `${prefix}.bias`, shape: [hidden], role: 'norm', module, init: ZEROS });
  return out;
}

function linear(prefix: string, module: string, out: number, inp: number, bias: boolean, role: TensorRole = 'matrix'): ProxyParam[] {
  const params: ProxyParam[] = [{ name: `${prefix}.weight`, shape: [out, inp], role, module, init: normal(INIT_STD) }];
  if (bias) params.push({ name: `${prefix}.bias`, shape: [out], role: 'bias', module, init: ZEROS });
  return params;
}

/** Parameter names of one transformer layer, relative to its prefix. */
export interface LayerNames {
  readonly norm1: string;
  readonly q: string;
  readonly k: string;
  readonly v: string;
  readonly o: string;
  readonly norm2: string;
  readonly gate: string;
  readonly up: string;
  readonly down: string;
}

/** Llama-style names (model.layers.i.self_attn.q_proj, mlp.gate_proj, ...), used for every transformer proxy. */
export const LAYER_NAMES: LayerNames = {
  norm1: 'input_layernorm', q: 'self_attn.q_proj', k: 'self_attn.k_proj', v: 'self_attn.v_proj', o: 'self_attn.o_proj',
  norm2: 'post_attention_layernorm', gate: 'mlp.gate_proj', up: 'mlp.up_proj', down: 'mlp.down_proj',
};

export const GATED_MLPS: ReadonlySet<TransformerStack['mlp']> = new Set(['swiglu', 'geglu']);

function leaf(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** Every parameter of the proxy, in creation order. */
export function proxyParams(spec: ProxySpec): ProxyParam[] {
  return spec.kind === 'cnn' ? cnnParams(spec) : transformerParams(spec);
}

function transformerParams(s: TransformerProxy): ProxyParam[] {
  const out: ProxyParam[] = [];
  const h = s.hidden;
  if (s.image) {
    const { patch } = s.image;
    out.push({ name: 'model.embeddings.patch_embeddings.projection.weight', shape: [h, 1, patch, patch], role: 'conv', module: 'projection', init: normal(INIT_STD) });
    out.push({ name: 'model.embeddings.patch_embeddings.projection.bias', shape: [h], role: 'bias', module: 'projection', init: ZEROS });
    out.push({ name: 'model.embeddings.cls_token', shape: [1, 1, h], role: 'position-embedding', module: 'embeddings', init: normal(INIT_STD) });
  } else {
    out.push({ name: 'model.embed_tokens.weight', shape: [s.vocab, h], role: 'embedding', module: 'embed_tokens', init: normal(INIT_STD) });
  }
  if (s.positions === 'learned') {
    out.push({ name: 'model.embed_positions.weight', shape: [s.seqLen, h], role: 'position-embedding', module: 'embed_positions', init: normal(INIT_STD) });
  }
  for (let i = 0; i < s.layers; i++) {
    const p = `model.layers.${i}`;
    const n = LAYER_NAMES;
    out.push(...norm(`${p}.${n.norm1}`, leaf(n.norm1), h, s.norm));
    out.push(...linear(`${p}.${n.q}`, leaf(n.q), s.heads * s.headDim, h, s.bias));
    out.push(...linear(`${p}.${n.k}`, leaf(n.k), s.kvHeads * s.headDim, h, s.bias));
    out.push(...linear(`${p}.${n.v}`, leaf(n.v), s.kvHeads * s.headDim, h, s.bias));
    out.push(...linear(`${p}.${n.o}`, leaf(n.o), h, s.heads * s.headDim, s.bias));
    out.push(...norm(`${p}.${n.norm2}`, leaf(n.norm2), h, s.norm));
    if (GATED_MLPS.has(s.mlp)) out.push(...linear(`${p}.${n.gate}`, leaf(n.gate), s.intermediate, h, s.bias));
    out.push(...linear(`${p}.${n.up}`, leaf(n.up), s.intermediate, h, s.bias));
    out.push(...linear(`${p}.${n.down}`, leaf(n.down), h, s.intermediate, s.bias));
  }
  out.push(...norm('model.norm', 'norm', h, s.norm));
  if (s.image) {
    out.push(...linear('classifier', 'classifier', s.image.classes, h, true, 'lm-head'));
  } else if (s.tiedEmbeddings) {
    // The output projection is the embedding matrix; a tied head keeps only its bias when it has one (BERT).
    if (s.bias) out.push({ name: 'lm_head.bias', shape: [s.vocab], role: 'bias', module: 'lm_head', init: ZEROS });
  } else {
    out.push(...linear('lm_head', 'lm_head', s.vocab, h, s.bias, 'lm-head'));
  }
  return out;
}

function conv(name: string, out: number, inp: number, k: number): ProxyParam {
  // He (Kaiming) normal, fan_out mode, as torchvision ResNet initialises convolutions.
  return { name, shape: [out, inp, k, k], role: 'conv', module: leaf(name.slice(0, name.lastIndexOf('.'))), init: normal(Math.sqrt(2 / (out * k * k))) };
}

function batchNorm(prefix: string, channels: number): ProxyParam[] {
  const module = leaf(prefix);
  return [
    { name: `${prefix}.weight`, shape: [channels], role: 'norm', module, init: ONES },
    { name: `${prefix}.bias`, shape: [channels], role: 'norm', module, init: ZEROS },
  ];
}

/** Residual block i of stage s: input and output channels, and whether it downsamples. */
export interface CnnBlock {
  readonly prefix: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly stride: number;
  readonly projection: boolean;
}

export function cnnBlocks(s: CnnProxy): CnnBlock[] {
  const blocks: CnnBlock[] = [];
  let channels = s.stem;
  s.stages.forEach((out, i) => {
    const stride = i === 0 ? 1 : 2;
    blocks.push({ prefix: `layer${i + 1}.0`, inChannels: channels, outChannels: out, stride, projection: stride !== 1 || channels !== out });
    channels = out;
  });
  return blocks;
}

function cnnParams(s: CnnProxy): ProxyParam[] {
  const out: ProxyParam[] = [conv('conv1.weight', s.stem, 1, 3), ...batchNorm('bn1', s.stem)];
  for (const b of cnnBlocks(s)) {
    out.push(conv(`${b.prefix}.conv1.weight`, b.outChannels, b.inChannels, 3), ...batchNorm(`${b.prefix}.bn1`, b.outChannels));
    out.push(conv(`${b.prefix}.conv2.weight`, b.outChannels, b.outChannels, 3), ...batchNorm(`${b.prefix}.bn2`, b.outChannels));
    if (b.projection) out.push(conv(`${b.prefix}.downsample.0.weight`, b.outChannels, b.inChannels, 1), ...batchNorm(`${b.prefix}.downsample.1`, b.outChannels));
  }
  const last = s.stages[s.stages.length - 1] ?? s.stem;
  out.push(...linear('fc', 'fc', s.classes, last, true, 'lm-head'));
  return out;
}

/** The proxy's parameters as the estimator's tensor list (all trainable, none tied: tying is already folded in). */
export function proxyParamTensors(params: readonly ProxyParam[]): ParamTensor[] {
  return params.map((p) => ({ name: p.name, shape: [...p.shape], role: p.role, trainable: true, module: p.module }));
}

export function proxyParamCount(params: readonly ProxyParam[]): number {
  return params.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
}
