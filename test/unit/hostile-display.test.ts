/**
 * Every string from a workspace is escaped where it is shown (README: Reliability; the audit's defect 5 and
 * 4): a hostile corpus (HTML, Markdown links and images, entities, control characters, terminal
 * escapes, bidi overrides, icon syntax, very long strings) goes through the hover Markdown, the
 * CodeLens title and tooltip, and the diagnostics. Markdown is rendered by markdown-it (an
 * independent CommonMark renderer, with HTML on: stricter than VS Code's hover) and the resulting
 * HTML is checked for anything that fetches, links outside the catalog's sources or reorders text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as parse5 from 'parse5';
import { runCli } from '../../src/cli/main';
import { renderProfileReport } from '../../src/charts/report';
import { evaluateJob } from '../../src/core/evaluate';
import { scanFiles } from '../../src/core/scan';
import { analyse, type JobOutcome } from '../../src/extension/hints/analysis';
import { resolveBudget } from '../../src/extension/hints/budget';
import { englishTranslate as t } from '../../src/extension/hints/translate';
import { fixtureProfile } from './charts-fixtures';

interface MarkdownIt {
  render(markdown: string): string;
}
const markdownIt = (require('markdown-it') as (options: { html: boolean; linkify: boolean }) => MarkdownIt)({ html: true, linkify: false });

/** The corpus. Each string is a value a cloned repository controls (a folder name, an optimizer spelling). */
export const HOSTILE: readonly string[] = [
  '<img src="https://evil.example/pixel.png" onerror="alert(1)">',
  '![pixel](https://evil.example/pixel.png)',
  '[click me](https://evil.example/login) and <https://evil.example/auto>',
  '&#x21;&#x5b;x&#x5d;(https://evil.example/entity.png)',
  '<script>alert(1)</script><style>*{display:none}</style>',
  '**bold** _em_ `code` # heading | table |',
  'line one\n\n# injected heading\n\n![second](https://evil.example/second.png)',
  '\u001b]8;;https://evil.example/\u0007terminal link\u001b]8;;\u0007\u001b[2J\u001b[31mred',
  'adam\u202ew\u202c \u2066isolate\u2069 \u200fmark',
  '$(zap) $(loading~spin) icon syntax',
  'x'.repeat(20_000),
];

const CONTROL_OR_BIDI = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** HTML rendered from a hover: nothing fetched, no link outside `allowed`, no control or bidi character. */
function assertInertHtml(html: string, allowedHrefs: ReadonlySet<string>, context: string): void {
  assert.doesNotMatch(html, /<(img|script|style|iframe|object|embed|svg|video|audio|source|link|meta|form|input)\b/i, `${context}: no fetching or active element`);
  assert.doesNotMatch(html, /<[^>]*\son[a-z]+\s*=/i, `${context}: no event handler attribute`);
  for (const m of html.matchAll(/<a\s[^>]*href="([^"]*)"/g)) assert.ok(allowedHrefs.has(m[1]), `${context}: link to ${m[1]}`);
  assert.doesNotMatch(html, /<h[1-6]>/, `${context}: no injected heading`);
  assert.doesNotMatch(html, CONTROL_OR_BIDI, `${context}: no control or bidi character`);
}

function hostileWorkspace(value: string, index: number) {
  const folder = `w${index}`;
  const files = [{ path: `${folder}/training_args.json`, text: JSON.stringify({ output_dir: 'o', model_name_or_path: 'gpt2', optim: value, per_device_train_batch_size: 4 }) }];
  const report = scanFiles(files);
  const outcomes = new Map<string, JobOutcome>();
  for (const job of report.jobs) {
    const evaluation = evaluateJob(job, { readText: (p) => files.find((f) => f.path === p)?.text ?? '' }, { gpuMemoryBytes: 24 * 2 ** 30, priority: 'quality', unknownOptimizer: 'ignore' });
    outcomes.set(job.id, { kind: 'evaluated', evaluation });
  }
  // a job that failed with a message quoting the workspace string
  outcomes.set('failed', { kind: 'failed', message: `cannot read ${value}` });
  const failedReport = { ...report, jobs: [...report.jobs, { ...report.jobs[0], id: 'failed' }] };
  const budget = resolveBudget({ gpu: 'custom', gpuMemory: '24GiB', gpuCount: null }, null, t);
  return analyse({ report: failedReport, outcomes, budget, t });
}

