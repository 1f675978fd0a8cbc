import { resolveEstimateInput } from '../../core/memory/defaults';
import { estimateMemory } from '../../core/memory/estimate';
import type { EstimateOverrides } from '../../core/evaluate';
import { ATTENTION_IMPLS, OFFLOAD_TARGETS, ZERO_ACCOUNTINGS, type EstimateInput, type LossConfig, type MemoryEstimate } from '../../core/memory/types';
import { LOSS_KINDS, TORCHTUNE_OUTPUT_CHUNKS } from '../../core/memory/loss';
import type { ModelInventory } from '../../core/models/types';
import { peftDefaultLoraTargets } from '../../core/scan';
import { resolveOptimizer } from '../../core/optimizers';
import { FLOAT_DTYPES, InputError, LOAD_DTYPES, PRECISIONS, type FloatDtype, type LoadDtype, type Precision } from '../../core/types';
import { formatBytes } from '../../core/units';
import type { FlagSpec, ParsedArgs } from '../args';
import { JSON_FLAG, flag, printJson, type Command } from '../command';
import type { EstimateJson } from '../json/estimate';
import { EXIT, printHuman, table } from '../io';
import { loadModel } from '../model-source';
import { consentOf, HUB_FLAGS } from '../model-lookup';
import { parseOptimArgs } from '../../core/scan/trainer-args';

