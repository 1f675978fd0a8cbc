/**
 * Benchmark of `optimizer-advisor profile` (README: Profiling on your machine), run on the built CLI
 * (dist/cli.js) exactly as a user runs it:
 *  - the wall time of the default sweep on an example job (goal: within 120 s on 2 cores), with the
 *    load average before and after (other work on the machine slows every measurement);
 *  - the backend's copy bandwidth and each optimizer's effective bandwidth as a fraction of it
 *    (goal: at least half for AdamW, Lion and SGD with momentum), fused kernel vs tfjs ops;
 *  - then, in a fresh process (bench/bandwidth.ts), the same table for every optimizer the profiler
 *    runs elementwise, against the bandwidth goals (single pass >= 50% of copy, updates with
 *    reductions >= 35%, 8-bit AdamW >= 25%), with the copy bandwidth of that run as denominator;
 *  - then the same table by CPU time (bench/bandwidth-cpu.ts), also in a fresh process.
 * Prints figures measured in this run; it is a report, not a test gate (exit 0 unless the CLI fails).
 *
 * Usage: npm run compile-tests && node esbuild.js && node out/bench/profile.js [job folder or file] [--bandwidth-only]
 *        (default: examples/llama2-7b-sft; e.g. examples/bert-sst2 for an encoder proxy;
 *        --bandwidth-only: the bandwidth table alone, without the sweep)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SweepDocument } from '../src/profiler/sweep/document';

/** The repository: beside out/bench, else the working directory. */
const ROOT = [path.resolve(__dirname, '..', '..'), process.cwd()].find((d) => fs.existsSync(path.join(d, 'dist', 'cli.js'))) ?? process.cwd();
const CLI = path.join(ROOT, 'dist', 'cli.js');
const GOAL_SECONDS = 120;
const BANDWIDTH_GOAL = 0.5;
const BANDWIDTH_GOAL_IDS = ['adamw', 'lion', 'sgd-momentum'];

/**
 * The bandwidth table of every elementwise optimizer (bench/bandwidth.ts, wall-clock time), then the
 * same by CPU time (bench/bandwidth-cpu.ts, for a machine busy with other work), each in its own process.
 */
function bandwidthTable(): number {
  let status = 0;
  for (const script of ['bandwidth.js', 'bandwidth-cpu.js']) {
    const r = spawnSync(process.execPath, [path.join(__dirname, script)], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) status = 1;
  }
  return status;
}

function main(): number {
  const args = process.argv.slice(2);
  if (args.includes('--bandwidth-only')) return bandwidthTable();
  const target = args.find((a) => !a.startsWith('--')) ?? path.join('examples', 'llama2-7b-sft');
  if (!fs.existsSync(CLI)) {
    console.error(`bench/profile: ${CLI} is missing; run node esbuild.js first`);
    return 1;
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));
  const loadBefore = os.loadavg()[0]!;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'profile', target, '--out', out, '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  const loadAfter = os.loadavg()[0]!;
  if (r.status !== 0 && r.status !== 3) {
    console.error(`bench/profile: the CLI exited ${r.status}: ${r.stderr.split('\n').slice(-5).join('\n')}`);
    return 1;
  }
  const doc = JSON.parse(r.stdout) as SweepDocument;
  const runs = doc.results.reduce((s, x) => s + x.runs.length, 0);
  console.log(`profile sweep: ${target} (${doc.job?.model ?? '?'})`);
  console.log(`  proxy: ${doc.proxy.description}`);
  console.log(`  backend ${doc.backend.name} on ${doc.machine.cpuModel}, ${doc.machine.cpuCount} CPUs; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);
  console.log(`  ${doc.results.length} optimizers, ${runs} runs of ${doc.steps} steps; outcome ${doc.outcome}`);
  console.log(`  wall time: ${seconds.toFixed(1)} s for the whole command (sweep ${doc.wallSeconds?.toFixed(1) ?? '?'} s); goal <= ${GOAL_SECONDS} s: ${seconds <= GOAL_SECONDS ? 'MET' : 'NOT MET'}`);
  if (doc.copyBandwidthGBps === null || !doc.copyBandwidth) {
    console.log('  bandwidth: not measured');
  } else {
    console.log(`  copy bandwidth: ${doc.copyBandwidthGBps.toFixed(2)} GB/s (${doc.copyBandwidth.method}, ${doc.copyBandwidth.elements} floats per buffer)`);
    console.log('  optimizer         kernel     B/param  update ms    GB/s  of copy   tfjs ops (of copy)');
    for (const x of doc.results) {
      const b = x.bandwidth;
      if (!b) continue;
      const goal = BANDWIDTH_GOAL_IDS.includes(x.optimizer) ? (b.fractionOfCopy >= BANDWIDTH_GOAL ? '  goal >= 50%: MET' : '  goal >= 50%: NOT MET') : '';
      const unfused = b.unfused ? `${b.unfused.GBps.toFixed(2)} GB/s (${(100 * b.unfused.fractionOfCopy).toFixed(0)}%)` : '-';
      console.log(
        `  ${x.optimizer.padEnd(17)} ${b.kernel.padEnd(10)} ${b.bytesPerParam.toFixed(1).padStart(7)} ${b.stepMs.toFixed(2).padStart(10)} ${b.GBps.toFixed(2).padStart(7)} ${`${(100 * b.fractionOfCopy).toFixed(0)}%`.padStart(8)}   ${unfused}${goal}`,
      );
    }
  }
  console.log(`  saved: ${path.join(out, 'profile.json')}, ${path.join(out, 'report.html')}`);
  return bandwidthTable();
}

process.exitCode = main();
