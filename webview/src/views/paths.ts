/** Trajectories: chosen optimizers' paths on Rosenbrock / Beale / saddle over contour lines. */
import { renderTrajectories } from '../../../src/charts/render-trajectories';
import { MAX_TRACE_STEPS, TRACE_PROBLEMS } from '../../../src/core/profile/trace-problems';
import { h } from '../dom';
import { formatNumber } from '../format';
import { defaultTraceSettings, parsePositive, parseWholeNumber } from '../state';
import { button, checkbox, dropdown, spinner, textField } from '../ui';
import { chartFigure, emptyState, type ViewContext } from './context';

/** Optimizers offered as checkboxes: the job's top eight plus the current one. */
const OFFERED = 8;

export function pathsPanel(ctx: ViewContext): HTMLElement {
  const { t, state } = ctx;
  const settings = state.traceSettings ?? defaultTraceSettings(state.evaluation);
  const ranked = state.evaluation?.recommendation.ranked ?? [];
  const offered = ranked.filter((r, i) => i < OFFERED || r.current || settings.optimizers.includes(r.optimizer));
  const parts: (HTMLElement | null)[] = [h('p', { class: 'oa-muted' }, t('pathsIntro'))];

  const picks = h('fieldset', { class: 'oa-picks' }, h('legend', {}, t('optimizers')),
    ...offered.map((r) => checkbox({
      label: r.name,
      checked: settings.optimizers.includes(r.optimizer),
      onChange: (on) => ctx.actions.setTrace({
        optimizers: on ? [...settings.optimizers, r.optimizer] : settings.optimizers.filter((o) => o !== r.optimizer),
      }),
    })));
  parts.push(h('div', { class: 'oa-toggle-grid' },
    dropdown({
      label: t('problem'),
      value: settings.problem,
      choices: TRACE_PROBLEMS.map((p) => ({ value: p, label: t.charts.problems[p] })),
      onChange: (problem) => ctx.actions.setTrace({ problem }),
    }),
    textField({
      label: t('steps'),
      value: String(settings.steps),
      onCommit: (text) => {
        const n = parseWholeNumber(text, 1, MAX_TRACE_STEPS);
        if (n === null) return t('invalidNumber', { min: 1, max: MAX_TRACE_STEPS });
        ctx.actions.setTrace({ steps: n });
        return null;
      },
    }),
    textField({
      label: t('lrOptional'),
      value: settings.lr === null ? '' : formatNumber(settings.lr, 6),
      onCommit: (text) => {
        if (text.trim() === '') {
          ctx.actions.setTrace({ lr: null });
          return null;
        }
        const lr = parsePositive(text);
        if (lr === null) return t('invalidLr');
        ctx.actions.setTrace({ lr });
        return null;
      },
    })));
  parts.push(picks);
  parts.push(h('div', { class: 'oa-actions' },
    button({ label: t('drawPaths'), disabled: ctx.busy.tracing || settings.optimizers.length === 0, onClick: () => ctx.actions.drawPaths() })));
  if (ctx.busy.tracing) parts.push(spinner(t('working')));

  const trace = state.trace;
  if (!trace) {
    if (!ctx.busy.tracing) parts.push(emptyState(t('pathsTitle'), t('noPathsBody')));
    return h('div', {}, ...parts);
  }
  const drawn = trace.lines.filter((l) => l.error === null);
  const chart = renderTrajectories(
    { problem: trace.problem, traces: drawn.map((l) => ({ optimizer: l.name, lr: l.lr, points: l.points, divergedAtStep: l.divergedAtStep })) },
    { id: 'paths-chart', width: ctx.width, strings: t.charts },
  );
  parts.push(chartFigure(chart, t, trace.backend ? t('computedWith', { backend: trace.backend }) : undefined));
  for (const l of trace.lines.filter((x) => x.error !== null)) {
    parts.push(h('p', { class: 'oa-error' }, t('traceError', { name: l.name, error: l.error ?? '' })));
  }
  return h('div', {}, ...parts);
}
