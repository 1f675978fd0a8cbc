/**
 * llm.c's training programs (`./train_gpt2cu -b 64 -t 1024 -d 524288 -l 0.0006 -u 700 -c 0.1 -z 1 -e "d12"`), read
 * from a launch script's words (./launch.ts, launcher 'llm.c'). Their flags are single-dash, one or two letters, each
 * followed by its value (karpathy/llm.c train_gpt2.cu `main`): `-b` the per-GPU micro-batch, `-t` the sequence length,
 * `-d` the total batch in tokens (gradient accumulation = d / (b x t x processes)), `-l` the learning rate, `-u` warmup
 * iterations, `-c` weight decay, `-x` max steps, `-z` the ZeRO stage, `-e` the model: `dN` / `gpt2:dN` builds a GPT-2 of
 * depth N from scratch (gpt2_set_hyperparameters; the tokenizer's 50,257 tokens padded to 50,304), a `.bin` file
 * loads a checkpoint whose config is in its binary header (not read). What the command leaves out takes train_gpt2.cu's
 * defaults, named as such; the optimizer is always llm.c's own AdamW and the precision the build's (PRECISION=BF16).
 */
import type { Citation } from '../../types';
import type { ContributionBuilder } from '../contribution';
import type { FieldFinding, ModelRef, SourceRange } from '../types';
import type { Launch } from './launch';
import type { Word } from './words';

const LLMC_MAIN: Citation = {
  title: 'llm.c train_gpt2.cu main',
  url: 'https://github.com/karpathy/llm.c/blob/f1e2ace651495b74ae22d45d1723443fd00ecd3a/train_gpt2.cu',
  locator: 'int B = 4; int T = 1024; float learning_rate = 3e-4f; int warmup_iterations = 0; float weight_decay = 0.0f; int zero_stage = 0; total_batch_size defaults to B x T x processes (no accumulation); gpt2_update(..., 0.9f, 0.95f, 1e-8f, weight_decay, ...) is AdamW',
};
const LLMC_MODEL: Citation = {
  title: 'llm.c gpt_build_from_descriptor',
  url: 'https://github.com/karpathy/llm.c/blob/f1e2ace651495b74ae22d45d1723443fd00ecd3a/train_gpt2.cu',
  locator: 'gpt2_set_hyperparameters: depth 6/12/24/36/48/60/72/84 -> channels 384/768/1024/1280/1600/1920/2880/3456, heads 6/12/16/20/25/30/30/36; max_seq_len 1024; vocab_size 50257, padded_vocab_size 50304; load_filename defaults to "gpt2_124M_bf16.bin"',
};
const LLMC_BUILD: Citation = {
  title: 'llm.c Makefile',
  url: 'https://github.com/karpathy/llm.c/blob/f1e2ace651495b74ae22d45d1723443fd00ecd3a/Makefile',
  locator: 'PRECISION ?= BF16 (bf16 parameters and activations; use_master_weights = 1 keeps fp32 master weights and AdamW states)',
};

/** GPT-2 shapes by depth (gpt2_set_hyperparameters). */
const GPT2_DEPTHS: Readonly<Record<number, { readonly channels: number; readonly heads: number }>> = {
  6: { channels: 384, heads: 6 }, 12: { channels: 768, heads: 12 }, 24: { channels: 1024, heads: 16 }, 36: { channels: 1280, heads: 20 },
  48: { channels: 1600, heads: 25 }, 60: { channels: 1920, heads: 30 }, 72: { channels: 2880, heads: 30 }, 84: { channels: 3456, heads: 36 },
};
const PADDED_VOCAB = 50304;
const MAX_SEQ_LEN = 1024;

type Note = (message: string, range: SourceRange) => void;

interface Flag {
  readonly text: string;
  readonly range: SourceRange;
}

