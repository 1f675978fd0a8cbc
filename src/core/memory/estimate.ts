/**
 * The per-GPU memory estimate: model states (weights, gradients, optimizer state, master
 * weights), activations, optimizer-step temporaries and overhead, combined by phase.
 *
 * Phases: during forward/backward the weights, master copy and optimizer state are resident, the
 * activations peak at the start of backward, and gradients either already exist (gradient
 * accumulation after the first micro-batch, ZeRO's gradient buffers) or grow while the
 * activations are freed (then the phase peak is the larger of "all activations, no gradients"
 * and "all gradients, only the kept logits"). During the optimizer step the gradients and the
 * step temporaries are resident and the activations are gone. The peak is the larger phase;
 * `peakAllocated` is its tensor bytes and `peak` adds the CUDA context and allocator reserve.
 */
import { bytesOf } from '../types';
import type { DType, FloatDtype, ParamTensor } from '../types';
import type { BaseDtype, EstimateInput, MemoryBytes, MemoryEstimate, WeightGroup } from './types';
import { estimateActivations } from './activations';
import { modelMaxPositions } from './defaults';
import type { ActivationEstimate, Allocation } from './activations';
import { optimizerState } from './optimizer-state';
import type { OptimizerStateResult } from './optimizer-state';
import type { StateTensor } from '../optimizers/types';
import type { CatalogVariant } from '../optimizers';
import { CUBLAS_WORKSPACE, CUDA_CONTEXT } from './overhead';
import { buildTrace, clearReplayCache, replayTraining } from './allocation-trace';
import type { TraceSource } from './allocation-trace';
import { dequantTemporary } from './dequant';
import type { DequantTemporary } from './dequant';
import { fsdpKeepsHalfShards, resolveLoadDtype, storageSplit } from './load-dtype';
import { isMixed, precisionSplit } from './precision';
import type { PrecisionSplit } from './precision';
import { trainingTensors } from './training-tensors';
import { inFlightGradient, stepInBackwardNote } from './step-in-backward';
import { isPagedState, pagedStateBytes } from './paged';
import type { FitVerdict } from './types';
import type { TrainingTensors } from './training-tensors';
import { partitionModelStates } from './zero';
import type { ModelStateTotals, PartitionedStates } from './zero';
import { fsdpSetup, type FsdpUnits } from './fsdp';


/** Parent module of a parameter (`model.layers.0.mlp.up_proj.weight` -> `model.layers.0.mlp.up_proj`). */
function moduleOf(name: string): string {
  const i = name.lastIndexOf('.');
  return i < 0 ? '' : name.slice(0, i);
}

/** Gradient bytes of a trainable tensor (gradients have the parameter's storage dtype). */
function gradientBytes(tt: TrainingTensors, t: ParamTensor): number {
  return bytesOf(t.shape.reduce((a, b) => a * b, 1), tt.dtypeOf.get(t.name) ?? tt.trainableDtype);
}

/** Largest single module (params with recurse=False), as DeepSpeed's model_to_params finds it. */
function largestLayer(tt: TrainingTensors): { weights: number; gradients: number } {
  const byModule = new Map<string, { elements: number; weights: number; gradients: number }>();
  for (const s of tt.stored) {
    const key = moduleOf(s.tensor.name);
    const m = byModule.get(key) ?? { elements: 0, weights: 0, gradients: 0 };
    m.elements += s.elements;
    m.weights += s.bytes;
    if (s.tensor.trainable) m.gradients += gradientBytes(tt, s.tensor);
    byModule.set(key, m);
  }
  let best = { elements: 0, weights: 0, gradients: 0 };
  for (const m of byModule.values()) if (m.elements > best.elements) best = m;
  return { weights: best.weights, gradients: best.gradients };
}

/**
 * The FSDP units the job's weights fall into, as a transformer wrap policy (accelerate's TRANSFORMER_BASED_WRAP,
 * Lightning's / Composer's per-block wrapping) makes them: each repeated block (the tensors under the first numbered
 * path segment, `model.layers.12.…`) is one unit, the rest (embeddings, final norm, head) the root unit
 * (./zero.ts, fsdpStates).
 */
