# Our own minimal main.py: the DeepSpeed-Chat step-1 arguments with their defaults, and its optimizer choice.
import argparse
from deepspeed.ops.adam import DeepSpeedCPUAdam, FusedAdam

def parse_args():
    p = argparse.ArgumentParser(description="Finetune a causal LM")
    p.add_argument("--model_name_or_path", type=str, required=True)
    p.add_argument("--per_device_train_batch_size", type=int, default=16)
    p.add_argument("--max_seq_len", type=int, default=512)
    p.add_argument("--learning_rate", type=float, default=1e-3)
    p.add_argument("--weight_decay", type=float, default=0.)
    p.add_argument("--num_train_epochs", type=int, default=1)
    p.add_argument("--gradient_accumulation_steps", type=int, default=1)
    p.add_argument("--lr_scheduler_type", type=str, default="cosine")
    p.add_argument("--num_warmup_steps", type=int, default=0)
    p.add_argument("--gradient_checkpointing", action="store_true")
    p.add_argument("--offload", action="store_true")
    p.add_argument("--dtype", type=str, default="fp16", choices=["fp16", "bf16"])
    p.add_argument("--zero_stage", type=int, default=0)
    p.add_argument("--lora_dim", type=int, default=0)
    p.add_argument("--lora_module_name", type=str, default="decoder.layers.")
    return p.parse_args()

def main():
    args = parse_args()
    AdamOptimizer = DeepSpeedCPUAdam if args.offload else FusedAdam
    optimizer = AdamOptimizer([], lr=args.learning_rate, betas=(0.9, 0.95))
