import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  byteAxis, byteUnit, formatNumber, linearTicks, logAxis, logTicks, niceLogDomain, timeUnit,
} from '../../src/charts/axes';
import { fitLabel, textWidth, wrapLabel } from '../../src/charts/chart';
import { contourLevels, contourLines, plotWindow, sampleGrid } from '../../src/charts/contours';
import { stackMemoryBars } from '../../src/charts/memory';
import { dominates, paretoFront, paretoFrontIds, paretoFrontOf, paretoPointsOf } from '../../src/core/profile/pareto';
import { spreadLabels, thin } from '../../src/charts/render-curves';
import { heatOpacity } from '../../src/charts/render-heatmap';
import { lossBins, padded, qualitySourceText, signedQuality, stepSourceText } from '../../src/charts/render-pareto';
import { ZH_CN_CHART_STRINGS } from '../../src/charts/strings';
import { lossCurveSummaries, lrSensitivityGrid, medianBand, medianWithDivergence, multiplierLabel } from '../../src/charts/runs';
import { median } from '../../src/core/profile/median';
import type { ProfileOptimizerResult, ProfileRun } from '../../src/core/profile/profile-types';
import { fixtureProfile, fixtureRealShapes } from './charts-fixtures';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

// ---- Pareto -------------------------------------------------------------------------------------------

const P = (id: string, memory: number | null, stepMs: number | null, quality: number | null, stepSource: 'proxy' | 'real-shapes' = 'proxy') => ({ id, memory, stepMs, quality, stepSource });

test('Pareto front over (memory, step time, quality): memory and step time minimised, quality maximised; ties stay on the front', () => {
  const points = [
    P('A', 10, 1.0, 0),
    P('B', 8, 1.2, 0), // less memory than A, slower: not dominated by A; F is as good and has better quality
    P('C', 12, 1.1, -0.1), // worse than A (and D) on every axis
    P('D', 10, 1.0, 0), // identical to A: neither dominates the other
    P('E', 10, 1.0, null), // no measured evidence: cannot be compared
    P('F', 8, 1.2, 0.1),
    P('G', 10, 0.9, -1), // the fastest, with the worst quality: on the front by step time alone
    P('H', 12, 5, -0.5, 'real-shapes'), // worse than A everywhere, but its step time has another source
  ];
  const out = paretoFront(points);
  const status = Object.fromEntries(out.map((p) => [p.id, p.status]));
  assert.deepEqual(status, { A: 'front', B: 'dominated', C: 'dominated', D: 'front', E: 'incomparable', F: 'front', G: 'front', H: 'front' });
  const by = Object.fromEntries(out.map((p) => [p.id, p.dominatedBy]));
  assert.deepEqual(by['B'], ['F']);
  assert.deepEqual(by['C'], ['A', 'D']);
  assert.deepEqual(paretoFrontIds(points), ['A', 'D', 'F', 'G', 'H']);
  // Each axis alone decides: dropping G's speed advantage puts it behind A.
  assert.deepEqual(paretoFront([P('A', 10, 1.0, 0), P('G', 10, 1.0, -1)]).map((p) => p.status), ['front', 'dominated']);
});

test('dominates needs no-worse everywhere, strictly better somewhere, and step times of the same source', () => {
  const p = { id: 'p', memory: 5, stepMs: 1, quality: 0.5, stepSource: 'proxy' as const };
  assert.equal(dominates(p, { ...p, id: 'q' }), false);
  assert.equal(dominates(p, { ...p, id: 'q', quality: 0.4999 }), true, 'higher quality is better');
  assert.equal(dominates(p, { ...p, id: 'q', quality: 0.6 }), false);
  assert.equal(dominates(p, { ...p, id: 'q', stepMs: 1.5, memory: 4 }), false);
  assert.equal(dominates(p, { ...p, id: 'q', stepMs: 2, stepSource: 'real-shapes' }), false, 'a real-shape step is not compared with a proxy step');
  assert.equal(dominates({ ...p, stepSource: 'real-shapes' }, { ...p, id: 'q', stepMs: 2, stepSource: 'real-shapes' }), true);
});

