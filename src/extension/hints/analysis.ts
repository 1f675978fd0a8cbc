/**
 * What the editor shows for a scanned workspace folder: CodeLens titles on optimizer lines, hover
 * tables, diagnostics keyed by code. Pure: the scan report and the evaluations come in, the hints go
 * out (the providers in ../providers only convert them to VS Code objects).
 */
import { describeFact, JOB_FACT_NAMES } from '../../core/job-facts';
import { isOwnRecommendation, suggestionText } from '../../core/own-hyperparameters';
import type { AdvisorResult, Reason, Recommendation, StrategyId } from '../../core/advisor/types';
import type { JobEvaluation } from '../../core/evaluate';
import type { MemoryBytes } from '../../core/memory/types';
import type { ScanJob, ScanReport } from '../../core/scan/results';
import type { SourceRange } from '../../core/scan/types';
import { iconSafeText, markdownCode, markdownText, visibleText } from '../../core/display-text';
import { formatBytes, formatCount } from '../../core/units';
import { budgetText, type GpuBudget } from './budget';
import { DIAGNOSTIC_SEVERITY, type DiagnosticCode, type HintSeverity } from './rules';
import type { Translate } from './translate';

export type JobOutcome =
  | { readonly kind: 'evaluated'; readonly evaluation: JobEvaluation }
  | { readonly kind: 'failed'; readonly message: string; readonly path?: string; readonly line?: number; readonly column?: number }
  /** The job's model could not be resolved (core/model-source.ts): guidance, not an error. */
  | { readonly kind: 'needs-config'; readonly message: string; readonly modelId?: string; readonly path?: string; readonly line?: number; readonly column?: number };

export interface AnalysisInput {
  readonly report: ScanReport;
  /** By job id. */
  readonly outcomes: ReadonlyMap<string, JobOutcome>;
  readonly budget: GpuBudget;
  readonly t: Translate;
}

export interface LensHint {
  readonly path: string;
  readonly range: SourceRange;
  readonly title: string;
  readonly tooltip: string;
  readonly jobId: string;
  /** What clicking does: show the recommendation (default) or pick a model config for the job. */
  readonly command?: 'pickModelConfig';
}

export interface DiagnosticHint {
  readonly path: string;
  readonly range: SourceRange;
  readonly code: DiagnosticCode;
  readonly severity: HintSeverity;
  readonly message: string;
  readonly jobId: string | null;
}

export interface HoverHint {
  readonly path: string;
  readonly range: SourceRange;
  readonly markdown: string;
  readonly jobId: string;
}

export interface FolderHints {
  readonly lenses: readonly LensHint[];
  readonly diagnostics: readonly DiagnosticHint[];
  readonly hovers: readonly HoverHint[];
}

/** Three significant digits without float noise: `0.001`, `0.1`, and below 0.001 `6.67e-6`, `2e-4`. */
export function formatRate(x: number): string {
  if (x === 0) return '0';
  const rounded = Number(x.toPrecision(3));
  return Math.abs(rounded) < 1e-3 ? rounded.toExponential().replace('e+', 'e') : String(rounded);
}

/** Where a job's hints go: its optimizer's source, else the first line of its training file. */
export function jobAnchor(job: ScanJob): { readonly path: string; readonly range: SourceRange; readonly written: boolean } {
  const src = job.sources['optimizer'];
  if (src !== undefined) return { path: src.path, range: src.range, written: true };
  const path = job.files.includes(job.id) ? job.id : job.files[job.files.length - 1] ?? job.id;
  return { path, range: { line: 1, column: 1, endLine: 1, endColumn: 1 }, written: false };
}

export function strategyLabel(id: StrategyId, t: Translate): string {
  switch (id) {
    case 'gradient-checkpointing':
      return t('gradient checkpointing');
    case '8bit-states':
      return t('8-bit optimizer states');
    case 'paged-states':
      return t('paged optimizer states');
    case 'galore':
      return 'GaLore';
    case 'lora':
      return 'LoRA';
    case 'qlora':
      return 'QLoRA';
    case 'zero-1':
      return 'ZeRO-1';
    case 'zero-2':
      return 'ZeRO-2';
    case 'zero-3':
      return 'ZeRO-3';
    case 'cpu-offload':
      return t('CPU offload');
    case 'smaller-micro-batch':
      return t('smaller micro-batch');
    case 'freeze-layers':
      return t('frozen backbone');
  }
}

