/**
 * FSDP and Lightning strategies mapped to the ZeRO stage the estimator accounts for, as typed data
 * with sources. FSDP's sharding strategies are documented as the ZeRO stages they correspond to.
 */
import type { OffloadTarget, ZeroStage } from '../memory/types';
import type { Citation } from '../types';


export const FSDP_SHARDING_SOURCE: Citation = {
  title: 'PyTorch FSDP, ShardingStrategy',
  url: 'https://pytorch.org/docs/stable/fsdp.html',
  locator:
    'FULL_SHARD shards parameters, gradients and optimizer states (ZeRO-3); SHARD_GRAD_OP shards gradients and optimizer states (ZeRO-2); NO_SHARD is DDP; HYBRID_SHARD shards fully within a node; enum values 1-5',
};

export const FSDP2_RESHARD_SOURCE: Citation = {
  title: 'PyTorch FSDP2, fully_shard(reshard_after_forward)',
  url: 'https://pytorch.org/docs/stable/distributed.fsdp.fully_shard.html',
  locator: 'reshard_after_forward=True frees parameters after forward (FULL_SHARD); False keeps them until backward (SHARD_GRAD_OP)',
};

export const LIGHTNING_STRATEGIES_SOURCE: Citation = {
  title: 'Lightning, strategy registry (deepspeed_stage_* and fsdp aliases)',
  url: 'https://lightning.ai/docs/pytorch/stable/extensions/strategy.html',
  locator: 'deepspeed_stage_1/2/3, deepspeed_stage_2_offload, deepspeed_stage_3_offload(_nvme), fsdp, fsdp_cpu_offload',
};

/** FSDP ShardingStrategy by name and by its enum value (accelerate writes either). */
const FSDP_STAGE: Readonly<Record<string, ZeroStage>> = {
  FULL_SHARD: 3,
  SHARD_GRAD_OP: 2,
  NO_SHARD: 0,
  // Full sharding within a node, replication across nodes: ZeRO-3 over a node's GPUs.
  HYBRID_SHARD: 3,
  _HYBRID_SHARD_ZERO2: 2,
  HYBRID_SHARD_ZERO2: 2,
  '1': 3,
  '2': 2,
  '3': 0,
  '4': 3,
  '5': 2,
};

/** The ZeRO stage of an FSDP sharding strategy (name or enum value), or null when it is not one. */
export function zeroStageOfFsdp(strategy: string | number): ZeroStage | null {
  const key = String(strategy).trim().toUpperCase();
  return Object.prototype.hasOwnProperty.call(FSDP_STAGE, key) ? FSDP_STAGE[key] : null;
}

/** True for the hybrid strategies, whose sharding covers one node only. */
export function isHybridFsdp(strategy: string | number): boolean {
  const key = String(strategy).trim().toUpperCase();
  return key.includes('HYBRID') || key === '4' || key === '5';
}

/** Lightning's registered strategy names with a ZeRO equivalent, and what they offload. */
export const LIGHTNING_STRATEGIES: Readonly<Record<string, { readonly stage: ZeroStage; readonly offload: OffloadTarget }>> = {
  deepspeed: { stage: 2, offload: 'none' },
  deepspeed_stage_1: { stage: 1, offload: 'none' },
  deepspeed_stage_2: { stage: 2, offload: 'none' },
  deepspeed_stage_2_offload: { stage: 2, offload: 'optimizer' },
  deepspeed_stage_3: { stage: 3, offload: 'none' },
  deepspeed_stage_3_offload: { stage: 3, offload: 'params' },
  deepspeed_stage_3_offload_nvme: { stage: 3, offload: 'params' },
  fsdp: { stage: 3, offload: 'none' },
  fsdp_cpu_offload: { stage: 3, offload: 'params' },
};
