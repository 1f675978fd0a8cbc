/**
 * The formats the scanner reads, as their users name them: the one list every text that tells a user what the
 * tool reads is built from — the CLI's "No training jobs found" and `scan`'s empty table, the extension's "no
 * training jobs" message, the sidebar's empty state — and the list README's opening paragraph is checked against
 * (test/unit/scan-formats-list.test.ts, which also checks that every detector of ./detectors/index.ts is named
 * here or set aside in NOT_A_FORMAT, so that a format added later shows up in all of them).
 *
 * Pure data and a list formatter, no detector imported: the webview bundle imports this file.
 */
import type { LauncherName } from './shell/launch';

export interface RecognisedFormat {
  /** The tool whose files these are, as its users spell it: a name, the same in every language. */
  readonly name: string;
  /** The detectors (`Detector.kind`) that read its files. */
  readonly detectors: readonly string[];
  /** Its launch commands, read in shell launch scripts (./shell/launch.ts). */
  readonly launchers: readonly LauncherName[];
}

/** In the order the messages list them: Hugging Face's own formats first, then the tools built on them. */
export const RECOGNISED_FORMATS: readonly RecognisedFormat[] = [
  { name: 'Hugging Face Transformers', detectors: ['hf-model-config', 'hf-training-args', 'hf-training-args-yaml'], launchers: [] },
  { name: 'DeepSpeed', detectors: ['deepspeed-config'], launchers: ['deepspeed'] },
  { name: 'accelerate', detectors: ['accelerate-config'], launchers: ['accelerate'] },
  { name: 'axolotl', detectors: ['axolotl-config'], launchers: ['axolotl'] },
  { name: 'torchtune', detectors: ['torchtune-config'], launchers: ['tune'] },
  // LLaMA-Factory's YAML recipes are Trainer arguments with its own keys (../llamafactory.ts).
  { name: 'LLaMA-Factory', detectors: ['hf-training-args-yaml'], launchers: ['llamafactory-cli'] },
  { name: 'ms-swift', detectors: [], launchers: ['swift'] },
  { name: 'Lightning', detectors: ['lightning-cli-config'], launchers: [] },
  { name: 'litgpt', detectors: ['litgpt-config'], launchers: [] },
  { name: 'llm-foundry', detectors: ['llm-foundry-config'], launchers: [] },
  { name: 'GPT-NeoX', detectors: ['gpt-neox-config'], launchers: [] },
  { name: 'NeMo', detectors: ['nemo-config'], launchers: [] },
  { name: 'Hydra', detectors: ['hydra-trainer-args', 'hydra-optimizer'], launchers: [] },
  { name: 'llm.c', detectors: [], launchers: ['llm.c'] },
  // MMEngine's Python configs, composed with their _base_ files (../mmengine-compose.ts).
  { name: 'OpenMMLab (MMEngine)', detectors: ['mmengine-config'], launchers: [] },
  { name: 'Ultralytics YOLO', detectors: ['ultralytics-script', 'ultralytics-data', 'ultralytics-cfg', 'ultralytics-model'], launchers: ['yolo'] },
];

/**
 * Detectors that read no tool's format of their own, each with why: the messages name them in their own
 * (translated) words — Python training scripts, notebooks, launch scripts — or not at all.
 */
export const NOT_A_FORMAT: Readonly<Record<string, string>> = {
  'python-script': 'any Python training script (the messages say "Python training scripts")',
  'jupyter-notebook': 'any notebook of training code (the messages say "notebooks")',
  'shell-script': 'any launch script; the launchers of the tools above are listed with them',
  'nanogpt-dataset-meta': "a dataset's vocabulary, taken into the job of the script that reads it; never a job of its own",
};

/**
 * The names as one list in `locale` (a BCP 47 tag or VS Code's language id: `en`, `zh-cn`), joined as that
 * language joins a list ("A, B, and C"; "A、B和C"). An unknown locale gets English.
 */
export function recognisedFormatList(locale = 'en'): string {
  const names = RECOGNISED_FORMATS.map((f) => f.name);
  let format: Intl.ListFormat;
  try {
    format = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
  } catch {
    format = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });
  }
  return format.format(names);
}