/** `adamw-8bit + LoRA`: the top choice and, when it does not fit alone, the strategies that make it fit. */
export function recommendedText(result: AdvisorResult, t: Translate): string {
  const top = result.recommendations[0];
  if (top === undefined) return '—';
  let text = top.optimizer;
  if (top.fits === false && result.strategyPlan !== null && result.strategyBase?.optimizer === top.optimizer) {
    for (const step of result.strategyPlan.steps) text += ` + ${strategyLabel(step.id, t)}`;
  }
  return text;
}

function fitText(fits: boolean | null, t: Translate): string {
  return fits === null ? t('fit unknown') : fits ? t('fits') : t('does not fit');
}

/** The current optimizer's fit, saying when it fits only with paged optimizer states (README: Memory the way recipes run). */
function estimateFitText(estimate: JobEvaluation['currentEstimate'] & object, t: Translate): string {
  return estimate.estimate.verdict === 'fits-with-paging' ? t('fits with paging (may spill to CPU, slower)') : fitText(estimate.estimate.fits, t);
}

/** The CodeLens title of an evaluated job (README: The VS Code extension, e.g. "AdamW · peak 112.4 GiB on 1×24 GiB — does not fit · Recommended: adamw-8bit + LoRA"). */
export function lensTitle(evaluation: JobEvaluation, budget: GpuBudget, t: Translate): string {
  // A CodeLens title is plain text that renders `$(icon)`: workspace strings (spellings, messages) are made inert.
  return iconSafeText(lensTitleText(evaluation, budget, t), 500);
}

function lensTitleText(evaluation: JobEvaluation, budget: GpuBudget, t: Translate): string {
  const rec = t('Recommended: {0}', recommendedText(evaluation.result, t));
  const cur = evaluation.currentEstimate;
  const defaulted = evaluation.current.kind === 'resolved' && evaluation.current.provenance.kind === 'default';
  if (cur !== null) {
    const name = defaulted ? t('{0} (default)', cur.resolved.spec.name) : cur.resolved.spec.name;
    const peak = formatBytes(cur.estimate.bytes.peak);
    const where = budget.memoryBytes === null
      ? t('peak {0} per GPU · GPU memory unknown', peak)
      : t('peak {0} on {1} — {2}', peak, budgetText(budget, cur.input.gpus), estimateFitText(cur, t));
    return `${name} · ${where} · ${rec}`;
  }
  const current = evaluation.current;
  if (current.kind === 'unknown') return `${t("unknown optimizer '{0}'", current.spelling)} · ${rec}`;
  if (current.kind === 'resolved') return `${current.resolved.spec.name} · ${t('cannot be estimated: {0}', evaluation.currentEstimateError ?? '')} · ${rec}`;
  return `${t('no optimizer named')} · ${rec}`;
}

/** Workspace and core text in the hover: no Markdown can start inside (src/core/display-text.ts). */
function escapeMarkdown(text: string): string {
  return markdownText(text, 2000);
}

/** A code span: literal content, control and bidi characters shown as escapes. */
function code(text: string): string {
  return markdownCode(text);
}

function sourceLinks(reason: Reason): string {
  return reason.evidence.map((e) => (e.url ? `[${escapeMarkdown(e.title)}](${e.url})` : escapeMarkdown(e.title))).join('; ');
}

function rankingLine(r: Recommendation, t: Translate): string {
  const peak = r.peakBytes === null ? t('not estimated') : formatBytes(r.peakBytes);
  const m = r.measured;
  const advantage = m.comparableRows === 0 ? '—' : `${m.score >= 0 ? '+' : ''}${m.score.toFixed(2)} ± ${m.uncertainty.toFixed(2)}`;
  return `${r.rank}. \`${r.optimizer}\` — ${peak}, ${fitText(r.fits, t)}; ${t('measured: {0} rows ({1} independent), advantage {2}', m.comparableRows, m.independentRows, advantage)}`;
}

