/**
 * The Hugging Face settings of this machine, read as huggingface_hub reads them
 * (huggingface_hub/src/huggingface_hub/constants.py):
 * - HF_HOME: `$HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`;
 * - the hub cache: `$HF_HUB_CACHE` (legacy `$HUGGINGFACE_HUB_CACHE`), else `HF_HOME/hub`;
 * - the endpoint: `$HF_ENDPOINT` without a trailing `/`, else `https://huggingface.co`;
 * - offline: `$HF_HUB_OFFLINE` (or `$TRANSFORMERS_OFFLINE`) set to 1/ON/YES/TRUE (`_is_true`);
 * - the token: `$HF_TOKEN` (legacy `$HUGGING_FACE_HUB_TOKEN`), else the file `$HF_TOKEN_PATH`, else
 *   `HF_HOME/token` (huggingface_hub/utils/_auth.py, get_token).
 * Only machine-level sources: never a workspace setting.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

export const PUBLIC_ENDPOINT = 'https://huggingface.co';

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

export function hfHome(env: Env, home = os.homedir()): string {
  if (env['HF_HOME']) return expandHome(env['HF_HOME'], home);
  const xdg = env['XDG_CACHE_HOME'] ? expandHome(env['XDG_CACHE_HOME'], home) : path.join(home, '.cache');
  return path.join(xdg, 'huggingface');
}

/**
 * accelerate's default config: `HF_HOME/accelerate/default_config.yaml` (accelerate
 * src/accelerate/commands/config/config_args.py: `cache_dir = os.path.join(hf_cache_home, "accelerate")`,
 * `default_yaml_config_file`; its `hf_cache_home` is HF_HOME's rule above).
 */
export function accelerateDefaultConfigFile(env: Env, home = os.homedir()): string {
  return path.join(hfHome(env, home), 'accelerate', 'default_config.yaml');
}

export function hubCacheDir(env: Env, home = os.homedir()): string {
  const explicit = env['HF_HUB_CACHE'] ?? env['HUGGINGFACE_HUB_CACHE'];
  return explicit ? expandHome(explicit, home) : path.join(hfHome(env, home), 'hub');
}

export function hubEndpoint(env: Env): string {
  const e = env['HF_ENDPOINT']?.trim();
  return e ? e.replace(/\/+$/, '') : PUBLIC_ENDPOINT;
}

const isTrue = (v: string | undefined): boolean => v !== undefined && ['1', 'ON', 'YES', 'TRUE'].includes(v.trim().toUpperCase());

/** True when the environment forbids network access to the Hub (HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE). */
export function envOffline(env: Env): boolean {
  return isTrue(env['HF_HUB_OFFLINE']) || isTrue(env['TRANSFORMERS_OFFLINE']);
}

/** Where the token file is (for messages and for reading). */
export function tokenFile(env: Env, home = os.homedir()): string {
  return env['HF_TOKEN_PATH'] ? expandHome(env['HF_TOKEN_PATH'], home) : path.join(hfHome(env, home), 'token');
}

/** The user's Hub token, or undefined; the token file is read only when no variable gives one. */
export function hubToken(env: Env, home = os.homedir()): string | undefined {
  const fromEnv = (env['HF_TOKEN'] ?? env['HUGGING_FACE_HUB_TOKEN'])?.trim();
  if (fromEnv) return fromEnv;
  try {
    const file = tokenFile(env, home);
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > 4096) return undefined;
    const text = fs.readFileSync(file, 'utf8').trim();
    return text || undefined;
  } catch {
    return undefined;
  }
}
