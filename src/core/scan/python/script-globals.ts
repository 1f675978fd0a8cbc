/**
 * Module globals of a nanoGPT-style script and of its override files, read statically (../module-globals.ts
 * says what they mean): a script that runs `exec(open('configurator.py').read())` after assigning its
 * defaults, and a `.py` file of plain assignments of such globals (nanoGPT's config/*.py). Values are
 * literals and simple arithmetic (./program.ts evaluates them); anything else is kept as unknown with
 * the reason.
 */
import type { ContributionBuilder } from '../contribution';
import type { Link, ModuleGlobal, ModuleGlobals } from '../detector';
import { NANOGPT_KEYS } from '../module-globals';
import type { PyCall, PythonProgram, PyValue } from './program';
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
  const meta = metaPickleOf(program, map);
  return { role: 'defaults', globals, ...(divides ? { divideGradAccumByGpus: true } : {}), ...(meta !== null ? { metaPickle: meta } : {}) };
}

type PathPart = string | { readonly global: string };

/**
 * Where a nanoGPT-style script reads its dataset's meta.pkl (karpathy/nanoGPT train.py: `data_dir =
 * os.path.join('data', dataset)`, `meta_path = os.path.join(data_dir, 'meta.pkl')`, then `pickle.load`): the
 * `os.path.join` that ends in 'meta.pkl', its parts expanded through the joins assigned to names before it, each
 * a literal or a module global. Null when the script loads no pickle or builds the path otherwise.
 */
function metaPickleOf(program: PythonProgram, map: RangeMapper): ModuleGlobals['metaPickle'] | null {
  if (!program.calls.some((c) => c.callee === 'pickle.load')) return null;
  const joined = new Map<string, readonly PathPart[]>();
  /** The parts of an `os.path.join` call, each as written: a string literal, a name (a join assigned before, or a global), a nested join. */
  const partsOf = (call: PyCall): PathPart[] | null => {
    if (call.callee !== 'os.path.join' || call.spread) return null;
    const parts: PathPart[] = [];
    for (const a of call.args) {
      const written = program.text.slice(a.start, a.end).trim();
      if (a.name !== null) return null;
      if (/^[A-Za-z_]\w*$/.test(written)) parts.push(...(joined.get(written) ?? [{ global: written }]));
      else if (a.value.kind === 'string' && /^['"]/.test(written)) parts.push(a.value.value);
      else if (a.value.kind === 'call') {
        const inner = partsOf(a.value.call);
        if (inner === null) return null;
        parts.push(...inner);
      } else return null;
    }
    return parts;
  };
  for (const call of program.calls) {
    const parts = partsOf(call);
    if (parts === null || parts.length === 0) continue;
    if (parts[parts.length - 1] === 'meta.pkl') return { parts, range: map.range(call.start, call.end) };
    if (call.target !== null) joined.set(call.target, parts);
  }
  return null;
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

/**
 * Local modules a script imports (`from model import GPT` → model.py, `import train` → train.py), as links to
 * join their files (a link to a module that is not a file of the workspace is dropped silently by the join).
 */
export function localImportLinks(program: PythonProgram, map: RangeMapper): Link[] {
  const links: Link[] = [];
  const tokens = program.tokens;
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i].indent !== 0) continue;
    const from = tokens[i].text === 'from' && tokens[i + 2].text === 'import';
    const plain = tokens[i].text === 'import' && tokens[i + 2].kind === 'newline';
    const name = tokens[i + 1];
    if ((!from && !plain) || name.kind !== 'name') continue;
    links.push({ kind: 'config', key: 'import', value: `${name.text}.py`, range: map.range(name.start, name.end) });
  }
  return links;
}

/** An absl program whose hyperparameters come from an ml_collections config file (`config_flags.DEFINE_config_file`), as the Flax examples' main.py. */
export function isConfigFlagsMain(program: PythonProgram): boolean {
  return program.calls.some((c) => /(^|\.)config_flags\.DEFINE_config_file$/.test(c.callee));
}

/** Flax example model names (`config.model = 'ResNet50'`) and the torchvision network of the same shape. */
const FLAX_RESNET = /^ResNet(18|34|50|101|152)$/;

/**
 * An ml_collections config file (`config = ml_collections.ConfigDict()` then `config.key = value`): its literal
 * values by key, each with its range. Null for any other file.
 */
export function configDictValues(program: PythonProgram, map: RangeMapper): Map<string, { value: number | string | boolean | null; range: ReturnType<RangeMapper['range']> }> | null {
  const dict = program.calls.find((c) => c.callee === 'ml_collections.ConfigDict' && c.target !== null && /^\w+$/.test(c.target));
  if (dict === undefined) return null;
  const name = dict.target as string;
  const tokens = program.tokens;
  const out = new Map<string, { value: number | string | boolean | null; range: ReturnType<RangeMapper['range']> }>();
  for (let i = 0; i + 4 < tokens.length; i++) {
    if (tokens[i].indent < 0 || tokens[i].text !== name || tokens[i + 1].text !== '.' || tokens[i + 2].kind !== 'name' || tokens[i + 3].text !== '=') continue;
    let end = i + 4;
    while (end < tokens.length && tokens[end].kind !== 'newline') end++;
    const value = known(program.evaluate(i + 4, end, 0));
    if (value !== undefined) out.set(tokens[i + 2].text, { value, range: map.range(tokens[i + 4].start, tokens[end - 1].end) });
    i = end;
  }
  return out;
}

/** The model an ml_collections config names (`config.model = 'ResNet50'`, the Flax ImageNet example), as a link. */
export function configDictModelLink(values: ReturnType<typeof configDictValues>): Link | null {
  const model = values?.get('model');
  if (model === undefined || typeof model.value !== 'string' || !FLAX_RESNET.test(model.value)) return null;
  return { kind: 'model', key: 'config.model', value: `torchvision/${model.value.toLowerCase()}`, range: model.range };
}

/**
 * The hyperparameters an ml_collections config states that the Flax examples' train.py reads. The Flax ImageNet
 * example's train.py (https://github.com/google/flax/blob/18f8f311c275d57f46d95e41b15aa97b454754c0/examples/imagenet/train.py) reads
 * `config.warmup_epochs` as its linear warmup in epochs, and `config.half_precision` as the switch of its dtype
 * branches (read in train.py: ./training-script.ts readHalfPrecisionBranches).
 */
export function configDictSettings(values: ReturnType<typeof configDictValues>, out: ContributionBuilder): void {
  const warmup = values?.get('warmup_epochs');
  if (warmup !== undefined && typeof warmup.value === 'number' && warmup.value >= 0) out.set('warmupEpochs', warmup.value, warmup.range);
  const half = values?.get('half_precision');
  if (half !== undefined && typeof half.value === 'boolean') out.configSwitches['half_precision'] = half.value;
}

/** `init_from='gpt2-xl'` in an override file: the Hugging Face GPT-2 checkpoint nanoGPT loads. */
export function initFromLink(globals: ModuleGlobals): Link | null {
  const init = globals.globals.find((g) => g.name === 'init_from');
  if (init === undefined || typeof init.value !== 'string' || !/^gpt2(-medium|-large|-xl)?$/.test(init.value)) return null;
  return { kind: 'model', key: 'init_from', value: init.value, range: init.range };
}
