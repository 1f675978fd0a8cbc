/**
 * The full answer of "Recommend Optimizer" as a Markdown document: the ranking with fits, peaks and
 * hyperparameters, the reasons with their sources, the memory strategies, and the snippets.
 */
import type { Recommendation } from '../../core/advisor/types';
import type { JobEvaluation } from '../../core/evaluate';
import type { SnippetKind } from '../../core/fixes/snippet-kinds';
import type { Snippet } from '../../core/fixes/snippets';
import { formatBytes, formatCount } from '../../core/units';
import { formatRate, recommendedText, strategyLabel } from './analysis';
import { budgetText, type GpuBudget } from './budget';
import type { Translate } from './translate';

export function snippetTitle(kind: SnippetKind, t: Translate): string {
  switch (kind) {
    case 'pytorch':
      return 'PyTorch';
    case 'hf-trainer':
      return t('Hugging Face Trainer');
    case 'deepspeed':
      return t('DeepSpeed config');
    case 'optax':
      return 'optax (JAX)';
  }
}

export function hyperparameterText(r: Recommendation, t: Translate): string {
  const hp = r.hyperparameters;
  const parts = [hp.lr === null ? t('lr: relative step') : `lr ${formatRate(hp.lr)}`];
  if (hp.betas !== null) parts.push(`betas (${hp.betas.map(formatRate).join(', ')})`);
  parts.push(`${t('weight decay')} ${formatRate(hp.weightDecay)}`);
  if (hp.warmup !== null) parts.push(hp.warmup.unit === 'ratio' ? t('warmup {0}% of steps', formatRate(hp.warmup.value * 100)) : t('warmup {0} {1}', hp.warmup.value, hp.warmup.unit));
  parts.push(hp.schedule.kind);
  return parts.join(', ');
}

export function fitLabel(r: Recommendation, t: Translate): string {
  const peak = r.peakBytes === null ? t('not estimated') : formatBytes(r.peakBytes);
  const fit = r.fits === null ? t('fit unknown') : r.fits ? t('fits') : t('does not fit');
  return `${peak} · ${fit}`;
}

export function recommendationReport(evaluation: JobEvaluation, budget: GpuBudget, snippets: readonly Snippet[], t: Translate): string {
  const { job, model, result } = evaluation;
  const top = result.recommendations[0];
  const out: string[] = [];
  out.push(`# ${t('Optimizer recommendation for {0}', job.id)}`, '');
  out.push(`- ${t('Model')}: ${model.inventory.architecture} (${formatCount(result.facts.params)} ${t('parameters')}, ${formatCount(result.facts.trainableParams)} ${t('trainable')}) ${t('from')} \`${model.source}\``);
  out.push(`- ${t('Files')}: ${job.files.map((f) => `\`${f}\``).join(', ')}`);
  out.push(`- ${t('GPU budget')}: ${budget.memoryBytes === null ? t('unknown') : `${budgetText(budget, result.facts.gpus)} (${budget.label})`}`);
  out.push(`- ${t('Priority')}: ${result.facts.priority} · ${t('global batch')} ${result.facts.globalBatch} · ${result.facts.precision}`);
  if (evaluation.currentEstimate !== null) {
    const c = evaluation.currentEstimate;
    out.push(`- ${t('Current optimizer')}: ${c.resolved.spec.name} (\`${c.resolved.spelling}\`) — ${t('peak')} ${formatBytes(c.estimate.bytes.peak)}, ${t('rank')} ${c.recommendation.rank}`);
  }
  out.push(`- **${t('Recommended: {0}', recommendedText(result, t))}**`, '');
  out.push(`## ${t('Ranking')}`, '', `| # | ${t('Optimizer')} | ${t('Peak per GPU')} | ${t('Hyperparameters')} |`, '|---:|---|---|---|');
  for (const r of result.recommendations) out.push(`| ${r.rank} | \`${r.optimizer}\` | ${fitLabel(r, t)} | ${hyperparameterText(r, t)} |`);
  if (top !== undefined) {
    out.push('', `## ${t('Why {0}', top.optimizer)}`, '');
    for (const reason of top.reasons) {
      out.push(`- ${reason.text}`);
      for (const e of reason.evidence) out.push(`  - ${e.url ? `[${e.title}](${e.url})` : e.title}${e.locator ? `, ${e.locator}` : ''}`);
    }
  }
  if (result.strategies.length > 0) {
    out.push('', `## ${t('Memory strategies for {0}', result.strategyBase?.optimizer ?? '')}`, '');
    for (const s of result.strategies) out.push(`- ${strategyLabel(s.id, t)} — ${t('saves {0}', formatBytes(s.savingBytes))}: ${s.text}`);
  }
  for (const n of result.notes) out.push('', `> ${n.text}`);
  for (const a of result.assumptions) out.push('', `> ${t('Assumed')}: ${a}`);
  if (top !== undefined) {
    out.push('', `## ${t('Snippets for {0}', top.optimizer)}`);
    for (const s of snippets) {
      out.push('', `### ${snippetTitle(s.kind, t)}`, '');
      if ('code' in s) out.push(`\`\`\`${s.language}`, s.code, '```');
      else out.push(`_${s.unavailable}_`);
    }
  }
  return out.join('\n') + '\n';
}
