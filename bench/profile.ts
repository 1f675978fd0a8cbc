/**
 * Benchmark of `optimizer-advisor profile` (README: Profiling on your machine), run on the built CLI
 * (dist/cli.js) exactly as a user runs it:
 *  - the wall time of the default sweep on an example job (goal: within 60 s on 2 cores), with the
 *    load average before and after (other work on the machine slows every measurement) and the CPU
 *    time of all its processes (steadier than wall time on a shared machine);
 *  - where that time goes, from the progress lines timestamped as they arrive: the CLI's start and the
 *    real-shapes phase (not part of the sweep), start-up (the plan, the profiler children and their backend),
 *    the bandwidth measurements, the timing phase (when the training runs share the machine), each training
 *    child's first-run warm-up (estimated) and each optimizer's runs (and the share of them its steps take at the
 *    document's median step time), and the end (the children's exit, the document and report written);
 *  - the backend's copy bandwidth and each optimizer's effective bandwidth as a fraction of it
 *    (goal: at least half for AdamW, Lion and SGD with momentum), fused kernel vs tfjs ops;
 *  - then, in a fresh process (bench/bandwidth.ts), the same table for every optimizer the profiler
 *    runs elementwise, against the bandwidth goals (single pass >= 50% of copy, updates with
 *    reductions >= 35%, 8-bit AdamW >= 25%), with the copy bandwidth of that run as denominator;
 *  - then the same table by CPU time (bench/bandwidth-cpu.ts), also in a fresh process.
 * Prints figures measured in this run; it is a report, not a test gate (exit 0 unless the CLI fails).
 *
 * Usage: npm run compile-tests && node esbuild.js && node out/bench/profile.js [job folder or file] [--bandwidth-only | --sweep-only] [--cli FILE] [-- CLI flags]
 *        (default: examples/llama2-7b-sft; e.g. examples/bert-sst2 for an encoder proxy;
 *        --bandwidth-only: the bandwidth tables alone, without the sweep; --sweep-only: the sweep alone;
 *        --cli FILE: time another build of the CLI, e.g. a copy of dist/ kept from before a change;
 *        after --: flags for `profile` itself, e.g. -- --optimizers adamw,soap --budget-seconds 600)
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { TIMING_WARMUP_STEPS } from '../src/profiler/sweep/constants';
import type { SweepDocument } from '../src/profiler/sweep/document';

/** The repository: beside out/bench, else the working directory. */
const ROOT = [path.resolve(__dirname, '..', '..'), process.cwd()].find((d) => fs.existsSync(path.join(d, 'dist', 'cli.js'))) ?? process.cwd();
const CLI = path.join(ROOT, 'dist', 'cli.js');
const GOAL_SECONDS = 60;
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

/** One progress line of the CLI, with the time it arrived (ms since the command started). */
interface TimedLine {
  readonly ms: number;
  readonly text: string;
}

/**
 * CPU seconds (user + system) of the processes this one has waited for, all their descendants
 * included (Linux /proc/self/stat cutime + cstime, in USER_HZ = 100 ticks per second); null elsewhere.
 */
function childrenCpuSeconds(): number | null {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command name start at field 3 (state); cutime and cstime are fields 16 and 17.
    return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / 100;
  } catch {
    return null;
  }
}

/** Runs the CLI, timestamping its stderr lines as they arrive. */
function runTimed(cli: string, args: readonly string[]): Promise<{ status: number | null; lines: TimedLine[]; ms: number; stderrTail: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const lines: TimedLine[] = [];
    let buffer = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const now = performance.now() - t0;
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        lines.push({ ms: now, text: buffer.slice(0, nl).trim() });
        buffer = buffer.slice(nl + 1);
      }
    });
    child.on('close', (status) => {
      resolve({ status, lines, ms: performance.now() - t0, stderrTail: lines.slice(-5).map((l) => l.text).join('\n') });
    });
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const RUN_LINE = /^(\S+) lr \S+ seed \d+: /;
const BANDWIDTH_LINE = /^copy bandwidth: |: [\d.]+ GB\/s effective /;
const REAL_SHAPES_LINE = / at the real shapes: /;
const STEP_TIME_LINE = /^step time \S+: /;
/** The line the sweep prints when its training runs start in several children at once, with each child's optimizers. */
const SHARED_LINE = /^training: (\d+) children at once \((.*)\)$/;

/**
 * Where the sweep's wall time went, from its timestamped progress lines and the document's step times:
 * start-up, bandwidth, the timing phase (when the training runs shared the machine), then each training
 * child's runs (a run's time is from the line before it of the same child: all runs of an optimizer are
 * in one child, one after another).
 */
