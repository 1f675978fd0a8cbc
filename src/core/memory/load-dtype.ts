/**
 * The dtype the weights sit in on the GPU, from the dtype the model is loaded in and the precision
 * mode. The precision table (./precision.ts) says how a mode trains; the load dtype says what the
 * parameters are: torch AMP (the Trainer's bf16/fp16 flags, Lightning's '-mixed') and plain fp32
 * training keep the parameters in the dtype `from_pretrained` gave them, so a model loaded with
 * `torch_dtype=torch.bfloat16` trains with bf16 weights, gradients and optimizer states under AMP,
 * exactly as pure bf16 does. Pure bf16/fp16 (torchtune `dtype`, Lightning '-true') and DeepSpeed's
 * mixed precision cast the model themselves, so there the mode decides.
 *
 * FSDP's mixed precision (MixedPrecision / MixedPrecisionPolicy `param_dtype`) gathers each wrapped module's
 * parameters in the half dtype for forward and backward and steps the sharded parameters in the dtype they have:
 * the estimator counts it as ZeRO mixed precision (half weights, fp32 master weights and states) when those shards
 * are fp32 — always under accelerate, which upcasts a model loaded in half precision as DeepSpeed does, and under
 * Lightning and Composer when the model is not loaded in half precision. Lightning and Composer do not upcast: a model
 * loaded in bf16 keeps bf16 shards, gradients and optimizer states (no master copy), so there the load dtype decides,
 * as under AMP (`fsdpKeepsHalfShards`). The reason names what the job's framework does, not DeepSpeed.
 *
 * config.json's `torch_dtype` records the dtype the checkpoint was saved in; it decides the load
 * dtype only when the model is loaded with 'auto' (or by transformers >= 5, whose default is
 * 'auto'). When the job states no load dtype, the mode's storage is assumed (fp32 under AMP, as
 * `from_pretrained` loads without a dtype before transformers 5 and as TRL's trainers load by
 * default), and the estimate says so.
 */
import type { ModelInventory } from '../models/types';
import type { Citation, FloatDtype, LoadDtype, Precision } from '../types';
import type { BaseDtype, FsdpWrapper } from './types';
import { halfOf, type PrecisionSplit } from './precision';

