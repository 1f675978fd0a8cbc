/**
 * How Lightning's Trainer arguments map to the estimator's settings, as typed data with sources:
 * `precision` values (the current names and the legacy ones Lightning converts), and `devices`.
 */
import type { Citation, Precision } from '../types';
import type { OffloadTarget, ZeroStage } from '../memory/types';
import { LIGHTNING_STRATEGIES } from './sharding';

export const LIGHTNING_PRECISION_SOURCE: Citation = {
  title: 'Lightning Trainer, precision',
  url: 'https://lightning.ai/docs/pytorch/stable/common/trainer.html#precision',
  locator:
    '"32-true", "16-mixed", "bf16-mixed", "16-true", "bf16-true", "64-true"; legacy 32/16/"bf16" are converted to "32-true"/"16-mixed"/"bf16-mixed" (_convert_precision_to_unified_args)',
};

/**
 * Lightning precision -> estimator precision. "-mixed" is torch AMP over fp32 weights; "-true"
 * casts the model (pure half precision). 64-bit and Transformer Engine are not modelled (null).
 */
export const LIGHTNING_PRECISION: Readonly<Record<string, Precision | null>> = {
  '32-true': 'fp32',
  '32': 'fp32',
  '16-mixed': 'fp16-mixed',
  '16': 'fp16-mixed',
  'bf16-mixed': 'bf16-mixed',
  bf16: 'bf16-mixed',
  '16-true': 'fp16',
  'bf16-true': 'bf16',
  '64-true': null,
  '64': null,
  'transformer-engine': null,
  'transformer-engine-float16': null,
};

/** The estimator precision of a Lightning `precision` value; undefined when it is not one. */
export function lightningPrecision(value: string | number): Precision | null | undefined {
  const key = String(value).trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(LIGHTNING_PRECISION, key) ? LIGHTNING_PRECISION[key] : undefined;
}

/**
 * GPUs a Lightning `devices` value asks for: an int, a numeric string, a list of ids or a
 * comma-separated id string. -1 / "auto" (all visible devices) give null: not knowable from the file.
 */
export function lightningDeviceCount(value: string | number | readonly number[]): number | null {
  if (Array.isArray(value)) return value.length > 0 ? value.length : null;
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : null;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text) > 0 ? Number(text) : null;
  if (/^\d+(\s*,\s*\d+)+,?$/.test(text) || /^\d+,$/.test(text)) return text.split(',').filter((s) => s.trim() !== '').length;
  return null;
}

/** A registered strategy name's ZeRO equivalent (LIGHTNING_STRATEGIES_SOURCE), or null (ddp, auto, ...). */
export function lightningStrategy(name: string): { stage: ZeroStage; offload: OffloadTarget } | null {
  const key = name.trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(LIGHTNING_STRATEGIES, key) ? LIGHTNING_STRATEGIES[key] : null;
}
