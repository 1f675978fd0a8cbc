/**
 * diffusers' UNet2DConditionModel (the denoiser of Stable Diffusion 1.x/2.x), walked block by block from a
 * diffusers `unet/config.json` (`_class_name: "UNet2DConditionModel"`), as huggingface/diffusers builds it
 * (src/diffusers/models/unets/unet_2d_condition.py, unet_2d_blocks.py, resnet.py, transformers/transformer_2d.py,
 * attention.py; the same modules as diffusers 0.11's unet_2d_condition.py / unet_2d_blocks.py / attention.py):
 * - conv_in (3x3) → time embedding (Timesteps(block_out_channels[0]) → linear_1 → SiLU → linear_2, width
 *   4 × block_out_channels[0]);
 * - down blocks (`CrossAttnDownBlock2D` / `DownBlock2D`): `layers_per_block` ResnetBlock2D (GroupNorm, SiLU, 3x3
 *   conv, time_emb_proj, GroupNorm, SiLU, 3x3 conv, a 1x1 conv_shortcut when the channels change), each followed
 *   in a cross-attention block by a Transformer2DModel; a stride-2 3x3 conv (Downsample2D) except in the last;
 * - the mid block (`UNetMidBlock2DCrossAttn`): resnet, transformer, resnet;
 * - up blocks (`UpBlock2D` / `CrossAttnUpBlock2D`) of `layers_per_block + 1` resnets over the skip connection
 *   concatenated to the input, a nearest ×2 upsampling + 3x3 conv (Upsample2D) except in the last;
 * - conv_norm_out (GroupNorm), SiLU, conv_out (3x3).
 * Transformer2DModel: GroupNorm (eps 1e-6), proj_in (1x1 conv, or a Linear with `use_linear_projection`: the same
 * parameters), `transformer_layers_per_block` BasicTransformerBlocks (LayerNorm; self-attention to_q/to_k/to_v
 * without bias, to_out with bias; LayerNorm; cross-attention with to_k/to_v from `cross_attention_dim`; LayerNorm;
 * GEGLU feed-forward inner × 4), proj_out. Heads: `attention_head_dim` counts heads in these configs (diffusers
 * keeps that misnomer: `num_attention_heads = num_attention_heads or attention_head_dim`).
 *
 * Activations (the 'cnn' shape, per image size): the UNet runs on latents, the image size divided by the VAE's
 * downsampling, 8 for Stable Diffusion (its AutoencoderKL has 4 blocks: `vae_scale_factor = 2 **
 * (len(vae.config.block_out_channels) - 1)` in the pipelines); the cross-attention reads the text encoder's 77
 * tokens (CLIP's `model_max_length`, to which train_text_to_image.py pads every caption). Attention is counted as
 * torch's scaled_dot_product_attention keeps it (diffusers' default AttnProcessor2_0 on PyTorch ≥ 2): no score
 * matrix. Both are stated in the inventory's notes. With gradient checkpointing (`unet.enable_gradient_checkpointing()`,
 * which the diffusers scripts' `--gradient_checkpointing` calls) each resnet and attention block of the down, mid and
 * up blocks runs under torch.utils.checkpoint (unet_2d_blocks.py: `torch.utils.checkpoint.checkpoint(create_custom_forward(resnet), hidden_states, temb)`).
 */
import { InputError } from '../../types';
import { CnnTrace, savedElementsCounter, type Feature } from '../builders/cnn';
import { ConfigFields, showValue } from '../fields';
import { LIMITS } from '../limits';
import type { JsonObject, ModelFamily, ModelInventory } from '../types';

/** Stable Diffusion's VAE downsampling (AutoencoderKL with 4 blocks: 2 ** (4 - 1)). */
export const SD_VAE_SCALE_FACTOR = 8;
/** CLIP ViT-L/14's text length (tokenizer model_max_length, text max_position_embeddings), which SD's captions are padded to. */
export const CLIP_TEXT_TOKENS = 77;

const DOWN_TYPES = ['CrossAttnDownBlock2D', 'DownBlock2D'] as const;
const UP_TYPES = ['CrossAttnUpBlock2D', 'UpBlock2D'] as const;

