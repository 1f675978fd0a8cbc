/**
 * Building one file's Contribution: explicit settings with the range they were written at, and the
 * defaults of the tool that reads the file for settings it leaves out. Shared by every detector.
 */
import type { Citation, HyperValue } from '../types';
import type { Ecosystem } from '../optimizers/types';
import type { AutoField } from './deepspeed-auto';
import type { Contribution, PrecisionBySwitch } from './detector';
import type { DefaultedSetting, SettingSource, UltralyticsSyntax } from './results';
import type { SourceRange, TrainingSettings } from './types';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One default of a tool, mapped to the TrainingSettings key it fills. */
export interface ToolDefault<K extends keyof TrainingSettings = keyof TrainingSettings> {
  readonly setting: K;
  /** The key(s) the tool reads (`optim`, `bf16/fp16`, `micro_batch_size`). */
  readonly key: string;
  readonly value: NonNullable<TrainingSettings[K]> & HyperValue;
  readonly note?: string;
}

/** Collects explicit settings with their sources, and defaults, for one file. */
export class ContributionBuilder {
  readonly settings: Mutable<TrainingSettings> = {};
  readonly sources: Record<string, SettingSource> = {};
  readonly defaults: DefaultedSetting[] = [];
  readonly defaultSettings: Mutable<TrainingSettings> = {};
  loraWithoutTargets: Contribution['loraWithoutTargets'];
  /** Ecosystem whose spellings `settings.optimizer` (or its default) uses. */
  optimizerEcosystem: Ecosystem | undefined;
  /** The optimizer is a Hydra `_target_` block with `_partial_: true`. */
  optimizerPartial = false;
  /** An Ultralytics training call: how it is written and the trainer's weight-decay scale (Contribution.ultralytics). */
  ultralytics: UltralyticsSyntax | null = null;
  /** DeepSpeed "auto" values the file writes. */
  readonly deepspeedAutos: AutoField[] = [];
  /** The file's arguments go to the Hugging Face Trainer (which fills DeepSpeed "auto"). */
  runsHfTrainer = false;
  /** What the file leaves open (a launch script's unset variables, ...), as assumption texts. */
  readonly notes: string[] = [];
  /** Fields read whose memory effect is not modelled (passed on as notes, never dropped). */
  readonly notModelled: string[] = [];
  /** Boolean switches a config file states for its program. */
  readonly configSwitches: Record<string, boolean> = {};
  precisionBySwitch: PrecisionBySwitch | undefined;

  constructor(readonly path: string) {}

  /** Sets an explicit value; a default recorded earlier for exactly this setting is dropped. */
  set<K extends keyof TrainingSettings>(key: K, value: TrainingSettings[K], range: SourceRange): void {
    this.settings[key] = value;
    this.sources[key] = this.source(range);
    delete this.defaultSettings[key];
    for (let i = this.defaults.length - 1; i >= 0; i--) if (this.defaults[i].setting === key) this.defaults.splice(i, 1);
  }

  /** Removes an explicit value and its sources (`optimizerParams.*` too). */
  unset(key: keyof TrainingSettings): void {
    delete this.settings[key];
    for (const k of Object.keys(this.sources)) if (k === key || k.startsWith(`${key}.`)) delete this.sources[k];
  }

  /** Drops a recorded default (and its dotted parts, `lora.rank` for `lora`). */
  dropDefault(key: keyof TrainingSettings): void {
    delete this.defaultSettings[key];
    for (let i = this.defaults.length - 1; i >= 0; i--) {
      const s = this.defaults[i].setting;
      if (s === key || s.startsWith(`${key}.`)) this.defaults.splice(i, 1);
    }
  }

  source(range: SourceRange): SettingSource {
    return { path: this.path, range };
  }

  useDefault<K extends keyof TrainingSettings>(d: ToolDefault<K>, citation: Citation): void {
    this.defaultSettings[d.setting] = d.value;
    this.defaults.push({
      setting: d.setting,
      key: d.key,
      value: d.value,
      ...(d.note !== undefined ? { note: d.note } : {}),
      source: citation,
    });
  }

  build(): Contribution {
    return {
      settings: this.settings,
      sources: this.sources,
      defaults: this.defaults,
      defaultSettings: this.defaultSettings,
      ...(this.loraWithoutTargets !== undefined ? { loraWithoutTargets: this.loraWithoutTargets } : {}),
      ...(this.optimizerEcosystem !== undefined ? { optimizerEcosystem: this.optimizerEcosystem } : {}),
      ...(this.optimizerPartial ? { optimizerPartial: true } : {}),
      ...(this.ultralytics !== null ? { ultralytics: this.ultralytics } : {}),
      ...(this.deepspeedAutos.length > 0 ? { deepspeedAutos: [...this.deepspeedAutos] } : {}),
      ...(this.runsHfTrainer ? { runsHfTrainer: true } : {}),
      ...(this.notes.length > 0 ? { notes: [...this.notes] } : {}),
      ...(this.notModelled.length > 0 ? { notModelled: [...this.notModelled] } : {}),
      ...(Object.keys(this.configSwitches).length > 0 ? { configSwitches: { ...this.configSwitches } } : {}),
      ...(this.precisionBySwitch !== undefined ? { precisionBySwitch: this.precisionBySwitch } : {}),
    };
  }
}
