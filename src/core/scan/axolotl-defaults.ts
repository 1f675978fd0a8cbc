/**
 * What axolotl does with a config's training keys, as typed data with sources: the defaults of its
 * pydantic schema (applied when a key is left out) and how its precision flags load the model.
 */
import type { Citation } from '../types';
import type { ToolDefault } from './contribution';
import type { TrainingSettings } from './types';

export const AXOLOTL_TRAINING_SCHEMA: Citation = {
  title: 'axolotl, HyperparametersConfig (training hyperparameters schema)',
  url: 'https://github.com/axolotl-ai-cloud/axolotl/blob/067b021c8b87a9e5e380b9173c704cf7340e30f5/src/axolotl/utils/schemas/training.py',
  locator: 'gradient_accumulation_steps=1, micro_batch_size=1, weight_decay=0.0, optimizer=adamw_torch_fused, lr_scheduler=cosine; learning_rate may be a string (converted to float)',
};

export const AXOLOTL_CONFIG_SCHEMA: Citation = {
  title: 'axolotl, AxolotlInputConfig',
  url: 'https://github.com/axolotl-ai-cloud/axolotl/blob/067b021c8b87a9e5e380b9173c704cf7340e30f5/src/axolotl/utils/schemas/config.py',
  locator: 'sequence_len=512, gradient_checkpointing=False',
};

export const AXOLOTL_PEFT_SCHEMA: Citation = {
  title: 'axolotl, LoraConfig (PEFT schema and validators)',
  url: 'https://github.com/axolotl-ai-cloud/axolotl/blob/067b021c8b87a9e5e380b9173c704cf7340e30f5/src/axolotl/utils/schemas/peft.py',
  locator: 'validate_adapter: load_in_4bit/8bit need an adapter; validate_qlora: "Require cfg.load_in_4bit to be True for qlora", "Can\'t load qlora in 8bit"',
};

export const AXOLOTL_DTYPE_SOURCE: Citation = {
  title: 'axolotl, normalize_config / resolve_dtype',
  url: 'https://github.com/axolotl-ai-cloud/axolotl/blob/067b021c8b87a9e5e380b9173c704cf7340e30f5/src/axolotl/utils/config/__init__.py',
  locator:
    'bf16 or bfloat16 -> torch_dtype = torch.bfloat16, fp16 or float16 -> torch.float16, else float32 (the model is loaded in that dtype); bf16: auto -> bf16 when the GPU supports it, else fp16; batch_size without gradient_accumulation_steps -> batch_size // micro_batch_size',
};

export const AXOLOTL_DEFAULTS = {
  optimizer: { setting: 'optimizer', key: 'optimizer', value: 'adamw_torch_fused' },
  weightDecay: { setting: 'weightDecay', key: 'weight_decay', value: 0 },
  perDeviceBatchSize: { setting: 'perDeviceBatchSize', key: 'micro_batch_size', value: 1 },
  gradAccum: { setting: 'gradAccum', key: 'gradient_accumulation_steps', value: 1 },
  scheduler: { setting: 'scheduler', key: 'lr_scheduler', value: 'cosine' },
} as const satisfies { readonly [K in keyof TrainingSettings]?: ToolDefault<K> };

export const AXOLOTL_CONFIG_DEFAULTS = {
  seqLen: { setting: 'seqLen', key: 'sequence_len', value: 512 },
  gradientCheckpointing: { setting: 'gradientCheckpointing', key: 'gradient_checkpointing', value: false },
} as const satisfies { readonly [K in keyof TrainingSettings]?: ToolDefault<K> };

export const AXOLOTL_QLORA_SOURCE: Citation = {
  title: 'axolotl, ModelLoader (src/axolotl/loaders/model.py) and load_lora (src/axolotl/loaders/adapter.py)',
  url: 'https://github.com/axolotl-ai-cloud/axolotl/blob/067b021c8b87a9e5e380b9173c704cf7340e30f5/src/axolotl/loaders/model.py',
  locator:
    'adapter qlora + load_in_4bit: BitsAndBytesConfig(bnb_4bit_compute_dtype=cfg.torch_dtype, nf4, double quant); load_lora: get_peft_model(model, lora_config, autocast_adapter_dtype=cfg.peft_autocast_adapter_dtype when set)',
};
