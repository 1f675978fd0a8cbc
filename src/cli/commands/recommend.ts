import * as path from 'node:path';
import { isPriority, PRIORITIES, type AdvisorResult, type Priority } from '../../core/advisor/types';
import { evaluateJob } from '../../core/evaluate';
import { countParams } from '../../core/models';
import type { ModelInventory } from '../../core/models/types';
import type { ScanJob } from '../../core/scan/results';
import { InputError } from '../../core/types';
import { formatBytes, formatCount } from '../../core/units';
import { JSON_FLAG, flag, printJson, type Command } from '../command';
import { detectGpus, summarizeGpus } from '../../platform/gpu';
import { EXIT, table } from '../io';
import { diskFiles } from '../model-source';
import { DEFAULT_MAX_FILE, scanFolder } from './scan';
import { parseSize } from '../../core/units';


function jobDocument(job: ScanJob, modelSource: string, model: ModelInventory, result: AdvisorResult) {
  const counts = countParams(model);
  return {
    source: job.id,
    files: job.files,
    model: {
      source: modelSource,
      family: model.family,
      architecture: model.architecture,
      params: counts.total,
      trainableParams: counts.trainable,
    },
    facts: result.facts,
    recommendations: result.recommendations.map((r) => ({
      optimizer: r.optimizer,
      rank: r.rank,
      fits: r.fits,
      peakBytes: r.peakBytes,
      tier: r.tier,
      score: r.score,
      measured: r.measured,
      reasons: r.reasons.map((x) => ({ rule: x.rule, text: x.text, evidence: x.evidence })),
      hyperparameters: r.hyperparameters,
    })),
    strategyBase: result.strategyBase,
    strategies: result.strategies,
    strategyPlan: result.strategyPlan,
    notes: result.notes,
    ranking: result.ranking,
    assumptions: result.assumptions,
    baseDtype: result.baseDtype,
    defaults: job.defaults,
  };
}

type JobDoc = ReturnType<typeof jobDocument>;

