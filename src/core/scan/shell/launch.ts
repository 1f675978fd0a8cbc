/**
 * Launch commands in a shell script, read statically (./words.ts): which launcher runs what, on how
 * many GPUs, with which config files and arguments. Launchers and their options as typed data:
 * - torchrun / `python -m torch.distributed.run|launch`: `--nproc_per_node N`, `--nnodes M` (or
 *   `MIN:MAX`, the maximum counts) — PyTorch, torchrun (Elastic Launch) options.
 * - `accelerate launch`: `--config_file F`, `--num_processes N` (all machines), `--num_machines`,
 *   `--mixed_precision`, `--use_deepspeed`/`--zero_stage`/`--offload_*_device`/`--deepspeed_config_file`,
 *   `--use_fsdp`/`--fsdp_sharding_strategy` — accelerate commands/launch.py.
 * - `deepspeed`: `--num_gpus N`, `--num_nodes M` — deepspeed/launcher/runner.py.
 * - `llamafactory-cli train F`, with `NNODES` × `NPROC_PER_NODE` from the command's environment
 *   (LLaMA-Factory src/llamafactory/cli.py: `os.getenv("NPROC_PER_NODE", str(get_device_count()))`,
 *   `os.getenv("NNODES", "1")`; without NPROC_PER_NODE the count is the machine's, not known here).
 * - `tune run [torchrun options] RECIPE --config F key=value...` — torchtune's `tune run`.
 * - `axolotl train F`, `python -m axolotl.cli.train F` — axolotl's CLI.
 * - `swift sft|pt|rlhf|dpo|orpo|simpo ...` — ms-swift's CLI (swift/cli/main.py): torchrun with
 *   `NPROC_PER_NODE` (default 1 when only `NNODES` is set) × `NNODES` from the environment, else one
 *   process (one GPU when `CUDA_VISIBLE_DEVICES` names one).
 * - A module run (`python -m M`, `torchrun -m M`, `deepspeed --module M`): the module's dotted name is the
 *   script (`openrlhf.cli.train_sft`); its arguments are read by the dialect of ./dialects.ts.
 * - llm.c's training programs (`./train_gpt2cu`, `train_gpt2fp32cu`, the CPU `train_gpt2`), under `mpirun -np N`
 *   (N processes, one GPU each; karpathy/llm.c scripts/run_gpt2_124M.sh): their single-dash flags are read by ./llmc.ts.
 * - Ultralytics' `yolo [TASK] train key=value ...` and `yolo task=TASK mode=train ...` (ultralytics/cfg/__init__.py
 *   entrypoint): its `key=value` arguments are read by ../ultralytics.ts; `device` gives the GPUs (DDP it starts itself).
 * - litgpt's training commands `litgpt finetune|finetune_lora|finetune_full|finetune_adapter|finetune_adapter_v2|pretrain`
 *   (litgpt/__main__.py PARSER_DATA, a jsonargparse CLI): the first positional argument is setup()'s first parameter
 *   (`checkpoint_dir`, `model_name` for pretrain), passed on as that `--key=value`; `--config F` is the config; `--devices`
 *   x `--num_nodes` the GPUs. Source: Lightning-AI/litgpt @ 26857050 litgpt/__main__.py, finetune/lora.py, pretrain.py.
 * - `python script.py args` (also under `srun`); SLURM `#SBATCH --nodes`, `--gres=gpu:N`,
 *   `--gpus-per-node`, `--ntasks-per-node` give the GPU count when the launcher does not.
 */
import type { SourceRange } from '../types';
import type { Command, ShellScript, Word } from './words';

export type LauncherName = 'torchrun' | 'accelerate' | 'deepspeed' | 'llamafactory-cli' | 'tune' | 'axolotl' | 'swift' | 'python' | 'llm.c' | 'yolo' | 'litgpt';

/** A value read from the script, with where it is written. */
export interface ScriptValue<T> {
  readonly value: T;
  readonly range: SourceRange;
}

export interface LaunchOption {
  /** Option name without dashes, `-` read as `_` (`nproc_per_node`). */
  readonly name: string;
  /** The value word; for a flag without a value, null. */
  readonly value: Word | null;
  readonly range: SourceRange;
}

