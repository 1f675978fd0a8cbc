/**
 * diffusers UNet2DConditionModel (src/core/models/families/unet2d-condition.ts): the parameter count of Stable
 * Diffusion v1.4's UNet against the published figure, an SD 2.x-shaped config against a hand derivation from it,
 * diffusers' state-dict names, and the per-sample saved activations of a small UNet counted by hand with the rules
 * of src/core/models/builders/cnn.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildInventory, countParams } from '../../src/core/models';
import type { ModelInventory } from '../../src/core/models/types';
import { resolveEstimateInput } from '../../src/core/memory/defaults';
import { estimateMemory } from '../../src/core/memory/estimate';
import { resolveOptimizer } from '../../src/core/optimizers';
import { InputError } from '../../src/core/types';

function repoPath(...parts: string[]): string {
  for (const base of [process.cwd(), path.resolve(__dirname, '..', '..', '..')]) {
    if (fs.existsSync(path.join(base, 'test', 'corpus'))) return path.join(base, ...parts);
  }
  throw new Error('test/corpus not found: run the tests from the repository root');
}

/** CompVis/stable-diffusion-v1-4's unet/config.json, as the corpus setup's fake cache holds it. */
function sdV14(): Record<string, unknown> {
  const hub = repoPath('test', 'corpus', 'diffusers-text-to-image-sd-v1-4', '.hf-cache', 'hub', 'models--CompVis--stable-diffusion-v1-4');
  const ref = fs.readFileSync(path.join(hub, 'refs', 'main'), 'utf8').trim();
  return JSON.parse(fs.readFileSync(path.join(hub, 'snapshots', ref, 'unet', 'config.json'), 'utf8')) as Record<string, unknown>;
}

function saved(inv: ModelInventory, size: number): number {
  assert.equal(inv.shape.kind, 'cnn');
  return inv.shape.kind === 'cnn' ? inv.shape.savedElementsPerSample(size) : NaN;
}

/** Published: "UNet 859,520,964" (fast.ai forums, "Stable Diffusion Parameter Budget Allocation", SD v1 pipeline components). */
const SD_V1_UNET = 859_520_964;

test("Stable Diffusion v1.4's UNet: 859,520,964 parameters (published), diffusers' names and shapes", () => {
  const inv = buildInventory(sdV14(), 'unet/config.json');
  assert.equal(inv.family, 'unet2d-condition');
  assert.equal(inv.architecture, 'UNet2DConditionModel');
  assert.equal(countParams(inv).total, SD_V1_UNET);
  const t = new Map(inv.tensors.map((x) => [x.name, x]));
  assert.deepEqual(t.get('conv_in.weight')?.shape, [320, 4, 3, 3]);
  assert.deepEqual(t.get('time_embedding.linear_1.weight')?.shape, [1280, 320]);
  // cross-attention keys read the 768-wide text states; q/k/v have no bias, to_out has one
  assert.deepEqual(t.get('down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight')?.shape, [320, 768]);
  assert.equal(t.has('down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.bias'), false);
  assert.deepEqual(t.get('down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_out.0.bias')?.shape, [320]);
  // GEGLU doubles the 4x inner width; the up path's first resnet takes the 1280 + 1280 skip concatenation
  assert.deepEqual(t.get('mid_block.attentions.0.transformer_blocks.0.ff.net.0.proj.weight')?.shape, [10240, 1280]);
  assert.deepEqual(t.get('up_blocks.1.resnets.0.conv_shortcut.weight')?.shape, [1280, 2560, 1, 1]);
  assert.deepEqual(t.get('up_blocks.3.resnets.2.conv_shortcut.weight')?.shape, [320, 640, 1, 1]);
  assert.equal(t.has('down_blocks.3.downsamplers.0.conv.weight'), false, 'the last down block does not downsample');
  assert.equal(t.has('up_blocks.3.upsamplers.0.conv.weight'), false, 'the last up block does not upsample');
  assert.deepEqual(t.get('conv_out.weight')?.shape, [4, 320, 3, 3]);
  // the image size it is trained at: sample_size 64 latents x 8
  assert.equal(inv.shape.kind === 'cnn' && inv.shape.defaultImageSize, 512);
  assert.match(inv.warnings[0] ?? '', /image size \/ 8 .*77 text tokens.*scaled_dot_product_attention/);
});

test('an SD 2.x-shaped UNet (1024-wide text, head counts per block, linear projections) differs by its cross-attention keys and values only', () => {
  const inv = buildInventory({ ...sdV14(), cross_attention_dim: 1024, attention_head_dim: [5, 10, 20, 20], use_linear_projection: true }, 'unet/config.json');
  // 16 transformers of widths 320 x 2, 640 x 2, 1280 x 2 (down), 1280 (mid), 1280 x 3, 640 x 3, 320 x 3 (up): sum 12,480;
  // each has to_k and to_v from the text states, (1024 - 768) more inputs each.
  assert.equal(countParams(inv).total, SD_V1_UNET + 2 * (1024 - 768) * 12_480);
});