test('Pareto points of a profile: memory from the estimator, step time from the proxy, quality from the evidence, each with its source', () => {
  const doc = fixtureProfile();
  const points = paretoPointsOf(doc);
  const of = (id: string) => points.find((p) => p.id === id)!;
  assert.equal(of('lamb').memory, null);
  assert.equal(of('adamw').memory, 30 * GiB);
  assert.equal(of('lion').stepMs, 3.2);
  assert.deepEqual(of('lion').stepOrigin, { kind: 'proxy', params: 1_234_567, backend: 'wasm', relativeToAdamW: 0.8 });
  assert.deepEqual(of('adamw').qualityOrigin, { kind: 'reference' });
  assert.equal(of('adamw').quality, 0);
  assert.deepEqual(of('sgd-momentum').qualityOrigin, { kind: 'none' });
  assert.equal(of('sgd-momentum').quality, null);
  assert.equal(of('lion').quality, -0.1);
  assert.equal(of('lion').qualityOrigin.kind, 'evidence');
  // The proxy's loss rides along as the secondary signal: novograd diverged on the proxy but stays comparable.
  assert.equal(of('novograd').proxyLoss, null);
  assert.equal(of('novograd').proxyDiverged, true);
  const out = paretoFront(points);
  assert.deepEqual(out.find((p) => p.id === 'adam')?.dominatedBy, ['adamw', 'lion']);
  assert.deepEqual(out.find((p) => p.id === 'novograd')?.dominatedBy, ['lion']);
  assert.deepEqual(paretoFrontOf(doc), ['adamw', 'lion', 'adamw-8bit', 'adafactor']);
  assert.deepEqual(paretoFrontOf(doc), doc.paretoFront);
});

test('a step time measured at the real shapes replaces the proxy\'s, and is not compared with proxy steps', () => {
  const doc = { ...fixtureProfile(), realShapes: fixtureRealShapes({ lion: { stepMs: { median: 120, min: 110, max: 135 }, method: 'sampled' } }) };
  const points = paretoPointsOf(doc);
  const lion = points.find((p) => p.id === 'lion')!;
  assert.equal(lion.stepMs, 120);
  assert.equal(lion.stepSource, 'real-shapes');
  assert.deepEqual(lion.stepOrigin, { kind: 'real-shapes', method: 'sampled', min: 110, max: 135, relativeToAdamW: null }, 'AdamW has no real-shape step');
  const both = paretoPointsOf({ ...doc, realShapes: fixtureRealShapes({ lion: { stepMs: { median: 120, min: 110, max: 135 }, method: 'sampled' }, adamw: { stepMs: { median: 100, min: 90, max: 120 }, method: 'whole' } }) });
  assert.equal(both.find((p) => p.id === 'lion')!.stepOrigin.relativeToAdamW, 1.2);
  // lion no longer dominates adam and novograd (their steps come from the proxy); it is alone in its source.
  const out = paretoFront(points);
  assert.deepEqual(out.find((p) => p.id === 'adam')?.dominatedBy, ['adamw']);
  assert.equal(out.find((p) => p.id === 'novograd')?.status, 'front');
  assert.equal(out.find((p) => p.id === 'lion')?.status, 'front');
  // A result for an optimizer that is not one of the document's, or one not measured (null step), changes nothing.
  const odd = fixtureRealShapes({ __proto__x: { stepMs: { median: 1, min: 1, max: 1 }, method: 'whole' } });
  const unmeasured = { ...odd, results: [...odd.results, { ...odd.results[0]!, optimizer: 'lion', stepMs: null, method: null }] };
  assert.ok(paretoPointsOf({ ...fixtureProfile(), realShapes: unmeasured }).every((p) => p.stepSource === 'proxy'));
});

test('a profile saved before the quality axis: quality not recorded, nothing comparable, no front', () => {
  const doc = { ...fixtureProfile() };
  delete (doc as { evidenceQuality?: unknown }).evidenceQuality;
  const points = paretoPointsOf(doc);
  assert.ok(points.every((p) => p.qualityOrigin.kind === 'not-recorded' && p.quality === null));
  assert.deepEqual(paretoFrontOf(doc), []);
});

