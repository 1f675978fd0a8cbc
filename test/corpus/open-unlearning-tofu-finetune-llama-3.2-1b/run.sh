#!/bin/bash
# Simple finetuning (docs/experiments.md)
python src/train.py --config-name=train.yaml experiment=finetune/tofu/default \
  trainer.args.learning_rate=5e-5 task_name=llama3.2-1B_finetune_example
