/**
 * The estimator's own allocation sequence of a training run, replayed through the caching-allocator
 * simulation (./allocator.ts) to find what the allocator reserves beyond the allocated bytes.
 *
 * The sequence, per optimizer step (three steps are replayed: the optimizer state appears in the
 * first, so the second and third are the steady state):
 * - at load: the stored weights and any fp32 master copies, tensor by tensor;
 * - per micro-batch, forward: the first matmul creates the forward cuBLAS workspace; the saved
 *   activations are allocated layer by layer (a saved-tensor group of `count` instances spreads
 *   its instances evenly over the forward; one-off groups such as the loss buffers come last);
 * - backward: the backward cuBLAS workspace first; then from the last layer to the first, each
 *   layer's parameter gradients are created (first micro-batch of the step only; accumulation keeps
 *   them) before that layer's saved activations are freed; with the step in backward each gradient
 *   is stepped and freed at once (its state created on first use);
 * - optimizer step: the state tensors on the first step (torch creates them lazily), the step's
 *   temporaries as one tensor per parameter (foreach lists) freed after the step, then
 *   zero_grad(set_to_none=True) frees the gradients (with set_to_none=False they stay).
 * Activations are freed in backward in reverse order of their allocation, which is how autograd
 * releases saved tensors layer by layer.
 *
 * A replay depends on nothing but the trace, so `replayTraining` keeps the results of the last
 * REPLAY_CACHE_ENTRIES traces by their content: when nothing fits, the advisor estimates dozens of setups
 * whose traces coincide (optimizers with the same state tensors, plans that end in the same setup).
 */
import { CachingAllocatorSim } from './allocator';
import type { Allocation } from './activations';

/** One trainable tensor: its gradient, device optimizer state tensors and place in the layer order (0 = first layer, 1 = output). */
export interface TraceParam {
  readonly gradient: number;
  readonly states: readonly number[];
  readonly position: number;
}

export interface TrainingTrace {
  /** Resident tensors allocated at load (stored weights, fp32 master weights), in order. */
  readonly resident: readonly number[];
  readonly trainable: readonly TraceParam[];
  /** Optimizer state not tied to one tensor (created with the first step). */
  readonly globalStates: readonly number[];
  /** Saved-tensor groups of one forward (./activations.ts). */
  readonly activations: readonly Allocation[];
  /** Bytes of the optimizer step's temporaries (split over the parameters, foreach-style). */
  readonly stepTemporaries: number;
  /** Largest one-tensor step temporaries when the step runs in backward. */
  readonly backwardTemporaries: number;
  readonly gradAccum: number;
  /** zero_grad(set_to_none=False): gradients are created once and never freed. */
  readonly keepGradients: boolean;
  readonly stepInBackward: boolean;
  /** cuBLAS workspaces: the forward thread's, then the backward thread's. */
  readonly workspaces: readonly number[];
}

export interface TraceResult {
  /** Peak of the bytes requested (the tensors' own sizes). */
  readonly peakRequested: number;
  /** Peak of torch's allocated counter (whole blocks). */
  readonly peakAllocated: number;
  readonly peakReserved: number;
}

interface Instance { readonly bytes: number; readonly position: number; readonly order: number }

/** The forward's saved tensors, in allocation order. */
function forwardInstances(groups: readonly Allocation[]): Instance[] {
  const out: Instance[] = [];
  groups.forEach((g, gi) => {
    for (let k = 0; k < g.count; k++) out.push({ bytes: g.bytes, position: g.count > 1 ? (k + 1) / g.count : 1, order: gi });
  });
  return out.sort((a, b) => a.position - b.position || a.order - b.order);
}

/** How many replays are kept (least recently used dropped first): one `recommend` on a 7B model replays about 100 distinct traces (keys of ~23 KB each), so the same recommend repeated finds them all. */
export const REPLAY_CACHE_ENTRIES = 128;
const replays = new Map<string, TraceResult>();

/** The trace replayed through the caching-allocator simulation, `steps` optimizer steps; a repeated trace is answered from the cache. */
export function replayTraining(t: TrainingTrace, steps = 3): TraceResult {
  const key = `${steps}\u0000${JSON.stringify(t)}`;
  const hit = replays.get(key);
  if (hit !== undefined) {
    replays.delete(key);
    replays.set(key, hit);
    return hit;
  }
  const result = Object.freeze(replayUncached(t, steps));
  // JSON writes NaN and ±Infinity alike as null: such a trace is not told apart from its neighbours, so it is not kept.
  if (key.includes('null')) return result;
  replays.set(key, result);
  if (replays.size > REPLAY_CACHE_ENTRIES) replays.delete(replays.keys().next().value as string);
  return result;
}

/** Empties the replay cache (estimate.ts's clearEstimatorCaches). */
export function clearReplayCache(): void {
  replays.clear();
}

