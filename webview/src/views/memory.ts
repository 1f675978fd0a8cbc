/** Memory: toggles that ask the host to re-estimate, and the stacked bars with the budget line. */
import { renderMemoryChart } from '../../../src/charts/render-memory';
import { OFFLOAD_TARGETS, ZERO_STAGES, type OffloadTarget, type ZeroStage } from '../../../src/core/memory/types';
import { LOAD_DTYPES, PRECISIONS } from '../../../src/core/types';
import { ADAPTERS, TOGGLE_LIMITS, type EstimateToggles } from '../../../src/webview-protocol';
import { h } from '../dom';
import { checkbox, dropdown, spinner, textField, button, type Choice } from '../ui';
import { parseWholeNumber } from '../state';
import { budgetBanner } from './advice';
import { chartFigure, type ViewContext } from './context';

/** Bars shown before "Show all optimizers". */
const DEFAULT_BARS = 6;

function numberField(label: string, value: number, max: number, ctx: ViewContext, apply: (n: number) => EstimateToggles): HTMLElement {
  return textField({
    label,
    value: String(value),
    onCommit: (text) => {
      const n = parseWholeNumber(text, 1, max);
      if (n === null) return ctx.t('invalidNumber', { min: 1, max });
      ctx.actions.setToggles(apply(n));
      return null;
    },
  });
}

function toggles(ctx: ViewContext, tg: EstimateToggles): HTMLElement {
  const { t } = ctx;
  const set = (patch: Partial<EstimateToggles>): void => ctx.actions.setToggles({ ...tg, ...patch });
  const adapterLabels: Readonly<Record<(typeof ADAPTERS)[number], string>> = { none: t('adapterNone'), lora: t('adapterLora'), qlora: t('adapterQlora') };
  const offloadLabels: Readonly<Record<OffloadTarget, string>> = { none: t('offloadNone'), optimizer: t('offloadOptimizer'), params: t('offloadParams') };
  const fields: (HTMLElement | null)[] = [
    dropdown({ label: t('precision'), value: tg.precision, choices: PRECISIONS.map((p) => ({ value: p, label: p })), onChange: (precision) => set({ precision }) }),
    numberField(t('batchSize'), tg.batchSize, TOGGLE_LIMITS.maxBatchSize, ctx, (batchSize) => ({ ...tg, batchSize })),
    tg.seqLen === null ? null : numberField(t('seqLen'), tg.seqLen, TOGGLE_LIMITS.maxSeqLen, ctx, (seqLen) => ({ ...tg, seqLen })),
    dropdown({
      label: t('loadDtype'),
      value: tg.loadDtype ?? 'unstated',
      choices: [{ value: 'unstated' as const, label: t('loadDtypeUnstated') }, ...LOAD_DTYPES.map((d) => ({ value: d, label: d }))],
      onChange: (v) => set({ loadDtype: v === 'unstated' ? null : v }),
    }),
    dropdown({ label: t('adapter'), value: tg.adapter, choices: ADAPTERS.map((a) => ({ value: a, label: adapterLabels[a] })), onChange: (adapter) => set({ adapter }) }),
    tg.adapter === 'none' ? null : numberField(t('loraRank'), tg.loraRank, TOGGLE_LIMITS.maxLoraRank, ctx, (loraRank) => ({ ...tg, loraRank })),
    dropdown({
      label: t('zeroStage'),
      value: String(tg.zeroStage) as `${ZeroStage}`,
      choices: ZERO_STAGES.map((z): Choice<`${ZeroStage}`> => ({ value: `${z}`, label: z === 0 ? t('zeroNone') : String(z) })),
      onChange: (v) => set({ zeroStage: Number(v) as ZeroStage }),
    }),
    dropdown({ label: t('offload'), value: tg.offload, choices: OFFLOAD_TARGETS.map((o) => ({ value: o, label: offloadLabels[o] })), onChange: (offload) => set({ offload }) }),
    numberField(t('gpus'), tg.gpus, TOGGLE_LIMITS.maxGpus, ctx, (gpus) => ({ ...tg, gpus })),
  ];
  return h('fieldset', { class: 'oa-toggles' },
    h('legend', {}, t('whatIf')),
    h('div', { class: 'oa-toggle-grid' }, ...fields),
    checkbox({ label: t('checkpointing'), checked: tg.gradientCheckpointing, onChange: (gradientCheckpointing) => set({ gradientCheckpointing }) }),
    h('div', { class: 'oa-actions' }, button({ label: t('reset'), appearance: 'secondary', onClick: () => ctx.actions.resetToggles() })));
}

export function memoryPanel(ctx: ViewContext): HTMLElement {
  const { t, state } = ctx;
  const parts: (HTMLElement | null)[] = [state.budget === null ? budgetBanner(ctx) : null];
  const memory = state.memory;
  const tg = state.toggles ?? memory?.toggles ?? null;
  if (!memory || !tg) return h('div', {}, ...parts);
  parts.push(toggles(ctx, tg));
  if (ctx.busy.memoryError) parts.push(h('p', { class: 'oa-error', role: 'alert' }, ctx.busy.memoryError));
  if (ctx.busy.reestimating) parts.push(spinner(t('reestimating')));
  const bars = state.showAllBars ? memory.bars : memory.bars.slice(0, DEFAULT_BARS);
  const chart = renderMemoryChart(
    { bars: bars.map((b) => ({ id: b.optimizer, label: b.name, bytes: b.bytes, error: b.error })), budgetBytes: memory.budgetBytes },
    { id: 'memory-chart', width: ctx.width, strings: t.charts },
  );
  parts.push(chartFigure(chart, t));
  if (memory.bars.length > DEFAULT_BARS) {
    parts.push(checkbox({ label: t('showAllBars'), checked: state.showAllBars, onChange: (all) => ctx.actions.setShowAllBars(all) }));
  }
  if (memory.notes.length) {
    parts.push(h('details', { 'data-key': 'estimator-notes' }, h('summary', {}, t('estimatorNotes')), h('ul', {}, ...memory.notes.map((n) => h('li', {}, n)))));
  }
  return h('div', {}, ...parts);
}
