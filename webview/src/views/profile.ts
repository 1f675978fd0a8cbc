/** Profiling: Run/Cancel with live progress, then the measured charts, always labelled with backend and machine. */
import { PROFILE_CHARTS } from '../../../src/charts/profile-charts';
import type { ProfileResultDocument } from '../../../src/core/profile/profile-types';
import { measuredOnLabel, renderRobustnessTable, shortMeasuredOnLabel } from '../../../src/charts/render-profile-meta';
import { renderParetoSources } from '../../../src/charts/render-pareto';
import { h, trustedMarkup } from '../dom';
import { localTimeText } from '../format';
import { badge, button, checkbox, dropdown, progressBar } from '../ui';
import { chartFigure, emptyState, type ViewContext } from './context';

/** Optimizers offered for a profile run: the job's best-ranked ones the profiler implements, plus the current one. */
const OFFERED = 8;

/** Checkboxes choosing the optimizers of the next run (none ticked = the profiler's default sweep). */
function optimizerPicks(ctx: ViewContext): HTMLElement {
  const { t, state } = ctx;
  const chosen = state.profileOptimizers;
  // Every ranked optimizer is a catalog id and the profiler implements every catalog id (its registry,
  // src/profiler/optimizers/index.ts, is keyed by them), so each one can be offered; the view does not
  // bundle the catalog to check it again.
  const ranked = state.evaluation?.recommendation.ranked ?? [];
  const offered = ranked.filter((r, i) => i < OFFERED || r.current || chosen.includes(r.optimizer));
  return h('fieldset', { class: 'oa-picks' },
    h('legend', {}, t('profileOptimizers')),
    ...offered.map((r) => checkbox({
      label: r.name,
      checked: chosen.includes(r.optimizer),
      onChange: (on) => ctx.actions.setProfileOptimizers(on ? [...chosen, r.optimizer] : chosen.filter((o) => o !== r.optimizer)),
    })),
    chosen.length === 0 ? h('p', { class: 'oa-muted oa-picks-note' }, t('profileDefaultSweep'))
      : chosen.includes('adamw') ? null : h('p', { class: 'oa-muted oa-picks-note' }, t('profileReference')));
}

/**
 * Why the sweep did not run on the GPU, as the profiler reported it; when the only thing missing was the
 * package itself (a CUDA device was visible), the action that installs it. The profiler checks for a
 * device before it looks for the package, so "not installed" implies a visible GPU.
 */
function gpuBackendNote(ctx: ViewContext, doc: ProfileResultDocument): HTMLElement | null {
  if (doc.backend.name === 'tfjs-node-gpu') return null;
  const why = doc.backend.reasons.find((r) => r.backend === 'tfjs-node-gpu')?.why;
  if (why === undefined) return null;
  const missing = why.startsWith('not installed');
  return h('div', { class: 'oa-actions' },
    h('span', { class: 'oa-muted' }, ctx.t('gpuNotUsed', { why })),
    missing ? button({ label: ctx.t('installGpuBackend'), appearance: 'secondary', onClick: () => ctx.actions.runAction('installGpuBackend') }) : null);
}

export function profilePanel(ctx: ViewContext): HTMLElement {
  const { t, state } = ctx;
  const jobId = state.selectedJobId;
  const run = state.run !== null && state.run.jobId === jobId ? state.run : null;
  const parts: (HTMLElement | null)[] = [h('p', { class: 'oa-muted' }, t('profileIntro'))];
  if (!run) parts.push(optimizerPicks(ctx), h('p', { class: 'oa-muted' }, t('profileSettings')));

  const controls = run
    ? h('div', { class: 'oa-actions' },
      button({ label: t('cancel'), appearance: 'secondary', onClick: () => ctx.actions.cancelProfile() }),
      progressBar(run.done, run.total, run.total > 0 ? t('progress', { done: run.done, total: run.total }) : t('profiling')),
      run.message ? h('span', { class: 'oa-muted' }, run.message) : null)
    : h('div', { class: 'oa-actions' }, button({ label: t('runProfile'), onClick: () => ctx.actions.runProfile() }));

  const outcome = state.runOutcome;
  // A completed run may still carry a message (e.g. the time budget ran out before every run was done).
  const outcomeText = !outcome ? null
    : outcome.kind === 'cancelled' ? t('profileCancelled')
      : outcome.kind === 'failed' ? t('profileFailed', { message: outcome.message ?? '' })
        : outcome.message ? t('profileNote', { message: outcome.message }) : null;
  const outcomeLine = outcome && outcomeText
    ? h('p', { class: outcome.kind === 'failed' ? 'oa-error' : 'oa-status', role: 'status' }, outcomeText)
    : null;

  const profiles = state.profiles && state.profiles.jobId === jobId ? state.profiles : null;
  const list = profiles?.profiles ?? [];
  if (list.length === 0) {
    if (!run) parts.push(emptyState(t('noProfileTitle'), t('noProfileBody')));
    parts.push(controls, outcomeLine);
  } else {
    parts.push(controls, outcomeLine);
    const selected = list.find((p) => p.id === state.selectedProfileId) ?? list[0]!;
    if (list.length > 1) {
      parts.push(dropdown({
        label: t('savedResult'),
        value: selected.id,
        choices: list.map((p) => ({ value: p.id, label: `${localTimeText(p.savedAt)}${p.document.complete === false ? ` (${t('partial')})` : ''}` })),
        onChange: (id) => ctx.actions.selectProfile(id),
      }));
    }
    const doc = selected.document;
    const measured = measuredOnLabel(doc, t.charts);
    parts.push(h('p', { class: 'oa-measured', role: 'note' }, measured, doc.complete === false ? badge(t('partial'), 'bad') : null));
    parts.push(gpuBackendNote(ctx, doc));
    const opts = (id: string) => ({ id, width: ctx.width, strings: t.charts });
    const short = shortMeasuredOnLabel(doc);
    for (const chart of PROFILE_CHARTS) {
      parts.push(chartFigure(chart.render(doc, opts(`${chart.key}-chart`)), t, short));
      // Under the Pareto charts, as in the CLI report: where each coordinate of each point comes from, with every citation.
      if (chart.key === 'pareto') {
        parts.push(h('details', { class: 'oa-data oa-pareto-sources-wrap', 'data-key': 'data:pareto-sources' },
          h('summary', {}, t.charts.paretoSources), trustedMarkup('div', 'oa-table-wrap', renderParetoSources(doc, t.charts))));
      }
    }
    const robustness = renderRobustnessTable(doc, t.charts);
    if (robustness) parts.push(trustedMarkup('div', 'oa-table-wrap', robustness));
  }
  if (profiles && profiles.unreadable.length) {
    parts.push(h('p', { class: 'oa-muted' }, t('unreadable', {
      count: profiles.unreadable.length,
      reasons: profiles.unreadable.map((u) => `${u.id}: ${u.error}`).join('; '),
    })));
  }
  return h('div', {}, ...parts);
}
