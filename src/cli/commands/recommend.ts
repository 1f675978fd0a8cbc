import * as path from 'node:path';
import { isPriority, PRIORITIES, type Priority } from '../../core/advisor/types';
import { evaluateJob, type JobEvaluation } from '../../core/evaluate';
import { ModelConfigNeeded, NEEDS_MODEL_CONFIG, type JobModel, type ModelOrigin } from '../../core/model-source';
import { describeFact, factAssumptions, JOB_FACT_NAMES, type JobFacts } from '../../core/job-facts';
import { countParams } from '../../core/models';
import { isOwnRecommendation } from '../../core/own-hyperparameters';
import { problemPlace } from '../../core/run-length';
import { pasteChanges, pasteFormatOf, pasteOptionsOf } from '../../core/fixes';

/** Recommendations that carry the change to paste (`change`) in the JSON and the table. */
const PASTE_TOP = 3;

/** Short names of the strategies for the table's "to fit" column. */
const PLAN_WORD: Readonly<Record<string, string>> = {
  'gradient-checkpointing': 'checkpointing', '8bit-states': '8-bit states', 'paged-states': 'paged states', galore: 'GaLore',
  lora: 'LoRA', qlora: 'QLoRA', 'zero-1': 'ZeRO-1', 'zero-2': 'ZeRO-2', 'zero-3': 'ZeRO-3', 'cpu-offload': 'CPU offload',
  'smaller-micro-batch': 'smaller micro-batch', 'freeze-layers': 'frozen backbone',
};
import { unusedFiles } from '../../core/scan';
import type { ScanJob } from '../../core/scan/results';
import { InputError } from '../../core/types';
import { formatBytes, formatCount } from '../../core/units';
import { JSON_FLAG, flag, printJson, type Command } from '../command';
import type { RecommendJson } from '../json/recommend';
import { detectGpus, summarizeGpus } from '../../platform/gpu';
import { EXIT, oneLine, printHuman, table } from '../io';
import type { FlagSpec } from '../args';
import { diskFiles } from '../model-source';
import { cliModelLookup, consentOf, HUB_FLAGS, hubDecision } from '../model-lookup';
import { JOB_FLAGS, jobOverrides } from './estimate';
import { DEFAULT_MAX_FILE, READS, scanFolder } from './scan';
import { parseFileSizeCap } from '../../core/units';
import { significant as formatNumber } from '../format';
import { readUserFileSync } from '../read-user-file';
import { decodeText } from '../../core/parse/text';
import { parseJson } from '../../core/parse/json';
import { parseProfileFile } from '../../core/profile/profile-validate';
import { MAX_PROFILE_BYTES, type ProfileResultDocument } from '../../core/profile/profile-types';

/**
 * The saved profile `--profile FILE` names (a profile.json written by `profile --out DIR`), checked against
 * the profile document's schema; any problem is an InputError whose message holds the file and position.
 */
export function readSavedProfile(file: string): { file: string; document: ProfileResultDocument } {
  const bytes = readUserFileSync(file, MAX_PROFILE_BYTES, (size) => `file is ${size} bytes, over the ${MAX_PROFILE_BYTES}-byte limit for a profile`);
  const text = decodeText(bytes, file, MAX_PROFILE_BYTES);
  const { root } = parseJson(text, file);
  const parsed = parseProfileFile(file, root);
  if (!parsed.ok) throw new InputError(parsed.error);
  return { file, document: parsed.value };
}


/** `model.source`: the kind of place the config came from and its path, URL or preset id. */
function sourceDocument(model: JobModel): ModelOrigin {
  return model.origin ?? { kind: 'workspace', location: model.source };
}

