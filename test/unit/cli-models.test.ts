/**
 * `recommend` over a workspace whose models live elsewhere: a fake Hugging Face cache (HF_HUB_CACHE),
 * a Hub-shaped server on 127.0.0.1 (HF_ENDPOINT), consent (--hub, OPTIMIZER_ADVISOR_HUB) and the
 * offline switches (--offline, HF_HUB_OFFLINE=1). The environment is passed to the CLI, never taken
 * from the machine; no test touches the real network.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TINY = { model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_size: 64, intermediate_size: 128, num_attention_heads: 4, num_hidden_layers: 2, vocab_size: 100, tie_word_embeddings: false };

let server: http.Server;
let endpoint = '';
const requests: string[] = [];
let tmp = '';

before(async () => {
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/hubonly/tiny/resolve/main/config.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(TINY));
      return;
    }
    res.writeHead(404);
    res.end('{}');
  });
  endpoint = await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-cli-models-'));
  // workspace: one job per folder, each naming its model differently
  const ws = path.join(tmp, 'ws');
  const args = (model: string) => JSON.stringify({ model_name_or_path: model, output_dir: 'o', learning_rate: 1e-5, per_device_train_batch_size: 1 });
  for (const [folder, model] of [['cached', 'acme/cached-tiny'], ['hub', 'hubonly/tiny'], ['alias', 'NousResearch/Meta-Llama-3-8B'], ['unknown', 'Qwen/Qwen3-4B-Thinking-2507']]) {
    fs.mkdirSync(path.join(ws, folder), { recursive: true });
    fs.writeFileSync(path.join(ws, folder, 'training_args.json'), args(model));
  }
  // the cache: refs/main -> snapshots/<hash>/config.json
  const repo = path.join(tmp, 'hf', 'models--acme--cached-tiny');
  const hash = 'b'.repeat(40);
  fs.mkdirSync(path.join(repo, 'refs'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'snapshots', hash), { recursive: true });
  fs.writeFileSync(path.join(repo, 'refs', 'main'), hash);
  fs.writeFileSync(path.join(repo, 'snapshots', hash, 'config.json'), JSON.stringify(TINY));
});

after(() => {
  server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { HF_HUB_CACHE: path.join(tmp, 'hf'), HF_HOME: path.join(tmp, 'hf-home'), HF_ENDPOINT: endpoint, XDG_CACHE_HOME: path.join(tmp, `user-cache-${Math.random()}`), ...extra };
}

async function recommend(e: Record<string, string>, ...flags: string[]): Promise<{ code: number; doc: { jobs: { source: string; status: string; model?: { source: { kind: string; location: string } }; reason?: string; assumptions?: string[] }[] }; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['recommend', path.join(tmp, 'ws'), '--gpu-memory', '24GiB', '--json', ...flags], { cwd: ROOT, env: e, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, doc: JSON.parse(out), err };
}

const ajv = new Ajv({ allErrors: true, strict: false });
const schema = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'recommend.schema.json'), 'utf8')));

function byFolder(doc: Awaited<ReturnType<typeof recommend>>['doc']) {
  return Object.fromEntries(doc.jobs.map((j) => [j.source.split('/')[0], j]));
}

test('without consent: cache and alias resolve, the Hub is not asked, the rest needs a model config; JSON printed, exit 3', async () => {
  requests.length = 0;
  const r = await recommend(env());
  assert.equal(r.code, 3, r.err);
  assert.ok(schema(r.doc), ajv.errorsText(schema.errors));
  const jobs = byFolder(r.doc);
  assert.equal(jobs['cached'].model?.source.kind, 'hf-cache');
  assert.match(jobs['cached'].model?.source.location ?? '', /models--acme--cached-tiny\/snapshots\/b{40}\/config\.json$/);
  assert.deepEqual(jobs['alias'].model?.source, { kind: 'preset-alias', location: 'meta-llama/Meta-Llama-3-8B' });
  assert.ok(jobs['alias'].assumptions?.some((a) => a.includes('taken to be the bundled preset meta-llama/Meta-Llama-3-8B')));
  for (const f of ['hub', 'unknown']) {
    assert.equal(jobs[f].status, 'needs a model config');
    assert.match(jobs[f].reason ?? '', /give --hub/);
  }
  assert.deepEqual(requests, []);
});

test('--hub fetches the Hub-only model from HF_ENDPOINT and caches it; the rest still completes', async () => {
  requests.length = 0;
  const e = env();
  const r = await recommend(e, '--hub');
  assert.ok(schema(r.doc), ajv.errorsText(schema.errors));
  const jobs = byFolder(r.doc);
  assert.deepEqual(jobs['hub'].model?.source, { kind: 'hub', location: `${endpoint}/hubonly/tiny/resolve/main/config.json` });
  assert.equal(jobs['unknown'].status, 'needs a model config');
  assert.match(jobs['unknown'].reason ?? '', /is not on the Hub .*HTTP 404/);
  assert.equal(r.code, 3);
  assert.ok(requests.includes('/hubonly/tiny/resolve/main/config.json'));
  assert.ok(!requests.some((u) => u.startsWith('/acme/') || u.startsWith('/meta-llama/')), `cached and preset models are not fetched: ${requests.join(', ')}`);
  // the answer was cached under XDG_CACHE_HOME/optimizer-advisor: a second run needs no request for it
  requests.length = 0;
  const again = await recommend(e, '--hub');
  assert.equal(byFolder(again.doc)['hub'].model?.source.kind, 'hub');
  assert.ok(!requests.includes('/hubonly/tiny/resolve/main/config.json'));
});

test('--offline and HF_HUB_OFFLINE=1 win over --hub and OPTIMIZER_ADVISOR_HUB=1', async () => {
  requests.length = 0;
  for (const [e, flags, why] of [
    [env(), ['--hub', '--offline'], /not asked \(--offline\)/],
    [env({ HF_HUB_OFFLINE: '1' }), ['--hub'], /HF_HUB_OFFLINE/],
    [env({ HF_HUB_OFFLINE: '1', OPTIMIZER_ADVISOR_HUB: '1' }), [], /HF_HUB_OFFLINE/],
  ] as const) {
    const r = await recommend(e, ...flags);
    const hub = byFolder(r.doc)['hub'];
    assert.equal(hub.status, 'needs a model config');
    assert.match(hub.reason ?? '', why);
  }
  assert.deepEqual(requests, []);
  // the env consent alone works
  const consented = await recommend(env({ OPTIMIZER_ADVISOR_HUB: '1' }));
  assert.equal(byFolder(consented.doc)['hub'].model?.source.kind, 'hub');
});

test('text output: a needs-a-model-config job is a section with its reason, not an error line', async () => {
  let out = '';
  const code = await runCli(['recommend', path.join(tmp, 'ws'), '--gpu-memory', '24GiB'], { cwd: ROOT, env: env(), out: (t) => (out += t), err: () => undefined });
  assert.equal(code, 3);
  assert.match(out, /== unknown\/training_args\.json: needs a model config\n {2}model 'Qwen\/Qwen3-4B-Thinking-2507' was not found/);
  assert.match(out, /from preset-alias meta-llama\/Meta-Llama-3-8B/);
});
