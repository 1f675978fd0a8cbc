/**
 * Where a job's model config comes from, in a fixed order, each answer recorded as the model's
 * origin (`model.source` in the CLI's JSON):
 *
 *   1. workspace   a config.json of the scan that the job points at (or that sits beside it);
 *   2. local-path  a folder or config.json outside the workspace that the job names by path;
 *   3. hf-cache    the local Hugging Face cache (huggingface_hub's layout; read by the caller);
 *   4. preset      a bundled preset with exactly that id (the Hub's own config.json, bundled, so no
 *                  request is made for it);
 *   5. hub         the Hub over HTTPS (only with consent; fetched by the caller beforehand);
 *   6. preset-alias an Unsloth mirror (`unsloth/<name>`, `-bnb-4bit`, `-unsloth-bnb-4bit`) of a bundled
 *                  preset (models/unsloth.ts: same repo name or alias, or the upstream id Unsloth's loader
 *                  names), else a bundled preset whose name tail equals the id's (an organisation's
 *                  re-upload), used with an explicit assumption naming the preset.
 *
 * A config whose architecture no family models but that has the standard size fields is built by the
 * generic inventory and marked approximate. When nothing resolves, the result says "needs a model
 * config" with the reason and what was tried; the caller goes on with the other jobs.
 *
 * Pure: the caller passes the lookups (file reads, the cache, the Hub) as callbacks.
 */
import type { ListFolder } from './dataset-splits';
import type { CountRecords } from './run-length';
import { buildInventory, countParams, findPreset, findPresetByNameTail, presetHint } from './models';
import type { ModelInventory } from './models/types';
import { describeMirror, presetForMirror, unslothMirror } from './models/unsloth';
import { parseConfigFile } from './scan/config-file';
import type { ScanJob } from './scan/results';
import type { ModelRef } from './scan/types';
import { configDtypeText, floatDtypeOfTorchName } from './memory/load-dtype';
import { bytesOf, InputError } from './types';
import type { CountImages } from './ultralytics-images';

export type ModelSourceKind = 'workspace' | 'local-path' | 'hf-cache' | 'hub' | 'preset' | 'preset-alias';

/** Where the model config was read: the kind of place and the path, URL or preset id. */
export interface ModelOrigin {
  readonly kind: ModelSourceKind;
  readonly location: string;
}

/** A config found by a lookup, with the checkpoint's safetensors index when there is one beside it. */
export interface FoundConfig {
  readonly text: string;
  /** Path or URL shown to the user. */
  readonly location: string;
  readonly index?: { readonly text: string; readonly location: string };
}

export type LookupAnswer =
  | { readonly kind: 'found'; readonly config: FoundConfig }
  /** The place was looked at and holds nothing usable; `reason` says what was seen. */
  | { readonly kind: 'missing'; readonly reason: string };

/**
 * The places outside the scan. Each returns undefined when the place is not consulted at all
 * (no consent for the Hub, no cache folder, an untrusted workspace).
 */
export interface ModelLookup {
  /** A path as the job writes it (absolute, `~/`, or relative to `fromFile`'s folder). */
  localPath?(value: string, fromFile: string): LookupAnswer | undefined;
  /** `subfolder`: the repo's folder that holds the model's config.json (a diffusers pipeline's `unet`). */
  hfCache?(id: string, revision: string, subfolder?: string): LookupAnswer | undefined;
  hub?(id: string, revision: string): LookupAnswer | undefined;
}