function fsdpUnits(tt: TrainingTensors): FsdpUnits {
  const blocks = new Map<string, { weights: number; gradients: number }>();
  const root = { weights: 0, gradients: 0 };
  for (const s of tt.stored) {
    const parts = s.tensor.name.split('.');
    const i = parts.findIndex((x) => /^\d+$/.test(x));
    const unit = i < 0 ? root : (blocks.get(parts.slice(0, i + 1).join('.')) ?? { weights: 0, gradients: 0 });
    unit.weights += s.bytes;
    if (s.tensor.trainable) unit.gradients += gradientBytes(tt, s.tensor);
    if (i >= 0) blocks.set(parts.slice(0, i + 1).join('.'), unit);
  }
  let largest = { weights: 0, gradients: 0 };
  for (const b of blocks.values()) if (b.weights > largest.weights) largest = b;
  return { root, largestBlock: largest, blocks: blocks.size };
}

/** Everything about the model states of a setup, before phases are combined. */
export interface ModelStates {
  /** The precision split with the load dtype applied (what the tensors are stored in). */
  readonly split: PrecisionSplit;
  /** The dtype of the non-quantised base weights and how it was decided. */
  readonly base: BaseDtype;
  readonly tensors: TrainingTensors;
  readonly optimizer: OptimizerStateResult;
  readonly totals: ModelStateTotals;
  readonly perGpu: PartitionedStates;
  /** dtype the optimizer steps in. */
  readonly optimizerParamDtype: DType;
}

/**
 * Optimizer state over the trainable tensors. States that follow the parameter's dtype need each
 * tensor's own dtype: the tensors are grouped by storage dtype (PEFT adapters in fp32 beside a
 * modules_to_save copy in bf16) and the groups summed; the shared (global) state is counted once and
 * the step temporaries of the largest group count (torch's foreach step runs dtype groups in turn).
 * `stepDtype` forces one dtype (fp32 master weights).
 */
function groupedOptimizerState(input: EstimateInput, tt: TrainingTensors, stepDtype: DType | null): OptimizerStateResult {
  const groups = new Map<DType, ParamTensor[]>();
  for (const t of tt.trainable) {
    const d = stepDtype ?? tt.dtypeOf.get(t.name) ?? tt.trainableDtype;
    groups.set(d, [...(groups.get(d) ?? []), t]);
  }
  if (groups.size <= 1) {
    const [d] = [...groups.keys()];
    return optimizerState(input.optimizer, tt.trainable, d ?? stepDtype ?? tt.trainableDtype, input.hyperparameters);
  }
  const results = [...groups].map(([d, ts]) => optimizerState(input.optimizer, ts, d, input.hyperparameters));
  const global = new Map<string, StateTensor>();
  for (const r of results) for (const g of r.global) global.set(g.name, g);
  const globalBytes = [...global.values()].reduce((a, g) => a + g.bytes, 0);
  const perTensor = results.flatMap((r) => r.perTensor);
  const perTensorBytes = perTensor.reduce((a, pt) => a + pt.states.reduce((b, st) => b + st.bytes, 0), 0);
  const largest = results.reduce((a, r) => (r.temporaries > a.temporaries ? r : a));
  return {
    bytes: perTensorBytes + globalBytes,
    perTensor,
    global: [...global.values()],
    temporaries: largest.temporaries,
    temporariesNote: `${largest.temporariesNote} (trainable tensors in ${groups.size} dtypes, stepped group by group)`,
  };
}