function printPhases(lines: readonly TimedLine[], totalMs: number, doc: SweepDocument): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(8);
  const backend = lines.find((l) => l.text.startsWith('backend: '));
  const realShapes = lines.filter((l) => REAL_SHAPES_LINE.test(l.text));
  const bandwidth = lines.filter((l) => BANDWIDTH_LINE.test(l.text));
  const stepTimes = lines.filter((l) => STEP_TIME_LINE.test(l.text));
  const shared = lines.find((l) => SHARED_LINE.test(l.text));
  const runs = lines.filter((l) => RUN_LINE.test(l.text)).map((l) => ({ ...l, optimizer: RUN_LINE.exec(l.text)![1]! }));
  console.log('  where the time went (from the progress lines as they arrived):');
  if (!backend || runs.length === 0) {
    console.log('    (no progress lines to time)');
    return;
  }
  const realShapesEnd = realShapes.length > 0 ? realShapes[realShapes.length - 1]!.ms : 0;
  const bandwidthEnd = bandwidth.length > 0 ? bandwidth[bandwidth.length - 1]!.ms : backend.ms;
  const measuringEnd = stepTimes.length > 0 ? stepTimes[stepTimes.length - 1]!.ms : bandwidthEnd;
  // The training children: one (the optimizers in the order they ran), or those the sweep named.
  const children: string[][] = shared
    ? SHARED_LINE.exec(shared.text)![2]!.split(' | ').map((g) => g.split(', '))
    : [[...new Set(runs.map((r) => r.optimizer))]];
  if (realShapes.length > 0) console.log(`    ${s(realShapesEnd)}  the CLI's start and the real-shapes phase (not part of the sweep's time)`);
  console.log(`    ${s(backend.ms - realShapesEnd)}  start-up: the plan, the profiler children and their backend`);
  if (bandwidth.length > 0) console.log(`    ${s(bandwidthEnd - backend.ms)}  bandwidth measurements (copy + ${bandwidth.length - 1} optimizers), alone`);
  if (stepTimes.length > 0) {
    console.log(`    ${s(measuringEnd - bandwidthEnd)}  timing phase: ${stepTimes.length} optimizers' steps timed alone (${doc.results[0]?.stepTiming?.warmupSteps ?? '?'} warm-up + ${doc.results[0]?.stepTiming?.steps ?? '?'} timed steps each)`);
  }
  const trainingFrom = shared ? shared.ms : measuringEnd;
  const last = runs[runs.length - 1]!.ms;
  console.log(`    ${s(last - trainingFrom)}  training, ${children.length === 1 ? 'in one child' : `in ${children.length} children at once`} (wall time, to the last run):`);
  const timedSteps = (doc.steps ?? TIMING_WARMUP_STEPS) - TIMING_WARMUP_STEPS;
  let busyMs = 0;
  let timedMs = 0;
  for (const [c, group] of children.entries()) {
    const mine = runs.filter((r) => group.includes(r.optimizer));
    if (mine.length === 0) continue;
    // Each run's time: from the line before it of the same child. The first run's gap also holds the
    // child's first-run warm-up, estimated as that gap minus the median of the same optimizer's other runs.
    const durations = mine.map((r, i) => r.ms - (i === 0 ? trainingFrom : mine[i - 1]!.ms));
    const firstOthers = durations.slice(1).filter((_, i) => mine[i + 1]!.optimizer === mine[0]!.optimizer);
    const childStart = firstOthers.length > 0 ? Math.max(0, durations[0]! - median(firstOthers)) : 0;
    durations[0] = durations[0]! - childStart;
    const childMs = mine[mine.length - 1]!.ms - trainingFrom;
    busyMs += childMs;
    if (children.length > 1) console.log(`    ${s(childMs)}    child ${c + 1}: ${group.join(', ')}`);
    console.log(`    ${s(childStart)}      the wait for its start line and its first run's warm-up (estimated: that run's time minus the median of the others)`);
    for (const id of group) {
      const result = doc.results.find((x) => x.optimizer === id);
      const own = mine.map((r, i) => ({ r, d: durations[i]! })).filter((x) => x.r.optimizer === id);
      if (!result || own.length === 0) continue;
      const span = own.reduce((sum, x) => sum + x.d, 0);
      // The steps of its runs at the document's median step time (an estimate of their sum; measured alone
      // when the runs shared the machine, so then a lower bound).
      const timed = result.stepTimeMs * timedSteps * own.length;
      timedMs += timed;
      console.log(`    ${s(span)}      ${id.padEnd(17)} ${own.length} runs, ${(span / own.length / 1000).toFixed(2)} s each; its steps at the median step time ≈ ${Math.min(100, (100 * timed) / span).toFixed(0)}% of it`);
    }
  }
  console.log(`    ${s(totalMs - last)}  end: the children's exit, the document and the report written`);
  const basis = doc.results[0]?.stepTiming?.basis === 'timed-alone' ? 'measured alone in the timing phase' : 'of the runs themselves';
  console.log(`    training: children busy ${s(busyMs).trim()} in all; the runs' steps at the median step time (${basis}) ≈ ${s(timedMs).trim()} (${((100 * timedMs) / busyMs).toFixed(0)}%); the rest is warm-up steps, evaluation, bookkeeping${children.length > 1 ? ' and the two children slowing each other' : ''}`);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--bandwidth-only')) return bandwidthTable();
  // --cli FILE: another build of the CLI (e.g. a copy of dist/ from before a change, for back-to-back runs).
  const cliAt = args.indexOf('--cli');
  const cli = cliAt >= 0 && args[cliAt + 1] ? path.resolve(args[cliAt + 1]!) : CLI;
  const own = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  const target = own.find((a, i) => !a.startsWith('--') && (cliAt < 0 || i !== cliAt + 1)) ?? path.join('examples', 'llama2-7b-sft');
  if (!fs.existsSync(cli)) {
    console.error(`bench/profile: ${cli} is missing; run node esbuild.js first`);
    return 1;
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));
  const loadBefore = os.loadavg()[0]!;
  const cpuBefore = childrenCpuSeconds();
  // Without --json the CLI prints a progress line per measurement on stderr; the document is read from --out.
  // Arguments after `--` go to the CLI as they are (e.g. `-- --optimizers adamw,soap --budget-seconds 600`).
  const passed = args.includes('--') ? args.slice(args.indexOf('--') + 1) : [];
  const r = await runTimed(cli, ['profile', target, '--out', out, ...passed]);
  const cpuAfter = childrenCpuSeconds();
  const seconds = r.ms / 1000;
  const loadAfter = os.loadavg()[0]!;
  const file = path.join(out, 'profile.json');
  if ((r.status !== 0 && r.status !== 3) || !fs.existsSync(file)) {
    console.error(`bench/profile: the CLI exited ${r.status}: ${r.stderrTail}`);
    return 1;
  }
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as SweepDocument;
  const runs = doc.results.reduce((s, x) => s + x.runs.length, 0);
  const cpu = cpuBefore !== null && cpuAfter !== null ? `; CPU time of all its processes ${(cpuAfter - cpuBefore).toFixed(1)} s` : '';
  console.log(`profile sweep: ${target} (${doc.job?.model ?? '?'})${cli === CLI ? '' : ` with ${cli}`}`);
  console.log(`  proxy: ${doc.proxy.description}`);
  console.log(`  backend ${doc.backend.name} on ${doc.machine.cpuModel}, ${doc.machine.cpuCount} CPUs; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);
  console.log(`  ${doc.results.length} optimizers, ${runs} runs of ${doc.steps} steps; outcome ${doc.outcome}`);
  // The goal is the sweep's own wall time: the real-shapes phase before it has its own budget (README "Step cost at
  // the real shapes") and is printed apart.
  const sweepSeconds = doc.wallSeconds ?? null;
  const realShapes = doc.realShapes?.wallSeconds !== undefined ? `; real-shapes phase ${doc.realShapes.wallSeconds.toFixed(1)} s of its ${doc.realShapes.budgetSeconds.toFixed(0)} s budget` : '';
  const goal = passed.length > 0 ? 'not the default sweep (flags after --), so no goal'
    : sweepSeconds === null ? 'the sweep\'s wall time is not in the document' : `goal for the sweep <= ${GOAL_SECONDS} s: ${sweepSeconds <= GOAL_SECONDS ? 'MET' : 'NOT MET'}`;
  console.log(`  wall time: ${seconds.toFixed(1)} s for the whole command (sweep ${sweepSeconds?.toFixed(1) ?? '?'} s${realShapes})${cpu}; ${goal}`);
  printPhases(r.lines, r.ms, doc);
  if (doc.copyBandwidthGBps === null || !doc.copyBandwidth) {
    console.log('  bandwidth: not measured');
  } else {
    console.log(`  copy bandwidth: ${doc.copyBandwidthGBps.toFixed(2)} GB/s (${doc.copyBandwidth.method}, ${doc.copyBandwidth.elements} floats per buffer)`);
    console.log('  optimizer         kernel     B/param  update ms    GB/s  copy GB/s  of copy   tfjs ops (of copy)');
    for (const x of doc.results) {
      const b = x.bandwidth;
      if (!b) continue;
      const goal = BANDWIDTH_GOAL_IDS.includes(x.optimizer) ? (b.fractionOfCopy >= BANDWIDTH_GOAL ? '  goal >= 50%: MET' : '  goal >= 50%: NOT MET') : '';
      const unfused = b.unfused ? `${b.unfused.GBps.toFixed(2)} GB/s (${(100 * b.unfused.fractionOfCopy).toFixed(0)}%)` : '-';
      console.log(
        `  ${x.optimizer.padEnd(17)} ${b.kernel.padEnd(10)} ${b.bytesPerParam.toFixed(1).padStart(7)} ${b.stepMs.toFixed(2).padStart(10)} ${b.GBps.toFixed(2).padStart(7)} ${(b.copyGBps?.toFixed(2) ?? '-').padStart(10)} ${`${(100 * b.fractionOfCopy).toFixed(0)}%`.padStart(8)}   ${unfused}${goal}`,
      );
    }
  }
  console.log(`  saved: ${path.join(out, 'profile.json')}, ${path.join(out, 'report.html')}`);
  return args.includes('--sweep-only') ? 0 : bandwidthTable();
}

void main().then((code) => {
  process.exitCode = code;
});
