/**
 * Activation memory: the tensors autograd saves for backward, per GPU.
 *
 * Transformers follow Korthikanti et al. 2022 ("Reducing Activation Recomputation in Large
 * Transformer Models", Section 4.1: sbh(34 + 5as/h) bytes per layer in fp16 with dropout),
 * itemised per saved tensor and generalised to: grouped-query attention (K/V of kvHeads*headDim),
 * SwiGLU/GeGLU MLPs (gate, activation and up outputs saved), mixture of experts (top-k routed
 * copies), SDPA/flash attention (no s^2 scores, softmax or dropout stored; output and logsumexp
 * kept) versus eager attention, dropout masks only when the stack uses dropout, RMSNorm as
 * transformers implements it (input upcast to fp32), frozen weights (PyTorch saves a matmul's
 * input only when the weight needs a gradient), LoRA adapter inputs, torch-autocast weight
 * copies, and the loss over fp32-upcast logits. Gradient checkpointing keeps each layer's input
 * and recomputes one layer at a time. CNNs use the inventory's saved-elements-per-sample count.
 */
import type { ModelInventory, TransformerStack } from '../models/types';
import type { Citation, DType, ParamTensor } from '../types';
import { DTYPE_BITS } from '../types';
import type { AttentionImpl } from './types';
import type { PrecisionSplit } from './precision';
import type { TrainingTensor } from './training-tensors';
import { lossBuffers, type LossConfig } from './loss';
import { offloadedLayers } from './activation-offload';

export const ACTIVATION_SOURCES: readonly Citation[] = [
  {
    title: 'Korthikanti et al. 2022, Reducing Activation Recomputation in Large Transformer Models',
    url: 'https://arxiv.org/abs/2205.05198',
    locator: 'Section 4.1, Eq. (1): activations per layer = sbh(34 + 5as/h) (attention 11sbh + 5as^2b, MLP 19sbh, LayerNorms 4sbh)',
  },
  {
    title: 'PyTorch scaled_dot_product_attention (flash / memory-efficient kernels)',
    url: 'https://pytorch.org/docs/stable/generated/torch.nn.functional.scaled_dot_product_attention.html',
    locator: 'fused kernels keep q, k, v, output and the logsumexp for backward instead of the s x s attention matrix',
  },
  {
    title: 'transformers LlamaRMSNorm and ForCausalLMLoss',
    url: 'https://github.com/huggingface/transformers/blob/5dd4a63548857797727ae73eeb6a6e886ea02a3e/src/transformers/models/llama/modeling_llama.py',
    locator: 'LlamaRMSNorm upcasts hidden_states to float32; loss_utils.ForCausalLMLoss calls logits.float() before cross_entropy',
  },
  {
    title: 'PyTorch autograd saves only what the needed gradients use',
    url: 'https://github.com/pytorch/pytorch/issues/97575',
    locator: 'generated MmBackward0 saves self only if should_compute_output(1) (the weight needs a gradient)',
  },
  {
    title: 'torch.utils.checkpoint',
    url: 'https://pytorch.org/docs/stable/checkpoint.html',
    locator: 'checkpointed segments keep their inputs and recompute the forward during backward',
  },
];

const bytesPerElement = (d: DType): number => DTYPE_BITS[d] / 8;

/** One tensor autograd keeps per layer, in bytes per token of the stack's sequence. */
export interface SavedItem {
  readonly name: string;
  readonly bytesPerToken: number;
}

/** What decides the per-layer items besides the stack shape. */
export interface LayerContext {
  /** Bytes per element of saved matmul inputs/outputs. */
  readonly act: number;
  /** Bytes per element of the residual stream (norm inputs). */
  readonly residual: number;
  readonly attention: AttentionImpl;
  /** Base matmul and norm weights need gradients (full fine-tune); false under LoRA. */
  readonly trainableBase: boolean;
  /**
   * torch.autocast is on (mixed precision): softmax is on its float32 list, so eager attention's
   * softmax output is fp32 and the next matmul saves its own half-precision cast of the probabilities.
   */
  readonly autocast?: boolean;
  /**
   * The layers' Linear weights are 4-bit and bitsandbytes < 0.43.2 keeps each 4-bit matmul's input
   * for backward (MatMul4Bit.forward: `ctx.tensors = (A, B)`; dropped in 0.43.2, bitsandbytes PR
   * #1270): the matmul inputs are saved as if the weights trained.
   */
  readonly savesQuantisedInputs?: boolean;
  /**
   * PyTorch < 1.11: softmax saves its input beside its output (derivatives.yaml passed `self` to
   * _softmax_backward_data for its dtype until PyTorch PR #65242, released in 1.11).
   */
  readonly softmaxSavesInput?: boolean;
}