export const LOAD_DTYPE_SOURCES: readonly Citation[] = [
  {
    title: 'transformers PreTrainedModel.from_pretrained: torch_dtype / dtype',
    url: 'https://huggingface.co/docs/transformers/main_classes/model#transformers.PreTrainedModel.from_pretrained',
    locator: 'load the model under this dtype; without it PyTorch creates the model in torch.float32 (docs/source/en/models.md, "Model data type", transformers 4.x)',
  },
  {
    title: 'transformers PR #21524: torch_dtype="auto" looks up config.torch_dtype first',
    url: 'https://github.com/huggingface/transformers/pull/21524',
    locator: '"auto" takes config.torch_dtype, and only when the config has none the dtype of the first floating-point weight of the checkpoint',
  },
  {
    title: 'transformers PR #39782: use `dtype` instead of `torch_dtype` everywhere (v4.56)',
    url: 'https://github.com/huggingface/transformers/pull/39782',
    locator: 'torch_dtype stays accepted as a deprecated alias; when both are given, dtype is used',
  },
  {
    title: 'transformers PR #42883 ([docs] dtype) and TRL PR #4770',
    url: 'https://github.com/huggingface/trl/pull/4770',
    locator: 'transformers <= 4.57 loads float32 when dtype is omitted; from transformers v5 "auto" is the default of from_pretrained (https://github.com/huggingface/transformers/pull/42883)',
  },
  {
    title: 'TRL trainer/utils.py create_model_from_path',
    url: 'https://github.com/huggingface/trl/blob/f2cd57710ae345ea6428ae95363267fcf38a3dc8/trl/trainer/utils.py',
    locator: 'dtype = kwargs.get("dtype", "float32"): a TRL trainer given a model name loads it in float32 unless model_init_kwargs sets dtype',
  },
  {
    title: 'DeepSpeed engine _configure_distributed_model',
    url: 'https://github.com/microsoft/DeepSpeed/blob/e7dd28a23d3df0d07357a6d63c0ebab811e767ae/deepspeed/runtime/engine.py',
    locator: 'fp16 enabled: self.module.half(); bf16 enabled: self.module.bfloat16() (the whole module, frozen weights and adapters included)',
  },
  {
    title: 'DeepSpeed PR #8066, "Mixed-precision: per-policy param/buffer dtype cast (preserve fp32 buffers)"',
    url: 'https://github.com/deepspeedai/DeepSpeed/commit/b919284ab1ad6dbc1cb0e06b10386ff74160b586',
    locator: 'replaces the blanket module.half() / module.bfloat16() with a cast of the parameters to data_types.param_dtype (unset: the enabled fp16/bf16 type, the legacy parameter behaviour); floating buffers keep their loaded dtype unless buffer_dtype is set',
  },
  {
    title: 'PyTorch FSDP MixedPrecision (torch/distributed/fsdp/api.py)',
    url: 'https://github.com/pytorch/pytorch/blob/acd8c9e7d691ee02408b5c0bb3e072fcb6705c13/torch/distributed/fsdp/api.py',
    locator: 'param_dtype: the dtype for model parameters during forward and backward; outside forward and backward the sharded parameters are kept in full precision (e.g. for the optimizer step); keep_low_precision_grads False: gradients upcast to full precision for the optimizer step',
  },
  {
    title: 'PyTorch FSDP2 MixedPrecisionPolicy (torch/distributed/fsdp/_fully_shard/_fsdp_api.py)',
    url: 'https://github.com/pytorch/pytorch/blob/05f814fecfca7d2a17f28cbe7e1cb2d8d4c13230/torch/distributed/fsdp/_fully_shard/_fsdp_api.py',
    locator: 'param_dtype: the dtype of the unsharded parameter, hence of forward/backward computation; the optimizer step uses the sharded parameter in the original dtype',
  },
  {
    title: 'accelerate Accelerator.prepare_model (FSDP) and FullyShardedDataParallelPlugin.set_mixed_precision',
    url: 'https://github.com/huggingface/accelerate/blob/16cb6eb80dd9aa8b4df1a63ef57863e455d53b83/src/accelerate/accelerator.py',
    locator: 'with mixed precision on, every trainable FSDP flat parameter that is not float32 is upcast to float32 ("we follow DeepSpeed\'s strategy to hold the parameters in full precision"; FSDP2: utils/fsdp_utils.py fsdp2_prepare_model); utils/dataclasses.py set_mixed_precision: param_dtype = reduce_dtype = the bf16/fp16 of mixed_precision',
  },
  {
    title: 'Lightning FSDPPrecision (lightning/fabric/plugins/precision/fsdp.py)',
    url: 'https://github.com/Lightning-AI/pytorch-lightning/blob/7f0c3436cd3f6ad3753125672024fc415cbcb414/src/lightning/fabric/plugins/precision/fsdp.py',
    locator: "'bf16-mixed' / '16-mixed': MixedPrecision(param_dtype = reduce_dtype = buffer_dtype = bfloat16 / float16) and autocast; the module is created in float32 (precision_to_type); parameters are not upcast",
  },
  {
    title: 'Composer get_mixed_precision (composer/distributed/mosaic_parallelism.py)',
    url: 'https://github.com/mosaicml/composer/blob/6405188805a0054b4551ec49e4919c54c971d0e8/composer/distributed/mosaic_parallelism.py',
    locator: "fsdp_config.mixed_precision 'DEFAULT' (reduce in fp32) and 'PURE': param_dtype = the training precision's dtype; 'FULL': no param_dtype (parameters gathered in their own dtype)",
  },
  {
    title: 'transformers bitsandbytes 4-bit quantizer, update_dtype (formerly update_torch_dtype)',
    url: 'https://github.com/huggingface/transformers/blob/d91fa5a784e416ca685d5ba76d7bc490eb008b33/src/transformers/quantizers/quantizer_bnb_4bit.py',
    locator: 'dtype None is overridden with torch.float16 for the layers bitsandbytes does not quantise',
  },
];

/** torch dtype names (as strings, or `torch.<name>` references) for the three modelled dtypes. */
const TORCH_NAMES: Readonly<Record<string, FloatDtype>> = {
  float32: 'fp32', float: 'fp32', float16: 'fp16', half: 'fp16', bfloat16: 'bf16',
};

/** A dtype as torch or a config.json spells it ('bfloat16', 'torch.float16', 'half'), or null for any other. */
export function floatDtypeOfTorchName(text: string): FloatDtype | null {
  const name = text.trim().replace(/^torch\./, '');
  return Object.prototype.hasOwnProperty.call(TORCH_NAMES, name) ? (TORCH_NAMES[name] as FloatDtype) : null;
}

/** The checkpoint dtype config.json states (`dtype`, else the older `torch_dtype`), as written. */
export function configDtypeText(model: ModelInventory): { key: string; text: string } | null {
  for (const key of ['dtype', 'torch_dtype']) {
    const v = model.config[key];
    if (typeof v === 'string' && v.trim() !== '') return { key, text: v.trim() };
  }
  return null;
}