/** Flags that describe the job; shared by `estimate` and `recommend`. */
export const JOB_FLAGS: readonly FlagSpec[] = [
  { name: 'batch-size', type: 'int', min: 1, max: 1_000_000, help: 'per-GPU micro-batch', defaultText: '1' },
  { name: 'grad-accum', type: 'int', min: 1, max: 1_000_000, help: 'gradient accumulation steps', defaultText: '1' },
  { name: 'seq-len', type: 'int', min: 1, max: 10_000_000, help: 'sequence length (text models)', defaultText: "2048, capped at the model's max positions" },
  { name: 'image-size', type: 'int', min: 1, max: 100_000, help: 'image side in pixels (vision models)', defaultText: "the model's, else 224" },
  { name: 'precision', type: 'string', choices: PRECISIONS, help: 'training precision (see README)', defaultText: 'bf16-mixed' },
  { name: 'load-dtype', type: 'string', choices: LOAD_DTYPES, help: "dtype the weights are loaded in (from_pretrained torch_dtype/dtype; auto = config.json's)", defaultText: "not stated: the precision mode's storage is assumed" },
  { name: 'attention', type: 'string', choices: ATTENTION_IMPLS, help: 'attention implementation', defaultText: 'sdpa' },
  { name: 'gradient-checkpointing', type: 'bool', help: 'recompute activations in backward', defaultText: 'off' },
  { name: 'zero-stage', type: 'int', min: 0, max: 3, help: 'DeepSpeed ZeRO stage (FSDP: FULL_SHARD = 3, SHARD_GRAD_OP = 2)', defaultText: '0' },
  { name: 'zero-accounting', type: 'string', choices: ZERO_ACCOUNTINGS, help: "ZeRO bytes: DeepSpeed's or the paper's 2+2+K", defaultText: 'deepspeed' },
  { name: 'gpus', type: 'int', min: 1, max: 1_000_000, help: 'data-parallel GPUs', defaultText: '1' },
  { name: 'offload', type: 'string', choices: OFFLOAD_TARGETS, help: 'ZeRO CPU offload', defaultText: 'none' },
  { name: 'lora-rank', type: 'int', min: 1, max: 65_536, help: 'LoRA rank (enables LoRA)', defaultText: 'no LoRA' },
  { name: 'lora-targets', type: 'list', help: 'LoRA target modules, comma-separated, or all-linear', defaultText: "PEFT's default for the model type (e.g. q_proj,v_proj for llama)" },
  { name: 'qlora', type: 'bool', help: '4-bit NF4 base weights (needs --lora-rank)', defaultText: 'off' },
  { name: 'bnb-4bit-compute-dtype', type: 'string', choices: FLOAT_DTYPES, help: 'QLoRA: dtype 4-bit weights are dequantised to (needs --qlora)', defaultText: "fp32 (BitsAndBytesConfig's default); pure bf16/fp16: that dtype" },
  { name: 'bnb-4bit-double-quant', type: 'bool', help: 'QLoRA: absmax constants quantised again (bnb_4bit_use_double_quant; lit-gpt bnb.nf4-dq); false keeps one fp32 absmax per 64 weights (needs --qlora)', defaultText: 'true' },
  { name: 'bnb-4bit-quantise-head', type: 'bool', help: "QLoRA: the output head is 4-bit too (Lightning Fabric's BitsandbytesPrecision replaces every nn.Linear; needs --qlora)", defaultText: 'off (transformers keeps the head)' },
  { name: 'bnb-4bit-quantised-from', type: 'string', choices: FLOAT_DTYPES, help: 'QLoRA: dtype the weights were cast to before quantize_4bit, which dequantize_4bit returns (Lightning Fabric: fp16; needs --qlora)', defaultText: "the job's half dtype" },
  { name: 'bnb-4bit-saves-inputs', type: 'bool', help: 'QLoRA with bitsandbytes < 0.43.2: every 4-bit matmul keeps its input for backward (needs --qlora)', defaultText: 'off (bitsandbytes >= 0.43.2)' },
  { name: 'load-in-8bit', type: 'bool', help: 'LLM.int8 base weights: int8 + one fp32 scale per row, bitsandbytes load_in_8bit (needs --lora-rank)', defaultText: 'off' },
  { name: 'prepare-kbit', type: 'bool', help: "PEFT prepare_model_for_kbit_training: non-quantised fp16/bf16 weights cast to fp32 (needs --qlora or --load-in-8bit)", defaultText: 'off' },
  { name: 'modules-to-save', type: 'list', help: 'PEFT modules_to_save: leaf module names given full trainable copies with gradients and optimizer state (needs --lora-rank)', defaultText: 'none' },
  { name: 'reference-model', type: 'bool', help: 'DPO: a frozen reference copy of the model (full fine-tune; with LoRA the adapter-disabled base serves, no copy)', defaultText: 'off' },
  { name: 'zero-grad-set-to-none', type: 'bool', help: 'zero_grad(set_to_none): on frees the gradients after each step (torch >= 2.0 default); off zeroes them in place, so they stay allocated through the next forward (torch 1.x default)', defaultText: 'on' },
  { name: 'optimizer-in-backward', type: 'bool', help: 'step each parameter in a backward hook and free its gradient (torchtune optimizer_in_bwd, LOMO; HF *_layerwise spellings imply it): one gradient in flight instead of all; no gradient accumulation', defaultText: 'off' },
  { name: 'loss', type: 'string', choices: LOSS_KINDS, help: 'cross-entropy over the vocabulary: standard = full fp32 logits (transformers); chunked = bf16 logits, one chunk upcast at a time (torchtune CEWithChunkedOutputLoss / LinearCrossEntropyLoss); fused-linear = no logits kept (Liger-Kernel fused linear CE)', defaultText: 'standard' },
  { name: 'loss-chunks', type: 'int', min: 1, max: 65_536, help: 'chunks of the chunked loss (torchtune num_output_chunks; needs --loss chunked)', defaultText: '8' },
  { name: 'loss-eager', type: 'bool', help: 'the chunked loss runs without torch.compile (torchtune compile: False): each chunk\'s fp32 log-softmax is saved (needs --loss chunked)', defaultText: 'compiled, as torchtune recommends and its published figures ran' },
  { name: 'loss-logits-held', type: 'bool', help: "the training loop still references the logits during backward (lit-gpt); off: they are freed during the loss backward, as torchtune's `del logits` does (needs --loss chunked)", defaultText: 'off' },
  { name: 'softmax-saves-input', type: 'bool', help: 'PyTorch < 1.11: softmax keeps its input beside its output (eager attention s x s)', defaultText: 'off (PyTorch >= 1.11)' },
  { name: 'activation-offload', type: 'bool', help: 'saved activations go to CPU memory in forward, come back in backward (torchtune enable_activation_offloading, DeepSpeed cpu_checkpointing)', defaultText: 'off' },
  { name: 'optim-args', type: 'string', help: "optimizer hyperparameters as HF's optim_args, e.g. GaLore 'rank=1024,update_proj_gap=500,scale=0.25,proj_type=std'", defaultText: "the reference implementation's defaults" },
  { name: 'optim-target-modules', type: 'list', help: "GaLore: HF optim_target_modules, substrings of the module path (e.g. attn,mlp) or all-linear", defaultText: 'every hidden Linear weight' },
  { name: 'gpu-memory', type: 'size', help: 'memory of one GPU: 24GiB (2^30), 80GB (1e9) or bytes', defaultText: 'unknown (fits = null)' },
];

