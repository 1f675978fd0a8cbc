/**
 * Every string from a workspace is escaped where it is shown (issue 19, defect 5 and "What to build"
 * 4): a hostile corpus (HTML, Markdown links and images, entities, control characters, terminal
 * escapes, bidi overrides, icon syntax, very long strings) goes through the hover Markdown, the
 * CodeLens title and tooltip, and the diagnostics. Markdown is rendered by markdown-it (an
 * independent CommonMark renderer, with HTML on: stricter than VS Code's hover) and the resulting
 * HTML is checked for anything that fetches, links outside the catalog's sources or reorders text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateJob } from '../../src/core/evaluate';
import { scanFiles } from '../../src/core/scan';
import { analyse, type JobOutcome } from '../../src/extension/hints/analysis';
import { resolveBudget } from '../../src/extension/hints/budget';
import { englishTranslate as t } from '../../src/extension/hints/translate';

interface MarkdownIt {
  render(markdown: string): string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- markdown-it ships no types; the render call is all we use
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
