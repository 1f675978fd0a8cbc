/**
 * Per-step time of SOAP and Muon on the shapes of the default profile's proxy (examples/llama2-7b-sft: 2 layers,
 * hidden 32, 4 heads, SwiGLU MLP 86, 71-character vocabulary; 29,408 parameters: 71 x 32 embedding, 32 x 32
 * attention projections, 32 x 86 gate and up, 86 x 32 down, 32 x 71 head, 32-element RMSNorm gains),
 * with the small-matrix JavaScript path (src/profiler/optimizers/small-matrix.ts) and with tfjs ops only,
 * alternating in one process, and the largest difference between the two paths' parameters after the
 * measured steps (README: Profiling on your machine, "Speed").
 * Usage: node out/bench/small-matrix.js [--backend wasm|cpu] [--steps N]   (SHAPES='[[64,64]]' for other shapes)
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { profilerOptimizer } from '../src/profiler/optimizers';
import { setSmallMatrixPath } from '../src/profiler/optimizers/small-matrix';

const PROXY_SHAPES: ReadonlyArray<readonly number[]> = process.env.SHAPES ? JSON.parse(process.env.SHAPES) : [
  [71, 32],
  ...[0, 1].flatMap(() => [[32], [32, 32], [32, 32], [32, 32], [32, 32], [32], [32, 86], [32, 86], [86, 32]]),
  [32],
  [32, 71],
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Runs `steps` steps (after 2 warm-up steps) of one optimizer; returns ms per step and the final parameters. */
function run(id: 'soap' | 'muon', steps: number, fast: boolean): { msPerStep: number; params: Float32Array[] } {
  setSmallMatrixPath(fast);
  const hyper = id === 'soap' ? { lr: 0.003 } : { lr: 0.02 };
  const opt = profilerOptimizer(id).create(hyper, {});
  const vars = PROXY_SHAPES.map((s, i) => tf.variable(tf.randomNormal(s as number[], 0, 0.1, 'float32', 1 + i), true, `${id}-${fast}-p${i}`));
  const grads = (t: number): tf.NamedTensorMap => Object.fromEntries(vars.map((v, i) => [v.name, tf.randomNormal(v.shape, 0, 1, 'float32', 1000 * t + i)]));
  let ms = 0;
  for (let t = 1; t <= steps + 2; t++) {
    const g = grads(t);
    const t0 = performance.now();
    opt.applyGradients(g);
    if (t > 2) ms += performance.now() - t0;
    tf.dispose(Object.values(g));
  }
  const params = vars.map((v) => Float32Array.from(v.dataSync()));
  tf.dispose(vars);
  opt.dispose();
  setSmallMatrixPath(true);
  return { msPerStep: ms / steps, params };
}

async function main(): Promise<void> {
  const backend = arg('backend') ?? 'wasm';
  const steps = Number(arg('steps') ?? 40);
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend did not initialise`);
  console.log(`small-matrix path on ${backend} (${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}), ${steps} steps after 2 warm-up, ${PROXY_SHAPES.length} tensors`);
  for (const id of ['soap', 'muon'] as const) {
    const times = { tfjs: [] as number[], js: [] as number[] };
    let diff = 0;
    for (let rep = 0; rep < 3; rep++) {
      const slow = run(id, steps, false);
      const fast = run(id, steps, true);
      times.tfjs.push(slow.msPerStep);
      times.js.push(fast.msPerStep);
      slow.params.forEach((p, i) => p.forEach((x, j) => (diff = Math.max(diff, Math.abs(x - fast.params[i]![j]!)))));
    }
    const best = (xs: number[]): number => Math.min(...xs);
    console.log(`${id}: tfjs ops ${best(times.tfjs).toFixed(2)} ms/step, JavaScript ${best(times.js).toFixed(2)} ms/step (best of 3; x${(best(times.tfjs) / best(times.js)).toFixed(1)}); max |param difference| ${diff.toExponential(2)}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
