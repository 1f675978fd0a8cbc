import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textWidth, type RenderedChart } from '../../src/charts/chart';
import { placeLabels } from '../../src/charts/labels';
import { renderLossCurves } from '../../src/charts/render-curves';
import { renderLrHeatmap } from '../../src/charts/render-heatmap';
import { renderMemoryChart } from '../../src/charts/render-memory';
import { renderParetoChart, renderParetoSources } from '../../src/charts/render-pareto';
import { byteAxis, formatNumber } from '../../src/charts/axes';
import { renderRobustnessTable } from '../../src/charts/render-profile-meta';
import { renderTrajectories } from '../../src/charts/render-trajectories';
import { renderProfileReport } from '../../src/charts/report';
import { ZH_CN_CHART_STRINGS } from '../../src/charts/strings';
import { CHART_CSS, REPORT_THEME_CSS } from '../../src/charts/styles';
import { all, byClass, byName, parseXml, textOf, type XmlElement } from './charts-xml';
import { fixtureProfile, fixtureRealShapes } from './charts-fixtures';

const GiB = 2 ** 30;

test('the XML checker itself rejects what is not well-formed', () => {
  assert.throws(() => parseXml('<svg><g></svg>'), /closes <g>/);
  assert.throws(() => parseXml('<svg><g>'), /never closed/);
  assert.throws(() => parseXml('<svg a=1/>'), /not ="quoted"/);
  assert.throws(() => parseXml('<svg a="1" a="2"/>'), /duplicate attribute/);
  assert.throws(() => parseXml('<text>a & b</text>'), /bare '&'/);
  assert.throws(() => parseXml('<a/><b/>'), /second root/);
  assert.equal(textOf(parseXml('<text>a &amp; b &lt;c&gt;</text>')), 'a & b <c>');
});