/** A Linear of the layer keeps its input: its weight trains, or an old bitsandbytes 4-bit matmul keeps it. */
const keepsMatmulInput = (ctx: LayerContext): boolean => ctx.trainableBase || ctx.savesQuantisedInputs === true;

/** Tokens per sequence of a stack for this job. */
export function stackSequence(stack: TransformerStack, seqLen: number): number {
  return stack.sequence === 'text' ? seqLen : stack.sequence;
}

function normItem(name: string, stack: TransformerStack, ctx: LayerContext): SavedItem {
  const h = stack.hidden;
  // LayerNorm (aten native_layer_norm) keeps its input (Korthikanti's 2sbh per LayerNorm).
  // RMSNorm as transformers writes it keeps the fp32 upcast of its input (pow, mul by rsqrt) and,
  // when the scale trains, the normalised tensor cast back to the input dtype.
  const bytes = stack.norm === 'layernorm' ? ctx.residual * h : 4 * h + (ctx.trainableBase ? ctx.residual * h : 0);
  return { name, bytesPerToken: bytes };
}

function attentionItems(prefix: string, stack: TransformerStack, seq: number, ctx: LayerContext): SavedItem[] {
  const h = stack.hidden;
  const qDim = stack.heads * stack.headDim;
  const kvDim = stack.kvHeads * stack.headDim;
  const a = ctx.act;
  const items: SavedItem[] = [];
  if (keepsMatmulInput(ctx)) items.push({ name: `${prefix}.qkv_input`, bytesPerToken: a * h });
  if (ctx.attention === 'sdpa') {
    items.push({ name: `${prefix}.q`, bytesPerToken: a * qDim });
    items.push({ name: `${prefix}.k`, bytesPerToken: a * kvDim });
    items.push({ name: `${prefix}.v`, bytesPerToken: a * kvDim });
    items.push({ name: `${prefix}.sdpa_output`, bytesPerToken: a * qDim });
    items.push({ name: `${prefix}.sdpa_logsumexp`, bytesPerToken: 4 * stack.heads });
  } else {
    // Eager attention materialises K and V repeated to all query heads (repeat_kv) and keeps the
    // s x s softmax output (Korthikanti: 2as^2b), plus dropout mask and output when dropout is on.
    items.push({ name: `${prefix}.q`, bytesPerToken: a * qDim });
    items.push({ name: `${prefix}.k`, bytesPerToken: a * qDim });
    items.push({ name: `${prefix}.v`, bytesPerToken: a * qDim });
    // Under autocast softmax runs in fp32 (autocast's float32 op list): its fp32 output is saved for
    // its backward and the probabilities @ V matmul saves a half-precision cast of its input (of the
    // dropout output when dropout is on; dropout itself keeps only its mask).
    items.push({ name: `${prefix}.softmax_output`, bytesPerToken: (ctx.autocast === true ? 4 : a) * stack.heads * seq });
    // Before PyTorch 1.11 softmax also kept its input (the scaled, masked scores; fp32 under autocast).
    if (ctx.softmaxSavesInput === true) items.push({ name: `${prefix}.softmax_input`, bytesPerToken: (ctx.autocast === true ? 4 : a) * stack.heads * seq });
    if (stack.dropout) {
      items.push({ name: `${prefix}.softmax_dropout_mask`, bytesPerToken: 1 * stack.heads * seq });
      items.push({ name: `${prefix}.softmax_dropout_output`, bytesPerToken: a * stack.heads * seq });
    } else if (ctx.autocast === true) {
      items.push({ name: `${prefix}.softmax_output_cast`, bytesPerToken: a * stack.heads * seq });
    }
  }
  if (keepsMatmulInput(ctx)) items.push({ name: `${prefix}.out_proj_input`, bytesPerToken: a * qDim });
  if (stack.dropout) items.push({ name: `${prefix}.dropout_mask`, bytesPerToken: 1 * h });
  return items;
}

