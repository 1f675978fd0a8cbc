/**
 * Charts shared by the sidebar webview and the CLI's HTML report: data preparation (pure) and SVG /
 * HTML rendering to strings (no DOM). See README.md for why SVG strings from d3 modules.
 */
export * from './axes';
export * from './chart';
export * from './contours';
export * from './memory';
export * from '../core/profile/pareto';
export * from '../core/profile/profile-types';
export { parseProfileDocument } from '../core/profile/profile-validate';
export * from './runs';
export * from './strings';
export { CHART_CSS, REPORT_THEME_CSS } from './styles';
export { renderMemoryChart, memoryLegend, type MemoryChartData } from './render-memory';
export { renderParetoChart, renderParetoSources, paretoChartPoints, lossBins } from './render-pareto';
export { renderLossCurves, seriesLegend, thin } from './render-curves';
export { renderLrHeatmap, heatOpacity } from './render-heatmap';
export { renderTrajectories, type TraceChartData, type TraceLine } from './render-trajectories';
export { machineLabel, measuredOnLabel, shortMeasuredOnLabel, renderRobustnessTable } from './render-profile-meta';
export { PROFILE_CHARTS, type ProfileChart } from './profile-charts';
export { renderProfileReport, type ReportOptions } from './report';
