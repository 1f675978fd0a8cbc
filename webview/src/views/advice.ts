/** The recommendation card: ranked optimizers with fit and peak, the rule path, hyperparameters, snippets, Apply. */
import type { RankedOptimizerView, RecommendationView } from '../../../src/webview-protocol';
import { h } from '../dom';
import { fitText, formatBytes, formatCount, formatNumber, hyperValueText, listText, warmupText } from '../format';
import type { Translator } from '../i18n';
import { badge, button } from '../ui';
import { emptyState, type ViewContext } from './context';

/** How many ranked optimizers get a full card; the rest are in a table. */
const CARDS = 5;

export function budgetBanner(ctx: ViewContext): HTMLElement {
  const { t } = ctx;
  const b = ctx.state.budget;
  if (b === null) {
    return emptyState(t('noBudgetTitle'), t('noBudgetBody'),
      button({ label: t('setBudget'), onClick: () => ctx.actions.runAction('setGpuBudget') }));
  }
  return h('p', { class: 'oa-budget-line' }, t('budgetLine', { budget: formatBytes(b.bytesPerGpu), gpus: b.gpus, label: b.label }));
}

function summaryLine(r: RankedOptimizerView, t: Translator): HTMLElement {
  const fit = r.fits === null ? badge(t('fitUnknown')) : badge(fitText(r.fits, t), r.fits ? 'ok' : 'bad');
  return h('span', { class: 'oa-summary-line' },
    h('span', { class: 'oa-rank' }, `${r.rank}.`),
    h('strong', {}, r.name),
    fit,
    h('span', { class: 'oa-muted' }, r.peakBytes === null ? t('noPeak') : t('peak', { peak: formatBytes(r.peakBytes) })),
    r.current ? badge(t('current')) : null,
    r.tier === 'not-recommended' ? badge(t('notRecommended'), 'bad') : null);
}

function hyperTable(r: RankedOptimizerView, t: Translator): HTMLElement {
  const hp = r.hyperparameters;
  const rows: [string, string][] = [
    [t('lr'), hp.lr === null ? t('lrSelf') : formatNumber(hp.lr, 4)],
    [t('betas'), listText(hp.betas, t)],
    [t('eps'), listText(hp.eps, t)],
    [t('weightDecay'), formatNumber(hp.weightDecay, 4)],
    [t('warmup'), warmupText(hp.warmup, t)],
    [t('schedule'), hp.schedule.detail || hp.schedule.kind],
    ...Object.entries(hp.extra).map(([k, v]): [string, string] => [k, hyperValueText(v)]),
  ];
  // The job's own values are marked, with a cited rule's suggestion beside them (never replacing them).
  const ownKeys: Record<string, string> = { [t('lr')]: 'lr', [t('betas')]: 'betas', [t('eps')]: 'eps', [t('weightDecay')]: 'weightDecay', [t('warmup')]: 'warmup', [t('schedule')]: 'schedule' };
  const cell = (k: string, v: string): HTMLElement => {
    const field = ownKeys[k];
    const mine = field !== undefined && r.own.includes(field);
    const suggestion = field === undefined ? undefined : r.suggestions.find((s) => s.field === field);
    return h('td', {}, v, mine ? badge(t('yours')) : null, suggestion ? h('div', { class: 'oa-muted' }, t('suggestion', { text: suggestion.text })) : null);
  };
  return h('table', { class: 'oa-kv' },
    h('caption', { class: 'oa-visually-hidden' }, `${t('hyperparameters')}: ${r.name}`),
    h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), cell(k, v)))));
}

function reasonsList(r: RankedOptimizerView): HTMLElement {
  return h('ol', { class: 'oa-reasons' }, ...r.reasons.map((x) =>
    h('li', {}, x.text,
      x.sources.length
        ? h('span', { class: 'oa-sources' }, ' — ', ...x.sources.flatMap((s, i) => [
          i > 0 ? '; ' : '',
          s.url ? h('a', { href: s.url, title: s.url }, s.title) : s.title,
        ]))
        : null)));
}

