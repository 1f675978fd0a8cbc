/**
 * A small tracer for convolutional networks: a family walks its layer list once per image size,
 * calling one method per layer; the tracer records the parameter tensors (torchvision names) and the
 * activation tensors autograd saves for backward, per sample.
 *
 * What is counted as "saved per sample" (elements, one entry per distinct storage, so a tensor saved
 * by two layers counts once), following PyTorch's derivative formulas (tools/autograd/derivatives.yaml):
 *   - Conv2d, ConvTranspose2d, Linear: the input (needed for the weight gradient).
 *   - BatchNorm2d (training): the input. Its per-channel mean/invstd are per batch, not per sample.
 *   - LayerNorm: the input plus the per-position mean and rstd (2 elements per normalised row).
 *   - ReLU (in place in torchvision): the output (threshold_backward uses the result).
 *   - SiLU, GELU: the input; an in-place SiLU saves a copy of its input (autograd clones `self`
 *     before an in-place op whose formula needs it), so both variants cost the same.
 *   - Sigmoid: the output.  Elementwise mul: each operand whose partner requires grad.
 *   - MaxPool2d: the input and the argmax indices (indices counted as elements too; they are int64).
 *   - AdaptiveAvgPool2d: the input (saved as `self` by its backward).
 *   - Dropout: the mask; stochastic depth (p > 0): the per-sample noise (1 element).
 *   - Residual adds, views (a `torch.chunk` of channels too: a layer that saves one keeps its whole storage, counted
 *     once), flatten and permutes save nothing; concatenation and nearest upsampling save
 *     nothing either (their backward needs only sizes), and a copy (a `.contiguous()` / `.reshape` of a
 *     permuted tensor) is a new storage that the next layer saves.
 *   - GroupNorm: the input plus the per-group mean and rstd (2 elements per group).
 *   - Scaled dot-product attention (torch.nn.functional.scaled_dot_product_attention's flash and
 *     memory-efficient kernels): query, key, value, the output and the per-row logsumexp (one element per
 *     head and query position); the heads x queries x keys score matrix is not kept.
 *   - GEGLU (a Linear's output chunked into value and gate, value * GELU(gate)): the whole projection (both
 *     chunks are views of it) and the GELU output; the product is saved by the Linear that reads it.
 *   - Attention written out as matmuls (`softmax(qᵀk · scale)`, then `v · scoresᵀ`, q, k, v views of one projection):
 *     each matmul saves its two operands — views of the projection (its whole storage, once) and of the softmax
 *     output — and softmax saves its output, heads x N x N per sample for N positions; the scaled scores before
 *     the softmax are a temporary (a product with a number saves nothing per sample).
 * Not counted: parameters, gradients, per-batch statistics, forward temporaries freed before backward.
 */
import { InputError, type TensorRole } from '../../types';
import { ConfigFields } from '../fields';
import { LIMITS } from '../limits';
import { TensorList } from '../tensors';
import type { JsonObject, ModelInventory } from '../types';

/** A feature map (per sample): channels x height x width, living in storage `id`. */
export interface Feature {
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly id: number;
  /** A view of part of a larger storage (`chunk`): that storage's elements, which a layer saving the view keeps. */
  readonly storage?: number;
}

export function elementsOf(x: Feature): number {
  return x.c * x.h * x.w;
}

export class CnnTrace {
  readonly params = TensorList.create();
  private readonly saved = new Map<number, number>();
  /** With gradient checkpointing: what stays saved (outside the checkpointed segments, and their inputs). */
  private readonly kept = new Map<number, number>();
  /** The segment being traced (its saved tensors), or null outside one. */
  private segment: Map<number, number> | null = null;
  private largestSegment = 0;
  private nextId = 0;

  constructor(
    private readonly modelName: string,
    private readonly imageSize: number,
  ) {}

  private fresh(c: number, h: number, w: number): Feature {
    if (h < 1 || w < 1) {
      throw new InputError(`image size ${this.imageSize} is too small for ${this.modelName}: a feature map would be empty`);
    }
    return { c, h, w, id: this.nextId++ };
  }

  private save(x: Feature): void {
    const elements = x.storage ?? elementsOf(x);
    this.saved.set(x.id, elements);
    (this.segment ?? this.kept).set(x.id, elements);
  }

