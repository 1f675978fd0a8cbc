/**
 * The manifest's `workspaceContains` activation events against real projects' file layouts (README, "The VS Code
 * extension" → "Starts only where there is work"): every setup of test/corpus/ — the paths its SOURCE names in the
 * real repository, e.g. llm-foundry's `scripts/train/yamls/pretrain/gpt2-small.yaml` — starts the extension, and the
 * plain JavaScript and Python projects of test/support/plain-projects.ts do not.
 *
 * Matched as VS Code matches `workspaceContains` (microsoft/vscode at 14c1573cd1462ebf80a4d42962e67cc65baa381f,
 * src/vs/workbench/services/extensions/common/workspaceContains.ts): an event whose text holds no `*` or `?` is a file
 * path looked up from the workspace folder's root; the others go, unexpanded, as the include pattern of a file search
 * (queryBuilder.ts at 02f2a65405553c41bd08d1cc7ee0fe6c8f03d187: `handleIncludeExclude` without `expandPatterns`),
 * which VS Code's glob (src/vs/base/common/glob.ts) tests against each file's whole path relative to the folder:
 * `*` and `?` stay within one name, `**` as a whole path segment spans folders (`**\/` zero or more of them),
 * `{a,b}` takes one of the alternatives, `[!.]` one character other than `.`. A pattern without `/` therefore matches
 * only files at the root. The project's own matcher (src/core/glob.ts) has other rules — a pattern without `/`
 * matches a name at any depth, a match on a folder covers its files, no `[...]` — so this file translates the
 * globs itself. Not modelled: `files.exclude`, `search.exclude` and .gitignore, which only hide files (none of the
 * paths here is under an excluded folder).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORPUS_DIR, loadSetups, parseSource } from '../../bench/corpus';
import { PLAIN_PROJECTS } from '../support/plain-projects';

const ROOT = path.resolve(__dirname, '..', '..', '..');

const EVENTS = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { activationEvents: string[] }).activationEvents
  .filter((e) => e.startsWith('workspaceContains:'))
  .map((e) => e.slice('workspaceContains:'.length));

/** The top-level `,`-separated parts of a brace body (nested braces and brackets kept whole). */
function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** Regular-expression source for a VS Code glob (the rules in the note at the top). */
function globSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    const atSegmentStart = i === 0 || glob[i - 1] === '/';
    if (c === '*' && glob[i + 1] === '*' && atSegmentStart && (i + 2 === glob.length || glob[i + 2] === '/')) {
      if (i + 2 === glob.length) out += '.*';
      else out += '(?:[^/]*/)*';
      i += 2; // past `**` and its `/`
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      assert.ok(end > i, `unclosed [ in ${glob}`);
      const body = glob.slice(i + 1, end);
      out += `[${body.replace(/^[!^]/, '^').replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else if (c === '{') {
      let depth = 0;
      let end = i;
      for (; end < glob.length; end++) {
        if (glob[end] === '{') depth++;
        else if (glob[end] === '}' && --depth === 0) break;
      }
      assert.ok(end < glob.length, `unclosed { in ${glob}`);
      out += `(?:${splitAlternatives(glob.slice(i + 1, end)).map(globSource).join('|')})`;
      i = end;
    } else out += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return out;
}

/** The activation events that fire for a workspace holding `files` (paths relative to its root, `/`-separated). */
function firingEvents(files: readonly string[]): string[] {
  return EVENTS.filter((event) => {
    if (!event.includes('*') && !event.includes('?')) return files.includes(event);
    const re = new RegExp(`^${globSource(event)}$`);
    return files.some((f) => re.test(f));
  });
}

/** The paths a corpus setup's SOURCE names in its repository (`path: a/b.yaml (the launch command)` → `a/b.yaml`). */
function realLayout(setupDir: string): string[] {
  const source = parseSource(fs.readFileSync(path.join(setupDir, 'SOURCE'), 'utf8'));
  return (source.get('path') ?? []).map((p) => p.replace(/\s+\(.*\)$/, '').trim());
}

test('the glob translation follows VS Code: root-only names, ** across folders, braces, [!.]', () => {
  assert.equal(new RegExp(`^${globSource('*.py')}$`).test('a/train.py'), false);
  assert.equal(new RegExp(`^${globSource('**/train*.py')}$`).test('train.py'), true);
  assert.equal(new RegExp(`^${globSource('**/train*.py')}$`).test('a/b/train_gpt2.py'), true);
  assert.equal(new RegExp(`^${globSource('[!.]*/config.{yaml,yml}')}$`).test('.circleci/config.yml'), false);
  assert.equal(new RegExp(`^${globSource('[!.]*/config.{yaml,yml}')}$`).test('mistral/config.yml'), true);
  assert.equal(new RegExp(`^${globSource('**/{a,b*}.json')}$`).test('x/bcd.json'), true);
  assert.deepEqual(firingEvents(['sub/config.yaml']).includes('config.yaml'), false, 'a plain name is a root path');
});

test('every corpus setup starts the extension by workspaceContains on its real file layout', () => {
  const setups = loadSetups(CORPUS_DIR);
  assert.ok(setups.length >= 40, `${setups.length} setups`);
  const silent: string[] = [];
  for (const s of setups) {
    const files = realLayout(s.dir);
    assert.ok(files.length > 0, `${s.name}: SOURCE names no path`);
    if (firingEvents(files).length === 0) silent.push(`${s.name} (${files.join(', ')})`);
  }
  assert.deepEqual(silent, [], `setups that would not start the extension:\n  ${silent.join('\n  ')}`);
});

for (const [name, files] of Object.entries(PLAIN_PROJECTS)) {
  test(`${name}: no workspaceContains event fires`, () => {
    assert.ok(Object.keys(files).length >= 10);
    assert.deepEqual(firingEvents(Object.keys(files)), []);
  });
}