/** The partial estimate input the job flags describe (undefined = not given). Shared by `estimate` and `recommend`. */
export function jobOverrides(args: ParsedArgs): EstimateOverrides {
  const o: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) o[key] = value;
  };
  set('batchSize', flag<number>(args, 'batch-size'));
  set('gradAccum', flag<number>(args, 'grad-accum'));
  set('seqLen', flag<number>(args, 'seq-len'));
  set('imageSize', flag<number>(args, 'image-size'));
  set('precision', flag<Precision>(args, 'precision'));
  set('loadDtype', flag<LoadDtype>(args, 'load-dtype'));
  set('attention', flag<string>(args, 'attention'));
  set('gradientCheckpointing', flag<boolean>(args, 'gradient-checkpointing'));
  set('zeroStage', flag<number>(args, 'zero-stage'));
  set('zeroAccounting', flag<string>(args, 'zero-accounting'));
  set('gpus', flag<number>(args, 'gpus'));
  set('offload', flag<string>(args, 'offload'));
  set('gpuMemoryBytes', flag<number>(args, 'gpu-memory'));
  set('optimizerInBackward', flag<boolean>(args, 'optimizer-in-backward'));
  set('activationOffload', flag<boolean>(args, 'activation-offload'));
  set('referenceModel', flag<boolean>(args, 'reference-model'));
  set('zeroGradSetToNone', flag<boolean>(args, 'zero-grad-set-to-none'));
  set('softmaxSavesInput', flag<boolean>(args, 'softmax-saves-input'));
  const optimArgs = flag<string>(args, 'optim-args');
  const galoreTargets = flag<readonly string[]>(args, 'optim-target-modules');
  if (optimArgs !== undefined || galoreTargets !== undefined) {
    const parsed = optimArgs === undefined ? {} : parseOptimArgs(optimArgs);
    if (typeof parsed === 'string') throw new InputError(`--optim-args ${parsed}`);
    o['hyperparameters'] = { ...parsed, ...(galoreTargets !== undefined ? { target_modules: galoreTargets.join(',') } : {}) };
  }
  const loss = flag<LossConfig['kind']>(args, 'loss');
  const chunks = flag<number>(args, 'loss-chunks');
  const eager = flag<boolean>(args, 'loss-eager');
  const held = flag<boolean>(args, 'loss-logits-held');
  if (chunks !== undefined && loss !== 'chunked') throw new InputError('--loss-chunks needs --loss chunked');
  if (eager !== undefined && loss !== 'chunked') throw new InputError('--loss-eager needs --loss chunked');
  if (held !== undefined && loss !== 'chunked') throw new InputError('--loss-logits-held needs --loss chunked');
  if (loss !== undefined) {
    o['loss'] = loss === 'chunked' ? { kind: loss, chunks: chunks ?? TORCHTUNE_OUTPUT_CHUNKS, compiled: eager !== true, ...(held === true ? { logitsHeld: true } : {}) } : { kind: loss };
  }
  const rank = flag<number>(args, 'lora-rank');
  const targets = flag<readonly string[]>(args, 'lora-targets');
  const qlora = flag<boolean>(args, 'qlora') ?? false;
  const computeDtype = flag<FloatDtype>(args, 'bnb-4bit-compute-dtype');
  const doubleQuant = flag<boolean>(args, 'bnb-4bit-double-quant');
  const quantiseHead = flag<boolean>(args, 'bnb-4bit-quantise-head');
  const quantisedFrom = flag<FloatDtype>(args, 'bnb-4bit-quantised-from');
  const savesInputs = flag<boolean>(args, 'bnb-4bit-saves-inputs');
  const int8 = flag<boolean>(args, 'load-in-8bit') ?? false;
  const prepareKbit = flag<boolean>(args, 'prepare-kbit') ?? false;
  const modulesToSave = flag<readonly string[]>(args, 'modules-to-save');
  if (rank === undefined && (targets !== undefined || qlora || int8 || modulesToSave !== undefined)) {
    throw new InputError(`${qlora ? '--qlora' : int8 ? '--load-in-8bit' : modulesToSave !== undefined ? '--modules-to-save' : '--lora-targets'} needs --lora-rank`);
  }
  if (prepareKbit && !qlora && !int8) throw new InputError('--prepare-kbit needs --qlora or --load-in-8bit');
  if (computeDtype !== undefined && !qlora) throw new InputError('--bnb-4bit-compute-dtype needs --qlora');
  for (const [name, v] of [['double-quant', doubleQuant], ['quantise-head', quantiseHead], ['quantised-from', quantisedFrom], ['saves-inputs', savesInputs]] as const) {
    if (v !== undefined && !qlora) throw new InputError(`--bnb-4bit-${name} needs --qlora`);
  }
  if (rank !== undefined) {
    const t = targets === undefined ? undefined : targets.length === 1 && targets[0] === 'all-linear' ? 'all-linear' : targets;
    o['lora'] = {
      rank, targets: t, qlora,
      ...(computeDtype !== undefined ? { computeDtype } : {}),
      ...(doubleQuant === false ? { doubleQuant } : {}),
      ...(quantiseHead === true ? { quantiseHead } : {}),
      ...(quantisedFrom !== undefined ? { quantisedFrom } : {}),
      ...(savesInputs === true ? { savesQuantisedInputs: true } : {}),
      ...(int8 ? { int8 } : {}),
      ...(prepareKbit ? { prepareKbit } : {}),
      ...(modulesToSave !== undefined ? { modulesToSave } : {}),
    };
  }
  return o as EstimateOverrides;
}

