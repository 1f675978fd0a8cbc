#!/usr/bin/env bash
# the launch GPT-NeoX's own tests load (tests/neox_args/test_neoxargs_load.py, test_neoxargs_commandline.py): the 125M
# model with the local setup and the CPU mock config, merged by NeoX at launch
python ./deepy.py train.py configs/125M.yml configs/local_setup.yml configs/cpu_mock_config.yml
