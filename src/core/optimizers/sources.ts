/** Citations shared by several catalog entries. */
import type { Citation } from '../types';

export const TORCH_SGD: Citation = {
  title: 'PyTorch torch.optim.SGD',
  url: 'https://github.com/pytorch/pytorch/blob/0316fdce3d7cd6b72508ea175f38e4ad19ed5072/torch/optim/sgd.py',
  locator: 'torch/optim/sgd.py: momentum_buffer = torch.clone(grad).detach() on the first step, only when momentum != 0',
};

export const TORCH_ADAM: Citation = {
  title: 'PyTorch torch.optim.Adam',
  url: 'https://github.com/pytorch/pytorch/blob/dc80ccded5385cca3e777472d64cfe3d874fad89/torch/optim/adam.py',
  locator: 'Adam._init_group: exp_avg/exp_avg_sq (and max_exp_avg_sq if amsgrad) = zeros_like(p); step on CPU unless capturable or fused',
};

export const TORCH_ADAMW: Citation = {
  title: 'PyTorch torch.optim.AdamW',
  url: 'https://github.com/pytorch/pytorch/blob/c15fcf4eb79daaf10e12cecdf7fee15cde6cc530/torch/optim/adamw.py',
  locator: 'same state as torch.optim.Adam; decoupled weight decay, default weight_decay=1e-2',
};

export const BNB_OPTIMIZER: Citation = {
  title: 'bitsandbytes Optimizer1State / Optimizer2State',
  url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/9f85829479ac2299dcf692e913a83911a1069ad4/bitsandbytes/optim/optimizer.py',
  locator: 'init_state: uint8 state1/state2 + fp32 absmax per 256-element block; fp32 states below min_8bit_size=4096',
};

export const BNB_PAPER: Citation = {
  title: 'Dettmers et al., 8-bit Optimizers via Block-wise Quantization (ICLR 2022)',
  url: 'https://arxiv.org/abs/2110.02861',
};

export const HF_TRAINER: Citation = {
  title: 'transformers Trainer.get_optimizer_cls_and_kwargs / create_optimizer',
  // Not pinned to a commit: the one stored trainer.py version reachable here registers the 32-bit embedding
  // override only for a class named Adam8bit, not when optim_bits == 8 as the locator says
  // (test/unit/citations-pinned.test.ts, EXEMPT).
  url: 'https://github.com/huggingface/transformers/blob/main/src/transformers/trainer.py',
  locator: 'bitsandbytes branch (optim_bits/is_paged from the optim string); create_optimizer registers nn.Embedding weights for 32-bit states when optim_bits == 8',
};

export const HF_TRAINING_ARGS: Citation = {
  title: 'transformers TrainingArguments.optim (OptimizerNames)',
  url: 'https://github.com/huggingface/transformers/blob/fd798335c275520af034c678b35e8167820c7c80/src/transformers/training_args.py',
  locator: 'class OptimizerNames',
};

export const DEEPSPEED_ENGINE: Citation = {
  title: 'DeepSpeed engine._configure_basic_optimizer',
  url: 'https://github.com/deepspeedai/DeepSpeed/blob/7ad410899ed03b668a37fee49a045db706e8af3e/deepspeed/runtime/engine.py',
  locator: 'effective_adam_w_mode = optimizer_name == "adamw" or adam_w_mode (default True); torch_adam selects torch.optim.Adam/AdamW, otherwise FusedAdam; unknown names fall back to getattr(torch.optim, name)',
};

export const TIMM_FACTORY: Citation = {
  title: 'timm optimizer registry (create_optimizer_v2)',
  url: 'https://github.com/huggingface/pytorch-image-models/blob/0a0b4f494ddf2402c3872728509cfc7509304e9f/timm/optim/_optim_factory.py',
  locator: 'OptimInfo registrations; has_momentum optimizers default momentum=0.9',
};

export const GPT3_TABLE: Citation = {
  title: 'Brown et al., Language Models are Few-Shot Learners (GPT-3), 2020',
  url: 'https://arxiv.org/abs/2005.14165',
  locator: 'Table 2.1: Adam (beta2=0.95, decoupled weight decay 0.1) learning rates from 6.0e-4 (125M) down to 0.6e-4 (175B)',
};

export const BERT_PAPER: Citation = {
  title: 'Devlin et al., BERT: Pre-training of Deep Bidirectional Transformers, 2019',
  url: 'https://arxiv.org/abs/1810.04805',
  locator: 'Appendix A.2 (pre-training Adam lr 1e-4) and A.3 (fine-tuning lr in {5e-5, 3e-5, 2e-5})',
};

export const HE_RESNET: Citation = {
  title: 'He et al., Deep Residual Learning for Image Recognition, 2016',
  url: 'https://arxiv.org/abs/1512.03385',
  locator: 'Section 4.2: SGD with momentum 0.9, learning rate 0.1 divided by 10 at 32k and 48k iterations (down to 0.001)',
};

export const LOSHCHILOV_ADAMW: Citation = {
  title: 'Loshchilov & Hutter, Decoupled Weight Decay Regularization (ICLR 2019)',
  url: 'https://arxiv.org/abs/1711.05101',
};

export const TORCHAO_LOW_BIT_OPTIM: Citation = {
  title: 'torchao.optim AdamW8bit / AdamW4bit (low-bit optimizers)',
  url: 'https://github.com/pytorch/ao/blob/36027d82d1ad9949597ea16002ff4940374b1b94/torchao/optim/adam.py',
  locator:
    'adam.py _AdamBase._new_buffer (quantised only when numel >= 4096 and numel % block_size == 0, else zeros_like(p)), ' +
    'AdamW8bit block_size=256, AdamW4bit block_size=128; subclass_8bit.py / subclass_4bit.py OptimState*.zeros (uint8 codes, fp32 scale per block, per-state fp32 qmap)',
};

export const TORCHAO_4BIT_PAPER: Citation = {
  title: 'Li et al., Memory Efficient Optimizers with 4-bit States (NeurIPS 2023)',
  url: 'https://arxiv.org/abs/2309.01507',
};

export const HF_TRAINER_TORCHAO: Citation = {
  title: 'transformers Trainer: torchao optimizers (_get_torchao_optimizer)',
  url: 'https://github.com/huggingface/transformers/blob/0a14d8d782ad0f09b4f307c987875c9b4b395186/src/transformers/trainer_optimizer.py',
  locator:
    '_get_torchao_optimizer: adamw_torch_4bit -> AdamW4bit, adamw_torch_8bit -> AdamW8bit (torchao.optim from 0.11.0, torchao.prototype.low_bit_optim before), ' +
    'block_size = optim_args.get("block_size", 256), bf16_stochastic_round from optim_args, plus the adam kwargs',
};