/** How the evaluation reads the model config files a job names (paths as the scan gives them). */
export interface FileAccess {
  /** Text of a file, relative path with `/` separators; throws InputError when it cannot be read. */
  readText(path: string): string;
  /** The name used for the file in messages (default: the relative path). */
  displayName?(path: string): string;
  /**
   * `readModelFile(request)` computed elsewhere for this exact request (the extension does it in its scan
   * worker for large files, README: Reliability); undefined: it is computed here.
   */
  readModelFile?(request: ModelFileRequest): ModelFileRead | undefined;
  /**
   * The records of a workspace dataset file, read with a byte cap (run-length.ts countedTrainSamples); null when there
   * is no such file. Without it no dataset file is opened.
   */
  countRecords?: CountRecords;
  /**
   * The files of a workspace dataset folder, bounded (src/platform/dataset-folder.ts); null when there is no such
   * folder. Without it no folder is listed.
   */
  listFolder?: ListFolder;
  /**
   * The images below a workspace folder, bounded (src/platform/image-folder.ts); null when there is no such folder.
   * Without it an Ultralytics job's training images are not counted (core/ultralytics-images.ts).
   */
  countImages?: CountImages;
}

/** A workspace model file to read: the job's config.json, or the safetensors index beside it. */
export interface ModelFileRequest {
  readonly kind: 'config' | 'index';
  /** The name used in parse messages (FileAccess.displayName). */
  readonly name: string;
  /** The relative path (the inventory's source). */
  readonly path: string;
  readonly text: string;
}

/** What a model file gave, as plain data (it crosses to the extension host from its scan worker). */
export type ModelFileRead =
  | { readonly kind: 'config'; readonly inventory: ModelInventory }
  /** `metadata.total_size` as the index writes it (any JSON value, or undefined when absent). */
  | { readonly kind: 'index'; readonly totalSize: unknown }
  /** The InputError the file gave (malformed JSON, a missing model field), with its position. */
  | { readonly kind: 'error'; readonly message: string; readonly file?: string; readonly line?: number; readonly column?: number };

/** Parses a workspace model file (and builds the config's inventory). Throws only on a bug. */
export function readModelFile(request: ModelFileRequest): ModelFileRead {
  try {
    const doc = parseConfigFile(request.name, request.text);
    if (request.kind === 'config') return { kind: 'config', inventory: buildInventory(doc, request.path) };
    const meta = doc['metadata'];
    return { kind: 'index', totalSize: typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? (meta as Record<string, unknown>)['total_size'] : undefined };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { kind: 'error', message: e.message, ...(e.file !== undefined ? { file: e.file } : {}), ...(e.line !== undefined ? { line: e.line } : {}), ...(e.column !== undefined ? { column: e.column } : {}) };
  }
}

function readErrorOf(read: Extract<ModelFileRead, { kind: 'error' }>): InputError {
  return new InputError(read.message, read.file, read.line, read.column);
}

/** The checkpoint's safetensors index beside a workspace config.json (`model.safetensors.index.json`). */
export function safetensorsIndexPath(configPath: string): string {
  const slash = configPath.lastIndexOf('/');
  return `${slash < 0 ? '' : configPath.slice(0, slash + 1)}model.safetensors.index.json`;
}

function readWith(files: FileAccess | undefined, request: ModelFileRequest): ModelFileRead {
  return files?.readModelFile?.(request) ?? readModelFile(request);
}

export interface JobModel {
  readonly inventory: ModelInventory;
  /** The config file's path, URL, or the hub id of the bundled preset (what `origin.location` says). */
  readonly source: string;
  readonly origin?: ModelOrigin;
  /** True when the generic inventory built it (an architecture no family models). */
  readonly approximate?: boolean;
  /** Values the tool did not read from the user's files (a preset standing in for another id). */
  readonly assumptions?: readonly string[];
  /** Checks against the checkpoint (safetensors index total size) and other remarks. */
  readonly notes?: readonly string[];
}

export type ModelResolution =
  | { readonly status: 'resolved'; readonly model: JobModel }
  | {
      readonly status: 'needs-config';
      readonly reason: string;
      /** Each place looked at, with what it said. */
      readonly tried: readonly string[];
      /** The hub id, when the job names one (for "pick a config" and Hub prompts). */
      readonly id?: string;
      /** Where the job names its model. */
      readonly at?: { readonly path: string; readonly line: number; readonly column: number };
    };

/** The status text of a job whose model could not be resolved (CLI JSON, sidebar). */
export const NEEDS_MODEL_CONFIG = 'needs a model config';