/** PEFT's default target modules for the model type (what LoraConfig() picks when none are given). */
export function defaultLoraTargets(model: ModelInventory): readonly string[] {
  const modelType = typeof model.config['model_type'] === 'string' ? model.config['model_type'] : model.family;
  const targets = peftDefaultLoraTargets(modelType);
  if (!targets) throw new InputError(`PEFT has no default LoRA target modules for model type '${modelType}': give --lora-targets (module names or all-linear)`);
  return targets;
}

/** `inputs` echo: every resolved input, defaults included. */
export function inputsDocument(input: EstimateInput, modelSource: string) {
  return {
    model: { source: modelSource, family: input.model.family, architecture: input.model.architecture },
    optimizer: {
      id: input.optimizer.id,
      spelling: input.optimizer.spelling,
      stateBits: input.optimizer.variant.stateBits,
      paged: input.optimizer.variant.paged,
      decoupledWeightDecay: input.optimizer.variant.decoupledWeightDecay,
    },
    hyperparameters: input.hyperparameters,
    batchSize: input.batchSize,
    gradAccum: input.gradAccum,
    seqLen: input.seqLen,
    imageSize: input.imageSize,
    precision: input.precision,
    loadDtype: input.loadDtype,
    attention: input.attention,
    gradientCheckpointing: input.gradientCheckpointing,
    zeroStage: input.zeroStage,
    zeroAccounting: input.zeroAccounting,
    gpus: input.gpus,
    offload: input.offload,
    lora: input.lora,
    optimizerInBackward: input.optimizerInBackward,
    loss: input.loss,
    activationOffload: input.activationOffload,
    referenceModel: input.referenceModel,
    zeroGradSetToNone: input.zeroGradSetToNone,
    softmaxSavesInput: input.softmaxSavesInput === true,
    gpuMemoryBytes: input.gpuMemoryBytes,
  };
}

