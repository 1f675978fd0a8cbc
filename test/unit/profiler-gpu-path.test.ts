/**
 * The GPU backend path with a faked selector (README "GPU profiling"): the loader is made to believe a CUDA
 * device is visible and finds a @tensorflow/tfjs-node-gpu that loads (gpu-backend-fakes.ts registers the cpu
 * kernels as TensorFlow's backend, so nothing here runs on a GPU). Checked: the path chosen, the labels the
 * profile carries, the fallback when TensorFlow reports no usable GPU, and a sweep on it training in one
 * child that times its own runs (two children share a machine only on the CPU backends). No GPU figure is measured or
 * claimed: the document names the backend and leaves `machine.gpu` empty.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { measuredOnLabel, shortMeasuredOnLabel } from '../../src/charts/render-profile-meta';
import { describeBackend, verifyGpuBackend } from '../../src/extension/gpu-backend/verify';
import { loadBackend } from '../../src/profiler/backend';
import type { BackendMessage } from '../../src/profiler/protocol';
import { buildDocument, type SweepState } from '../../src/profiler/sweep/document';
import { machineInfo, runSweep } from '../../src/profiler/sweep/sweep';
import { advisorInput, DATA } from '../support/sweep-fixtures';
import { PROFILER_TEST_CHILD, TEST_CUDA_ENV } from '../support/profiler-test-child';
import { buildGradientsBundle, COMPILED_PROFILER_DIR } from '../reference/tfjs-env';
import { workingGpuPackage } from './gpu-backend-fakes';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'profiler-gpu-path-'));
const visible = () => ({ visible: true, why: 'a CUDA device is assumed visible (test)' });

before(() => {
  buildGradientsBundle();
});

/** The document a sweep on this backend would carry (no runs: only the labels matter here). */
function documentOn(backend: BackendMessage) {
  const state: SweepState = {
    job: { id: 'j', model: 'm' }, proxy: { description: 'p', params: 2, notes: [], batch: 4 }, optimizers: [], steps: 1, seeds: [1], lrMultipliers: [1],
    machine: machineInfo(), createdAt: 'now', backend, runs: [], robustness: [], copyBandwidth: null, bandwidth: new Map(), notes: [],
  };
  return buildDocument(state, 'completed');
}