function breakdownRows(bytes: MemoryBytes, t: Translate): [string, number][] {
  return [
    [t('Weights'), bytes.weights],
    [t('Gradients'), bytes.gradients],
    [t('Optimizer state'), bytes.optimizerState],
    [t('Master weights (fp32)'), bytes.masterWeights],
    [t('Optimizer step temporaries'), bytes.optimizerTemporaries],
    [t('Activations'), bytes.activations],
    [t('CUDA context and allocator reserve'), bytes.overhead],
  ];
}

/** The hover: memory breakdown of the current optimizer, the ranking, and the rule path behind the top choice. */
export function hoverMarkdown(evaluation: JobEvaluation, budget: GpuBudget, t: Translate): string {
  const { job, model, result } = evaluation;
  const counts = result.facts;
  const lines: string[] = [];
  lines.push(`**Optimizer Advisor** · ${t('job')} ${code(job.id)} · ${escapeMarkdown(model.inventory.architecture)} (${formatCount(counts.params)} ${t('parameters')}, ${formatCount(counts.trainableParams)} ${t('trainable')}) ${t('from')} ${code(model.source)}`);
  lines.push('');
  const cur = evaluation.currentEstimate;
  if (cur !== null) {
    const i = cur.input;
    const shape = evaluation.facts.seqLen === undefined
      ? t('micro-batch {0} × {1}px images, {2}, {3} GPU(s)', i.batchSize, i.imageSize, i.precision, i.gpus)
      : t('micro-batch {0} × {1} tokens, {2}, {3} GPU(s)', i.batchSize, i.seqLen, i.precision, i.gpus);
    lines.push(`**${escapeMarkdown(cur.resolved.spec.name)}** (${code(cur.resolved.spelling)}) · ${shape}${i.zeroStage > 0 ? ` · ZeRO-${i.zeroStage}` : ''}${i.lora !== null ? ` · ${i.lora.qlora ? 'QLoRA' : 'LoRA'} r=${i.lora.rank}` : ''}`);
    lines.push('');
    lines.push(`| ${t('Per GPU')} | ${t('Bytes')} |`, '|---|---:|');
    for (const [label, bytes] of breakdownRows(cur.estimate.bytes, t)) lines.push(`| ${label} | ${formatBytes(bytes)} |`);
    const phase = cur.estimate.peakPhase === 'optimizer-step' ? t('optimizer step') : t('forward/backward');
    lines.push(`| **${t('Peak')}** (${phase}) | **${formatBytes(cur.estimate.bytes.peak)}** |`);
    lines.push('');
    if (budget.memoryBytes !== null) {
      lines.push(`${t('GPU budget')}: ${budgetText(budget, i.gpus)} (${escapeMarkdown(budget.label)}) — **${estimateFitText(cur, t)}**`);
    } else {
      lines.push(t('GPU budget: unknown (set one with "Optimizer Advisor: Set GPU Budget")'));
    }
    lines.push('');
  } else if (evaluation.current.kind === 'unknown') {
    lines.push(t("The optimizer '{0}' is not in the catalog; the ranking below covers the catalog's optimizers.", escapeMarkdown(evaluation.current.spelling)), '');
  }
  lines.push(`**${t('Ranking')}** (${t('priority')}: ${counts.priority})`);
  for (const r of result.recommendations.slice(0, 5)) lines.push(rankingLine(r, t));
  // How the order was reached: the job's optimizer kept or overruled, thin evidence, and (stability) the saved profile used.
  lines.push('', escapeMarkdown(result.ranking.text));
  const top = result.recommendations[0];
  if (top !== undefined) {
    lines.push('', `**${t('Rule path for {0}', top.optimizer)}**`);
    for (const reason of top.reasons) lines.push(`- ${code(reason.rule)}: ${escapeMarkdown(reason.text)} (${sourceLinks(reason)})`);
  }
  if (cur !== null && top !== undefined && cur.recommendation.optimizer !== top.optimizer) {
    lines.push('', `**${t('Why {0} ranks {1}', cur.recommendation.optimizer, cur.recommendation.rank)}**`);
    for (const reason of cur.recommendation.reasons.filter((r) => !r.rule.startsWith('hp:'))) lines.push(`- ${code(reason.rule)}: ${escapeMarkdown(reason.text)}`);
  }
  const mine = result.recommendations.find(isOwnRecommendation);
  if (mine !== undefined && mine.own.length > 0) {
    const hp = mine.hyperparameters;
    const values: Record<string, string> = {
      lr: `lr ${hp.lr}`, weightDecay: `weight decay ${hp.weightDecay}`, betas: `betas ${JSON.stringify(hp.betas)}`, eps: `eps ${JSON.stringify(hp.eps)}`,
      warmup: `warmup ${hp.warmup === null ? 'none' : `${hp.warmup.value} ${hp.warmup.unit}`}`, schedule: `schedule ${hp.schedule.kind}`,
    };
    lines.push('', `**${t('Your {0} settings are kept', mine.optimizer)}**: ${escapeMarkdown(mine.own.map((f) => values[f]).join(', '))}`);
    for (const s of mine.suggestions) lines.push(`- ${t('suggestion')}: ${code(s.field)} ${escapeMarkdown(suggestionText(s))}`);
  }
  if (result.strategyPlan !== null) {
    lines.push('', `**${t('Memory plan for {0}', result.strategyBase?.optimizer ?? '')}**`);
    for (const s of result.strategyPlan.steps) lines.push(`- ${strategyLabel(s.id, t)}: ${escapeMarkdown(s.text)} → ${formatBytes(s.peakBytes)}`);
  }
  lines.push('', `**${t('Facts used and where they come from')}**`);
  for (const name of JOB_FACT_NAMES) {
    const fact = evaluation.facts[name];
    if (fact !== undefined) lines.push(`- ${escapeMarkdown(describeFact(name, fact))}`);
  }
  return lines.join('\n');
}