function jobDocument(evaluation: JobEvaluation) {
  const { job, result } = evaluation;
  const jobModel = evaluation.model;
  const model = jobModel.inventory;
  const counts = countParams(model);
  return {
    source: job.id,
    status: 'ok' as const,
    files: job.files,
    model: {
      source: sourceDocument(jobModel),
      family: model.family,
      architecture: model.architecture,
      params: counts.total,
      trainableParams: counts.trainable,
      approximate: jobModel.approximate ?? false,
      warnings: model.warnings,
      notes: jobModel.notes ?? [],
    },
    facts: evaluation.facts,
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
      ...(r.fitPlan !== undefined ? { fitPlan: r.fitPlan } : {}),
      ...(r.rank <= PASTE_TOP && !isOwnRecommendation(r) ? { change: pasteChanges(r.optimizer, r.hyperparameters, pasteFormatOf(job), r.fitPlan ?? null, pasteOptionsOf(job)) } : {}),
      ...(isOwnRecommendation(r) ? { own: r.own, suggestions: r.suggestions.map((x) => ({ field: x.field, own: x.own, suggested: x.suggested, reason: x.reason, evidence: x.evidence.map((e) => e.title) })) } : {}),
    })),
    strategyBase: result.strategyBase,
    strategies: result.strategies,
    strategyPlan: result.strategyPlan,
    notes: result.notes,
    ranking: result.ranking,
    assumptions: withFactAssumptions([...(jobModel.assumptions ?? []), ...evaluation.jobAssumptions, ...datasetAssumptions(evaluation), ...result.assumptions], evaluation.facts),
    baseDtype: result.baseDtype,
    defaults: job.defaults,
    notModelled: job.notModelled ?? [],
    deepspeedAuto: evaluation.autoValues.map((v) => ({ path: v.path, key: v.key, range: v.range, value: v.value, from: v.from })),
  };
}

type JobDoc = ReturnType<typeof jobDocument>;

/** A dataset file that could not be counted, with file and position: the training examples stay unknown. */
function datasetAssumptions(evaluation: JobEvaluation): string[] {
  return evaluation.datasetProblems.map((p) => `${problemPlace(p)}: ${p.message}; its records are not counted, so the training examples per epoch are unknown`);
}

/** The assumptions list, with each assumed fact whose reason it does not already hold. */
function withFactAssumptions(assumptions: readonly string[], facts: JobFacts): string[] {
  const out = [...assumptions];
  for (const line of factAssumptions(facts)) {
    const reason = line.slice(line.indexOf(': ') + 2);
    if (!out.some((a) => a.includes(reason))) out.push(line);
  }
  return out;
}

function suggestionValue(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (v === null) return 'none';
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  if (typeof v === 'object') {
    const o = v as { unit?: string; value?: number; kind?: string; detail?: string };
    if (o.unit !== undefined) return o.unit === 'ratio' ? `${o.value} of the steps` : `${o.value} ${o.unit}`;
    if (o.kind !== undefined) return o.detail ? `${o.kind} (${o.detail})` : o.kind;
  }
  return String(v);
}

/** The facts block of the table: one line per fact with its source. */
function renderFacts(facts: JobFacts): string[] {
  const lines = ['Facts used (value — source):'];
  for (const name of JOB_FACT_NAMES) {
    const f = facts[name];
    if (f !== undefined) lines.push(`  ${describeFact(name, f)}`);
  }
  return lines;
}

/** A job whose model could not be resolved: no advice, the reason and what was tried. */
function needsConfigDocument(job: ScanJob, needed: ModelConfigNeeded) {
  const r = needed.resolution;
  return {
    source: job.id,
    status: NEEDS_MODEL_CONFIG as typeof NEEDS_MODEL_CONFIG,
    files: job.files,
    reason: r.reason,
    tried: r.tried,
    ...(r.id !== undefined ? { modelId: r.id } : {}),
    ...(r.at ? { at: r.at } : {}),
    // What the job's files leave open or the tool could not read (a config format it does not read, ...).
    ...(job.assumptions !== undefined && job.assumptions.length > 0 ? { assumptions: [...job.assumptions] } : {}),
  };
}

type NeedsDoc = ReturnType<typeof needsConfigDocument>;