/** The `estimate --json` document (declared in src/cli/json/estimate.ts). */
export function estimateDocument(input: EstimateInput, est: MemoryEstimate, modelSource: string): EstimateJson {
  return {
    inputs: inputsDocument(input, modelSource),
    params: est.params,
    bytes: est.bytes,
    baseDtype: est.baseDtype,
    weightStorage: est.weightStorage,
    fits: est.fits,
    verdict: est.verdict,
    peakPhase: est.peakPhase,
    notes: [...est.notes],
    warnings: [...input.model.warnings],
  };
}

const COMPONENTS: readonly (readonly [keyof MemoryEstimate['bytes'], string])[] = [
  ['weights', 'weights'],
  ['gradients', 'gradients'],
  ['optimizerState', 'optimizer state'],
  ['masterWeights', 'fp32 master weights'],
  ['optimizerTemporaries', 'optimizer-step temporaries'],
  ['activations', 'activations'],
];

function weightGroupLabel(g: MemoryEstimate['weightStorage'][number]): string {
  const what =
    g.part === 'adapter' ? 'LoRA adapters'
    : g.part === 'modules-to-save' ? 'modules_to_save copies (trained)'
    : g.part === 'reference' ? 'reference model (frozen)'
    : g.trainable ? 'base (trained)' : 'base (frozen)';
  return `${what}, ${g.dtype}, ${g.tensors} tensor${g.tensors === 1 ? '' : 's'}`;
}