interface UNetSpec {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly blockOut: readonly number[];
  readonly down: readonly (typeof DOWN_TYPES)[number][];
  readonly up: readonly (typeof UP_TYPES)[number][];
  readonly mid: boolean;
  readonly layersPerBlock: readonly number[];
  readonly transformerLayers: readonly number[];
  readonly heads: readonly number[];
  readonly crossDim: number;
  readonly groups: number;
  readonly scaleShift: boolean;
  readonly sampleSize: number;
}

/** An int, or a list of one int per block (diffusers accepts both for these fields). */
function perBlock(f: ConfigFields, name: string, blocks: number, fallback: number, max: number): number[] {
  const v = f.obj[name];
  if (v === undefined || v === null) return Array<number>(blocks).fill(fallback);
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max;
  if (ok(v)) return Array<number>(blocks).fill(v);
  if (Array.isArray(v) && v.length === blocks && v.every(ok)) return v;
  throw new InputError(`field '${f.label(name)}' must be a whole number from 1 to ${max} or a list of ${blocks} of them, got ${showValue(v)}`);
}

function blockTypes<T extends string>(f: ConfigFields, name: string, allowed: readonly T[], blocks: number): T[] {
  const v = f.obj[name];
  if (!Array.isArray(v) || v.length !== blocks || !v.every((t) => typeof t === 'string')) {
    throw new InputError(`field '${f.label(name)}' must be a list of ${blocks} block names (one per block_out_channels entry), got ${showValue(v)}`);
  }
  for (const t of v as string[]) {
    if (!allowed.includes(t as T)) throw new InputError(`field '${f.label(name)}': block '${t}' is not modelled (modelled: ${allowed.join(', ')})`);
  }
  return v as T[];
}

function readSpec(config: JsonObject): UNetSpec {
  const f = new ConfigFields(config, 'a UNet2DConditionModel');
  const boc = config.block_out_channels;
  if (!Array.isArray(boc) || boc.length < 1 || boc.length > 8 || !boc.every((c) => typeof c === 'number' && Number.isInteger(c) && c >= 1 && c <= LIMITS.hidden.max)) {
    throw new InputError(`field 'block_out_channels' must be a list of 1 to 8 channel counts, got ${showValue(boc)}`);
  }
  const blocks = boc.length;
  for (const unsupported of ['addition_embed_type', 'class_embed_type', 'encoder_hid_dim', 'time_cond_proj_dim', 'num_class_embeds']) {
    const v = config[unsupported];
    if (v !== undefined && v !== null) throw new InputError(`field '${unsupported}' (${showValue(v)}) is not modelled for UNet2DConditionModel`);
  }
  if (f.bool('dual_cross_attention', false) || f.bool('only_cross_attention', false)) throw new InputError('dual or cross-only attention is not modelled for UNet2DConditionModel');
  const cross = config.cross_attention_dim ?? 1280;
  if (typeof cross !== 'number' || !Number.isInteger(cross) || cross < 1 || cross > LIMITS.hidden.max) {
    throw new InputError(`field 'cross_attention_dim' must be a whole number (one width for every block), got ${showValue(cross)}`);
  }
  const mid = config.mid_block_type === undefined ? 'UNetMidBlock2DCrossAttn' : config.mid_block_type;
  if (mid !== null && mid !== 'UNetMidBlock2DCrossAttn') throw new InputError(`field 'mid_block_type': '${String(mid)}' is not modelled (modelled: UNetMidBlock2DCrossAttn, null)`);
  const channels = (boc as number[]).map((c) => c);
  const groups = f.optionalInt('norm_num_groups', LIMITS.heads, 32);
  for (const c of channels) if (c % groups !== 0) throw new InputError(`block_out_channels ${c} is not divisible by norm_num_groups ${groups}`);
  const heads = perBlock(f, config.num_attention_heads != null ? 'num_attention_heads' : 'attention_head_dim', blocks, 8, LIMITS.heads.max);
  return {
    inChannels: f.optionalInt('in_channels', LIMITS.channels, 4),
    outChannels: f.optionalInt('out_channels', LIMITS.channels, 4),
    blockOut: channels,
    down: blockTypes(f, 'down_block_types', DOWN_TYPES, blocks),
    up: blockTypes(f, 'up_block_types', UP_TYPES, blocks),
    mid: mid !== null,
    layersPerBlock: perBlock(f, 'layers_per_block', blocks, 2, LIMITS.layers.max),
    transformerLayers: perBlock(f, 'transformer_layers_per_block', blocks, 1, LIMITS.layers.max),
    heads,
    crossDim: cross,
    groups,
    scaleShift: f.string('resnet_time_scale_shift', 'default') === 'scale_shift',
    sampleSize: f.optionalInt('sample_size', LIMITS.imageSize, 64),
  };
}