/** The load dtype with 'auto' resolved against config.json. */
export interface ResolvedLoadDtype {
  readonly dtype: FloatDtype | null;
  /** 'load' = stated; 'config' = 'auto' through config.json; null = unknown. */
  readonly source: 'load' | 'config' | null;
  readonly reason: string;
}

export function resolveLoadDtype(load: LoadDtype | null, model: ModelInventory): ResolvedLoadDtype {
  if (load === null) return { dtype: null, source: null, reason: 'no load dtype is stated' };
  if (load !== 'auto') return { dtype: load, source: 'load', reason: `the model is loaded in ${load}` };
  const written = configDtypeText(model);
  const dtype = written === null ? null : floatDtypeOfTorchName(written.text);
  if (written !== null && dtype !== null) {
    return { dtype, source: 'config', reason: `load dtype 'auto' takes config.json's ${written.key}: "${written.text}"` };
  }
  return {
    dtype: null,
    source: null,
    reason:
      written === null
        ? "load dtype 'auto', but config.json states no dtype (transformers then takes the first floating-point weight of the checkpoint, which is not read here)"
        : `load dtype 'auto', but config.json's ${written.key} "${written.text}" is not fp32, fp16 or bf16`,
  };
}

/** The split with the load dtype applied, and how the base weights' dtype was decided. */
export interface StorageSplit {
  readonly split: PrecisionSplit;
  readonly base: BaseDtype;
}

/** torch's name of a half dtype. */
const TORCH_HALF: Readonly<Record<FloatDtype, string>> = { bf16: 'torch.bfloat16', fp16: 'torch.float16', fp32: 'torch.float32' };

/**
 * Under mixed precision, what FSDP set up by each framework does with the parameters: it gathers them in the half
 * dtype for forward and backward (`gathers`), and keeps the shards the optimizer steps in fp32 (`fp32Shards`, the
 * estimator's master weights) or, when they were loaded in half precision and the framework does not upcast them,
 * in that dtype (`halfShards`).
 */
const FSDP_MIXED: Readonly<Record<FsdpWrapper, {
  readonly upcasts: boolean;
  readonly gathers: (precision: Precision, half: FloatDtype) => string;
  readonly fp32Shards: string;
  readonly halfShards: string;
}>> = {
  accelerate: {
    upcasts: true,
    gathers: (_p, half) => `accelerate's FSDP with mixed precision ${half} gathers each wrapped module's parameters in ${half} for forward and backward (MixedPrecision param_dtype=${TORCH_HALF[half]})`,
    fp32Shards: 'keeps the sharded trainable parameters the optimizer steps in fp32, upcasting them when the model is loaded in half precision (Accelerator.prepare_model), so fp32 master weights',
    halfShards: '',
  },
  lightning: {
    upcasts: false,
    gathers: (p, half) => `Lightning's FSDPStrategy with precision '${p === 'fp16-mixed' ? '16-mixed' : p}' gathers each wrapped module's parameters in ${half} for forward and backward (FSDPPrecision: MixedPrecision param_dtype=${TORCH_HALF[half]})`,
    fp32Shards: 'steps the sharded parameters in the fp32 Lightning creates the model in, so fp32 master weights',
    halfShards: 'steps the sharded parameters in the dtype they were loaded in (Lightning does not upcast them)',
  },
  composer: {
    upcasts: false,
    gathers: (_p, half) => `Composer's FSDP with precision amp_${half} gathers each wrapped module's parameters in ${half} for forward and backward (fsdp_config.mixed_precision DEFAULT or PURE: param_dtype=${TORCH_HALF[half]}; FULL, which gathers fp32, is not modelled)`,
    fp32Shards: 'steps the sharded parameters in the dtype the model was built in, fp32, so fp32 master weights',
    halfShards: 'steps the sharded parameters in the dtype they were loaded in (Composer does not upcast them)',
  },
  torchtune: {
    upcasts: false,
    // torchtune's recipes train in their `dtype` (pure precision): mixed precision here is an override of the job's.
    gathers: (p, half) => `torchtune's distributed recipes shard with FSDP2's fully_shard and train in the recipe's dtype; under ${p}, as asked here, FSDP gathers the parameters in ${half} (MixedPrecisionPolicy param_dtype=${TORCH_HALF[half]})`,
    fp32Shards: 'steps the sharded parameters in the dtype they were created in, fp32, so fp32 master weights',
    halfShards: 'steps the sharded parameters in the dtype they were loaded in',
  },
};

