# Our own minimal train.py with the module globals of karpathy/nanoGPT train.py (defaults for GPT-2 124M on
# OpenWebText), then the configurator override, the autocast dtype, the vocabulary from the dataset's meta.pkl and the
# optimizer call.
import os
import pickle
import torch
from model import GPTConfig, GPT

init_from = 'scratch'
dataset = 'openwebtext'
gradient_accumulation_steps = 5 * 8
batch_size = 12
block_size = 1024
n_layer = 12
n_head = 12
n_embd = 768
dropout = 0.0
bias = False
learning_rate = 6e-4
max_iters = 600000
weight_decay = 1e-1
beta1 = 0.9
beta2 = 0.95
grad_clip = 1.0
decay_lr = True
warmup_iters = 2000
lr_decay_iters = 600000
min_lr = 6e-5
device = 'cuda'
dtype = 'bfloat16' if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else 'float16'
compile = True

exec(open('configurator.py').read())

ddp = int(os.environ.get('RANK', -1)) != -1  # a DDP run (torchrun sets RANK)
if ddp:
    ddp_world_size = int(os.environ['WORLD_SIZE'])
    assert gradient_accumulation_steps % ddp_world_size == 0
    gradient_accumulation_steps //= ddp_world_size

ptdtype = {'float32': torch.float32, 'bfloat16': torch.bfloat16, 'float16': torch.float16}[dtype]
ctx = torch.amp.autocast(device_type='cuda', dtype=ptdtype)

# the dataset's folder; its meta.pkl (written by the dataset's prepare.py, when it has one) gives the vocabulary,
# else GPT-2's 50257 rounded up to 50304
data_dir = os.path.join('data', dataset)
meta_path = os.path.join(data_dir, 'meta.pkl')
meta_vocab_size = None
if os.path.exists(meta_path):
    with open(meta_path, 'rb') as f:
        meta_vocab_size = pickle.load(f)['vocab_size']
optimizer = model.configure_optimizers(weight_decay, learning_rate, (beta1, beta2), 'cuda')