  private saveExtra(elements: number): void {
    const id = this.nextId++;
    this.saved.set(id, elements);
    (this.segment ?? this.kept).set(id, elements);
  }

  /**
   * A segment run under torch.utils.checkpoint: it keeps only its `inputs` for backward, and recomputes its own saved
   * tensors when backward reaches it, one segment at a time (a segment inside another is part of the outer one).
   */
  checkpoint<T>(inputs: readonly Feature[], body: () => T): T {
    if (this.segment !== null) return body();
    for (const x of inputs) this.kept.set(x.id, elementsOf(x));
    const segment = new Map<number, number>();
    this.segment = segment;
    try {
      return body();
    } finally {
      this.segment = null;
      let n = 0;
      for (const [id, elements] of segment) if (!this.kept.has(id)) n += elements;
      this.largestSegment = Math.max(this.largestSegment, n);
    }
  }

  /**
   * Elements saved per sample with gradient checkpointing: everything saved outside the checkpointed segments, their
   * inputs, and the largest segment's own saved tensors while backward recomputes it.
   */
  checkpointedElements(): number {
    let total = this.largestSegment;
    for (const n of this.kept.values()) total += n;
    return total;
  }

  /** Elements saved for backward per sample (see the module comment for what is counted). */
  savedElements(): number {
    let total = 0;
    for (const n of this.saved.values()) total += n;
    return total;
  }

  input(channels: number, size: number): Feature {
    return this.fresh(channels, size, size);
  }

  conv2d(
    name: string,
    x: Feature,
    out: number,
    o: { kernel: number; stride?: number; padding?: number; groups?: number; bias?: boolean },
  ): Feature {
    const stride = o.stride ?? 1;
    const padding = o.padding ?? 0;
    const groups = o.groups ?? 1;
    this.params.conv2d(name, x.c, out, o.kernel, groups, o.bias ?? false);
    this.save(x);
    const size = (n: number) => Math.floor((n + 2 * padding - o.kernel) / stride) + 1;
    return this.fresh(out, size(x.h), size(x.w));
  }

  /** ConvTranspose2d(in, out, kernel, stride, padding 0): weight [in, out, k, k] (+ bias); saves its input. */
  convTranspose2d(name: string, x: Feature, out: number, kernel: number, stride: number, bias: boolean): Feature {
    this.params.add(`${name}.weight`, [x.c, out, kernel, kernel], 'conv');
    if (bias) this.params.add(`${name}.bias`, [out], 'bias');
    this.save(x);
    const size = (n: number) => (n - 1) * stride + kernel;
    return this.fresh(out, size(x.h), size(x.w));
  }

  batchNorm(name: string, x: Feature): Feature {
    this.params.norm(name, x.c, true);
    this.save(x);
    return this.fresh(x.c, x.h, x.w);
  }

  /** LayerNorm over channels at every position (ConvNeXt's LayerNorm2d and channels-last LayerNorm). */
  layerNorm(name: string, x: Feature): Feature {
    this.params.norm(name, x.c, true);
    this.save(x);
    this.saveExtra(2 * x.h * x.w);
    return this.fresh(x.c, x.h, x.w);
  }

  /** In-place ReLU: saves its output, which is the input's storage. */
  reluInPlace(x: Feature): Feature {
    this.save(x);
    return x;
  }

  /** SiLU, in place or not: saves (a copy of) its input; the result is a new tensor's worth of memory. */
  silu(x: Feature, inPlace: boolean): Feature {
    if (inPlace) {
      this.saveExtra(elementsOf(x));
      return x;
    }
    this.save(x);
    return this.fresh(x.c, x.h, x.w);
  }

  gelu(x: Feature): Feature {
    this.save(x);
    return this.fresh(x.c, x.h, x.w);
  }

  sigmoid(x: Feature): Feature {
    const y = this.fresh(x.c, x.h, x.w);
    this.save(y);
    return y;
  }

  maxPool(x: Feature, kernel: number, stride: number, padding: number): Feature {
    this.save(x);
    const size = (n: number) => Math.floor((n + 2 * padding - kernel) / stride) + 1;
    const y = this.fresh(x.c, size(x.h), size(x.w));
    this.saveExtra(elementsOf(y));
    return y;
  }

  adaptiveAvgPool(x: Feature): Feature {
    this.save(x);
    return this.fresh(x.c, 1, 1);
  }

