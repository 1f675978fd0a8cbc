/**
 * Scripts that run other scripts (README "Launch scripts"): `./distributed_train.sh 2 --model resnet50 -b 64`,
 * `bash scripts/train.sh ...`, `sh x.sh ...`. Per-file detection cannot see the called script, so at join
 * time the called script is read again (./shell/words.ts) with the caller's words as its positional
 * parameters (`$1`, `"$@"`, `shift`, variables set from them), and its launch is read as the caller's
 * own: the job is named after the script the user runs, and each value keeps the file it is written in
 * (a caller's word, or the called script). Only a call that passes arguments is followed, and only a
 * script's first such call; calls are followed through at most MAX_HOPS scripts, each read once, so the
 * work is bounded by MAX_HOPS × the scripts' sizes. Nothing is run.
 */
import type { Contribution, Detection } from './detector';
import { detectCalledScript } from './detectors/shell-script';
import { folderOf, joinRelative } from './paths';
import type { SettingSource } from './results';
import type { SourceRange } from './types';
import { PREFIX_COMMANDS } from './shell/launch';
import { readShell, type Command, type ShellScript, type Word } from './shell/words';

/** Scripts followed from the one the user runs to the one that launches (run.sh → a.sh → b.sh → c.sh). */
export const MAX_HOPS = 4;
/** Caller words passed on per call; a longer call is not followed. */
const MAX_CALL_WORDS = 512;

const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh']);

/** True when the join may follow a script call from this file (a `.sh` file naming a `.sh` file): its text must be kept. */
export function scriptCallJoinReads(file: { readonly path: string; readonly text: string }): boolean {
  return file.path.toLowerCase().endsWith('.sh') && file.text.includes('.sh');
}

/** A call of another `.sh` file: the script named as written, and the words given to it. */
export interface ScriptCall {
  readonly value: string;
  readonly args: readonly Word[];
  readonly range: SourceRange;
}

/** The `.sh` script a command runs (`./x.sh`, `bash x.sh`, `sh -x x.sh`), with its arguments; null otherwise. */
export function scriptCallOf(c: Command): ScriptCall | null {
  const w = c.words;
  let k = 0;
  while (k < w.length && (PREFIX_COMMANDS.has(w[k].text ?? '') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[k].plainPrefix))) k++;
  if (k < w.length && SHELLS.has((w[k].text ?? '').replace(/^.*\//, ''))) {
    k++;
    while (k < w.length && /^-[a-z]+$/.test(w[k].text ?? '')) k++;
  }
  const program = w[k];
  if (program?.text == null || !program.text.endsWith('.sh')) return null;
  const args = w.slice(k + 1);
  if (args.length > MAX_CALL_WORDS) return null;
  return { value: program.text, args, range: program.range };
}

/** A caller whose call reaches a launch: its detection (named after the caller) and the scripts it went through. */
export interface ResolvedCall {
  readonly detection: Detection;
  readonly through: readonly string[];
}

/**
 * Follows the calls of the script at `path` (not itself a launch script) to a script that launches
 * training; null when none does within MAX_HOPS. `textOf` gives a scanned file's text; `isScanned`
 * says whether a path is a workspace file.
 */
export function resolveScriptCall(path: string, textOf: (path: string) => string | undefined, isScanned: (path: string) => boolean): ResolvedCall | null {
  const text = textOf(path);
  if (text === undefined) return null;
  /** The file each caller word is written in (by range identity: expansions keep the word's range). */
  const fileOf = new Map<SourceRange, string>();
  let script: ShellScript = readShell(text);
  let at = path;
  const through: string[] = [];
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    let next: { path: string; call: ScriptCall } | null = null;
    for (const c of script.commands) {
      const call = scriptCallOf(c);
      // The script the user runs passes arguments (a call without any reads the called script as it stands).
      if (call === null || (hop === 0 && call.args.length === 0)) continue;
      const target = [joinRelative(folderOf(at), call.value), joinRelative(folderOf(path), call.value), joinRelative('.', call.value)]
        .find((p): p is string => p !== null && p !== at && isScanned(p));
      if (target !== undefined) {
        next = { path: target, call };
        break;
      }
    }
    if (next === null) return null;
    for (const w of next.call.args) if (!fileOf.has(w.range)) fileOf.set(w.range, at);
    const calleeText = textOf(next.path);
    if (calleeText === undefined) return null;
    through.push(next.path);
    script = readShell(calleeText, next.call.args);
    at = next.path;
    const detection = detectCalledScript(next.path, script);
    if (detection !== null) return { detection: asCaller(detection, path, next.path, fileOf), through };
  }
  return null;
}

/** The called script's detection as the caller's: each source in the file its value is written in. */
function asCaller(d: Detection, caller: string, callee: string, fileOf: ReadonlyMap<SourceRange, string>): Detection {
  const at = (s: SettingSource): SettingSource => ({ path: fileOf.get(s.range) ?? s.path, range: s.range });
  const k = d.contribution;
  const sources = Object.fromEntries(Object.entries(k.sources).map(([key, s]) => [key, at(s)]));
  const contribution: Contribution = {
    ...k,
    sources,
    ...(k.loraWithoutTargets !== undefined ? { loraWithoutTargets: { ...k.loraWithoutTargets, source: at(k.loraWithoutTargets.source) } } : {}),
    notes: [`${caller} runs ${callee}: its launch is read with ${caller}'s arguments`, ...(k.notes ?? [])],
  };
  // Paths in the launch are relative to where the user runs the caller: links resolve from the caller.
  const scriptArgs = d.scriptArgs?.map((w) => (fileOf.has(w.range) ? { ...w, path: fileOf.get(w.range) as string } : w));
  return { ...d, contribution, ...(scriptArgs !== undefined ? { scriptArgs } : {}) };
}