test('coordinate-source labels: proxy with its size and backend, real shapes with method and spread, evidence with its citations', () => {
  const doc = { ...fixtureProfile(), realShapes: fixtureRealShapes({ adafactor: { stepMs: { median: 40, min: 38, max: 45 }, method: 'extrapolated' } }) };
  const points = paretoPointsOf(doc);
  const of = (id: string) => points.find((p) => p.id === id)!;
  assert.equal(stepSourceText(of('lion')), 'proxy model, 1.23M params, this machine (wasm)');
  assert.equal(stepSourceText(of('adafactor')), 'measured at the model’s real tensor shapes (extrapolated); range 38–45 ms');
  assert.equal(stepSourceText(of('adafactor'), ZH_CN_CHART_STRINGS), '在模型真实张量形状上实测（外推）; 范围 38–45 ms');
  assert.equal(
    qualitySourceText(of('adamw-8bit')),
    'median over 2 published sources nearest your job (2 runs; nearest similarity 0.5): Fixture A 2024 (Table 1; −0.1); Fixture B 2025 (Table 1; +0.1)',
  );
  assert.equal(qualitySourceText(of('adamw')), 'the reference: AdamW is 0 by definition');
  assert.equal(qualitySourceText(of('sgd-momentum')), 'no measured evidence');
  assert.equal(signedQuality(-0.5), '−0.5');
  assert.equal(signedQuality(0.125), '+0.13');
});

// ---- Axes and units -----------------------------------------------------------------------------------

test('log ticks: decades when there are enough, 1-2-5 steps for narrower ranges, linear steps inside one decade', () => {
  assert.deepEqual(logTicks(1, 1000), [1, 10, 100, 1000]);
  assert.deepEqual(logTicks(0.5, 20), [0.5, 1, 2, 5, 10, 20]);
  assert.deepEqual(logTicks(0.003, 0.2), [0.005, 0.01, 0.02, 0.05, 0.1, 0.2]);
  // 2.1..2.9 holds no 1..9 x 10^k; d3's linear step for 3 ticks over 0.8 is 0.2.
  assert.deepEqual(logTicks(2.1, 2.9), [2.2, 2.4, 2.6, 2.8]);
  assert.deepEqual(logTicks(0, 10), []);
});

test('log domains round out to 1, 2 or 5 x 10^k', () => {
  assert.deepEqual(niceLogDomain(0.5, 20), [0.5, 20]);
  assert.deepEqual(niceLogDomain(0.003, 800), [0.002, 1000]);
  assert.deepEqual(niceLogDomain(2.1, 2.9), [2, 5]);
  assert.throws(() => niceLogDomain(0, 1), RangeError);
  const axis = logAxis([1.2, 4.5], [200, 0]);
  assert.equal(axis.scale(axis.domain[0]), 200);
  assert.equal(axis.scale(axis.domain[1]), 0);
  // Log scale: the geometric middle of the domain maps to the middle pixel.
  assert.ok(Math.abs(axis.scale(Math.sqrt(axis.domain[0] * axis.domain[1])) - 100) < 1e-9);
});

test('byte axes read in one binary unit with nice ticks', () => {
  assert.equal(byteUnit(112.4 * GiB).unit, 'GiB');
  assert.equal(byteUnit(900 * MiB).unit, 'MiB');
  assert.equal(byteUnit(1023).unit, 'B');
  // 0..112.4 GiB over 300 px: 5 ticks wanted, d3 picks a step of 20 -> 0..120 GiB.
  const axis = byteAxis(112.4 * GiB, [0, 300]);
  assert.equal(axis.unit, 'GiB');
  assert.deepEqual(axis.ticks.map((t) => t.label), ['0', '20', '40', '60', '80', '100', '120']);
  assert.deepEqual(axis.ticks.map((t) => t.value), [0, 20, 40, 60, 80, 100, 120].map((g) => g * GiB));
  assert.deepEqual(axis.domain, [0, 120 * GiB]);
  assert.equal(axis.scale(60 * GiB), 150);
  // 0..900 MiB: step 200 -> 0..1000 MiB.
  const small = byteAxis(900 * MiB, [0, 300]);
  assert.equal(small.unit, 'MiB');
  assert.deepEqual(small.ticks.map((t) => t.label), ['0', '200', '400', '600', '800', '1000']);
});

