import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EN_CHART_STRINGS, ZH_CN_CHART_STRINGS, chartStrings } from '../../src/charts/strings';
import { format, pickLocale, translator } from '../../webview/src/i18n';
import { EN } from '../../webview/src/l10n/en';
import { ZH_CN } from '../../webview/src/l10n/zh-cn';

const slots = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
const CJK = /[\u4e00-\u9fff]/;

/** Flattens nested string records (chart strings hold component and probe names). */
function flat(o: object, prefix = ''): [string, string][] {
  return Object.entries(o).flatMap(([k, v]): [string, string][] => (typeof v === 'string' ? [[`${prefix}${k}`, v]] : flat(v as object, `${prefix}${k}.`)));
}

test('the view catalogues have the same keys and the same placeholders in each string', () => {
  assert.deepEqual(Object.keys(ZH_CN).sort(), Object.keys(EN).sort());
  for (const [key, en] of Object.entries(EN)) {
    assert.deepEqual(slots(ZH_CN[key as keyof typeof EN]), slots(en), key);
  }
});

test('the chart strings have the same keys and placeholders in both languages', () => {
  const en = new Map(flat(EN_CHART_STRINGS));
  const zh = new Map(flat(ZH_CN_CHART_STRINGS));
  assert.deepEqual([...zh.keys()].sort(), [...en.keys()].sort());
  for (const [k, v] of en) assert.deepEqual(slots(zh.get(k)!), slots(v), k);
});

test('Chinese strings are translations, not English copies (names and symbols aside)', () => {
  // Brand, product and technical names stay as they are in both languages.
  const untranslated = new Set(['appTitle', 'betas', 'eps', 'adapterLora', 'planStep', 'traceError', 'strategyLora', 'strategyQlora', 'strategyGalore']);
  for (const [key, zh] of Object.entries(ZH_CN)) {
    if (untranslated.has(key)) continue;
    assert.match(zh, CJK, `${key}: ${zh}`);
  }
  const chartUntranslated = new Set(['none', 'problems.rosenbrock', 'problems.beale']);
  for (const [key, zh] of flat(ZH_CN_CHART_STRINGS)) {
    if (chartUntranslated.has(key)) continue;
    assert.match(zh, CJK, `${key}: ${zh}`);
  }
});

test('locale choice follows VS Code language ids; anything else is English', () => {
  assert.equal(pickLocale('zh-cn'), 'zh-cn');
  assert.equal(pickLocale('zh-CN'), 'zh-cn');
  assert.equal(pickLocale('zh-hans'), 'zh-cn');
  assert.equal(pickLocale('zh-tw'), 'en'); // Traditional Chinese is not translated
  assert.equal(pickLocale('en'), 'en');
  assert.equal(pickLocale('de'), 'en');
  assert.equal(pickLocale(undefined), 'en');
  assert.equal(chartStrings('zh-CN'), ZH_CN_CHART_STRINGS);
  assert.equal(chartStrings('fr'), EN_CHART_STRINGS);
});

test('the translator fills slots and leaves unknown ones visible', () => {
  const zh = translator('zh-cn');
  assert.equal(zh('progress', { done: 3, total: 48 }), '已完成 3 / 48 次运行');
  assert.equal(zh.charts, ZH_CN_CHART_STRINGS);
  const en = translator('en');
  assert.equal(en('copy', { label: 'PyTorch' }), 'Copy PyTorch');
  assert.equal(format('{a} and {b}', { a: 1 }), '1 and {b}');
});