function mlpItems(stack: TransformerStack, ctx: LayerContext): SavedItem[] {
  const h = stack.hidden;
  const i = stack.intermediate;
  const a = ctx.act;
  const copies = stack.experts ? stack.experts.perToken : 1;
  const items: SavedItem[] = [];
  const add = (name: string, bytes: number): void => {
    if (bytes > 0) items.push({ name, bytesPerToken: bytes * copies });
  };
  const keeps = keepsMatmulInput(ctx);
  if (keeps) add('mlp.input', a * h);
  switch (stack.mlp) {
    case 'relu':
      add('mlp.relu_output', a * i); // relu keeps its result, which is also fc2's input
      break;
    case 'gelu':
      add('mlp.act_input', a * i);
      if (keeps) add('mlp.fc2_input', a * i);
      break;
    case 'quick-gelu':
      add('mlp.act_input', a * i);
      add('mlp.sigmoid_output', a * i);
      if (keeps) add('mlp.fc2_input', a * i);
      break;
    case 'swiglu':
    case 'geglu':
      add('mlp.gate_output', a * i);
      add('mlp.act_output', a * i);
      add('mlp.up_output', a * i);
      if (keeps) add('mlp.down_input', a * i);
      break;
  }
  if (stack.experts) items.push({ name: 'mlp.router_probs', bytesPerToken: 4 * stack.experts.count });
  if (stack.dropout) items.push({ name: 'mlp.dropout_mask', bytesPerToken: 1 * h });
  return items;
}

/** Every tensor one layer of `stack` keeps for backward. */
export function layerSavedItems(stack: TransformerStack, seq: number, ctx: LayerContext): SavedItem[] {
  const items: SavedItem[] = [normItem('attn.norm', stack, ctx), ...attentionItems('attn', stack, seq, ctx)];
  if (stack.role === 'cross-decoder') {
    items.push(normItem('cross.norm', stack, ctx), ...attentionItems('cross', stack, seq, ctx));
  }
  items.push(normItem('mlp.norm', stack, ctx), ...mlpItems(stack, ctx));
  return items;
}

export const sumItems = (items: readonly SavedItem[]): number => items.reduce((s, it) => s + it.bytesPerToken, 0);

/** One allocation size and how many times it occurs (for the allocator's block rounding). */
export interface Allocation {
  readonly bytes: number;
  readonly count: number;
}

export interface ActivationInput {
  readonly model: ModelInventory;
  readonly split: PrecisionSplit;
  readonly attention: AttentionImpl;
  readonly checkpointing: boolean;
  readonly batchSize: number;
  readonly seqLen: number;
  readonly imageSize: number;
  /** Full fine-tune: base weights train. */
  readonly trainableBase: boolean;
  /** Stored tensors (for autocast weight copies). */
  readonly stored: readonly TrainingTensor[];
  /** LoRA A tensors ([r, in]); their inputs are saved. */
  readonly adapterA: readonly ParamTensor[];
  /** dtype of the adapters. */
  readonly adapterDtype: DType;
  /** QLoRA: the dequantised copies of one 4-bit weight in flight (./dequant.ts), null otherwise. */
  readonly dequant: { readonly bytes: number; readonly note: string } | null;
  /** How the loss over the vocabulary is computed (./loss.ts). */
  readonly loss: LossConfig;
  /** Saved tensors of the repeated layers are offloaded to CPU (./activation-offload.ts). */
  readonly offload: boolean;
  /** Bytes of the output head's weight when it trains (a fused linear loss computes its gradient in the forward). */
  readonly trainableHeadBytes: number;
  /** QLoRA under bitsandbytes < 0.43.2: every 4-bit matmul keeps its input (LayerContext). */
  readonly savesQuantisedInputs: boolean;
  /** The output head is 4-bit too (so, with `savesQuantisedInputs`, its input is kept). */
  readonly quantisedHead: boolean;
  /** PyTorch < 1.11: softmax keeps its input (LayerContext). */
  readonly softmaxSavesInput: boolean;
}

