/** The scanner's public surface. */
export { scanFiles, scanFile, joinScan, joinReads, hydraJoinReads, DEFAULT_SCAN_YAML_MAX_CHARS, HYDRA_MAX_FILE_CHARS, HYDRA_MAX_COMPOSED_CHARS, type ScanOptions, type JoinOptions, type FileScan, type FileScanOptions } from './scan';
export { scriptCallJoinReads } from './script-calls';
export { parseConfigFile, parseConfigTree, type ConfigTree } from './config-file';
export { DETECTORS } from './detectors';
export type { Detector, Detection, FileSyntax, ParsedFile, FileRole, Link, Contribution, FindingError } from './detector';
export type { ScanReport, ScanJob, ScanWarning, DefaultedSetting, PendingLora, SettingSource, DefaultValue } from './results';
export { DEEPSPEED_AUTO_RULES, HF_DEEPSPEED_AUTO_SOURCE, autoAssumption, resolveHiddenSizeAutos, type AutoValue, type AutoField } from './deepspeed-auto';
export { peftDefaultLoraTargets, PEFT_LORA_TARGETS, PEFT_LORA_TARGETS_SOURCE } from './peft-lora-targets';
export { TRAINER_DEFAULTS, TRAINING_ARGUMENTS_SOURCE } from './hf-defaults';
export { isHubRepoId } from './jobs';
export * from './types';
export { unusedFiles, type UnusedFile } from './unused-files';