/** Thrown by evaluateJob when the model cannot be resolved; an InputError, so old callers keep working. */
export class ModelConfigNeeded extends InputError {
  constructor(readonly resolution: Extract<ModelResolution, { status: 'needs-config' }>) {
    super(`${NEEDS_MODEL_CONFIG}: ${resolution.reason}`, resolution.at?.path, resolution.at?.line, resolution.at?.column);
    this.name = 'ModelConfigNeeded';
  }
}

/** The revision used when the job names none (huggingface_hub's DEFAULT_REVISION, constants.py). */
export const DEFAULT_REVISION = 'main';

/**
 * Compares the inventory with the checkpoint's `model.safetensors.index.json`: `metadata.total_size`
 * is the byte size of all tensors (safetensors' sharding index as transformers writes it in
 * modeling_utils.py save_pretrained), so at the config's torch_dtype it gives the stored parameter count.
 */
export function indexCheck(inventory: ModelInventory, index: { text: string; location: string }, files?: FileAccess): string {
  const read = readWith(files, { kind: 'index', name: index.location, path: index.location, text: index.text });
  if (read.kind === 'error') return `${readErrorOf(read).format()} (safetensors index not used)`;
  const total = read.kind === 'index' ? read.totalSize : undefined;
  if (typeof total !== 'number' || !Number.isFinite(total) || total <= 0) {
    return `${index.location}: no positive 'metadata.total_size' (safetensors index not used)`;
  }
  const counted = countParams(inventory).total;
  const stated = configDtypeText(inventory);
  const dtype = stated === null ? null : floatDtypeOfTorchName(stated.text);
  if (stated === null || dtype === null) {
    return `${index.location}: the checkpoint holds ${total.toLocaleString('en-US')} bytes of tensors; the config names no float dtype, so it is not compared with the ${counted.toLocaleString('en-US')} parameters counted`;
  }
  const bytes = bytesOf(1, dtype);
  const dtypeName = stated.text;
  const stored = total / bytes;
  const diff = (stored - counted) / counted;
  const agree = Math.abs(diff) < 0.005;
  return (
    `${index.location}: total_size ${total.toLocaleString('en-US')} bytes = ${Math.round(stored).toLocaleString('en-US')} parameters at ${dtypeName} ` +
    `(${bytes} bytes each); the inventory counts ${counted.toLocaleString('en-US')}` +
    (agree ? ' (they agree)' : ` (${(diff * 100).toFixed(1)}% apart: the checkpoint may be quantized, hold extra tensors, or the architecture is not modelled exactly)`)
  );
}

function fromConfig(found: FoundConfig, origin: ModelOrigin, assumptions: readonly string[]): JobModel {
  const inventory = buildInventory(parseConfigFile(found.location, found.text), found.location);
  const notes = found.index ? [indexCheck(inventory, found.index)] : [];
  return {
    inventory,
    source: origin.location,
    origin,
    approximate: inventory.family === 'generic',
    assumptions,
    notes,
  };
}

function fromPreset(id: string, kind: 'preset' | 'preset-alias', requested: string, why?: string): JobModel {
  const preset = findPreset(id);
  if (!preset) throw new Error(`no preset ${id}`);
  const inventory = buildInventory(preset.config, preset.hubId);
  const assumptions =
    kind === 'preset-alias'
      ? [`model '${requested}' is taken to be the bundled preset ${preset.hubId} (${why ?? 'same name after the organisation; a re-upload of that checkpoint'}); point to its config.json if it differs`]
      : [];
  return {
    inventory,
    source: preset.hubId,
    origin: { kind, location: preset.hubId },
    approximate: inventory.family === 'generic',
    assumptions,
    notes: [],
  };
}

/** Reasons a found config could not be built become a try, not a crash. */
function attempt(label: string, tried: string[], make: () => JobModel): JobModel | undefined {
  try {
    return make();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    tried.push(`${label}: ${e.format()}`);
    return undefined;
  }
}

