/**
 * Unsloth's mirror repos on the Hugging Face Hub: `unsloth/<name>` re-uploads the authors' checkpoint
 * `<name>` (16-bit), `unsloth/<name>-bnb-4bit` holds the same model quantized to bitsandbytes 4-bit, and
 * `unsloth/<name>-unsloth-bnb-4bit` is Unsloth's "dynamic" 4-bit upload (bitsandbytes 4-bit with some
 * parameters left unquantized). Sources:
 *  - UNSLOTH_MAPPER_SOURCE: Unsloth's own loader maps each 4-bit repo to its 16-bit mirror and the upstream id
 *    (e.g. "unsloth/llama-3-8b-bnb-4bit" -> "unsloth/llama-3-8b", "meta-llama/Meta-Llama-3-8B");
 *  - UNSLOTH_BNB_SOURCE: the model cards of the `-bnb-4bit` repos ("Directly quantized 4bit model with
 *    bitsandbytes"; the collection "Native bitsandbytes 4bit pre quantized models");
 *  - UNSLOTH_DYNAMIC_SOURCE: the collection of the `-unsloth-bnb-4bit` repos ("selectively skips quantizing
 *    certain parameters").
 *
 * A mirror id stands for a bundled preset only when `<name>` is, case-insensitively, the preset's own repo
 * name (its hub id's last part) or one of its aliases, or when Unsloth's loader names the preset's hub id as
 * the upstream checkpoint (UNSLOTH_UPSTREAM) — never by a similar name (mistral-7b-v0.3 is not v0.1).
 */
import type { Citation } from '../types';
import { PRESETS } from './presets/registry';
import type { ModelPreset } from './types';

export const UNSLOTH_MAPPER_SOURCE: Citation = {
  title: 'unslothai/unsloth unsloth/models/mapper.py (__INT_TO_FLOAT_MAPPER: 4-bit repo -> 16-bit mirror, upstream id)',
  url: 'https://github.com/unslothai/unsloth/blob/0050c73e05ca9bb74e42d0649be410f177160c08/unsloth/models/mapper.py',
  locator: '__INT_TO_FLOAT_MAPPER',
};

export const UNSLOTH_BNB_SOURCE: Citation = {
  title: 'Unsloth, model card of unsloth/llama-3-8b-bnb-4bit and the collection "Load 4bit models 4x faster"',
  url: 'https://huggingface.co/collections/unsloth/load-4bit-models-4x-faster-659042e3a41c3cbad582e734',
  locator: '"Native bitsandbytes 4bit pre quantized models"; model cards: "Directly quantized 4bit model with bitsandbytes"',
};

export const UNSLOTH_DYNAMIC_SOURCE: Citation = {
  title: 'Unsloth, collection "Unsloth 4-bit Dynamic Quants" and blog "Unsloth - Dynamic 4-bit Quantization"',
  url: 'https://unsloth.ai/blog/dynamic-4bit',
  locator: '"Unsloths Dynamic 4bit Quants selectively skips quantizing certain parameters ... <10% more VRAM than BnB 4bit"',
};

/**
 * The upstream checkpoint of Unsloth's 16-bit mirrors, as Unsloth's loader lists them (UNSLOTH_MAPPER_SOURCE:
 * the second entry of each 4-bit repo's tuple), for the mirrors the public Unsloth notebooks load. Keys are the
 * mirror's name after `unsloth/`, lower-case.
 */
