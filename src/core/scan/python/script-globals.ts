/**
 * Module globals of a nanoGPT-style script and of its override files, read statically (../module-globals.ts
 * says what they mean): a script that runs `exec(open('configurator.py').read())` after assigning its
 * defaults, and a `.py` file of plain assignments of such globals (nanoGPT's config/*.py). Values are
 * literals and simple arithmetic (./program.ts evaluates them); anything else is kept as unknown with
 * the reason.
 */
import type { Link, ModuleGlobal, ModuleGlobals } from '../detector';
import { NANOGPT_KEYS } from '../module-globals';
import type { PythonProgram, PyValue } from './program';
import type { RangeMapper } from './to-node';

/** Where the script runs its configurator (`exec(open('configurator.py').read())`), or null. */
export function configuratorExec(program: PythonProgram): number | null {
  const calls = program.calls;
  // Calls are in source order: the calls inside exec(...) follow it. Each exec looks only at the calls
  // inside its own parentheses, and stops at the first open(...).
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    if (call.callee !== 'exec') continue;
    for (let j = i + 1; j < calls.length && calls[j].start < call.end; j++) {
      if (calls[j].callee !== 'open') continue;
      const file = calls[j].args[0]?.value;
      if (file?.kind === 'string' && /(^|\/)configurator\.py$/.test(file.value)) return call.start;
      break;
    }
  }
  return null;
}

function known(value: PyValue): number | string | boolean | null | undefined {
  switch (value.kind) {
    case 'number':
      return Number.isFinite(value.value) ? value.value : undefined;
    case 'string':
    case 'bool':
      return value.value;
    case 'none':
      return null;
    default:
      return undefined;
  }
}

function describe(value: PyValue): string {
  switch (value.kind) {
    case 'call':
      return `is computed by a call ('${value.call.written}(...)'), which is not run`;
    case 'ref':
      return `names '${value.path}', whose value is not known without running the file`;
    case 'list':
    case 'dict':
      return 'is a collection, not a single value';
    default:
      return 'is an expression (not a literal or simple arithmetic) whose value is not known without running the file';
  }
}

function globalsOf(program: PythonProgram, map: RangeMapper, before?: number): ModuleGlobal[] {
  return program.moduleGlobals(before).map((g) => {
    const value = known(g.value);
    const range = map.range(g.start, g.end);
    return value === undefined ? { name: g.name, value: null, range, unknown: describe(g.value) } : { name: g.name, value, range };
  });
}

const nanoKeys = (globals: readonly ModuleGlobal[]): number => globals.filter((g) => NANOGPT_KEYS.has(g.name)).length;

/** The defaults of a configurator script (its globals before the configurator runs), or null. */
export function scriptDefaults(program: PythonProgram, map: RangeMapper): ModuleGlobals | null {
  const at = configuratorExec(program);
  if (at === null) return null;
  const globals = globalsOf(program, map, at);
  if (nanoKeys(globals) < 2) return null;
  // nanoGPT: `gradient_accumulation_steps //= ddp_world_size` after the configurator.
  const tokens = program.tokens;
  let divides = false;
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i].start > at && tokens[i].text === 'gradient_accumulation_steps' && tokens[i + 1].text === '//=') divides = true;
  }
  return { role: 'defaults', globals, ...(divides ? { divideGradAccumByGpus: true } : {}) };
}

/**
 * An override file: module globals only (no function or class definitions, no configurator), two or more
 * of them nanoGPT's. Null for any other file.
 */
export function overrideGlobals(program: PythonProgram, map: RangeMapper): ModuleGlobals | null {
  if (program.tokens.some((t) => t.indent >= 0 && (t.text === 'def' || t.text === 'class'))) return null;
  if (configuratorExec(program) !== null) return null;
  const globals = globalsOf(program, map);
  return nanoKeys(globals) >= 2 ? { role: 'override', globals } : null;
}

/** Local modules a script imports (`from model import GPT` → model.py), as links to join their files. */
export function localImportLinks(program: PythonProgram, map: RangeMapper): Link[] {
  const links: Link[] = [];
  const tokens = program.tokens;
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i].indent !== 0 || tokens[i].text !== 'from' || tokens[i + 2].text !== 'import') continue;
    const name = tokens[i + 1];
    if (name.kind !== 'name') continue;
    links.push({ kind: 'config', key: 'import', value: `${name.text}.py`, range: map.range(name.start, name.end) });
  }
  return links;
}

/** `init_from='gpt2-xl'` in an override file: the Hugging Face GPT-2 checkpoint nanoGPT loads. */
export function initFromLink(globals: ModuleGlobals): Link | null {
  const init = globals.globals.find((g) => g.name === 'init_from');
  if (init === undefined || typeof init.value !== 'string' || !/^gpt2(-medium|-large|-xl)?$/.test(init.value)) return null;
  return { kind: 'model', key: 'init_from', value: init.value, range: init.range };
}
