/**
 * The charts' only colours: classes mapped to VS Code theme variables (--vscode-charts-*,
 * --vscode-foreground, ...), so charts follow Light, Dark and High Contrast themes. The fallbacks after
 * each variable are VS Code's Light theme defaults (src/vs/platform/theme/common/colors/*.ts) and apply
 * where no theme defines the variables (the CLI's HTML report, which adds REPORT_THEME_CSS for dark mode).
 * The webview adopts this sheet as a constructed stylesheet; the report inlines it.
 */
export const CHART_CSS = `
.oa-chart, .oa-table, .oa-legend {
  --oa-fg: var(--vscode-charts-foreground, var(--vscode-foreground, #616161));
  --oa-strong: var(--vscode-editor-foreground, var(--vscode-foreground, #333333));
  --oa-muted: var(--vscode-descriptionForeground, #717171);
  --oa-lines: var(--vscode-charts-lines, rgba(97, 97, 97, 0.5));
  --oa-bg: var(--oa-page-bg, var(--vscode-sideBar-background, var(--vscode-editor-background, #ffffff)));
  --oa-border: var(--vscode-contrastBorder, var(--oa-bg));
  --oa-alert: var(--vscode-charts-red, #e51400);
  --oa-error-text: var(--vscode-errorForeground, #a1260d);
  --oa-c0: var(--vscode-charts-blue, #1a85ff);
  --oa-c1: var(--vscode-charts-orange, #d18616);
  --oa-c2: var(--vscode-charts-green, #388a34);
  --oa-c3: var(--vscode-charts-purple, #652d90);
  --oa-c4: var(--vscode-charts-red, #e51400);
  --oa-c5: var(--vscode-charts-yellow, #bf8803);
  --oa-c6: var(--oa-fg);
}
.oa-chart { font-family: var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", sans-serif); font-size: 11px; overflow: visible; display: block; }
.oa-chart text { fill: var(--oa-fg); }
.oa-chart .oa-axis-line, .oa-chart .oa-tick { stroke: var(--oa-fg); stroke-width: 1; opacity: 0.7; }
.oa-chart .oa-grid { stroke: var(--oa-lines); stroke-width: 1; opacity: 0.5; }
.oa-chart .oa-tick-label { fill: var(--oa-muted); font-size: 10px; }
.oa-chart .oa-axis-title { fill: var(--oa-fg); font-size: 11px; }
.oa-chart .oa-caption { fill: var(--oa-muted); font-size: 10px; }
.oa-chart .oa-label { fill: var(--oa-strong); font-size: 10.5px; }
.oa-chart .oa-halo { paint-order: stroke; stroke: var(--oa-bg); stroke-width: 3px; stroke-linejoin: round; }
.oa-chart .oa-fill-0 { fill: var(--oa-c0); } .oa-chart .oa-stroke-0 { stroke: var(--oa-c0); }
.oa-chart .oa-fill-1 { fill: var(--oa-c1); } .oa-chart .oa-stroke-1 { stroke: var(--oa-c1); }
.oa-chart .oa-fill-2 { fill: var(--oa-c2); } .oa-chart .oa-stroke-2 { stroke: var(--oa-c2); }
.oa-chart .oa-fill-3 { fill: var(--oa-c3); } .oa-chart .oa-stroke-3 { stroke: var(--oa-c3); }
.oa-chart .oa-fill-4 { fill: var(--oa-c4); } .oa-chart .oa-stroke-4 { stroke: var(--oa-c4); }
.oa-chart .oa-fill-5 { fill: var(--oa-c5); } .oa-chart .oa-stroke-5 { stroke: var(--oa-c5); }
.oa-chart .oa-fill-6 { fill: var(--oa-c6); } .oa-chart .oa-stroke-6 { stroke: var(--oa-c6); }
.oa-chart text.oa-fill-0, .oa-chart text.oa-fill-1, .oa-chart text.oa-fill-2, .oa-chart text.oa-fill-3,
.oa-chart text.oa-fill-4, .oa-chart text.oa-fill-5, .oa-chart text.oa-fill-6 { font-weight: 600; }

/* memory */
.oa-chart .oa-seg { stroke: var(--oa-border); stroke-width: 1; }
.oa-chart .oa-seg-weights, .oa-legend .oa-seg-weights { fill: var(--oa-c0); background: var(--oa-c0); }
.oa-chart .oa-seg-masterWeights, .oa-legend .oa-seg-masterWeights { fill: var(--oa-c5); background: var(--oa-c5); }
.oa-chart .oa-seg-gradients, .oa-legend .oa-seg-gradients { fill: var(--oa-c3); background: var(--oa-c3); }
.oa-chart .oa-seg-optimizerState, .oa-legend .oa-seg-optimizerState { fill: var(--oa-c1); background: var(--oa-c1); }
.oa-chart .oa-seg-optimizerTemporaries, .oa-legend .oa-seg-optimizerTemporaries { fill: var(--oa-c4); background: var(--oa-c4); }
.oa-chart .oa-seg-activations, .oa-legend .oa-seg-activations { fill: var(--oa-c2); background: var(--oa-c2); }
.oa-chart .oa-seg-overhead, .oa-legend .oa-seg-overhead { fill: var(--oa-muted); background: var(--oa-muted); }
.oa-chart .oa-budget { stroke: var(--oa-alert); stroke-width: 2; stroke-dasharray: 5 3; }
.oa-chart text.oa-budget-label { fill: var(--oa-alert); font-weight: 600; }
.oa-chart text.oa-over { fill: var(--oa-error-text); font-weight: 600; }
.oa-chart .oa-missing { fill: none; stroke: var(--oa-lines); stroke-dasharray: 3 3; }

/* pareto */
.oa-chart .oa-pt { stroke: var(--oa-bg); stroke-width: 1; }
.oa-chart .oa-pt-front { stroke: var(--oa-strong); stroke-width: 2; }
.oa-chart .oa-pt-dominated { opacity: 0.4; }
.oa-chart .oa-pt-incomparable { fill: none; stroke: var(--oa-error-text); stroke-width: 2; }
.oa-chart text.oa-dim { opacity: 0.6; }
.oa-chart .oa-loss-0, .oa-legend .oa-loss-0 { fill: var(--oa-c2); background: var(--oa-c2); }
.oa-chart .oa-loss-1, .oa-legend .oa-loss-1 { fill: var(--oa-c0); background: var(--oa-c0); }
.oa-chart .oa-loss-2, .oa-legend .oa-loss-2 { fill: var(--oa-c1); background: var(--oa-c1); }
.oa-chart .oa-loss-3, .oa-legend .oa-loss-3 { fill: var(--oa-c4); background: var(--oa-c4); }
.oa-chart .oa-front-line { fill: none; stroke: var(--oa-strong); stroke-width: 1; stroke-dasharray: 4 3; opacity: 0.6; }
.oa-chart .oa-pt-proxy-diverged { stroke-dasharray: 2 2; }
.oa-chart .oa-loss-na, .oa-legend .oa-loss-na { fill: var(--oa-muted); background: var(--oa-muted); }
.oa-chart .oa-ref-line { stroke: var(--oa-strong); stroke-width: 1; stroke-dasharray: 4 3; opacity: 0.6; }
.oa-chart .oa-strip-line { stroke: var(--oa-lines); stroke-width: 1; stroke-dasharray: 2 3; }
.oa-chart text.oa-panel-title { fill: var(--oa-strong); font-size: 11px; font-weight: 600; }
.oa-legend.oa-sources { display: block; padding-left: 0; }
.oa-legend.oa-sources li { display: list-item; margin: 2px 0; }

/* curves */
.oa-chart .oa-line { fill: none; stroke-width: 2; stroke-linejoin: round; }
.oa-chart .oa-band { stroke: none; fill-opacity: 0.18; }

/* heat map */
.oa-chart .oa-heat-cell { fill: var(--oa-c0); }
.oa-chart .oa-heat-frame { fill: none; stroke: var(--oa-lines); }
.oa-chart .oa-heat-cross { stroke: var(--oa-error-text); stroke-width: 1.5; }
.oa-chart text.oa-heat-text { fill: var(--oa-strong); font-size: 10px; }

/* trajectories */
.oa-chart .oa-contour { fill: none; stroke: var(--oa-lines); stroke-width: 0.8; }
.oa-chart .oa-plot-frame { fill: none; stroke: var(--oa-lines); }
.oa-chart .oa-path { fill: none; stroke-width: 1.8; stroke-linejoin: round; }
.oa-chart .oa-marker-start { fill: var(--oa-bg); stroke: var(--oa-strong); stroke-width: 1.5; }
.oa-chart .oa-marker-min { fill: none; stroke: var(--oa-strong); stroke-width: 2; }

/* legends and tables (HTML) */
.oa-legend { display: flex; flex-wrap: wrap; gap: 4px 12px; margin: 4px 0; font-size: 11px; color: var(--oa-fg); list-style: none; padding: 0; }
.oa-legend li { display: inline-flex; align-items: center; gap: 4px; }
.oa-legend .oa-swatch { display: inline-block; width: 10px; height: 10px; border: 1px solid var(--oa-border); }
.oa-legend .oa-ring { border-radius: 50%; border: 2px solid var(--oa-strong); background: transparent; }
.oa-legend .oa-ring-alert { border-color: var(--oa-error-text); }
.oa-legend .oa-line-swatch { height: 3px; width: 14px; border: none; }
.oa-legend .oa-bg-0 { background: var(--oa-c0); } .oa-legend .oa-bg-1 { background: var(--oa-c1); }
.oa-legend .oa-bg-2 { background: var(--oa-c2); } .oa-legend .oa-bg-3 { background: var(--oa-c3); }
.oa-legend .oa-bg-4 { background: var(--oa-c4); } .oa-legend .oa-bg-5 { background: var(--oa-c5); }
.oa-legend .oa-bg-6 { background: var(--oa-c6); }
.oa-table { border-collapse: collapse; font-size: 12px; color: var(--vscode-foreground, #616161); margin: 4px 0; }
.oa-table caption { text-align: left; font-weight: 600; padding: 2px 0 4px; }
.oa-table th, .oa-table td { border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, rgba(128, 128, 128, 0.35))); padding: 2px 6px; text-align: right; }
.oa-table th[scope="row"], .oa-table thead th { text-align: left; }
.oa-table td.oa-text, .oa-table-text td { text-align: left; }
body.vscode-high-contrast .oa-chart .oa-grid, body.vscode-high-contrast-light .oa-chart .oa-grid { opacity: 0.8; }
body.vscode-high-contrast .oa-chart .oa-band, body.vscode-high-contrast-light .oa-chart .oa-band { fill-opacity: 0.3; }
@media (forced-colors: active) {
  .oa-chart text { fill: CanvasText; }
  .oa-chart .oa-seg, .oa-chart .oa-pt { stroke: CanvasText; }
}
`;