test('saved activations of a small UNet without attention, counted by hand', () => {
  const inv = buildInventory({
    _class_name: 'UNet2DConditionModel', block_out_channels: [32, 32], down_block_types: ['DownBlock2D', 'DownBlock2D'],
    up_block_types: ['UpBlock2D', 'UpBlock2D'], mid_block_type: null, layers_per_block: 1, norm_num_groups: 32, in_channels: 4, out_channels: 4, sample_size: 8,
  }, 'tiny.json');
  // Image 64 -> 8x8 latents (N = 64 positions), 4x4 after the downsampler (16). Time embedding (width 128): linear_1's
  // input 32 + SiLU's input 128 + linear_2's input 128 = 288; the embedding itself once (SiLU before each time_emb_proj) 128.
  // conv_in's input 4 x 64 = 256. A 32 -> 32 resnet: GroupNorm input + 2 x 32 group stats, SiLU input, conv input, twice
  // (6 x 32N + 128), time_emb_proj's input 128: 192N + 256. An up resnet over the 64-channel concatenation: 3 x 64N +
  // 3 x 32N + 256 (its 1x1 shortcut reads the same concatenation): 288N + 256.
  const down = 192 * 64 + 256 + 32 * 64 /* downsampler's input */ + 192 * 16 + 256;
  const up = 2 * (288 * 16 + 256) + 32 * 64 /* conv after the x2 upsampling */ + 2 * (288 * 64 + 256);
  const out = 32 * 64 + 64 + 32 * 64 + 32 * 64; // conv_norm_out, SiLU, conv_out
  assert.equal(saved(inv, 64), 288 + 128 + 256 + down + up + out);
  // With gradient checkpointing each resnet keeps only its inputs (its feature map and the time embedding), and one
  // resnet's saved tensors exist at a time while backward recomputes it. Outside the resnets: the time embedding 288,
  // conv_in's input 256, the downsampler's input 32 x 64, the conv after the upsampling 32 x 64, the output layers.
  const outside = 288 + 256 + 32 * 64 + 32 * 64 + out;
  // Inputs: conv_in's output 32 x 64, the embedding 128, the downsampler's output 32 x 16, the concatenations
  // 64 x 16 twice and 64 x 64 twice.
  const inputs = 32 * 64 + 128 + 32 * 16 + 2 * 64 * 16 + 2 * 64 * 64;
  // The largest resnet: an up resnet at 8x8 without its input (already kept): 288N + 256 - 64N.
  const largest = 288 * 64 + 256 - 64 * 64;
  assert.equal(inv.shape.kind === 'cnn' && inv.shape.checkpointedElementsPerSample?.(64), outside + inputs + largest);
});

test('the estimator counts the UNet with gradient checkpointing through its checkpointed blocks, and says so', () => {
  const inv = buildInventory(sdV14(), 'unet/config.json');
  const optimizer = resolveOptimizer('torch.optim.AdamW');
  assert.ok(optimizer);
  // A batch of 8 images: the forward-backward phase sets the peak without checkpointing.
  const base = { model: inv, optimizer, batchSize: 8, imageSize: 512, precision: 'fp16-mixed' as const };
  const plain = estimateMemory(resolveEstimateInput(base));
  const ckpt = estimateMemory(resolveEstimateInput({ ...base, gradientCheckpointing: true }));
  assert.equal(plain.peakPhase, 'forward-backward');
  assert.ok(ckpt.bytes.peak < plain.bytes.peak - 2 ** 30, `${ckpt.bytes.peak} vs ${plain.bytes.peak}`);
  assert.ok(ckpt.notes.some((n) => n.startsWith('gradient checkpointing: each checkpointed block keeps only its inputs')), ckpt.notes.join('\n'));
  assert.ok(!ckpt.notes.some((n) => n.includes('not modelled for CNNs')));
});

test('attention keeps no score matrix: doubling the image size about quadruples the saved activations (not x16)', () => {
  const inv = buildInventory(sdV14(), 'unet/config.json');
  const ratio = saved(inv, 1024) / saved(inv, 512);
  assert.ok(ratio > 3.9 && ratio < 4, `ratio ${ratio}`);
});

test('configs the family does not model are refused with the field named', () => {
  const refuse = (patch: Record<string, unknown>, message: RegExp) => assert.throws(() => buildInventory({ ...sdV14(), ...patch }, 'unet/config.json'), (e: unknown) => e instanceof InputError && message.test(e.message));
  refuse({ addition_embed_type: 'text_time' }, /'addition_embed_type' \("text_time"\) is not modelled/);
  refuse({ down_block_types: ['CrossAttnDownBlock2D', 'SimpleCrossAttnDownBlock2D', 'DownBlock2D', 'DownBlock2D'] }, /block 'SimpleCrossAttnDownBlock2D' is not modelled/);
  refuse({ block_out_channels: 320 }, /'block_out_channels' must be a list/);
  refuse({ layers_per_block: [2, 2] }, /'layers_per_block' must be a whole number .* or a list of 4/);
  refuse({ norm_num_groups: 48 }, /not divisible by norm_num_groups 48/);
});
