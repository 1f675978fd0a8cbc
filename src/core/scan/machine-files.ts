/**
 * Files of the machine (outside the workspace) that a launch reads without naming them, passed in by
 * the caller (CLI or extension) under its rules for reading outside the workspace: the scan itself
 * does no I/O.
 *
 * accelerate's default config: `accelerate launch` without `--config_file` loads
 * `$HF_HOME/accelerate/default_config.yaml` when that file exists (HF_HOME defaulting to
 * `$XDG_CACHE_HOME/huggingface`, then `~/.cache/huggingface`) — accelerate
 * src/accelerate/commands/config/config_args.py (`hf_cache_home`, `cache_dir`, `default_yaml_config_file`,
 * `default_config_file`, `load_config_from_file(None)`). accelerate itself reads no
 * `ACCELERATE_CONFIG_FILE` variable there (scripts that use that name pass it as `--config_file`).
 */

/** What the caller found at a machine file's place. */
export type MachineFileAnswer =
  | { readonly kind: 'found'; readonly location: string; readonly text: string }
  /** Looked for (or not read, e.g. in an untrusted workspace): `reason` says which. */
  | { readonly kind: 'missing'; readonly location: string; readonly reason: string };

export interface MachineFiles {
  /** accelerate's default config; absent: not consulted at all (nothing is said about it). */
  accelerateDefaultConfig?(): MachineFileAnswer;
}
