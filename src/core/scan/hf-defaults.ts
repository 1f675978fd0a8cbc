/**
 * Defaults that Hugging Face tools apply when a JSON arguments file leaves a field out, as typed
 * data with sources. HfArgumentParser.parse_json_file builds the dataclasses from the JSON as is, so
 * an absent key takes the dataclass default below.
 */
import type { Citation } from '../types';
import type { ToolDefault } from './contribution';
import type { TrainingSettings } from './types';

export const TRAINING_ARGUMENTS_SOURCE: Citation = {
  title: 'Hugging Face Transformers, TrainingArguments',
  url: 'https://github.com/huggingface/transformers/blob/fd798335c275520af034c678b35e8167820c7c80/src/transformers/training_args.py',
  locator: 'TrainingArguments dataclass field defaults',
};

export const TRL_MODEL_CONFIG_SOURCE: Citation = {
  title: 'TRL, ModelConfig',
  url: 'https://github.com/huggingface/trl/blob/f2cd57710ae345ea6428ae95363267fcf38a3dc8/trl/trainer/model_config.py',
  locator: 'ModelConfig.lora_r default',
};

/** TrainingArguments defaults for the settings a job needs (transformers training_args.py). */
export const TRAINER_DEFAULTS = {
  optimizer: {
    setting: 'optimizer',
    key: 'optim',
    value: 'adamw_torch',
    note: 'transformers uses "adamw_torch_fused" instead when torch >= 2.8 (the same AdamW with a fused kernel)',
  },
  learningRate: { setting: 'learningRate', key: 'learning_rate', value: 5e-5 },
  weightDecay: { setting: 'weightDecay', key: 'weight_decay', value: 0 },
  perDeviceBatchSize: { setting: 'perDeviceBatchSize', key: 'per_device_train_batch_size', value: 8 },
  gradAccum: { setting: 'gradAccum', key: 'gradient_accumulation_steps', value: 1 },
  gradientCheckpointing: { setting: 'gradientCheckpointing', key: 'gradient_checkpointing', value: false },
  scheduler: { setting: 'scheduler', key: 'lr_scheduler_type', value: 'linear' },
  warmupSteps: { setting: 'warmupSteps', key: 'warmup_steps', value: 0 },
  precision: {
    setting: 'precision',
    key: 'bf16/fp16',
    value: 'fp32',
    note: 'bf16 and fp16 both default to false: the Trainer trains in fp32 without autocast',
  },
} as const satisfies { readonly [K in keyof TrainingSettings]?: ToolDefault<K> };

/** TrainingArguments adam_beta1 / adam_beta2 defaults (the Trainer passes betas=(adam_beta1, adam_beta2)). */
export const TRAINER_ADAM_BETAS: readonly [number, number] = [0.9, 0.999];

/** TRL ModelConfig: `lora_r` defaults to 16 when `use_peft` is true and `lora_r` is not given. */
export const TRL_LORA_R_DEFAULT = 16;