function pointRange(line: number, column: number): SourceRange {
  return { line, column, endLine: line, endColumn: column + 1 };
}

function diagnostic(path: string, range: SourceRange, code: DiagnosticCode, message: string, jobId: string | null): DiagnosticHint {
  return { path, range, code, severity: DIAGNOSTIC_SEVERITY[code], message: visibleText(message, 2000), jobId };
}

function evaluatedDiagnostics(evaluation: JobEvaluation, budget: GpuBudget, t: Translate): DiagnosticHint[] {
  const { job, result } = evaluation;
  const anchor = jobAnchor(job);
  const out: DiagnosticHint[] = [];
  const cur = evaluation.currentEstimate;
  if (cur !== null && cur.estimate.fits === false && budget.memoryBytes !== null) {
    out.push(diagnostic(anchor.path, anchor.range, 'does-not-fit',
      t('{0} needs {1} per GPU at its peak, more than the {2} of each GPU ({3}). Recommended: {4}.',
        cur.resolved.spec.name, formatBytes(cur.estimate.bytes.peak), formatBytes(budget.memoryBytes), budget.label, recommendedText(result, t)),
      job.id));
  }
  const current = evaluation.current;
  if (current.kind === 'unknown' && anchor.written) {
    out.push(diagnostic(anchor.path, anchor.range, 'unknown-optimizer',
      t("Optimizer Advisor does not know the optimizer '{0}'; the hints rank the catalog's optimizers without it.", current.spelling), job.id));
  }
  for (const v of evaluation.autoValues) {
    if (v.value !== null) continue;
    out.push(diagnostic(v.path, v.range, 'config-note', t('"{0}" is "auto" and stays unknown: it would be filled from {1}.', v.key, v.from), job.id));
  }
  const lr = job.settings.learningRate;
  if (current.kind === 'resolved' && lr !== undefined) {
    const spec = current.resolved.spec;
    const { low, high, source } = spec.lrRange;
    const lrSource = job.sources['learningRate'];
    const where = lrSource ?? { path: anchor.path, range: anchor.range };
    if (lr > high) {
      out.push(diagnostic(where.path, where.range, 'lr-out-of-range',
        t('Learning rate {0} is above the range {1}–{2} recommended for {3} (source: {4}).', formatRate(lr), formatRate(low), formatRate(high), spec.name, source.title), job.id));
    } else if (lr < low && job.settings.pretraining === true) {
      out.push(diagnostic(where.path, where.range, 'lr-out-of-range',
        t('Learning rate {0} is below the range {1}–{2} recommended for {3} when training from scratch (source: {4}).', formatRate(lr), formatRate(low), formatRate(high), spec.name, source.title), job.id));
    }
  }
  return out;
}

