/**
 * Reading model configs outside the workspace: a path the job names, and the local Hugging Face
 * cache, and accelerate's default config of the machine. Rules (the README's privacy section): only
 * regular files named `config.json` or `*.safetensors.index.json` (or, at accelerate's default place,
 * `default_config.yaml`), at most 1 MiB, are read; nothing is listed, written or followed beyond
 * the one file (a symlink is followed to its target, as the cache's snapshot links are).
 *
 * Cache layout as huggingface_hub writes it (file_download.py, hf_hub_download / _cache_commit_hash_for_specific_revision;
 * constants.py REPO_ID_SEPARATOR):
 *   {cache}/models--{org}--{name}/refs/{revision}          text file holding the commit hash
 *   {cache}/models--{org}--{name}/snapshots/{hash}/config.json
 * A revision that is already a 40-hex commit hash names its snapshot folder directly.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FoundConfig, LookupAnswer } from '../core/model-source';
import type { MachineFileAnswer } from '../core/scan/machine-files';
import { decodeText } from '../core/parse/text';
import { InputError } from '../core/types';
import { errorCode } from './error-code';
import { insideFolder } from './inside-folder';

/** Largest file read outside the workspace (real config.json files are a few KiB, indexes < 200 KiB). */
export const MAX_OUTSIDE_BYTES = 2 ** 20;

/** The names of files that may be read outside the workspace, with how messages say them. */
interface AllowedNames {
  readonly pattern: RegExp;
  readonly text: string;
}
const MODEL_FILES: AllowedNames = { pattern: /^(config\.json|.*\.safetensors\.index\.json)$/, text: 'config.json or *.safetensors.index.json' };
export const INDEX_FILE = 'model.safetensors.index.json';

/** The one machine config read besides model configs: accelerate's default config (hf-env.ts). */
const ACCELERATE_DEFAULT: AllowedNames = { pattern: /^default_config\.yaml$/, text: 'default_config.yaml' };