export interface Launch {
  readonly launcher: LauncherName;
  readonly range: SourceRange;
  /** The launcher's own options (before the script or recipe). */
  readonly options: readonly LaunchOption[];
  /** GPU count the launch states (processes × nodes), with the words it came from. */
  readonly gpus: ScriptValue<number> | null;
  /** What the count is made of (`--nproc_per_node 8 × --nnodes 2`). */
  readonly gpusFrom: string | null;
  /** The node count the launch states (`--nnodes`, `--num_nodes`, `NNODES`), when it states one. */
  readonly nodes?: ScriptValue<number> | null;
  /** The config the launcher's tool reads (llamafactory/axolotl/tune config, or a recipe YAML/JSON given to the script). */
  readonly config: ScriptValue<string> | null;
  /** The Python script run, when there is one. */
  readonly script: ScriptValue<string> | null;
  /** The script's own arguments (after the script, or after the config for the CLIs). */
  readonly args: readonly Word[];
  /** litgpt: how many of `args` come before `--config` (jsonargparse applies the config there: later ones override it). */
  readonly configAt?: number;
  /** Things that could not be known statically, with where. */
  readonly unknowns: readonly { readonly message: string; readonly range: SourceRange }[];
  readonly env: ReadonlyMap<string, Word>;
}

/** Words before the program that do not change what runs. */
export const PREFIX_COMMANDS: ReadonlySet<string> = new Set(['time', 'nohup', 'exec', 'env', 'then', 'do', 'else', 'stdbuf', 'nice', 'sudo', '!']);
/** srun / mpirun options that take a value (srun's `--opt=value` forms need no entry). */
const SRUN_VALUE_OPTIONS = new Set(['-n', '-N', '-c', '-p', '-t', '-o', '-e', '-J', '-w', '--ntasks', '--nodes', '--ntasks-per-node', '--gres', '--gpus', '--cpus-per-task', '--partition', '--time', '--output', '--error', '--job-name', '--mpi', '--nodelist', '-np', '-H', '--hostfile', '--host']);

/** Launcher options that are flags (take no value); every other `--option` takes the next word. */
const FLAG_OPTIONS: Readonly<Record<string, ReadonlySet<string>>> = {
  torchrun: new Set(['standalone', 'no_python', 'module', 'm', 'run_path', 'use_env']),
  accelerate: new Set([
    'multi_gpu', 'use_deepspeed', 'use_fsdp', 'use_megatron_lm', 'cpu', 'tpu', 'debug', 'quiet', 'q', 'no_python', 'module', 'm',
    'same_network', 'enable_cpu_affinity', 'use_xpu', 'use_mps_device', 'fsdp_offload_params_flag', 'zero3_init_flag', 'monitor_interval_flag',
  ]),
  deepspeed: new Set(['no_python', 'module', 'no_local_rank', 'no_ssh_check', 'force_multi', 'save_pid', 'autotuning_flag', 'bind_cores_to_rank', 'enable_each_rank_log_flag', 'no_ssh']),
  tune: new Set(['standalone']),
};

/** ms-swift's training commands (swift/cli/main.py ROUTE_MAPPING: pt and sft run sft, the rest rlhf). */
const SWIFT_TRAINING_COMMANDS = new Set(['sft', 'pt', 'rlhf', 'dpo', 'orpo', 'simpo']);

function optionName(word: string): string {
  return word.replace(/^-+/, '').replace(/=.*$/s, '').replace(/-/g, '_');
}

/** The program words of a command, prefixes (`time`, `srun -N 2`, `env A=1`) stripped; `mpirun -np N`'s process count. */
function programWords(c: Command): { words: readonly Word[]; srun: boolean; mpiProcesses: LaunchOption | undefined } {
  let k = 0;
  let srun = false;
  let mpiProcesses: LaunchOption | undefined;
  const w = c.words;
  while (k < w.length) {
    const text = w[k].text ?? '';
    if (PREFIX_COMMANDS.has(text) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[k].plainPrefix)) {
      k++;
    } else if (text === 'srun' || text === 'mpirun' || text === 'mpiexec') {
      srun = true;
      const mpi = text !== 'srun';
      k++;
      while (k < w.length && (w[k].text ?? '').startsWith('-')) {
        const opt = w[k].text ?? '';
        if (mpi && (opt === '-np' || opt === '-n') && k + 1 < w.length) mpiProcesses = { name: opt.slice(1), value: w[k + 1], range: w[k + 1].range };
        k += !opt.includes('=') && SRUN_VALUE_OPTIONS.has(opt) ? 2 : 1;
      }
    } else break;
  }
  return { words: w.slice(k), srun, mpiProcesses };
}

