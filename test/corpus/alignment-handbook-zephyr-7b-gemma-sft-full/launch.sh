#!/bin/sh
# SFT, as in recipes/zephyr-7b-gemma/README.md
ACCELERATE_LOG_LEVEL=info accelerate launch --config_file recipes/accelerate_configs/zero3.yaml scripts/sft.py --config recipes/zephyr-7b-gemma/sft/config_full.yaml