/**
 * Theme variables for the CLI's self-contained HTML report (no VS Code around it): VS Code's default
 * Light colours, and its Dark defaults under prefers-color-scheme: dark.
 */
export const REPORT_THEME_CSS = `
:root {
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", Ubuntu, sans-serif;
  --vscode-foreground: #616161; --vscode-editor-foreground: #333333; --vscode-descriptionForeground: #717171;
  --vscode-editor-background: #ffffff; --vscode-sideBar-background: #ffffff; --vscode-errorForeground: #a1260d;
  --vscode-charts-foreground: #616161; --vscode-charts-lines: rgba(97, 97, 97, 0.5);
  --vscode-charts-red: #e51400; --vscode-charts-blue: #1a85ff; --vscode-charts-yellow: #bf8803;
  --vscode-charts-orange: #d18616; --vscode-charts-green: #388a34; --vscode-charts-purple: #652d90;
  --vscode-widget-border: rgba(97, 97, 97, 0.35);
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --vscode-foreground: #cccccc; --vscode-editor-foreground: #bbbbbb; --vscode-descriptionForeground: rgba(204, 204, 204, 0.7);
    --vscode-editor-background: #1e1e1e; --vscode-sideBar-background: #1e1e1e; --vscode-errorForeground: #f48771;
    --vscode-charts-foreground: #cccccc; --vscode-charts-lines: rgba(204, 204, 204, 0.5);
    --vscode-charts-red: #f14c4c; --vscode-charts-blue: #3794ff; --vscode-charts-yellow: #cca700;
    --vscode-charts-orange: #d18616; --vscode-charts-green: #89d185; --vscode-charts-purple: #b180d7;
    --vscode-widget-border: rgba(204, 204, 204, 0.3);
  }
}
body { background: var(--vscode-editor-background); color: var(--vscode-foreground); font-family: var(--vscode-font-family); }
`;
