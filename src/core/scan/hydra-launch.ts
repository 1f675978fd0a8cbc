/**
 * Launch scripts that run a Hydra app (README: "Files it reads", Hydra): `python train.py
 * model=gpt2_large trainer.max_epochs=3 +experiment=x` (also under torchrun and the other launchers
 * of ./shell/launch.ts). The app's primary config is read from its `@hydra.main(config_path=...,
 * config_name=...)` decorator (string literals only; Hydra resolves `config_path` against the app's
 * folder, https://hydra.cc/docs/tutorials/basic/your_first_app/config_file/), and the words after the
 * script are the launch's overrides, applied after composition (./hydra-compose.ts).
 *
 * Hydra's own flags (facebookresearch/hydra hydra/_internal/utils.py `get_args_parser`) are read, not taken for
 * overrides: `--config-name/-cn NAME` and `--config-path/-cp DIR` replace the decorator's (the path relative to the
 * app's file); `--multirun/-m` runs a sweep, one run per combination of the swept values (`a=1,2`, `a=range(..)`,
 * `choice(..)`, `glob(..)`, `interval(..)`): a swept override is not applied and a note names it (each run is its own
 * job; the estimate keeps the composed value); the values of `--cfg/-c`, `--package/-p`, `--config-dir/-cd`,
 * `--experimental-rerun` and `--info/-i` are skipped.
 */
import type { HydraOverride } from './hydra-compose';
import { folderOf, isAbsoluteLike, joinRelative } from './paths';
import { readLaunches } from './shell/launch';
import { readShell } from './shell/words';
import type { ScanFile, SourceRange } from './types';

export interface HydraLaunch {
  /** The launch script. */
  readonly launcher: string;
  /** The primary config the app composes. */
  readonly primary: string;
  /** Where the script is named in the launch. */
  readonly range: SourceRange;
  readonly overrides: readonly HydraOverride[];
  /** Words that could not be read statically (an unset variable), as notes. */
  readonly notes: readonly string[];
}

/** `config_path` and `config_name` of `@hydra.main(...)` that are string literals (null: absent or not a literal). */
function hydraMainConfig(text: string): { path: string | null; name: string | null } | null {
  const call = /@hydra\.main\(([^)]*)\)/.exec(text);
  if (!call) return null;
  const arg = (name: string): string | null => new RegExp(`\\b${name}\\s*=\\s*(?:r?(['"])([^'"]*)\\1)`).exec(call[1])?.[2] ?? null;
  const name = arg('config_name');
  return { path: arg('config_path'), name: name === null ? null : name.replace(/\.ya?ml$/, '') };
}

/** Hydra's flags that take a value (the next word, or after `=`), by every spelling. */
const VALUE_FLAGS: Readonly<Record<string, 'config-name' | 'config-path' | 'other'>> = {
  '--config-name': 'config-name', '-cn': 'config-name', '--config-path': 'config-path', '-cp': 'config-path',
  '--config-dir': 'other', '-cd': 'other', '--cfg': 'other', '-c': 'other', '--package': 'other', '-p': 'other', '--experimental-rerun': 'other',
};
/** `--info/-i` takes one of these words, or none. */
const INFO_CHOICES: ReadonlySet<string> = new Set(['all', 'config', 'defaults', 'defaults-tree', 'plugins', 'searchpath']);

/** A Hydra sweep (basic override grammar): a comma outside brackets and quotes, or a sweep function. */
function isSweep(override: string): boolean {
  const eq = override.indexOf('=');
  if (eq < 0) return false;
  const value = override.slice(eq + 1);
  if (/^(range|choice|glob|interval)\(/.test(value)) return true;
  let depth = 0;
  let quote: string | null = null;
  for (const ch of value) {
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{' || ch === '(') depth++;
    else if (ch === ']' || ch === '}' || ch === ')') depth--;
    else if (ch === ',' && depth === 0) return true;
  }
  return false;
}

/** Every launch of a Hydra app whose primary config `isPrimary` accepts. */
export function findHydraLaunches(files: readonly ScanFile[], isPrimary: (path: string) => boolean): HydraLaunch[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const out: HydraLaunch[] = [];
  for (const f of files) {
    if (!f.path.endsWith('.sh') || !/\.py\b/.test(f.text)) continue;
    const script = readShell(f.text.charCodeAt(0) === 0xfeff ? f.text.slice(1) : f.text);
    for (const launch of readLaunches(script)) {
      if (launch.script === null || !launch.script.value.endsWith('.py')) continue;
      // The app's path from the script's folder or any folder above it (where the script may be run).
      let app: ScanFile | undefined;
      for (let base = folderOf(f.path); app === undefined; base = folderOf(base)) {
        const p = joinRelative(base, launch.script.value);
        if (p !== null) app = byPath.get(p);
        if (base === '.') break;
      }
      if (app === undefined) continue;
      const config = hydraMainConfig(app.text);
      if (config === null) continue;
      const overrides: HydraOverride[] = [];
      const notes: string[] = [];
      const flags: { 'config-name'?: string; 'config-path'?: string } = {};
      let multirun = false;
      const args = launch.args;
      for (let k = 0; k < args.length; k++) {
        const w = args[k];
        const at = `${f.path}:${w.range.line}:${w.range.column}`;
        if (w.text === null) {
          notes.push(`${at}: the Hydra override '${w.raw}' is not known statically (${w.unknown ?? 'an expansion'}); it is not applied`);
          continue;
        }
        if (!w.text.startsWith('-')) {
          overrides.push({ text: w.text, path: f.path, range: w.range });
          continue;
        }
        // Hydra's own flags.
        const eq = w.text.indexOf('=');
        const flag = eq < 0 ? w.text : w.text.slice(0, eq);
        if (flag === '--multirun' || flag === '-m') multirun = true;
        if (flag === '--info' || flag === '-i') {
          if (eq < 0 && args[k + 1]?.text != null && INFO_CHOICES.has(args[k + 1].text as string)) k++;
          continue;
        }
        const kind = VALUE_FLAGS[flag];
        if (kind === undefined) continue;
        const valueWord = eq < 0 ? args[++k] : w;
        const value = eq < 0 ? valueWord?.text : w.text.slice(eq + 1);
        if (kind === 'other' || valueWord === undefined) continue;
        if (value == null || value === '') notes.push(`${at}: ${flag}'s value is not known statically; the app's @hydra.main ${kind.replace('-', '_')} is used`);
        else flags[kind] = value;
      }
      const name = (flags['config-name'] ?? config.name)?.replace(/\.ya?ml$/, '');
      const dir = flags['config-path'] ?? config.path;
      if (name == null || dir === null || isAbsoluteLike(dir)) continue;
      const primary = joinRelative(folderOf(app.path), `${dir}/${name}.yaml`);
      if (primary === null || !isPrimary(primary)) continue;
      const applied = multirun ? overrides.filter((o) => !isSweep(o.text)) : overrides;
      for (const o of overrides) {
        if (!applied.includes(o)) notes.push(`${o.path}:${o.range.line}:${o.range.column}: --multirun sweeps '${o.text}' (one run per value); the sweep is not applied, and the estimate keeps the composed config's value`);
      }
      out.push({ launcher: f.path, primary, range: launch.script.range, overrides: applied, notes });
    }
  }
  return out;
}
