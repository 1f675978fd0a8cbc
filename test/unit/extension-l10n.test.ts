/**
 * Localisation and manifest of the extension: every message the editor features pass to
 * vscode.l10n.t has a Simplified Chinese translation with the same placeholders; every `%key%` of
 * package.json is in package.nls.json and package.nls.zh-cn.json; the manifest declares what the README
 * describes (activation by training-config file names, workspace extension kind, limited trust, walkthrough media present,
 * settings enums in step with the code).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIAGNOSTIC_CODES } from '../../src/extension/hints/rules';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (p: string): string => fs.readFileSync(path.join(ROOT, p), 'utf8');
const json = <T>(p: string): T => JSON.parse(read(p)) as T;

/** Source folders of the features this suite covers (the sidebar's host strings included; the webview's own strings have their tests). */
const SOURCES = ['src/extension'];
const EXCLUDED: string[] = [];

function sourceFiles(dir: string): string[] {
  const full = path.join(ROOT, dir);
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (EXCLUDED.includes(rel)) return [];
    if (e.isDirectory()) return sourceFiles(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** First string-literal argument of every `t(` / `l10n.t(` call. */
function messages(): Map<string, string> {
  const found = new Map<string, string>();
  const call = /\b(?:l10n\.)?t\(\s*('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")/g;
  for (const file of SOURCES.flatMap(sourceFiles)) {
    for (const m of read(file).matchAll(call)) {
      const lit = m[1];
      const text = lit.startsWith('"') ? (JSON.parse(lit) as string) : lit.slice(1, -1).replace(/\\(.)/g, '$1');
      found.set(text, file);
    }
  }
  return found;
}

const placeholders = (s: string): string[] => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
const CJK = /[\u4e00-\u9fff]/;

test('every runtime message has a zh-cn translation with the same placeholders', () => {
  const zh = json<Record<string, string>>('l10n/bundle.l10n.zh-cn.json');
  const msgs = messages();
  assert.ok(msgs.size > 50, `found ${msgs.size} messages`);
  for (const [message, file] of msgs) {
    assert.ok(message in zh, `${file}: "${message}" has no zh-cn translation`);
    assert.deepEqual(placeholders(zh[message]), placeholders(message), `placeholders of "${message}"`);
  }
  for (const key of Object.keys(zh)) assert.ok(msgs.has(key), `l10n/bundle.l10n.zh-cn.json has a stale key "${key}"`);
  const untranslated = Object.entries(zh).filter(([k, v]) => !CJK.test(v) && /[a-z]{4,}/.test(k.replace(/Hugging Face Trainer|weight decay|warmup|Optimizer Advisor/g, '')));
  assert.deepEqual(untranslated, [], 'translations are Chinese, not copies');
});

test('package.json %keys% are in package.nls.json and package.nls.zh-cn.json, and nothing else is', () => {
  const keys = new Set([...read('package.json').matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]));
  const en = json<Record<string, string>>('package.nls.json');
  const zh = json<Record<string, string>>('package.nls.zh-cn.json');
  assert.deepEqual(Object.keys(en).sort(), [...keys].sort());
  assert.deepEqual(Object.keys(zh).sort(), [...keys].sort());
  for (const k of keys) {
    if (en[k] !== zh[k] || !/[a-z]{4,}/.test(en[k].replace(/Optimizer Advisor|NVIDIA|GeForce|RTX|Instinct/g, ''))) continue;
    assert.fail(`package.nls.zh-cn.json: "${k}" is not translated`);
  }
});

interface Manifest {
  activationEvents: string[];
  extensionKind: string[];
  l10n: string;
  capabilities: { untrustedWorkspaces: { supported: string | boolean }; virtualWorkspaces: { supported: string | boolean } };
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    configuration: { properties: Record<string, { scope?: string; markdownDescription?: string; items?: { enum?: string[] } }> };
    walkthroughs: { steps: { media: { markdown?: string } }[] }[];
  };
}

test('the manifest: lazy activation, workspace kind, limited trust, commands under one category, settings with scopes', () => {
  const m = json<Manifest>('package.json');
  assert.ok(!m.activationEvents.includes('*'), 'no eager activation');
  assert.ok(m.activationEvents.some((e) => e.startsWith('workspaceContains:')));
  // Activation only where there is work: no event that fires in any JSON/YAML/Python workspace (the
  // code-server test test/vscode/activation.ts checks the real behaviour on plain and example workspaces).
  for (const e of m.activationEvents) {
    assert.ok(!/^(onLanguage|onNotebook|onStartupFinished)\b/.test(e), `${e} activates in workspaces without training configs`);
    assert.ok(!/^workspaceContains:(\*\*\/)?config\.json$/.test(e), `${e} matches most JavaScript projects`);
  }
  assert.deepEqual(m.extensionKind, ['workspace']);
  assert.equal(m.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.ok(m.capabilities.virtualWorkspaces);
  assert.equal(m.l10n, './l10n');
  const ids = m.contributes.commands.map((c) => c.command);
  for (const id of ['recommend', 'estimateMemory', 'scanWorkspace', 'setGpuBudget', 'showLog']) assert.ok(ids.includes(`optimizerAdvisor.${id}`), id);
  for (const c of m.contributes.commands) assert.equal(c.category, '%command.category%');
  for (const [key, prop] of Object.entries(m.contributes.configuration.properties)) {
    assert.ok(prop.scope, `${key} has a scope`);
    assert.ok(prop.markdownDescription?.startsWith('%'), `${key} has a localised description`);
  }
  assert.deepEqual(m.contributes.configuration.properties['optimizerAdvisor.diagnostics.disabledRules'].items?.enum, [...DIAGNOSTIC_CODES]);
  for (const w of m.contributes.walkthroughs) {
    for (const s of w.steps) if (s.media.markdown) assert.ok(fs.existsSync(path.join(ROOT, s.media.markdown)), s.media.markdown);
  }
});

test('the extension bundle does not load TensorFlow.js or the chart code at activation', () => {
  const entry = read('src/extension/extension.ts');
  const imports = (file: string): string[] => [...read(file).matchAll(/from '(\.[^']+)'/g)].map((m) => m[1]);
  // Walk the static imports from the entry point.
  const seen = new Set<string>();
  const queue = ['src/extension/extension.ts'];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of imports(file)) {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const candidate = [`${base}.ts`, `${base}/index.ts`].find((c) => fs.existsSync(path.join(ROOT, c)));
      if (candidate) queue.push(candidate);
    }
  }
  assert.ok(entry.length > 0 && seen.size > 20);
  for (const file of seen) {
    assert.ok(!file.startsWith('src/profiler/') && !file.startsWith('src/charts/'), `${file} is reachable from activate()`);
    assert.doesNotMatch(read(file), /@tensorflow|from 'd3-/, `${file} imports TensorFlow.js or d3`);
  }
});