  /** Linear over the channel dimension at every position (per-position MLPs and classifiers). */
  linear(name: string, x: Feature, out: number, role: TensorRole = 'matrix', bias = true): Feature {
    this.params.linear(name, x.c, out, bias, role);
    this.save(x);
    return this.fresh(out, x.h, x.w);
  }

  /** Elementwise product of two activations that both require grad (each is saved for the other). */
  mul(a: Feature, b: Feature): Feature {
    this.save(a);
    this.save(b);
    return this.fresh(Math.max(a.c, b.c), Math.max(a.h, b.h), Math.max(a.w, b.w));
  }

  /** Product with a parameter (ConvNeXt layer scale): the activation is saved for the parameter's grad. */
  scaleByParam(name: string, x: Feature, shape: readonly number[]): Feature {
    this.params.add(name, shape, 'other');
    this.save(x);
    return this.fresh(x.c, x.h, x.w);
  }

  /** torchvision StochasticDepth(mode="row") in training: multiplies by a per-sample noise (saved). */
  stochasticDepth(x: Feature, p: number): Feature {
    if (p === 0) return x;
    this.saveExtra(1);
    return this.fresh(x.c, x.h, x.w);
  }

  /** Dropout with p > 0: saves its mask (one element per activation). */
  dropout(x: Feature, p: number): Feature {
    if (p === 0) return x;
    this.saveExtra(elementsOf(x));
    return this.fresh(x.c, x.h, x.w);
  }

  /** A sequence of `length` vectors of `c` features (a text encoder's output; a timestep embedding is length 1). */
  sequence(c: number, length: number): Feature {
    return this.fresh(c, length, 1);
  }

  /** GroupNorm over `groups` channel groups: its input and the per-group mean/rstd. */
  groupNorm(name: string, x: Feature, groups: number): Feature {
    this.params.norm(name, x.c, true);
    this.save(x);
    this.saveExtra(2 * groups);
    return this.fresh(x.c, x.h, x.w);
  }

  /** Concatenation along channels (a UNet's skip connection): a new storage, nothing saved. */
  concat(a: Feature, b: Feature): Feature {
    return this.fresh(a.c + b.c, a.h, a.w);
  }

  /** Concatenation of several maps along channels (all of one height and width): a new storage, nothing saved. */
  concatAll(xs: readonly Feature[], where: string): Feature {
    const first = xs[0];
    if (first === undefined) throw new InputError(`${where}: nothing to concatenate`);
    for (const x of xs) {
      if (x.h !== first.h || x.w !== first.w) {
        throw new InputError(`${where}: cannot concatenate feature maps of ${first.h}x${first.w} and ${x.h}x${x.w}`);
      }
    }
    return this.fresh(xs.reduce((n, x) => n + x.c, 0), first.h, first.w);
  }

  /**
   * `torch.chunk` along channels: `parts` views of x's storage, nothing saved; a layer that saves a view keeps the
   * whole storage alive, so it counts x's elements (once, as one storage).
   */
  chunk(x: Feature, parts: number): Feature[] {
    const storage = x.storage ?? elementsOf(x);
    return Array.from({ length: parts }, () => ({ c: x.c / parts, h: x.h, w: x.w, id: x.id, storage }));
  }

  /**
   * A split along channels into pieces of the given sizes (`torch.split`): views of x's storage, nothing saved; a layer
   * that saves a view keeps the whole storage (as `chunk`).
   */
  split(x: Feature, sizes: readonly number[]): Feature[] {
    const storage = x.storage ?? elementsOf(x);
    return sizes.map((c) => ({ c, h: x.h, w: x.w, id: x.id, storage }));
  }

  /**
   * Attention over the h x w positions written out as matmuls (see the module comment), q, k and v being views of the
   * projection `qkv`: saves qkv's storage and the `heads` x N x N softmax output; returns `v · scoresᵀ`, `channels`
   * channels at every position (a new storage).
   */
  matmulAttention(qkv: Feature, heads: number, channels: number): Feature {
    this.save(qkv);
    const positions = qkv.h * qkv.w;
    this.saveExtra(heads * positions * positions);
    return this.fresh(channels, qkv.h, qkv.w);
  }