/** What every chart must be: well-formed, role="img" labelled by its title and desc, colours by class only. */
function checkChart(chart: RenderedChart): XmlElement {
  const svg = parseXml(chart.svg);
  assert.equal(svg.name, 'svg');
  assert.equal(svg.attrs['role'], 'img');
  const [titleId, descId] = (svg.attrs['aria-labelledby'] ?? '').split(' ');
  const title = svg.children[0];
  const desc = svg.children[1];
  assert.equal(title?.name, 'title');
  assert.equal(title?.attrs['id'], titleId);
  assert.equal(desc?.name, 'desc');
  assert.equal(desc?.attrs['id'], descId);
  assert.equal(textOf(title!), chart.title);
  assert.ok(textOf(desc!).length > 40, 'the description says what the chart shows');
  for (const el of all(svg, () => true)) {
    for (const [k, v] of Object.entries(el.attrs)) {
      assert.notEqual(k, 'style', `<${el.name}> has a style attribute (blocked by the webview CSP)`);
      assert.ok(!['fill', 'stroke', 'color', 'stop-color'].includes(k), `<${el.name}> sets ${k}="${v}": colours come from CSS classes`);
      assert.ok(!/#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(/i.test(v) || k === 'd', `<${el.name} ${k}="${v}"> holds a colour`);
    }
  }
  // The text alternative: a well-formed table with a caption and header cells.
  const table = parseXml(chart.table);
  assert.equal(table.name, 'table');
  assert.equal(byName(table, 'caption').length, 1);
  assert.ok(byName(table, 'th').every((th) => th.attrs['scope'] === 'col' || th.attrs['scope'] === 'row'));
  if (chart.legend) parseXml(chart.legend);
  return svg;
}

const rows = (table: string): string[][] =>
  byName(byName(parseXml(table), 'tbody')[0]!, 'tr').map((tr) => tr.children.map(textOf));

test('memory chart: a bar per optimizer, segments as wide as their bytes, the budget line and who does not fit', () => {
  const adamw = { weights: 13 * GiB, masterWeights: 0, gradients: 13 * GiB, optimizerState: 26 * GiB, optimizerTemporaries: 0, activations: 6 * GiB, overhead: 2 * GiB, peak: 60 * GiB };
  const eight = { ...adamw, optimizerState: 6.5 * GiB, peak: 40.5 * GiB };
  const chart = renderMemoryChart(
    { bars: [{ id: 'adamw', label: 'AdamW', bytes: adamw }, { id: 'adamw-8bit', label: 'AdamW 8-bit', bytes: eight }, { id: 'shampoo', label: 'Shampoo', bytes: null, error: 'not modelled' }], budgetBytes: 48 * GiB },
    { id: 'mem', width: 400 },
  );
  const svg = checkChart(chart);
  const segs = byClass(svg, 'oa-seg');
  assert.equal(segs.length, 10); // 5 non-empty components x 2 bars
  // Widths are proportional to bytes: the axis maps 0..60 GiB over the plot, so 26 GiB of AdamW state is 26/13 of its weights.
  const width = (cls: string, n: number) => Number(byClass(svg, cls)[n]!.attrs['width']);
  assert.ok(Math.abs(width('oa-seg-optimizerState', 0) / width('oa-seg-weights', 0) - 2) < 0.01);
  assert.ok(Math.abs(width('oa-seg-optimizerState', 1) / width('oa-seg-weights', 1) - 0.5) < 0.01);
  // The axis runs from the bars' start to width - 62 px (room for the peak label); 0..60 GiB is already
  // nice (step 20), so the 60 GiB AdamW bar spans the whole plot.
  const x0 = Number(byClass(svg, 'oa-seg-weights')[0]!.attrs['x']);
  const total = byClass(svg, 'oa-seg').slice(0, 5).reduce((s, r) => s + Number(r.attrs['width']), 0);
  assert.deepEqual(byteAxis(60 * GiB, [x0, 400 - 62]).domain, [0, 60 * GiB]);
  assert.ok(Math.abs(total - (400 - 62 - x0)) < 0.05, `${total} vs ${400 - 62 - x0}`);
  const labels = byName(svg, 'text').map(textOf);
  assert.ok(labels.includes('budget 48.0 GiB'), labels.join('|'));
  assert.ok(labels.includes('60.0 GiB') && labels.includes('40.5 GiB'));
  assert.equal(byClass(svg, 'oa-over').map(textOf).join(), '60.0 GiB'); // only AdamW is over 48 GiB
  assert.deepEqual(rows(chart.table).map((r) => [r[0], r[r.length - 2], r[r.length - 1]]), [
    ['AdamW', '60.0 GiB', 'no'], ['AdamW 8-bit', '40.5 GiB', 'yes'], ['Shampoo', '—', 'no estimate: not modelled'],
  ]);
  assert.match(chart.description, /budget of 48\.0 GiB; 1 of them do not fit/);
});

test('Pareto charts: two panels sharing the quality axis, front ringed, dominated dimmed, no evidence in the strip, sources in every title', () => {
  const doc = fixtureProfile();
  const chart = renderParetoChart(doc, { id: 'pareto', width: 360 });
  const svg = checkChart(chart);
  const [memory, step] = [byClass(svg, 'oa-panel-memory')[0]!, byClass(svg, 'oa-panel-step')[0]!];
  const idOf = (c: XmlElement) => textOf(byName(c, 'title')[0]!).split('\n')[0];
  // lamb has no modelled memory: 7 of the 8 optimizers in the memory panel, all 8 in the step-time panel.
  assert.deepEqual(byName(memory, 'circle').map(idOf).sort(), ['adafactor', 'adam', 'adamw', 'adamw-8bit', 'lion', 'novograd', 'sgd-momentum']);
  assert.equal(byName(step, 'circle').length, 8);
  for (const panel of [memory, step]) {
    assert.deepEqual(byClass(panel, 'oa-pt-front').map(idOf).sort(), ['adafactor', 'adamw', 'adamw-8bit', 'lion']);
    assert.deepEqual(byClass(panel, 'oa-pt-dominated').map(idOf).sort(), ['adam', 'novograd']);
  }
  assert.deepEqual(byClass(step, 'oa-pt-incomparable').map(idOf).sort(), ['lamb', 'sgd-momentum']);
  // Quality is the y axis of both panels; a point without evidence sits in the strip under the plot, below every other.
  const cy = (panel: XmlElement, id: string) => Number(byName(panel, 'circle').find((c) => idOf(c) === id)!.attrs['cy']);
  for (const panel of [memory, step]) {
    assert.ok(cy(panel, 'adamw') < cy(panel, 'adam'), 'higher quality is drawn higher');
    assert.ok(byName(panel, 'circle').filter((c) => idOf(c) !== 'sgd-momentum').every((c) => Number(c.attrs['cy']) < cy(panel, 'sgd-momentum')));
  }
  assert.ok(Math.abs((cy(memory, 'adamw') - cy(memory, 'lion')) - (cy(step, 'adamw') - cy(step, 'lion'))) < 1e-9, 'the same quality scale in both panels');
  assert.deepEqual(byClass(svg, 'oa-panel-title').map(textOf), ['Quality vs memory per GPU', 'Quality vs step time']);
  assert.ok(byClass(svg, 'oa-caption').some((t) => textOf(t) === 'no measured evidence'));
  // Diverged on the proxy (the secondary signal): grey fill, dashed outline, named in the legend; still on the charts by its quality.
  assert.deepEqual([...new Set(byClass(svg, 'oa-pt-proxy-diverged').map(idOf))], ['novograd']);
  assert.deepEqual([...new Set(byClass(svg, 'oa-loss-na').map(idOf))], ['novograd']);
  assert.match(chart.legend, /oa-loss-na[^<]*<\/span>diverged</);
  // Every point says where each coordinate comes from.
  const lion = textOf(byName(step, 'circle').find((c) => idOf(c) === 'lion')!).split('\n');
  assert.deepEqual(lion.slice(1, 4), [
    'Estimated peak per GPU for your job, modelled: 26.0 GiB — the memory estimator for your job (modelled)',
    'Step time, measured: 3.2 ms (0.8× AdamW) — proxy model, 1.23M params, this machine (wasm)',
    'Quality vs AdamW: −0.1 — median over 2 published sources nearest your job (2 runs; nearest similarity 0.5): Fixture A 2024 (Table 1; −0.2); Fixture B 2025 (Table 1; 0)',
  ]);
  assert.match(lion[4]!, /^Proxy’s final loss \(secondary\): 1\.3/);
  assert.match(textOf(byName(memory, 'circle').find((c) => idOf(c) === 'adam')!), /Dominated by: adamw, lion/);
  // The table: one row per optimizer, memory second (the sidebar's UI test reads it), the sources beside the values.
  const table = rows(chart.table);
  assert.deepEqual(table.map((r) => r[0]), ['adamw', 'adam', 'lion', 'sgd-momentum', 'adamw-8bit', 'adafactor', 'novograd', 'lamb']);
  assert.deepEqual(table.find((r) => r[0] === 'lamb')?.slice(1, 2), ['not modelled']);
  assert.deepEqual(table.find((r) => r[0] === 'sgd-momentum')?.slice(4, 6), ['no measured evidence', 'no measured evidence']);
  assert.equal(table.find((r) => r[0] === 'adam')?.[8], 'adamw, lion');
  assert.equal(table.find((r) => r[0] === 'novograd')?.[6], 'diverged');
  // The legend names each axis's source, and the job the evidence was weighed for.
  const legend = textOf(parseXml(chart.legend));
  assert.match(legend, /Estimated peak per GPU for your job, modelled: the memory estimator for your job \(modelled\)/);
  assert.match(legend, /Step time, measured: proxy model, 1\.23M params, this machine \(wasm\)/);
  assert.match(legend, /Quality vs AdamW: published head-to-head measurements, weighed by their similarity to decoder-lm, fine-tune, 6\.7B parameters; not measured on this machine\./);
  assert.match(chart.description, /On the Pareto front over all three: adamw, lion, adamw-8bit, adafactor\./);
  assert.match(chart.description, /Measured with wasm on Fixture CPU/);
});

test('Pareto charts with real-shape step times: the source is named per point, and mixed sources are said to be apart', () => {
  const doc = { ...fixtureProfile(), realShapes: fixtureRealShapes({ lion: { stepMs: { median: 120, min: 110, max: 135 }, method: 'sampled' } }) };
  const chart = renderParetoChart(doc, { id: 'pareto-real', width: 360 });
  checkChart(chart);
  const table = rows(chart.table);
  assert.deepEqual(table.find((r) => r[0] === 'lion')?.slice(2, 4), ['120 ms', 'measured at the model’s real tensor shapes (sampled); range 110–135 ms']);
  assert.deepEqual(table.find((r) => r[0] === 'adamw')?.slice(2, 4), ['4 ms (1× AdamW)', 'proxy model, 1.23M params, this machine (wasm)']);
  assert.match(textOf(parseXml(chart.legend)), /Step times come from different sources \(real shapes and the proxy\); points of different sources are not compared with each other\./);
});

test('the Pareto sources table: one row per optimizer with every coordinate and its source, all citations', () => {
  const table = rows(renderParetoSources(fixtureProfile()));
  assert.equal(table.length, 8);
  assert.deepEqual(table[0], [
    'adamw',
    '30.0 GiB — the memory estimator for your job (modelled)',
    '4 ms (1× AdamW) — proxy model, 1.23M params, this machine (wasm)',
    '0 — the reference: AdamW is 0 by definition',
    formatNumber(fixtureProfile().results[0]!.finalLoss!, 4),
  ]);
  assert.match(table.find((r) => r[0] === 'lion')![3]!, /Fixture A 2024 \(Table 1; −0\.2\); Fixture B 2025 \(Table 1; 0\)$/);
  const zh = rows(renderParetoSources(fixtureProfile(), ZH_CN_CHART_STRINGS));
  assert.equal(zh[3]![3], '无测量证据');
});

test('in a narrow side bar the axis titles stay inside the chart: the long x title wraps onto two lines', () => {
  for (const strings of [undefined, ZH_CN_CHART_STRINGS]) {
    for (const chart of [renderParetoChart(fixtureProfile(), { id: 'p', width: 240, ...(strings ? { strings } : {}) }), renderLossCurves(fixtureProfile(), { id: 'c', width: 240, ...(strings ? { strings } : {}) })]) {
      const svg = checkChart(chart);
      const width = Number(svg.attrs['width']);
      const height = Number(svg.attrs['height']);
      const titles = byClass(svg, 'oa-axis-title').filter((t) => t.attrs['transform'] === undefined);
      assert.ok(titles.length >= 1);
      for (const t of titles) {
        const half = textWidth(textOf(t)) / 2;
        const x = Number(t.attrs['x']);
        assert.ok(x - half >= 0 && x + half <= width, `"${textOf(t)}" spans ${x - half}..${x + half} of ${width}`);
        assert.ok(Number(t.attrs['y']) <= height - 3, `"${textOf(t)}" baseline inside the ${height} px height`);
      }
    }
  }
  const pareto = checkChart(renderParetoChart(fixtureProfile(), { id: 'p', width: 240 }));
  assert.deepEqual(byClass(pareto, 'oa-axis-title').filter((t) => t.attrs['transform'] === undefined).map(textOf).join(' '), 'Estimated peak per GPU for your job, modelled (GiB) Step time, measured (ms)');
});

test('loss curves: a median line per optimizer, a band where there are several seeds, log y axis', () => {
  const doc = fixtureProfile();
  const chart = renderLossCurves(doc, { id: 'curves', width: 360 });
  const svg = checkChart(chart);
  assert.equal(byClass(svg, 'oa-line').length, 8);
  // novograd diverged everywhere: its document curve is drawn alone, without a band.
  assert.equal(byClass(svg, 'oa-band').length, 7);
  const yLabels = byName(byClass(svg, 'oa-axis-y')[0]!, 'text').map(textOf);
  assert.ok(yLabels.includes('Loss (log scale)'));
  assert.ok(yLabels.includes('1') && yLabels.includes('2'), yLabels.join('|'));
  assert.equal(byName(svg, 'clipPath')[0]?.attrs['id'], 'curves-clip');
});

test('lr heat map: medians in the cells, crosses where the median diverged', () => {
  const doc = fixtureProfile();
  const chart = renderLrHeatmap(doc.results, { id: 'heat', width: 360 });
  const svg = checkChart(chart);
  assert.equal(byClass(svg, 'oa-heat-cell').length, 8 * 3 - 4); // lion x3 and novograd's three columns diverged
  assert.equal(byClass(svg, 'oa-heat-cross').length, 4 * 2);
  const table = rows(chart.table);
  assert.deepEqual(parseXml(chart.table).children[1]!.children[0]!.children.map(textOf), ['Optimizer', '×1/3', '×1', '×3']);
  assert.match(table.find((r) => r[0] === 'lion')?.[3] ?? '', /^diverged \(lr 3e-4\)$/);
});

test('trajectories: contour lines under the paths, start and minimum marked, clipped to the plot', () => {
  const chart = renderTrajectories(
    { problem: 'beale', traces: [{ optimizer: 'Adam', lr: 0.01, points: [[1, 1.5], [1.5, 1.2], [2.5, 0.6]] }, { optimizer: 'SGD', points: [[1, 1.5], [Number.NaN, 0]], divergedAtStep: 1 }] },
    { id: 'paths', width: 320 },
  );
  const svg = checkChart(chart);
  assert.ok(byClass(svg, 'oa-contour').length >= 6);
  assert.equal(byClass(svg, 'oa-path').length, 2);
  assert.equal(byClass(svg, 'oa-marker-start').length, 1);
  assert.equal(byClass(svg, 'oa-marker-min').length, 1);
  assert.match(chart.title, /^Beale/);
  const table = rows(chart.table);
  assert.deepEqual(table[0]?.slice(0, 4), ['Adam', '0.01', '2', '(2.5, 0.6)']);
  assert.equal(table[1]?.[5], 'diverged at step 1');
});

test('Chinese chart words come through the same renderers', () => {
  const chart = renderParetoChart(fixtureProfile(), { id: 'p-zh', width: 320, strings: ZH_CN_CHART_STRINGS });
  const svg = checkChart(chart);
  assert.equal(textOf(byName(svg, 'title')[0]!), '权衡：质量、显存与单步耗时');
  assert.deepEqual(byClass(svg, 'oa-panel-title').map(textOf), ['质量与每块 GPU 显存', '质量与单步耗时']);
  assert.match(chart.description, /测量环境：wasm/);
});

test('chart ids are checked, so they cannot break the markup', () => {
  assert.throws(() => renderParetoChart(fixtureProfile(), { id: 'a" onload="x', width: 300 }), RangeError);
});

test('the robustness table and the self-contained report', () => {
  const doc = fixtureProfile();
  const table = parseXml(renderRobustnessTable(doc));
  assert.deepEqual(byName(table, 'thead')[0]!.children[0]!.children.map(textOf), ['Optimizer', 'Gradients ×1e3', 'NaN/Inf gradients']);
  const html = renderProfileReport(doc);
  assert.ok(!/<script|\bsrc=|\bhref=|@import|url\((?!#)/i.test(html), 'no scripts, no external resources (only in-document url(#id) references)');
  for (const kind of ['oa-chart-pareto', 'oa-chart-curves', 'oa-chart-heatmap']) assert.ok(html.includes(kind), kind);
  assert.match(html, /Measured with wasm on Fixture CPU/);
  const body = html.slice(html.indexOf('<main>'), html.indexOf('</main>') + '</main>'.length);
  parseXml(body);
});

test('chart CSS takes every colour from a theme variable (with a fallback for the CLI report)', () => {
  const decls = [...CHART_CSS.matchAll(/(?:^|[;{\s])(fill|stroke|background|color|border-color)\s*:\s*([^;}]+)/g)];
  assert.ok(decls.length > 30);
  for (const [, prop, value] of decls) {
    assert.ok(/^(var\(--|none|transparent|CanvasText)/.test(value!.trim()), `${prop}: ${value}`);
  }
  const custom = [...CHART_CSS.matchAll(/--oa-c\d:\s*([^;]+);/g)].map((m) => m[1]!);
  assert.equal(custom.length, 7);
  for (const v of custom.slice(0, 6)) assert.match(v, /^var\(--vscode-charts-(blue|orange|green|purple|red|yellow), #[0-9a-f]{6}\)$/);
  assert.match(REPORT_THEME_CSS, /prefers-color-scheme: dark/);
});

test('labels: a required label is placed even where every position is taken; an optional one is dropped', () => {
  const bounds = { x0: 0, y0: 0, x1: 400, y1: 300 };
  // Three points at one place in a plot whose whole area is taken: only the required labels are placed.
  const blocked = [{ x0: 0, y0: 0, x1: 400, y1: 300 }];
  const req = (key: string, required: boolean) => ({ key, x: 200, y: 150, label: key, gap: 8, required });
  const placed = placeLabels([req('front-a', true), req('dominated', false), req('front-b', true)], bounds, blocked);
  assert.deepEqual(placed.map((p) => p.key), ['front-a', 'front-b']);
});
