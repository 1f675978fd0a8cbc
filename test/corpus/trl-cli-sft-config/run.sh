#!/bin/sh
trl sft --config config.yaml --output_dir test-sft
