/**
 * `optimizer-advisor profile` and `trace` from the command line: JSON that validates against
 * schemas/profile.schema.json, profile.json and a self-contained report.html in --out, exit codes,
 * Ctrl-C keeping what was measured (exit 3), and one-line errors for bad input.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import Ajv from 'ajv';
import { runCli } from '../../src/cli/main';
import { escapeHtml } from '../../src/core/display-text';
import { TRACE_PROBLEM_SPECS } from '../../src/core/profile/trace-problems';
import { sourceFile } from '../reference/python';
import { buildGradientsBundle } from '../reference/tfjs-env';

const ROOT = path.dirname(sourceFile('package.json'));
const MAIN = path.resolve(__dirname, '..', '..', 'src', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-profile-'));
const ajv = new Ajv({ allErrors: true, strict: false });
const validateProfile = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'profile.schema.json'), 'utf8')) as object);

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { cwd: ROOT, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

before(() => {
  buildGradientsBundle();
});

describe('profile', () => {
  test('--json --out: the document validates, profile.json holds it, report.html is self-contained', async () => {
    const out = path.join(tmp, 'small');
    const r = await cli('profile', 'examples/llama2-7b-sft', '--optimizers', 'adamw,lion', '--steps', '3', '--seeds', '1', '--bandwidth-size', '4096', '--real-shapes-seconds', '4', '--gpu', 'a100-80gb', '--out', out, '--json');
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as Record<string, unknown> & { results: Array<{ optimizer: string; runs: unknown[] }>; outcome: string; job: { id: string; model: string } };
    assert.ok(validateProfile(doc), ajv.errorsText(validateProfile.errors));
    assert.equal(doc.outcome, 'completed');
    assert.deepEqual(doc.job, { id: 'training_args.json', model: 'meta-llama/Llama-2-7b-hf' });
    assert.deepEqual(doc.results.map((x) => [x.optimizer, x.runs.length]), [['adamw', 3], ['lion', 3]]);
    // The real-shapes phase: one result per optimizer, each measured or saying why not, next to the estimator's state.
    const rs = doc['realShapes'] as { results: Array<{ optimizer: string; stepMs: unknown; notMeasured?: string; stateBytesEstimated: number | null }>; forwardBackward: { tflops: number } };
    assert.deepEqual(rs.results.map((x) => x.optimizer), ['adamw', 'lion']);
    for (const x of rs.results) assert.ok(x.stepMs !== null || typeof x.notMeasured === 'string', x.optimizer);
    assert.ok(rs.results.every((x) => (x.stateBytesEstimated ?? 0) > 0));
    assert.equal(rs.forwardBackward.tflops, 312);
    const saved = JSON.parse(fs.readFileSync(path.join(out, 'profile.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(saved, doc);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.ok((html.match(/<svg/g) ?? []).length >= 4, 'Pareto, curves, lr sensitivity and memory charts');
    // No scripts, no linked resources; url() only for fragments inside the page (SVG clip paths).
    assert.doesNotMatch(html, /<script|<link|<img|@import|url\((?!#)/i);
    // Every http(s) URL is an SVG namespace, never something to fetch.
    for (const url of html.match(/https?:\/\/[^"'\s)]+/g) ?? []) assert.equal(url, 'http://www.w3.org/2000/svg');
    assert.match(html, /Speed near the limit/);
    assert.match(html, /Measured and modelled/);
    // The Pareto charts' coordinates with their sources: quality from the evidence base (AdamW the reference).
    assert.match(html, /Where each Pareto coordinate comes from/);
    assert.match(html, /the reference: AdamW is 0 by definition/);
    // Step time: at the real shapes for an optimizer the phase measured in its 4 s, else the proxy's, each labelled.
    const measuredReal = ((doc as { realShapes?: { results: { optimizer: string; stepMs: unknown }[] } }).realShapes?.results ?? []).filter((x) => x.stepMs !== null).map((x) => x.optimizer);
    if (measuredReal.length > 0) assert.match(html, /measured at the model’s real tensor shapes \((sampled|extrapolated|whole tensors)\)/);
    if (measuredReal.length < 2) assert.match(html, /proxy model, [\d.]+K params, this machine \((wasm|cpu)\)/);
    const quality = (doc as { evidenceQuality?: { optimizers: Record<string, { basis: string }> } }).evidenceQuality;
    assert.deepEqual(Object.keys(quality?.optimizers ?? {}).sort(), ['adamw', 'lion']);
    assert.equal(quality?.optimizers['adamw']?.basis, 'reference');
  });

  test('human output: a table per optimizer with measured and modelled figures, progress on stderr', async () => {
    const r = await cli('profile', 'examples/bert-sst2', '--optimizers', 'sgd-momentum', '--steps', '2', '--seeds', '1', '--bandwidth-size', '0', '--real-shapes-seconds', '3');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /proxy: encoder transformer proxy of BertForSequenceClassification/);
    assert.match(r.out, /sgd-momentum/);
    // AdamW joins as the reference of the relative step cost.
    assert.match(r.out, /\nadamw /);
    assert.match(r.out, /modelled by the memory estimator for the real job/);
    assert.match(r.out, /quality vs AdamW\*\*/);
    assert.match(r.out, /\nadamw .* 0 \(reference\) /);
    assert.match(r.out, /\*\* published, not measured here: the median outcome vs AdamW over the nearest head-to-head measurements for encoder-lm, fine-tune/);
    assert.match(r.err, /backend: (wasm|cpu)/);
    assert.match(r.out, /Step cost at the real shapes \(measured on this machine; \d+ tensor kinds/);
    assert.match(r.out, /state measured \/ estimator/);
  });

  test('bad input is one line on stderr, exit 2, nothing on stdout', async () => {
    for (const argv of [
      ['profile', 'examples/llama2-7b-sft', '--optimizers', 'galore'],
      ['profile', 'examples/llama2-7b-sft', '--optimizers', 'adamz'],
      ['profile', 'examples/llama2-7b-sft', '--steps', '1'],
      ['profile', 'no-such-folder'],
      ['profile', 'examples/llama2-7b-sft', '--job', 'nope.json'],
    ]) {
      const r = await cli(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
      assert.equal(r.out, '');
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.match(r.err, /^optimizer-advisor profile: /);
    }
  });

  test('Ctrl-C (SIGINT) stops the sweep, keeps every run measured in profile.json and report.html, exit 3', async () => {
    const out = path.join(tmp, 'sigint');
    const child = spawn(process.execPath, [MAIN, 'profile', 'examples/llama2-7b-sft', '--optimizers', 'adamw,lion,sgd-momentum', '--steps', '400', '--bandwidth-size', '0', '--real-shapes-seconds', '0', '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', () => undefined);
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const file = path.join(out, 'profile.json');
    const runsIn = (): number => {
      try {
        const d = JSON.parse(fs.readFileSync(file, 'utf8')) as { results: Array<{ runs: unknown[] }> };
        return d.results.reduce((s, x) => s + x.runs.length, 0);
      } catch {
        return 0;
      }
    };
    const t0 = Date.now();
    while (runsIn() < 1 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    const measured = runsIn();
    assert.ok(measured >= 1, 'a run was saved while the sweep ran');
    const signalled = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    const stopMs = Date.now() - signalled;
    assert.equal(code, 3);
    assert.ok(stopMs < 2000, `exited ${stopMs} ms after SIGINT`);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { outcome: string; complete: boolean; results: Array<{ runs: unknown[] }> };
    assert.equal(doc.outcome, 'cancelled');
    assert.equal(doc.complete, false);
    assert.ok(runsIn() >= measured, 'nothing measured was lost');
    assert.ok(validateProfile(doc), ajv.errorsText(validateProfile.errors));
    assert.ok(fs.existsSync(path.join(out, 'report.html')));
    assert.match(stdout, /partial result: the sweep was cancelled/);
  });

  test('the report escapes what it prints', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('trace', () => {
  test('--json prints steps + 1 points from the start', async () => {
    const r = await cli('trace', '--optimizer', 'adamw', '--problem', 'rosenbrock', '--steps', '10', '--lr', '0.01', '--json');
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as { points: number[][]; backend: { name: string } };
    assert.equal(doc.points.length, 11);
    assert.deepEqual(doc.points[0], [...TRACE_PROBLEM_SPECS.rosenbrock.start].map(Math.fround));
    assert.ok(doc.points.every((p) => p.length === 2 && p.every(Number.isFinite)));
  });

  test('--start moves the start; the human output is a short table', async () => {
    const r = await cli('trace', '--optimizer', 'sgd-momentum', '--problem', 'saddle', '--steps', '40', '--lr', '0.01', '--start', '-0.5,0.25');
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.match(lines[0]!, /sgd-momentum on saddle, 40 steps, lr 0.01, from \(-0.5, 0.25\)/);
    assert.match(r.out, /step +x +y +f\(x, y\)/);
    assert.match(r.out, /\n +0 +-0\.5 +0\.25 +0\.1875\n/);
    assert.match(r.out, /41 points; --json prints all of them/);
    assert.ok(lines.length < 30);
  });

  test('bad input: exit 2 with one line', async () => {
    for (const argv of [
      ['trace', '--optimizer', 'adamw', '--problem', 'himmelblau', '--steps', '5'],
      ['trace', '--optimizer', 'adamw', '--problem', 'beale'],
      ['trace', '--optimizer', 'adamw', '--problem', 'beale', '--steps', '5', '--start', '1'],
      ['trace', '--optimizer', 'galore', '--problem', 'beale', '--steps', '5'],
      ['trace', '--optimizer', 'soap', '--problem', 'rosenbrock'],
    ]) {
      const r = await cli(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
      assert.equal(r.out, '');
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
    }
  });
});