test('time units and number formatting', () => {
  assert.equal(timeUnit(0.5).unit, 'µs');
  assert.equal(timeUnit(12).unit, 'ms');
  assert.equal(timeUnit(2500).unit, 's');
  assert.equal(formatNumber(0.1 + 0.2), '0.3');
  assert.equal(formatNumber(1234567), '1.23e6');
  assert.equal(formatNumber(0.0001234), '1.23e-4');
  assert.equal(formatNumber(2e-5), '2e-5');
  assert.equal(formatNumber(0.001), '0.001');
  assert.deepEqual(linearTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
});

// ---- Runs: medians, heat map, curves -------------------------------------------------------------------

test('median treats a diverged run as +Infinity', () => {
  assert.equal(medianWithDivergence([1, 2]), 1.5);
  assert.equal(medianWithDivergence([2, null]), null);
  assert.equal(medianWithDivergence([1, null, 3]), 3);
  assert.equal(medianWithDivergence([5, 1, 3]), 3);
  assert.equal(medianWithDivergence([]), null);
});

test('the median of numbers: the middle value, the mean of the two middle ones for an even count, null for none', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.equal(median([]), null);
});

const run = (lr: number, seed: number, finalLoss: number | null): ProfileRun => ({
  lr, seed, lossCurve: [], finalLoss, diverged: finalLoss === null,
});

function result(optimizer: string, recommendedLr: number | undefined, runs: ProfileRun[]): ProfileOptimizerResult {
  return {
    optimizer, stepTimeMs: 1, relativeStepCost: 1, measuredStateBytes: 0, estimatedStateBytes: 0, estimatedPeakBytes: null,
    ...(recommendedLr === undefined ? {} : { recommendedLr }),
    runs, bestLr: null, lossCurve: [], finalLoss: null, stepsToTarget: null, diverged: false,
  };
}

test('lr-sensitivity grid: columns are multiples of the recommended lr, cells the median over seeds', () => {
  const a = result('a', 1e-3, [run(1e-3 / 3, 0, 2.0), run(1e-3 / 3, 1, 2.2), run(1e-3, 0, 1.5), run(1e-3, 1, 1.7), run(3e-3, 0, 1.8), run(3e-3, 1, null)]);
  const b = result('b', 1e-4, [run(1e-4 / 3, 0, 3.0), run(1e-4, 0, 2.5)]);
  const grid = lrSensitivityGrid([a, b]);
  assert.equal(grid.relative, true);
  assert.deepEqual(grid.columns.map((c) => c.label), ['×1/3', '×1', '×3']);
  assert.deepEqual(grid.rows, ['a', 'b']);
  const cell = (r: number, c: number) => grid.cells[r]?.[c];
  assert.ok(Math.abs((cell(0, 0)?.medianFinalLoss ?? NaN) - 2.1) < 1e-12); // (2.0 + 2.2) / 2
  assert.ok(Math.abs((cell(0, 1)?.medianFinalLoss ?? NaN) - 1.6) < 1e-12); // (1.5 + 1.7) / 2
  assert.equal(cell(0, 2)?.medianFinalLoss, null); // (1.8, diverged)
  assert.equal(cell(0, 2)?.divergedRuns, 1);
  assert.equal(cell(1, 0)?.medianFinalLoss, 3.0);
  assert.equal(cell(1, 2), null); // b never tried x3
  assert.deepEqual(grid.lossRange, [1.6, 3.0]);
});

test('lr-sensitivity grid without recommended lrs falls back to lr ranks', () => {
  const grid = lrSensitivityGrid([result('a', undefined, [run(0.1, 0, 1), run(0.01, 0, 2)]), result('b', 1e-3, [run(1e-3, 0, 3)])]);
  assert.equal(grid.relative, false);
  assert.deepEqual(grid.columns.map((c) => c.label), ['lr 1', 'lr 2']);
  assert.equal(grid.cells[0]?.[0]?.lr, 0.01); // lowest lr first
  assert.equal(multiplierLabel(1 / 3), '×1/3');
  assert.equal(multiplierLabel(3), '×3');
  assert.equal(multiplierLabel(0.4), '×0.4');
});

