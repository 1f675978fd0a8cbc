/**
 * Launch scripts that run a Hydra app (README: "Files it reads", Hydra): `python train.py
 * model=gpt2_large trainer.max_epochs=3 +experiment=x` (also under torchrun and the other launchers
 * of ./shell/launch.ts). The app's primary config is read from its `@hydra.main(config_path=...,
 * config_name=...)` decorator (string literals only; Hydra resolves `config_path` against the app's
 * folder, https://hydra.cc/docs/tutorials/basic/your_first_app/config_file/), and the words after the
 * script are the launch's overrides, applied after composition (./hydra-compose.ts).
 */
import type { HydraOverride } from './hydra-compose';
import { folderOf, joinRelative } from './paths';
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

/** `config_path` and `config_name` of `@hydra.main(...)` when both are string literals. */
function hydraMainConfig(text: string): { path: string; name: string } | null {
  const call = /@hydra\.main\(([^)]*)\)/.exec(text);
  if (!call) return null;
  const arg = (name: string): string | null => new RegExp(`\\b${name}\\s*=\\s*(?:r?(['"])([^'"]*)\\1)`).exec(call[1])?.[2] ?? null;
  const name = arg('config_name');
  const path = arg('config_path');
  return name === null || path === null ? null : { path, name: name.replace(/\.ya?ml$/, '') };
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
      const primary = joinRelative(folderOf(app.path), `${config.path}/${config.name}.yaml`);
      if (primary === null || !isPrimary(primary)) continue;
      const overrides: HydraOverride[] = [];
      const notes: string[] = [];
      for (const w of launch.args) {
        if (w.text === null) {
          notes.push(`${f.path}:${w.range.line}:${w.range.column}: the Hydra override '${w.raw}' is not known statically (${w.unknown ?? 'an expansion'}); it is not applied`);
          continue;
        }
        if (w.text.startsWith('-')) continue; // Hydra's own flags (--multirun, -cn, ...)
        overrides.push({ text: w.text, path: f.path, range: w.range });
      }
      out.push({ launcher: f.path, primary, range: launch.script.range, overrides, notes });
    }
  }
  return out;
}
