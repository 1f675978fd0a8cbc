/**
 * The bandwidth table of `npm run bench` (README: Profiling on your machine, "effective memory
 * bandwidth"), in one process on one heap: the backend's copy bandwidth, then for every optimizer the
 * profiler runs elementwise its bytes per parameter, update time, effective GB/s and the share of the
 * copy bandwidth measured in the same run (timed alternately with that optimizer's steps; also printed: the
 * share of the run's highest copy figure), fused kernel and tfjs ops, against the goals of the README (Profiling on your machine):
 * single-pass elementwise >= 50% of copy, updates with reductions (LAMB, LARS, NovoGrad, Adafactor, CAME,
 * Adam-mini) >= 35%, 8-bit AdamW >= 25%. Prints figures measured in this run; a report, not a gate.
 *
 * Usage: node out/bench/bandwidth.js [--backend wasm|cpu] [--elements N] [--optimizers a,b,...]
 * (bench/profile.ts runs it after the sweep; run it alone while developing).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Hyperparameters } from '../src/core/types';
import { copyBytesOf, createBandwidthInputs, measureCopyBandwidth, measureOptimizerBandwidth, rateGBps, timingOrders, type BandwidthInputs } from '../src/profiler/kernels/bandwidth';
import type { CopyBandwidth, OptimizerBandwidth } from '../src/profiler/protocol';
import { profilerOptimizer, profilerOptimizerIds } from '../src/profiler/optimizers';
import { BANDWIDTH_ELEMENTS, NOT_ELEMENTWISE } from '../src/profiler/sweep/constants';

/** Goals by kind of update (README: Profiling on your machine). */
const REDUCTIONS: ReadonlySet<string> = new Set(['lamb', 'novograd', 'adafactor', 'came', 'adam-mini', 'mars-adamw', 'lars']);
const EIGHT_BIT: ReadonlySet<string> = new Set(['adamw-8bit', 'paged-adamw-8bit']);
function goal(id: string): number {
  return EIGHT_BIT.has(id) ? 0.25 : REDUCTIONS.has(id) ? 0.35 : 0.5;
}

/** Hyperparameters of the measurement: the reference defaults with lr 1e-3 (Adafactor: its relative step, no lr). */
function hyperFor(id: string): Hyperparameters {
  return id === 'adafactor' ? {} : { lr: 1e-3 };
}

/** Optimizers whose steps are timed back to back and alternately with copies (printTimingOrders). */
const ORDER_IDS: readonly string[] = ['adamw', 'adamw-8bit'];

/**
 * Why the shares are of copies timed alternately with the steps: for a few optimizers, per round the
 * copies and the steps timed back to back and alternately (timingOrders), as GB/s and the share each order gives.
 */
function printTimingOrders(ids: readonly string[], copy: CopyBandwidth, inputs: BandwidthInputs): void {
  if (ids.length === 0) return;
  console.log('  copies and steps timed back to back and alternately (medians of 7 per round, GB/s; the share each order gives):');
  const copyGBps = (ms: number) => rateGBps(copyBytesOf(inputs.elements), ms);
  for (const id of ids) {
    const orders = timingOrders(id, hyperFor(id), copy, inputs);
    if (!orders) continue;
    const b = orders.bytesPerParam * inputs.elements;
    for (const r of orders.rounds) {
      const [c1, s1, c2, s2] = [copyGBps(r.copyBackToBackMs), rateGBps(b, r.stepBackToBackMs), copyGBps(r.copyAlternatingMs), rateGBps(b, r.stepAlternatingMs)];
      console.log(
        `    ${id.padEnd(18)} back to back: copy ${c1.toFixed(2)}, step ${s1.toFixed(2)} (${(100 * s1 / c1).toFixed(0)}%)   alternately: copy ${c2.toFixed(2)}, step ${s2.toFixed(2)} (${(100 * s2 / c2).toFixed(0)}%)`,
      );
    }
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const backend = arg('backend') ?? 'wasm';
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
  }
  if (!(await tf.setBackend(backend))) {
    console.error(`bench/bandwidth: the ${backend} backend did not initialise`);
    return 1;
  }
  await tf.ready();
  const elements = Number(arg('elements') ?? BANDWIDTH_ELEMENTS);
  const only = arg('optimizers')?.split(',');
  const ids = profilerOptimizerIds().filter((id) => !NOT_ELEMENTWISE.has(id) && !profilerOptimizer(id).needsLoss && (!only || only.includes(id)));
  const loadBefore = os.loadavg()[0]!;
  const copy = measureCopyBandwidth(elements);
  console.log(`bandwidth on ${backend} (${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} CPUs), ${elements} floats per tensor`);
  console.log(`  copy bandwidth: ${copy.GBps.toFixed(2)} GB/s (${copy.method}); ${Object.entries(copy.methods).map(([m, v]) => `${m} ${v.toFixed(2)}`).join(', ')}`);
  const inputs = createBandwidthInputs(elements);
  const rows: Array<{ id: string; b: OptimizerBandwidth }> = [];
  try {
    for (const id of ids) {
      const b = measureOptimizerBandwidth(id, hyperFor(id), copy, elements, 5, inputs);
      if (b) rows.push({ id, b });
    }
    printTimingOrders(ids.filter((id) => ORDER_IDS.includes(id)), copy, inputs);
  } finally {
    inputs.dispose();
  }
  // Copy is measured again after the optimizers. Each share is of the copy timed alternately with that
  // optimizer's steps (src/profiler/kernels/bandwidth.ts); the last column, of the highest copy figure
  // measured anywhere in this run, is the conservative reading on a machine whose bandwidth changes.
  const after = measureCopyBandwidth(elements);
  const highest = Math.max(copy.GBps, after.GBps, ...rows.flatMap(({ b }) => [b.copyGBps, ...(b.unfused ? [b.unfused.copyGBps] : [])]));
  console.log(`  copy bandwidth after the optimizers: ${after.GBps.toFixed(2)} GB/s (${after.method}); the highest copy figure of this run: ${highest.toFixed(2)} GB/s`);
  console.log('  optimizer            kernel     B/param  update ms    GB/s  copy GB/s  of copy  goal          of highest   tfjs ops (of copy)');
  let met = 0;
  for (const { id, b } of rows) {
    const ok = b.fractionOfCopy >= goal(id);
    if (ok) met++;
    const unfused = b.unfused ? `${b.unfused.GBps.toFixed(2)} GB/s (${(100 * b.unfused.fractionOfCopy).toFixed(0)}%)` : '-';
    console.log(
      `  ${id.padEnd(20)} ${b.kernel.padEnd(10)} ${b.bytesPerParam.toFixed(1).padStart(7)} ${b.stepMs.toFixed(2).padStart(10)} ${b.GBps.toFixed(2).padStart(7)} ${b.copyGBps.toFixed(2).padStart(10)} ${`${(100 * b.fractionOfCopy).toFixed(0)}%`.padStart(8)}  ${`>=${Math.round(100 * goal(id))}%`} ${ok ? 'MET    ' : 'NOT MET'} ${`${(100 * (b.GBps / highest)).toFixed(0)}%`.padStart(12)}   ${unfused}`,
    );
  }
  const measured = rows.length;
  console.log(`  goals met: ${met} of ${measured}; load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after (other work on the machine lowers every figure)`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