test('median and band over curves of different lengths, point by point', () => {
  const { median, lower, upper } = medianBand([[3, 2, 1], [5, 4, null], [4, 3]]);
  assert.deepEqual(median, [4, 3, null]); // last point: 1, not finite, ended -> median +Infinity
  assert.deepEqual(lower, [3, 2, 1]);
  assert.deepEqual(upper, [5, 4, 1]);
});

test('loss-curve summaries use the runs at the best lr and the curve stride for steps', () => {
  const doc = fixtureProfile();
  const summaries = lossCurveSummaries(doc);
  const adamw = summaries.find((s) => s.optimizer === 'adamw');
  assert.ok(adamw);
  assert.equal(adamw.runs, 2);
  assert.equal(adamw.lr, 1e-3);
  assert.deepEqual(adamw.steps.slice(0, 4), [0, 2, 4, 6]);
  // Fixture seeds differ by +0.02 in loss: the band is that wide everywhere and the median in the middle.
  assert.ok(Math.abs((adamw.upper[10] as number) - (adamw.lower[10] as number) - 0.02) < 1e-12);
  assert.ok(Math.abs((adamw.median[10] as number) - ((adamw.lower[10] as number) + 0.01)) < 1e-12);
  assert.equal(adamw.finalLoss, doc.results.find((r) => r.optimizer === 'adamw')?.finalLoss);
  const novograd = summaries.find((s) => s.optimizer === 'novograd');
  assert.equal(novograd?.finalLoss, null);
  assert.equal(novograd?.lr, null); // every lr diverged: the document's own curve, no band
  assert.equal(novograd?.runs, 1);
});

test('thin keeps the first and last points and at most max points', () => {
  const xs = Array.from({ length: 1001 }, (_, i) => i);
  const out = thin(xs, 100);
  assert.ok(out.length <= 101);
  assert.equal(out[0], 0);
  assert.equal(out[out.length - 1], 1000);
  assert.deepEqual(thin([1, 2, 3], 10), [1, 2, 3]);
});

// ---- Memory bars --------------------------------------------------------------------------------------

test('memory bars stack the estimator components in order and end at the peak', () => {
  const bytes = { weights: 10, masterWeights: 0, gradients: 5, optimizerState: 20, optimizerTemporaries: 0, activations: 7, overhead: 3, peak: 45 };
  const stack = stackMemoryBars([{ id: 'adamw', label: 'AdamW', bytes }, { id: 'x', label: 'X', bytes: null, error: 'not modelled' }], 40);
  const bar = stack.bars[0]!;
  assert.deepEqual(bar.segments.map((s) => [s.component, s.start, s.end]), [
    ['weights', 0, 10], ['gradients', 10, 15], ['optimizerState', 15, 35], ['activations', 35, 42], ['overhead', 42, 45],
  ]);
  assert.equal(bar.peak, 45);
  assert.equal(bar.overBudget, true);
  assert.equal(stack.bars[1]?.peak, null);
  assert.equal(stack.bars[1]?.error, 'not modelled');
  assert.equal(stack.max, 45);
  assert.deepEqual(stack.components, ['weights', 'gradients', 'optimizerState', 'activations', 'overhead']);
  const noBudget = stackMemoryBars([{ id: 'a', label: 'A', bytes }], null);
  assert.equal(noBudget.bars[0]?.overBudget, null);
  assert.equal(stackMemoryBars([{ id: 'a', label: 'A', bytes }], 80).max, 80);
});

// ---- Contours -----------------------------------------------------------------------------------------

test('contour levels: 1 and 3 x 10^k above the floor for Rosenbrock-like ranges, even steps for the saddle', () => {
  // floor = max(0, 2500e-6, 1e-3) = 0.0025
  assert.deepEqual(contourLevels(0, 2500, true), [0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000]);
  // d3 step for 12 ticks over 4.5 is 0.5
  assert.deepEqual(contourLevels(-2.25, 2.25, false), [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2]);
});

