# config for training GPT-2 (124M) on 1 node of 8X A100 40GB
# 12 batch size * 1024 block size * 5 gradaccum * 8 GPUs = 491,520
batch_size = 12
block_size = 1024
gradient_accumulation_steps = 5 * 8

max_iters = 600000
lr_decay_iters = 600000

weight_decay = 1e-1