export function estimateModelStates(input: EstimateInput): ModelStates {
  const load = resolveLoadDtype(input.loadDtype, input.model);
  const modeSplit = precisionSplit(input.precision, input.zeroStage, input.zeroAccounting, fsdpKeepsHalfShards(input.fsdp, input.precision, load));
  const zeroMixed = modeSplit.masterWeights;
  const { split, base } = storageSplit(modeSplit, input.precision, zeroMixed, load, input.lora?.qlora === true, input.model, input.fsdp);
  const tt = trainingTensors(input.model, split, input.lora, input.referenceModel);
  const optimizerParamDtype: DType = split.masterWeights ? 'fp32' : tt.trainableDtype;
  const opt = groupedOptimizerState(input, tt, split.masterWeights ? 'fp32' : null);
  let trainableElements = 0;
  let gradients = 0;
  let largestGradient = 0;
  for (const t of tt.trainable) {
    trainableElements += t.shape.reduce((a, b) => a * b, 1);
    const g = gradientBytes(tt, t);
    gradients += g;
    largestGradient = Math.max(largestGradient, g);
  }
  const weights = tt.stored.reduce((s, t) => s + t.bytes, 0);
  const layer = largestLayer(tt);
  const totals: ModelStateTotals = {
    weights,
    gradients,
    master: split.masterWeights ? trainableElements * 4 : 0,
    fp32GradientCopy: split.fp32GradientCopy ? trainableElements * 4 : 0,
    optimizerState: opt.bytes,
    temporaries: opt.temporaries,
    largestLayerWeights: layer.weights,
    largestLayerGradients: layer.gradients,
    trainableElements,
    largestGradient,
    ...(input.fsdp !== undefined ? { fsdpUnits: fsdpUnits(tt) } : {}),
  };
  const perGpu = partitionModelStates(totals, {
    stage: input.zeroStage,
    accounting: input.zeroAccounting,
    gpus: input.gpus,
    offload: input.offload,
    mixed: split.masterWeights,
    gradAccum: input.gradAccum,
    ...(input.fsdp !== undefined ? { fsdp: fsdpSetup(input.fsdp, input.fsdpVersion, input.fsdpReshardTo, input.fsdpShardGroup, input.gradAccum) } : {}),
    ...(input.zeroBuckets !== undefined ? { buckets: input.zeroBuckets } : {}),
    ...(input.precision === 'bf16-mixed' ? { halfDtype: 'bf16' as const } : input.precision === 'fp16-mixed' ? { halfDtype: 'fp16' as const } : {}),
  });
  return { split, base, tensors: tt, optimizer: opt, totals, perGpu, optimizerParamDtype };
}

/** The stored weights grouped by part, trainability and dtype, in order of first appearance. */
export function weightGroups(tt: TrainingTensors): WeightGroup[] {
  const groups: WeightGroup[] = [];
  for (const s of tt.stored) {
    const part = s.part;
    const trainable = s.tensor.trainable;
    const i = groups.findIndex((g) => g.part === part && g.trainable === trainable && g.dtype === s.dtype);
    const g = groups[i];
    const next: WeightGroup = {
      part, trainable, dtype: s.dtype,
      tensors: (g?.tensors ?? 0) + 1,
      elements: (g?.elements ?? 0) + s.elements,
      bytes: (g?.bytes ?? 0) + s.bytes,
    };
    if (i < 0) groups.push(next);
    else groups[i] = next;
  }
  return groups;
}

/**
 * QLoRA's dequantisation temporary: the largest quantised weight, dequantised to the dtype it was
 * loaded in, cast to the compute dtype and (under torch autocast) to the autocast dtype. Without
 * a stated compute dtype: pure half-precision training computes in its half dtype; otherwise
 * BitsAndBytesConfig's default, fp32, is assumed.
 */
function qloraDequant(input: EstimateInput, ms: ModelStates): DequantTemporary | null {
  if (input.lora?.int8 === true) return int8Dequant(ms);
  if (input.lora?.qlora !== true) return null;
  let largest = 0;
  for (const s of ms.tensors.stored) if (s.dtype === 'nf4') largest = Math.max(largest, s.elements);
  if (largest === 0) return null;
  const pure = input.precision === 'bf16' || input.precision === 'fp16';
  const stated = input.lora.computeDtype;
  const compute: FloatDtype = stated ?? (pure ? (input.precision as FloatDtype) : 'fp32');
  const assumption = stated !== undefined ? null : pure ? `pure ${input.precision} training computes in ${input.precision}` : "bnb_4bit_compute_dtype not stated, BitsAndBytesConfig's default is float32";
  const autocast = ms.split.autocastWeightCopies && isMixed(input.precision) ? ms.split.activations : null;
  // dequantize_4bit returns the dtype the weight had when quantize_4bit ran (Lightning Fabric casts to fp16 first).
  return dequantTemporary(largest, input.lora.quantisedFrom ?? ms.split.sixteenBit, compute, autocast, assumption);
}

/** LLM.int8 (./int8.ts): backward dequantises the largest int8 weight to the activation dtype. */
function int8Dequant(ms: ModelStates): DequantTemporary | null {
  let largest = 0;
  for (const s of ms.tensors.stored) if (s.dtype === 'int8') largest = Math.max(largest, s.elements);
  if (largest === 0) return null;
  const half = ms.split.activations;
  return {
    bytes: bytesOf(largest, half),
    note: `LLM.int8: activations include one int8 weight dequantised to ${half} in backward (largest, ${largest.toLocaleString('en-US')} values; MatMul8bitLt.backward).`,
  };
}