/** `-x value` pairs as train_gpt2.cu's loop reads them (a flag is one dash and one or two letters). */
function flagsOf(args: readonly Word[], note: Note): Map<string, Flag> {
  const out = new Map<string, Flag>();
  for (let k = 0; k < args.length; k += 2) {
    const flag = args[k].text;
    if (flag === null || !/^-[A-Za-z]{1,2}$/.test(flag)) {
      note(`llm.c reads its arguments as '-x value' pairs; '${args[k].raw}' is not one, so the rest of the command is not read`, args[k].range);
      break;
    }
    const value = args[k + 1];
    if (value === undefined) {
      note(`${flag} has no value`, args[k].range);
      break;
    }
    if (value.text === null) {
      note(`${flag} is ${value.raw}: ${value.unknown ?? 'unknown'}`, value.range);
      continue;
    }
    out.set(flag.slice(1), { text: value.text, range: value.range });
  }
  return out;
}

/**
 * Reads an llm.c launch into `out` and returns the model its `-e` descriptor builds (null for a checkpoint file or a
 * descriptor it does not know, with a note).
 */
export function readLlmcArguments(launch: Launch, out: ContributionBuilder, fields: FieldFinding[], note: Note): Extract<ModelRef, { kind: 'script-config' }> | null {
  const flags = flagsOf(launch.args, note);
  const int = (key: string, min: number): { value: number; range: SourceRange } | null => {
    const f = flags.get(key);
    if (f === undefined) return null;
    if (!/^\d+$/.test(f.text) || Number(f.text) < min) {
      note(`-${key} is "${f.text}", not an integer of at least ${min}`, f.range);
      return null;
    }
    fields.push({ name: `-${key}`, value: Number(f.text), range: f.range });
    return { value: Number(f.text), range: f.range };
  };
  const float = (key: string): { value: number; range: SourceRange } | null => {
    const f = flags.get(key);
    if (f === undefined) return null;
    const v = Number(f.text);
    if (f.text.trim() === '' || !Number.isFinite(v) || v < 0) {
      note(`-${key} is "${f.text}", not a number`, f.range);
      return null;
    }
    fields.push({ name: `-${key}`, value: v, range: f.range });
    return { value: v, range: f.range };
  };

  const b = int('b', 1);
  if (b !== null) out.set('perDeviceBatchSize', b.value, b.range);
  else out.useDefault({ setting: 'perDeviceBatchSize', key: '-b', value: 4 }, LLMC_MAIN);
  const t = int('t', 1);
  if (t !== null) out.set('seqLen', t.value, t.range);
  else out.useDefault({ setting: 'seqLen', key: '-t', value: MAX_SEQ_LEN }, LLMC_MAIN);
  const processes = launch.gpus?.value ?? null;
  const d = int('d', 1);
  if (d !== null) {
    if (processes === null) {
      note(`-d ${d.value} tokens per step over processes the launch does not count (no mpirun -np): the gradient accumulation is ${d.value} / (${b?.value ?? 4} x ${t?.value ?? MAX_SEQ_LEN} x processes)`, d.range);
    } else {
      const perStep = (b?.value ?? 4) * (t?.value ?? MAX_SEQ_LEN) * processes;
      if (d.value % perStep !== 0) note(`-d ${d.value} is not a multiple of -b x -t x processes (${perStep}); train_gpt2.cu stops on it`, d.range);
      else out.set('gradAccum', d.value / perStep, d.range);
    }
  }
  const lr = float('l');
  if (lr !== null) out.set('learningRate', lr.value, lr.range);
  else out.useDefault({ setting: 'learningRate', key: '-l', value: 3e-4 }, LLMC_MAIN);
  const warmup = int('u', 0);
  if (warmup !== null) out.set('warmupSteps', warmup.value, warmup.range);
  else out.useDefault({ setting: 'warmupSteps', key: '-u', value: 0 }, LLMC_MAIN);
  const wd = float('c');
  if (wd !== null) out.set('weightDecay', wd.value, wd.range);
  else out.useDefault({ setting: 'weightDecay', key: '-c', value: 0 }, LLMC_MAIN);
  const steps = int('x', 1);
  if (steps !== null) out.set('maxSteps', steps.value, steps.range);
  const zero = int('z', 0);
  if (zero !== null && zero.value <= 3) {
    out.set('zeroStage', zero.value as 0 | 1 | 2 | 3, zero.range);
    // llm.c's own ZeRO (train_gpt2.cu), not DeepSpeed's: no DeepSpeed reduction buckets (memory/zero.ts).
    if (zero.value > 0) out.set('deepspeedZero', null, zero.range);
  }
  else if (zero === null && !flags.has('z')) out.useDefault({ setting: 'zeroStage', key: '-z', value: 0 }, LLMC_MAIN);
  const recompute = int('r', 0);
  if (recompute !== null && recompute.value > 0) out.notModelled.push(`${out.path}:${recompute.range.line}: -r ${recompute.value}: llm.c recomputes the GeLU activations in the backward pass, which the activation estimate does not model`);
  const master = int('w', 0);
  if (master?.value === 0) out.notModelled.push(`${out.path}:${master.range.line}: -w 0: no fp32 master weights (bf16 parameters updated in place), which the precision model does not represent`);

  // Always llm.c's own AdamW; the build decides the precision.
  out.useDefault({ setting: 'optimizer', key: 'gpt2_update', value: 'AdamW', note: "llm.c's AdamW kernel, betas 0.9 / 0.95, eps 1e-8" }, LLMC_MAIN);
  out.optimizerEcosystem = 'pytorch';
  if (launch.script?.value.endsWith('fp32cu') === true) out.useDefault({ setting: 'precision', key: 'train_gpt2fp32cu', value: 'fp32', note: 'the fp32 CUDA trainer' }, LLMC_BUILD);
  else out.useDefault({ setting: 'precision', key: 'PRECISION', value: 'bf16-mixed', note: 'bf16 parameters with fp32 master weights and AdamW states' }, LLMC_BUILD);
  out.set('pretraining', true, launch.range);
  return readModel(flags.get('e'), launch, out.path, fields, note);
}

