/**
 * The bandwidth table of bench/bandwidth.ts by CPU time, for a machine busy with other work (README:
 * Profiling on your machine): wall-clock figures there include the time other processes held the core,
 * unevenly between a 3 ms copy and a 30 ms step, so their ratio can swing either way. Here the copy
 * (TypedArray.set on the wasm heap) and each fused optimizer's step are timed by this process's CPU time
 * (process.cpuUsage: memory stalls count, waiting for a core does not), best of several runs as STREAM
 * reports its best, and the share is the same least-traffic bytes per parameter over that time. Prints
 * figures measured in this run; a report, not a gate.
 *
 * Usage: node out/bench/bandwidth-cpu.js [--elements N] [--optimizers a,b,...]
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createBandwidthInputs } from '../src/profiler/kernels/bandwidth';
import { createFusedOptimizer, FUSED_OPTIMIZERS } from '../src/profiler/kernels/fused-optimizers';
import { wasmKernels, wasmOffset } from '../src/profiler/kernels/storage';
import { BANDWIDTH_ELEMENTS } from '../src/profiler/sweep/constants';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Least CPU time of `reps` runs, ms. */
function bestCpuMs(run: () => void, reps: number): number {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = process.cpuUsage();
    run();
    const d = process.cpuUsage(t0);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return best;
}

async function main(): Promise<number> {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
  if (!(await tf.setBackend('wasm'))) {
    console.error('bench/bandwidth-cpu: the wasm backend did not initialise');
    return 1;
  }
  const elements = Number(arg('elements') ?? BANDWIDTH_ELEMENTS);
  const only = arg('optimizers')?.split(',');
  const simd = wasmKernels();
  const src = tf.randomUniform([elements]);
  const dst = tf.zeros([elements]);
  const so = wasmOffset(src)! / 4;
  const d0 = wasmOffset(dst)! / 4;
  const copy = () => {
    const heap = new Float32Array(simd!.memory.buffer);
    heap.set(heap.subarray(so, so + elements), d0);
  };
  copy();
  const copyMs = bestCpuMs(copy, 15);
  tf.dispose([src, dst]);
  const copyGBps = (8 * elements) / (copyMs / 1000) / 1e9;
  console.log(`bandwidth by CPU time on wasm, ${elements} floats per tensor: copy ${copyMs.toFixed(2)} ms, ${copyGBps.toFixed(2)} GB/s (TypedArray.set on the wasm heap)`);
  console.log('  optimizer            kernel     B/param  CPU ms    GB/s  of copy');
  const inputs = createBandwidthInputs(elements);
  try {
    for (const id of FUSED_OPTIMIZERS.keys()) {
      if (only && !only.includes(id)) continue;
      const opt = createFusedOptimizer(id, id === 'adafactor' ? {} : { lr: 1e-3 })!;
      const init = tf.add(inputs.init, 0);
      const p = tf.variable(init, true, `bandwidth-cpu/${id}`);
      init.dispose();
      try {
        const step = () => opt.applyGradients([{ name: p.name, tensor: inputs.grad }]);
        step();
        const ms = bestCpuMs(step, 5);
        const bytesPerParam = 12 + (2 * opt.stateBytes()) / elements;
        const GBps = (bytesPerParam * elements) / (ms / 1000) / 1e9;
        const kernel = opt.fusedStats.fused > 0 && opt.fusedStats.path ? opt.fusedStats.path : 'tfjs-ops';
        console.log(`  ${id.padEnd(20)} ${kernel.padEnd(10)} ${bytesPerParam.toFixed(1).padStart(7)} ${ms.toFixed(2).padStart(7)} ${GBps.toFixed(2).padStart(7)} ${`${(100 * (GBps / copyGBps)).toFixed(0)}%`.padStart(8)}`);
      } finally {
        opt.dispose();
        p.dispose();
      }
    }
  } finally {
    inputs.dispose();
  }
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