/**
 * FSDP under mixed precision over a model loaded in half precision, set up by a framework that does not upcast the
 * shards: no fp32 master copy, the load dtype decides (the estimator's `precisionSplit` without ZeRO mixed precision).
 */
export function fsdpKeepsHalfShards(fsdp: FsdpWrapper | undefined, precision: Precision, load: ResolvedLoadDtype): boolean {
  return fsdp !== undefined && !FSDP_MIXED[fsdp].upcasts && (precision === 'bf16-mixed' || precision === 'fp16-mixed') && (load.dtype === 'bf16' || load.dtype === 'fp16');
}

/**
 * Applies a resolved load dtype to the precision mode's split. `zeroMixed`: ZeRO mixed precision (the split already
 * holds half weights and an fp32 master copy): DeepSpeed's, or FSDP's with fp32 shards when `fsdp` names the framework
 * that sets FSDP up. The base dtype it reports is that of the non-quantised base weights (for QLoRA: the layers
 * bitsandbytes keeps).
 */
export function storageSplit(split: PrecisionSplit, precision: Precision, zeroMixed: boolean, load: ResolvedLoadDtype, qlora: boolean, model: ModelInventory, fsdp?: FsdpWrapper): StorageSplit {
  const pure = precision === 'bf16' || precision === 'fp16';
  if (zeroMixed || pure) {
    const half = halfOf(precision);
    const who = zeroMixed && fsdp !== undefined
      ? `${FSDP_MIXED[fsdp].gathers(precision, half)} and ${FSDP_MIXED[fsdp].fp32Shards}`
      : zeroMixed
      ? `DeepSpeed mixed precision casts the whole model to ${half} (engine: module.${half === 'bf16' ? 'bfloat16' : 'half'}(); since DeepSpeed PR #8066 the parameters only, buffers keep their dtype) and keeps fp32 master weights`
      : `pure ${precision} training keeps the whole model in ${half} (torchtune's dtype, Lightning's '-true' precision, axolotl's bf16/fp16 flags)`;
    if (load.dtype === half) return { split, base: { dtype: half, source: load.source ?? 'load', reason: `${load.reason}; ${who}` } };
    const loaded = load.dtype === null ? '' : `; ${load.reason}, but that does not decide the storage`;
    return { split, base: { dtype: half, source: 'precision', reason: `${who}${loaded}` } };
  }
  // fp32 training and torch AMP keep the parameters in the dtype they were loaded in.
  if (load.dtype === null) {
    const assumed = qlora ? split.sixteenBit : split.weights;
    const written = configDtypeText(model);
    const v5 = written === null ? '' : `, here config.json's ${written.key} "${written.text}"`;
    const why = model.shape.kind === 'cnn'
      ? `the weights are assumed ${assumed} as ${precision} stores them (PyTorch creates parameters in float32)`
      : qlora
      ? `the layers bitsandbytes does not quantise are assumed ${assumed}, the half dtype of ${precision} (transformers loads them in fp16 when no torch_dtype is given, the same 2 bytes)`
      : `the base weights are assumed ${assumed} as ${precision} stores them (from_pretrained's default before transformers 5, and TRL's default); transformers >= 5 loads the checkpoint's dtype by default${v5}`;
    return { split, base: { dtype: assumed, source: 'assumed', reason: `${load.reason}: ${why}; state torch_dtype/dtype (or --load-dtype) to change it` } };
  }
  const l = load.dtype;
  const source = load.source ?? 'load';
  if (l === 'fp32') return { split, base: { dtype: 'fp32', source, reason: load.reason } };
  const sharded = fsdpKeepsHalfShards(fsdp, precision, load) && fsdp !== undefined
    ? `; ${FSDP_MIXED[fsdp].gathers(precision, halfOf(precision))} and ${FSDP_MIXED[fsdp].halfShards}: no fp32 master copy`
    : '';
  const amp = precision === 'bf16-mixed' || precision === 'fp16-mixed';
  const adjusted: PrecisionSplit = {
    ...split,
    label: amp
      ? `${precision} (torch AMP over weights loaded in ${l}: trained base weights keep ${l} gradients and optimizer states; ${split.activations} matmul activations)`
      : `no autocast over weights loaded in ${l}: trained base weights keep ${l} gradients and optimizer states; ${l} activations`,
    weights: l,
    frozenWeights: l,
    gradients: l,
    optimizerParam: l,
    activations: amp ? split.activations : l,
    residual: l,
    sixteenBit: l,
  };
  return { split: adjusted, base: { dtype: l, source, reason: `${load.reason}${sharded}` } };
}
