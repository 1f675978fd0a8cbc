/**
 * TEST FIXTURES for the chart and webview tests: a hand-made profile document with synthetic curves
 * (loss = floor + height * exp(-rate * step), a fixed per-seed offset). These numbers are invented to
 * exercise the charts; they are not measurements and never shown to users.
 */
import type { ProfileOptimizerResult, ProfileResultDocument, ProfileRun, RealShapesMethod, RealShapesSection } from '../../src/core/profile/profile-types';

type QualityEntry = NonNullable<ProfileResultDocument['evidenceQuality']>['optimizers'][string];

const GiB = 2 ** 30;
const STEPS = 60;
const STRIDE = 2;

function curve(floor: number, height: number, rate: number, offset: number, divergeAt: number | null): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i <= STEPS / STRIDE; i++) {
    const step = i * STRIDE;
    if (divergeAt !== null && step >= divergeAt) out.push(null);
    else out.push(floor + offset + height * Math.exp(-rate * step));
  }
  return out;
}

interface Spec {
  readonly id: string;
  readonly lr: number;
  readonly floor: number;
  readonly rate: number;
  readonly cost: number;
  readonly peakGiB: number | null;
  readonly divergeHighLr?: boolean;
  readonly divergeAll?: boolean;
  /** Quality vs AdamW (invented); null: no measured evidence. */
  readonly quality: number | null;
}

function result(spec: Spec): ProfileOptimizerResult {
  const lrs = [spec.lr / 3, spec.lr, spec.lr * 3];
  const runs: ProfileRun[] = [];
  for (const [k, lr] of lrs.entries()) {
    for (const seed of [0, 1]) {
      const diverges = spec.divergeAll === true || (spec.divergeHighLr === true && k === 2);
      const floor = spec.floor * [1.25, 1, 1.1][k]!;
      const lossCurve = curve(floor, 2, spec.rate * [0.5, 1, 1.4][k]!, seed * 0.02, diverges ? 20 + seed * 4 : null);
      const last = lossCurve[lossCurve.length - 1] ?? null;
      runs.push({ lr, seed, lossCurve, finalLoss: diverges ? null : last, diverged: diverges });
    }
  }
  const best = runs.filter((r) => r.lr === spec.lr);
  const median = best[0]!.lossCurve.map((v, i) => {
    const w = best[1]!.lossCurve[i];
    return v === null || w === null || w === undefined ? null : (v + w) / 2;
  });
  const finalLoss = spec.divergeAll ? null : median[median.length - 1] ?? null;
  return {
    optimizer: spec.id,
    stepTimeMs: 4 * spec.cost,
    relativeStepCost: spec.cost,
    measuredStateBytes: 1000,
    estimatedStateBytes: 1000,
    estimatedPeakBytes: spec.peakGiB === null ? null : spec.peakGiB * GiB,
    recommendedLr: spec.lr,
    runs,
    bestLr: spec.divergeAll ? null : spec.lr,
    lossCurve: spec.divergeAll ? runs[2]!.lossCurve : median,
    finalLoss,
    stepsToTarget: spec.divergeAll ? null : 30,
    diverged: spec.divergeAll === true,
    robustness: [
      { probe: 'explosion', diverged: spec.id === 'sgd-momentum', finalLoss: spec.id === 'sgd-momentum' ? null : 2.5, behaviour: spec.id === 'sgd-momentum' ? 'loss became NaN' : 'update magnitude bounded' },
      { probe: 'nan-inf', diverged: true, finalLoss: null, behaviour: 'NaN propagated into the state' },
    ],
  };
}