/** Every hint of one folder. */
export function analyse(input: AnalysisInput): FolderHints {
  const { report, outcomes, budget, t } = input;
  const lenses: LensHint[] = [];
  const diagnostics: DiagnosticHint[] = [];
  const hovers: HoverHint[] = [];
  for (const f of report.findings) {
    if (f.error) diagnostics.push(diagnostic(f.path, pointRange(f.error.line, f.error.column), 'config-error', t('This config cannot be read: {0}', f.error.message), null));
  }
  for (const w of report.warnings) {
    diagnostics.push(diagnostic(w.path, pointRange(w.line, w.column), 'config-note', t('Optimizer Advisor note: {0}', w.message), null));
  }
  for (const job of report.jobs) {
    const outcome = outcomes.get(job.id);
    if (outcome === undefined) continue;
    const anchor = jobAnchor(job);
    const suffix = report.jobs.filter((j) => jobAnchor(j).path === anchor.path).length > 1 ? ` (${job.id})` : '';
    if (outcome.kind === 'failed') {
      lenses.push({ path: anchor.path, range: anchor.range, title: iconSafeText(t('Optimizer Advisor: this job cannot be evaluated — {0}', outcome.message) + suffix, 500), tooltip: visibleText(outcome.message, 2000), jobId: job.id });
      const inJob = outcome.path !== undefined && job.files.includes(outcome.path) && outcome.line !== undefined;
      diagnostics.push(inJob
        ? diagnostic(outcome.path as string, pointRange(outcome.line as number, outcome.column ?? 1), 'job-not-evaluated', t('This job cannot be evaluated: {0}', outcome.message), job.id)
        : diagnostic(anchor.path, anchor.range, 'job-not-evaluated', t('This job cannot be evaluated: {0}', outcome.message), job.id));
      continue;
    }
    if (outcome.kind === 'needs-config') {
      lenses.push({ path: anchor.path, range: anchor.range, title: t('Optimizer Advisor: this job needs a model config — pick one') + suffix, tooltip: outcome.message, jobId: job.id, command: 'pickModelConfig' });
      const inJob = outcome.path !== undefined && job.files.includes(outcome.path) && outcome.line !== undefined;
      const message = t('This job needs a model config: {0}. Use the quick fix to pick a config.json, a Hugging Face cache entry or a bundled preset.', outcome.message);
      diagnostics.push(inJob
        ? diagnostic(outcome.path as string, pointRange(outcome.line as number, outcome.column ?? 1), 'needs-model-config', message, job.id)
        : diagnostic(anchor.path, anchor.range, 'needs-model-config', message, job.id));
      continue;
    }
    const evaluation = outcome.evaluation;
    lenses.push({ path: anchor.path, range: anchor.range, title: lensTitle(evaluation, budget, t) + iconSafeText(suffix), tooltip: t('Show the ranked recommendation for job {0}', job.id), jobId: job.id });
    hovers.push({ path: anchor.path, range: anchor.range, markdown: hoverMarkdown(evaluation, budget, t), jobId: job.id });
    diagnostics.push(...evaluatedDiagnostics(evaluation, budget, t));
  }
  return { lenses, diagnostics, hovers };
}

export interface DiagnosticFilter {
  readonly enabled: boolean;
  readonly disabledRules: ReadonlySet<string>;
  /** True for files whose diagnostics are silenced (optimizerAdvisor.diagnostics.exclude). */
  readonly excluded: (path: string) => boolean;
}

export function filterDiagnostics(diagnostics: readonly DiagnosticHint[], filter: DiagnosticFilter): DiagnosticHint[] {
  if (!filter.enabled) return [];
  return diagnostics.filter((d) => !filter.disabledRules.has(d.code) && !filter.excluded(d.path));
}