function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function renderJob(doc: JobDoc, top: number): string {
  const lines = [
    `== ${doc.source}: ${doc.model.architecture} (${formatCount(doc.model.params)} params${doc.model.approximate ? ', approximate' : ''}) from ${doc.model.source.kind} ${doc.model.source.location}`,
  ];
  const planned = doc.recommendations.some((r) => r.fitPlan !== undefined);
  const rows = [['#', 'optimizer', 'fits', 'peak/GPU', ...(planned ? ['to fit'] : []), 'lr', 'weight decay', 'measured (rows, indep.)', 'advantage', 'why']];
  for (const r of doc.recommendations.slice(0, top)) {
    const hp = r.hyperparameters;
    const toFit = r.fitPlan === undefined ? [] : [r.fitPlan === null ? 'no plan fits' : `${r.fitPlan.steps.map((x) => PLAN_WORD[x.id] ?? x.id).join(' + ')} → ${formatBytes(r.fitPlan.peakBytes)}`];
    rows.push([
      String(r.rank),
      r.own !== undefined ? `${r.optimizer} (yours)` : r.optimizer,
      r.fits === null ? '?' : r.fits ? 'yes' : 'no',
      r.peakBytes === null ? '—' : formatBytes(r.peakBytes),
      ...toFit,
      hp.lr === null ? 'relative step' : formatNumber(hp.lr),
      formatNumber(hp.weightDecay),
      `${r.measured.comparableRows} (${r.measured.independentRows})`,
      r.measured.comparableRows === 0 ? '—' : `${r.measured.score >= 0 ? '+' : ''}${r.measured.score.toFixed(2)} ± ${r.measured.uncertainty.toFixed(2)}`,
      clip((r.reasons.find((x) => x.rule !== 'measured' && !x.rule.startsWith('hp:')) ?? r.reasons.find((x) => x.rule !== 'measured'))?.text ?? '', 70),
    ]);
  }
  lines.push(table(rows, [true, false, false, true, ...(planned ? [false] : []), true, true, true, true, false]));
  lines.push(`ranking: ${doc.ranking.text}`);
  const mine = doc.recommendations.find((r) => r.own !== undefined);
  if (mine?.own !== undefined) {
    lines.push('', `Your ${mine.optimizer} settings are kept (${mine.own.length > 0 ? mine.own.join(', ') : 'none written'}; the rest are the advisor's):`);
    for (const s of mine.suggestions ?? []) lines.push(`  - suggestion: ${s.field} ${suggestionValue(s.suggested)} instead of ${suggestionValue(s.own)} — ${clip(s.reason, 140)} [${s.evidence.join('; ')}]`);
  }
  lines.push('', ...renderFacts(doc.facts));
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
    lines.push('', plan.level !== undefined
      ? `Smallest change that fits (for ${doc.strategyBase?.optimizer ?? 'the top choice'}: the lowest rung of the ladder, then the fewest changes):`
      : 'To make it fit (strategies combined, largest saving first):');
    plan.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s.text} → ${formatBytes(s.peakBytes)}`, ...(s.changes ? [`     changes: ${s.changes}`] : [])));
    lines.push(`  peak after these steps: ${formatBytes(plan.peakBytes)} (${plan.fits === null ? 'fit unknown' : plan.fits ? 'fits' : 'does not fit'})`);
  }
  const paste = doc.recommendations[0]?.change?.[0];
  if (paste !== undefined) {
    lines.push('', `Change to paste (${paste.format}; needs ${paste.package}${paste.minVersion !== null ? `, ${paste.package.split(', ')[0]} >= ${paste.minVersion}` : ''}):`);
    for (const l of paste.code.split('\n')) lines.push(`    ${l}`);
  }
  for (const w of doc.model.warnings) lines.push(`model: ${w}`);
  for (const n of doc.model.notes) lines.push(`model: ${n}`);
  for (const a of doc.deepspeedAuto) if (a.value !== null) lines.push(`auto: ${a.path} "${a.key}" = ${JSON.stringify(a.value)} from ${a.from}`);
  for (const n of doc.notes) lines.push(`note: ${n.text}`);
  for (const n of doc.notModelled) lines.push(`not modelled: ${n}`);
  // Assumed facts are in the facts block above.
  const shown = new Set(factAssumptions(doc.facts));
  for (const a of doc.assumptions) if (!shown.has(a)) lines.push(`assumed: ${a}`);
  return lines.join('\n');
}

function renderNeeds(doc: NeedsDoc): string {
  const lines = [`== ${doc.source}: ${NEEDS_MODEL_CONFIG}`, `  ${doc.reason}`, '  Point the job at a folder holding its config.json (model_name_or_path, base_model, checkpoint_dir, ...), or allow the Hub with --hub.'];
  for (const a of doc.assumptions ?? []) lines.push(`assumed: ${a}`);
  return lines.join('\n');
}

/** "No training jobs found", with what was found and why it formed no job. */
function noJobsText(unused: readonly { path: string; why: string }[], skipped: number): string {
  const lines = ['No training jobs found.'];
  if (unused.length === 0) {
    lines.push(`  No file is one this tool reads: ${READS}.`);
  } else {
    lines.push('  Found, but formed no job:');
    for (const u of unused) lines.push(`  - ${u.path}: ${u.why}`);
  }
  if (skipped > 0) lines.push(`  ${skipped} file(s) were skipped (too large or unreadable; see --max-file-size).`);
  return lines.join('\n');
}

/** The CLI flag each override key comes from (`batchSize` → `--batch-size`; LoRA from `--lora-rank`). */
function flagNames(overrides: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(overrides)) out[key] = key === 'lora' ? '--lora-rank' : `--${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;
  return out;
}