function snippetBlock(r: RankedOptimizerView, ctx: ViewContext): HTMLElement | null {
  const { t } = ctx;
  if (r.snippets.length === 0) return null;
  return h('div', { class: 'oa-snippets' },
    h('h4', {}, t('snippets')),
    h('div', { class: 'oa-actions' }, ...r.snippets.map((s) =>
      button({
        label: t('copy', { label: s.label }),
        appearance: 'secondary',
        ariaLabel: t('copyAria', { label: s.label, name: r.name }),
        onClick: () => ctx.actions.copySnippet(s.label, s.code),
      }))),
    ...r.snippets.map((s) => h('details', { class: 'oa-code', 'data-key': `code:${r.optimizer}:${s.framework}` }, h('summary', {}, s.label), h('pre', {}, h('code', { class: `language-${s.language}` }, s.code)))));
}

function card(r: RankedOptimizerView, rec: RecommendationView, ctx: ViewContext, open: boolean): HTMLElement {
  const { t } = ctx;
  const applying = ctx.busy.applying === r.optimizer;
  const apply = rec.canApply
    ? button({
      label: t('applyToConfig'),
      ariaLabel: t('applyAria', { name: r.name }),
      disabled: applying || r.current,
      onClick: () => ctx.actions.applyToConfig(r.optimizer),
    })
    : h('p', { class: 'oa-muted' }, t('applyNotPossible'));
  return h('details', { class: 'oa-card', open, 'data-key': `card:${r.optimizer}` },
    h('summary', {}, summaryLine(r, t)),
    h('div', { class: 'oa-card-body' },
      h('h4', {}, t('why')), reasonsList(r),
      h('h4', {}, t('hyperparameters')), hyperTable(r, t),
      snippetBlock(r, ctx),
      h('div', { class: 'oa-actions' }, apply)));
}

export function adviceView(ctx: ViewContext): HTMLElement {
  const { t, state } = ctx;
  const ev = state.evaluation;
  const parts: (HTMLElement | null)[] = [budgetBanner(ctx)];
  if (!ev) return h('div', {}, ...parts);
  const rec = ev.recommendation;
  parts.push(h('p', { class: 'oa-model-line' },
    t('modelLine', { model: rec.model.label, params: formatCount(rec.model.params), trainable: formatCount(rec.model.trainableParams) })));
  if (ctx.busy.applyOutcome) parts.push(h('p', { class: 'oa-status', role: 'status' }, ctx.busy.applyOutcome));

  parts.push(h('h3', {}, t('ranked')));
  const top = rec.ranked.slice(0, CARDS);
  parts.push(h('div', { class: 'oa-cards' }, ...top.map((r, i) => card(r, rec, ctx, i === 0))));
  if (rec.plan && rec.plan.steps.length) {
    parts.push(h('section', { class: 'oa-plan', 'aria-label': t('planTitle') },
      h('h3', {}, t('planTitle')),
      h('ol', {}, ...rec.plan.steps.map((s) => h('li', {}, t('planStep', { text: s.text, peak: formatBytes(s.peakBytes) })))),
      h('p', {}, t('planResult', { peak: formatBytes(rec.plan.peakBytes), fit: fitText(rec.plan.fits, t) }))));
  }
  if (rec.ranked.length > CARDS) {
    parts.push(h('details', { class: 'oa-more', 'data-key': 'more' },
      h('summary', {}, t('moreOptimizers', { count: rec.ranked.length - CARDS })),
      h('div', { class: 'oa-cards' }, ...rec.ranked.slice(CARDS).map((r) => card(r, rec, ctx, false)))));
  }
  if (rec.notes.length) parts.push(h('details', { 'data-key': 'notes' }, h('summary', {}, t('notes')), h('ul', {}, ...rec.notes.map((n) => h('li', {}, n)))));
  if (rec.facts.length) {
    parts.push(h('details', { class: 'oa-facts', 'data-key': 'facts' }, h('summary', {}, t('factsTitle')),
      h('table', { class: 'oa-kv' },
        h('tbody', {}, ...rec.facts.map((f) => h('tr', {},
          h('th', { scope: 'row' }, f.label),
          h('td', {}, f.value),
          h('td', { class: f.assumed ? 'oa-muted' : '' }, f.source)))))));
  }
  if (rec.assumptions.length) parts.push(h('details', { 'data-key': 'assumptions' }, h('summary', {}, t('assumptions')), h('ul', {}, ...rec.assumptions.map((n) => h('li', {}, n)))));
  return h('div', {}, ...parts);
}
