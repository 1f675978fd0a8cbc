/**
 * GPT-NeoX launches that pass several config files (README "What the scanner reads": GPT-NeoX configs):
 * `python ./deepy.py train.py configs/125M.yml configs/local_setup.yml`, or with a folder prefix,
 * `python ./deepy.py train.py -d configs 125M.yml local_setup.yml`. NeoX reads them as one configuration, and the
 * GPT-NeoX detector reads the files composed the same way (a step of the join, as Hydra's composition).
 *
 * NeoX's rules (EleutherAI/gpt-neox @ ea7aefd8f8e183256992d9fede4d7c71a46d67a5, megatron/neox_arguments/arguments.py):
 * `consume_deepy_args` takes the user script, then `--conf_dir` / `-d` ("Directory to prefix to all configuration file
 * paths") and the `conf_file` words (nargs="+", "Multiple files can be provided and will be merged");
 * `NeoXArgs.from_ymls` loads them in order into one dictionary, each top-level key with `-` read as `_`, and refuses a
 * key that an earlier file set: `ValueError("Conf file ... has the following duplicate keys with previously loaded
 * file: ...")`. Later files therefore add keys, never override them; a duplicate is a note at its position (NeoX stops
 * there), and the first file's value is the one read. A file that is not among the scanned files, over the size the
 * join reads or not a YAML mapping is a note; its keys are unknown.
 */
import { indexMembers, type MemberNode, type ObjectNode } from '../parse/node';
import { InputError } from '../types';
import type { Detection, ParsedFile } from './detector';
import { collectRanges, type ComposedConfig, type CompositionResult } from './hydra-compose';
import { candidatePaths } from './jobs';
import { baseName, joinRelative } from './paths';
import type { ScanFile, SourceRange } from './types';

/** A launch of deepy.py with its config files, resolved to scanned paths. */
export interface NeoxLaunch {
  readonly launcher: string;
  /** The config files in the order NeoX merges them (workspace paths; null: not among the scanned files). */
  readonly files: readonly { readonly word: string; readonly path: string | null; readonly range: SourceRange }[];
  /** What the launch leaves unknown (a word that is not known statically). */
  readonly notes: readonly string[];
  /** The launch prefixes its config paths with `-d` / `--conf_dir`. */
  readonly confDir: string | null;
}

/** deepy.py's own options that take a value (consume_deepy_args), besides --conf_dir. */
const VALUE_OPTIONS = new Set(['--wandb_group', '--wandb_team', '--wandb_project', '--wandb_run_name', '--comet_workspace', '--comet_project', '--comet_experiment_name', '--comet_tags', '--comet_others']);

/**
 * The launches of `deepy.py` among the launch scripts: the user script's word is skipped, `-d` / `--conf_dir` prefixes
 * the config paths, every other word is a config file. A launch whose config words are all known gives its files.
 */
export function findNeoxLaunch(launcher: string, detection: Detection, isScanned: (path: string) => boolean): NeoxLaunch | null {
  const script = detection.links.find((l) => l.kind === 'launch' && l.key.endsWith(' script'));
  if (script === undefined || baseName(script.value) !== 'deepy.py') return null;
  const words = detection.scriptArgs ?? [];
  let dir: string | null = null;
  let userScript = false;
  const configWords: { text: string; range: SourceRange }[] = [];
  const notes: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.text === null) {
      notes.push(`${w.path ?? launcher}:${w.range.line}:${w.range.column}: a word of the deepy.py launch is not known statically (${w.unknown ?? 'unknown'}); the config files after it are not read`);
      break;
    }
    if (w.text === '-d' || w.text === '--conf_dir') {
      dir = words[i + 1]?.text ?? null;
      i++;
      continue;
    }
    if (w.text.startsWith('--conf_dir=')) {
      dir = w.text.slice('--conf_dir='.length);
      continue;
    }
    if (VALUE_OPTIONS.has(w.text)) {
      i++;
      continue;
    }
    if (w.text.startsWith('-')) continue;
    if (!userScript) {
      userScript = true;
      continue;
    }
    configWords.push({ text: w.text, range: w.range });
  }
  if (configWords.length === 0) return null;
  const files = configWords.map((w) => {
    const written = dir === null ? w.text : (joinRelative(dir, w.text) ?? w.text);
    const path = candidatePaths(written, launcher, true).find(isScanned) ?? null;
    return { word: written, path, range: w.range };
  });
  return { launcher, files, notes, confDir: dir };
}

/** A scanned YAML file's parse (from the join's cache), or undefined when the join does not read it. */
export type ReadNeoxYaml = (path: string) => { readonly parsed: ParsedFile; readonly text: string } | undefined;

/**
 * The launch's config files merged by NeoX's rule, as the file `primary` (the launch's first GPT-NeoX config) composed
 * with the others; an error when the primary cannot be read.
 */
export function composeNeox(launch: NeoxLaunch, primary: string, readYaml: ReadNeoxYaml): CompositionResult {
  const origins = new WeakMap<SourceRange, string>();
  const notes = [...launch.notes];
  const composedFrom: string[] = [];
  const texts: string[] = [];
  const members = new Map<string, MemberNode>();
  const firstFile = new Map<string, string>();
  let primaryRoot: ObjectNode | null = null;
  for (const f of launch.files) {
    const at = `${launch.launcher}:${f.range.line}:${f.range.column}`;
    if (f.path === null) {
      notes.push(`${at}: the config file '${f.word}' is not among the scanned files; its keys are not known`);
      continue;
    }
    const read = readYaml(f.path);
    const root = read?.parsed.root;
    if (read === undefined || root?.kind !== 'object') {
      const why = read === undefined ? 'it is not read' : read.parsed.error !== null ? read.parsed.error.message : 'it is not a YAML mapping';
      if (f.path === primary) return { kind: 'error', error: new InputError(`the GPT-NeoX config cannot be read: ${why}`, primary, 1, 1) };
      notes.push(`${at}: the config file ${f.path} is not merged (${why}); its keys are not known`);
      continue;
    }
    if (f.path === primary) primaryRoot = root;
    else if (!composedFrom.includes(f.path)) composedFrom.push(f.path);
    texts.push(read.text);
    collectRanges(root, f.path, origins);
    for (const m of root.members) {
      const key = m.key.replace(/-/g, '_');
      const before = firstFile.get(key);
      if (before !== undefined) {
        notes.push(`${f.path}:${m.keyRange.line}:${m.keyRange.column}: '${m.key}' is also set by ${before}, and NeoX refuses the launch ("Conf file ${baseName(f.path)} has the following duplicate keys with previously loaded file: ${m.key}"); ${before}'s value is read`);
        continue;
      }
      firstFile.set(key, f.path);
      members.set(key, key === m.key ? m : { ...m, key });
    }
  }
  if (primaryRoot === null) return { kind: 'error', error: new InputError('the GPT-NeoX config is not among the launch\'s files', primary, 1, 1) };
  const list = [...members.values()];
  const { index, value } = indexMembers(list);
  const root: ObjectNode = { kind: 'object', members: list, index, value, range: primaryRoot.range, start: primaryRoot.start, end: primaryRoot.end };
  const parsed: ParsedFile = { syntax: 'yaml', root, error: null, lenient: false, bom: false, warnings: [] };
  const file: ScanFile = { path: primary, text: texts.join('\n') };
  const config: ComposedConfig = { file, parsed, composedFrom, packages: new Map(), notes, originOf: (r) => origins.get(r) };
  return { kind: 'composed', config };
}