/** The run's allocation sequence for the caching-allocator replay (./allocation-trace.ts). */
function traceSource(ms: ModelStates, input: EstimateInput, activations: readonly Allocation[], paged: number, inBackward: boolean, backwardTemporaries: number): TraceSource {
  const p = ms.perGpu;
  const elementsOf = (t: ParamTensor): number => t.shape.reduce((a, b) => a * b, 1);
  const size = new Map(ms.tensors.trainable.map((t) => [t.name, elementsOf(t)]));
  const states = new Map<string, number[]>();
  for (const pt of ms.optimizer.perTensor) {
    const n = size.get(pt.param) ?? 0;
    states.set(pt.param, pt.states.filter((st) => !(input.optimizer.variant.paged && isPagedState(n, st.name))).map((st) => st.bytes));
  }
  return {
    zeroStage: input.zeroStage,
    gradAccum: input.gradAccum,
    keepGradients: !input.zeroGradSetToNone,
    stepInBackward: inBackward,
    flat: { weights: p.weights, master: p.masterWeights, gradients: p.gradients, deviceState: p.optimizerState - paged },
    ...(p.stepFreed !== undefined && ms.totals.fsdpUnits !== undefined ? { gradientUnits: ms.totals.fsdpUnits.blocks + 1 } : {}),
    stored: ms.tensors.stored.map((st) => ({ name: st.tensor.name, role: st.tensor.role, bytes: st.bytes })),
    trainable: ms.tensors.trainable.map((t) => ({
      name: t.name, role: t.role, gradient: gradientBytes(ms.tensors, t),
      master: ms.split.masterWeights ? elementsOf(t) * 4 : 0, states: states.get(t.name) ?? [],
    })),
    globalStates: ms.optimizer.global.map((g) => g.bytes),
    activations,
    stepTemporaries: p.optimizerTemporaries,
    backwardTemporaries,
    workspaces: Array.from({ length: CUBLAS_WORKSPACE.handles }, () => CUBLAS_WORKSPACE.bytesPerHandle),
  };
}

/** Bytes of the output head's weight when it trains (the owner of a tied head counts). */
function trainableHeadBytes(input: EstimateInput, ms: ModelStates): number {
  const copy = ms.tensors.stored.find((s) => s.part === 'modules-to-save' && s.tensor.role === 'lm-head');
  if (copy !== undefined) return copy.bytes;
  const head = input.model.tensors.find((t) => t.role === 'lm-head');
  if (head === undefined) return 0;
  const owner = head.tiedTo ?? head.name;
  const stored = ms.tensors.stored.find((s) => s.tensor.name === owner);
  return stored !== undefined && stored.tensor.trainable ? stored.bytes : 0;
}

/** The verdict against a GPU of `budget` bytes: the peak first, then the paged state beside it. */
export function fitVerdict(peak: number, paged: number, budget: number | null): FitVerdict | null {
  if (budget === null) return null;
  if (peak > budget) return 'does-not-fit';
  return peak + paged <= budget ? 'fits' : 'fits-with-paging';
}

/** The saved activations of one micro-batch (./activations.ts) for this setup. */
function activationsOf(input: EstimateInput, ms: ModelStates): ActivationEstimate {
  const tt = ms.tensors;
  const qlora = input.lora?.qlora === true;
  return estimateActivations({
    model: input.model,
    split: ms.split,
    attention: input.attention,
    checkpointing: input.gradientCheckpointing,
    batchSize: input.batchSize,
    seqLen: input.seqLen,
    imageSize: input.imageSize,
    trainableBase: input.lora === null,
    stored: tt.stored,
    adapterA: tt.trainable.filter((t) => t.module === 'lora_A'),
    adapterDtype: tt.trainableDtype,
    dequant: qloraDequant(input, ms),
    loss: input.loss,
    offload: input.activationOffload,
    trainableHeadBytes: trainableHeadBytes(input, ms),
    savesQuantisedInputs: qlora && input.lora?.savesQuantisedInputs === true,
    quantisedHead: qlora && input.lora?.quantiseHead === true,
    softmaxSavesInput: input.softmaxSavesInput === true,
  });
}