test('contour lines lie on their level (saddle x^2 - y^2, checked with the formula)', () => {
  const f = (x: number, y: number): number => x * x - y * y;
  const grid = sampleGrid(f, { x: [-1.5, 1.5], y: [-1.5, 1.5] }, 81, 81);
  const lines = contourLines(grid, [1]);
  assert.equal(lines.length, 1);
  let checked = 0;
  for (const ring of lines[0]!.rings) {
    for (const [x, y] of ring) {
      // Points on the grid border close the polygon; only interior points lie on the level.
      if (Math.abs(x) >= 1.49 || Math.abs(y) >= 1.49) continue;
      assert.ok(Math.abs(f(x, y) - 1) < 0.01, `f(${x}, ${y}) = ${f(x, y)}`);
      checked++;
    }
  }
  assert.ok(checked > 20, `only ${checked} interior points`);
});

test('plot windows grow to include trajectories, but at most three times their span', () => {
  assert.deepEqual(plotWindow('rosenbrock', []), { x: [-2, 2], y: [-1, 3] });
  assert.deepEqual(plotWindow('rosenbrock', [[[-1.5, 2], [2.5, 3.5]]]), { x: [-2, 2.5], y: [-1, 3.5] });
  // A diverged point far away: x span 4 may grow to 12 (from -6 to 6).
  assert.deepEqual(plotWindow('rosenbrock', [[[1e6, -1e6]]]).x, [-2, 6]);
  assert.deepEqual(plotWindow('rosenbrock', [[[1e6, -1e6]]]).y, [-5, 3]);
});

// ---- Layout helpers -----------------------------------------------------------------------------------

test('layout helpers: loss quarters, padding, heat shades, label spreading and fitting', () => {
  assert.deepEqual(lossBins([1, 2, 3, 4, null]), [0, 1, 2, 3, null]);
  assert.deepEqual(lossBins([1, 1, 2]), [0, 0, 2]);
  assert.deepEqual(padded([20, 30]), [19.2, 30.8]);
  assert.equal(heatOpacity(1, [1, 100]), 0.7);
  assert.ok(Math.abs(heatOpacity(100, [1, 100]) - 0.1) < 1e-12);
  assert.ok(Math.abs(heatOpacity(10, [1, 100]) - 0.4) < 1e-12);
  assert.deepEqual(spreadLabels([10, 12, 13], 11, 0, 100), [10, 21, 32]);
  assert.deepEqual(spreadLabels([95, 96], 11, 0, 100), [89, 100]);
  assert.equal(fitLabel('sgd', 100), 'sgd');
  const cut = fitLabel('AdamW 8-bit (bitsandbytes)', 60);
  assert.ok(cut.endsWith('…') && textWidth(cut) <= 60, cut);
});

test('axis titles wrap at spaces (any CJK character) into at most two lines that fit, the rest ellipsised', () => {
  const title = 'Estimated peak per GPU for your job, modelled (GiB)';
  assert.deepEqual(wrapLabel(title, 1000), [title]);
  const two = wrapLabel(title, 200);
  assert.equal(two.length, 2);
  assert.equal(two.join(' '), title, 'nothing lost when two lines are enough');
  for (const line of two) assert.ok(textWidth(line) <= 200, line);
  const cut = wrapLabel(title, 90);
  assert.equal(cut.length, 2);
  assert.ok(cut[1]!.endsWith('…') && cut.every((l) => textWidth(l) <= 90), cut.join(' | '));
  const zh = wrapLabel('你的任务每块 GPU 的估计峰值，估算值（GiB）', 160);
  assert.equal(zh.length, 2);
  assert.ok(zh.every((l) => textWidth(l) <= 160), zh.join(' | '));
  assert.equal(zh.join('').replace(/\s/g, ''), '你的任务每块GPU的估计峰值，估算值（GiB）');
  assert.ok(!/^[，。）]/.test(zh[1]!), `no line starts with closing punctuation: ${zh.join(' | ')}`);
});