/**
 * `estimate`'s job flags with the same names, types and meanings; here each one overrides what the
 * job's files say (the defaults are the job's own).
 */
export const RECOMMEND_JOB_FLAGS: readonly FlagSpec[] = JOB_FLAGS.map((f) => {
  if (f.name === 'gpu-memory') return { ...f, defaultText: 'nvidia-smi, else unknown' };
  if (f.name === 'gpus') return { ...f, defaultText: "the job's, else nvidia-smi's count, else 1" };
  return { ...f, defaultText: `the job's, else ${f.defaultText ?? 'the estimator default'}` };
});

export const recommendCommand: Command = {
  name: 'recommend',
  summary: 'rank optimizers for each training job in a folder (or one file), with reasons, hyperparameters and memory strategies',
  usage: 'recommend <folder|file> [--gpu-memory SIZE] [--gpus N] [job options as for estimate] [--priority memory|speed|stability|quality] [--profile FILE] [--json]',
  details:
    'GPU memory: --gpu-memory, else what nvidia-smi reports, else unknown (fits = null).\n' +
    "Job options (--batch-size, --zero-stage, --offload, --lora-rank, ...) mean what they mean for estimate and replace the job's own values.\n" +
    'JSON: {"inputs", "jobs": [{"source", "model", "recommendations": [{"optimizer", "rank", "fits", "peakBytes", "reasons",\n' +
    '"measured": {"score", "uncertainty", "comparableRows", "independentRows", "sentence", "nearest"}, "hyperparameters"}],\n' +
    '"ranking": {"text", "thin", "incumbent", "savedProfile"}, "strategies": [{"id", "savingBytes", "text"}]} or {"source", "status": "needs a model config", "reason"}],\n' +
    '"errors"}. The JSON is printed whenever jobs were found; exit 3 when some job is incomplete.\n' +
    'Order: tier (fits, runs), then published measurements weighted by similarity to the job (README, "How the advice is derived").\n' +
    '--priority stability: lower published divergence rate first; with --profile FILE (the profile.json of\n' +
    '`profile --robustness --out DIR` for the same job and model), equal rates are ordered by the share of the\n' +
    "profile's robustness probes each optimizer survived, then by the share of its learning-rate runs that did not\n" +
    'diverge; a profile of another job is ignored and the ranking note says why. Other priorities do not use it.\n' +
    'Model lookup: the config the job points at (workspace, or a path outside it), the Hugging Face cache\n' +
    '(HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub), a bundled preset, the Hub (only with --hub or\n' +
    'OPTIMIZER_ADVISOR_HUB=1; --offline and HF_HUB_OFFLINE=1 always win; token from HF_TOKEN or HF_HOME/token),\n' +
    'then a preset with the same name after the organisation.',
  flags: [
    ...RECOMMEND_JOB_FLAGS,
    { name: 'priority', type: 'string', choices: PRIORITIES, help: 'what matters most', defaultText: 'quality' },
    { name: 'profile', type: 'string', help: 'a saved profile.json of this job (profile --robustness --out DIR), used by --priority stability', defaultText: 'none' },
    { name: 'top', type: 'int', min: 1, max: 100, help: 'rows per job in the table (JSON has all)', defaultText: '8' },
    { name: 'max-file-size', type: 'string', help: 'skip files larger than this while scanning', defaultText: DEFAULT_MAX_FILE },
    ...HUB_FLAGS,
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
    const gpus = flag<number>(args, 'gpus');
    // nvidia-smi's count applies to jobs that do not state theirs (a launcher's num_processes wins).
    let detectedCount: number | undefined;
    if (gpuMemoryBytes === null) {
      const detection = await detectGpus();
      const detected = detection === null ? null : summarizeGpus(detection);
      if (detected) {
        gpuMemoryBytes = detected.memoryBytes;
        gpuSource = `${detected.source} (${detected.names.join(', ')})`;
        detectedCount = detected.count;
      }
    }
    const profileFlag = flag<string>(args, 'profile');
    const savedProfile = profileFlag === undefined ? undefined : readSavedProfile(path.resolve(io.cwd, profileFlag));
    if (savedProfile !== undefined && priority !== 'stability') {
      io.err(`${oneLine(`optimizer-advisor recommend: --profile ${profileFlag} is used only with --priority stability; the ${priority} order does not use it`)}\n`);
    }
    const { gpuMemoryBytes: _memory, gpus: _gpus, ...overrides } = jobOverrides(args);
    const maxFileBytes = parseFileSizeCap(flag<string>(args, 'max-file-size') ?? DEFAULT_MAX_FILE, '--max-file-size');
    const scan = await scanFolder(target, io.cwd, maxFileBytes, io.env ?? process.env);
    const abs = path.resolve(io.cwd, target);
    const onlyFile = abs === scan.root ? null : path.relative(scan.root, abs).split(path.sep).join('/');
    const jobs = onlyFile === null ? scan.jobs : scan.jobs.filter((j) => j.files.includes(onlyFile));
    if (onlyFile !== null && jobs.length === 0) {
      const finding = scan.findings.find((f) => f.path === onlyFile);
      if (finding?.error) throw new InputError(finding.error.message, target, finding.error.line, finding.error.column);
      throw new InputError('not a model or training config this tool recognises', target);
    }
    const env = io.env ?? process.env;
    const consent = consentOf(args);
    const lookup = await cliModelLookup(jobs, scan.root, env, consent);
    const docs: (JobDoc | NeedsDoc)[] = [];
    const errors: { source: string; message: string }[] = [];
    for (const job of jobs) {
      try {
        const jobGpus = gpus ?? (job.settings.gpus === undefined ? detectedCount : undefined);
        const gpusFrom = gpus !== undefined ? '--gpus' : `${gpuSource}: ${detectedCount ?? ''} GPU(s) on this machine`;
        const evaluation = evaluateJob(job, diskFiles(scan.root), {
          gpuMemoryBytes,
          priority,
          lookup,
          ...(jobGpus !== undefined ? { gpus: jobGpus, gpusFrom } : {}),
          ...(Object.keys(overrides).length > 0 ? { overrides, overridesFrom: flagNames(overrides) } : {}),
          ...(savedProfile !== undefined ? { savedProfiles: [savedProfile] } : {}),
        });
        docs.push(jobDocument(evaluation));
      } catch (e) {
        if (e instanceof ModelConfigNeeded) docs.push(needsConfigDocument(job, e));
        else if (e instanceof InputError) errors.push({ source: job.id, message: e.format() });
        else throw e;
      }
    }
    const failedFiles = scan.findings.filter((f) => f.error).map((f) => ({ source: f.path, message: `${f.path}:${f.error!.line}:${f.error!.column}: ${f.error!.message}` }));
    const allErrors = [...failedFiles, ...errors];
    const incomplete = allErrors.length > 0 || docs.some((d) => d.status !== 'ok');
    const code = incomplete ? EXIT.partial : EXIT.ok;
    const inputs = { target, gpuMemoryBytes, gpuMemorySource: gpuSource, gpus: gpus ?? null, priority, hub: hubDecision(env, consent).allowed, overrides };
    // With no job, what was found and why it formed none.
    const unused = docs.length === 0 && allErrors.length === 0 ? unusedFiles(onlyFile === null ? scan.findings : scan.findings.filter((f) => f.path === onlyFile), jobs) : [];
    if (flag<boolean>(args, 'json')) {
      const doc: RecommendJson = { inputs, jobs: docs, errors: allErrors, ...(docs.length === 0 ? { unused } : {}) };
      printJson(io, doc);
      return code;
    }
    const top = flag<number>(args, 'top') ?? 8;
    const given = Object.entries(overrides).map(([k, v]) => `${k} ${JSON.stringify(v)}`);
    const header =
      `GPU memory: ${gpuMemoryBytes === null ? 'unknown (give --gpu-memory to check fits)' : `${formatBytes(gpuMemoryBytes)} per GPU from ${gpuSource}`} · priority: ${priority}` +
      (gpus !== undefined ? ` · GPUs: ${gpus} (--gpus)` : '') +
      (given.length > 0 ? `\nGiven by hand (replacing the jobs' own values): ${given.join(', ')}` : '');
    const body = docs.length
      ? docs.map((d) => (d.status === 'ok' ? renderJob(d, top) : renderNeeds(d))).join('\n\n')
      : jobs.length > 0
        ? 'No job could be evaluated (see below).'
        : noJobsText(unused, scan.skipped.length);
    const errText = allErrors.length ? `\n\nNot evaluated:\n${allErrors.map((e) => `  - ${e.message}`).join('\n')}` : '';
    printHuman(io, `${header}\n\n${body}${errText}\n`);
    return code;
  },
};
