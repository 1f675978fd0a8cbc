#!/usr/bin/env bash
# the README's multi-GPU training command
bash ./tools/dist_train.sh configs/resnet/resnet50_8xb32_in1k.py 8