/** True for ids only the bundled presets know (torchvision builders are not Hub repos). */
function presetOnly(id: string): boolean {
  return id.startsWith('torchvision/');
}

function resolveHubId(ref: Extract<ModelRef, { kind: 'hub-id' }>, lookup: ModelLookup): ModelResolution {
  return resolveModelId(ref.id, ref.revision ?? DEFAULT_REVISION, lookup, { path: ref.path, line: ref.range.line, column: ref.range.column }, ref.subfolder);
}

/** True when resolving `id` may ask the Hub (not a bundled preset, not a torchvision name). */
export function mayAskHub(id: string): boolean {
  return !presetOnly(id) && findPreset(id) === undefined;
}

/**
 * A model id (as a job or the command line names it) resolved through the cache, the presets, the
 * Hub and the preset aliases, in that order. `at` is where the id is written, for messages.
 */
export function resolveModelId(id: string, revision: string, lookup: ModelLookup, at?: { path: string; line: number; column: number }, subfolder?: string): ModelResolution {
  const tried: string[] = [];
  const look = (kind: 'hf-cache' | 'hub', answer: LookupAnswer | undefined, label: string): JobModel | undefined => {
    if (answer === undefined) return undefined;
    if (answer.kind === 'missing') {
      tried.push(`${label}: ${answer.reason}`);
      return undefined;
    }
    return attempt(`${label} (${answer.config.location})`, tried, () => fromConfig(answer.config, { kind, location: answer.config.location }, []));
  };
  if (subfolder !== undefined) {
    // A model in a pipeline repo's folder (diffusers' `subfolder="unet"`): its config.json there, in the cache only.
    const cached = look('hf-cache', lookup.hfCache?.(id, revision, subfolder), 'Hugging Face cache');
    if (cached) return { status: 'resolved', model: cached };
    tried.push(`Hugging Face Hub and bundled presets: not asked for the model in the '${subfolder}' folder of a pipeline repo`);
    return { status: 'needs-config', reason: `model '${id}' (folder '${subfolder}') was not found: ${tried.join('; ')}`, tried, id, ...(at ? { at } : {}) };
  }
  if (!presetOnly(id)) {
    const cached = look('hf-cache', lookup.hfCache?.(id, revision), 'Hugging Face cache');
    if (cached) return { status: 'resolved', model: cached };
  }
  if (findPreset(id)) {
    const preset = attempt('bundled preset', tried, () => fromPreset(id, 'preset', id));
    if (preset) return { status: 'resolved', model: preset };
  } else {
    const hubAnswer = lookup.hub?.(id, revision);
    if (hubAnswer === undefined) tried.push('Hugging Face Hub: not asked (no consent given, or offline)');
    const hub = look('hub', hubAnswer, 'Hugging Face Hub');
    if (hub) return { status: 'resolved', model: hub };
    const mirror = unslothMirror(id);
    if (mirror !== undefined) {
      // An Unsloth mirror: only the preset it names exactly (models/unsloth.ts), never a preset of a similar name.
      const preset = presetForMirror(mirror);
      if (preset) {
        const model = attempt('bundled preset', tried, () => fromPreset(preset.hubId, 'preset-alias', id, describeMirror(mirror)));
        if (model) return { status: 'resolved', model };
      }
      tried.push(`bundled presets: ${describeMirror(mirror)}; no bundled preset is that model (${presetHint(mirror.upstream ?? mirror.name)})`);
    } else {
      const alias = findPresetByNameTail(id);
      if (alias) {
        const model = attempt('bundled preset', tried, () => fromPreset(alias.hubId, 'preset-alias', id));
        if (model) return { status: 'resolved', model };
      }
      tried.push(`bundled presets: ${presetHint(id)}`);
    }
  }
  return { status: 'needs-config', reason: `model '${id}' was not found: ${tried.join('; ')}`, tried, id, ...(at ? { at } : {}) };
}

/**
 * The job's model, resolved in the order of the file comment. Throws InputError only for a workspace
 * config.json that is malformed (the user's file is wrong, with its position); every other failure is
 * a 'needs-config' result.
 */
