/**
 * The loss over the vocabulary: what a causal LM's cross-entropy keeps on the GPU, by implementation.
 * - 'standard': transformers' ForCausalLMLoss: the logits in the activation dtype (held by the model
 *   output through backward), `logits.float()` and the fp32 log-softmax, and at the start of backward
 *   the fp32 gradients of the log-probabilities and of the upcast logits.
 * - 'chunked': torchtune's CEWithChunkedOutputLoss (num_output_chunks, default 8) and
 *   LinearCrossEntropyLoss: the output projection runs per chunk of tokens, so the logits of every
 *   chunk stay in the activation dtype and are kept for backward; the upcast and the cross-entropy
 *   run one chunk at a time. Compiled (torchtune `compile: True`, as it recommends and as its
 *   published figures ran): the compiled cross-entropy fuses the upcast, so no fp32 copy is stored
 *   and backward makes one chunk's gradient in the activation dtype at a time. Eager (torchtune's
 *   default `compile: False`): F.cross_entropy's log_softmax saves its fp32 output for every chunk
 *   (4 bytes per logit beside the half-precision logits), and backward makes one chunk's fp32
 *   gradients at a time.
 * - 'fused-linear': Liger-Kernel's fused linear cross-entropy (what axolotl's
 *   `liger_fused_linear_cross_entropy` uses): the projection and the loss run chunk by chunk inside
 *   the forward, which computes the gradients right away; no logits survive the forward. Kept for
 *   backward: grad_input (tokens x hidden, activation dtype) and, when the head trains, grad_weight
 *   (the head's shape and dtype). Transient in the forward: one chunk of logits, chunk = the next
 *   power of two of ceil(tokens / ceil(vocab / hidden)) tokens (so about tokens x hidden values).
 */
import type { Citation } from '../types';

export type LossConfig =
  | { readonly kind: 'standard' }
  | {
      readonly kind: 'chunked';
      readonly chunks: number;
      readonly compiled: boolean;
      /**
       * The training loop still references the logits during backward (lit-gpt's loop keeps `logits`
       * until the next iteration). Absent or false: torchtune's recipes `del logits` after the loss
       * ("free logits otherwise it peaks backward memory"), so each chunk's logits are freed as soon
       * as its cross-entropy backward has run.
       */
      readonly logitsHeld?: boolean;
    }
  | { readonly kind: 'fused-linear' };

export const LOSS_KINDS = ['standard', 'chunked', 'fused-linear'] as const;

/** torchtune's CEWithChunkedOutputLoss / LinearCrossEntropyLoss default num_output_chunks. */
export const TORCHTUNE_OUTPUT_CHUNKS = 8;

export const LOSS_SOURCES: readonly Citation[] = [
  {
    title: 'torchtune CEWithChunkedOutputLoss',
    url: 'https://pytorch.org/torchtune/stable/generated/torchtune.modules.loss.CEWithChunkedOutputLoss.html',
    locator: 'num_output_chunks=8: "upcasting only one chunk at a time saves considerable memory"; compile compute_cross_entropy only, else the gains are not realised',
  },
  {
    title: 'torchtune LinearCrossEntropyLoss',
    url: 'https://github.com/pytorch/torchtune/blob/0991f97ef13735ea6d458db22137a2796f8fbf92/torchtune/modules/loss/cross_entropy_loss.py',
    locator: 'num_output_chunks=8; compute_cross_entropy: logits = linear_projection(hidden_chunk); F.cross_entropy(logits.float(), ...) per chunk',
  },
  {
    title: 'Liger-Kernel fused_linear_cross_entropy_forward',
    url: 'https://github.com/linkedin/Liger-Kernel/blob/ead96b618e5c67bddc6a6e9bcb99bfe6b5ab661c/src/liger_kernel/ops/fused_linear_cross_entropy.py',
    locator: 'inc_factor = cdiv(V, H); chunk_size = next_power_of_2(cdiv(BT, inc_factor)); grad_input = zeros_like(_input); grad_weight = zeros_like(weight) if weight.requires_grad; logits_chunk = _input_chunk @ weight.t()',
  },
  {
    title: 'transformers ForCausalLMLoss',
    url: 'https://github.com/huggingface/transformers/blob/d0fed636753eeb35d790126c4496d06847983d60/src/transformers/loss/loss_utils.py',
    locator: 'logits = logits.float() before nn.functional.cross_entropy',
  },
];

