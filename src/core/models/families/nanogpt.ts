/**
 * nanoGPT's GPT (karpathy/nanoGPT model.py @ 3adf61e: `GPT.__init__`), the model a nanoGPT-style script builds from
 * its globals (`GPTConfig(n_layer, n_head, n_embd, block_size, bias, vocab_size, dropout)`; the scan's script-config,
 * ../../scan/module-globals.ts, gives it `model_type: "nanogpt"`, which is ours, not a Hugging Face model type).
 * GPT-2's layout with `nn.Linear` layers: wte, wpe, per block ln_1, attn.c_attn (3 x n_embd), attn.c_proj, ln_2,
 * mlp.c_fc (4 x n_embd), mlp.c_proj, then ln_f; every Linear and LayerNorm has a bias only when `bias` is true
 * (`LayerNorm(ndim, bias)`), and lm_head (no bias) is tied to wte (`self.transformer.wte.weight = self.lm_head.weight`).
 * Activation: nn.GELU (exact).
 */
import { layerNormDecoderShape } from '../builders/layernorm-decoder';
import { ConfigFields } from '../fields';
import { LIMITS } from '../limits';
import { TensorList } from '../tensors';
import type { JsonObject, ModelFamily } from '../types';

export const nanogpt: ModelFamily = {
  modelTypes: ['nanogpt'],
  architectures: ['GPT'],
  source: {
    title: 'karpathy/nanoGPT model.py',
    url: 'https://github.com/karpathy/nanoGPT/blob/3adf61e154c3fe3fca428ad6bc3818b27a3b8291/model.py',
    locator: 'LayerNorm(ndim, bias), CausalSelfAttention, MLP, Block, GPTConfig, GPT.__init__ (weight tying)',
  },
  build(config: JsonObject, architecture: string) {
    const f = new ConfigFields(config, 'a nanoGPT model');
    const hidden = f.requiredInt('n_embd', LIMITS.hidden);
    const layers = f.requiredInt('n_layer', LIMITS.layers);
    const heads = f.requiredInt('n_head', LIMITS.heads);
    const vocab = f.requiredInt('vocab_size', LIMITS.vocab);
    const positions = f.requiredInt('block_size', LIMITS.positions);
    const bias = f.bool('bias', true);
    const dropoutP = f.probability('dropout', 0);
    const dropout = dropoutP > 0;
    f.requireDivides('n_head', heads, 'n_embd', hidden);

    const root = TensorList.create();
    const body = root.at('transformer');
    const wte = body.embedding('wte', vocab, hidden);
    body.embedding('wpe', positions, hidden, 'position-embedding');
    for (let i = 0; i < layers; i++) {
      const h = body.at(`h.${i}`);
      h.norm('ln_1', hidden, bias);
      h.linear('attn.c_attn', hidden, 3 * hidden, bias);
      h.linear('attn.c_proj', hidden, hidden, bias);
      h.norm('ln_2', hidden, bias);
      h.linear('mlp.c_fc', hidden, 4 * hidden, bias);
      h.linear('mlp.c_proj', 4 * hidden, hidden, bias);
    }
    body.norm('ln_f', hidden, bias);
    root.add('lm_head.weight', [vocab, hidden], 'lm-head', wte);

    const dims = { layers, hidden, heads, intermediate: 4 * hidden, vocab, act: 'gelu', dropout };
    return {
      family: 'nanogpt',
      architecture,
      tensors: root.tensors(),
      shape: layerNormDecoderShape(dims, vocab, 0),
      warnings: [],
      config: { model_type: 'nanogpt', n_layer: layers, n_head: heads, n_embd: hidden, block_size: positions, vocab_size: vocab, bias, dropout: dropoutP },
    };
  },
};