  /** `a + b` out of place (a residual written as `x + f(x)`): a new storage, nothing saved. */
  add(a: Feature, _b: Feature): Feature {
    return this.fresh(a.c, a.h, a.w);
  }

  /** Nearest-neighbour upsampling by an integer factor: nothing saved. */
  upsampleNearest(x: Feature, factor: number): Feature {
    return this.fresh(x.c, x.h * factor, x.w * factor);
  }

  /** A copy into a new storage (`.contiguous()` after a permute): nothing saved by the copy itself. */
  copy(x: Feature): Feature {
    return this.fresh(x.c, x.h, x.w);
  }

  /** Scaled dot-product attention of `heads` heads (flash / memory-efficient kernels): see the module comment. */
  attention(q: Feature, k: Feature, v: Feature, heads: number): Feature {
    this.save(q);
    this.save(k);
    this.save(v);
    const out = this.fresh(q.c, q.h, q.w);
    this.save(out);
    this.saveExtra(heads * q.h * q.w);
    return out;
  }

  /** GEGLU over a projection `p` of 2n channels: value * GELU(gate), n channels (see the module comment). */
  geglu(p: Feature): Feature {
    this.save(p);
    const gelu = this.fresh(p.c / 2, p.h, p.w);
    this.save(gelu);
    return this.fresh(p.c / 2, p.h, p.w);
  }

  /** `a += b` (residual): nothing saved, the result lives in a's storage. */
  addInPlace(a: Feature, _b: Feature): Feature {
    return a;
  }
}

/** Runs `walk` on a fresh trace; memoises saved elements per image size (`checkpointed`: with gradient checkpointing). */
export function savedElementsCounter(walk: (trace: CnnTrace, imageSize: number) => void, modelName: string, checkpointed = false) {
  const cache = new Map<number, number>();
  return (imageSize: number): number => {
    if (!Number.isInteger(imageSize) || imageSize < 1) {
      throw new InputError(`image size must be a positive integer, got ${imageSize}`);
    }
    const hit = cache.get(imageSize);
    if (hit !== undefined) return hit;
    const trace = new CnnTrace(modelName, imageSize);
    walk(trace, imageSize);
    const n = checkpointed ? trace.checkpointedElements() : trace.savedElements();
    cache.set(imageSize, n);
    return n;
  };
}

/**
 * Classes and image size of a CNN config: `num_classes` (timm, torchvision keyword) or `num_labels`
 * (default 1000, ImageNet-1k); `image_size`, else timm's `pretrained_cfg.input_size` [C, H, W], else the
 * architecture's evaluation crop.
 */
export function readCnnConfig(config: JsonObject, architecture: string, defaultImageSize: number) {
  const f = new ConfigFields(config, `a ${architecture} model`);
  const numLabels = f.optionalInt(['num_classes', 'num_labels'], LIMITS.labels, 1000);
  let imageSize = f.maybeInt('image_size', LIMITS.imageSize);
  const pretrained = f.nested('pretrained_cfg', `a ${architecture} model`);
  if (imageSize === undefined && pretrained && Array.isArray(pretrained.obj.input_size)) {
    const sizes = pretrained.obj.input_size;
    const probe = new ConfigFields({ input_size: sizes[sizes.length - 1] }, `a ${architecture} model`, 'pretrained_cfg');
    imageSize = probe.requiredInt('input_size', LIMITS.imageSize);
  }
  return { numLabels, imageSize: imageSize ?? defaultImageSize };
}

/** The inventory of a CNN whose layer list is walked by `walk` (parameters recorded at any size). */
export function cnnInventory(args: {
  readonly family: string;
  readonly architecture: string;
  readonly walk: (trace: CnnTrace, imageSize: number) => void;
  readonly imageSize: number;
  readonly numLabels: number;
}): ModelInventory {
  const trace = new CnnTrace(args.architecture, args.imageSize);
  args.walk(trace, args.imageSize);
  return {
    family: args.family,
    architecture: args.architecture,
    tensors: trace.params.tensors(),
    shape: {
      kind: 'cnn',
      savedElementsPerSample: savedElementsCounter(args.walk, args.architecture),
      defaultImageSize: args.imageSize,
      numLabels: args.numLabels,
    },
    warnings: [],
    config: { architecture: args.architecture, num_classes: args.numLabels, image_size: args.imageSize },
  };
}