/** Text of a config file outside the workspace, within the rules above; InputError otherwise. */
export function readOutsideFile(file: string, allowed = MODEL_FILES): string {
  if (!allowed.pattern.test(path.basename(file))) {
    throw new InputError(`only files named ${allowed.text} are read outside the workspace`, file);
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new InputError('no such file', file);
  }
  if (!stat.isFile()) throw new InputError('not a regular file', file);
  if (stat.size > MAX_OUTSIDE_BYTES) throw new InputError(`file is ${stat.size} bytes, over the 1 MiB limit for a file outside the workspace`, file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read the file (${errorCode(e)})`, file);
  }
  return decodeText(bytes, file, MAX_OUTSIDE_BYTES);
}

function isRegularFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The config of a folder (or the config.json named), with the safetensors index beside it when present. */
export function readConfigAt(target: string): LookupAnswer {
  let isDir = false;
  try {
    isDir = fs.statSync(target).isDirectory();
  } catch {
    return { kind: 'missing', reason: `'${target}' does not exist` };
  }
  const file = isDir ? path.join(target, 'config.json') : target;
  if (isDir && !isRegularFile(file)) return { kind: 'missing', reason: `the folder '${target}' has no config.json` };
  try {
    const config: FoundConfig = { text: readOutsideFile(file), location: file };
    const indexFile = path.join(path.dirname(file), INDEX_FILE);
    if (isRegularFile(indexFile)) {
      try {
        return { kind: 'found', config: { ...config, index: { text: readOutsideFile(indexFile), location: indexFile } } };
      } catch (e) {
        if (!(e instanceof InputError)) throw e; // an unreadable index only loses the check
      }
    }
    return { kind: 'found', config };
  } catch (e) {
    if (e instanceof InputError) return { kind: 'missing', reason: e.format() };
    throw e;
  }
}

/**
 * accelerate's default config at `file` (hf-env.ts accelerateDefaultConfigFile), under the same rules:
 * a regular file with exactly that name, at most 1 MiB; nothing else in its folder is read.
 */
export function readAccelerateDefaultConfig(file: string): MachineFileAnswer {
  try {
    return { kind: 'found', location: file, text: readOutsideFile(file, ACCELERATE_DEFAULT) };
  } catch (e) {
    if (e instanceof InputError) return { kind: 'missing', location: file, reason: e.message };
    throw e;
  }
}

/** Resolves a path as a job writes it: `~/` from the home folder, relative from the referencing file's folder. */
export function resolveJobPath(value: string, fromFile: string, root: string, home = os.homedir()): string {
  if (value === '~' || value.startsWith('~/')) return path.join(home, value.slice(1));
  if (path.isAbsolute(value)) return value;
  return path.resolve(root, path.dirname(fromFile), value.replace(/\\/g, '/'));
}

/** `models--org--name` (huggingface_hub's repo_folder_name for a model repo). */
export function repoFolderName(id: string): string {
  return `models--${id.split('/').join('--')}`;
}

const COMMIT = /^[0-9a-f]{40}$/;

/** The config of `id` at `revision` (in its `subfolder`, a diffusers pipeline's `unet`) in the cache at `cacheDir`, or why there is none. */
export function readCachedConfig(cacheDir: string, id: string, revision: string, subfolder?: string): LookupAnswer {
  const repo = path.join(cacheDir, repoFolderName(id));
  let hash = revision;
  if (!COMMIT.test(revision)) {
    const refs = path.join(repo, 'refs');
    const ref = path.join(refs, ...revision.split('/'));
    // A ref name may hold '/' (refs/pr/1), never a way out of the refs folder.
    if (!insideFolder(refs, ref)) return { kind: 'missing', reason: `revision '${revision}' leads out of the cache's refs folder (${refs})` };
    try {
      const stat = fs.statSync(ref);
      if (!stat.isFile() || stat.size > 256) return { kind: 'missing', reason: `'${ref}' is not a ref file` };
      hash = fs.readFileSync(ref, 'utf8').trim();
    } catch {
      return { kind: 'missing', reason: `'${id}' is not in the cache at ${cacheDir}` };
    }
    if (!COMMIT.test(hash)) return { kind: 'missing', reason: `'${ref}' does not hold a commit hash` };
  }
  const snapshot = path.join(repo, 'snapshots', hash);
  // A subfolder is one folder name (`unet`), never a path that could leave the snapshot.
  if (subfolder !== undefined && !/^(?!\.\.?$)[\w.-]+$/.test(subfolder)) return { kind: 'missing', reason: `'${subfolder}' is not a folder name` };
  const folder = subfolder === undefined ? snapshot : path.join(snapshot, subfolder);
  const answer = readConfigAt(folder);
  return answer.kind === 'found' ? answer : { kind: 'missing', reason: `cached snapshot of '${id}' has no ${subfolder === undefined ? '' : `${subfolder}/`}config.json (${snapshot})` };
}

export interface CacheEntry {
  readonly id: string;
  readonly revision: string;
  readonly configPath: string;
}

/**
 * The models in the cache that have a config.json at one of their refs (for a "pick a cache entry"
 * list). Reads folder names and ref files only.
 */
export function listCachedModels(cacheDir: string, limit = 500): CacheEntry[] {
  const out: CacheEntry[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(cacheDir).filter((n) => n.startsWith('models--')).sort();
  } catch {
    return [];
  }
  for (const name of names.slice(0, limit)) {
    const id = name.slice('models--'.length).split('--').join('/');
    let refs: string[] = [];
    try {
      refs = fs.readdirSync(path.join(cacheDir, name, 'refs')).filter((r) => isRegularFile(path.join(cacheDir, name, 'refs', r)));
    } catch {
      continue;
    }
    for (const revision of refs) {
      const answer = readCachedConfig(cacheDir, id, revision);
      if (answer.kind === 'found') out.push({ id, revision, configPath: answer.config.location });
    }
  }
  return out;
}
