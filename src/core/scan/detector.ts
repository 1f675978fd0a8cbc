/**
 * The shape of a config-format detector. One file per format under ./detectors, listed in
 * ./detectors/index.ts. A detector recognises files by their content (keys), not only their names,
 * reads the fields it knows with their ranges, and says how the file takes part in jobs.
 */
import type { InputError, Precision } from '../types';
import type { Ecosystem } from '../optimizers/types';
import type { ParseWarning, ParsedNode } from '../parse/node';
import type { AutoField } from './deepspeed-auto';
import type { DefaultedSetting, PendingLora, SettingSource, UltralyticsSyntax } from './results';
import type { FieldFinding, ModelRef, ScanFile, SourceRange, TrainingSettings } from './types';
import type { UltralyticsArg, UltralyticsPending } from './ultralytics';

/**
 * How the scanner parsed a file before handing it to detectors. 'pickle': a binary file read as one character
 * per byte (../walk-rules.ts SYNTAX_BY_NAME), never parsed as text.
 */
export type FileSyntax = 'json' | 'yaml' | 'text' | 'pickle';

export interface ParsedFile {
  readonly syntax: FileSyntax;
  /** The tree, or null when parsing failed (and always for 'text'). */
  readonly root: ParsedNode | null;
  /** The strict parse error; also set when only the lenient JSONC parse succeeded (`lenient`). */
  readonly error: InputError | null;
  /** `root` needed JSONC leniency (comments, trailing commas) to parse. */
  readonly lenient: boolean;
  /** The text started with a UTF-8 byte order mark. */
  readonly bom: boolean;
  readonly warnings: readonly ParseWarning[];
}

/** The part a file plays in a job. */
export type FileRole =
  /** Describes the model (HF config.json): joins a training file that references it or sits beside it. */
  | 'model'
  /** Describes a training run (Trainer arguments): each one anchors a job. */
  | 'training'
  /** Contributes settings when referenced (e.g. a DeepSpeed config), else forms a folder job. */
  | 'auxiliary'
  /**
   * Launches a run (a shell launch script): joins the job of the training config or script it
   * launches (its values override that job's files), else anchors a job of its own.
   */
  | 'launcher'
  /**
   * Describes a dataset a training script reads by its path (nanoGPT's data/<dataset>/meta.pkl): taken into the
   * job of a script that reads it (./module-globals.ts), never a job of its own.
   */
  | 'dataset';

/** A reference from one file to another file, folder or hub model, as written. */
export interface Link {
  /**
   * 'model': a model folder, config file or hub id; 'config': another config file (DeepSpeed, ...);
   * 'launch': the training config or script a launcher runs.
   */
  readonly kind: 'model' | 'config' | 'launch';
  /** Key that holds the reference, e.g. `model_name_or_path`. */
  readonly key: string;
  readonly value: string;
  readonly range: SourceRange;
  /** For a model: the branch, tag or commit the file names beside it (`model_revision`, `revision=`). */
  readonly revision?: string;
  /** The file the reference is written in, when not the detected file (a Hydra group file of a composed config). */
  readonly path?: string;
  /** For a model: the folder of a pipeline repo that holds it (diffusers' `subfolder="unet"`). */
  readonly subfolder?: string;
  /**
   * For a model: a launch's value that overrides the config it names (litgpt's checkpoint written after `--config`),
   * so the join tries it before the model links of the job's other files.
   */
  readonly overrides?: boolean;
}

/** A module global a script's configuration assigns (./module-globals.ts). */
export interface ModuleGlobal {
  readonly name: string;
  /** The value when written as a literal or simple arithmetic, else null with `unknown` set. */
  readonly value: number | string | boolean | null;
  readonly range: SourceRange;
  /** Why the value is not known statically. */
  readonly unknown?: string;
}

/** A file's module globals: a script's defaults, an override file, or `--key=value` arguments. */
export interface ModuleGlobals {
  readonly role: 'defaults' | 'override' | 'command-line';
  readonly globals: readonly ModuleGlobal[];
  /** The script divides `gradient_accumulation_steps` by the number of GPUs (DDP world size). */
  readonly divideGradAccumByGpus?: boolean;
  /**
   * The script reads its vocabulary size from a pickle whose path it joins from literals and globals (nanoGPT:
   * `os.path.join(os.path.join('data', dataset), 'meta.pkl')` then `pickle.load`): the parts, in order, and where
   * the path is written.
   */
  readonly metaPickle?: { readonly parts: readonly (string | { readonly global: string })[]; readonly range: SourceRange };
}