// By hand (memory GiB, step ms = 4 x cost, quality): adam (30, 4, -0.2) is dominated by adamw (30, 4, 0) and by
// lion (26, 3.2, -0.1); novograd (26, 4.4, -0.5) by lion; sgd-momentum has no evidence and lamb no memory estimate
// (both not comparable); the front is adamw, lion, adamw-8bit (22, 5.2, 0) and adafactor (21, 5.6, -0.1).
export const FIXTURE_SPECS: readonly Spec[] = [
  { id: 'adamw', lr: 1e-3, floor: 1.2, rate: 0.12, cost: 1, peakGiB: 30, quality: 0 },
  { id: 'adam', lr: 1e-3, floor: 1.25, rate: 0.12, cost: 1, peakGiB: 30, quality: -0.2 },
  { id: 'lion', lr: 1e-4, floor: 1.3, rate: 0.1, cost: 0.8, peakGiB: 26, divergeHighLr: true, quality: -0.1 },
  { id: 'sgd-momentum', lr: 1e-2, floor: 1.8, rate: 0.05, cost: 0.7, peakGiB: 26, quality: null },
  { id: 'adamw-8bit', lr: 1e-3, floor: 1.22, rate: 0.12, cost: 1.3, peakGiB: 22, quality: 0 },
  { id: 'adafactor', lr: 1e-3, floor: 1.5, rate: 0.08, cost: 1.4, peakGiB: 21, quality: -0.1 },
  { id: 'novograd', lr: 1e-2, floor: 1.4, rate: 0.1, cost: 1.1, peakGiB: 26, divergeAll: true, quality: -0.5 },
  { id: 'lamb', lr: 1e-3, floor: 1.35, rate: 0.1, cost: 1.2, peakGiB: null, quality: 0.1 },
];

/** The fixture's quality entries (invented citations, shaped like src/core/advisor/quality.ts's). */
function qualityEntry(spec: Spec): QualityEntry {
  if (spec.id === 'adamw') return { median: 0, basis: 'reference', runs: 0, sources: 0, nearestSimilarity: null, citations: [] };
  if (spec.quality === null) return { median: null, basis: 'none', runs: 0, sources: 0, nearestSimilarity: null, citations: [] };
  const cite = (name: string, z: number, similarity: number) => ({
    cite: name, url: 'https://example.org/fixture', locator: 'Table 1', task: 'fixture task', z, runs: 1, similarity, selfReported: false, versus: 'adamw',
  });
  return {
    median: spec.quality,
    basis: 'measured',
    runs: 2,
    sources: 2,
    nearestSimilarity: 0.5,
    citations: [cite('Fixture A 2024', spec.quality - 0.1, 0.5), cite('Fixture B 2025', spec.quality + 0.1, 0.25)],
  };
}

export function fixtureProfile(): ProfileResultDocument {
  return {
    schemaVersion: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    backend: { name: 'wasm', tfBackend: 'wasm', reasons: [{ backend: 'tfjs-node', why: 'fixture: not installed' }] },
    machine: { platform: 'linux', arch: 'x64', cpuModel: 'Fixture CPU', cpuCount: 2, memoryBytes: 8 * GiB, node: 'v20.19.0', gpu: null },
    job: { id: 'examples/llama-finetune', model: 'fixture model' },
    steps: STEPS,
    curveStride: STRIDE,
    targetLoss: 1.4,
    results: FIXTURE_SPECS.map(result),
    proxy: { description: 'fixture proxy', params: 1_234_567 },
    paretoFront: ['adamw', 'lion', 'adamw-8bit', 'adafactor'],
    copyBandwidthGBps: 10,
    complete: true,
    evidenceQuality: {
      job: 'decoder-lm, fine-tune, 6.7B parameters',
      reference: 'adamw',
      optimizers: Object.fromEntries(FIXTURE_SPECS.map((spec) => [spec.id, qualityEntry(spec)])),
    },
  };
}

/** A real-shapes section holding the given optimizers' step costs (the rest of the section as a completed phase). */
export function fixtureRealShapes(steps: Readonly<Record<string, { stepMs: { median: number; min: number; max: number }; method: RealShapesMethod }>>): RealShapesSection {
  return {
    outcome: 'completed',
    budgetSeconds: 30,
    sliceElements: 1 << 24,
    trainableParams: 6_738_415_616,
    tensorKinds: 12,
    forwardBackward: { ms: null, tokensPerStep: 4096, params: 6_738_415_616, tflops: null, gpu: null, assumption: 'fixture: no throughput' },
    results: Object.entries(steps).map(([optimizer, s]) => ({
      optimizer, stepMs: s.stepMs, method: s.method, stateBytesMeasured: null, stateBytesEstimated: null,
      shareOfTrainingStep: null, shareAssumption: 'fixture', detail: [],
    })),
    notes: [],
  };
}
