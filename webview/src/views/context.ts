/** What every view function gets: the state, the translator, the chart width and the actions. */
import type { RenderedChart } from '../../../src/charts/chart';
import type { TraceProblem } from '../../../src/core/profile/trace-problems';
import type { EstimateToggles, ViewAction } from '../../../src/webview-protocol';
import { h, trustedMarkup } from '../dom';
import type { Translator } from '../i18n';
import type { Tab, ViewState } from '../state';

export interface Actions {
  selectJob(jobId: string): void;
  setFollowEditor(follow: boolean): void;
  setTab(tab: Tab): void;
  runAction(action: ViewAction): void;
  copySnippet(label: string, text: string): void;
  applyToConfig(optimizer: string): void;
  setToggles(toggles: EstimateToggles): void;
  resetToggles(): void;
  setShowAllBars(all: boolean): void;
  setProfileOptimizers(optimizers: readonly string[]): void;
  runProfile(): void;
  cancelProfile(): void;
  selectProfile(id: string): void;
  setTrace(settings: { problem?: TraceProblem; optimizers?: readonly string[]; steps?: number; lr?: number | null }): void;
  drawPaths(): void;
}

/** Transient (not saved) flags of work in flight and one-line outcomes. */
export interface Busy {
  readonly evaluating: boolean;
  readonly reestimating: boolean;
  readonly tracing: boolean;
  readonly applying: string | null;
  readonly applyOutcome: string | null;
  readonly memoryError: string | null;
}

export interface ViewContext {
  readonly state: ViewState;
  readonly busy: Busy;
  readonly t: Translator;
  /** Width available to charts, CSS pixels. */
  readonly width: number;
  readonly actions: Actions;
}

/** A chart with its title, legend, the SVG and the data table in a disclosure. */
export function chartFigure(chart: RenderedChart, t: Translator, note?: string): HTMLElement {
  return h('figure', { class: 'oa-figure' },
    h('h3', { class: 'oa-figure-title' }, chart.title),
    note ? h('p', { class: 'oa-muted' }, note) : null,
    chart.legend ? trustedMarkup('div', 'oa-legend-wrap', chart.legend) : null,
    trustedMarkup('div', 'oa-chart-wrap', chart.svg),
    h('details', { class: 'oa-data', 'data-key': `data:${chart.title}` }, h('summary', {}, t('dataTable')), trustedMarkup('div', 'oa-table-wrap', chart.table)));
}

/** An empty state drawn inside the view: a title, a sentence, and the action that fills it. */
export function emptyState(title: string, body: string, ...actions: HTMLElement[]): HTMLElement {
  return h('section', { class: 'oa-empty', role: 'region', 'aria-label': title },
    h('h2', {}, title), h('p', {}, body), actions.length ? h('div', { class: 'oa-actions' }, ...actions) : null);
}
