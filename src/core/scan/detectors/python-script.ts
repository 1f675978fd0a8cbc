/**
 * Python training scripts (.py): recognised when the program builds an optimizer
 * (`torch.optim.AdamW(...)`, `bnb.optim.PagedAdamW8bit(...)`, `optax.adamw(...)`,
 * `keras.optimizers.Adam(...)`, timm `create_optimizer_v2(...)`, Keras `compile(optimizer="adam")`)
 * or sets up Hugging Face Trainer arguments (`TrainingArguments(...)`, TRL `SFTConfig(...)`).
 * Read with a tolerant tokenizer and a static view of the program (../python/*); nothing runs.
 */
import type { Detection, Detector, ModuleGlobals, ParsedFile } from '../detector';
import { LineIndex } from '../../parse/positions';
import { forgetProgram, programOf, programRange } from '../python/program-of';
import { ContributionBuilder } from '../contribution';
import { configDictModelLink, configDictSettings, configDictValues, initFromLink, isConfigFlagsMain, localImportLinks, overrideGlobals, scriptDefaults } from '../python/script-globals';
import { isTrainingProgram, readTrainingProgram } from '../python/training-script';
import type { ScanFile } from '../types';

/**
 * What a training program cannot do without, as a cheap test before tokenizing: an optimizer
 * constructor call (`optim.X(`, `optax.x(`, a known optimizer class or factory followed by `(`, or
 * such a class imported under another name), Trainer arguments (`TrainingArguments(`, TRL
 * `SFTConfig(`..., or `HfArgumentParser(` parsing them), or a Keras `optimizer="..."` string. Only a pre-filter: the tokenizer decides.
 */
export const PYTHON_TRAINING_WORDS = new RegExp(
  [
    String.raw`\b(?:optim|optimizers|optax|contrib)\.[A-Za-z_]\w*\s*\(`,
    String.raw`\b(?:Adam\w*|SGD\w*|RMSprop\w*|Adagrad\w*|Adafactor|Lion\w*|LAMB\w*|Lamb|Muon\w*|Sophia\w*|SOAP|\w*Shampoo|CAME|No[vV]o[gG]rad|GaLore\w*|Adam_mini|AdEMAMix\w*|MARS|Mars|Fused(?:Adam|LAMB|SGD)\w*|create_optimizer(?:_v2)?|TrainingArguments|Seq2SeqTrainingArguments|(?:SFT|DPO|ORPO|KTO|GRPO|CPO|Reward|GKD|PRM|RLOO|OnlineDPO|BCO)Config)\s*\(`,
    String.raw`\bimport\b[^
]*\b(?:Adam\w*|SGD\w*|Lion\w*|Adafactor|Muon\w*|AdEMAMix\w*|MARS|Mars|create_optimizer(?:_v2)?)\b`,
    String.raw`optimizer\s*=\s*["']`,
    String.raw`\bHfArgumentParser\s*\(`,
    // an optimizer class assigned to a name that is called later (diffusers' `optimizer_cls = torch.optim.AdamW`)
    String.raw`=[ \t]*(?:\w+\.)*optim\.[A-Z]\w*[ \t]*$`,
  ].join('|'),
  'm',
);

/** timm's train.py arguments (`--opt`), or nanoGPT-style configuration by module globals: the configurator call, or an override file's assignments. */
const GLOBALS_WORDS = /add_argument\(\s*['"]--opt['"]|configurator\.py|DEFINE_config_file|ml_collections\.ConfigDict|^(?:batch_size|block_size|n_layer|learning_rate|init_from|gradient_accumulation_steps)\s*=/m;

/** What a matched file is: a training program, or only the module globals of a nanoGPT-style override file. */
const kinds = new WeakMap<ScanFile, 'training' | 'globals' | 'config-dict'>();


export const pythonScriptDetector: Detector = {
  kind: 'python-script',
  syntaxes: ['text'],
  acceptsJsonc: false,

  mayMatch(file: ScanFile): boolean {
    return file.path.toLowerCase().endsWith('.py') && (PYTHON_TRAINING_WORDS.test(file.text) || GLOBALS_WORDS.test(file.text));
  },

  matches(file: ScanFile, _parsed: ParsedFile): boolean {
    const program = programOf(file);
    const lines = new LineIndex(file.text);
    const map = { range: (start: number, end: number) => lines.range(start, end) };
    const kind =
      isTrainingProgram(program) || scriptDefaults(program, map) !== null || isConfigFlagsMain(program) ? 'training'
      : overrideGlobals(program, map) !== null ? 'globals'
      : configDictModelLink(configDictValues(program, map)) !== null ? 'config-dict'
      : null;
    // The analysis is large: keep it only for the detect() call that follows a match.
    if (kind === null) forgetProgram(file);
    else kinds.set(file, kind);
    return kind !== null;
  },

  detect(file: ScanFile, _parsed: ParsedFile): Detection {
    const program = programOf(file);
    forgetProgram(file);
    const map = { range: programRange(file) };
    const kind = kinds.get(file);
    kinds.delete(file);
    if (kind === 'globals') {
      const globals = overrideGlobals(program, map) as ModuleGlobals;
      const init = initFromLink(globals);
      return {
        fields: [], error: null, warnings: [], role: 'auxiliary', links: init === null ? [] : [init],
        contribution: { settings: {}, sources: {}, defaults: [], defaultSettings: {}, moduleGlobals: globals },
      };
    }
    if (kind === 'config-dict') {
      // An ml_collections config file: the model it names (the launch's --config joins it to its job).
      const values = configDictValues(program, map);
      const link = configDictModelLink(values);
      const out = new ContributionBuilder(file.path);
      configDictSettings(values, out);
      return { fields: [], error: null, warnings: [], role: 'auxiliary', links: link === null ? [] : [link], contribution: out.build() };
    }
    const detection = readTrainingProgram(program, file.path, map);
    if (isConfigFlagsMain(program)) return { ...detection, links: [...detection.links, ...localImportLinks(program, map)] };
    const defaults = scriptDefaults(program, map);
    if (defaults === null) return detection;
    return { ...detection, links: [...detection.links, ...localImportLinks(program, map)], contribution: { ...detection.contribution, moduleGlobals: defaults } };
  },
};
