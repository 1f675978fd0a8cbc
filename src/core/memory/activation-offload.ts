/**
 * Activation offloading to CPU: torchtune's `enable_activation_offloading` (OffloadActivations, a
 * torch.autograd.graph.saved_tensors_hooks context) moves every saved tensor of at least
 * min_offload_size (1024) bytes to pinned CPU memory in the forward and brings it back in the
 * backward; with its default streams it keeps up to max_fwd_stash_size (5) tensors on the GPU while
 * their copies are in flight. DeepSpeed's activation checkpointing `cpu_checkpointing` moves the
 * checkpointed layer inputs to CPU the same way (it needs activation checkpointing).
 *
 * What stays on the GPU (assumption, a bound): the layer being processed in backward (with
 * checkpointing: its recomputed activations; without: its saved tensors brought back) plus the
 * stash of in-flight copies, counted as max_fwd_stash_size of that layer's largest saved tensors
 * (with checkpointing: of the checkpointed layer inputs). Tensors outside the repeated layers (the
 * head, the loss) are counted on the GPU: torchtune wraps the output projection in a NoOpManager.
 */
import type { Citation } from '../types';

/** torchtune OffloadActivations defaults. */
export const TORCHTUNE_OFFLOAD = { maxFwdStashSize: 5, minOffloadSize: 1024 } as const;

export const ACTIVATION_OFFLOAD_SOURCES: readonly Citation[] = [
  {
    title: 'torchtune OffloadActivations',
    url: 'https://github.com/pytorch/torchtune/blob/0991f97ef13735ea6d458db22137a2796f8fbf92/torchtune/training/_activation_offloading.py',
    locator: 'use_streams=True, max_fwd_stash_size=5, min_offload_size=1024: saved tensors of at least min_offload_size bytes go to CPU in the forward and come back in the backward',
  },
  {
    title: 'torchtune memory optimization overview: activation offloading',
    url: 'https://pytorch.org/torchtune/main/tutorials/memory_optimizations.html',
    locator: '"Activation Offloading": moves activations to CPU and brings them back in backward; should be used alongside activation checkpointing; enable_activation_offloading',
  },
  {
    title: 'DeepSpeed activation checkpointing configuration',
    url: 'https://www.deepspeed.ai/docs/config-json/#activation-checkpointing',
    locator: 'cpu_checkpointing: offloads partitioned activations to CPU if partition_activations is enabled',
  },
];

export interface OffloadedLayers {
  /** Bytes of the repeated layers' saved tensors left on the GPU at the start of backward. */
  readonly onGpu: number;
  readonly note: string;
}

/**
 * `largestLayer`: bytes one layer keeps (checkpointing: what its recompute keeps); `largestSaved`:
 * the largest single tensor that is offloaded (a layer input with checkpointing, else the largest
 * saved item of a layer); `layers`: the number of repeated layers (the stash cannot hold more).
 */
export function offloadedLayers(largestLayer: number, largestSaved: number, layers: number, checkpointing: boolean): OffloadedLayers {
  const stash = Math.min(TORCHTUNE_OFFLOAD.maxFwdStashSize, Math.max(1, layers));
  const onGpu = largestLayer + stash * largestSaved;
  return {
    onGpu,
    note: `activation offloading to CPU: the layers' saved tensors live in CPU memory; on the GPU: one layer${checkpointing ? ' recomputed' : ''} plus ${stash} in-flight copies of its largest saved tensor (torchtune max_fwd_stash_size; assumption).${checkpointing ? '' : ' torchtune advises using it with activation checkpointing.'}`,
  };
}
