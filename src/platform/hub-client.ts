/**
 * Fetching a model's config.json from the Hugging Face Hub: `{endpoint}/{id}/resolve/{revision}/config.json`
 * (huggingface_hub constants.py HUGGINGFACE_CO_URL_TEMPLATE), redirects followed (at most 5),
 * `Authorization: Bearer {token}` sent only to the endpoint's own origin and never after a redirect to
 * another host, a proxy (`HTTPS_PROXY`/`HTTP_PROXY` or VS Code's http.proxy; `NO_PROXY` honoured), a
 * timeout, a 1 MiB cap on the answer, and a disk cache of the answers.
 *
 * Node's http/https only; the caller decides whether the Hub may be asked at all (consent, offline).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { FoundConfig, LookupAnswer } from '../core/model-source';
import { decodeText } from '../core/parse/text';
import { checkValue, type Declared } from '../core/schema/check';
import { Type } from '../core/schema/declare';
import { InputError } from '../core/types';
import { INDEX_FILE, MAX_OUTSIDE_BYTES } from './hf-cache';
import { hubEndpoint, hubToken, tokenFile, type Env } from './hf-env';

export interface HubOptions {
  readonly endpoint: string;
  readonly token?: string;
  /** Where the token comes from, for messages (`HF_TOKEN`, a file path). */
  readonly tokenHint: string;
  /** Proxy URL (`http://host:port`), or undefined for a direct connection. */
  readonly proxy?: string;
  /** Hosts that bypass the proxy (NO_PROXY syntax: comma-separated names, `.suffix`, `*`). */
  readonly noProxy?: string;
  readonly timeoutMs: number;
  readonly maxBytes?: number;
  /** Extra trusted CA certificates (PEM) for HTTPS, added to Node's own (a private endpoint's CA). */
  readonly ca?: string;
  /** Folder for cached answers; undefined: no disk cache. */
  readonly cacheDir?: string;
  /** How long a cached answer for a branch or tag stays fresh (a commit's never changes). */
  readonly maxAgeMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;
const DAY_MS = 24 * 3600 * 1000;

type FetchResult =
  | { readonly kind: 'ok'; readonly text: string; readonly url: string }
  | { readonly kind: 'status'; readonly status: number; readonly url: string }
  | { readonly kind: 'failed'; readonly reason: string; readonly url: string };

/** The proxy from the environment (HTTPS_PROXY for https targets, HTTP_PROXY for http; either case). */
export function envProxy(env: Readonly<Record<string, string | undefined>>, protocol: 'https:' | 'http:'): string | undefined {
  const names = protocol === 'https:' ? ['HTTPS_PROXY', 'https_proxy'] : ['HTTP_PROXY', 'http_proxy'];
  for (const n of names) if (env[n]?.trim()) return env[n]!.trim();
  return undefined;
}

/**
 * Request settings from the environment (endpoint, token, proxy, NO_PROXY), shared by the CLI and the
 * extension; the token (file) is read only when a request may be made (`withToken`). `proxy` (VS Code's
 * http.proxy) wins over the environment's.
 */
export function hubOptionsFromEnv(env: Env, withToken: boolean, o: { readonly proxy?: string; readonly timeoutMs: number; readonly cacheDir: string }): HubOptions {
  const endpoint = hubEndpoint(env);
  const token = withToken ? hubToken(env) : undefined;
  const proxy = o.proxy || envProxy(env, endpoint.startsWith('http:') ? 'http:' : 'https:');
  const noProxy = env['NO_PROXY'] ?? env['no_proxy'];
  return {
    endpoint,
    ...(token ? { token } : {}),
    tokenHint: env['HF_TOKEN'] ? 'HF_TOKEN' : tokenFile(env),
    ...(proxy ? { proxy } : {}),
    ...(noProxy ? { noProxy } : {}),
    timeoutMs: o.timeoutMs,
    cacheDir: o.cacheDir,
  };
}

function bypassesProxy(host: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  return noProxy
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .some((rule) => rule === '*' || host === rule.replace(/^\./, '') || host.endsWith(rule.startsWith('.') ? rule : `.${rule}`));
}

function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.host === b.host;
}

