/**
 * The model inventory: from a Hugging Face config.json (or a bundled preset) to the list of parameter
 * tensors of the class named in architectures[0], exactly as transformers / torchvision build it.
 *
 * Family selection: by `model_type` (case-insensitive, '-' and '_' alike); when model_type is absent,
 * by architectures[0] (or timm's `architecture`, or diffusers' `_class_name`) among the classes the families build. No family ->
 * the generic fallback (families/generic.ts) with a warning, or an InputError when the size fields do
 * not suffice.
 *
 * Architecture: architectures[0] when the family builds that class; absent -> the family's base model;
 * a class the family does not build (e.g. LlamaForQuestionAnswering) -> the base model plus a warning
 * that the head's parameters are not counted.
 *
 * Size fields (hidden size, layers, heads, vocabulary, MLP width, experts) are required; other fields
 * default to the transformers config class defaults, as transformers does. Values outside the caps in
 * limits.ts are rejected.
 */
import { InputError } from '../types';
import { FAMILIES } from './families/registry';
import { buildGeneric, unbuildable } from './families/generic';
import { isJsonObject, showValue } from './fields';
import { MAX_TOTAL_PARAMS } from './limits';
import { PRESETS } from './presets/registry';
import { countTensors } from './tensors';
import type { JsonObject, ModelFamily, ModelInventory, ModelPreset } from './types';

export { FAMILIES };
export type { ArchitectureShape, JsonObject, ModelFamily, ModelInventory, ModelPreset, TransformerStack } from './types';

const normType = (s: string): string => s.trim().toLowerCase().replace(/-/g, '_');

function familyByModelType(modelType: string): ModelFamily | undefined {
  const wanted = normType(modelType);
  return FAMILIES.find((f) => f.modelTypes.some((t) => normType(t) === wanted));
}

function familyByArchitecture(architecture: string): ModelFamily | undefined {
  const wanted = architecture.toLowerCase();
  return FAMILIES.find((f) => f.architectures.some((a) => a.toLowerCase() === wanted));
}

function familyName(family: ModelFamily): string {
  return family.modelTypes[0] ?? family.source.title;
}

/** transformers' own CNN classes share model_type names with the torchvision families but not their modules. */
function cnnHint(modelType: string): string {
  const cnn = FAMILIES.filter((f) => f.modelTypes.length === 0 && f.architectures.some((a) => a.startsWith(normType(modelType))));
  return cnn.length
    ? `; transformers' ${modelType} classes are not modelled, torchvision/timm configs such as {"architecture": "${cnn[0].architectures[0]}"} are`
    : '';
}

function supportedTypes(): string {
  return FAMILIES.flatMap((f) => f.modelTypes).join(', ');
}

/** The class to build and the warnings that choice produces. */
function chooseArchitecture(
  family: ModelFamily,
  requested: string | undefined,
): { architecture: string; warnings: string[] } {
  const base = family.architectures[0];
  if (requested === undefined) return { architecture: base, warnings: [] };
  const match = family.architectures.find((a) => a.toLowerCase() === requested.toLowerCase());
  if (match) return { architecture: match, warnings: [] };
  return {
    architecture: base,
    warnings: [
      `architectures[0] '${requested}' is not one of the ${familyName(family)} classes modelled ` +
        `(${family.architectures.join(', ')}); built ${base} instead, so parameters of that class's ` +
        `head are not counted`,
    ],
  };
}

function readIdentity(config: JsonObject): { modelType?: string; architecture?: string } {
  const modelType = config.model_type;
  if (modelType !== undefined && modelType !== null && typeof modelType !== 'string') {
    throw new InputError(`field 'model_type' must be a string, got ${showValue(modelType)}`);
  }
  const archs = config.architectures;
  let architecture: string | undefined;
  if (archs !== undefined && archs !== null) {
    if (!Array.isArray(archs) || !archs.every((a) => typeof a === 'string')) {
      throw new InputError(`field 'architectures' must be a list of class names, got ${showValue(archs)}`);
    }
    architecture = archs[0];
  }
  const timm = config.architecture;
  if (architecture === undefined && timm !== undefined && timm !== null) {
    if (typeof timm !== 'string') throw new InputError(`field 'architecture' must be a string, got ${showValue(timm)}`);
    architecture = timm;
  }
  // A diffusers model config (unet/config.json) names its class in `_class_name`.
  const diffusers = config._class_name;
  if (architecture === undefined && typeof diffusers === 'string' && diffusers.trim() !== '') architecture = diffusers;
  return {
    ...(typeof modelType === 'string' && modelType.trim() ? { modelType } : {}),
    ...(architecture ? { architecture } : {}),
  };
}