/** Ultralytics' tasks (cfg/__init__.py TASKS), a word before the mode in `yolo TASK MODE ...`. */
const TASKS: ReadonlySet<string> = new Set(['detect', 'segment', 'classify', 'pose', 'obb']);

/** litgpt's training commands (litgpt/__main__.py PARSER_DATA; `finetune` is finetune_lora's setup). */
export const LITGPT_TRAINING_COMMANDS: ReadonlySet<string> = new Set(['finetune', 'finetune_lora', 'finetune_full', 'finetune_adapter', 'finetune_adapter_v2', 'pretrain']);

/** llm.c's training binaries (its Makefile's targets): the CUDA, fp32 CUDA and CPU GPT-2 trainers. */
const LLMC_PROGRAMS = new Set(['train_gpt2cu', 'train_gpt2fp32cu', 'train_gpt2']);

function basename(word: Word): string {
  const t = word.text ?? '';
  return t.slice(t.lastIndexOf('/') + 1);
}

/** Splits launcher options from the rest at the first non-option word. */
function options(words: readonly Word[], start: number, flags: ReadonlySet<string>): { options: LaunchOption[]; rest: number } {
  const out: LaunchOption[] = [];
  let k = start;
  while (k < words.length) {
    const w = words[k];
    const text = w.text;
    // `--nproc_per_node=$NUM_PROC` with an unknown variable: the option is still the launcher's, its value unknown.
    const unknownValue = text === null ? /^(--?[A-Za-z][\w-]*)=/.exec(w.raw) : null;
    if (unknownValue !== null) {
      out.push({ name: optionName(unknownValue[1]), value: w, range: w.range });
      k++;
      continue;
    }
    if (text === null || !text.startsWith('-') || text === '-' || text === '--') {
      if (text === '--') k++;
      break;
    }
    const name = optionName(text);
    const eq = text.indexOf('=');
    if (eq >= 0) {
      const valueText = text.slice(eq + 1);
      out.push({ name, value: { ...w, text: valueText }, range: w.range });
      k++;
    } else if (flags.has(name) || k + 1 >= words.length || (words[k + 1].text ?? '').startsWith('-')) {
      out.push({ name, value: null, range: w.range });
      k++;
    } else {
      out.push({ name, value: words[k + 1], range: words[k + 1].range });
      k += 2;
    }
  }
  return { options: out, rest: k };
}

function find(opts: readonly LaunchOption[], ...names: string[]): LaunchOption | undefined {
  for (let k = opts.length - 1; k >= 0; k--) if (names.includes(opts[k].name)) return opts[k];
  return undefined;
}

interface Count {
  readonly value: number;
  readonly range: SourceRange;
  readonly from: string;
}

type Unknowns = { message: string; range: SourceRange }[];

/** A positive integer option (`--nnodes 2`, `--nnodes 1:4` counts the maximum); null when absent or unknown. */
function count(opt: LaunchOption | undefined, unknowns: Unknowns, what: string): Count | null {
  if (opt === undefined || opt.value === null) return null;
  const w = opt.value;
  if (w.text === null) {
    unknowns.push({ message: `${what} is ${w.raw}: ${w.unknown ?? 'unknown'}`, range: w.range });
    return null;
  }
  if (w.assumed !== undefined) unknowns.push({ message: `${what} is ${w.raw}: ${w.assumed}`, range: w.range });
  const m = /^(?:\d+:)?(\d+)$/.exec(w.text.trim());
  if (m === null || Number(m[1]) < 1) {
    unknowns.push({ message: `${what} is "${w.text}", not a count of processes`, range: w.range });
    return null;
  }
  return { value: Number(m[1]), range: w.range, from: `--${opt.name} ${w.text}` };
}

function envCount(env: ReadonlyMap<string, Word>, name: string, unknowns: Unknowns): Count | null {
  const w = env.get(name);
  if (w === undefined) return null;
  return count({ name, value: w, range: w.range }, unknowns, name);
}

