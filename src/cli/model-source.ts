import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildInventory, findPreset, inventoryForRef } from '../core/models';
import type { ModelInventory } from '../core/models/types';
import { decodeText } from '../core/parse/text';
import { parseConfigFile } from '../core/scan';
import { InputError } from '../core/types';
import type { FileAccess } from '../core/evaluate';
import { readUserFileSync } from './read-user-file';

/** Largest config.json we read (real ones are a few KiB; a huge file is a mistake, not a config). */
export const MAX_CONFIG_BYTES = 4 * 2 ** 20;

export interface LoadedModel {
  readonly inventory: ModelInventory;
  /** The file path (as the user wrote it) or the preset's hub id. */
  readonly source: string;
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
  };
}

/**
 * Resolves what the user named: a config.json, a folder holding one, a bundled preset's hub id
 * (`meta-llama/Llama-2-7b-hf`) or a CNN name (`resnet50`).
 */
export function loadModel(ref: string, cwd: string): LoadedModel {
  const abs = path.resolve(cwd, ref);
  if (fs.existsSync(abs)) {
    const file = fs.statSync(abs).isDirectory() ? path.join(abs, 'config.json') : abs;
    const shown = path.relative(cwd, file) || file;
    if (!fs.existsSync(file)) throw new InputError(`folder has no config.json`, ref);
    return { inventory: buildInventory(readConfigFile(file), shown), source: shown };
  }
  const looksLikePath = ref.endsWith('.json') || ref.startsWith('.') || ref.startsWith('/') || ref.includes('\\');
  if (looksLikePath && !findPreset(ref)) throw new InputError('no such file', ref);
  // A hub id or CNN name: the preset lookup explains unknown names (with suggestions).
  return { inventory: inventoryForRef(ref), source: ref };
}