const UNSLOTH_UPSTREAM: Readonly<Record<string, string>> = {
  'mistral-7b': 'mistralai/Mistral-7B-v0.1',
  'mistral-7b-instruct-v0.1': 'mistralai/Mistral-7B-Instruct-v0.1',
  'mistral-7b-instruct-v0.2': 'mistralai/Mistral-7B-Instruct-v0.2',
  'mistral-7b-v0.3': 'mistralai/Mistral-7B-v0.3',
  'mistral-7b-instruct-v0.3': 'mistralai/Mistral-7B-Instruct-v0.3',
  'mistral-nemo-base-2407': 'mistralai/Mistral-Nemo-Base-2407',
  'mistral-nemo-instruct-2407': 'mistralai/Mistral-Nemo-Instruct-2407',
  'mistral-small-instruct-2409': 'mistralai/Mistral-Small-Instruct-2409',
  'magistral-small-2509': 'mistralai/Magistral-Small-2509',
  'ministral-3-3b-instruct-2512': 'mistralai/Ministral-3-3B-Instruct-2512',
  'pixtral-12b-2409': 'mistralai/Pixtral-12B-2409',
  'mixtral-8x7b-v0.1': 'mistralai/Mixtral-8x7B-v0.1',
  'mixtral-8x7b-instruct-v0.1': 'mistralai/Mixtral-8x7B-Instruct-v0.1',
  'llama-2-7b': 'meta-llama/Llama-2-7b-hf',
  'llama-2-13b': 'meta-llama/Llama-2-13b-hf',
  'llama-2-7b-chat': 'meta-llama/Llama-2-7b-chat-hf',
  'llama-3-8b': 'meta-llama/Meta-Llama-3-8B',
  'llama-3-8b-instruct': 'meta-llama/Meta-Llama-3-8B-Instruct',
  'meta-llama-3.1-8b': 'meta-llama/Meta-Llama-3.1-8B',
  'meta-llama-3.1-8b-instruct': 'meta-llama/Meta-Llama-3.1-8B-Instruct',
  'llama-3.1-8b': 'meta-llama/Llama-3.1-8B',
  'llama-3.1-8b-instruct': 'meta-llama/Llama-3.1-8B-Instruct',
  'meta-llama-3.1-70b': 'meta-llama/Meta-Llama-3.1-70B',
  'meta-llama-3.1-70b-instruct': 'meta-llama/Meta-Llama-3.1-70B-Instruct',
  'llama-3.2-1b': 'meta-llama/Llama-3.2-1B',
  'llama-3.2-3b': 'meta-llama/Llama-3.2-3B',
  'llama-3.2-1b-instruct': 'meta-llama/Llama-3.2-1B-Instruct',
  'llama-3.2-3b-instruct': 'meta-llama/Llama-3.2-3B-Instruct',
  'llama-3.2-11b-vision-instruct': 'meta-llama/Llama-3.2-11B-Vision-Instruct',
  'llama-3.3-70b-instruct': 'meta-llama/Llama-3.3-70B-Instruct',
  'gemma-2b': 'google/gemma-2b',
  'gemma-7b': 'google/gemma-7b',
  'gemma-7b-it': 'google/gemma-7b-it',
  'gemma-2-2b': 'google/gemma-2-2b',
  'gemma-2-2b-it': 'google/gemma-2-2b-it',
  'gemma-2-9b': 'google/gemma-2-9b',
  'gemma-2-9b-it': 'google/gemma-2-9b-it',
  'gemma-2-27b': 'google/gemma-2-27b',
  'codegemma-7b': 'google/codegemma-7b',
  'gemma-3-270m': 'google/gemma-3-270m',
  'gemma-3-270m-it': 'google/gemma-3-270m-it',
  'gemma-3-1b-it': 'google/gemma-3-1b-it',
  'gemma-3-4b-it': 'google/gemma-3-4b-it',
  'gemma-3-4b-pt': 'google/gemma-3-4b-pt',
  'gemma-3-12b-it': 'google/gemma-3-12b-it',
  'gemma-3-27b-it': 'google/gemma-3-27b-it',
  'gemma-3n-e4b': 'google/gemma-3n-E4B',
  'gemma-3n-e4b-it': 'google/gemma-3n-E4B-it',
  'gemma-3n-e2b-it': 'google/gemma-3n-E2B-it',
  'gemma-4-e2b-it': 'google/gemma-4-E2B-it',
  'gemma-4-e4b-it': 'google/gemma-4-E4B-it',
  'gemma-4-31b-it': 'google/gemma-4-31B-it',
  'gemma-4-26b-a4b-it': 'google/gemma-4-26B-A4B-it',
  'functiongemma-270m-it': 'google/functiongemma-270m-it',
  'phi-3-mini-4k-instruct': 'microsoft/Phi-3-mini-4k-instruct',
  'phi-3-medium-4k-instruct': 'microsoft/Phi-3-medium-4k-instruct',
  'phi-3.5-mini-instruct': 'microsoft/Phi-3.5-mini-instruct',
  'phi-4': 'microsoft/phi-4',
  'phi-4-mini-instruct': 'microsoft/Phi-4-mini-instruct',
  'qwen2.5-0.5b': 'Qwen/Qwen2.5-0.5B',
  'qwen2.5-0.5b-instruct': 'Qwen/Qwen2.5-0.5B-Instruct',
  'qwen2.5-1.5b': 'Qwen/Qwen2.5-1.5B',
  'qwen2.5-1.5b-instruct': 'Qwen/Qwen2.5-1.5B-Instruct',
  'qwen2.5-3b': 'Qwen/Qwen2.5-3B',
  'qwen2.5-3b-instruct': 'Qwen/Qwen2.5-3B-Instruct',
  'qwen2.5-7b': 'Qwen/Qwen2.5-7B',
  'qwen2.5-7b-instruct': 'Qwen/Qwen2.5-7B-Instruct',
  'qwen2.5-14b-instruct': 'Qwen/Qwen2.5-14B-Instruct',
  'qwen2.5-coder-7b-instruct': 'Qwen/Qwen2.5-Coder-7B-Instruct',
  'qwen2.5-coder-14b-instruct': 'Qwen/Qwen2.5-Coder-14B-Instruct',
  'qwen2.5-vl-7b-instruct': 'Qwen/Qwen2.5-VL-7B-Instruct',
  'qwen3-0.6b': 'Qwen/Qwen3-0.6B',
  'qwen3-1.7b': 'Qwen/Qwen3-1.7B',
  'qwen3-4b': 'Qwen/Qwen3-4B',
  'qwen3-8b': 'Qwen/Qwen3-8B',
  'qwen3-14b': 'Qwen/Qwen3-14B',
  'qwen3-32b': 'Qwen/Qwen3-32B',
  'qwen3-0.6b-base': 'Qwen/Qwen3-0.6B-Base',
  'qwen3-1.7b-base': 'Qwen/Qwen3-1.7B-Base',
  'qwen3-4b-base': 'Qwen/Qwen3-4B-Base',
  'qwen3-8b-base': 'Qwen/Qwen3-8B-Base',
  'qwen3-14b-base': 'Qwen/Qwen3-14B-Base',
  'qwen3-30b-a3b': 'Qwen/Qwen3-30B-A3B',
  'qwen3-4b-instruct-2507': 'Qwen/Qwen3-4B-Instruct-2507',
  'qwen3-4b-thinking-2507': 'Qwen/Qwen3-4B-Thinking-2507',
  'qwen3-vl-8b-instruct': 'Qwen/Qwen3-VL-8B-Instruct',
  'deepseek-r1-0528-qwen3-8b': 'deepseek-ai/DeepSeek-R1-0528-Qwen3-8B',
  'gpt-oss-20b': 'openai/gpt-oss-20b',
  'gpt-oss-120b': 'openai/gpt-oss-120b',
  'lfm2-1.2b': 'LiquidAI/LFM2-1.2B',
  'granite-4.0-h-micro': 'ibm-granite/granite-4.0-h-micro',
  'granite-4.0-350m': 'ibm-granite/granite-4.0-350m',
  'orpheus-3b-0.1-ft': 'canopylabs/orpheus-3b-0.1-ft',
  'llasa-1b': 'HKUSTAudio/Llasa-1B',
  'llama-outetts-1.0-1b': 'OuteAI/Llama-OuteTTS-1.0-1B',
};

