/**
 * The one list of the formats the scanner reads (src/core/scan/formats.ts): it covers every detector, and every text
 * that tells a user what the tool reads — the CLI's `recommend` and `scan` when nothing is found, the extension's "no
 * training jobs" message in English and Chinese (rendered from the l10n bundles), the sidebar's empty state, README's
 * opening paragraph — names every format in it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DETECTORS } from '../../src/core/scan/detectors';
import { NOT_A_FORMAT, RECOGNISED_FORMATS, recognisedFormatList } from '../../src/core/scan/formats';
import { runCli } from '../../src/cli/main';
import { listLanguage, noJobsMessage, type Translate } from '../../src/extension/commands/no-jobs-message';
import { translator } from '../../webview/src/i18n';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const NAMES = RECOGNISED_FORMATS.map((f) => f.name);
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The list's last two names as each language joins them, as a regular expression: the messages end with them. */
const LAST_TWO_EN = `${escapeRegExp(NAMES[NAMES.length - 2]!)}, and ${escapeRegExp(NAMES[NAMES.length - 1]!)}`;
const LAST_TWO_ZH = `${escapeRegExp(NAMES[NAMES.length - 2]!)}和${escapeRegExp(NAMES[NAMES.length - 1]!)}`;

function assertNamesAll(text: string, where: string): void {
  const missing = NAMES.filter((n) => !text.includes(n));
  assert.deepEqual(missing, [], `${where} does not name ${missing.join(', ')}: ${text}`);
}

test('every detector is a format of the list or set aside with a reason; every format is read by something', () => {
  const kinds = DETECTORS.map((d) => d.kind);
  const named = new Set(RECOGNISED_FORMATS.flatMap((f) => f.detectors));
  for (const kind of kinds) assert.ok(named.has(kind) !== Object.prototype.hasOwnProperty.call(NOT_A_FORMAT, kind), `detector ${kind}: in the list xor in NOT_A_FORMAT`);
  for (const kind of [...named, ...Object.keys(NOT_A_FORMAT)]) assert.ok(kinds.includes(kind), `${kind} is no detector's kind`);
  for (const f of RECOGNISED_FORMATS) assert.ok(f.detectors.length + f.launchers.length > 0, `${f.name} is read by nothing`);
  assert.equal(new Set(NAMES).size, NAMES.length);
  // The formats s9 added are there (the extension's message lacked them).
  for (const n of ['litgpt', 'llm-foundry', 'GPT-NeoX', 'llm.c', 'NeMo']) assert.ok(NAMES.includes(n), n);
});

test('the list is joined as each language joins one', () => {
  const en = recognisedFormatList('en');
  assert.ok(en.startsWith('Hugging Face Transformers, DeepSpeed, accelerate, '), en);
  assert.ok(en.endsWith(`, ${NAMES[NAMES.length - 2]}, and ${NAMES[NAMES.length - 1]}`), en);
  const zh = recognisedFormatList('zh-cn');
  assert.ok(zh.startsWith('Hugging Face Transformers、DeepSpeed、accelerate、'), zh);
  assert.ok(zh.endsWith(`${NAMES[NAMES.length - 2]}和${NAMES[NAMES.length - 1]}`), zh);
  assert.equal(recognisedFormatList('not a locale!'), en);
});

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { cwd, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

test('the CLI: recommend and scan on a folder with nothing to read name every format', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-formats-'));
  try {
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'nothing here\n');
    const rec = await cli(dir, 'recommend', '.', '--gpu-memory', '24GiB');
    assert.match(rec.out, new RegExp(`No training jobs found\\.\\n {2}No file is one this tool reads: Python training scripts, notebooks and launch scripts, and the configs and launch commands of Hugging Face Transformers, .*, ${LAST_TWO_EN}\\.\\n`));
    assertNamesAll(rec.out, 'recommend');
    const scan = await cli(dir, 'scan', '.');
    assert.match(scan.out, /\(no model or training configs found; this tool reads Python training scripts, notebooks and launch scripts, and the configs and launch commands of Hugging Face Transformers, /);
    assertNamesAll(scan.out, 'scan');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** vscode.l10n.t over a bundle: the English key itself when the bundle has no entry (as VS Code does), `{n}` filled. */
function bundleTranslate(bundle: Readonly<Record<string, string>>): Translate {
  return (message, ...args) => (bundle[message] ?? message).replace(/\{(\d+)\}/g, (m, i: string) => args[Number(i)] ?? m);
}

test("the extension's no-jobs message names every format, in English and in Chinese", () => {
  const read = (p: string) => JSON.parse(fs.readFileSync(path.join(ROOT, p), 'utf8')) as Record<string, string>;
  const en = noJobsMessage({ t: bundleTranslate(read('l10n/bundle.l10n.json')) }, 'en');
  assertNamesAll(en, 'the English message');
  assert.match(en, new RegExp(`^Optimizer Advisor found no training jobs in this workspace\\. It reads Python training scripts, notebooks and launch scripts, and the configs and launch commands of Hugging Face Transformers, .*, ${LAST_TWO_EN}\\.$`));
  const zh = noJobsMessage({ t: bundleTranslate(read('l10n/bundle.l10n.zh-cn.json')) }, 'zh-cn');
  assertNamesAll(zh, 'the Chinese message');
  assert.match(zh, new RegExp(`^Optimizer Advisor 在工作区中没有找到训练任务。它读取 Python 训练脚本、Notebook 和启动脚本，以及 Hugging Face Transformers、DeepSpeed、.*${LAST_TWO_ZH} 的配置和启动命令。$`));
  // A display language without a bundle shows the English sentence: its list is joined in English too, not German.
  assert.equal(listLanguage({ bundle: undefined }, 'de'), 'en');
  assert.equal(listLanguage({ bundle: {} }, 'zh-cn'), 'zh-cn');
});

test("the sidebar's empty state names every format, in English and in Chinese", () => {
  for (const language of ['en', 'zh-cn']) {
    const t = translator(language);
    assertNamesAll(t('noJobBody', { formats: recognisedFormatList(t.locale) }), `noJobBody (${language})`);
  }
  // app.ts fills the slot from the list, nothing else
  const app = fs.readFileSync(path.join(ROOT, 'webview/src/app.ts'), 'utf8');
  assert.match(app, /t\('noJobBody', \{ formats: recognisedFormatList\(t\.locale\) \}\)/);
});

test("README's opening paragraph names every format", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const opening = readme.slice(readme.indexOf('Which optimizer'), readme.indexOf('It is a VS Code extension'));
  assert.ok(opening.length > 100, 'the opening paragraph is found');
  assertNamesAll(opening, "README's opening paragraph");
});
