import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_REVISION, mayAskHub, resolveModelId } from '../core/model-source';
import { buildInventory, findPreset } from '../core/models';
import type { ModelInventory } from '../core/models/types';
import { decodeText } from '../core/parse/text';
import { parseConfigFile } from '../core/scan';
import { InputError } from '../core/types';
import type { FileAccess } from '../core/evaluate';
import { jobRecordCounter } from '../platform/dataset-records';
import { jobFolderLister } from '../platform/dataset-folder';
import type { CliIO } from './io';
import { cacheLookup, withHub, type HubConsent } from './model-lookup';
import { readUserFileSync } from './read-user-file';
import { countImagesSync } from '../platform/image-folder';

/** Largest config.json we read (real ones are a few KiB; a huge file is a mistake, not a config). */
export const MAX_CONFIG_BYTES = 4 * 2 ** 20;

export interface LoadedModel {
  readonly inventory: ModelInventory;
  /** The file path (as the user wrote it), the cache path or URL, or the preset's hub id. */
  readonly source: string;
  /** Values not read from the user's files (a preset standing in for a re-upload). */
  readonly assumptions?: readonly string[];
}

/** A config file's text, with the size and binary checks every user file gets. */
export function readConfigText(file: string): string {
  // Non-blocking and regular files only: a FIFO or an unreadable file is an InputError naming it.
  const bytes = readUserFileSync(file, MAX_CONFIG_BYTES, (size) => `file is ${size} bytes, over the ${MAX_CONFIG_BYTES}-byte limit for a model config`);
  return decodeText(bytes, file, MAX_CONFIG_BYTES);
}

/** Reads a config file as a plain object (size-checked, decoded, parsed with positions in errors). */
export function readConfigFile(file: string): ReturnType<typeof parseConfigFile> {
  return parseConfigFile(file, readConfigText(file));
}

/** Reads a job's files from disk under `root`, named by their absolute paths in messages. */
export function diskFiles(root: string): FileAccess {
  return {
    readText: (rel) => readConfigText(path.join(root, rel)),
    displayName: (rel) => path.join(root, rel),
    // A dataset file the job trains on, counted with a byte cap (src/platform/dataset-records.ts).
    // One reader per job (diskFiles is made per job): its files together stay within the cap too.
    countRecords: jobRecordCounter(root),
    // A dataset folder the job trains on, listed with a file cap (src/platform/dataset-folder.ts).
    listFolder: jobFolderLister(root),
    // An Ultralytics job's training images, counted with a cap on entries and time (src/platform/image-folder.ts).
    countImages: (rel) => countImagesSync(root, rel),
  };
}

/**
 * Resolves what the user named: a config.json, a folder holding one, or a model id (a hub id such as
 * `meta-llama/Llama-2-7b-hf`, a CNN name such as `resnet50`) through the Hugging Face cache, the
 * bundled presets, the Hub (with consent) and the preset aliases (core/model-source.ts).
 */
export async function loadModel(ref: string, io: CliIO, consent: HubConsent): Promise<LoadedModel> {
  const cwd = io.cwd;
  const abs = path.resolve(cwd, ref);
  if (fs.existsSync(abs)) {
    const file = fs.statSync(abs).isDirectory() ? path.join(abs, 'config.json') : abs;
    const shown = path.relative(cwd, file) || file;
    if (!fs.existsSync(file)) throw new InputError(`folder has no config.json`, ref);
    return { inventory: buildInventory(readConfigFile(file), shown), source: shown };
  }
  const looksLikePath = ref.endsWith('.json') || ref.startsWith('.') || ref.startsWith('/') || ref.includes('\\');
  if (looksLikePath && !findPreset(ref)) throw new InputError('no such file', ref);
  const id = ref.trim();
  const env = io.env ?? process.env;
  const base = cacheLookup(env);
  const ids = mayAskHub(id) && base.hfCache?.(id, DEFAULT_REVISION)?.kind !== 'found' ? [{ id, revision: DEFAULT_REVISION }] : [];
  const resolution = resolveModelId(id, DEFAULT_REVISION, await withHub(base, ids, env, consent));
  if (resolution.status === 'needs-config') throw new InputError(resolution.reason);
  const model = resolution.model;
  return { inventory: model.inventory, source: model.origin ? `${model.origin.location} (${model.origin.kind})` : model.source, assumptions: model.assumptions ?? [] };
}