/** Paged optimizer state lives in CUDA unified memory, outside torch's counters (./paged.ts); the rest is on the device. */
function splitPagedState(input: EstimateInput, ms: ModelStates): { paged: number; deviceState: number } {
  const { perGpu } = ms;
  const pagedTotal = input.optimizer.variant.paged ? pagedStateBytes(ms.optimizer.perTensor, ms.tensors.trainable) : 0;
  const paged = ms.totals.optimizerState > 0 ? perGpu.optimizerState * (pagedTotal / ms.totals.optimizerState) : 0;
  return { paged, deviceState: perGpu.optimizerState - paged };
}

/** The optimizer step in backward (./step-in-backward.ts): one gradient in flight, no step phase. */
interface StepInBackward {
  readonly on: boolean;
  readonly inFlight: ReturnType<typeof inFlightGradient> | null;
  /** Largest single-tensor step temporaries (each parameter steps alone, e.g. a GaLore SVD refresh of the largest target). */
  readonly temporaries: number;
}

function stepInBackward(input: EstimateInput, ms: ModelStates): StepInBackward {
  const tt = ms.tensors;
  const on = input.optimizerInBackward || input.optimizer.variant.stepInBackward === true;
  if (!on) return { on, inFlight: null, temporaries: 0 };
  const dtypeOf = (t: ParamTensor): DType => tt.dtypeOf.get(t.name) ?? tt.trainableDtype;
  let temporaries = 0;
  for (const t of tt.trainable) {
    const d = ms.split.masterWeights ? 'fp32' : dtypeOf(t);
    temporaries = Math.max(temporaries, tensorStepTemporaries(input, t, d));
  }
  return { on, inFlight: inFlightGradient(tt.trainable, dtypeOf), temporaries };
}

/**
 * One tensor's step temporaries when it steps alone, kept by everything they depend on (the resolved optimizer
 * and its spec object, the tensor, its dtype, the hyperparameters): the advisor's plan search estimates a
 * layer-wise optimizer dozens of times over the same tensors. Least recently used dropped first.
 */
const TENSOR_TEMPORARIES_ENTRIES = 4096;
const tensorTemporaries = new Map<string, number>();
/** A number per optimizer spec object, for the key (the spec holds functions, which JSON leaves out). */
const specKeys = new WeakMap<object, number>();
let nextSpecKey = 0;

/** JSON.stringify's replacer for cache keys: NaN and ±Infinity spelled apart (JSON writes all three as null). */
function exactNumbers(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? `\u0000${v}` : v;
}

/** Empties the estimator's caches (this one and the allocator replays'): the benchmark times cold estimates with it. */
export function clearEstimatorCaches(): void {
  tensorTemporaries.clear();
  clearReplayCache();
}

function tensorStepTemporaries(input: EstimateInput, t: ParamTensor, d: DType): number {
  const { spec, ...optimizer } = input.optimizer;
  let specKey = specKeys.get(spec);
  if (specKey === undefined) {
    specKey = nextSpecKey++;
    specKeys.set(spec, specKey);
  }
  const key = JSON.stringify([specKey, optimizer, d, input.hyperparameters, t], exactNumbers);
  const hit = tensorTemporaries.get(key);
  if (hit !== undefined) {
    tensorTemporaries.delete(key);
    tensorTemporaries.set(key, hit);
    return hit;
  }
  const bytes = optimizerState(input.optimizer, [t], d, input.hyperparameters).temporaries;
  tensorTemporaries.set(key, bytes);
  if (tensorTemporaries.size > TENSOR_TEMPORARIES_ENTRIES) tensorTemporaries.delete(tensorTemporaries.keys().next().value as string);
  return bytes;
}

/** The two phases' tensor bytes and which one peaks (see the file's note). */
interface Phases {
  readonly resident: number;
  readonly fbGradients: number;
  readonly fbActivations: number;
  readonly fbTemps: number;
  readonly stepIsPeak: boolean;
}

