/**
 * The decision tree as data. Each rule is a declarative condition over facts, one effect, a text
 * template and the evidence that backs it. Rules fire in array order; that order is the order of
 * the reasons shown to the user.
 *
 * Tier effects are the hard constraints (does not fit, needs Hessian products, cannot be estimated).
 * Among candidates in the 'ok' tier the order comes from published measurements (ranking.ts); there
 * the rules only explain. Score effects are weights chosen by this extension, not measurements, and
 * order only the lower tiers (does not fit, not recommended) until the smallest-change plan does:
 * STRONG for a rule a source supports directly for this kind of job, PRIORITY for the stated
 * priority, MODERATE or WEAK for secondary evidence; then lower peak memory, then catalog order.
 */
import type { OptimizerId } from '../optimizers/types';
import type { CandidateRule, JobFacts, JobRule, Predicate } from './types';

export const WEIGHT = { weak: 1, moderate: 2, strong: 3, priority: 4 } as const;

/**
 * The optimizer a family is trained with by default; "memory-bound" means this one does not fit.
 * Transformers: AdamW (Loshchilov & Hutter 2019; HF Trainer default). CNNs: SGD with momentum
 * (He et al. 2016; Goyal et al. 2017).
 */
export const FAMILY_DEFAULT: Readonly<Record<JobFacts['family'], OptimizerId>> = {
  transformer: 'adamw',
  cnn: 'sgd-momentum',
};
/** A diffusion denoiser (a UNet, shape 'cnn'): AdamW, as diffusers' training examples build it (`torch.optim.AdamW`). */
export const DENOISER_DEFAULT: OptimizerId = 'adamw';
/**
 * Architectures whose own published recipe trains them with another optimizer than their kind's default, by the
 * inventory's family key: ConvNeXt, a CNN, trains with AdamW (evidence 'convnext-2022-recipe': main.py's `--opt adamw`).
 */
export const ARCHITECTURE_DEFAULT: Readonly<Record<string, OptimizerId>> = {
  convnext: 'adamw',
};

/** Beyond this global batch, Goyal et al. (2017) report no evidence for SGD and You et al. (2020) report earlier techniques degrading for BERT. */
export const LARGE_BATCH = 8192;

const memoryIsTheConstraint: Predicate<JobFacts> = {
  any: [{ fact: 'memoryBound', is: true }, { fact: 'priority', in: ['memory'] }],
};
const pretraining: Predicate<JobFacts> = { fact: 'fineTune', is: false };
const transformer: Predicate<JobFacts> = { fact: 'family', in: ['transformer'] };
/** Image classifier CNNs (a diffusion denoiser is a 'cnn' family too, with stacks 'diffusion'). */
const cnn: Predicate<JobFacts> = { fact: 'stacks', in: ['cnn'] };
/**
 * Where the plain AdamW baseline is the safe choice: an ordinary batch (the Adam-baseline evidence of
 * Schmidt et al. is not about the large-batch regime) and AdamW fits.
 */
const adamwBaselineApplies: Predicate<JobFacts> = {
  all: [{ fact: 'globalBatch', lte: LARGE_BATCH }, { fact: 'memoryBound', is: false }],
};