export interface ActivationEstimate {
  /** Saved tensors of the layers (and CNN feature maps), at the start of backward. */
  readonly layers: number;
  /** Saved tensors outside the repeated layers (final norm, head input, embedding dropout). */
  readonly head: number;
  /** LoRA adapter inputs saved for backward. */
  readonly adapters: number;
  /** Half-precision weight copies saved under torch autocast. */
  readonly autocastWeights: number;
  /** QLoRA: one dequantised 4-bit weight in flight (forward and backward). */
  readonly dequant: number;
  /** Loss buffers at the start of backward (logits, fp32 upcast/log-softmax, their gradients). */
  readonly loss: number;
  /** Bytes that stay alive for the whole backward (logits held by the model output). */
  readonly keptThroughBackward: number;
  /** Total at the start of backward: the activation peak. */
  readonly total: number;
  readonly allocations: readonly Allocation[];
  readonly notes: readonly string[];
}

const LAYER_INDEX = /\.(\d+)\./;

/** Roles whose weights feed matmuls/convolutions that autocast runs in half precision. */
const AUTOCAST_ROLES = new Set<ParamTensor['role']>(['matrix', 'lm-head', 'conv', 'router']);

/** Floating-point storage dtypes autocast casts from (4-bit and integer storage is not cast). */
const CASTABLE = new Set<DType>(['fp32', 'fp16', 'bf16']);

/**
 * torch.autocast casts Linear/Conv weights stored in another float dtype than its own (fp32
 * weights, or e.g. bf16-loaded weights under fp16 autocast) for each matmul; the casts are
 * saved for backward (trainable leaves through autocast's cast cache, frozen weights because the
 * input gradient needs them), so they live until backward releases them. A tied embedding feeds
 * the lm_head matmul and is cast too. With checkpointing the casts of frozen weights are alive for
 * one layer at a time, while the cast cache keeps those of trainable weights until the autocast
 * region (forward and loss) exits: all of them are counted (the forward's end is the peak).
 */
function autocastWeightCopies(input: ActivationInput, half: DType): number {
  const tiedToHead = new Set(input.model.tensors.filter((t) => t.tiedTo !== undefined && t.role === 'lm-head').map((t) => t.tiedTo));
  let outside = 0;
  const perLayer = new Map<string, number>();
  // autocast's cast cache holds the casts of trainable leaves until the autocast region (the whole
  // forward and loss) exits, checkpointing or not; casts of frozen weights are not cached.
  let cachedInLayers = 0;
  // The reference model runs under no_grad (nothing saved); a module with a modules_to_save copy
  // runs the copy, not the frozen original.
  const replaced = new Set(input.stored.filter((s) => s.part === 'modules-to-save').map((s) => s.tensor.name.replace('.modules_to_save.default', '')));
  for (const s of input.stored) {
    if (s.part === 'reference' || replaced.has(s.tensor.name)) continue;
    if (s.dtype === half || !CASTABLE.has(s.dtype)) continue;
    const t = s.tensor;
    if (!(AUTOCAST_ROLES.has(t.role) || tiedToHead.has(t.name))) continue;
    const bytes = s.elements * bytesPerElement(half);
    const m = LAYER_INDEX.exec(t.name);
    if (m === null || s.adapter) outside += bytes;
    else if (input.checkpointing && t.trainable) cachedInLayers += bytes;
    else perLayer.set(m[1] as string, (perLayer.get(m[1] as string) ?? 0) + bytes);
  }
  const layerBytes = [...perLayer.values()];
  const inLayers = input.checkpointing ? cachedInLayers + Math.max(0, ...layerBytes) : layerBytes.reduce((a, b) => a + b, 0);
  return outside + inLayers;
}