function finish(inv: ModelInventory, warnings: readonly string[]): ModelInventory {
  const { total } = countTensors(inv.tensors);
  if (total > MAX_TOTAL_PARAMS) {
    throw new InputError(
      `the config describes ${total.toExponential(3)} parameters, above the sane cap of ` +
        `${MAX_TOTAL_PARAMS.toExponential(0)} (100 trillion); check the size fields`,
    );
  }
  return warnings.length ? { ...inv, warnings: [...warnings, ...inv.warnings] } : inv;
}

/**
 * The checkpoint dtype config.json records (`torch_dtype`, or `dtype` as transformers >= 4.56
 * writes it), kept in the inventory's config: the estimator reads it when a job loads the model
 * with dtype 'auto' (memory/load-dtype.ts).
 */
function withCheckpointDtype(inv: ModelInventory, config: JsonObject): ModelInventory {
  const kept: Record<string, string> = {};
  for (const key of ['torch_dtype', 'dtype']) {
    const v = config[key];
    if (typeof v === 'string') kept[key] = v;
  }
  return Object.keys(kept).length === 0 ? inv : { ...inv, config: { ...inv.config, ...kept } };
}

function build(config: unknown): ModelInventory {
  if (!isJsonObject(config)) {
    const kind = Array.isArray(config) ? 'an array' : config === null ? 'null' : `a ${typeof config}`;
    throw new InputError(`a model config must be a JSON object, got ${kind}`);
  }
  const { modelType, architecture } = readIdentity(config);
  const family =
    modelType !== undefined
      ? familyByModelType(modelType)
      : architecture !== undefined
        ? familyByArchitecture(architecture)
        : undefined;
  if (family) {
    const chosen = chooseArchitecture(family, architecture);
    return withCheckpointDtype(finish(family.build(config, chosen.architecture), chosen.warnings), config);
  }
  const what =
    modelType !== undefined
      ? `model_type '${modelType}' is not a supported family`
      : architecture !== undefined
        ? `architecture '${architecture}' is not a supported class and the config has no 'model_type'`
        : `the config has neither 'model_type' nor 'architectures'`;
  const nested = config.text_config;
  if (isJsonObject(nested)) return buildTextConfig(config, nested, what);
  try {
    return withCheckpointDtype(finish(buildGeneric(config, what, architecture), []), config);
  } catch (e) {
    if (e instanceof InputError) {
      const supported = modelType !== undefined ? ` (supported: ${supportedTypes()}${cnnHint(modelType)})` : '';
      throw unbuildable(what + supported, e);
    }
    throw e;
  }
}

/**
 * A composite config (vision-language models such as Llava, Gemma 3, Qwen2.5-VL) whose own model_type
 * no family handles: transformers keeps the language model's config under `text_config`
 * (PretrainedConfig sub_configs, configuration_utils.py). The language model is built from it, and the
 * warning says that the other sub-models (vision tower, projector) are not counted.
 */