const nextPowerOfTwo = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/** Liger's chunk of tokens for a fused linear cross-entropy over `tokens` x `hidden` into `vocab`. */
export function ligerChunkTokens(tokens: number, hidden: number, vocab: number): number {
  const incFactor = Math.ceil(vocab / hidden);
  return Math.min(tokens, nextPowerOfTwo(Math.ceil(tokens / incFactor)));
}

export interface LossShape {
  /** Tokens whose logits are computed (micro-batch x sequence), or samples for a classifier. */
  readonly rows: number;
  /** Vocabulary (or number of labels). */
  readonly vocab: number;
  readonly hidden: number;
  /** Bytes per element of the activations. */
  readonly act: number;
  /** Bytes of the output head's weight when it trains (fused-linear's grad_weight), else 0. */
  readonly trainableHeadBytes: number;
}

export interface LossBuffers {
  /** Bytes at the start of backward (the activation peak's loss part). */
  readonly atBackward: number;
  /** Bytes that stay alive through the whole backward. */
  readonly kept: number;
  /** Allocation sizes, for the allocator's rounding. */
  readonly allocations: readonly { readonly bytes: number; readonly count: number }[];
  readonly note: string;
}

export function lossBuffers(loss: LossConfig, s: LossShape): LossBuffers {
  const logits = s.rows * s.vocab;
  switch (loss.kind) {
    case 'standard':
      return {
        atBackward: logits * (s.act + 4 + 4 + 4),
        kept: logits * s.act,
        allocations: [{ bytes: logits * 4, count: 3 }, { bytes: logits * s.act, count: 1 }],
        note: 'loss: full-vocabulary logits upcast to fp32 (logits, fp32 copy, log-softmax and its gradient).',
      };
    case 'chunked': {
      const chunk = Math.ceil(s.rows / loss.chunks) * s.vocab;
      if (loss.compiled) {
        return {
          atBackward: logits * s.act + chunk * s.act,
          kept: loss.logitsHeld === true ? logits * s.act : 0,
          allocations: [{ bytes: chunk * s.act, count: loss.chunks + 1 }],
          note: `loss: chunked cross-entropy in ${loss.chunks} chunks, compiled (torchtune CEWithChunkedOutputLoss / LinearCrossEntropyLoss with compile): logits kept in the activation dtype, no fp32 copy stored; backward makes one chunk's gradient (${chunk.toLocaleString('en-US')} values) at a time.`,
        };
      }
      return {
        atBackward: logits * (s.act + 4) + chunk * (4 + 4),
        kept: loss.logitsHeld === true ? logits * s.act : 0,
        allocations: [{ bytes: chunk * s.act, count: loss.chunks }, { bytes: chunk * 4, count: loss.chunks + 2 }],
        note: `loss: chunked cross-entropy in ${loss.chunks} chunks, eager (torchtune without compile): logits kept in the activation dtype and each chunk's fp32 log-softmax saved for backward; one chunk's fp32 gradients (${chunk.toLocaleString('en-US')} values) at a time. torchtune recommends compiling the loss, which stores no fp32 copy.`,
      };
    }
    case 'fused-linear': {
      const chunkRows = ligerChunkTokens(s.rows, s.hidden, s.vocab);
      const gradInput = s.rows * s.hidden * s.act;
      const kept = gradInput + s.trainableHeadBytes;
      return {
        // The chunk's logits exist only inside the forward; at the start of backward the gradients
        // it computed are what is left.
        atBackward: Math.max(kept, gradInput + s.trainableHeadBytes + chunkRows * s.vocab * s.act),
        kept,
        allocations: [{ bytes: gradInput, count: 1 }, { bytes: s.trainableHeadBytes, count: s.trainableHeadBytes > 0 ? 1 : 0 }, { bytes: chunkRows * s.vocab * s.act, count: 1 }],
        note: `loss: fused linear cross-entropy (Liger-Kernel): no full logits; chunks of ${chunkRows.toLocaleString('en-US')} tokens, grad_input${s.trainableHeadBytes > 0 ? ' and the head\'s grad_weight' : ''} computed in the forward and kept for backward.`,
      };
    }
  }
}