function combinePhases(input: EstimateInput, ms: ModelStates, acts: ActivationEstimate, deviceState: number, sib: StepInBackward): Phases {
  const p = ms.perGpu;
  const resident = p.weights + p.masterWeights + deviceState;
  let fbGradients: number;
  let fbActivations = acts.total;
  let fbTemps = 0;
  if (sib.on) {
    fbGradients = Math.min(p.gradients, sib.inFlight?.bytes ?? 0);
    fbTemps = sib.temporaries;
  } else if (input.gradAccum > 1 || !input.zeroGradSetToNone || p.persistentGradients >= p.gradients) {
    fbGradients = p.gradients;
  } else if (p.persistentGradients + acts.total >= p.gradients + acts.keptThroughBackward) {
    fbGradients = p.persistentGradients;
  } else {
    fbGradients = p.gradients;
    fbActivations = acts.keptThroughBackward;
  }
  const forwardBackward = resident + fbGradients + fbActivations + fbTemps;
  const freed = p.stepFreed ?? { weights: 0, gradients: 0 };
  const optimizerStep = sib.on ? 0 : resident - freed.weights + p.gradients - freed.gradients + p.optimizerTemporaries;
  return { resident, fbGradients, fbActivations, fbTemps, stepIsPeak: optimizerStep > forwardBackward };
}

/**
 * The caching allocator replayed over the run's allocation sequence (./allocation-trace.ts): what it
 * reserves beyond the bytes it hands out (block rounding, segment sizes, fragmentation).
 */
function allocatorReserve(input: EstimateInput, ms: ModelStates, acts: ActivationEstimate, paged: number, sib: StepInBackward): number {
  const replay = replayTraining(buildTrace(traceSource(ms, input, acts.allocations, paged, sib.on, sib.temporaries)));
  return Math.max(0, replay.peakReserved - replay.peakRequested);
}

/** The per-GPU bytes at the peak phase, with the overheads and the three peaks. */
function peakBytes(ms: ModelStates, phases: Phases, deviceState: number, paged: number, reserve: number): MemoryBytes {
  const p = ms.perGpu;
  const whole = (x: number): number => Math.ceil(x);
  const step = phases.stepIsPeak;
  const freed = p.stepFreed ?? { weights: 0, gradients: 0 };
  const components = {
    weights: whole(step ? p.weights - freed.weights : p.weights),
    gradients: whole(step ? p.gradients - freed.gradients : phases.fbGradients),
    optimizerState: whole(deviceState),
    masterWeights: whole(p.masterWeights),
    optimizerTemporaries: whole(step ? p.optimizerTemporaries : phases.fbTemps),
    activations: whole(step ? 0 : phases.fbActivations),
  };
  const peakAllocated =
    components.weights + components.gradients + components.optimizerState + components.masterWeights +
    components.optimizerTemporaries + components.activations;
  const cudaContext = whole(CUDA_CONTEXT.bytes);
  const allocatorReserveBytes = whole(reserve);
  const cublasWorkspace = CUBLAS_WORKSPACE.bytesPerHandle * CUBLAS_WORKSPACE.handles;
  const peakReserved = peakAllocated + allocatorReserveBytes + cublasWorkspace;
  return {
    ...components,
    overhead: cudaContext + cublasWorkspace + allocatorReserveBytes,
    cudaContext,
    allocatorReserve: allocatorReserveBytes,
    cublasWorkspace,
    pagedOptimizerState: whole(paged),
    peakAllocated,
    peakReserved,
    peak: peakReserved + cudaContext,
  };
}

