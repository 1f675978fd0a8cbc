/**
 * The Advice tab, answer first (README "The VS Code extension", the Optimizer Advisor view): one block
 * with the top pick, whether it fits and its peak against the budget (when it does not, the cheapest plan
 * that makes it fit, each step with its settings and what it changes in the job), the change to paste in
 * the job's own format with the package that provides it, Copy and Apply (the quick fix's edit, asked
 * first), and the other formats on demand, and
 * the one nearest measured row the ranking attached to it with its source; then a compact ranked
 * table; then, collapsed until opened, each optimizer's evidence rows, rule path with citations,
 * hyperparameters and snippets.
 */
import type { StrategyId } from '../../../src/core/advisor/types';
import type { GpuBudgetView, MeasuredEvidenceView, PasteChangeView, RankedOptimizerView, RecommendationView, StrategyPlanView } from '../../../src/webview-protocol';
import { h, type Child } from '../dom';
import { fitText, formatBytes, formatCount, formatNumber, hyperValueText, listText, warmupText } from '../format';
import type { MessageKey, Translator } from '../i18n';
import { badge, button } from '../ui';
import { emptyState, type ViewContext } from './context';

/** How many ranked optimizers get a detail card before "Other optimizers"; the table lists them all. */
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

// ---- the answer -------------------------------------------------------------------------------------

/** Short names of the advisor's memory strategies (one per core/advisor/types.ts STRATEGY_IDS); an id from a newer host shows as itself. */
const STRATEGY_NAMES: Readonly<Record<StrategyId, MessageKey>> = {
  'gradient-checkpointing': 'strategyCheckpointing',
  '8bit-states': 'strategy8bit',
  'paged-states': 'strategyPaged',
  galore: 'strategyGalore',
  lora: 'strategyLora',
  qlora: 'strategyQlora',
  'zero-1': 'strategyZero1',
  'zero-2': 'strategyZero2',
  'zero-3': 'strategyZero3',
  'cpu-offload': 'strategyOffload',
  'smaller-micro-batch': 'strategySmallerBatch',
  'freeze-layers': 'strategyFreeze',
};

function strategyName(id: string, t: Translator): string {
  const key = (STRATEGY_NAMES as Readonly<Record<string, MessageKey | undefined>>)[id];
  return key === undefined ? id : t(key);
}

/** " current" and " not recommended" badges after a name, as they apply. */
function withBadges(r: RankedOptimizerView, t: Translator): Child[] {
  return [
    ...(r.current ? [' ', badge(t('current'))] : []),
    ...(r.tier === 'not-recommended' ? [' ', badge(t('notRecommended'), 'bad')] : []),
  ];
}

function fitBadge(fits: boolean | null, t: Translator): HTMLElement {
  return fits === null ? badge(t('fitUnknown')) : badge(fitText(fits, t), fits ? 'ok' : 'bad');
}

/** "peak 136.1 GiB of 24.0 GiB per GPU" (or without the budget when none is known). */
function peakText(peak: number | null, budget: GpuBudgetView | null, t: Translator): string {
  if (peak === null) return t('noPeak');
  return budget === null ? t('peak', { peak: formatBytes(peak) }) : t('peakOfBudget', { peak: formatBytes(peak), budget: formatBytes(budget.bytesPerGpu) });
}

/** A link to a measured row's source (its tooltip says where in the source), or its name when the source has no address. */
function sourceLink(e: MeasuredEvidenceView, text: string): Child {
  return e.url ? h('a', { href: e.url, title: `${e.cite}, ${e.locator} — ${e.url}` }, text) : text;
}

/**
 * The one row a user can check: the nearest measured row the ranking attached to the pick, its source
 * as the link; without any comparable row, the ranking's own sentence saying so.
 */