function walkUNet(spec: UNetSpec) {
  return (t: CnnTrace, imageSize: number): void => {
    const temb0 = spec.blockOut[0] * 4;
    const latent = Math.floor(imageSize / SD_VAE_SCALE_FACTOR);
    let x = t.input(spec.inChannels, latent);
    const context = t.sequence(spec.crossDim, CLIP_TEXT_TOKENS);
    // Timesteps → TimestepEmbedding (linear_1, SiLU, linear_2).
    let temb = t.linear('time_embedding.linear_1', t.sequence(spec.blockOut[0], 1), temb0);
    temb = t.linear('time_embedding.linear_2', t.silu(temb, false), temb0);
    x = t.conv2d('conv_in', x, spec.blockOut[0], { kernel: 3, padding: 1, bias: true });

    const resnet = (name: string, input: Feature, out: number): Feature => {
      let h = t.silu(t.groupNorm(`${name}.norm1`, input, spec.groups), false);
      h = t.conv2d(`${name}.conv1`, h, out, { kernel: 3, padding: 1, bias: true });
      const e = t.linear(`${name}.time_emb_proj`, t.silu(temb, false), spec.scaleShift ? out * 2 : out);
      h = t.addInPlace(h, e);
      h = t.silu(t.groupNorm(`${name}.norm2`, h, spec.groups), false);
      h = t.conv2d(`${name}.conv2`, h, out, { kernel: 3, padding: 1, bias: true });
      const shortcut = input.c !== out ? t.conv2d(`${name}.conv_shortcut`, input, out, { kernel: 1, bias: true }) : input;
      return t.copy(t.addInPlace(h, shortcut));
    };
    const transformer = (name: string, input: Feature, heads: number, layers: number): Feature => {
      const c = input.c;
      let h = t.groupNorm(`${name}.norm`, input, spec.groups);
      h = t.copy(t.conv2d(`${name}.proj_in`, h, c, { kernel: 1, bias: true }));
      for (let l = 0; l < layers; l++) {
        const b = `${name}.transformer_blocks.${l}`;
        let n = t.layerNorm(`${b}.norm1`, h);
        let a = t.attention(t.linear(`${b}.attn1.to_q`, n, c, 'matrix', false), t.linear(`${b}.attn1.to_k`, n, c, 'matrix', false), t.linear(`${b}.attn1.to_v`, n, c, 'matrix', false), heads);
        h = t.addInPlace(t.linear(`${b}.attn1.to_out.0`, t.copy(a), c), h);
        n = t.layerNorm(`${b}.norm2`, h);
        a = t.attention(t.linear(`${b}.attn2.to_q`, n, c, 'matrix', false), t.linear(`${b}.attn2.to_k`, context, c, 'matrix', false), t.linear(`${b}.attn2.to_v`, context, c, 'matrix', false), heads);
        h = t.addInPlace(t.linear(`${b}.attn2.to_out.0`, t.copy(a), c), h);
        n = t.layerNorm(`${b}.norm3`, h);
        const g = t.geglu(t.linear(`${b}.ff.net.0.proj`, n, c * 8));
        h = t.addInPlace(t.linear(`${b}.ff.net.2`, g, c), h);
      }
      h = t.conv2d(`${name}.proj_out`, t.copy(h), c, { kernel: 1, bias: true });
      return t.copy(t.addInPlace(h, input));
    };

    // With gradient checkpointing diffusers runs each resnet (with the time embedding) and each attention block (with
    // the text states) of the down, mid and up blocks under torch.utils.checkpoint.
    const block = (input: Feature, body: () => Feature): Feature => t.checkpoint([input, temb], body);
    const attention = (input: Feature, body: () => Feature): Feature => t.checkpoint([input, context], body);
    const skips: Feature[] = [x];
    spec.down.forEach((type, i) => {
      const out = spec.blockOut[i];
      for (let j = 0; j < spec.layersPerBlock[i]; j++) {
        x = block(x, () => resnet(`down_blocks.${i}.resnets.${j}`, x, out));
        if (type === 'CrossAttnDownBlock2D') x = attention(x, () => transformer(`down_blocks.${i}.attentions.${j}`, x, spec.heads[i], spec.transformerLayers[i]));
        skips.push(x);
      }
      if (i < spec.blockOut.length - 1) {
        x = t.conv2d(`down_blocks.${i}.downsamplers.0.conv`, x, out, { kernel: 3, stride: 2, padding: 1, bias: true });
        skips.push(x);
      }
    });
    const last = spec.blockOut.length - 1;
    if (spec.mid) {
      x = block(x, () => resnet('mid_block.resnets.0', x, spec.blockOut[last]));
      x = attention(x, () => transformer('mid_block.attentions.0', x, spec.heads[last], spec.transformerLayers[last]));
      x = block(x, () => resnet('mid_block.resnets.1', x, spec.blockOut[last]));
    }
    const reversed = [...spec.blockOut].reverse();
    const reversedHeads = [...spec.heads].reverse();
    const reversedLayers = [...spec.layersPerBlock].reverse();
    const reversedTransformerLayers = [...spec.transformerLayers].reverse();
    spec.up.forEach((type, i) => {
      const out = reversed[i];
      for (let j = 0; j < reversedLayers[i] + 1; j++) {
        const skip = skips.pop();
        if (skip === undefined) throw new InputError('the UNet config has more up-block layers than skip connections (layers_per_block and the block lists disagree)');
        const joined = t.concat(x, skip);
        x = block(joined, () => resnet(`up_blocks.${i}.resnets.${j}`, joined, out));
        if (type === 'CrossAttnUpBlock2D') x = attention(x, () => transformer(`up_blocks.${i}.attentions.${j}`, x, reversedHeads[i], reversedTransformerLayers[i]));
      }
      if (i < reversed.length - 1) {
        x = t.conv2d(`up_blocks.${i}.upsamplers.0.conv`, t.upsampleNearest(x, 2), out, { kernel: 3, padding: 1, bias: true });
      }
    });
    x = t.silu(t.groupNorm('conv_norm_out', x, spec.groups), false);
    t.conv2d('conv_out', x, spec.outChannels, { kernel: 3, padding: 1, bias: true });
  };
}