/** Settings one file contributes to its job. */
export interface Contribution {
  /** Settings written in the file (only keys that were written, never `undefined` values). */
  readonly settings: TrainingSettings;
  /** Where each setting came from; keys are TrainingSettings keys, dotted for parts (`lora.rank`). */
  readonly sources: Readonly<Record<string, SettingSource>>;
  /** Settings the file's reader would default, with their values in `defaultSettings`. */
  readonly defaults: readonly DefaultedSetting[];
  readonly defaultSettings: TrainingSettings;
  /** LoRA switched on without target modules: PEFT picks them from the model type. */
  readonly loraWithoutTargets?: PendingLora;
  /**
   * The ecosystem whose spellings `settings.optimizer` (or its default) is written in, for
   * `resolveOptimizer(spelling, params, ecosystem)`: the same word means different optimizers in
   * different tools (DeepSpeed "Adam" is AdamW, timm "sgd" is Nesterov SGD).
   */
  readonly optimizerEcosystem?: Ecosystem;
  /**
   * The optimizer is a Hydra `_target_` block with `_partial_: true` (instantiate returns a functools.partial the code
   * calls with the parameters): a change to paste keeps it.
   */
  readonly optimizerPartial?: boolean;
  /**
   * The file is an Ultralytics training call: `cli` (a `yolo … train` line) or `python` (`YOLO(…).train(…)`), and the
   * factor the trainer multiplies the typed weight_decay by (batch x accumulate / nbs): a change to paste is written in
   * the call's own arguments (fixes/paste-ultralytics.ts).
   */
  readonly ultralytics?: UltralyticsSyntax;
  /** DeepSpeed "auto" values the file writes (filled per job from the Trainer's arguments). */
  readonly deepspeedAutos?: readonly AutoField[];
  /** The file's arguments go to the Hugging Face Trainer, whose DeepSpeed integration fills "auto". */
  readonly runsHfTrainer?: boolean;
  /** What the file leaves open and the job must assume (a launch script's unset variables, ...). */
  readonly notes?: readonly string[];
  /** Fields read whose memory effect is not modelled, as "not modelled" notes (`key: what it does`). */
  readonly notModelled?: readonly string[];
  /** Module globals that configure a nanoGPT-style script (./module-globals.ts), merged per job. */
  readonly moduleGlobals?: ModuleGlobals;
  /** Boolean switches a config file states for the program it configures (an ml_collections `config.half_precision`). */
  readonly configSwitches?: Readonly<Record<string, boolean>>;
  /** The precision a program computes in, chosen by a switch another file of the job states (see PrecisionBySwitch). */
  readonly precisionBySwitch?: PrecisionBySwitch;
}

/**
 * A program's precision branches on a config switch (the Flax examples' train.py: `if half_precision:` float16
 * off TPU, `else:` float32): where each branch writes its dtype. The job's config file picks the branch.
 */
export interface PrecisionBySwitch {
  readonly switch: string;
  readonly whenTrue?: { readonly precision: Precision; readonly source: SettingSource };
  readonly whenFalse?: { readonly precision: Precision; readonly source: SettingSource };
}