function readModel(e: Flag | undefined, launch: Launch, path: string, fields: FieldFinding[], note: Note): Extract<ModelRef, { kind: 'script-config' }> | null {
  const descriptor = e?.text ?? 'gpt2_124M_bf16.bin';
  const at = e?.range ?? launch.range;
  if (descriptor.endsWith('.bin')) {
    note(`the model is the checkpoint ${descriptor}${e === undefined ? " (-e not given: train_gpt2.cu's default)" : ''}, whose config is in its binary header, which is not read`, at);
    return null;
  }
  const m = /^(?:gpt2:)?d(\d+)$/.exec(descriptor);
  const shape = m === null ? undefined : GPT2_DEPTHS[Number(m[1])];
  if (m === null || shape === undefined) {
    note(`-e "${descriptor}" is not a GPT-2 depth descriptor this reader builds (dN / gpt2:dN with N in ${Object.keys(GPT2_DEPTHS).join(', ')})`, at);
    return null;
  }
  fields.push({ name: '-e', value: descriptor, range: at });
  const depth = Number(m[1]);
  return {
    kind: 'script-config',
    name: `llm.c GPT-2 d${depth}`,
    config: {
      model_type: 'gpt2',
      architectures: ['GPT2LMHeadModel'],
      n_layer: depth,
      n_embd: shape.channels,
      n_head: shape.heads,
      n_positions: MAX_SEQ_LEN,
      vocab_size: PADDED_VOCAB,
      tie_word_embeddings: true,
      resid_pdrop: 0, embd_pdrop: 0, attn_pdrop: 0,
    },
    path,
    range: at,
    vocab: { value: PADDED_VOCAB, assumption: `llm.c builds GPT-2 with the tokenizer's 50,257 tokens padded to ${PADDED_VOCAB} (${LLMC_MODEL.title}: ${LLMC_MODEL.locator})` },
  };
}