/** Processes per node × nodes; unknown when the node count is written but cannot be known. */
function product(a: Count | null, b: Count | null, nodesWritten = false): { gpus: ScriptValue<number> | null; from: string | null; nodes: ScriptValue<number> | null } {
  const nodes = b === null ? null : { value: b.value, range: b.range };
  if (a === null || (b === null && nodesWritten)) return { gpus: null, from: null, nodes };
  if (b === null) return { gpus: { value: a.value, range: a.range }, from: a.from, nodes };
  return { gpus: { value: a.value * b.value, range: a.range }, from: `${a.from} × ${b.from}`, nodes };
}

function scriptValue(w: Word | undefined, unknowns: Unknowns, what: string): ScriptValue<string> | null {
  if (w === undefined) return null;
  if (w.text === null) {
    unknowns.push({ message: `${what} is ${w.raw}: ${w.unknown ?? 'unknown'}`, range: w.range });
    return null;
  }
  return { value: w.text, range: w.range };
}

const CONFIG_FILE = /\.(ya?ml|json)$/i;

/** The script's first positional YAML/JSON argument, or `--config F` (TRL, alignment-handbook recipes). */
function recipeArg(args: readonly Word[], unknowns: Unknowns): ScriptValue<string> | null {
  for (let k = 0; k < args.length; k++) {
    const t = args[k].text;
    if (t === '--config' || t === '--config_file' || t === '--config-file') return scriptValue(args[k + 1], unknowns, t);
    if (t !== null && (t.startsWith('--config=') || t.startsWith('--config_file='))) return { value: t.slice(t.indexOf('=') + 1), range: args[k].range };
    if (t !== null && t.startsWith('-')) return null;
    if (t !== null && CONFIG_FILE.test(t)) return { value: t, range: args[k].range };
  }
  return null;
}