/** One GET, no redirects followed: status, location and body (capped). */
function getOnce(
  url: URL,
  headers: Record<string, string>,
  opts: HubOptions,
): Promise<{ status: number; location?: string; body?: Buffer; tooLarge?: boolean }> {
  const maxBytes = opts.maxBytes ?? MAX_OUTSIDE_BYTES;
  const proxy = opts.proxy && !bypassesProxy(url.hostname.toLowerCase(), opts.noProxy) ? new URL(opts.proxy) : undefined;
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (f: () => void) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        f();
      }
    };
    const timer = setTimeout(() => {
      done(() => reject(new Error(`no answer within ${Math.round(opts.timeoutMs / 1000)} s`)));
      req?.destroy();
      connectReq?.destroy();
    }, opts.timeoutMs);
    let req: http.ClientRequest | undefined;
    let connectReq: http.ClientRequest | undefined;
    const onResponse = (res: http.IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        res.resume();
        done(() => resolve({ status, ...(res.headers.location ? { location: res.headers.location } : {}) }));
        return;
      }
      if (status !== 200) {
        res.resume();
        done(() => resolve({ status }));
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        res.destroy();
        done(() => resolve({ status, tooLarge: true }));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          res.destroy();
          done(() => resolve({ status, tooLarge: true }));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => done(() => resolve({ status, body: Buffer.concat(chunks) })));
      res.on('error', (e) => done(() => reject(e)));
    };
    const onError = (e: Error) => done(() => reject(e));
    const common = { method: 'GET', headers: { 'user-agent': 'optimizer-advisor', accept: 'application/json', ...headers } };
    const ca = opts.ca !== undefined ? [...tls.rootCertificates, opts.ca] : undefined;
    if (!proxy) {
      req = url.protocol === 'https:' ? https.request(url, { ...common, ...(ca ? { ca } : {}) }, onResponse) : http.request(url, common, onResponse);
      req.on('error', onError);
      req.end();
    } else if (url.protocol === 'http:') {
      // A plain-HTTP target through a proxy: the absolute URL as the request target.
      req = http.request({ host: proxy.hostname, port: proxy.port || 80, path: url.href, ...common, headers: { ...common.headers, host: url.host } }, onResponse);
      req.on('error', onError);
      req.end();
    } else {
      // HTTPS through a proxy: a CONNECT tunnel, then TLS to the target inside it.
      const target = `${url.hostname}:${url.port || 443}`;
      connectReq = http.request({ host: proxy.hostname, port: proxy.port || 80, method: 'CONNECT', path: target, headers: { host: target } });
      connectReq.on('connect', (res, socket) => {
        if (res.statusCode !== 200) {
          socket.destroy();
          done(() => reject(new Error(`the proxy ${proxy.host} refused the tunnel (HTTP ${res.statusCode})`)));
          return;
        }
        // servername is for SNI only; a bare IP address must not be sent as one (RFC 6066).
        const servername = /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname;
        req = https.request(url, { ...common, createConnection: () => tls.connect({ socket, host: url.hostname, ...(servername ? { servername } : {}), ...(ca ? { ca } : {}) }) }, onResponse);
        req.on('error', onError);
        req.end();
      });
      connectReq.on('error', onError);
      connectReq.end();
    }
  });
}

/** GET with redirects; the token goes only to the endpoint's origin. */
export async function hubGet(url: string, opts: HubOptions): Promise<FetchResult> {
  const endpoint = new URL(opts.endpoint);
  let current = new URL(url);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = {};
    if (opts.token && sameOrigin(current, endpoint)) headers['authorization'] = `Bearer ${opts.token}`;
    let answer: Awaited<ReturnType<typeof getOnce>>;
    try {
      answer = await getOnce(current, headers, opts);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return { kind: 'failed', reason: err.code ? `${err.code}${err.message && !err.message.includes(err.code) ? ` ${err.message}` : ''}` : err.message, url: current.href };
    }
    if (answer.status >= 300 && answer.status < 400) {
      if (!answer.location) return { kind: 'failed', reason: `redirect (HTTP ${answer.status}) without a location`, url: current.href };
      const next = new URL(answer.location, current);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') return { kind: 'failed', reason: `redirect to an unsupported URL ${next.href}`, url: current.href };
      current = next;
      continue;
    }
    if (answer.tooLarge) return { kind: 'failed', reason: `the answer is larger than ${(opts.maxBytes ?? MAX_OUTSIDE_BYTES).toLocaleString('en-US')} bytes, so it is not a config.json`, url: current.href };
    if (answer.status !== 200 || answer.body === undefined) return { kind: 'status', status: answer.status, url: current.href };
    try {
      return { kind: 'ok', text: decodeText(answer.body, current.href, opts.maxBytes ?? MAX_OUTSIDE_BYTES), url: current.href };
    } catch (e) {
      if (e instanceof InputError) return { kind: 'failed', reason: e.message, url: current.href };
      throw e;
    }
  }
  return { kind: 'failed', reason: `more than ${MAX_REDIRECTS} redirects`, url: current.href };
}

