/**
 * Facts about Python training APIs that the script reader relies on, with sources: which calls
 * build optimizers and where their learning rate sits, defaults of timm's optimizer factory and
 * PEFT's LoraConfig, and what autocast does without a dtype.
 */
import type { Citation } from '../../types';

/** Top-level packages whose classes/functions build optimizers (resolved against the catalog). */
export const OPTIMIZER_PACKAGES: ReadonlySet<string> = new Set([
  'torch', 'bitsandbytes', 'optax', 'tensorflow', 'keras', 'timm', 'transformers', 'apex', 'deepspeed', 'lion_pytorch',
  'galore_torch', 'schedulefree', 'came_pytorch', 'adam_mini', 'muon', 'sophia', 'soap', 'distributed_shampoo',
  'torchao', 'heavyball', 'pytorch_optimizer', 'ademamix', 'mars',
]);

/**
 * Where a positional learning rate sits: torch.optim-style classes take (params, lr, ...);
 * optax and Keras optimizers take the learning rate first.
 * Sources: torch.optim.SGD(params, lr=0.001, ...); optax.adamw(learning_rate, b1, b2, ...);
 * keras.optimizers.Adam(learning_rate=0.001, ...).
 */
export function positionalNames(callee: string): readonly (string | null)[] {
  if (callee.startsWith('optax.')) return ['learning_rate'];
  if (callee.startsWith('keras.') || callee.startsWith('tensorflow.')) return ['learning_rate'];
  return ['params', 'lr'];
}

export const TIMM_CREATE_OPTIMIZER_SOURCE: Citation = {
  title: 'timm optim/_optim_factory.py, create_optimizer_v2',
  url: 'https://github.com/huggingface/pytorch-image-models/blob/0a0b4f494ddf2402c3872728509cfc7509304e9f/timm/optim/_optim_factory.py',
  locator: "create_optimizer_v2(model_or_params, opt='sgd', lr=None, weight_decay=0., momentum=0.9, ...)",
};
/** create_optimizer_v2's positional parameters after the model. */
export const TIMM_CREATE_OPTIMIZER_POSITIONAL: readonly (string | null)[] = [null, 'opt', 'lr', 'weight_decay', 'momentum'];
export const TIMM_DEFAULT_OPT = 'sgd';

export const TIMM_OPTIMIZER_KWARGS_SOURCE: Citation = {
  title: 'timm optim/_optim_factory.py, optimizer_kwargs',
  url: 'https://github.com/huggingface/pytorch-image-models/blob/0a0b4f494ddf2402c3872728509cfc7509304e9f/timm/optim/_optim_factory.py',
  locator: 'optimizer_kwargs(cfg): dict(opt=cfg.opt, lr=cfg.lr, weight_decay=cfg.weight_decay, momentum=cfg.momentum, ...)',
};
/** The `cfg` attributes optimizer_kwargs passes to create_optimizer_v2 (same names). */
export const TIMM_OPTIMIZER_KWARGS: readonly string[] = ['opt', 'lr', 'weight_decay', 'momentum'];

export const TIMM_TRAIN_LR_SOURCE: Citation = {
  title: 'timm train.py, learning rate from --lr-base',
  url: 'https://github.com/huggingface/pytorch-image-models/blob/0a0b4f494ddf2402c3872728509cfc7509304e9f/train.py',
  locator:
    "if not args.lr: global_batch_size = batch_size * world_size * grad_accum_steps; batch_ratio = global_batch_size / lr_base_size; sqrt scaling for 'ada'/'lamb' optimizers, else linear; args.lr = lr_base * batch_ratio",
};
/** timm's `create_loader(dataset, input_size, batch_size, ...)`: the loader's batch size. */
export const TIMM_CREATE_LOADER_POSITIONAL: readonly (string | null)[] = ['dataset', 'input_size', 'batch_size'];

export const PEFT_LORA_CONFIG_SOURCE: Citation = {
  title: 'PEFT LoraConfig',
  url: 'https://huggingface.co/docs/peft/package_reference/lora',
  locator: 'r (int, defaults to 8); target_modules: names, "all-linear", or a regex string; None -> chosen by model type',
};
export const PEFT_LORA_R_DEFAULT = 8;

export const TORCH_AUTOCAST_SOURCE: Citation = {
  title: 'PyTorch torch.autocast',
  url: 'https://pytorch.org/docs/stable/amp.html#torch.autocast',
  locator: 'dtype defaults to torch.get_autocast_dtype(device_type): float16 on CUDA, bfloat16 on CPU; torch.cuda.amp.autocast(...) is torch.autocast("cuda", ...)',
};

/** Accelerator(mixed_precision=None) takes the launch's mode (accelerate config / env), else "no" (fp32). */
export const ACCELERATE_MIXED_PRECISION_SOURCE: Citation = {
  title: 'accelerate AcceleratorState',
  url: 'https://github.com/huggingface/accelerate/blob/16cb6eb80dd9aa8b4df1a63ef57863e455d53b83/src/accelerate/state.py',
  locator: 'mixed_precision = parse_choice_from_env("ACCELERATE_MIXED_PRECISION", "no") if mixed_precision is None (the variable `accelerate launch` sets from its config or --mixed_precision)',
};

export const KERAS_MIXED_PRECISION_SOURCE: Citation = {
  title: 'Keras mixed precision policies',
  url: 'https://keras.io/api/mixed_precision/policy/',
  locator: '"mixed_float16" / "mixed_bfloat16": computations in half precision, variables in float32',
};

/** Classes whose keyword arguments are TrainingArguments (transformers) or its TRL subclasses. */
export const TRAINER_ARGUMENT_CLASSES: ReadonlySet<string> = new Set([
  'TrainingArguments', 'Seq2SeqTrainingArguments', 'SFTConfig', 'DPOConfig', 'ORPOConfig', 'KTOConfig', 'CPOConfig',
  'GRPOConfig', 'RewardConfig', 'GKDConfig', 'PRMConfig', 'RLOOConfig', 'OnlineDPOConfig', 'BCOConfig',
]);