/** Three significant digits, without float noise (1.67e-5, 0.3). */
function formatNumber(x: number): string {
  return x === 0 ? '0' : String(Number(x.toPrecision(3)));
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function renderJob(doc: JobDoc, top: number): string {
  const lines = [
    `== ${doc.source}: ${doc.model.architecture} (${formatCount(doc.model.params)} params) from ${doc.model.source}`,
  ];
  const rows = [['#', 'optimizer', 'fits', 'peak/GPU', 'lr', 'weight decay', 'measured (rows, indep.)', 'advantage', 'why']];
  for (const r of doc.recommendations.slice(0, top)) {
    const hp = r.hyperparameters;
    rows.push([
      String(r.rank),
      r.optimizer,
      r.fits === null ? '?' : r.fits ? 'yes' : 'no',
      r.peakBytes === null ? '—' : formatBytes(r.peakBytes),
      hp.lr === null ? 'relative step' : formatNumber(hp.lr),
      formatNumber(hp.weightDecay),
      `${r.measured.comparableRows} (${r.measured.independentRows})`,
      r.measured.comparableRows === 0 ? '—' : `${r.measured.score >= 0 ? '+' : ''}${r.measured.score.toFixed(2)} ± ${r.measured.uncertainty.toFixed(2)}`,
      clip((r.reasons.find((x) => x.rule !== 'measured' && !x.rule.startsWith('hp:')) ?? r.reasons.find((x) => x.rule !== 'measured'))?.text ?? '', 70),
    ]);
  }
  lines.push(table(rows, [true, false, false, true, true, true, true, true, false]));
  lines.push(`ranking: ${doc.ranking.text}`);
  const best = doc.recommendations[0];
  if (best) {
    lines.push('', `Why ${best.optimizer} is first:`);
    if (best.measured.comparableRows === 0) lines.push(`  - ${best.measured.sentence}`);
    for (const r of best.reasons) lines.push(`  - ${r.text} [${r.evidence.map((e) => e.title).join('; ')}]`);
  }
  const measuredLines = doc.recommendations.slice(1, top).filter((r) => r.measured.comparableRows > 0);
  if (measuredLines.length > 0) {
    lines.push('', 'What the others stand on:');
    for (const r of measuredLines) lines.push(`  - ${r.optimizer}: ${r.measured.sentence}`);
  }
  if (doc.strategies.length > 0) {
    lines.push('', `Memory strategies (for ${doc.strategyBase?.optimizer ?? 'the top choice'}):`);
    for (const s of doc.strategies) lines.push(`  - ${s.id}: saves ${formatBytes(s.savingBytes)} — ${s.text}`);
  }
  const plan = doc.strategyPlan;
  if (plan !== null && plan.steps.length > 0) {
    lines.push('', 'To make it fit (strategies combined, largest saving first):');
    plan.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s.text} → ${formatBytes(s.peakBytes)}`));
    lines.push(`  peak after these steps: ${formatBytes(plan.peakBytes)} (${plan.fits === null ? 'fit unknown' : plan.fits ? 'fits' : 'does not fit'})`);
  }
  for (const n of doc.notes) lines.push(`note: ${n.text}`);
  for (const a of doc.assumptions) lines.push(`assumed: ${a}`);
  return lines.join('\n');
}

export const recommendCommand: Command = {
  name: 'recommend',
  summary: 'rank optimizers for each training job in a folder (or one file), with reasons, hyperparameters and memory strategies',
  usage: 'recommend <folder|file> [--gpu-memory SIZE] [--gpus N] [--priority memory|speed|stability|quality] [--json]',
  details:
    'GPU memory: --gpu-memory, else what nvidia-smi reports, else unknown (fits = null).\n' +
    'JSON: {"inputs", "jobs": [{"source", "model", "recommendations": [{"optimizer", "rank", "fits", "peakBytes", "reasons",\n' +
    '"measured": {"score", "uncertainty", "comparableRows", "independentRows", "sentence", "nearest"}, "hyperparameters"}],\n' +
    '"ranking": {"text", "thin", "incumbent"}, "strategies": [{"id", "savingBytes", "text"}]}], "errors"}. Exit 3 when some jobs could not be evaluated.\n' +
    'Order: tier (fits, runs), then published measurements weighted by similarity to the job (README, "How the advice is derived").',
  flags: [
    { name: 'gpu-memory', type: 'size', help: 'memory of one GPU: 24GiB (2^30), 80GB (1e9) or bytes', defaultText: 'nvidia-smi, else unknown' },
    { name: 'gpus', type: 'int', min: 1, max: 1_000_000, help: 'data-parallel GPUs', defaultText: "the job's, else nvidia-smi's count, else 1" },
    { name: 'priority', type: 'string', choices: PRIORITIES, help: 'what matters most', defaultText: 'quality' },
    { name: 'top', type: 'int', min: 1, max: 100, help: 'rows per job in the table (JSON has all)', defaultText: '8' },
    { name: 'max-file-size', type: 'string', help: 'skip files larger than this while scanning', defaultText: DEFAULT_MAX_FILE },
    JSON_FLAG,
  ],
  async run(args, io) {
    const [target, ...extra] = args.positionals;
    if (target === undefined || extra.length > 0) throw new InputError('recommend takes exactly one folder or file');
    const priorityText = flag<string>(args, 'priority') ?? 'quality';
    if (!isPriority(priorityText)) throw new InputError(`--priority: '${priorityText}' is not one of ${PRIORITIES.join(', ')}`);
    const priority: Priority = priorityText;
    let gpuMemoryBytes = flag<number>(args, 'gpu-memory') ?? null;
    let gpuSource = gpuMemoryBytes === null ? 'unknown' : '--gpu-memory';
    let gpus = flag<number>(args, 'gpus');
    if (gpuMemoryBytes === null) {
      const detection = await detectGpus();
      const detected = detection === null ? null : summarizeGpus(detection);
      if (detected) {
        gpuMemoryBytes = detected.memoryBytes;
        gpuSource = `${detected.source} (${detected.names.join(', ')})`;
        gpus ??= detected.count;
      }
    }
    const maxFileBytes = parseSize(flag<string>(args, 'max-file-size') ?? DEFAULT_MAX_FILE, '--max-file-size');
    const scan = await scanFolder(target, io.cwd, maxFileBytes);
    const abs = path.resolve(io.cwd, target);
    const onlyFile = abs === scan.root ? null : path.relative(scan.root, abs).split(path.sep).join('/');
    const jobs = onlyFile === null ? scan.jobs : scan.jobs.filter((j) => j.files.includes(onlyFile));
    if (onlyFile !== null && jobs.length === 0) {
      const finding = scan.findings.find((f) => f.path === onlyFile);
      if (finding?.error) throw new InputError(finding.error.message, target, finding.error.line, finding.error.column);
      throw new InputError('not a model or training config this tool recognises', target);
    }
    const docs: JobDoc[] = [];
    const errors: { source: string; message: string }[] = [];
    for (const job of jobs) {
      try {
        const evaluation = evaluateJob(job, diskFiles(scan.root), { gpuMemoryBytes, priority, ...(gpus !== undefined ? { gpus } : {}) });
        docs.push(jobDocument(job, evaluation.model.source, evaluation.model.inventory, evaluation.result));
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        errors.push({ source: job.id, message: e.format() });
      }
    }
    const failedFiles = scan.findings.filter((f) => f.error).map((f) => ({ source: f.path, message: `${f.path}:${f.error!.line}:${f.error!.column}: ${f.error!.message}` }));
    const allErrors = [...failedFiles, ...errors];
    const code = errors.length > 0 && docs.length === 0 ? EXIT.input : allErrors.length > 0 ? EXIT.partial : EXIT.ok;
    if (code === EXIT.input) {
      io.err(`optimizer-advisor recommend: ${errors.map((e) => e.message).join('; ')}\n`);
      return code;
    }
    const inputs = { target, gpuMemoryBytes, gpuMemorySource: gpuSource, gpus: gpus ?? null, priority };
    if (flag<boolean>(args, 'json')) {
      printJson(io, { inputs, jobs: docs, errors: allErrors });
      return code;
    }
    const top = flag<number>(args, 'top') ?? 8;
    const header = `GPU memory: ${gpuMemoryBytes === null ? 'unknown (give --gpu-memory to check fits)' : `${formatBytes(gpuMemoryBytes)} per GPU from ${gpuSource}`} · priority: ${priority}`;
    const body = docs.length ? docs.map((d) => renderJob(d, top)).join('\n\n') : 'No training jobs found (looked for HF config.json and Trainer arguments JSON).';
    const errText = allErrors.length ? `\n\nNot evaluated:\n${allErrors.map((e) => `  - ${e.message}`).join('\n')}` : '';
    io.out(`${header}\n\n${body}${errText}\n`);
    return code;
  },
};
