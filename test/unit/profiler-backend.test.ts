/**
 * Backend loader (in this process): the GPU package is tried only with a visible CUDA device, a broken
 * native install is a reason and a fallback, a backend without a kernel the workload needs is skipped,
 * the .wasm files are found beside the bundle first. Also: the profiler's reference defaults agree with
 * the catalog's (src/core/optimizers), and a build without the gradients bundle fails with a clear message.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { defaultHyperparameters } from '../../src/core/optimizers';
import { findWasmDir, loadBackend } from '../../src/profiler/backend';
import { createOptimizer, profilerOptimizer, profilerOptimizerIds } from '../../src/profiler/optimizers';
import { buildGradientsBundle, COMPILED_PROFILER_DIR } from '../reference/tfjs-env';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'profiler-backend-test-'));

function brokenPackage(pkg: string, message: string): string {
  const root = path.join(tmp, pkg.replace('/', '_'));
  const dir = path.join(root, 'node_modules', ...pkg.split('/'));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: pkg, version: '4.22.0', main: 'index.js' }));
  fs.writeFileSync(path.join(dir, 'index.js'), `throw new Error(${JSON.stringify(message)});\n`);
  return root;
}

before(() => {
  buildGradientsBundle();
});

describe('loadBackend', () => {
  test('tfjs-node-gpu is not tried without a visible CUDA device', async () => {
    const loaded = await loadBackend({ allow: ['tfjs-node-gpu', 'cpu'], cudaVisible: () => ({ visible: false, why: 'no NVIDIA GPU is visible (test)' }), gradientDirs: [COMPILED_PROFILER_DIR] });
    assert.equal(loaded.name, 'cpu');
    assert.deepEqual(loaded.reasons.slice(1), [
      { backend: 'tfjs-node', why: 'not allowed for this run' },
      { backend: 'wasm', why: 'not allowed for this run' },
    ]);
    // (A development checkout may hold the optional package beside the profiler: then it is named.)
    assert.match(loaded.reasons[0]!.why, /^(installed at \S+ but not used: )?no NVIDIA GPU is visible \(test\)$/);
  });

  test('without a visible CUDA device an installed GPU package is named but not loaded', async () => {
    const dir = brokenPackage('@tensorflow/tfjs-node-gpu', 'this package must not be loaded without a GPU');
    const loaded = await loadBackend({
      allow: ['tfjs-node-gpu', 'cpu'],
      extraModuleDirs: [dir],
      cudaVisible: () => ({ visible: false, why: 'no NVIDIA GPU is visible (test)' }),
      gradientDirs: [COMPILED_PROFILER_DIR],
    });
    assert.equal(loaded.name, 'cpu');
    const index = path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node-gpu', 'index.js');
    assert.equal(loaded.reasons[0]!.why, `installed at ${index} but not used: no NVIDIA GPU is visible (test)`);
  });

  test('an installed but broken GPU package (wrong CUDA) is a reason and a fallback, found through extraModuleDirs', async () => {
    const dir = brokenPackage('@tensorflow/tfjs-node-gpu', 'libcudart.so.11.0: cannot open shared object file: No such file or directory');
    const loaded = await loadBackend({
      allow: ['tfjs-node-gpu', 'wasm'],
      extraModuleDirs: [dir],
      cudaVisible: () => ({ visible: true, why: 'test' }),
      gradientDirs: [COMPILED_PROFILER_DIR],
    });
    assert.equal(loaded.name, 'wasm');
    const gpu = loaded.reasons.find((r) => r.backend === 'tfjs-node-gpu')!;
    assert.ok(gpu.why.startsWith(`installed at ${path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node-gpu', 'index.js')} but failed to load: libcudart.so.11.0`), gpu.why);
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(loaded.wasmSimd, true);
  });

  test('a backend without a kernel the workload needs is skipped (wasm has no Conv2DBackpropFilter)', async () => {
    const loaded = await loadBackend({ allow: ['wasm', 'cpu'], requiredKernels: ['Conv2DBackpropFilter', 'UnsortedSegmentSum'], gradientDirs: [COMPILED_PROFILER_DIR] });
    assert.equal(loaded.name, 'cpu');
    assert.match(loaded.reasons.find((r) => r.backend === 'wasm')!.why, /lacks kernels this workload needs: Conv2DBackpropFilter, UnsortedSegmentSum/);
  });

  test('the .wasm files are taken from a directory beside the bundle first, then from the package', () => {
    const beside = path.join(tmp, 'dist');
    fs.mkdirSync(beside, { recursive: true });
    const fromPackage = findWasmDir([]).dir!;
    assert.ok(fs.existsSync(path.join(fromPackage, 'tfjs-backend-wasm-simd.wasm')));
    assert.equal(findWasmDir([beside]).dir, fromPackage, 'an empty directory is skipped');
    for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) fs.copyFileSync(path.join(fromPackage, f), path.join(beside, f));
    assert.equal(findWasmDir([beside]).dir, beside);
  });

  test('without the gradients bundle the child fails with a message that says what is missing', () => {
    const gradientsJs = path.join(COMPILED_PROFILER_DIR, 'gradients.js');
    const script = `const g = require(${JSON.stringify(gradientsJs)}); try { g.ensureGradients([${JSON.stringify(tmp)}]); } catch (e) { console.log(e.message); }`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.match(r.stdout, /TensorFlow\.js gradient functions are not available: tfjs-gradients\.js was not found in .*register_all_gradients/);
  });
});

describe('reference defaults agree with the catalog', () => {
  for (const id of profilerOptimizerIds()) {
    test(`${id}: the catalog's defaults build the optimizer, and shared keys have equal values`, () => {
      const catalog = defaultHyperparameters(id);
      const mine = profilerOptimizer(id).defaults;
      for (const key of Object.keys(mine)) {
        if (key in catalog) assert.deepEqual(mine[key], catalog[key], `${id}.${key}`);
      }
      const hyper = id === 'came' ? { ...catalog, lr: 2e-4 } : catalog;
      createOptimizer(id, hyper).dispose();
    });
  }
});