/** The launch a command runs, or null when it runs none of the known launchers. */
export function readLaunch(c: Command): Launch | null {
  const { words, mpiProcesses } = programWords(c);
  if (words.length === 0) return null;
  const unknowns: Unknowns = [];
  const program = basename(words[0]);
  const base = { range: words[0].range, env: c.env, unknowns };

  if (LLMC_PROGRAMS.has(program)) {
    // One process per GPU: mpirun's -np (none: one process).
    const n = count(mpiProcesses, unknowns, `mpirun -${mpiProcesses?.name ?? 'np'}`);
    return {
      ...base, launcher: 'llm.c', options: [], gpus: n === null ? null : { value: n.value, range: n.range }, gpusFrom: n === null ? null : `mpirun -np ${n.value}`,
      script: { value: words[0].text ?? program, range: words[0].range }, args: words.slice(1), config: null,
    };
  }
  const pythonModule = /^python(\d(\.\d+)?)?$/.test(program) && words[1]?.text === '-m' ? words[2]?.text ?? null : null;

  if (program === 'yolo') {
    // `yolo [task] mode key=value ...`: the mode may be a word or `mode=`; only training launches a job.
    const rest = words.slice(1);
    const plain = rest.filter((w) => w.text !== null && !w.text.includes('=')).map((w) => w.text);
    const mode = plain.find((t) => t === 'train' || t === 'val' || t === 'predict' || t === 'export' || t === 'track' || t === 'benchmark')
      ?? rest.find((w) => w.text?.startsWith('mode=') === true)?.text?.slice('mode='.length);
    if (mode !== 'train') return null;
    // a task word (`yolo segment train`) is passed on as `task=` (the reader says which tasks it builds)
    const args = rest.flatMap((w): Word[] => (w.text === null || w.text.includes('=') ? [w] : TASKS.has(w.text) ? [{ ...w, text: `task=${w.text}` }] : []));
    return { ...base, launcher: 'yolo', options: [], gpus: null, gpusFrom: null, script: { value: 'yolo train', range: words[0].range }, args, config: null };
  }

  if (program === 'torchrun' || pythonModule === 'torch.distributed.run' || pythonModule === 'torch.distributed.launch') {
    const o = options(words, program === 'torchrun' ? 1 : 3, FLAG_OPTIONS.torchrun);
    const nodes = find(o.options, 'nnodes');
    const n = product(count(find(o.options, 'nproc_per_node'), unknowns, '--nproc_per_node'), count(nodes, unknowns, '--nnodes'), nodes !== undefined);
    // `-m M` names a module: its dotted name stands for the script (a module is never a workspace file).
    const script = scriptValue(words[o.rest], unknowns, 'the script');
    const args = words.slice(o.rest + 1);
    return { ...base, launcher: 'torchrun', options: o.options, gpus: n.gpus, gpusFrom: n.from, nodes: n.nodes, script, args, config: recipeArg(args, unknowns) };
  }
  if (program === 'accelerate' && words[1]?.text === 'launch') {
    const o = options(words, 2, FLAG_OPTIONS.accelerate);
    const n = count(find(o.options, 'num_processes'), unknowns, '--num_processes');
    // `--num_machines` is the node count (`--num_processes` already counts every machine's processes).
    const machines = find(o.options, 'num_machines');
    const m = machines === undefined ? null : count(machines, unknowns, '--num_machines');
    const script = scriptValue(words[o.rest], unknowns, 'the script');
    const args = words.slice(o.rest + 1);
    return {
      ...base, launcher: 'accelerate', options: o.options, gpus: n === null ? null : { value: n.value, range: n.range }, gpusFrom: n?.from ?? null,
      ...(m !== null ? { nodes: { value: m.value, range: m.range } } : {}),
      script, args, config: recipeArg(args, unknowns),
    };
  }
  if (program === 'deepspeed') {
    const o = options(words, 1, FLAG_OPTIONS.deepspeed);
    const nodes = find(o.options, 'num_nodes');
    const n = product(count(find(o.options, 'num_gpus'), unknowns, '--num_gpus'), count(nodes, unknowns, '--num_nodes'), nodes !== undefined);
    const script = scriptValue(words[o.rest], unknowns, 'the script');
    const args = words.slice(o.rest + 1);
    return { ...base, launcher: 'deepspeed', options: o.options, gpus: n.gpus, gpusFrom: n.from, nodes: n.nodes, script, args, config: recipeArg(args, unknowns) };
  }
  if (program === 'llamafactory-cli' || program === 'lmf') {
    if (words[1]?.text !== 'train') return null;
    // cli.py runs torchrun (with FORCE_TORCHRUN, or on a machine with several devices) with
    // NNODES (default 1) × NPROC_PER_NODE (default: the machine's device count).
    const n = c.env.has('NPROC_PER_NODE')
      ? product(envCount(c.env, 'NPROC_PER_NODE', unknowns), envCount(c.env, 'NNODES', unknowns), c.env.has('NNODES'))
      : { gpus: null, from: null, nodes: null };
    const config = scriptValue(words[2], unknowns, 'the config');
    return { ...base, launcher: 'llamafactory-cli', options: [], gpus: n.gpus, gpusFrom: n.from, nodes: n.nodes, script: null, args: words.slice(3), config };
  }
  if (program === 'litgpt' && LITGPT_TRAINING_COMMANDS.has(words[1]?.text ?? '')) return litgptLaunch(words, base, unknowns);
  if (program === 'tune' && words[1]?.text === 'run') {
    const o = options(words, 2, FLAG_OPTIONS.tune);
    const nodes = find(o.options, 'nnodes');
    const n = product(count(find(o.options, 'nproc_per_node'), unknowns, '--nproc_per_node'), count(nodes, unknowns, '--nnodes'), nodes !== undefined);
    const recipe = scriptValue(words[o.rest], unknowns, 'the recipe');
    const rest = words.slice(o.rest + 1);
    let config: ScriptValue<string> | null = null;
    const args: Word[] = [];
    for (let k = 0; k < rest.length; k++) {
      const t = rest[k].text;
      if (t === '--config') {
        config = scriptValue(rest[k + 1], unknowns, '--config');
        k++;
      } else if (t !== null && t.startsWith('--config=')) {
        config = { value: t.slice('--config='.length), range: rest[k].range };
      } else args.push(rest[k]);
    }
    return { ...base, launcher: 'tune', options: o.options, gpus: n.gpus, gpusFrom: n.from, nodes: n.nodes, script: recipe, args, config };
  }
  if (program === 'swift' && SWIFT_TRAINING_COMMANDS.has(words[1]?.text ?? '')) {
    const env = c.env;
    let n: { gpus: ScriptValue<number> | null; from: string | null; nodes: ScriptValue<number> | null } = { gpus: null, from: null, nodes: null };
    if (env.has('NPROC_PER_NODE') || env.has('NNODES')) {
      // torchrun --nproc_per_node defaults to 1 when only NNODES is set.
      const perNode = env.has('NPROC_PER_NODE') ? envCount(env, 'NPROC_PER_NODE', unknowns) : { value: 1, range: (env.get('NNODES') as Word).range, from: 'one process per node' };
      n = product(perNode, envCount(env, 'NNODES', unknowns), env.has('NNODES'));
    } else {
      const visible = env.get('CUDA_VISIBLE_DEVICES');
      if (visible?.text != null && /^\s*\d+\s*$/.test(visible.text)) n = { gpus: { value: 1, range: visible.range }, from: `CUDA_VISIBLE_DEVICES=${visible.text.trim()}`, nodes: null };
      else if (visible?.text != null && visible.text.includes(',')) {
        unknowns.push({ message: `CUDA_VISIBLE_DEVICES=${visible.text} without NPROC_PER_NODE runs one process that spreads the model over these GPUs (device_map), which is not modelled`, range: visible.range });
      }
    }
    return { ...base, launcher: 'swift', options: [], gpus: n.gpus, gpusFrom: n.from, nodes: n.nodes, script: { value: `swift ${words[1]?.text ?? ''}`, range: words[1]?.range ?? words[0].range }, args: words.slice(2), config: null };
  }
  if (pythonModule !== null && !pythonModule.startsWith('axolotl.cli.train')) {
    const args = words.slice(3);
    return { ...base, launcher: 'python', options: [], gpus: null, gpusFrom: null, script: { value: pythonModule, range: (words[2] as Word).range }, args, config: recipeArg(args, unknowns) };
  }
  if ((program === 'axolotl' && words[1]?.text === 'train') || (pythonModule !== null && pythonModule.startsWith('axolotl.cli.train'))) {
    const at = program === 'axolotl' ? 2 : 3;
    const config = scriptValue(words[at], unknowns, 'the config');
    return { ...base, launcher: 'axolotl', options: [], gpus: null, gpusFrom: null, script: null, args: words.slice(at + 1), config };
  }
  if (/^python(\d(\.\d+)?)?$/.test(program) && pythonModule === null) {
    const o = options(words, 1, new Set(['u', 'O', 'B', 'E', 's', 'S']));
    const script = words[o.rest];
    if (script?.text == null || !script.text.endsWith('.py')) return null;
    const args = words.slice(o.rest + 1);
    return { ...base, launcher: 'python', options: o.options, gpus: null, gpusFrom: null, script: { value: script.text, range: script.range }, args, config: recipeArg(args, unknowns) };
  }
  return null;
}

