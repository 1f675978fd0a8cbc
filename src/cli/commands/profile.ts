import * as fs from 'node:fs';
import * as path from 'node:path';
import { isPriority, PRIORITIES, type Priority } from '../../core/advisor/types';
import { evaluateJob } from '../../core/evaluate';
import type { ScanJob } from '../../core/scan/results';
import { InputError } from '../../core/types';
import { formatBytes, parseSize } from '../../core/units';
import { paretoPointsOf, type ParetoPointSource } from '../../core/profile/pareto';
import { signedQuality } from '../../charts/render-pareto';
import { BANDWIDTH_ELEMENTS, SAVE_INTERVAL_MS } from '../../profiler/sweep/constants';
import { DEFAULT_STEPS, DEFAULT_SWEEP } from '../../profiler/sweep/plan';
import type { SweepDocument } from '../../profiler/sweep/document';
import { runSweep } from '../../profiler/sweep/sweep';
import { JSON_FLAG, flag, printJson, type Command } from '../command';
import { cliModelLookup, consentOf, HUB_FLAGS } from '../model-lookup';
import { detectGpus, summarizeGpus } from '../../platform/gpu';
import { GPU_PRESETS } from '../../platform/gpu-presets';
import type { RealShapesSection } from '../../core/profile/profile-types';
import { DEFAULT_REAL_SHAPES_BUDGET_MS } from '../../profiler/sweep/real-shapes-plan';
import { throughputAssumption } from '../../profiler/sweep/real-shapes-phase';
import { EXIT, oneLine, printHuman, table, type CliIO } from '../io';
import { diskFiles } from '../model-source';
import { renderCliProfileReport } from '../report/profile-report';
import { ResultFiles } from '../result-files';
import { DEFAULT_MAX_FILE, scanFolder } from './scan';
import { num } from '../format';

/** Default wall-clock budget of a sweep, and of one with --robustness (4 probes per optimizer). */
export const DEFAULT_BUDGET_SECONDS = 120;
export const DEFAULT_ROBUSTNESS_BUDGET_SECONDS = 300;
export const PROFILE_JSON = 'profile.json';
export const PROFILE_REPORT = 'report.html';

/** The quality column: the figure, "reference" for AdamW, "no evidence" without one. */
function qualityCell(p: ParetoPointSource | undefined): string {
  if (!p) return '—';
  if (p.qualityOrigin.kind === 'reference') return '0 (reference)';
  return p.quality === null ? (p.qualityOrigin.kind === 'not-recorded' ? '—' : 'no evidence') : signedQuality(p.quality);
}

const msText = (x: number) => (x >= 1000 ? `${num(x / 1000)} s` : `${num(x)} ms`);

/** The real-shapes section as terminal lines (README: Profiling on your machine, "Step cost at the real shapes"). */
export function renderRealShapes(rs: RealShapesSection): string[] {
  const lines = [
    `Step cost at the real shapes (measured on this machine; ${rs.tensorKinds} tensor kinds, ${rs.trainableParams.toLocaleString('en')} trainable parameters; ` +
      `phase ${rs.outcome}${rs.wallSeconds !== undefined ? ` in ${num(rs.wallSeconds)} s` : ''} of its ${num(rs.budgetSeconds)} s budget):`,
  ];
  const rows = [['optimizer', 'step (median)', 'min – max', 'method', 'state measured / estimator', 'share of training step*']];
  for (const r of rs.results) {
    rows.push([
      r.optimizer,
      r.stepMs ? msText(r.stepMs.median) : 'not measured',
      r.stepMs ? `${msText(r.stepMs.min)} – ${msText(r.stepMs.max)}` : '—',
      r.method ?? '—',
      `${r.stateBytesMeasured === null ? '—' : formatBytes(r.stateBytesMeasured)} / ${r.stateBytesEstimated === null ? '—' : formatBytes(r.stateBytesEstimated)}`,
      r.shareOfTrainingStep === null ? '—' : `${num(100 * r.shareOfTrainingStep)}%`,
    ]);
  }
  lines.push(table(rows, [false, true, true, false, true, true]));
  lines.push(`* ${rs.forwardBackward.assumption}`);
  for (const n of rs.notes) lines.push(`  ${n}`);
  for (const r of rs.results) {
    lines.push(`${r.optimizer}:${r.notMeasured ? ` ${r.notMeasured}` : ''}`);
    for (const d of r.detail) lines.push(`  ${d}`);
  }
  return lines;
}