describe('the GPU backend path (faked selector)', () => {
  test('a visible CUDA device and a tfjs-node-gpu that loads on the GPU: tfjs-node-gpu is chosen, first, and computes', async () => {
    const fake = workingGpuPackage(path.join(tmp, 'gpu'), true);
    const loaded = await loadBackend({ extraModuleDirs: [fake.dir], cudaVisible: visible, gradientDirs: [COMPILED_PROFILER_DIR] });
    assert.equal(loaded.name, 'tfjs-node-gpu');
    assert.equal(loaded.tfBackend, 'tensorflow');
    assert.equal(loaded.location, fake.index);
    assert.deepEqual(loaded.reasons, [], 'nothing was tried before it');
    assert.equal(tf.getBackend(), 'tensorflow');
    assert.deepEqual(Array.from(tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync()), [4, 6]);
    // The labels: the backend is named; no GPU model is claimed (machine.gpu stays empty until one is measured).
    const message: BackendMessage = { type: 'backend', name: loaded.name, tfBackend: loaded.tfBackend, reasons: loaded.reasons, gradients: loaded.gradients, location: fake.index };
    const doc = documentOn(message);
    assert.equal(doc.backend.name, 'tfjs-node-gpu');
    assert.equal(doc.machine.gpu, null);
    assert.match(measuredOnLabel(doc), /^Measured with tfjs-node-gpu on /);
    assert.match(shortMeasuredOnLabel(doc), /^tfjs-node-gpu · /);
    assert.deepEqual(describeBackend(message), { outcome: 'gpu', detail: `the profiler runs TensorFlow on the GPU (${fake.index})` });
  });

  test('TensorFlow loads but finds no usable GPU: the GPU package serves as tfjs-node on the CPU, with the reason', async () => {
    const fake = workingGpuPackage(path.join(tmp, 'cpu-only'), false);
    const loaded = await loadBackend({ extraModuleDirs: [fake.dir], cudaVisible: visible, gradientDirs: [COMPILED_PROFILER_DIR] });
    assert.equal(loaded.name, 'tfjs-node');
    assert.equal(loaded.location, `${fake.index} (GPU package on the CPU)`);
    assert.deepEqual(loaded.reasons, [
      { backend: 'tfjs-node-gpu', why: `loaded from ${fake.index} but TensorFlow found no usable GPU (CUDA/cuDNN version or compute capability mismatch)` },
    ]);
    const message: BackendMessage = { type: 'backend', name: loaded.name, tfBackend: loaded.tfBackend, reasons: loaded.reasons, gradients: loaded.gradients };
    assert.match(measuredOnLabel(documentOn(message)), /^Measured with tfjs-node on /);
    assert.equal(describeBackend(message).detail, `the GPU backend is not used: ${loaded.reasons[0]!.why}; profiling will use tfjs-node`);
  });

  test('GPU profiling switched off for a run: the GPU package is not loaded, and the reason says so', async () => {
    const fake = workingGpuPackage(path.join(tmp, 'not-allowed'), true);
    const loaded = await loadBackend({ extraModuleDirs: [fake.dir], cudaVisible: visible, allow: ['cpu'], gradientDirs: [COMPILED_PROFILER_DIR] });
    assert.equal(loaded.name, 'cpu');
    assert.deepEqual(loaded.reasons[0], { backend: 'tfjs-node-gpu', why: 'not allowed for this run' });
  });
});

describe('the GPU backend path in the real profiler child', () => {
  test('the check after installing reports the GPU backend when the child loads it', async () => {
    const fake = workingGpuPackage(path.join(tmp, 'child-gpu'), true);
    const v = await verifyGpuBackend({ dir: fake.dir, childScript: PROFILER_TEST_CHILD, env: { ...process.env, [TEST_CUDA_ENV]: 'visible' } });
    assert.equal(v.outcome, 'gpu', v.detail);
    assert.equal(v.backend, 'tfjs-node-gpu');
    assert.equal(v.location, fake.index);
    assert.equal(v.detail, `the profiler runs TensorFlow on the GPU (${fake.index})`);
  });
});

describe('a sweep on the GPU backend (faked selector)', () => {
  test('keeps one training child that times its own runs: the timing child and the second training child stop before measuring', async () => {
    const fake = workingGpuPackage(path.join(tmp, 'sweep-gpu'), true);
    const lines: string[] = [];
    const r = await runSweep({
      job: { id: 'j', model: 'meta-llama/Llama-2-7b-hf' }, advisorInput: advisorInput('meta-llama/Llama-2-7b-hf'), optimizers: ['adamw', 'lion'], steps: 3, seeds: [1],
      budgetMs: 120_000, bandwidthElements: null, evaluationBatches: 1, dataDir: DATA, workers: 2,
      childScript: PROFILER_TEST_CHILD, env: { ...process.env, [TEST_CUDA_ENV]: 'visible' }, backend: { extraModuleDirs: [fake.dir] },
      onProgress: (l) => lines.push(l),
    });
    assert.equal(r.document.outcome, 'completed', r.document.outcomeDetail);
    assert.equal(r.document.backend.name, 'tfjs-node-gpu');
    assert.equal(r.children.length, 1, 'only the training child that ran counts');
    assert.deepEqual(r.document.results.map((x) => [x.optimizer, x.runs.length, x.stepTiming?.basis, x.stepTiming?.steps]), [
      ['adamw', 3, 'training-runs', 3],
      ['lion', 3, 'training-runs', 3],
    ]);
    assert.ok(!lines.some((l) => l.startsWith('step time ') || l.startsWith('training: ')), lines.join('\n'));
  });
});