/**
 * `litgpt COMMAND [POSITIONAL] --key value ...`: the positional argument becomes `--checkpoint_dir=` (`--model_name=` for
 * pretrain) in its place, `--config F` is taken out (its place kept as configAt), and `--devices` x `--num_nodes` are
 * the GPUs when both are counts (the last of each, as jsonargparse keeps the last value).
 */
function litgptLaunch(words: readonly Word[], base: { range: SourceRange; env: ReadonlyMap<string, Word>; unknowns: Unknowns }, unknowns: Unknowns): Launch {
  const command = words[1] as Word;
  const positional = command.text === 'pretrain' ? 'model_name' : 'checkpoint_dir';
  let config: ScriptValue<string> | null = null;
  let configAt: number | undefined;
  const args: Word[] = [];
  let seenPositional = false;
  for (let k = 2; k < words.length; k++) {
    const w = words[k];
    const t = w.text;
    if (t === '--config' || (t !== null && t.startsWith('--config='))) {
      config = t === '--config' ? scriptValue(words[++k], unknowns, '--config') : { value: t.slice('--config='.length), range: w.range };
      configAt = args.length;
    } else if (t !== null && t.startsWith('--')) {
      args.push(w);
      // `--key value`: the value word is not positional.
      if (!t.includes('=') && k + 1 < words.length && !(words[k + 1].text ?? words[k + 1].raw).startsWith('--')) args.push(words[++k]);
    } else if (!seenPositional) {
      seenPositional = true;
      if (t === null) unknowns.push({ message: `${positional} is ${w.raw}: ${w.unknown ?? 'unknown'}`, range: w.range });
      else args.push({ ...w, text: `--${positional}=${t}` });
    } else args.push(w);
  }
  const last = (name: string): LaunchOption | undefined => {
    let found: LaunchOption | undefined;
    for (let k = 0; k < args.length; k++) {
      const t = args[k].text ?? '';
      if (t === `--${name}`) found = { name, value: args[k + 1] ?? null, range: args[k].range };
      else if (t.startsWith(`--${name}=`)) found = { name, value: { ...args[k], text: t.slice(name.length + 3) }, range: args[k].range };
    }
    return found;
  };
  const devices = last('devices');
  const nodes = last('num_nodes');
  let n: ReturnType<typeof product> = { gpus: null, from: null, nodes: null };
  if (devices?.value?.text != null && !/^\d+$/.test(devices.value.text.trim())) {
    // "auto" and -1 are every visible GPU (Lightning's devices), a number the line does not state.
    unknowns.push({ message: `--devices ${devices.value.text}: every visible GPU, a number the command does not state`, range: devices.range });
    if (nodes !== undefined) n = { ...n, nodes: product(null, count(nodes, unknowns, '--num_nodes')).nodes };
  } else n = product(count(devices, unknowns, '--devices'), count(nodes, unknowns, '--num_nodes'), nodes !== undefined);
  return {
    ...base, launcher: 'litgpt', options: [], gpus: n.gpus, gpusFrom: n.from, nodes: n.nodes,
    script: { value: `litgpt ${command.text as string}`, range: command.range }, args, config, ...(configAt !== undefined ? { configAt } : {}),
  };
}