test('hover Markdown, CodeLens titles and tooltips, diagnostics: the hostile corpus stays inert text', () => {
  HOSTILE.forEach((value, i) => {
    const hints = hostileWorkspace(value, i);
    assert.ok(hints.hovers.length >= 1, 'the unknown optimizer gets a hover');
    for (const hover of hints.hovers) {
      // the catalog's cited sources are the only links a hover may hold
      const allowed = new Set([...hover.markdown.matchAll(/\]\((https:\/\/[^)\s]+)\)/g)].map((m) => m[1]).filter((u) => !u.includes('evil.example')));
      const html = markdownIt.render(hover.markdown);
      assertInertHtml(html, allowed, `hover for ${JSON.stringify(value.slice(0, 40))}`);
      assert.ok(!html.includes('evil.example/') || !/href="[^"]*evil/.test(html));
      assert.ok(hover.markdown.length < 20_000, 'very long strings are clipped');
    }
    for (const lens of hints.lenses) {
      assert.doesNotMatch(lens.title, /(^|[^\\])\$\(/, 'no icon syntax in a CodeLens title');
      assert.doesNotMatch(lens.title + (lens.tooltip ?? ''), CONTROL_OR_BIDI);
      assert.doesNotMatch(lens.title, /\n/);
      assert.ok(lens.title.length <= 600, `lens title clipped (${lens.title.length})`);
    }
    for (const d of hints.diagnostics) assert.doesNotMatch(d.message, CONTROL_OR_BIDI);
  });
});

test('the audit case: an unknown optimizer spelled as a remote image and a link shows as text', () => {
  const hints = hostileWorkspace('![x](https://evil.example/p.png)[y](https://evil.example/)', 99);
  const hover = hints.hovers[0].markdown;
  const html = markdownIt.render(hover);
  assert.doesNotMatch(html, /<img|href="https:\/\/evil/);
  // the reader still sees what the file says
  assert.match(html, /!\[x\]\(https:\/\/evil\.example\/p\.png\)\[y\]\(https:\/\/evil\.example\/\)/);
});

/** A folder name from a corpus string: no '/', at most 200 bytes (file systems allow 255). */
function folderName(value: string, i: number): string {
  let name = `${i}-${value.replace(/\//g, '_')}`;
  while (Buffer.byteLength(name) > 200) name = name.slice(0, -1);
  return name;
}

test('terminal output (scan, recommend tables and lists, stderr): control and bidi characters in folder names are shown escaped; JSON stays valid', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-hostile-term-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  HOSTILE.forEach((value, i) => {
    const folder = path.join(dir, folderName(value, i));
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'training_args.json'), JSON.stringify({ output_dir: value.slice(0, 300), model_name_or_path: 'gpt2', optim: 'adamw_torch' }));
  });
  const run = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { cwd: dir, out: (x) => (out += x), err: (x) => (err += x) });
    return { code, out, err };
  };
  for (const argv of [['scan', '.'], ['recommend', '.']]) {
    const r = await run(...argv);
    assert.equal(r.code, 0, `${argv.join(' ')}: exit ${r.code} ${r.err}`);
    assert.doesNotMatch(r.out + r.err, CONTROL_OR_BIDI, `${argv[0]}: no raw control or bidi character reaches the terminal`);
    assert.match(r.out, /\\u\{1b\}/, `${argv[0]}: the escape character is shown, not sent`);
  }
  const json = await run('scan', '.', '--json');
  const doc = JSON.parse(json.out) as { findings: { path: string }[] };
  assert.equal(doc.findings.length, HOSTILE.length, 'every hostile folder is scanned, its name kept exactly in JSON');
  assert.ok(doc.findings.some((f) => f.path.includes('\u001b]8;;')));
  // stderr of an error naming a hostile file stays one line
  const missing = await run('params', `${folderName(HOSTILE[6], 6)}/nothing.json`);
  assert.equal(missing.code, 2);
  assert.equal(missing.err.trim().split('\n').length, 1, missing.err);
});

test('the HTML profile report (the CLI report.html and the webview export): hostile job and model names stay text (parsed with parse5)', () => {
  for (const value of HOSTILE) {
    const html = renderProfileReport({ ...fixtureProfile(), job: { id: value, model: value } });
    const tree = parse5.parse(html);
    const tags = new Set<string>();
    const hrefs: string[] = [];
    const walk = (node: Parse5Node): void => {
      if (node.tagName !== undefined) {
        tags.add(node.tagName);
        for (const a of node.attrs ?? []) {
          assert.doesNotMatch(a.name, /^on/, 'no event handler');
          if (a.name === 'href' || a.name === 'src') hrefs.push(a.value);
        }
      }
      for (const c of node.childNodes ?? []) walk(c);
      if (node.content) walk(node.content);
    };
    walk(tree as unknown as Parse5Node);
    for (const bad of ['img', 'script', 'iframe', 'link', 'object', 'embed', 'a', 'h1', 'form']) {
      if (bad === 'h1') continue; // the report has its own title heading
      assert.ok(!tags.has(bad), `<${bad}> from ${JSON.stringify(value.slice(0, 30))}`);
    }
    assert.ok(hrefs.every((h) => h.startsWith('#')), `only in-page references: ${hrefs.join(' ')}`);
    assert.ok(!html.includes('evil.example/pixel.png"'), 'no attribute value from the workspace');
  }
});

interface Parse5Node {
  readonly tagName?: string;
  readonly attrs?: readonly { readonly name: string; readonly value: string }[];
  readonly childNodes?: readonly Parse5Node[];
  readonly content?: Parse5Node;
}
