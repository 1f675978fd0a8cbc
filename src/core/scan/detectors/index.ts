/**
 * The detector registry. Adding a format = adding a file in this folder and a line here.
 * Order matters: the first detector whose `matches` accepts a file wins (a detector's `mayMatch`
 * text test only decides whether the file is parsed at all).
 */
import type { Detector } from '../detector';
import { accelerateConfigDetector } from './accelerate-config';
import { axolotlConfigDetector } from './axolotl-config';
import { datasetMetaDetector } from './dataset-meta';
import { deepspeedConfigDetector } from './deepspeed-config';
import { gptNeoxConfigDetector } from './gpt-neox-config';
import { hfModelConfigDetector } from './hf-model-config';
import { hfTrainingArgsDetector } from './hf-training-args';
import { hfTrainingArgsYamlDetector } from './hf-training-args-yaml';
import { hydraOptimizerDetector } from './hydra-optimizer';
import { hydraTrainerArgsDetector } from './hydra-trainer-args';
import { jupyterNotebookDetector } from './jupyter-notebook';
import { lightningCliConfigDetector } from './lightning-cli-config';
import { litgptConfigDetector } from './litgpt-config';
import { llmFoundryConfigDetector } from './llm-foundry-config';
import { mmengineConfigDetector } from './mmengine-config';
import { nemoConfigDetector } from './nemo-config';
import { pythonScriptDetector } from './python-script';
import { shellScriptDetector } from './shell-script';
import { torchtuneConfigDetector } from './torchtune-config';
import { ultralyticsCfgDetector } from './ultralytics-cfg';
import { ultralyticsDataDetector } from './ultralytics-data';
import { ultralyticsModelDetector } from './ultralytics-model';
import { ultralyticsScriptDetector } from './ultralytics-script';

export const DETECTORS: readonly Detector[] = [
  // JSON
  hfTrainingArgsDetector,
  deepspeedConfigDetector,
  hfModelConfigDetector,
  jupyterNotebookDetector,
  // YAML
  gptNeoxConfigDetector,
  torchtuneConfigDetector,
  nemoConfigDetector,
  lightningCliConfigDetector,
  litgptConfigDetector,
  llmFoundryConfigDetector,
  axolotlConfigDetector,
  hfTrainingArgsYamlDetector,
  accelerateConfigDetector,
  hydraTrainerArgsDetector,
  hydraOptimizerDetector,
  ultralyticsCfgDetector,
  ultralyticsDataDetector,
  ultralyticsModelDetector,
  // Python
  mmengineConfigDetector,
  ultralyticsScriptDetector,
  pythonScriptDetector,
  // Shell
  shellScriptDetector,
  // Binary, read by name (walk-rules.ts SYNTAX_BY_NAME)
  datasetMetaDetector,
];