export function resolveUrl(endpoint: string, id: string, revision: string, file: string): string {
  return `${endpoint}/${id.split('/').map(encodeURIComponent).join('/')}/resolve/${encodeURIComponent(revision)}/${file}`;
}

/** What the user should do about a failed request. */
function explain(result: Exclude<FetchResult, { kind: 'ok' }>, id: string, revision: string, opts: HubOptions): string {
  if (result.kind === 'failed') return `could not fetch ${result.url}: ${result.reason} (working offline; the cache and the bundled presets are still used)`;
  if (result.status === 401 || result.status === 403) {
    return (
      `the Hub refused ${result.url} (HTTP ${result.status}): '${id}' is gated, private, or does not exist. ` +
      (opts.token
        ? `The token from ${opts.tokenHint} was sent; check it has access to the repo (accept its license on the Hub)`
        : `Give a token with the HF_TOKEN environment variable or \`huggingface-cli login\` (it writes ${opts.tokenHint})`)
    );
  }
  if (result.status === 404) return `'${id}' (revision ${revision}) is not on the Hub at ${opts.endpoint}, or it has no config.json (HTTP 404)`;
  return `the Hub answered HTTP ${result.status} for ${result.url}`;
}

/** A Hub answer saved in the extension's global storage (read back, so checked against this declaration). */
const CachedAnswerSchema = Type.Object({
  url: Type.String(),
  fetchedAt: Type.Number(),
  text: Type.String(),
  index: Type.Optional(Type.Object({ url: Type.String(), text: Type.String() })),
});
type CachedAnswer = Declared<typeof CachedAnswerSchema>;

function cacheFile(dir: string, endpoint: string, id: string, revision: string): string {
  const key = createHash('sha256').update(`${endpoint}\n${id}\n${revision}`).digest('hex').slice(0, 32);
  return path.join(dir, 'hub-configs', `${key}.json`);
}

function readCache(opts: HubOptions, id: string, revision: string): CachedAnswer | undefined {
  if (!opts.cacheDir) return undefined;
  try {
    const file = cacheFile(opts.cacheDir, opts.endpoint, id, revision);
    if (fs.statSync(file).size > 2 * MAX_OUTSIDE_BYTES + 4096) return undefined;
    const doc = checkValue(CachedAnswerSchema, JSON.parse(fs.readFileSync(file, 'utf8')));
    return doc.ok ? doc.value : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(opts: HubOptions, id: string, revision: string, answer: CachedAnswer): void {
  if (!opts.cacheDir) return;
  const file = cacheFile(opts.cacheDir, opts.endpoint, id, revision);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(answer));
    fs.renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs a request next time.
  }
}

function toAnswer(c: CachedAnswer): LookupAnswer {
  const config: FoundConfig = { text: c.text, location: c.url, ...(c.index ? { index: { text: c.index.text, location: c.index.url } } : {}) };
  return { kind: 'found', config };
}

/** A cached answer only (no request): what an untrusted workspace or an offline run may use. */
export function cachedHubConfig(opts: HubOptions, id: string, revision: string): LookupAnswer | undefined {
  const c = readCache(opts, id, revision);
  return c ? toAnswer(c) : undefined;
}

/**
 * The config of `id` at `revision`: from the disk cache when fresh, else from the Hub (with its
 * safetensors index when the Hub has one), cached on success. Never throws for network trouble.
 */
export async function fetchHubConfig(opts: HubOptions, id: string, revision: string, now = Date.now()): Promise<LookupAnswer> {
  const cached = readCache(opts, id, revision);
  const maxAge = /^[0-9a-f]{40}$/.test(revision) ? Infinity : (opts.maxAgeMs ?? 7 * DAY_MS);
  if (cached && now - cached.fetchedAt <= maxAge) return toAnswer(cached);
  const configUrl = resolveUrl(opts.endpoint, id, revision, 'config.json');
  const result = await hubGet(configUrl, opts);
  if (result.kind !== 'ok') {
    // Offline or refused: a stale cached copy is still better than nothing.
    if (cached) return toAnswer(cached);
    return { kind: 'missing', reason: explain(result, id, revision, opts) };
  }
  // Shown by the resolve URL, not the CDN address a redirect may have ended at.
  const indexUrl = resolveUrl(opts.endpoint, id, revision, INDEX_FILE);
  const index = await hubGet(indexUrl, opts);
  const answer: CachedAnswer = { url: configUrl, fetchedAt: now, text: result.text, ...(index.kind === 'ok' ? { index: { url: indexUrl, text: index.text } } : {}) };
  writeCache(opts, id, revision, answer);
  return toAnswer(answer);
}
