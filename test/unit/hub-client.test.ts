/**
 * The Hub client (src/platform/hub-client.ts) against two local HTTP servers on 127.0.0.1: a
 * Hub-shaped endpoint (`/{id}/resolve/{revision}/config.json`) and a second "CDN-like" server that
 * redirects land on. No test touches the real network.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedHubConfig, fetchHubConfig, hubGet, type HubOptions } from '../../src/platform/hub-client';

const CONFIG = { model_type: 'llama', hidden_size: 64, intermediate_size: 128, num_attention_heads: 4, num_hidden_layers: 2, vocab_size: 100, torch_dtype: 'bfloat16' };
const TOKEN = 'hf_test_secret';

interface Seen {
  readonly url: string;
  readonly authorization: string | undefined;
}

let hub: http.Server;
let cdn: http.Server;
let hubUrl = '';
let cdnUrl = '';
const hubSeen: Seen[] = [];
const cdnSeen: Seen[] = [];
const sockets = new Set<import('node:net').Socket>();

function listen(server: http.Server): Promise<string> {
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

before(async () => {
  cdn = http.createServer((req, res) => {
    cdnSeen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...CONFIG, hidden_size: 128 }));
  });
  cdnUrl = await listen(cdn);
  hub = http.createServer((req, res) => {
    const url = req.url ?? '';
    hubSeen.push({ url, authorization: req.headers.authorization });
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };
    if (url.endsWith('/model.safetensors.index.json')) {
      if (url.startsWith('/org/plain/')) return send(200, JSON.stringify({ metadata: { total_size: 12345 }, weight_map: {} }));
      return send(404, '{"error":"Entry not found"}');
    }
    if (url === '/org/plain/resolve/main/config.json') return send(200, JSON.stringify(CONFIG));
    if (url === '/org/moved/resolve/main/config.json') return send(302, '', { location: `${cdnUrl}/blob/abc?sig=1` });
    if (url === '/org/renamed/resolve/main/config.json') return send(307, '', { location: '/org/plain/resolve/main/config.json' });
    if (url === '/org/gated/resolve/main/config.json') return send(req.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401, req.headers.authorization === `Bearer ${TOKEN}` ? JSON.stringify(CONFIG) : '{"error":"Access to model org/gated is restricted"}');
    if (url === '/org/slow/resolve/main/config.json') {
      setTimeout(() => send(200, JSON.stringify(CONFIG)), 3000).unref();
      return;
    }
    if (url === '/org/huge/resolve/main/config.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      // No content-length: the cap must hold while streaming.
      res.write('{"pad": "');
      res.end(`${'x'.repeat(2 * 2 ** 20)}"}`);
      return;
    }
    if (url === '/org/broken/resolve/main/config.json') return send(200, '{"model_type": "llama", "hidden_size": ');
    if (url === '/org/loop/resolve/main/config.json') return send(302, '', { location: '/org/loop/resolve/main/config.json' });
    return send(404, '{"error":"Repository not found"}');
  });
  hubUrl = await listen(hub);
});

after(() => {
  for (const s of sockets) s.destroy();
  hub.close();
  cdn.close();
});

function options(extra: Partial<HubOptions> = {}): HubOptions {
  return { endpoint: hubUrl, tokenHint: 'HF_TOKEN', timeoutMs: 5000, ...extra };
}

test('200: the config text and the index beside it, shown by the resolve URL', async () => {
  const answer = await fetchHubConfig(options(), 'org/plain', 'main');
  assert.equal(answer.kind, 'found');
  if (answer.kind !== 'found') return;
  assert.deepEqual(JSON.parse(answer.config.text), CONFIG);
  assert.equal(answer.config.location, `${hubUrl}/org/plain/resolve/main/config.json`);
  assert.equal(answer.config.index?.location, `${hubUrl}/org/plain/resolve/main/model.safetensors.index.json`);
  assert.deepEqual(JSON.parse(answer.config.index?.text ?? 'null').metadata, { total_size: 12345 });
});

test('the token goes to the endpoint, and is dropped on a redirect to another host', async () => {
  hubSeen.length = 0;
  cdnSeen.length = 0;
  const r = await hubGet(`${hubUrl}/org/moved/resolve/main/config.json`, options({ token: TOKEN }));
  assert.equal(r.kind, 'ok');
  assert.equal(r.kind === 'ok' && JSON.parse(r.text).hidden_size, 128);
  assert.deepEqual(hubSeen.map((s) => s.authorization), [`Bearer ${TOKEN}`]);
  assert.deepEqual(cdnSeen.map((s) => [s.url, s.authorization]), [['/blob/abc?sig=1', undefined]]);
  // a relative redirect stays on the endpoint's host: the token is sent again
  hubSeen.length = 0;
  const renamed = await hubGet(`${hubUrl}/org/renamed/resolve/main/config.json`, options({ token: TOKEN }));
  assert.equal(renamed.kind, 'ok');
  assert.deepEqual(hubSeen.map((s) => [s.url, s.authorization]), [
    ['/org/renamed/resolve/main/config.json', `Bearer ${TOKEN}`],
    ['/org/plain/resolve/main/config.json', `Bearer ${TOKEN}`],
  ]);
});

test('401 says how to give a token; with the token the gated config is read', async () => {
  const refused = await fetchHubConfig(options(), 'org/gated', 'main');
  assert.equal(refused.kind, 'missing');
  assert.match(refused.kind === 'missing' ? refused.reason : '', /HTTP 401.*gated, private, or does not exist.*HF_TOKEN/);
  const allowed = await fetchHubConfig(options({ token: TOKEN }), 'org/gated', 'main');
  assert.equal(allowed.kind, 'found');
});

test('404 says the id is not on the Hub', async () => {
  const answer = await fetchHubConfig(options(), 'org/nothing', 'v2');
  assert.equal(answer.kind, 'missing');
  assert.match(answer.kind === 'missing' ? answer.reason : '', /'org\/nothing' \(revision v2\) is not on the Hub .*HTTP 404/);
});

test('a slow answer times out as offline; a refused connection is offline too', async () => {
  const slow = await fetchHubConfig(options({ timeoutMs: 300 }), 'org/slow', 'main');
  assert.equal(slow.kind, 'missing');
  assert.match(slow.kind === 'missing' ? slow.reason : '', /no answer within .*working offline/);
  // a port nothing listens on (the server is bound and closed again to find one)
  const probe = http.createServer();
  const closedUrl = await new Promise<string>((resolve) => probe.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(probe.address() as AddressInfo).port}`)));
  await new Promise((r) => probe.close(r));
  const down = await fetchHubConfig(options({ endpoint: closedUrl }), 'org/plain', 'main');
  assert.equal(down.kind, 'missing');
  assert.match(down.kind === 'missing' ? down.reason : '', /ECONNREFUSED.*working offline/);
});

test('an answer over the cap is refused; a redirect loop stops', async () => {
  const huge = await fetchHubConfig(options(), 'org/huge', 'main');
  assert.match(huge.kind === 'missing' ? huge.reason : '', /larger than 1,048,576 bytes/);
  const loop = await fetchHubConfig(options(), 'org/loop', 'main');
  assert.match(loop.kind === 'missing' ? loop.reason : '', /more than 5 redirects/);
});

test('malformed JSON is returned as text: the core parser reports it with the URL and position', async () => {
  const { resolveModelSource } = await import('../../src/core/model-source');
  const answer = await fetchHubConfig(options(), 'org/broken', 'main');
  assert.equal(answer.kind, 'found');
  const job = { id: 'j', folder: '.', files: [], settings: {}, sources: {}, defaults: [], pendingLora: null, model: { kind: 'hub-id' as const, id: 'org/broken', path: 'args.json', range: { line: 2, column: 3, endLine: 2, endColumn: 10 } } };
  const r = resolveModelSource(job, { readText: () => '' }, { hub: () => answer });
  assert.equal(r.status, 'needs-config');
  assert.match(r.status === 'needs-config' ? r.reason : '', new RegExp(`${hubUrl.replace(/[.:/]/g, '\\$&')}/org/broken/resolve/main/config.json:1:\\d+`));
});

test('the disk cache answers without a request, is keyed by endpoint, and a stale copy is used when offline', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-hub-cache-'));
  // A Hub of its own, closed halfway to play "offline".
  let requests = 0;
  const own = http.createServer((req, res) => {
    requests++;
    res.writeHead(req.url === '/org/plain/resolve/main/config.json' ? 200 : 404);
    res.end(req.url === '/org/plain/resolve/main/config.json' ? JSON.stringify(CONFIG) : '{}');
  });
  const ownUrl = await new Promise<string>((resolve) => own.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(own.address() as AddressInfo).port}`)));
  const opts = options({ cacheDir: dir, endpoint: ownUrl });
  try {
    assert.equal((await fetchHubConfig(opts, 'org/plain', 'main', 1_000)).kind, 'found');
    const first = requests;
    assert.equal(first, 2, 'config.json and the index');
    assert.equal((await fetchHubConfig(opts, 'org/plain', 'main', 2_000)).kind, 'found');
    assert.equal(requests, first, 'no request for a fresh cached answer');
    assert.equal(cachedHubConfig(options({ cacheDir: dir }), 'org/plain', 'main'), undefined, 'another endpoint has its own cache');
    await new Promise((r) => own.close(r));
    const stale = await fetchHubConfig(opts, 'org/plain', 'main', 1_000 + 8 * 24 * 3600 * 1000);
    assert.equal(stale.kind, 'found', 'stale, the Hub unreachable: the cached copy is used');
  } finally {
    own.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a proxy carries the requests (absolute URL for an http endpoint); NO_PROXY bypasses it', async () => {
  const seen: string[] = [];
  const proxy = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    // Forward the absolute-URL request to the target, as a forward proxy does.
    const target = new URL(req.url ?? '');
    const up = http.request(target, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  const proxyUrl = await new Promise<string>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)));
  try {
    const via = await fetchHubConfig(options({ proxy: proxyUrl }), 'org/plain', 'main');
    assert.equal(via.kind, 'found');
    assert.deepEqual(seen, [`${hubUrl}/org/plain/resolve/main/config.json`, `${hubUrl}/org/plain/resolve/main/model.safetensors.index.json`]);
    seen.length = 0;
    const direct = await fetchHubConfig(options({ proxy: proxyUrl, noProxy: 'example.org, 127.0.0.1' }), 'org/plain', 'main');
    assert.equal(direct.kind, 'found');
    assert.deepEqual(seen, []);
  } finally {
    proxy.close();
  }
});

test('HTTPS through a CONNECT proxy: the tunnel goes to the endpoint, TLS is checked, the token reaches only the endpoint', async () => {
  const tlsDir = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'tls');
  const cert = fs.readFileSync(path.join(tlsDir, 'localhost.crt'), 'utf8');
  const key = fs.readFileSync(path.join(tlsDir, 'localhost.key'), 'utf8');
  const auth: (string | undefined)[] = [];
  const secure = https.createServer({ cert, key }, (req, res) => {
    auth.push(req.headers.authorization);
    res.writeHead(req.url === '/org/plain/resolve/main/config.json' ? 200 : 404);
    res.end(req.url === '/org/plain/resolve/main/config.json' ? JSON.stringify(CONFIG) : '{}');
  });
  const securePort = await new Promise<number>((resolve) => secure.listen(0, '127.0.0.1', () => resolve((secure.address() as AddressInfo).port)));
  const tunnels: string[] = [];
  const proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const proxyUrl = await new Promise<string>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)));
  const endpoint = `https://127.0.0.1:${securePort}`;
  try {
    const ok = await fetchHubConfig({ endpoint, token: TOKEN, tokenHint: 'HF_TOKEN', timeoutMs: 5000, proxy: proxyUrl, ca: cert }, 'org/plain', 'main');
    assert.equal(ok.kind, 'found');
    assert.deepEqual(tunnels, [`127.0.0.1:${securePort}`, `127.0.0.1:${securePort}`], 'config.json and the index, each through a tunnel');
    assert.deepEqual(auth, [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    // A certificate nobody vouches for is refused: offline, not a silent insecure read.
    const untrusted = await fetchHubConfig({ endpoint, tokenHint: 'HF_TOKEN', timeoutMs: 5000, proxy: proxyUrl }, 'org/plain', 'main');
    assert.equal(untrusted.kind, 'missing');
    assert.match(untrusted.kind === 'missing' ? untrusted.reason : '', /(SELF_SIGNED|self-signed|certificate).*working offline/i);
  } finally {
    proxy.close();
    secure.close();
  }
});
