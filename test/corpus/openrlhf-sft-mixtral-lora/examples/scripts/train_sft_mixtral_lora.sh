#!/bin/bash
deepspeed --module openrlhf.cli.train_sft \
    --data.max_len 2048 \
    --train.batch_size 128 \
    --train.micro_batch_size 4 \
    --model.model_name_or_path mistralai/Mixtral-8x7B-v0.1 \
    --ds.zero_stage 3 \
    --train.max_epochs 1 \
    --ds.param_dtype bf16 \
    --model.gradient_checkpointing_enable \
    --ds.attn_implementation flash_attention_2 \
    --adam.lr 5e-6 \
    --ds.lora.rank 64 \
    --ds.lora.alpha 64 \
    --ds.packing_samples \
    --model.aux_loss_coef 0.001