/** What an `unsloth/...` id says: the mirrored name, whether the repo holds 4-bit weights, and the upstream id. */
export interface UnslothMirror {
  /** The id as written. */
  readonly id: string;
  /** The 16-bit mirror's name after `unsloth/` (the 4-bit suffix removed). */
  readonly name: string;
  /** 'bnb-4bit': `-bnb-4bit`; 'dynamic-4bit': `-unsloth-bnb-4bit`; null: the 16-bit mirror. */
  readonly quantized: 'bnb-4bit' | 'dynamic-4bit' | null;
  /** The upstream checkpoint Unsloth's loader names for it, when listed (UNSLOTH_UPSTREAM). */
  readonly upstream?: string;
}

const ORG = /^unsloth\//i;

/** The Unsloth mirror an id names (`unsloth/<name>[-bnb-4bit|-unsloth-bnb-4bit]`), or undefined for other ids. */
export function unslothMirror(id: string): UnslothMirror | undefined {
  const trimmed = id.trim();
  if (!ORG.test(trimmed)) return undefined;
  let name = trimmed.replace(ORG, '');
  if (name === '' || name.includes('/')) return undefined;
  let quantized: UnslothMirror['quantized'] = null;
  const lower = name.toLowerCase();
  if (lower.endsWith('-unsloth-bnb-4bit')) {
    quantized = 'dynamic-4bit';
    name = name.slice(0, -'-unsloth-bnb-4bit'.length);
  } else if (lower.endsWith('-bnb-4bit')) {
    quantized = 'bnb-4bit';
    name = name.slice(0, -'-bnb-4bit'.length);
  }
  if (name === '') return undefined;
  const upstream = UNSLOTH_UPSTREAM[name.toLowerCase()];
  return { id: trimmed, name, quantized, ...(upstream !== undefined ? { upstream } : {}) };
}

