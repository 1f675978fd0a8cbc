/**
 * The charts of a profile document, declared once in the order both places show them: the sidebar's
 * profile view (webview/src/views/profile.ts) and the CLI's HTML report (report.ts) draw this list.
 * Adding a chart of the profile document is its renderer (render-<name>.ts) and a line here; its
 * title and texts go in strings.ts (English and Chinese).
 */
import type { ChartOptions, RenderedChart } from './chart';
import type { ProfileResultDocument } from '../core/profile/profile-types';
import { renderLossCurves } from './render-curves';
import { renderLrHeatmap } from './render-heatmap';
import { renderParetoChart } from './render-pareto';

export interface ProfileChart {
  /** Names the chart's element ids (`<key>-chart` in the sidebar, `report-<key>` in the report). */
  readonly key: string;
  render(doc: ProfileResultDocument, opts: ChartOptions): RenderedChart;
}

export const PROFILE_CHARTS: readonly ProfileChart[] = [
  { key: 'pareto', render: (doc, opts) => renderParetoChart(doc, opts) },
  { key: 'curves', render: (doc, opts) => renderLossCurves(doc, opts) },
  { key: 'heat', render: (doc, opts) => renderLrHeatmap(doc.results, opts) },
];