function replayUncached(t: TrainingTrace, steps: number): TraceResult {
  const sim = new CachingAllocatorSim();
  for (const r of t.resident) sim.alloc(r);
  const forward = forwardInstances(t.activations);
  // Backward events, last layer first: gradients of a layer before its activations are freed.
  type Ev = { readonly kind: 'grad'; readonly p: number } | { readonly kind: 'free'; readonly i: number };
  const events: { ev: Ev; position: number; rank: number }[] = [];
  t.trainable.forEach((p, i) => events.push({ ev: { kind: 'grad', p: i }, position: p.position, rank: 0 }));
  forward.forEach((a, i) => events.push({ ev: { kind: 'free', i }, position: a.position, rank: 1 }));
  events.sort((a, b) => b.position - a.position || a.rank - b.rank);

  const workspaces: number[] = [];
  const stateIds = new Map<number, number[]>();
  const ensureState = (i: number): void => {
    if (stateIds.has(i)) return;
    stateIds.set(i, (t.trainable[i] as TraceParam).states.map((s) => sim.alloc(s)));
  };
  let globalsDone = false;
  const totalGrad = t.trainable.reduce((a, p) => a + p.gradient, 0);

  const kept = new Map<number, number>();
  for (let step = 0; step < steps; step++) {
    const grads = t.keepGradients ? kept : new Map<number, number>();
    for (let mb = 0; mb < Math.max(1, t.gradAccum); mb++) {
      if (workspaces.length === 0 && t.workspaces[0] !== undefined) workspaces.push(sim.alloc(t.workspaces[0]));
      const saved = forward.map((a) => sim.alloc(a.bytes));
      if (workspaces.length === 1 && t.workspaces[1] !== undefined) workspaces.push(sim.alloc(t.workspaces[1]));
      for (const { ev } of events) {
        if (ev.kind === 'free') {
          sim.free(saved[ev.i] as number);
          continue;
        }
        const p = t.trainable[ev.p] as TraceParam;
        if (t.stepInBackward) {
          const g = sim.alloc(p.gradient);
          ensureState(ev.p);
          const tmp = sim.alloc(t.backwardTemporaries);
          sim.free(tmp);
          sim.free(g);
        } else if (!grads.has(ev.p)) {
          grads.set(ev.p, sim.alloc(p.gradient));
        }
      }
    }
    if (!globalsDone) {
      for (const g of t.globalStates) sim.alloc(g);
      globalsDone = true;
    }
    if (t.stepInBackward) continue;
    t.trainable.forEach((_, i) => ensureState(i));
    const temps = totalGrad > 0 ? t.trainable.map((p) => sim.alloc((t.stepTemporaries * p.gradient) / totalGrad)) : [];
    for (const id of temps) sim.free(id);
    if (!t.keepGradients) for (const id of grads.values()) sim.free(id);
  }
  return { peakRequested: sim.peakRequested, peakAllocated: sim.peakAllocated, peakReserved: sim.peakReserved };
}

/** What the trace builder needs from the estimate (./estimate.ts). */
export interface TraceSource {
  readonly zeroStage: number;
  readonly gradAccum: number;
  readonly keepGradients: boolean;
  readonly stepInBackward: boolean;
  /** Per-GPU flat buffers under ZeRO. */
  readonly flat: { readonly weights: number; readonly master: number; readonly gradients: number; readonly deviceState: number };
  /**
   * FSDP units whose gradients backward produces one after another (each unit's own reduce-scatter output, ./zero.ts
   * fsdpStates); absent: one flat gradient buffer (DeepSpeed's partition).
   */
  readonly gradientUnits?: number;
  /** Stored tensors (name, bytes) in model order. */
  readonly stored: readonly { readonly name: string; readonly role: string; readonly bytes: number }[];
  /** Trainable tensors: name, role, gradient bytes, fp32 master bytes, device state bytes. */
  readonly trainable: readonly { readonly name: string; readonly role: string; readonly gradient: number; readonly master: number; readonly states: readonly number[] }[];
  readonly globalStates: readonly number[];
  readonly activations: readonly Allocation[];
  readonly stepTemporaries: number;
  readonly backwardTemporaries: number;
  readonly workspaces: readonly number[];
}

const LAYER = /\.(\d+)\./;
const EARLY_ROLES = new Set(['embedding', 'position-embedding']);

/** Builds the trace: layer positions from the tensor names (`.N.`), embeddings first, everything else at the output. */
export function buildTrace(s: TraceSource): TrainingTrace {
  const common = {
    activations: s.activations, stepTemporaries: s.stepTemporaries, backwardTemporaries: s.backwardTemporaries,
    gradAccum: s.gradAccum, keepGradients: s.keepGradients, stepInBackward: s.stepInBackward, workspaces: s.workspaces, globalStates: s.globalStates,
  };
  if (s.zeroStage > 0) {
    // ZeRO keeps flat partitioned buffers: one allocation per component; FSDP's gradients come unit by unit, in
    // equal parts spread over backward.
    const k = Math.max(1, Math.floor(s.gradientUnits ?? 1));
    return {
      ...common,
      resident: [s.flat.weights, s.flat.master],
      trainable: k === 1
        ? [{ gradient: s.flat.gradients, states: [s.flat.deviceState], position: 0.5 }]
        : Array.from({ length: k }, (_, i) => ({ gradient: s.flat.gradients / k, states: i === 0 ? [s.flat.deviceState] : [], position: (i + 1) / k })),
    };
  }
  let layers = 0;
  for (const t of s.stored) {
    const m = LAYER.exec(t.name);
    if (m !== null) layers = Math.max(layers, Number(m[1]) + 1);
  }
  const position = (name: string, role: string): number => {
    const m = LAYER.exec(name);
    if (m !== null && layers > 0) return (Number(m[1]) + 1) / layers;
    return EARLY_ROLES.has(role) ? 0 : 1;
  };
  return {
    ...common,
    resident: [...s.stored.map((t) => t.bytes), ...s.trainable.map((t) => t.master)],
    trainable: s.trainable.map((t) => ({ gradient: t.gradient, states: t.states, position: position(t.name, t.role) })),
  };
}