export function resolveModelSource(job: ScanJob, files: FileAccess, lookup: ModelLookup = {}): ModelResolution {
  const ref = job.model;
  if (ref === null) {
    return {
      status: 'needs-config',
      reason: 'no model found for this job (name one with model_name_or_path / base_model, or put its config.json beside the training config)',
      tried: [],
    };
  }
  if (ref.kind === 'config-file') {
    const name = files.displayName?.(ref.path) ?? ref.path;
    const read = readWith(files, { kind: 'config', name, path: ref.path, text: files.readText(ref.path) });
    if (read.kind === 'error') throw readErrorOf(read);
    if (read.kind !== 'config') throw new Error(`readModelFile answered a config with '${read.kind}'`);
    const inventory = read.inventory;
    const notes: string[] = [];
    const indexPath = safetensorsIndexPath(ref.path);
    let indexText: string | undefined;
    try {
      indexText = files.readText(indexPath);
    } catch (e) {
      if (!(e instanceof InputError)) throw e; // no index beside the config: nothing to check
    }
    if (indexText !== undefined) notes.push(indexCheck(inventory, { text: indexText, location: indexPath }, files));
    return {
      status: 'resolved',
      model: { inventory, source: ref.path, origin: { kind: 'workspace', location: ref.path }, approximate: inventory.family === 'generic', assumptions: [], notes },
    };
  }
  if (ref.kind === 'script-config') {
    // The script builds the model from its own globals (nanoGPT init_from='scratch'): the config of that shape.
    const location = `${ref.path} (${ref.name})`;
    let inventory: ModelInventory;
    try {
      inventory = buildInventory(ref.config, ref.path);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const reason = `the model ${location} builds from its globals is not valid: ${e.message}`;
      return { status: 'needs-config', reason, tried: [reason], at: { path: ref.path, line: ref.range.line, column: ref.range.column } };
    }
    return { status: 'resolved', model: { inventory, source: location, origin: { kind: 'workspace', location }, approximate: false, assumptions: [], notes: [] } };
  }
  if (ref.kind === 'local-path') {
    const at = { path: ref.path, line: ref.range.line, column: ref.range.column };
    const answer = lookup.localPath?.(ref.value, ref.path);
    if (answer === undefined) {
      return { status: 'needs-config', reason: `'${ref.value}' is outside the workspace, and reading outside it is off here (untrusted workspace)`, tried: [], at };
    }
    if (answer.kind === 'missing') return { status: 'needs-config', reason: answer.reason, tried: [answer.reason], at };
    const tried: string[] = [];
    const model = attempt(answer.config.location, tried, () => fromConfig(answer.config, { kind: 'local-path', location: answer.config.location }, []));
    return model ? { status: 'resolved', model } : { status: 'needs-config', reason: tried.join('; '), tried, at };
  }
  return resolveHubId(ref, lookup);
}

/**
 * The Hub ids the jobs would ask the Hub for (not in the cache, not a bundled preset): what a caller
 * fetches before resolving, so that resolution itself stays synchronous and pure.
 */
export function hubIdsToFetch(jobs: readonly ScanJob[], lookup: ModelLookup): { id: string; revision: string }[] {
  const out: { id: string; revision: string }[] = [];
  for (const job of jobs) {
    const ref = job.model;
    if (ref?.kind !== 'hub-id' || !mayAskHub(ref.id) || ref.subfolder !== undefined) continue;
    const revision = ref.revision ?? DEFAULT_REVISION;
    if (lookup.hfCache?.(ref.id, revision)?.kind === 'found') continue;
    if (!out.some((x) => x.id === ref.id && x.revision === revision)) out.push({ id: ref.id, revision });
  }
  return out;
}

/** How a job's model reference is shown (hub id, config path, or the outside path as written). */
export function modelRefText(ref: ModelRef): string {
  return ref.kind === 'hub-id' ? ref.id : ref.kind === 'local-path' ? ref.value : ref.kind === 'script-config' ? ref.name : ref.path;
}