function measuredReason(top: RankedOptimizerView, t: Translator): HTMLElement {
  const label = h('strong', {}, t('measuredReason'), ' ');
  const row = top.evidence[0];
  if (row === undefined) {
    const sentence = top.reasons.find((r) => r.rule === 'measured')?.text ?? '';
    return h('p', { class: 'oa-answer-why' }, label, h('span', { class: 'oa-muted' }, sentence));
  }
  // The row's text opens with its source's name (core describeRow): that name becomes the link.
  const body: Child[] = row.text.startsWith(row.cite)
    ? [sourceLink(row, row.cite), row.text.slice(row.cite.length)]
    : [row.text, ' — ', sourceLink(row, row.cite)];
  // Where in the source is the link's tooltip and in the pick's evidence rows below, so the answer stays one screen.
  return h('p', { class: 'oa-answer-why' }, label, ...body);
}

/** "Needs transformers, galore-torch; transformers ≥ 4.39.0", its source as the tooltip. */
function needsLine(c: PasteChangeView, t: Translator): HTMLElement {
  const first = c.package.split(', ')[0] ?? c.package;
  return h('p', { class: 'oa-paste-needs oa-muted', title: c.source },
    c.minVersion === null ? t('pasteNeeds', { packages: c.package }) : t('pasteNeedsVersion', { packages: c.package, package: first, version: c.minVersion }));
}

function copyButton(c: PasteChangeView, name: string, ctx: ViewContext, label: string, appearance?: 'secondary'): HTMLElement {
  return button({
    label,
    ...(appearance ? { appearance } : {}),
    ariaLabel: ctx.t('copyAria', { label: c.label, name }),
    onClick: () => ctx.actions.copySnippet(c.label, c.code),
  });
}

/** The change in the formats other than the job's own, closed until opened. */
function otherFormats(top: RankedOptimizerView, ctx: ViewContext): HTMLElement | null {
  const { t } = ctx;
  const others = top.paste.slice(1);
  if (others.length === 0) return null;
  return h('details', { class: 'oa-paste-formats', 'data-key': `paste:${top.optimizer}` },
    // The count, not the names, so the summary stays one line at the default side-bar width (the names are in its
    // tooltip and in the headings it opens).
    h('summary', { title: others.map((c) => c.label).join(', ') }, t('pasteOtherFormats', { count: String(others.length) })),
    ...others.map((c) => h('div', { class: 'oa-paste-format', 'data-format': c.format },
      h('h4', {}, c.label),
      needsLine(c, t),
      h('pre', { class: 'oa-paste-other', tabindex: 0, role: 'region', 'aria-label': t('pasteTitle', { label: c.label }) },
        h('code', { class: `language-${c.language}` }, c.code)),
      h('div', { class: 'oa-actions' }, copyButton(c, top.name, ctx, t('copy', { label: c.label }), 'secondary')))));
}

/** The change to paste in the job's own format (core pasteChanges, as `recommend` gives it), with Copy and Apply; the other formats on demand. */
function pasteBlock(top: RankedOptimizerView, rec: RecommendationView, ctx: ViewContext): HTMLElement {
  const { t } = ctx;
  const paste = top.paste[0];
  const actions: HTMLElement[] = [];
  if (paste) actions.push(copyButton(paste, top.name, ctx, t('copyShort')));
  if (rec.canApply) {
    actions.push(button({
      label: t('apply'),
      appearance: paste ? 'secondary' : 'primary',
      ariaLabel: t('applyAria', { name: top.name }),
      disabled: ctx.busy.applying === top.optimizer || top.current,
      onClick: () => ctx.actions.applyToConfig(top.optimizer),
    }));
  }
  return h('div', { class: 'oa-paste' },
    h('h3', { class: 'oa-paste-title' }, paste ? t('pasteTitle', { label: paste.label }) : t('pasteNone', { name: top.name })),
    paste ? needsLine(paste, t) : null,
    paste ? h('pre', { class: 'oa-paste-code', tabindex: 0, role: 'region', 'aria-label': t('pasteTitle', { label: paste.label }) },
      h('code', { class: `language-${paste.language}` }, paste.code)) : null,
    // The other formats' disclosure sits beside Copy and Apply (one line less on the first screen); opened, it takes the row below.
    h('div', { class: 'oa-actions' }, ...actions, otherFormats(top, ctx)),
    rec.canApply ? null : h('p', { class: 'oa-muted' }, t('applyNotPossible')),
    ctx.busy.applyOutcome ? h('p', { class: 'oa-status', role: 'status' }, ctx.busy.applyOutcome) : null);
}

