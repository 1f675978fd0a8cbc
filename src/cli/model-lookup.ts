/**
 * The CLI's model lookups (core/model-source.ts): paths outside the workspace and the Hugging Face
 * cache are read with the rules of platform/hf-cache.ts; the Hub is asked only with consent
 * (`--hub` or OPTIMIZER_ADVISOR_HUB=1), never when `--offline` or HF_HUB_OFFLINE=1 says no; answers
 * are cached under the user cache folder ($XDG_CACHE_HOME/optimizer-advisor, else the platform's).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { hubIdsToFetch, type LookupAnswer, type ModelLookup } from '../core/model-source';
import type { ScanJob } from '../core/scan/results';
import { flag } from './command';
import type { FlagSpec, ParsedArgs } from './args';
import { envOffline, hubCacheDir, hubEndpoint, type Env } from '../platform/hf-env';
import { readCachedConfig, readConfigAt, resolveJobPath } from '../platform/hf-cache';
import { cachedHubConfig, DEFAULT_TIMEOUT_MS, fetchHubConfig, hubOptionsFromEnv, type HubOptions } from '../platform/hub-client';

/** The flags every command that resolves a model takes. */
export const HUB_FLAGS: readonly FlagSpec[] = [
  { name: 'hub', type: 'bool', help: 'allow fetching config.json of models not found locally from the Hugging Face Hub', defaultText: 'off (or OPTIMIZER_ADVISOR_HUB=1)' },
  { name: 'offline', type: 'bool', help: 'never contact the Hub (wins over --hub; HF_HUB_OFFLINE=1 does the same)' },
];

export function consentOf(args: ParsedArgs): HubConsent {
  return { hubFlag: flag<boolean>(args, 'hub') ?? false, offlineFlag: flag<boolean>(args, 'offline') ?? false };
}

export interface HubConsent {
  /** --hub given. */
  readonly hubFlag: boolean;
  /** --offline given. */
  readonly offlineFlag: boolean;
}

/** The user cache folder of the CLI. */
export function cliCacheDir(env: Env, home = os.homedir()): string {
  if (env['XDG_CACHE_HOME']) return path.join(env['XDG_CACHE_HOME'], 'optimizer-advisor');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'optimizer-advisor');
  if (process.platform === 'win32' && env['LOCALAPPDATA']) return path.join(env['LOCALAPPDATA'], 'optimizer-advisor', 'Cache');
  return path.join(home, '.cache', 'optimizer-advisor');
}

/** Whether the Hub may be asked, and if not, why (shown as the Hub's step in "needs a model config"). */
export function hubDecision(env: Env, consent: HubConsent): { allowed: true } | { allowed: false; why: string } {
  if (consent.offlineFlag) return { allowed: false, why: 'not asked (--offline)' };
  if (envOffline(env)) return { allowed: false, why: 'not asked (HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE is set)' };
  if (consent.hubFlag || /^(1|true|yes|on)$/i.test(env['OPTIMIZER_ADVISOR_HUB'] ?? '')) return { allowed: true };
  return { allowed: false, why: `not asked: give --hub (or set OPTIMIZER_ADVISOR_HUB=1) to let the tool fetch config.json from ${hubEndpoint(env)}` };
}

/** Request settings; the token (file) is read only when a request may be made (`withToken`). */
export function hubOptions(env: Env, withToken: boolean): HubOptions {
  return hubOptionsFromEnv(env, withToken, {
    timeoutMs: Number(env['OPTIMIZER_ADVISOR_HUB_TIMEOUT_MS']) > 0 ? Number(env['OPTIMIZER_ADVISOR_HUB_TIMEOUT_MS']) : DEFAULT_TIMEOUT_MS,
    cacheDir: cliCacheDir(env),
  });
}

/**
 * The lookups for the jobs of a scan under `root`: local paths and the HF cache always; the Hub's
 * answers fetched now (for the ids that need it) when allowed, else its disk cache only.
 */
export async function cliModelLookup(jobs: readonly ScanJob[], root: string, env: Env, consent: HubConsent): Promise<ModelLookup> {
  const cacheDir = hubCacheDir(env);
  const base: ModelLookup = {
    localPath: (value, fromFile) => readConfigAt(resolveJobPath(value, fromFile, root)),
    hfCache: (id, revision, subfolder) => readCachedConfig(cacheDir, id, revision, subfolder),
  };
  return withHub(base, hubIdsToFetch(jobs, base), env, consent);
}

/** The cache lookup alone (for one model named on the command line). */
export function cacheLookup(env: Env): ModelLookup {
  const cacheDir = hubCacheDir(env);
  return { hfCache: (id, revision, subfolder) => readCachedConfig(cacheDir, id, revision, subfolder) };
}

/** `base` plus a Hub lookup whose answers for `ids` are fetched now when the Hub may be asked. */
export async function withHub(base: ModelLookup, ids: readonly { id: string; revision: string }[], env: Env, consent: HubConsent): Promise<ModelLookup> {
  const decision = hubDecision(env, consent);
  const opts = hubOptions(env, decision.allowed);
  const fetched = new Map<string, LookupAnswer>();
  if (decision.allowed) {
    for (const { id, revision } of ids) fetched.set(`${id}@${revision}`, await fetchHubConfig(opts, id, revision));
  }
  return {
    ...base,
    hub: (id, revision) =>
      fetched.get(`${id}@${revision}`) ?? cachedHubConfig(opts, id, revision) ?? { kind: 'missing', reason: decision.allowed ? 'not fetched' : decision.why },
  };
}