function renderHuman(doc: SweepDocument, files: { json?: string; report?: string }): string {
  const lines = [
    `${doc.job?.id ?? 'job'}: ${doc.job?.model ?? ''}`,
    `proxy: ${doc.proxy.description} (${doc.proxy.params.toLocaleString('en')} params)`,
    `backend: ${doc.backend.name} · ${doc.machine.cpuModel}, ${doc.machine.cpuCount} CPUs · ${doc.steps} steps x ${doc.lrMultipliers.length} lrs x ${doc.seeds.length} seeds · ${num(doc.wallSeconds ?? null)} s`,
    `copy bandwidth: ${doc.copyBandwidthGBps === null ? 'not measured' : `${num(doc.copyBandwidthGBps)} GB/s`} · target loss ${num(doc.targetLoss ?? null, 4)} (1.1 x the best final loss)`,
    '',
  ];
  const rows = [['optimizer', 'best lr', 'final loss', 'to target', 'step ms', 'vs AdamW', 'state (measured/est.)', 'peak, real job*', 'quality vs AdamW**', 'update GB/s (% copy)', 'Pareto']];
  const points = new Map(paretoPointsOf(doc).map((p) => [p.id, p]));
  for (const r of doc.results) {
    rows.push([
      r.optimizer,
      num(r.bestLr),
      r.diverged ? 'diverged' : num(r.finalLoss, 4),
      r.stepsToTarget === null ? '—' : String(r.stepsToTarget),
      num(r.stepTimeMs),
      `${num(r.relativeStepCost)}x`,
      `${formatBytes(r.measuredStateBytes)} / ${formatBytes(r.estimatedStateBytes)}`,
      r.estimatedPeakBytes === null ? '—' : formatBytes(r.estimatedPeakBytes),
      qualityCell(points.get(r.optimizer)),
      r.bandwidth ? `${num(r.bandwidth.GBps)} (${Math.round(100 * r.bandwidth.fractionOfCopy)}%)` : '—',
      doc.paretoFront.includes(r.optimizer) ? 'front' : '',
    ]);
  }
  lines.push(table(rows, [false, true, true, true, true, true, true, true, true, true, false]));
  lines.push('', '* modelled by the memory estimator for the real job; everything else is measured on the proxy on this machine.');
  lines.push(doc.evidenceQuality
    ? `** published, not measured here: the median outcome vs AdamW over the nearest head-to-head measurements for ${doc.evidenceQuality.job} (+ = better, in each setting's spread units; the report lists the sources).`
    : '** not recorded in this result.');
  lines.push('Pareto: over peak memory, step time and quality vs AdamW (the final loss on the proxy is a secondary signal).');
  const timing = doc.results.find((r) => r.stepTiming)?.stepTiming;
  if (timing) {
    // A timing phase stopped part-way leaves the optimizers' counts of timed steps within one of each other.
    const counts = doc.results.flatMap((r) => (r.stepTiming?.basis === 'timed-alone' ? [r.stepTiming.steps] : []));
    const lo = Math.min(...counts);
    const hi = Math.max(...counts);
    lines.push(timing.basis === 'timed-alone'
      ? `step ms: median of ${lo === hi ? lo : `${lo}–${hi}`} steps per optimizer after ${timing.warmupSteps} warm-up, timed before training while nothing else of the sweep ran (the runs then trained in children at once; --workers 1 for one).`
      : `step ms: median over every step of every run after its ${timing.warmupSteps} warm-up steps (one training child).`);
  }
  for (const r of doc.results) if (r.stateLayoutNote && r.measuredStateBytes !== r.estimatedStateBytes) lines.push(`${r.optimizer}: ${r.stateLayoutNote}`);
  for (const r of doc.results) {
    for (const x of r.robustness ?? []) lines.push(`${r.optimizer} ${x.probe}: ${x.diverged ? 'diverged' : 'finite'}, ${x.behaviour}`);
  }
  if (doc.realShapes) lines.push('', ...renderRealShapes(doc.realShapes));
  if (doc.outcome !== 'completed') lines.push('', `partial result: the sweep was ${doc.outcome}${doc.outcomeDetail ? ` (${doc.outcomeDetail})` : ''}; everything measured until then is above${files.json ? ' and saved' : ''}.`);
  if (files.json) lines.push(`saved: ${files.json}${files.report ? `, ${files.report}` : ''}`);
  return `${lines.join('\n')}\n`;
}