export function renderEstimate(input: EstimateInput, est: MemoryEstimate, modelSource: string): string {
  const b = est.bytes;
  const rows = [['component', 'bytes', 'size']];
  for (const [key, label] of COMPONENTS) {
    rows.push([label, b[key].toLocaleString('en-US'), formatBytes(b[key])]);
    // What the weights are made of (before ZeRO partitioning), by part and dtype.
    if (key === 'weights') for (const g of est.weightStorage) rows.push([`  ${weightGroupLabel(g)}`, g.bytes.toLocaleString('en-US'), formatBytes(g.bytes)]);
  }
  const row = (label: string, n: number): void => void rows.push([label, n.toLocaleString('en-US'), formatBytes(n)]);
  row('peak allocated', b.peakAllocated);
  row('caching-allocator reserve', b.allocatorReserve);
  row('cuBLAS workspaces (assumed)', b.cublasWorkspace);
  row('peak reserved (torch)', b.peakReserved);
  row('CUDA context (assumed)', b.cudaContext);
  row('peak (nvidia-smi)', b.peak);
  if (b.pagedOptimizerState > 0) row('paged optimizer state (unified memory, not in the peak)', b.pagedOptimizerState);
  const budget = formatBytes(input.gpuMemoryBytes ?? 0);
  const fit =
    est.verdict === null
      ? 'fits: unknown (give --gpu-memory)'
      : est.verdict === 'fits'
      ? `fits in ${budget} per GPU`
      : est.verdict === 'fits-with-paging'
      ? `fits with paging in ${budget} per GPU (the paged optimizer state may spill to CPU RAM, slower)`
      : `does NOT fit in ${budget} per GPU`;
  const lora = input.lora ? `, ${input.lora.qlora ? 'QLoRA' : input.lora.int8 === true ? 'LoRA over int8' : 'LoRA'} r${input.lora.rank}` : '';
  return [
    `${input.model.architecture} from ${modelSource} · ${input.optimizer.spec.name} (${input.optimizer.spelling}) · ` +
      `${input.precision} · micro-batch ${input.batchSize} · ${input.model.shape.kind === 'cnn' ? `image ${input.imageSize}px` : `seq ${input.seqLen}`}` +
      `${input.gradientCheckpointing ? ' · checkpointing' : ''}${input.activationOffload ? ' · activation offload' : ''}${input.optimizerInBackward ? ' · optimizer in backward' : ''}${input.loss.kind !== 'standard' ? ` · ${input.loss.kind} loss` : ''}${input.zeroStage ? ` · ZeRO-${input.zeroStage}` : ''} · ${input.gpus} GPU${input.gpus > 1 ? 's' : ''}${lora}`,
    `params ${est.params.total.toLocaleString('en-US')} (trainable ${est.params.trainable.toLocaleString('en-US')}); base weights in ${est.baseDtype.dtype}${est.baseDtype.source === 'assumed' ? ' (assumed)' : ''}; per GPU, peak in the ${est.peakPhase} phase:`,
    '',
    table(rows, [false, true, true]),
    '',
    fit,
    ...input.model.warnings.map((w) => `warning: ${w}`),
    ...est.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

export const estimateCommand: Command = {
  name: 'estimate',
  summary: 'per-GPU memory of a training job with a given optimizer, component by component',
  usage: 'estimate <config.json|folder|hub-id> --optimizer ID [job options] [--json]',
  details:
    'ID is a catalog id (adamw, adafactor, adamw-8bit, ...) or any ecosystem spelling (adamw_torch_fused, paged_adamw_8bit,\n' +
    'torch.optim.SGD, optax.lion, ...). All sizes are bytes per GPU.\n' +
    'JSON: {"inputs", "params", "bytes": {"weights", "gradients", "optimizerState", "masterWeights",\n' +
    '"optimizerTemporaries", "activations", "overhead", "cudaContext", "allocatorReserve", "cublasWorkspace", "pagedOptimizerState",\n' +
    '"peakAllocated", "peakReserved", "peak"}, "baseDtype", "weightStorage", "fits", "verdict"}.\n' +
    'Recipe features (README "Memory the way recipes run"): --optimizer-in-backward (torchtune/PyTorch tutorial, LOMO),\n' +
    '--loss chunked|fused-linear (torchtune, Liger-Kernel), --activation-offload (torchtune OffloadActivations),\n' +
    'paged optimizers (bitsandbytes: state in unified memory, shown apart, verdict "fits with paging"),\n' +
    '--load-in-8bit (LLM.int8), --prepare-kbit (PEFT fp32 upcast), --modules-to-save (PEFT), --reference-model (TRL DPO),\n' +
    'GaLore as used: --optim-args rank=...,proj_type=...,update_proj_gap=..., --optim-target-modules, galore_adamw_8bit(_layerwise),\n' +
    'CUDA context (transformers docs: 1343 MiB) and cuBLAS workspaces (PyTorch default) as cited assumptions.',
  flags: [
    { name: 'optimizer', type: 'string', help: 'optimizer id or spelling (required)' },
    ...JOB_FLAGS,
    ...HUB_FLAGS,
    JSON_FLAG,
  ],
  async run(args, io) {
    const [ref, ...extra] = args.positionals;
    if (ref === undefined || extra.length > 0) throw new InputError('estimate takes exactly one model (a config.json, a folder or a hub id)');
    const spelling = flag<string>(args, 'optimizer');
    if (spelling === undefined) throw new InputError('--optimizer is required (e.g. --optimizer adamw)');
    const optimizer = resolveOptimizer(spelling);
    if (!optimizer) throw new InputError(`unknown optimizer '${spelling}' (run 'optimizer-advisor optimizers' for ids and spellings)`);
    const { inventory, source } = await loadModel(ref, io, consentOf(args));
    const { lora, ...overrides } = jobOverrides(args);
    const input = resolveEstimateInput({
      ...overrides,
      ...(lora ? { lora: { ...lora, targets: lora.targets ?? defaultLoraTargets(inventory) } } : {}),
      model: inventory,
      optimizer,
    });
    const est = estimateMemory(input);
    if (flag<boolean>(args, 'json')) printJson(io, estimateDocument(input, est, source));
    else printHuman(io, `${renderEstimate(input, est, source)}\n`);
    return EXIT.ok;
  },
};
