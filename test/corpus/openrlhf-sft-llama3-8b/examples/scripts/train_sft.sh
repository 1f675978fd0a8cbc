#!/bin/bash
deepspeed --module openrlhf.cli.train_sft \
   --data.max_len 2048 \
   --train.batch_size 256 \
   --train.micro_batch_size 2 \
   --model.model_name_or_path meta-llama/Meta-Llama-3-8B \
   --ds.zero_stage 2 \
   --train.max_epochs 1 \
   --ds.param_dtype bf16 \
   --ds.attn_implementation flash_attention_2 \
   --adam.lr 5e-6 \
   --ds.packing_samples \
   --model.gradient_checkpointing_enable