async function profileJob(
  job: ScanJob,
  root: string,
  opts: { gpuMemoryBytes: number | null; gpus?: number; priority: Priority; detected: { names: readonly string[]; memoryBytes: number } | null },
  args: Parameters<Command['run']>[0],
  io: CliIO,
): Promise<number> {
  // The job as `recommend` evaluates it: its model, its current optimizer, the advisor's input.
  const lookup = await cliModelLookup([job], root, io.env ?? process.env, consentOf(args));
  const evaluation = evaluateJob(job, diskFiles(root), {
    gpuMemoryBytes: opts.gpuMemoryBytes, priority: opts.priority, unknownOptimizer: 'ignore', lookup, ...(opts.gpus !== undefined ? { gpus: opts.gpus } : {}),
  });
  const advisorInput = evaluation.input;
  const source = evaluation.model.source;
  const robustness = flag<boolean>(args, 'robustness') ?? false;
  const budgetSeconds = flag<number>(args, 'budget-seconds') ?? (robustness ? DEFAULT_ROBUSTNESS_BUDGET_SECONDS : DEFAULT_BUDGET_SECONDS);
  const outDir = flag<string>(args, 'out');
  const files: { json?: string; report?: string } = {};
  if (outDir !== undefined) {
    const dir = path.resolve(io.cwd, outDir);
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new InputError(`--out: cannot create ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
    files.json = path.join(dir, PROFILE_JSON);
    files.report = path.join(dir, PROFILE_REPORT);
  }
  const writer = new ResultFiles();
  let lastSave = 0;
  /** While the sweep runs: rewrite profile.json at most every SAVE_INTERVAL_MS (a failure never stops the sweep). */
  const save = (doc: SweepDocument) => {
    if (!files.json) return;
    const now = Date.now();
    if (now - lastSave < SAVE_INTERVAL_MS) return;
    lastSave = now;
    writer.saveProvisional(files.json, `${JSON.stringify({ ...doc, files }, null, 2)}\n`);
  };
  const controller = new AbortController();
  const onSignal = () => {
    io.err('optimizer-advisor profile: stopping (what was measured is kept)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const quiet = flag<boolean>(args, 'json') ?? false;
  const bandwidthSize = flag<number>(args, 'bandwidth-size');
  const realShapesSeconds = flag<number>(args, 'real-shapes-seconds') ?? DEFAULT_REAL_SHAPES_BUDGET_MS / 1000;
  const throughput = throughputAssumption(flag<string>(args, 'gpu'), opts.detected, '--gpu');
  let result;
  try {
    result = await runSweep({
      job: { id: job.id, model: source },
      advisorInput,
      budgetMs: budgetSeconds * 1000,
      signal: controller.signal,
      robustness,
      ...(flag<readonly string[]>(args, 'optimizers') ? { optimizers: flag<readonly string[]>(args, 'optimizers')! } : {}),
      ...(flag<number>(args, 'steps') !== undefined ? { steps: flag<number>(args, 'steps')! } : {}),
      ...(flag<number>(args, 'seeds') !== undefined ? { seeds: Array.from({ length: flag<number>(args, 'seeds')! }, (_, i) => i + 1) } : {}),
      ...(bandwidthSize !== undefined ? { bandwidthElements: bandwidthSize === 0 ? null : bandwidthSize } : {}),
      fused: flag<boolean>(args, 'fused') ?? true,
      ...(flag<number>(args, 'workers') !== undefined ? { workers: flag<number>(args, 'workers')! } : {}),
      ...(realShapesSeconds > 0 ? { realShapes: { budgetMs: realShapesSeconds * 1000, throughput } } : {}),
      onUpdate: save,
      onProgress: (line) => {
        if (!quiet) io.err(`  ${line}\n`);
      },
    });
  } catch (e) {
    // The sweep itself failed: no profile.json may keep claiming "running".
    writer.abandonProvisional();
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const doc = result.document;
  if (files.json) writer.saveFinal(files.json, `${JSON.stringify({ ...doc, files }, null, 2)}\n`);
  if (files.report) writer.saveFinal(files.report, renderCliProfileReport(doc, { gpuMemoryBytes: opts.gpuMemoryBytes }));
  const failed = writer.failed();
  if (failed.length > 0) {
    // Nothing measured is lost: the document goes to stdout, and stderr names what could not be written.
    const where = failed.map((f) => `${f.path} (${f.reason})`).join(', ');
    io.err(`${oneLine(`optimizer-advisor profile: cannot write ${where}; the profile document is printed on stdout instead`)}\n`);
    printJson(io, doc);
    return EXIT.partial;
  }
  if (flag<boolean>(args, 'json')) printJson(io, { ...doc, ...(files.json ? { files } : {}) });
  else printHuman(io, renderHuman(doc, files));
  return doc.outcome === 'completed' ? EXIT.ok : EXIT.partial;
}

export const profileCommand: Command = {
  name: 'profile',
  summary: 'train a scaled-down proxy of the job with each optimizer on this machine and chart the measured trade-offs',
  usage: 'profile [folder|file] [--optimizers a,b,...] [--steps N] [--budget-seconds S] [--workers N] [--real-shapes-seconds S] [--gpu PRESET] [--robustness] [--out DIR] [--json]',
  details:
    `Default sweep: ${DEFAULT_SWEEP.join(', ')}, plus the advisor's top 3 picks for the job; each at its recommended lr for the\n` +
    'proxy x1/3, x1, x3 and two seeds. Runs TensorFlow.js in a child process (GPU, native, wasm or cpu backend, whichever loads).\n' +
    'Measured on this machine: step time, loss curves, best lr, steps to target, optimizer state, bandwidth, and first (its own\n' +
    'budget, --real-shapes-seconds) each optimizer\'s step cost on the real job\'s tensor shapes. Modelled by the\n' +
    'estimator: the real job\'s peak memory (the Pareto front\'s memory axis). --out DIR writes DIR/profile.json as results\n' +
    'arrive and DIR/report.html (self-contained charts) at the end. Ctrl-C, the budget or a crash of the child keep what was\n' +
    'measured and exit 3. On the wasm/cpu backends of a machine with two or more CPUs the training runs share two children\n' +
    '(the same loss curves as in one) and each step time comes from a timing phase run alone first (--workers 1: one child;\n' +
    'one by default when the 1-minute load average is over 1.5 x the CPUs, where two are slower, said in the notes).\n' +
    'JSON: schemas/profile.schema.json. `recommend --priority stability --profile DIR/profile.json`\n' +
    'orders equal published divergence rates by this profile\'s --robustness probes and learning-rate runs.',
  flags: [
    { name: 'optimizers', type: 'list', help: 'optimizers to profile (catalog ids), comma-separated', defaultText: 'the default sweep + the advisor\'s top picks' },
    { name: 'steps', type: 'int', min: 2, max: 100_000, help: 'optimizer steps per run', defaultText: String(DEFAULT_STEPS) },
    { name: 'seeds', type: 'int', min: 1, max: 10, help: 'seeds per learning rate', defaultText: '2' },
    { name: 'budget-seconds', type: 'number', min: 1, max: 86_400, help: 'wall-clock budget of the whole sweep', defaultText: `${DEFAULT_BUDGET_SECONDS} (${DEFAULT_ROBUSTNESS_BUDGET_SECONDS} with --robustness)` },
    { name: 'robustness', type: 'bool', help: 'also probe gradient explosion (x1e3), vanishing (x1e-6), NaN/Inf injection and sparse gradients' },
    { name: 'out', type: 'string', help: 'folder for profile.json (written as results arrive) and report.html', defaultText: 'none (print only)' },
    { name: 'job', type: 'string', help: 'which job of the folder to profile (its file, as scan lists it)', defaultText: 'the only job, else the first' },
    { name: 'gpu-memory', type: 'size', help: 'memory of one GPU for the real job\'s fit: 24GiB, 80GB or bytes', defaultText: 'nvidia-smi, else unknown' },
    { name: 'gpus', type: 'int', min: 1, max: 1_000_000, help: 'data-parallel GPUs of the real job', defaultText: "the job's" },
    { name: 'priority', type: 'string', choices: PRIORITIES, help: 'what matters most (for the advisor\'s top picks)', defaultText: 'quality' },
    {
      name: 'workers', type: 'int', min: 1, max: 64,
      help: 'training children at once on the wasm/cpu backends (step times then come from a timing phase run alone; 1: one child that times its own runs)',
      defaultText: '2 with two or more logical CPUs unless the 1-minute load average is over 1.5 x the CPUs, else 1',
    },
    { name: 'fused', type: 'bool', help: 'use the fused optimizer kernels where they exist (false: tfjs ops only)', defaultText: 'true' },
    { name: 'real-shapes-seconds', type: 'number', min: 0, max: 3600, help: "budget of the step cost at the job's real tensor shapes (0 skips it)", defaultText: String(DEFAULT_REAL_SHAPES_BUDGET_MS / 1000) },
    { name: 'gpu', type: 'string', choices: GPU_PRESETS.map((p) => p.id), help: "GPU preset whose throughput the share of a training step assumes", defaultText: 'the detected GPU, else a100-80gb' },
    { name: 'bandwidth-size', type: 'int', min: 0, max: 2 ** 28, help: 'floats per buffer of the bandwidth measurements (0 skips them)', defaultText: String(BANDWIDTH_ELEMENTS) },
    ...HUB_FLAGS,
    JSON_FLAG,
  ],
  async run(args, io) {
    const [target = '.', ...extra] = args.positionals;
    if (extra.length > 0) throw new InputError('profile takes at most one folder or file');
    const priorityText = flag<string>(args, 'priority') ?? 'quality';
    if (!isPriority(priorityText)) throw new InputError(`--priority: '${priorityText}' is not one of ${PRIORITIES.join(', ')}`);
    let gpuMemoryBytes = flag<number>(args, 'gpu-memory') ?? null;
    let gpus = flag<number>(args, 'gpus');
    let detectedGpu: { names: readonly string[]; memoryBytes: number } | null = null;
    if (gpuMemoryBytes === null) {
      const detection = await detectGpus();
      const detected = detection === null ? null : summarizeGpus(detection);
      if (detected) {
        gpuMemoryBytes = detected.memoryBytes;
        gpus ??= detected.count;
        detectedGpu = { names: detected.names, memoryBytes: detected.memoryBytes };
      }
    }
    const scan = await scanFolder(target, io.cwd, parseSize(DEFAULT_MAX_FILE, 'max file size'), io.env ?? process.env);
    const abs = path.resolve(io.cwd, target);
    const onlyFile = abs === scan.root ? null : path.relative(scan.root, abs).split(path.sep).join('/');
    let jobs = onlyFile === null ? scan.jobs : scan.jobs.filter((j) => j.files.includes(onlyFile));
    const wanted = flag<string>(args, 'job');
    if (wanted !== undefined) {
      jobs = jobs.filter((j) => j.id === wanted || j.files.includes(wanted));
      if (jobs.length === 0) throw new InputError(`--job: no job '${wanted}' in ${target} (jobs: ${scan.jobs.map((j) => j.id).join(', ') || 'none'})`);
    }
    if (jobs.length === 0) {
      const finding = onlyFile === null ? undefined : scan.findings.find((f) => f.path === onlyFile);
      if (finding?.error) throw new InputError(finding.error.message, target, finding.error.line, finding.error.column);
      throw new InputError('no training job found to profile (looked for model configs and training arguments)', target);
    }
    const job = jobs[0]!;
    if (jobs.length > 1 && !(flag<boolean>(args, 'json') ?? false)) {
      io.err(`${oneLine(`profiling ${job.id}; other jobs here: ${jobs.slice(1).map((j) => j.id).join(', ')} (choose one with --job)`)}\n`);
    }
    return profileJob(job, scan.root, { gpuMemoryBytes, priority: priorityText, detected: detectedGpu, ...(gpus !== undefined ? { gpus } : {}) }, args, io);
  },
};