/** The notes that say what the estimate assumed and counted, in the order the breakdown shows them. */
function estimateNotes(input: EstimateInput, ms: ModelStates, acts: ActivationEstimate, sib: StepInBackward, bytes: MemoryBytes, verdict: FitVerdict | null, stepIsPeak: boolean, reserve: number): string[] {
  const { split, tensors: tt, perGpu } = ms;
  const notes: string[] = [];
  notes.push(`precision: ${split.label}.`);
  notes.push(`base weights: ${ms.base.dtype} (${ms.base.source}): ${ms.base.reason}.`);
  if (input.precision === 'fp16-mixed' && !split.masterWeights && tt.trainableDtype === 'fp16') {
    notes.push("fp16 AMP over fp16 trainable weights: torch's GradScaler refuses fp16 gradients ('Attempting to unscale FP16 gradients', PEFT troubleshooting guide); train fp32 (or fp32-upcast) parameters with fp16 AMP.");
  }
  notes.push(...tt.notes);
  notes.push(`optimizer: ${input.optimizer.spec.name} (${input.optimizer.spelling}), state summed per tensor from the catalog in ${ms.optimizerParamDtype} parameter dtype.`);
  if ((input.optimizer.variant as CatalogVariant).implementation === 'torchao') {
    notes.push(`optimizer states are ${input.optimizer.variant.stateBits}-bit blockwise (torchao) for tensors of at least 4096 elements divisible by the block size; the rest keep both moments in the parameter dtype.`);
  } else if (input.optimizer.variant.stateBits === 8) notes.push('optimizer states are 8-bit blockwise (bitsandbytes).');
  if (input.optimizer.variant.paged) {
    notes.push(
      `paged optimizer state: ${(bytes.pagedOptimizerState / 2 ** 30).toFixed(2)} GiB of state1/state2 (tensors of >= 1e5 values) live in CUDA unified memory, outside torch's counters and outside the peaks; the driver pages them to CPU RAM when the GPU is full (slower).`,
    );
    if (verdict === 'fits-with-paging') notes.push('fits with paging: the peak fits, but not together with the paged optimizer state, which may spill to CPU RAM (slower steps).');
  }
  if (sib.on) notes.push(...stepInBackwardNote(sib.inFlight, input.optimizerInBackward ? 'flag' : 'spelling', input.optimizer.spelling, input.gradAccum));
  notes.push(ms.optimizer.temporariesNote);
  notes.push(...perGpu.notes);
  notes.push(...acts.notes);
  if (input.gradAccum > 1 && !sib.on) notes.push(`gradient accumulation (${input.gradAccum}): gradients stay allocated during forward/backward.`);
  if (!input.zeroGradSetToNone && !sib.on) notes.push('zero_grad(set_to_none=False) (torch 1.x default): gradients are zeroed in place and stay allocated through the next forward.');
  const maxPos = modelMaxPositions(input.model);
  if (maxPos !== null && input.seqLen > maxPos && input.model.shape.kind === 'transformer') {
    notes.push(`sequence length ${input.seqLen} exceeds the model's maximum positions (${maxPos}).`);
  }
  notes.push(
    `peak phase: ${stepIsPeak ? 'optimizer step' : 'forward/backward'}; overhead = CUDA context ${Math.round(CUDA_CONTEXT.bytes / 2 ** 20)} MiB (transformers docs' measurement, assumption; nvidia-smi shows it, torch's counters do not) + cuBLAS workspaces ${(bytes.cublasWorkspace / 2 ** 20).toFixed(1)} MiB (PyTorch's default ${CUBLAS_WORKSPACE.bytesPerHandle.toLocaleString('en-US')} B for ${CUBLAS_WORKSPACE.handles} handles, forward and backward threads; 32 MiB each on Hopper/Blackwell; assumption) + caching-allocator reserve ${Math.round(reserve / 2 ** 20)} MiB (PyTorch's caching allocator replayed over the run's allocations: 512-byte rounding, 2 MiB / 20 MiB / 2 MiB-rounded segments, best-fit reuse and splitting of cached blocks, nothing returned; expandable_segments off).`,
  );
  for (const w of input.model.warnings) notes.push(`model: ${w}`);
  return notes;
}

/** The estimate: model states, activations, the two phases, the allocator's reserve, then the verdict and notes. */
export function estimateMemory(input: EstimateInput): MemoryEstimate {
  const ms = estimateModelStates(input);
  const tt = ms.tensors;
  const acts = activationsOf(input, ms);
  const { paged, deviceState } = splitPagedState(input, ms);
  const sib = stepInBackward(input, ms);
  const phases = combinePhases(input, ms, acts, deviceState, sib);
  const reserve = allocatorReserve(input, ms, acts, paged, sib);
  const bytes = peakBytes(ms, phases, deviceState, paged, reserve);
  const verdict = fitVerdict(bytes.peak, bytes.pagedOptimizerState, input.gpuMemoryBytes);
  let total = 0;
  for (const s of tt.stored) total += s.elements;
  let trainable = 0;
  for (const t of tt.trainable) trainable += t.shape.reduce((a, b) => a * b, 1);
  return {
    bytes,
    fits: input.gpuMemoryBytes === null ? null : bytes.peak <= input.gpuMemoryBytes,
    verdict,
    peakPhase: phases.stepIsPeak ? 'optimizer-step' : 'forward-backward',
    params: { total, trainable },
    stateTensors: ms.optimizer.perTensor,
    weightStorage: weightGroups(tt),
    baseDtype: ms.base,
    notes: estimateNotes(input, ms, acts, sib, bytes, verdict, phases.stepIsPeak, reserve),
  };
}