export interface FindingError {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export interface Detection {
  readonly fields: readonly FieldFinding[];
  /** A value of the wrong type or out of range: the finding carries it and the file joins no job. */
  readonly error: FindingError | null;
  readonly warnings: readonly ParseWarning[];
  readonly role: FileRole;
  readonly contribution: Contribution;
  readonly links: readonly Link[];
  /** For 'model' files: the model type (`llama`, `gpt2`), when written. */
  readonly modelType?: string;
  /**
   * For launchers: the launch reads accelerate's default config of the machine (`accelerate launch`
   * without `--config_file`; ./machine-files.ts); where the launch is written.
   */
  readonly accelerateDefaultConfig?: SourceRange;
  /** For a composed Hydra config: the other files composed into it (group files, a launch's overrides). */
  readonly composedFrom?: readonly string[];
  /** For a training program with its own command line: its option table, for the flags a launch passes (./command-line.ts). */
  readonly commandLine?: CommandLineTable;
  /** For a launcher: the words it passes to the program it runs, in order. */
  readonly scriptArgs?: readonly ScriptArgument[];
  /**
   * For a training config that describes its network by its own arguments (GPT-NeoX's `num_layers`, `hidden_size`, ...):
   * the config.json of that shape, used when no file of the job names a model.
   */
  readonly ownModel?: Extract<ModelRef, { kind: 'script-config' }>;
  /** For a dataset's metadata (nanoGPT's meta.pkl): its vocabulary size and where the file states it. */
  readonly datasetMeta?: { readonly vocabSize: number; readonly range: SourceRange };
  /**
   * For an Ultralytics dataset YAML: its classes (`names`, `nc`) and where the file states them; its `train` images (a
   * path or a list of paths, as written) and its dataset root `path` when written (null: none, the YAML's folder).
   */
  readonly datasetClasses?: {
    readonly nc: number;
    readonly range: SourceRange;
    readonly train?: { readonly paths: readonly string[]; readonly range: SourceRange };
    readonly root?: { readonly value: string; readonly range: SourceRange } | null;
  };
  /** For an Ultralytics training call: what the job's join finishes (the dataset's classes, `optimizer=auto`). */
  readonly ultralytics?: UltralyticsPending;
  /** For an Ultralytics cfg YAML (what `cfg=` names): its training arguments, read over by the call that names it. */
  readonly ultralyticsCfg?: readonly UltralyticsArg[];
  /** For an Ultralytics model definition YAML (`backbone`, `head`, `scales`, `nc`): its fields, built by the call that names it. */
  readonly ultralyticsModel?: Readonly<Record<string, unknown>>;
}

/** A training program's argparse options, read statically (timm's train.py). */
export interface CommandLineTable {
  /** Which program's flags these are (how a dest becomes a setting). */
  readonly reader: 'timm' | 'diffusers';
  /** The pipeline folder the program loads its trained model from (`from_pretrained(name, subfolder="unet")`). */
  readonly modelSubfolder?: string;
  /** Option string (`-b`, `--batch-size`) → dest; `stores` for a store_true/store_false flag. */
  readonly options: Readonly<Record<string, { readonly dest: string; readonly stores?: boolean }>>;
  /** The defaults written in the program, by dest, where they are written. */
  readonly defaults: Readonly<Record<string, { readonly value: number | string | boolean | null; readonly range: SourceRange }>>;
}

/** A word a launch passes to its program: its text (null when unknown) and where it is written. */
export interface ScriptArgument {
  readonly text: string | null;
  readonly range: SourceRange;
  /** The file it is written in, when not the launcher's (a word of the script that calls it). */
  readonly path?: string;
  readonly unknown?: string;
}

export interface Detector {
  readonly kind: string;
  /** Syntaxes of the files it examines; the scanner parses only files some detector wants. */
  readonly syntaxes: readonly FileSyntax[];
  /** Whether files of this kind may contain comments/trailing commas (else that is an error finding). */
  readonly acceptsJsonc: boolean;
  /**
   * A cheap test on the raw text, run before the file is parsed: false means the file cannot be of
   * this kind. When every detector for a file's syntax says false, the file is not parsed at all
   * (YAML parsing is slow, and most YAML/Python files of a workspace are not training configs).
   * Absent: the file is always parsed.
   */
  mayMatch?(file: ScanFile): boolean;
  /**
   * True when the file is of this kind. Decide from the tree's keys; when `parsed.root` is null
   * (the file failed to parse), decide from the raw text (`file.text`), so that a broken file of a
   * known kind still gets a finding with its error.
   */
  matches(file: ScanFile, parsed: ParsedFile): boolean;
  /**
   * Reads a file that `matches` and parsed (for 'json'/'yaml', `parsed.root` is non-null; for
   * 'text', it is null). May throw InputError, which becomes the finding's error.
   */
  detect(file: ScanFile, parsed: ParsedFile): Detection;
}

/** An empty contribution (files that only describe a model). */
export const NO_CONTRIBUTION: Contribution = { settings: {}, sources: {}, defaults: [], defaultSettings: {} };
