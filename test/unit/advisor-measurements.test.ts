import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MEASUREMENT_SOURCES, measuredRows } from '../../src/core/advisor/measurements';
import { isOptimizerId } from '../../src/core/optimizers/registry';

const rows = measuredRows();

/** The ways a source writes a number: 3.276 as "3.2760", 88 as "88.00", 0.7784 as "0.7784". */
function writtenIn(excerpt: string, value: number): boolean {
  const forms = new Set([String(value), value.toFixed(1), value.toFixed(2), value.toFixed(3), value.toFixed(4)]);
  return [...forms].some((f) => excerpt.includes(f));
}

test('every source is cited: title, authors, year, venue, the address it was read at, its url', () => {
  const ids = new Set<string>();
  for (const s of MEASUREMENT_SOURCES) {
    assert.ok(!ids.has(s.id), `duplicate source ${s.id}`);
    ids.add(s.id);
    assert.ok(s.title.length > 0 && s.authors.length > 0 && s.venue.length > 0, s.id);
    assert.ok(s.year >= 2010 && s.year <= 2026, s.id);
    assert.match(s.readAt, /https?:\/\//, s.id);
    assert.match(s.url, /^https?:\/\//, s.id);
    assert.ok(s.rows.length > 0, `${s.id} has no rows`);
    const settingIds = s.settings.map((x) => x.id);
    assert.equal(new Set(settingIds).size, settingIds.length, `${s.id}: duplicate setting ids`);
  }
});

test('every row names an existing catalog optimizer when it has a catalog id, and its key is that id', () => {
  for (const { source, row } of rows) {
    const id = row.optimizer.catalogId;
    if (id === null) {
      assert.ok(!isOptimizerId(row.optimizer.key), `${source.id}: ${row.optimizer.key} is in the catalog but marked catalogId null`);
      continue;
    }
    assert.ok(isOptimizerId(id), `${source.id}: unknown catalog id ${id}`);
    assert.equal(row.optimizer.key, id, `${source.id}: key and catalog id differ`);
  }
});

test('every row has its verbatim excerpt, and a numeric row\'s excerpt shows its number unless a derivation says how it follows', () => {
  for (const { source, row } of rows) {
    assert.ok(row.excerpt.trim().length >= 20, `${source.id}: empty excerpt`);
    if (row.value === null) {
      assert.ok(row.qualitative !== null, `${source.id}: a row needs a value or a qualitative outcome`);
      continue;
    }
    assert.equal(row.qualitative, null);
    assert.ok(Number.isFinite(row.value));
    assert.ok(writtenIn(row.excerpt, row.value) || (row.derivation ?? '').length > 0,
      `${source.id}/${row.setting}/${row.optimizer.key}: ${row.value} is not in the excerpt and has no derivation`);
  }
});

test('every numeric outcome has a reference in its own setting: a reference row or a stated reference value', () => {
  for (const s of MEASUREMENT_SOURCES) {
    for (const setting of s.settings) {
      const inSetting = s.rows.filter((r) => r.setting === setting.id);
      assert.ok(inSetting.length > 0, `${s.id}/${setting.id} has no rows`);
      if (!inSetting.some((r) => r.value !== null)) continue;
      const refRow = inSetting.find((r) => r.optimizer.key === setting.reference && r.value !== null);
      assert.ok(refRow || setting.referenceValue !== null, `${s.id}/${setting.id}: no reference value for ${setting.reference}`);
    }
  }
});

test('the base meets its size goal: at least 15 sources and 100 rows', () => {
  assert.ok(MEASUREMENT_SOURCES.length >= 15, String(MEASUREMENT_SOURCES.length));
  assert.ok(rows.length >= 100, String(rows.length));
});

test('self-reports are the rows for optimizers the source proposes', () => {
  const muonOwn = rows.filter((r) => r.source.id === 'jordan-2024-modded-nanogpt' && r.row.optimizer.key === 'muon');
  assert.ok(muonOwn.length > 0 && muonOwn.every((r) => r.selfReported));
  const soapThere = rows.filter((r) => r.source.id === 'jordan-2024-modded-nanogpt' && r.row.optimizer.key === 'soap');
  assert.ok(soapThere.length > 0 && soapThere.every((r) => !r.selfReported));
});

test('a table row quoted whole gives each column its own cell: the value is the number in that column\'s cell', () => {
  // Li et al. 2024 quotes a LaTeX row ("name & cell & cell \\"), the Apollo README a Markdown row
  // ("| name | cell | cell |"); a setting's position among its table's settings is its column.
  const cases: { source: string; split: (line: string) => string[] }[] = [
    { source: 'li-2024-bocb', split: (l) => l.replace(/\\\\.*$/, '').split('&').slice(1) },
    { source: 'ma-2020-apollo', split: (l) => l.split('|').slice(2, -1) },
    // SAC's C4 table: name & venue & betas & eps, then PPL, memory and time per model size; a setting is a PPL column.
    { source: 'sac-2025-c4', split: (l) => l.replace(/\\\\.*$/, '').split('&').slice(4).filter((_, i) => i % 3 === 0) },
  ];
  for (const { source, split } of cases) {
    const s = MEASUREMENT_SOURCES.find((x) => x.id === source);
    if (!s) assert.fail(`no source ${source}`);
    const tableOf = (locator: string) => locator.replace(/, column .*$/, '');
    for (const row of s.rows) {
      const setting = s.settings.find((x) => x.id === row.setting)!;
      const column: number = s.settings.filter((x) => tableOf(x.locator) === tableOf(setting.locator)).indexOf(setting);
      const line = row.excerpt.split('\n').at(-1)!;
      const cell: string | undefined = split(line)[column];
      assert.ok(cell !== undefined, `${source}/${row.setting}: no column ${column}`);
      const cellValue: number = Number(/(\d+\.\d+)/.exec(cell)?.[1]);
      assert.equal(cellValue, row.value, `${source}/${row.setting}/${row.optimizer.name}`);
    }
  }
});

test('a learning-curve row\'s value is the last number of the list its excerpt quotes (the accuracy after the last epoch)', () => {
  // AdaBelief's and AdaBound's CIFAR-10 rows quote the tail of a pickled `test_acc` list.
  const curveRows = rows.filter((r) => r.row.excerpt.startsWith("'test_acc': [..., "));
  const sources = new Set(curveRows.map((r) => r.source.id));
  assert.ok(sources.has('zhuang-2020-adabelief') && sources.has('luo-2019-adabound'), [...sources].join(', '));
  for (const { source, row } of curveRows) {
    const list = /\[\.\.\., ([\d., ]+)\]$/.exec(row.excerpt);
    assert.ok(list, `${source.id}/${row.setting}: excerpt is not a list tail`);
    const last = Number(list[1]!.split(', ').at(-1));
    assert.equal(row.value, last, `${source.id}/${row.setting}/${row.optimizer.name}`);
  }
});

test('every optimizer a vision source proposes has rows, and no curve setting holds one optimizer twice', () => {
  for (const id of ['zhuang-2020-adabelief', 'luo-2019-adabound', 'heo-2021-adamp', 'xie-2024-adan']) {
    const own = rows.filter((r) => r.source.id === id);
    assert.ok(own.length > 0, id);
    const proposed = new Set(own.filter((r) => r.selfReported).map((r) => r.row.optimizer.key));
    assert.deepEqual([...proposed].sort(), [...own[0]!.source.proposes].sort(), `${id}: a proposed optimizer has no row`);
  }
  const curveSettings = new Map<string, string[]>();
  for (const r of rows.filter((x) => x.row.excerpt.startsWith("'test_acc'"))) {
    const k = `${r.source.id}/${r.setting.id}`;
    curveSettings.set(k, [...(curveSettings.get(k) ?? []), r.row.optimizer.key]);
  }
  for (const [k, keys] of curveSettings) assert.equal(new Set(keys).size, keys.length, `${k}: an optimizer twice`);
});

test('Dahl et al. 2023: each row is the cell of its column in the quoted table line ("inf" a stated "worse")', () => {
  const s = MEASUREMENT_SOURCES.find((x) => x.id === 'dahl-2023-algoperf-baselines');
  if (!s) assert.fail('no source dahl-2023-algoperf-baselines');
  const columnOf = (prefix: string, id: string) => s.settings.filter((x) => x.id.startsWith(`${prefix}-`)).findIndex((x) => x.id === id);
  let checked = 0;
  for (const row of s.rows) {
    const m = /^(time|steps|final|shared)-/.exec(row.setting);
    if (!m) continue;
    const line = row.excerpt.split(' … ').at(-1)!;
    const tokens = line.split(/\s+/);
    let cell: string;
    if (m[1] === 'time' || m[1] === 'steps') {
      // "tuned β1 5622 inf …", "fixed β1 …", "opt-list …": eight cells after the variant's label.
      const cells = tokens.slice(tokens[0] === 'opt-list' ? 1 : 2);
      assert.equal(cells.length, 8, line);
      cell = cells[columnOf(m[1], row.setting)]!;
    } else {
      // "<workload> <per-workload optimal> <overall optimal> <ϕ>".
      cell = tokens.at(m[1] === 'final' ? -3 : -2)!;
    }
    if (cell === 'inf') {
      assert.equal(row.qualitative, 'worse', `${row.setting}/${row.optimizer.name}`);
    } else {
      assert.equal(row.value, Number(cell.replace(/,/g, '')), `${row.setting}/${row.optimizer.name}: ${line}`);
    }
    checked++;
  }
  assert.equal(checked, 15 * 8 + 16 * 8 + 4 * 8 * 2);
});

test('the vision tables quoted as HTML or Markdown: each value is the cell its column names in the quoted line', () => {
  const source = (id: string) => {
    const s = MEASUREMENT_SOURCES.find((x) => x.id === id);
    if (!s) assert.fail(`no source ${id}`);
    return s;
  };
  const cellsOf = (html: string) => [...html.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]!.trim());
  // Dosovitskiy et al. Table 7: "<tr><td>Dataset</td><td>R50 Adam</td><td>R50 SGD</td><td>R152x2 Adam</td><td>R152x2 SGD</td></tr>".
  const vit = source('dosovitskiy-2021-vit');
  for (const row of vit.rows) {
    const cells = cellsOf(row.excerpt.split('\n').at(-1)!);
    assert.equal(cells.length, 5, row.excerpt);
    const column = (row.setting.startsWith('jft-resnet50-') ? 1 : 3) + (row.optimizer.key === 'adam' ? 0 : 1);
    assert.equal(row.value, Number(cells[column]), `${row.setting}/${row.optimizer.name}`);
  }
  // DeepOBS overview tables: the row's third cell is its final test accuracy ("92.34%"), the second its optimizer.
  const deepobs = source('schneider-2019-deepobs');
  for (const row of deepobs.rows) {
    const cells = cellsOf(row.excerpt.split('\n…\n').at(-1)!);
    assert.equal(cells[1], row.optimizer.name, row.excerpt);
    assert.equal(`${row.value}%`, cells[2], row.excerpt);
  }
  // Wightman's Markdown tables: "|optim |best_epoch|train_loss|eval_loss|eval_top1|…".
  const caution = source('wightman-2024-timm-optim-caution');
  assert.equal(caution.rows.length, 8 + 8 + 6);
  for (const row of caution.rows) {
    const cells = row.excerpt.split('\n').at(-1)!.split('|').map((c) => c.trim());
    assert.equal(row.value, Number(cells[5]), row.excerpt);
    const timmName = cells[1]!.split(',')[0]!;
    assert.equal(row.optimizer.name.includes(`\`${timmName}\``), true, `${timmName} is not ${row.optimizer.name}`);
  }
});