export const unet2dCondition: ModelFamily = {
  modelTypes: [],
  architectures: ['UNet2DConditionModel'],
  source: {
    title: 'diffusers UNet2DConditionModel',
    url: 'https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/unets/unet_2d_condition.py',
    locator: 'UNet2DConditionModel.__init__; get_down_block / get_up_block (unet_2d_blocks.py); ResnetBlock2D (resnet.py); Transformer2DModel, BasicTransformerBlock, GEGLU (attention.py)',
  },
  build(config: JsonObject, architecture: string): ModelInventory {
    const spec = readSpec(config);
    // Parameters do not depend on the size; the default size is the one the config is trained at.
    const imageSize = spec.sampleSize * SD_VAE_SCALE_FACTOR;
    const walk = walkUNet(spec);
    const trace = new CnnTrace(architecture, imageSize);
    walk(trace, imageSize);
    return {
      family: 'unet2d-condition',
      architecture,
      tensors: trace.params.tensors(),
      shape: {
        kind: 'cnn',
        savedElementsPerSample: savedElementsCounter(walk, architecture),
        checkpointedElementsPerSample: savedElementsCounter(walk, architecture, true),
        defaultImageSize: imageSize,
        numLabels: 0,
        denoiser: true,
      },
      warnings: [
        `activations of the UNet are counted on latents of the image size / ${SD_VAE_SCALE_FACTOR} (Stable Diffusion's VAE), with ${CLIP_TEXT_TOKENS} text tokens (CLIP's length) in its cross-attention and attention as torch's scaled_dot_product_attention keeps it (no score matrix; diffusers' default with PyTorch >= 2)`,
      ],
      config: { architecture, image_size: imageSize, sample_size: spec.sampleSize, block_out_channels: [...spec.blockOut], cross_attention_dim: spec.crossDim },
    };
  },
};
