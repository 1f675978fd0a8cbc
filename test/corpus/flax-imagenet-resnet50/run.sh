#!/bin/sh
python main.py --workdir=./imagenet --config=configs/default.py