/** SLURM's GPU count: nodes × GPUs per node (`--gres=gpu:N`, `--gpus-per-node`), or `--gpus` in total. */
export function slurmGpus(script: ShellScript): { gpus: ScriptValue<number>; from: string } | null {
  let nodes: { value: number; range: SourceRange; text: string } | null = null;
  let perNode: { value: number; range: SourceRange; text: string } | null = null;
  let total: { value: number; range: SourceRange; text: string } | null = null;
  const words = script.sbatch;
  for (let k = 0; k < words.length; k++) {
    const raw = words[k].text ?? '';
    let name = raw;
    let value: string | undefined;
    const eq = raw.indexOf('=');
    if (eq >= 0) {
      name = raw.slice(0, eq);
      value = raw.slice(eq + 1);
    } else if (raw.startsWith('-') && words[k + 1] !== undefined && !(words[k + 1].text ?? '').startsWith('-')) {
      value = words[k + 1].text ?? undefined;
    }
    if (value === undefined) continue;
    const range = words[k].range;
    if (name === '--nodes' || name === '-N') {
      const m = /^(?:\d+-)?(\d+)$/.exec(value);
      if (m) nodes = { value: Number(m[1]), range, text: `#SBATCH ${name} ${value}` };
    } else if (name === '--gres') {
      const m = /(?:^|,)gpu(?::[A-Za-z0-9_-]+)?:(\d+)/.exec(value);
      if (m) perNode = { value: Number(m[1]), range, text: `#SBATCH --gres=${value}` };
    } else if (name === '--gpus-per-node') {
      const m = /(\d+)$/.exec(value);
      if (m) perNode = { value: Number(m[1]), range, text: `#SBATCH --gpus-per-node=${value}` };
    } else if (name === '--gpus' || name === '-G') {
      const m = /(\d+)$/.exec(value);
      if (m) total = { value: Number(m[1]), range, text: `#SBATCH ${name} ${value}` };
    }
  }
  if (total !== null) return { gpus: { value: total.value, range: total.range }, from: total.text };
  if (perNode === null) return null;
  const n = nodes?.value ?? 1;
  return { gpus: { value: perNode.value * n, range: perNode.range }, from: nodes === null ? perNode.text : `${perNode.text} × ${nodes.text}` };
}

/** Every launch of the script, in order. */
export function readLaunches(script: ShellScript): Launch[] {
  const out: Launch[] = [];
  for (const c of script.commands) {
    const l = readLaunch(c);
    if (l !== null) out.push(l);
  }
  return out;
}