function buildTextConfig(config: JsonObject, textConfig: JsonObject, what: string): ModelInventory {
  let inner: ModelInventory;
  try {
    inner = build(textConfig);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${what}; its 'text_config' cannot be built either: ${e.message}`);
    throw e;
  }
  const others = Object.keys(config).filter((k) => k !== 'text_config' && /_config$/.test(k) && isJsonObject(config[k]));
  const warning =
    `${what}: built the language model of its 'text_config' (${inner.architecture}) only; ` +
    `${others.length ? `the sub-models of ${others.map((k) => `'${k}'`).join(', ')} are` : 'any other sub-model is'} not counted, so the parameter count is a lower bound`;
  return withCheckpointDtype({ ...inner, warnings: [warning, ...inner.warnings] }, config);
}

/**
 * The inventory of the model a parsed config.json describes. `source` (a file name) is attached to
 * InputErrors for messages (`file: message`).
 */
export function buildInventory(config: unknown, source?: string): ModelInventory {
  try {
    return build(config);
  } catch (e) {
    if (e instanceof InputError && e.file === undefined && source !== undefined) {
      throw new InputError(e.message, source, e.line, e.column);
    }
    throw e;
  }
}

const normRef = (ref: string): string =>
  ref
    .trim()
    .replace(/^https?:\/\/huggingface\.co\//i, '')
    .replace(/^hf:\/\//i, '')
    .replace(/\/+$/, '')
    .toLowerCase();

/** A bundled preset by hub id or alias (case-insensitive; a huggingface.co URL works too). */
export function findPreset(ref: string): ModelPreset | undefined {
  const wanted = normRef(ref);
  if (!wanted) return undefined;
  return PRESETS.find((p) => p.hubId.toLowerCase() === wanted || (p.aliases ?? []).some((a) => a.toLowerCase() === wanted));
}

/** Words of a model name that say nothing about its family (organisation names, variants). */
const NON_FAMILY_WORDS = new Set(['meta', 'hf', 'instruct', 'chat', 'base', 'it', 'v', 'b', 'm', 'k', 'x', 'the', 'model', 'deduped', 'uncased', 'cased', 'patch', 'mini']);

/**
 * The family word of a model name: the first alphabetic word of its last path part that is not a
 * variant word ('qwen' in 'Qwen/Qwen3-4B-Instruct-2507', 'llama' in 'NousResearch/Meta-Llama-3-8B',
 * 'tinyllama' in 'TinyLlama/TinyLlama-1.1B').
 */
export function familyWord(ref: string): string | undefined {
  const tail = normRef(ref).split('/').pop() ?? '';
  return (tail.match(/[a-z]+/g) ?? []).find((w) => !NON_FAMILY_WORDS.has(w));
}

/** Preset names of the same family as `ref` (for "did you mean"); never from another family. */
export function similarPresets(ref: string): string[] {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const tail = squash(normRef(ref).split('/').pop() ?? '');
  const word = familyWord(ref);
  if (word === undefined) return [];
  const family = PRESETS.filter((p) => [p.hubId, ...(p.aliases ?? [])].some((n) => familyWord(n) === word));
  // Closest first: names containing the whole tail, then the rest of the family.
  const whole = tail.length >= 3 ? family.filter((p) => [p.hubId, ...(p.aliases ?? [])].some((n) => squash(n).includes(tail))) : [];
  return [...whole, ...family.filter((p) => !whole.includes(p))].map((p) => p.hubId).slice(0, 4);
}

/**
 * A preset whose name tail (the part after the organisation) equals `ref`'s: a re-upload of the same
 * checkpoint under another organisation (`NousResearch/Meta-Llama-3-8B` is meta-llama/Meta-Llama-3-8B).
 * Undefined when no preset, or more than one preset, has that tail, or when `ref` is the preset itself.
 */
export function findPresetByNameTail(ref: string): ModelPreset | undefined {
  if (findPreset(ref)) return undefined;
  const tail = normRef(ref).split('/').pop() ?? '';
  if (!tail) return undefined;
  const tailOf = (n: string) => n.toLowerCase().split('/').pop();
  const matches = PRESETS.filter((p) => [p.hubId, ...(p.aliases ?? [])].some((n) => tailOf(n) === tail));
  return matches.length === 1 ? matches[0] : undefined;
}

/** "did you mean" presets of the same family, or a sentence saying there is none. */
export function presetHint(ref: string): string {
  const similar = similarPresets(ref);
  if (similar.length) return `did you mean ${similar.join(', ')}?`;
  const word = familyWord(ref);
  return `no bundled preset of the ${word !== undefined ? `'${word}' ` : ''}family among the ${PRESETS.length}`;
}

/** The inventory of a bundled preset (hub id, alias or CNN name); InputError when unknown. */
export function inventoryForRef(ref: string): ModelInventory {
  const preset = findPreset(ref);
  if (!preset) {
    throw new InputError(`unknown model '${ref.trim()}': not a bundled preset (${presetHint(ref)}); point to its config.json instead`);
  }
  return buildInventory(preset.config, preset.hubId);
}

/** Total and trainable parameters; a tied tensor is counted once, on its owner. */
export function countParams(inv: ModelInventory): { total: number; trainable: number } {
  return countTensors(inv.tensors);
}

export function listPresets(): readonly ModelPreset[] {
  return PRESETS;
}