/** True when the id names one of Unsloth's bitsandbytes 4-bit repos (its weights are stored in 4-bit). */
export function isUnslothBnb4bit(id: string): boolean {
  return unslothMirror(id)?.quantized != null;
}

/**
 * The bundled preset a mirror stands for: the one preset whose repo name (hub id's last part) or alias equals
 * the mirror's name, or whose hub id or alias is the upstream id; undefined when none or several match.
 */
export function presetForMirror(mirror: UnslothMirror): ModelPreset | undefined {
  const wanted = mirror.name.toLowerCase();
  const upstream = mirror.upstream?.toLowerCase();
  const names = (p: ModelPreset) => [p.hubId, ...(p.aliases ?? [])].map((n) => n.toLowerCase());
  const matches = PRESETS.filter((p) =>
    names(p).some((n) => n === wanted || n.split('/').pop() === wanted || (upstream !== undefined && n === upstream)),
  );
  return matches.length === 1 ? matches[0] : undefined;
}

/** How the mirror is described in assumptions and messages. */
export function describeMirror(mirror: UnslothMirror): string {
  const what =
    mirror.quantized === 'bnb-4bit' ? `Unsloth's bitsandbytes 4-bit upload of 'unsloth/${mirror.name}'`
    : mirror.quantized === 'dynamic-4bit' ? `Unsloth's dynamic 4-bit upload (bitsandbytes 4-bit, some layers left unquantized) of 'unsloth/${mirror.name}'`
    : `Unsloth's re-upload`;
  return mirror.upstream !== undefined
    ? `'${mirror.id}' is ${what}${mirror.quantized === null ? '' : ','} mirroring ${mirror.upstream} (Unsloth's loader, unsloth/models/mapper.py)`
    : `'${mirror.id}' is ${what}${mirror.quantized === null ? ` of a checkpoint named '${mirror.name}'` : ''} (its upstream repo is not in the list of Unsloth's loader kept here)`;
}
