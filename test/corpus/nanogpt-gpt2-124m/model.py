# Our own minimal model.py: nanoGPT's GPTConfig defaults and the optimizer its GPT.configure_optimizers builds.
from dataclasses import dataclass
import torch

@dataclass
class GPTConfig:
    block_size: int = 1024
    vocab_size: int = 50304
    n_layer: int = 12
    n_head: int = 12
    n_embd: int = 768
    dropout: float = 0.0
    bias: bool = True

class GPT:
    def configure_optimizers(self, weight_decay, learning_rate, betas, device_type):
        optim_groups = [{'params': [], 'weight_decay': weight_decay}]
        return torch.optim.AdamW(optim_groups, lr=learning_rate, betas=betas, fused=device_type == 'cuda')
