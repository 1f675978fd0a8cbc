/**
 * The self-contained HTML report of a profile sweep (`optimizer-advisor profile --out DIR`): the same
 * chart renderers as the sidebar, the chart CSS inlined with VS Code's default Light/Dark colours as
 * the theme, no scripts and no external resources.
 */
import type { RenderedChart } from './chart';
import type { ProfileResultDocument } from '../core/profile/profile-types';
import { PROFILE_CHARTS } from './profile-charts';
import { renderMemoryChart, type MemoryChartData } from './render-memory';
import { measuredOnLabel, renderRobustnessTable } from './render-profile-meta';
import { renderTrajectories, type TraceChartData } from './render-trajectories';
import { chartStrings } from './strings';
import { CHART_CSS, REPORT_THEME_CSS } from './styles';
import { escapeHtml } from '../core/display-text';

export interface ReportOptions {
  /** Page title (default: "Optimizer Advisor — profile" plus the job). */
  readonly title?: string;
  /** `en` (default) or `zh-cn`. */
  readonly locale?: string;
  /** Memory bars for the real job, when the caller has the estimates. */
  readonly memory?: MemoryChartData;
  readonly trajectories?: readonly TraceChartData[];
  /** Chart width in pixels (default 640). */
  readonly width?: number;
}

const PAGE_CSS = `
body { margin: 24px auto; max-width: 720px; padding: 0 16px; line-height: 1.45; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; } h2 { font-size: 1.1em; margin-top: 2em; }
.oa-meta { color: var(--vscode-descriptionForeground); margin: 0.2em 0; }
.oa-partial { color: var(--vscode-errorForeground); font-weight: 600; }
details { margin: 6px 0 12px; } summary { cursor: pointer; }
`;

function section(key: string, chart: RenderedChart, dataTable: string): string {
  return (
    `<section aria-labelledby="h-${key}"><h2 id="h-${key}">${escapeHtml(chart.title)}</h2>` +
    `${chart.legend}${chart.svg}<details><summary>${escapeHtml(dataTable)}</summary>${chart.table}</details></section>`
  );
}

export function renderProfileReport(doc: ProfileResultDocument, opts: ReportOptions = {}): string {
  const strings = chartStrings(opts.locale);
  const width = opts.width ?? 640;
  const lang = strings === chartStrings('zh-cn') ? 'zh-CN' : 'en';
  const title = opts.title ?? `Optimizer Advisor — ${doc.job ? doc.job.id : 'profile'}`;
  const meta: string[] = [`<p class="oa-meta">${escapeHtml(measuredOnLabel(doc, strings))}</p>`];
  if (doc.job) meta.push(`<p class="oa-meta">${escapeHtml(`${doc.job.id} · ${doc.job.model}`)}</p>`);
  if (doc.proxy) meta.push(`<p class="oa-meta">${escapeHtml(doc.proxy.description)}</p>`);
  if (doc.createdAt) meta.push(`<p class="oa-meta">${escapeHtml(doc.createdAt)}</p>`);
  if (doc.complete === false) meta.push('<p class="oa-partial">Partial results: the sweep did not finish.</p>');

  const sections = PROFILE_CHARTS.map((c) => section(c.key, c.render(doc, { id: `report-${c.key}`, width, strings }), strings.dataTable));
  if (opts.memory) sections.push(section('memory', renderMemoryChart(opts.memory, { id: 'report-memory', width, strings }), strings.dataTable));
  const robustness = renderRobustnessTable(doc, strings);
  if (robustness) sections.push(`<section aria-labelledby="h-robust"><h2 id="h-robust">${escapeHtml(strings.robustnessTitle)}</h2>${robustness}</section>`);
  (opts.trajectories ?? []).forEach((t, i) => {
    sections.push(section(`trace-${i}`, renderTrajectories(t, { id: `report-trace-${i}`, width: Math.min(width, 420), strings }), strings.dataTable));
  });

  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<title>${escapeHtml(title)}</title><style>${REPORT_THEME_CSS}${CHART_CSS}${PAGE_CSS}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1>${meta.join('')}${sections.join('')}</main></body></html>`
  );
}
