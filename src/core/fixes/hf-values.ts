/**
 * The TrainingArguments values a switch to an HF `optim` string writes, one list for the quick fixes (JSON/YAML
 * arguments files, axolotl keys, Python `TrainingArguments(optim=...)`) and the change to paste (paste.ts): the
 * learning rate and weight decay always, betas when they differ from the Trainer's default or the file sets them,
 * eps when the file sets it, and GaLore's settings (`optim_args` rank/update_proj_gap/scale and
 * `optim_target_modules`, which the Trainer requires for GaLore: the modules its authors project; transformers
 * training_args.py), and, when nothing fits as the job is set up, the TrainingArguments of the plan that makes the
 * optimizer fit (hfPlanValues: its optim spelling, checkpointing, micro-batch).
 */
import { GALORE_TARGET_MODULES } from '../advisor/strategies';
import type { HyperparameterAdvice, StrategyPlan } from '../advisor/types';
import { getOptimizer } from '../optimizers';
import type { OptimizerId } from '../optimizers/types';
import { TRAINER_ADAM_BETAS } from '../scan/hf-defaults';
import { formatNumber, type ArgumentValue } from './values';

/** TrainingArguments field names for the optimizer's hyperparameters (transformers training_args.py). */
export const HF_KEYS = { lr: 'learning_rate', weightDecay: 'weight_decay', beta1: 'adam_beta1', beta2: 'adam_beta2', eps: 'adam_epsilon' } as const;

/** GaLore's optim_args string (rank, update_proj_gap, scale), null for advice without them. */
export function galoreOptimArgs(advice: HyperparameterAdvice): string | null {
  const { rank, update_proj_gap: gap, scale } = advice.extra;
  if (typeof rank !== 'number' || typeof gap !== 'number' || typeof scale !== 'number') return null;
  return `rank=${rank},update_proj_gap=${gap},scale=${formatNumber(scale)}`;
}

/** The values to write besides the optim string; `has(key)` says whether the file already sets a key. */
export function hfOptimizerValues(target: OptimizerId, advice: HyperparameterAdvice, has: (key: string) => boolean): Record<string, ArgumentValue> {
  const spec = getOptimizer(target);
  const values: Record<string, ArgumentValue> = {};
  if (advice.lr !== null) values[HF_KEYS.lr] = advice.lr;
  values[HF_KEYS.weightDecay] = advice.weightDecay;
  const betas = advice.betas;
  if (betas !== null && betas.length >= 2 && 'betas' in spec.defaults) {
    if (has(HF_KEYS.beta1) || betas[0] !== TRAINER_ADAM_BETAS[0]) values[HF_KEYS.beta1] = betas[0]!;
    if (has(HF_KEYS.beta2) || betas[1] !== TRAINER_ADAM_BETAS[1]) values[HF_KEYS.beta2] = betas[1]!;
  }
  if (typeof advice.eps === 'number' && has(HF_KEYS.eps)) values[HF_KEYS.eps] = advice.eps;
  const galore = galoreOptimArgs(advice);
  if (galore !== null) {
    values['optim_args'] = galore;
    if (!has('optim_target_modules')) values['optim_target_modules'] = GALORE_TARGET_MODULES;
  }
  return values;
}

/**
 * The TrainingArguments a plan sets (each step's `settings`, in order), when the plan keeps `target`: no step
 * switches to another optimizer. Null without a plan, when it switches, or when it sets none. With them, the
 * switch is the configuration the plan estimates to fit (e.g. `galore_adamw_8bit_layerwise`, its target modules,
 * checkpointing and the smaller micro-batch), not the optimizer alone.
 */
export function hfPlanValues(target: OptimizerId, plan: StrategyPlan | null | undefined): Record<string, ArgumentValue> | null {
  if (!plan || plan.fits !== true || plan.steps.some((s) => s.optimizer !== undefined && s.optimizer !== target)) return null;
  const values: Record<string, ArgumentValue> = {};
  for (const step of plan.steps) Object.assign(values, step.settings ?? {});
  return Object.keys(values).length > 0 ? values : null;
}

/**
 * The optim string and the values to write: the optimizer's (hfOptimizerValues), then the plan's (hfPlanValues),
 * whose optim spelling replaces `spelling`.
 */
export function hfSwitchValues(
  target: OptimizerId,
  spelling: string,
  advice: HyperparameterAdvice,
  has: (key: string) => boolean,
  plan: StrategyPlan | null | undefined,
): { optim: string; values: Record<string, ArgumentValue> } {
  const { optim, ...planned } = hfPlanValues(target, plan) ?? {};
  return { optim: typeof optim === 'string' ? optim : spelling, values: { ...hfOptimizerValues(target, advice, has), ...planned } };
}

/** axolotl's names for the TrainingArguments a plan sets (axolotl src/axolotl/utils/schemas/training.py). */
const AXOLOTL_KEYS: Readonly<Record<string, string>> = { per_device_train_batch_size: 'micro_batch_size' };

/** TrainingArguments values under axolotl's names (the paste's axolotl keys and the quick fix in an axolotl config). */
export function axolotlKeys(values: Readonly<Record<string, ArgumentValue>>): Record<string, ArgumentValue> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [AXOLOTL_KEYS[k] ?? k, v]));
}
