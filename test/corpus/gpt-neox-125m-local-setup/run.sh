#!/usr/bin/env bash
# the README's training command: configs prefixed with -d, merged by NeoX at launch
python ./deepy.py train.py -d configs 125M.yml local_setup.yml