/** The plan's steps: each strategy with its settings (the core's words) and what it changes in the job. */
function planSteps(plan: StrategyPlanView, t: Translator, cls: string, focusable = false): HTMLElement {
  return h('ol', { class: cls, ...(focusable ? { tabindex: 0, 'aria-label': t('planTitle') } : {}) }, ...plan.steps.map((s) => h('li', {},
    // The core's text opens with the strategy's own name ("QLoRA: load ...", "Turn on gradient checkpointing ...").
    h('span', { class: 'oa-plan-text', 'data-strategy': s.id }, t('planStep', { text: s.text, peak: formatBytes(s.peakBytes) })),
    s.changes ? h('div', { class: 'oa-plan-changes oa-muted' }, t('planChanges', { text: s.changes })) : null)));
}

/** The plan is led with in the answer when it was computed for the pick and the pick does not fit without it. */
function planLeads(top: RankedOptimizerView, rec: RecommendationView): boolean {
  const plan = rec.plan;
  return plan !== null && plan.optimizer === top.optimizer && top.fits === false && plan.steps.length > 0;
}

/** The answer: what to use, whether it fits, what to paste, and why (one measured row). */
function answerBlock(top: RankedOptimizerView, rec: RecommendationView, ctx: ViewContext): HTMLElement {
  const { t } = ctx;
  const budget = rec.budget ?? ctx.state.budget;
  const plan = rec.plan;
  // Nothing fits as the job is set up: the cheapest plan that makes the pick fit, each step with its settings and what it changes.
  const planPart = plan !== null && planLeads(top, rec)
    ? [h('p', { class: 'oa-answer-plan' },
      t('answerPlan', {
        steps: plan.steps.map((s) => strategyName(s.id, t)).join(' + '),
        peak: peakText(plan.peakBytes, budget, t),
      }), ' ', fitBadge(plan.fits, t)),
    planSteps(plan, t, 'oa-answer-steps', true)]
    : [];
  return h('section', { class: 'oa-answer', 'aria-labelledby': 'oa-answer-title' },
    h('h2', { id: 'oa-answer-title', class: 'oa-answer-title' }, t('topPick', { name: top.name })),
    h('p', { class: 'oa-answer-fit' }, fitBadge(top.fits, t), ' ', peakText(top.peakBytes, budget, t),
      ...withBadges(top, t)),
    ...planPart,
    pasteBlock(top, rec, ctx),
    measuredReason(top, t));
}

// ---- the ranked table ---------------------------------------------------------------------------------

function fitWord(fits: boolean | null, t: Translator): string {
  return fits === null ? t('fitUnknownShort') : fits ? t('fitYes') : t('fitNo');
}

function rankTable(rec: RecommendationView, ctx: ViewContext): HTMLElement {
  const { t } = ctx;
  return h('table', { class: 'oa-rank-table' },
    h('caption', { class: 'oa-visually-hidden' }, t('ranked')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', class: 'oa-num' }, '#'),
      h('th', { scope: 'col' }, t('optimizerCol')),
      h('th', { scope: 'col' }, t('fitsCol')),
      h('th', { scope: 'col', class: 'oa-num' }, t('peakCol')))),
    h('tbody', {}, ...rec.ranked.map((r) => h('tr', { class: r.fits === false ? 'oa-row-bad' : '' },
      h('td', { class: 'oa-num oa-rank' }, String(r.rank)),
      h('th', { scope: 'row' }, r.name, ...withBadges(r, t)),
      h('td', { class: r.fits === false ? 'oa-error' : '' }, fitWord(r.fits, t)),
      h('td', { class: 'oa-num' }, r.peakBytes === null ? '—' : formatBytes(r.peakBytes))))));
}