export const CANDIDATE_RULES: readonly CandidateRule[] = [
  // ---- Tiers: what cannot or should not run ------------------------------------------------------
  {
    id: 'estimate-failed',
    when: { fact: 'estimated', is: false },
    effect: { kind: 'tier', tier: 'not-recommended' },
    text: 'The memory estimator cannot model {name} for this job ({estimateError}), so it is not recommended here.',
    evidence: ['advisor-memory-estimate'],
  },
  {
    id: 'needs-hessian',
    when: { fact: 'needsHessian', is: true },
    effect: { kind: 'tier', tier: 'not-recommended' },
    text:
      '{name} needs Hessian information (Hessian-vector products or an extra estimator pass), which a standard ' +
      'training loop does not compute; it is listed but ranked after the optimizers that work unchanged.',
    evidence: ['yao-2021-adahessian', 'liu-2023-sophia'],
  },
  {
    id: 'does-not-fit',
    when: { fact: 'fits', in: ['no'] },
    effect: { kind: 'tier', tier: 'does-not-fit' },
    text: '{name} needs {peak} per GPU, more than the {gpuMemory} available, so it ranks below every optimizer that fits.',
    evidence: ['advisor-memory-estimate'],
  },
  {
    id: 'muon-hidden-matrices-only',
    when: { always: true },
    effect: { kind: 'score', by: 0, ids: ['muon'] },
    text:
      'Muon updates only the 2-D hidden weight matrices; embeddings, the output head and all gains and biases must stay ' +
      'on AdamW (MuonWithAuxAdam), so Muon never replaces AdamW for the whole model.',
    evidence: ['jordan-2024-muon'],
  },
  // ---- Family defaults ---------------------------------------------------------------------------
  {
    id: 'transformer-default-adamw',
    when: transformer,
    effect: { kind: 'score', by: WEIGHT.strong, ids: ['adamw'] },
    text: 'AdamW is the default for transformers: decoupled weight decay generalises better than Adam with L2, and it is what the HF Trainer uses.',
    evidence: ['loshchilov-2019-adamw', 'hf-trainer-defaults'],
  },
  {
    id: 'transformer-8bit-parity',
    when: transformer,
    effect: { kind: 'score', by: WEIGHT.weak, ids: ['adamw-8bit', 'paged-adamw-8bit'] },
    text: '8-bit AdamW keeps 32-bit AdamW\'s results with the same hyperparameters, so it is a near drop-in replacement.',
    evidence: ['dettmers-2022-8bit'],
  },
  {
    id: 'transformer-sgd-gap',
    when: transformer,
    effect: { kind: 'score', by: -WEIGHT.moderate, ids: ['sgd', 'sgd-momentum', 'nesterov'] },
    text: 'SGD trails adaptive methods on attention models (heavy-tailed gradient noise).',
    evidence: ['zhang-2020-attention-adaptive'],
  },
  {
    id: 'cnn-sgd-momentum',
    when: cnn,
    effect: { kind: 'score', by: WEIGHT.strong, ids: ['sgd-momentum', 'nesterov'] },
    text: 'CNNs such as ResNets are trained with SGD with momentum 0.9 (Nesterov or standard momentum, found equally effective).',
    evidence: ['he-2016-resnet', 'goyal-2017-recipe'],
  },
  // ---- Memory ---------------------------------------------------------------------------------------
  {
    id: 'memory-8bit-states',
    when: memoryIsTheConstraint,
    effect: { kind: 'score', by: WEIGHT.strong, ids: ['adamw-8bit', 'paged-adamw-8bit'] },
    text: 'Memory is the constraint ({memoryReason}): 8-bit AdamW stores both moments in 8 bits with block-wise quantisation.',
    evidence: ['dettmers-2022-8bit'],
  },
  {
    id: 'memory-factored-adafactor',
    when: memoryIsTheConstraint,
    effect: { kind: 'score', by: WEIGHT.strong, ids: ['adafactor'] },
    text: 'Memory is the constraint ({memoryReason}): Adafactor factors the second moment into row and column statistics and drops the first moment.',
    evidence: ['shazeer-2018-adafactor'],
  },
  {
    id: 'memory-factored-came',
    when: memoryIsTheConstraint,
    effect: { kind: 'score', by: WEIGHT.moderate, ids: ['came'] },
    text: 'Memory is the constraint ({memoryReason}): CAME keeps Adafactor-style factored statistics.',
    evidence: ['luo-2023-came'],
  },
  {
    id: 'memory-low-rank-projection',
    when: memoryIsTheConstraint,
    effect: { kind: 'score', by: WEIGHT.moderate, ids: ['galore-adamw'] },
    text: 'Memory is the constraint ({memoryReason}): GaLore keeps AdamW state only for low-rank projections of the gradients.',
    evidence: ['zhao-2024-galore'],
  },
  {
    id: 'memory-block-second-moment',
    when: memoryIsTheConstraint,
    effect: { kind: 'score', by: WEIGHT.moderate, ids: ['adam-mini'] },
    text: 'Memory is the constraint ({memoryReason}): Adam-mini keeps one second-moment value per parameter block.',
    evidence: ['zhang-2024-adam-mini'],
  },
  {
    id: 'memory-single-state',
    when: memoryIsTheConstraint,
    effect: { kind: 'score', by: WEIGHT.weak, ids: ['lion'] },
    text: 'Memory is the constraint ({memoryReason}): Lion keeps only a momentum buffer, one state instead of two.',
    evidence: ['chen-2023-lion-memory'],
  },
  // ---- Batch size -----------------------------------------------------------------------------------
  {
    id: 'large-batch-lamb',
    when: { fact: 'globalBatch', gt: LARGE_BATCH },
    effect: { kind: 'score', by: WEIGHT.priority, ids: ['lamb'] },
    text:
      'A global batch of {globalBatch} is beyond 8192, where SGD\'s linear scaling and earlier large-batch techniques ' +
      'stop holding accuracy; LAMB (layer-wise trust ratios, the Adam-based successor of LARS) was built for this regime.',
    evidence: ['you-2020-lamb', 'you-2017-lars', 'goyal-2017-large-minibatch'],
  },
  {
    id: 'large-batch-lars-cnn',
    when: { all: [{ fact: 'globalBatch', gt: LARGE_BATCH }, cnn] },
    effect: { kind: 'score', by: WEIGHT.priority, ids: ['lars'] },
    text:
      'A global batch of {globalBatch} images is beyond 8192, where SGD with linear scaling loses accuracy on CNNs; ' +
      'LARS (SGD with momentum and a per-layer trust ratio) was built for large-batch CNN training.',
    evidence: ['you-2017-lars', 'goyal-2017-large-minibatch'],
  },
  {
    id: 'large-batch-lion',
    when: { fact: 'globalBatch', gt: LARGE_BATCH },
    effect: { kind: 'score', by: WEIGHT.moderate, ids: ['lion'] },
    text: 'With a global batch of {globalBatch}, Lion\'s gain over Adam is larger: it grows with the batch size.',
    evidence: ['chen-2023-lion-batch'],
  },
  // ---- Priorities -----------------------------------------------------------------------------------
  {
    id: 'speed-algoperf-shampoo',
    when: { all: [{ fact: 'priority', in: ['speed'] }, pretraining] },
    effect: { kind: 'score', by: WEIGHT.priority, ids: ['shampoo'] },
    text:
      'For time-to-result when training from scratch, Distributed Shampoo won the external-tuning ruleset of AlgoPerf ' +
      '(wall-clock time to target on fixed hardware); it costs extra memory for its preconditioners.',
    evidence: ['kasimbeg-2025-algoperf-shampoo', 'dahl-2023-algoperf'],
  },
  {
    id: 'speed-algoperf-schedule-free',
    when: { all: [{ fact: 'priority', in: ['speed'] }, pretraining] },
    effect: { kind: 'score', by: WEIGHT.strong, ids: ['schedule-free-adamw'] },
    text:
      'For time-to-result without a tuning budget, Schedule-Free AdamW won the self-tuning ruleset of AlgoPerf; it ' +
      'needs no stopping time for its schedule.',
    evidence: ['kasimbeg-2025-algoperf-schedule-free', 'defazio-2024-schedule-free'],
  },
  {
    id: 'speed-muon-speedruns',
    when: { all: [{ fact: 'priority', in: ['speed'] }, pretraining, transformer] },
    effect: { kind: 'score', by: WEIGHT.moderate, ids: ['muon'] },
    text: 'Muon set the NanoGPT training-speed records; it applies to hidden 2-D weights, the rest stays on AdamW.',
    evidence: ['jordan-2024-muon'],
  },
  {
    id: 'stability-adamw-baseline',
    when: { all: [{ fact: 'priority', in: ['stability'] }, adamwBaselineApplies] },
    effect: { kind: 'score', by: WEIGHT.weak, ids: ['adamw'] },
    text: 'For dependable training, Adam-family methods remain strong contenders that newer methods do not consistently beat.',
    evidence: ['schmidt-2021-crowded-valley'],
  },
  {
    id: 'stability-adafactor-clipping',
    when: { fact: 'priority', in: ['stability'] },
    effect: { kind: 'score', by: WEIGHT.weak, ids: ['adafactor'] },
    text: 'Adafactor clips the RMS of each update, which was introduced to keep training stable.',
    evidence: ['shazeer-2018-update-clipping'],
  },
  {
    id: 'stability-schedule-free',
    when: { all: [{ fact: 'priority', in: ['stability'] }, pretraining] },
    effect: { kind: 'score', by: WEIGHT.weak, ids: ['schedule-free-adamw'] },
    text: 'Schedule-Free AdamW removes the schedule to tune; the AlgoPerf self-tuning winner was robust across workloads.',
    evidence: ['kasimbeg-2025-algoperf-schedule-free'],
  },
  {
    id: 'quality-cnn-sgd-generalisation',
    when: { all: [{ fact: 'priority', in: ['quality'] }, cnn] },
    effect: { kind: 'score', by: WEIGHT.weak, ids: ['sgd-momentum', 'nesterov'] },
    text: 'For final quality on image classifiers, momentum SGD has generalised better than adaptive methods.',
    evidence: ['wilson-2017-marginal-value'],
  },
  {
    id: 'quality-transformer-adamw',
    when: { all: [{ fact: 'priority', in: ['quality'] }, transformer, adamwBaselineApplies] },
    effect: { kind: 'score', by: WEIGHT.weak, ids: ['adamw'] },
    text: 'For final quality, well-tuned Adam-family baselines are not consistently beaten by newer methods.',
    evidence: ['schmidt-2021-crowded-valley', 'loshchilov-2019-adamw'],
  },
  // ---- The job as it is -----------------------------------------------------------------------------
  {
    id: 'keep-current',
    when: { all: [{ fact: 'current', is: true }, { not: { fact: 'fits', in: ['no'] } }] },
    effect: { kind: 'score', by: WEIGHT.weak },
    text: '{name} is what the job uses now and it is not known to run out of memory; since no optimizer dominates, switching is not guaranteed to help.',
    evidence: ['schmidt-2021-crowded-valley'],
  },
];