export function estimateActivations(input: ActivationInput): ActivationEstimate {
  const { model, split, batchSize } = input;
  const act = bytesPerElement(split.activations);
  const residual = bytesPerElement(split.residual);
  const notes: string[] = [];
  const allocations: Allocation[] = [];
  const autocast = split.autocastWeightCopies ? autocastWeightCopies(input, split.activations) : 0;
  if (autocast > 0) notes.push('activations include the half-precision weight copies torch autocast saves for backward.');

  if (model.shape.kind === 'cnn') {
    const checkpointed = input.checkpointing ? model.shape.checkpointedElementsPerSample?.(input.imageSize) : undefined;
    const perSample = checkpointed ?? model.shape.savedElementsPerSample(input.imageSize);
    const layers = perSample * batchSize * act;
    const loss = lossBuffers({ kind: 'standard' }, { rows: batchSize, vocab: model.shape.numLabels, hidden: 0, act, trainableHeadBytes: 0 }).atBackward;
    if (checkpointed !== undefined) notes.push('gradient checkpointing: each checkpointed block keeps only its inputs, and one block\'s feature maps are recomputed at a time.');
    else if (input.checkpointing) notes.push('gradient checkpointing is not modelled for CNNs; all feature maps are counted.');
    if (input.offload) notes.push('activation offloading is not modelled for CNNs; all feature maps are counted on the GPU.');
    notes.push(`activations: CNN feature maps at ${input.imageSize}x${input.imageSize}, ${split.activations}.`);
    allocations.push({ bytes: layers, count: 1 });
    const kept = batchSize * model.shape.numLabels * act;
    return {
      layers, head: 0, adapters: 0, autocastWeights: autocast, dequant: 0, loss, keptThroughBackward: kept,
      total: layers + autocast + loss, allocations, notes,
    };
  }

  const shape = model.shape;
  const ctx: LayerContext = {
    act, residual, attention: input.attention, trainableBase: input.trainableBase, autocast: split.autocastWeightCopies,
    savesQuantisedInputs: input.savesQuantisedInputs, softmaxSavesInput: input.softmaxSavesInput,
  };
  if (input.savesQuantisedInputs) notes.push('QLoRA with bitsandbytes < 0.43.2: every 4-bit Linear keeps its input for backward (MatMul4Bit saved A until bitsandbytes PR #1270); counted beside the LoRA adapters\' own (dropout) inputs.');
  if (input.softmaxSavesInput && input.attention === 'eager') notes.push('PyTorch < 1.11: eager attention\'s softmax keeps its s x s input beside its output (PyTorch PR #65242, 1.11, stopped saving it).');
  let layersTotal = 0;
  let largestLayer = 0;
  let checkpointInputs = 0;
  let totalLayers = 0;
  let largestItem = 0;
  let largestInput = 0;
  for (const stack of shape.stacks) {
    const seq = stackSequence(stack, input.seqLen);
    const tokens = batchSize * seq;
    const items = layerSavedItems(stack, seq, ctx);
    const perLayer = sumItems(items) * tokens;
    largestLayer = Math.max(largestLayer, perLayer);
    layersTotal += perLayer * stack.layers;
    checkpointInputs += residual * stack.hidden * tokens * stack.layers;
    totalLayers += stack.layers;
    for (const it of items) largestItem = Math.max(largestItem, it.bytesPerToken * tokens);
    largestInput = Math.max(largestInput, residual * stack.hidden * tokens);
    const times = input.checkpointing || input.offload ? 1 : stack.layers;
    for (const it of items) allocations.push({ bytes: it.bytesPerToken * tokens, count: times });
    if (input.checkpointing) allocations.push({ bytes: residual * stack.hidden * tokens, count: input.offload ? 0 : stack.layers });
  }
  // With checkpointing, one layer's recomputed activations exist only during that layer's backward.
  const recompute = input.checkpointing ? largestLayer : 0;
  let layers = input.checkpointing ? checkpointInputs + largestLayer : layersTotal;
  if (input.offload && totalLayers > 0) {
    const off = offloadedLayers(largestLayer, input.checkpointing ? largestInput : largestItem, totalLayers, input.checkpointing);
    layers = Math.min(layers, off.onGpu);
    notes.push(off.note);
  }

  // Tokens of the main (text, or first) stack: the head and LoRA adapters act on them.
  const main = shape.stacks.find((s) => s.sequence === 'text') ?? shape.stacks[0];
  const mainSeq = main === undefined ? input.seqLen : stackSequence(main, input.seqLen);
  const mainTokens = batchSize * mainSeq;
  const lastHidden = main?.hidden ?? shape.embedHidden;

  let head = 0;
  if (main !== undefined) head += normItem('final.norm', main, ctx).bytesPerToken * mainTokens;
  // The head's input is saved when the head trains: a full fine-tune, or a modules_to_save copy of it.
  const headTrainable = input.trainableBase || input.stored.some((s) => s.part === 'modules-to-save' && s.tensor.role === 'lm-head') || (input.savesQuantisedInputs && input.quantisedHead);
  if (headTrainable && (shape.logitsVocab > 0 || shape.numLabels > 0)) head += act * lastHidden * mainTokens;
  if (shape.stacks.some((s) => s.dropout)) head += 1 * shape.embedHidden * mainTokens;

  // LoRA: lora_A keeps its input in the adapter's compute dtype (autocast casts it to half; PEFT
  // otherwise casts x to the fp32 adapter dtype), and lora_B keeps lora_A's rank-r output.
  const adapterElt = split.autocastWeightCopies ? act : bytesPerElement(input.adapterDtype);
  let adapterPerToken = 0;
  for (const a of input.adapterA) {
    const [rank, inDim] = a.shape as readonly [number, number];
    adapterPerToken += adapterElt * (inDim + rank);
    allocations.push({ bytes: adapterElt * inDim * mainTokens, count: input.checkpointing ? 0 : 1 });
  }
  const adaptersAll = adapterPerToken * mainTokens;
  const adapters = input.checkpointing && totalLayers > 0 ? adaptersAll / totalLayers : adaptersAll;

  const lm = shape.logitsVocab > 0;
  const lossShape = { rows: lm ? mainTokens : batchSize, vocab: lm ? shape.logitsVocab : shape.numLabels, hidden: lastHidden, act, trainableHeadBytes: lm ? input.trainableHeadBytes : 0 };
  // A classifier head has a handful of labels: its loss is the standard one whatever was asked.
  const buffers = lossBuffers(lm ? input.loss : { kind: 'standard' }, lossShape);
  const loss = buffers.atBackward;
  allocations.push(...buffers.allocations);
  if (lm) notes.push(buffers.note);
  const dequant = input.dequant?.bytes ?? 0;
  if (input.dequant !== null) {
    notes.push(input.dequant.note);
    allocations.push({ bytes: dequant, count: 1 });
  }
  // One dequantised weight is in flight at every point of forward and backward.
  const kept = buffers.kept + dequant;

  const attentionNote =
    input.attention === 'sdpa'
      ? 'SDPA/flash attention (no s^2 scores stored)'
      : 'eager attention (s^2 softmax output stored)';
  const dropoutNote = shape.stacks.some((s) => s.dropout) ? 'dropout masks' : 'no dropout masks';
  notes.push(
    `activations: ${attentionNote}, ${dropoutNote}, ${split.activations} matmul activations${
      input.checkpointing ? ', gradient checkpointing (layer inputs kept, one layer recomputed)' : ''
    }.`,
  );
  // Without checkpointing everything is saved at the start of backward. With it, backward first runs
  // the loss and the head (their buffers are freed as it goes: torch.autograd frees a node's saved
  // tensors once it has run) and only then recomputes the last layer, so the peak is the larger of
  // "loss and head buffers" and "one recomputed layer (with its adapter inputs) beside what the loop
  // still holds" (torch.utils.checkpoint recomputes a segment in its backward).
  const beside = layers - recompute + autocast + dequant;
  const total = input.checkpointing
    ? beside + Math.max(head + loss, recompute + adapters + buffers.kept)
    : layers + head + adapters + autocast + dequant + loss;
  return {
    layers, head, adapters, autocastWeights: autocast, dequant, loss, keptThroughBackward: kept,
    total, allocations, notes,
  };
}