// ---- details on demand --------------------------------------------------------------------------------

function summaryLine(r: RankedOptimizerView, t: Translator): HTMLElement {
  return h('span', { class: 'oa-summary-line' },
    h('span', { class: 'oa-rank' }, `${r.rank}.`),
    h('strong', {}, r.name),
    fitBadge(r.fits, t),
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

/** The measured rows behind an optimizer's place, each with its source, where in it, and its own words. */
function evidenceList(r: RankedOptimizerView, t: Translator): HTMLElement | null {
  if (r.evidence.length === 0) return null;
  return h('ol', { class: 'oa-evidence' }, ...r.evidence.map((e) =>
    h('li', {},
      e.text,
      h('div', { class: 'oa-sources' }, sourceLink(e, e.cite), `, ${e.locator} · `, t('similarity', { value: formatNumber(e.similarity, 2) })),
      e.excerpt ? h('blockquote', { class: 'oa-quote' }, e.excerpt) : null)));
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

function card(r: RankedOptimizerView, rec: RecommendationView, ctx: ViewContext): HTMLElement {
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
  const evidence = evidenceList(r, t);
  return h('details', { class: 'oa-card', 'data-key': `card:${r.optimizer}` },
    h('summary', {}, summaryLine(r, t)),
    h('div', { class: 'oa-card-body' },
      evidence ? h('h4', {}, t('evidenceTitle')) : null, evidence,
      h('h4', {}, t('why')), reasonsList(r),
      h('h4', {}, t('hyperparameters')), hyperTable(r, t),
      snippetBlock(r, ctx),
      h('div', { class: 'oa-actions' }, apply)));
}

export function adviceView(ctx: ViewContext): HTMLElement {
  const { t, state } = ctx;
  const ev = state.evaluation;
  const parts: (HTMLElement | null)[] = [];
  // Without a budget, fits are unknown: say so (with the action that sets one) before the answer.
  if (state.budget === null) parts.push(budgetBanner(ctx));
  if (!ev) return h('div', {}, ...parts);
  const rec = ev.recommendation;
  const top = rec.ranked[0];
  if (top) parts.push(answerBlock(top, rec, ctx));
  if (state.budget !== null) parts.push(budgetBanner(ctx));
  parts.push(h('p', { class: 'oa-model-line' },
    t('modelLine', { model: rec.model.label, params: formatCount(rec.model.params), trainable: formatCount(rec.model.trainableParams) })));

  parts.push(h('h3', {}, t('ranked')));
  parts.push(rankTable(rec, ctx));
  // A plan the answer did not lead with (computed for another optimizer, or the pick fits without it) is listed here.
  if (rec.plan && rec.plan.steps.length && !(top && planLeads(top, rec))) {
    parts.push(h('section', { class: 'oa-plan', 'aria-label': t('planTitle') },
      h('h3', {}, t('planTitle')),
      planSteps(rec.plan, t, 'oa-plan-steps'),
      h('p', {}, t('planResult', { peak: formatBytes(rec.plan.peakBytes), fit: fitText(rec.plan.fits, t) }))));
  }

  // Everything below opens on demand: per optimizer its evidence, rule path with citations, hyperparameters and snippets.
  parts.push(h('h3', {}, t('detailsTitle')));
  parts.push(h('div', { class: 'oa-cards' }, ...rec.ranked.slice(0, CARDS).map((r) => card(r, rec, ctx))));
  if (rec.ranked.length > CARDS) {
    parts.push(h('details', { class: 'oa-more', 'data-key': 'more' },
      h('summary', {}, t('moreOptimizers', { count: rec.ranked.length - CARDS })),
      h('div', { class: 'oa-cards' }, ...rec.ranked.slice(CARDS).map((r) => card(r, rec, ctx)))));
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