export const JOB_RULES: readonly JobRule[] = [
  {
    id: 'no-optimizer-dominates',
    when: { always: true },
    effect: { kind: 'note' },
    text:
      'No optimizer dominates across tasks: trying the top few candidates at their default settings is about as ' +
      'good as tuning a single one.',
    evidence: ['schmidt-2021-crowded-valley'],
  },
  {
    id: 'strategy-checkpointing',
    when: { fact: 'gradientCheckpointing', is: false },
    effect: { kind: 'strategies', ids: ['gradient-checkpointing'] },
    text: 'Recomputing activations in backward trades compute for activation memory.',
    evidence: ['chen-2016-checkpointing'],
  },
  {
    id: 'strategy-8bit-states',
    when: { always: true },
    effect: { kind: 'strategies', ids: ['8bit-states', 'paged-states'] },
    text: '8-bit (optionally paged) optimizer states cut AdamW\'s state memory.',
    evidence: ['dettmers-2022-8bit', 'bnb-paged-optimizers'],
  },
  {
    id: 'strategy-galore',
    when: { all: [transformer, { fact: 'lora', is: false }] },
    effect: { kind: 'strategies', ids: ['galore'] },
    text: 'GaLore trains all weights with optimizer states of the gradient\'s low-rank projection; its authors train a 7B model on one 24 GB GPU with 8-bit states and per-layer updates.',
    evidence: ['zhao-2024-galore', 'galore-2024-scripts'],
  },
  {
    id: 'strategy-lora',
    when: { all: [{ fact: 'fineTune', is: true }, transformer, { fact: 'lora', is: false }] },
    effect: { kind: 'strategies', ids: ['lora'] },
    text: 'When fine-tuning a transformer, LoRA trains small adapters instead of all weights.',
    evidence: ['hu-2021-lora'],
  },
  {
    id: 'strategy-qlora',
    when: { all: [{ fact: 'fineTune', is: true }, transformer, { fact: 'qlora', is: false }] },
    effect: { kind: 'strategies', ids: ['qlora'] },
    text: 'QLoRA also stores the frozen base weights in 4-bit NF4.',
    evidence: ['dettmers-2023-qlora'],
  },
  {
    id: 'strategy-zero',
    when: { fact: 'gpus', gt: 1 },
    effect: { kind: 'strategies', ids: ['zero-1', 'zero-2', 'zero-3'] },
    text: 'With several GPUs, ZeRO partitions optimizer state, gradients and parameters instead of replicating them.',
    evidence: ['rajbhandari-2020-zero'],
  },
  {
    id: 'strategy-cpu-offload',
    when: { always: true },
    effect: { kind: 'strategies', ids: ['cpu-offload'] },
    text: 'Offloading the optimizer state to CPU memory frees its GPU memory.',
    evidence: ['ren-2021-zero-offload'],
  },
  {
    id: 'strategy-micro-batch',
    when: { fact: 'microBatch', gt: 1 },
    effect: { kind: 'strategies', ids: ['smaller-micro-batch'] },
    text: 'A smaller micro-batch with gradient accumulation keeps the global batch and lowers activation memory.',
    evidence: ['hf-gradient-accumulation'],
  },
  {
    id: 'strategy-freeze-backbone',
    when: { all: [{ fact: 'fineTune', is: true }, cnn] },
    effect: { kind: 'strategies', ids: ['freeze-layers'] },
    text: 'When fine-tuning a CNN, freezing the backbone and training only the final layer is the cheap alternative.',
    evidence: ['pytorch-transfer-learning-tutorial'],
  },
];
