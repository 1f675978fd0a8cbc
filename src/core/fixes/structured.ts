/**
 * Optimizer fixes in JSON and YAML configs. The key that holds the optimizer decides the dialect:
 * - `optim` / `optimizer` with an HF spelling (TrainingArguments JSON/YAML, axolotl): the optim
 *   string plus `learning_rate`, `weight_decay`, `adam_beta1`/`adam_beta2`, `adam_epsilon`;
 * - DeepSpeed `optimizer.type`: the type plus `optimizer.params` (torch argument names);
 * - torchtune `_component_`, Hydra `_target_`: an import path plus sibling arguments;
 * - Lightning CLI `class_path`: an import path plus `init_args`.
 * Arguments the new optimizer does not take are removed (a torch optimizer rejects unknown keyword
 * arguments), so the file still runs.
 */
import type { HyperparameterAdvice, StrategyPlan } from '../advisor/types';
import { getOptimizer } from '../optimizers';
import type { Ecosystem, OptimizerId } from '../optimizers/types';
import type { MemberNode, ObjectNode, ParsedNode } from '../parse/node';
import { parseJson } from '../parse/json';
import { parseYaml } from '../parse/yaml';
import type { ScanJob } from '../scan/results';
import { InputError } from '../types';
import { AXOLOTL_CONFIG_KIND } from '../scan/detectors/axolotl-config';
import { GPT_NEOX_CONFIG_KIND } from '../scan/detectors/gpt-neox-config';
import { axolotlKeys, hfSwitchValues } from './hf-values';
import { acceptedArguments, targetArguments } from './params';
import { hiddenWeightsComment, THIRD_PARTY_MODULES } from './snippets';
import { chooseSpelling, type ChosenSpelling } from './spelling';
import type { EditableText } from './text';
import { formatKey, insertMembers, locateMember, mergeTouching, removeMember, replaceNode, type TreeSyntax } from './tree-edits';
import type { FixResult, TextEdit } from './types';
import { formatValue, quoteOf, type ArgumentValue, type WritableValue } from './values';


/** Import paths of the Python modules whose classes the catalog spells by class name. */
const MODULE_OF: Partial<Record<Ecosystem, string>> = { pytorch: 'torch.optim', bitsandbytes: 'bitsandbytes.optim' };

type Dialect =
  | { readonly kind: 'hf'; readonly container: ObjectNode; readonly member: MemberNode; readonly axolotl: boolean }
  | { readonly kind: 'deepspeed'; readonly optimizer: ObjectNode; readonly member: MemberNode }
  | { readonly kind: 'component'; readonly container: ObjectNode; readonly member: MemberNode; readonly key: '_component_' | '_target_' }
  | { readonly kind: 'lightning'; readonly container: ObjectNode; readonly member: MemberNode };

export function parseTree(doc: EditableText, path: string, syntax: TreeSyntax): ParsedNode {
  return syntax === 'json' ? parseJson(doc.text, path, { jsonc: true }).root : parseYaml(doc.text, path).root;
}

function dialectOf(root: ParsedNode, doc: EditableText, job: ScanJob, path: string): Dialect | string {
  const src = job.sources['optimizer'];
  if (src === undefined || src.path !== path) return 'the optimizer is not written in this file';
  const found = locateMember(root, doc.startOf(src.range));
  if (found === null) return 'the optimizer value was not found in the file (it changed since the scan)';
  const { member, parent, path: chain } = found;
  const owner = chain.length >= 2 ? chain[chain.length - 2].member.key : null;
  // GPT-NeoX reads optimizer.type as its own names (megatron/training.py get_optimizer), which DeepSpeed's spellings are not.
  if (member.key === 'type' && owner === 'optimizer' && job.optimizerFileKind === GPT_NEOX_CONFIG_KIND) return "GPT-NeoX's optimizer types (adam, lion, sgd, ...) are its own names, which this fix does not write";
  if (member.key === 'type' && owner === 'optimizer') return { kind: 'deepspeed', optimizer: parent, member };
  if (member.key === '_component_' || member.key === '_target_') return { kind: 'component', container: parent, member, key: member.key };
  if (member.key === 'class_path') return { kind: 'lightning', container: parent, member };
  if (job.optimizerEcosystem === 'hf') return { kind: 'hf', container: parent, member, axolotl: job.optimizerFileKind === AXOLOTL_CONFIG_KIND };
  return `the key '${member.key}' is not one whose optimizer this fix can rewrite`;
}

function objectMember(object: ObjectNode, key: string): ObjectNode | null {
  const node = object.index.get(key)?.node;
  return node?.kind === 'object' ? node : null;
}

/** Replacement of an existing value, insertion of missing ones, removal of unwanted ones in one object. */
function editArguments(
  doc: EditableText,
  syntax: TreeSyntax,
  container: ObjectNode,
  values: Readonly<Record<string, ArgumentValue>>,
  remove: readonly string[],
  insertAfter: MemberNode | undefined,
): { edits: TextEdit[]; written: Record<string, string> } {
  const edits: TextEdit[] = [];
  const written: Record<string, string> = {};
  const missing: [string, string][] = [];
  for (const [key, value] of Object.entries(values)) {
    const text = formatValue(value, syntax, { key });
    written[key] = text;
    const existing = container.index.get(key);
    if (existing) edits.push(replaceNode(doc, existing.node, text));
    else missing.push([key, text]);
  }
  const removed = container.members.filter((m) => remove.includes(m.key));
  for (const m of removed) edits.push(removeMember(doc, syntax, container, m));
  if (missing.length > 0) {
    const kept = container.members.filter((m) => !removed.includes(m));
    const anchor = insertAfter && !removed.includes(insertAfter) ? insertAfter : kept[kept.length - 1];
    edits.push(insertMembers(doc, syntax, container, missing, anchor));
  }
  return { edits, written };
}

function hfFix(doc: EditableText, syntax: TreeSyntax, d: Extract<Dialect, { kind: 'hf' }>, target: OptimizerId, advice: HyperparameterAdvice, plan: StrategyPlan | null): FixResult {
  const chosen = chooseSpelling(target, 'hf', () => ({}), { resolveIn: 'hf' });
  if (chosen === null) return { unavailable: `Hugging Face TrainingArguments has no optim string for ${getOptimizer(target).name}` };
  const sw = hfSwitchValues(target, chosen.name, advice, (key) => d.container.index.has(key), plan);
  const { optim } = sw;
  // An axolotl config names the plan's micro-batch `micro_batch_size`, as its paste does.
  const values = d.axolotl ? axolotlKeys(sw.values) : sw.values;
  const spellingText = formatValue(optim, syntax, { quote: quoteOf(doc.text.slice(d.member.node.start, d.member.node.end)) });
  const args = editArguments(doc, syntax, d.container, values, [], d.member);
  return {
    target,
    spelling: chosen.name,
    ecosystem: 'hf',
    written: { [d.member.key]: spellingText, ...args.written },
    removed: [],
    edits: mergeTouching(doc, [replaceNode(doc, d.member.node, spellingText), ...args.edits]),
  };
}

/**
 * The module of a spelling's class: torch.optim and bitsandbytes.optim by ecosystem, a third-party class from the
 * catalog's package table (snippets.ts THIRD_PARTY_MODULES, as the change to paste writes it); undefined for torchtune,
 * which spells paths already.
 */
function moduleOf(ecosystem: Ecosystem, name: string): string | undefined {
  return ecosystem === 'other' ? THIRD_PARTY_MODULES[name]?.module : MODULE_OF[ecosystem];
}

/** An import path for a spelling: torchtune spells paths already; the others spell class names. */
function importPath(chosen: ChosenSpelling): string {
  const module = moduleOf(chosen.ecosystem, chosen.name);
  return module === undefined ? chosen.name : `${module}.${chosen.name}`;
}

function choosePathSpelling(
  target: OptimizerId,
  ecosystems: readonly Ecosystem[],
  params: (c: ChosenSpelling) => Record<string, WritableValue>,
  resolveIn: Ecosystem | undefined,
): ChosenSpelling | null {
  for (const eco of ecosystems) {
    if (eco !== 'torchtune' && eco !== 'other' && MODULE_OF[eco] === undefined) continue;
    const write = (name: string): string => (eco === 'torchtune' ? name : `${moduleOf(eco, name) ?? 'unknown'}.${name}`);
    const chosen = chooseSpelling(target, eco, params, { write, ...(resolveIn !== undefined ? { resolveIn } : {}) });
    if (chosen !== null) return chosen;
  }
  return null;
}

function kwargsFix(
  doc: EditableText,
  syntax: TreeSyntax,
  d: Exclude<Dialect, { kind: 'hf' }>,
  job: ScanJob,
  target: OptimizerId,
  advice: HyperparameterAdvice,
): FixResult {
  const spec = getOptimizer(target);
  // Where the arguments are, and the names that are not arguments.
  let container: ObjectNode | null;
  let reserved: (key: string) => boolean;
  if (d.kind === 'deepspeed') {
    container = objectMember(d.optimizer, 'params');
    reserved = () => false;
  } else if (d.kind === 'lightning') {
    container = objectMember(d.container, 'init_args');
    reserved = () => false;
  } else {
    container = d.container;
    reserved = (key) => key.startsWith('_');
  }
  const existing = new Set((container?.members ?? []).map((m) => m.key).filter((k) => !reserved(k)));
  const params = (c: ChosenSpelling): Record<string, WritableValue> => targetArguments(target, advice, c, existing);

  let chosen: ChosenSpelling | null;
  let value: string;
  if (d.kind === 'deepspeed') {
    // DeepSpeed maps its own type names, and falls back to torch.optim for other names (engine.py).
    chosen = chooseSpelling(target, 'deepspeed', params, { resolveIn: 'deepspeed' }) ?? chooseSpelling(target, 'pytorch', params, { resolveIn: 'deepspeed' });
    value = chosen?.name ?? '';
  } else {
    // The classes the change to paste names in the same format (paste.ts: torchtune's block; importableClass for
    // LightningCLI and Hydra, whose third-party classes come from their packages).
    const ecosystems: Ecosystem[] = job.optimizerEcosystem === 'torchtune' ? ['torchtune', 'pytorch', 'bitsandbytes'] : ['pytorch', 'bitsandbytes', 'other'];
    chosen = choosePathSpelling(target, ecosystems, params, job.optimizerEcosystem);
    value = chosen === null ? '' : importPath(chosen);
  }
  if (chosen === null) return { unavailable: `no ${d.kind === 'deepspeed' ? 'DeepSpeed optimizer type' : 'importable class'} in the catalog names ${spec.name}` };

  const values = params(chosen);
  const accepted = acceptedArguments(target, chosen);
  const remove = [...existing].filter((k) => !accepted.has(k) && !(k in values));
  const typeText = formatValue(value, syntax, { quote: quoteOf(doc.text.slice(d.member.node.start, d.member.node.end)) });
  const edits: TextEdit[] = [replaceNode(doc, d.member.node, typeText), ...hiddenWeightsNote(doc, syntax, d, chosen, advice)];
  let written: Record<string, string> = {};
  if (container !== null) {
    const args = editArguments(doc, syntax, container, values, remove, undefined);
    edits.push(...args.edits);
    written = args.written;
  } else if (Object.keys(values).length > 0) {
    // No params / init_args object yet: add one after the optimizer's name.
    const key = d.kind === 'deepspeed' ? 'params' : 'init_args';
    const parent = d.kind === 'deepspeed' ? d.optimizer : d.container;
    const entries = Object.entries(values).map(([k, v]) => [k, formatValue(v, syntax, { key: k })] as const);
    for (const [k, v] of entries) written[k] = v;
    const block = syntax === 'yaml' && doc.text[parent.start] !== '{';
    const nested = block
      ? ['', ...entries.map(([k, v]) => `  ${formatKey(k, syntax)}: ${v}`)].join('\n')
      : `{${entries.map(([k, v]) => `${formatKey(k, syntax)}: ${v}`).join(', ')}}`;
    edits.push(insertMembers(doc, syntax, parent, [[key, nested]], d.member));
  }
  return {
    target,
    spelling: value,
    ecosystem: chosen.ecosystem,
    written: { [d.member.key]: typeText, ...written },
    removed: remove,
    edits: mergeTouching(doc, edits),
  };
}

/**
 * A class that takes only the hidden 2-D weights (torch.optim.Muon) in a block-style YAML component: the change to
 * paste's comment lines (snippets.ts hiddenWeightsComment: what the code must pass it, and the AdamW for the rest) above
 * the block's first line, at its indentation. JSON has no comments and a flow mapping no room for them: nothing.
 */
function hiddenWeightsNote(doc: EditableText, syntax: TreeSyntax, d: Exclude<Dialect, { kind: 'hf' }>, chosen: ChosenSpelling, advice: HyperparameterAdvice): TextEdit[] {
  if (syntax !== 'yaml' || d.kind === 'deepspeed') return [];
  const lines = hiddenWeightsComment(chosen, advice);
  const block = d.container;
  if (lines.length === 0 || doc.text[block.start] === '{') return [];
  const lineStart = doc.text.lastIndexOf('\n', block.start - 1) + 1;
  const indent = doc.text.slice(lineStart, block.start);
  if (!/^[ \t]*$/.test(indent)) return [];
  return [doc.edit(lineStart, lineStart, lines.map((l) => `${indent}${l}\n`).join(''))];
}

/** The optimizer fix for a JSON or YAML file. */
export function structuredFix(
  doc: EditableText,
  path: string,
  syntax: TreeSyntax,
  job: ScanJob,
  target: OptimizerId,
  advice: HyperparameterAdvice,
  plan: StrategyPlan | null = null,
): FixResult {
  let root: ParsedNode;
  try {
    root = parseTree(doc, path, syntax);
  } catch (e) {
    if (e instanceof InputError) return { unavailable: `the file does not parse: ${e.message}` };
    throw e;
  }
  const dialect = dialectOf(root, doc, job, path);
  if (typeof dialect === 'string') {
    const defaulted = job.defaults.find((x) => x.setting === 'optimizer');
    if (job.sources['optimizer'] === undefined && defaulted !== undefined && job.optimizerEcosystem === 'hf' && root.kind === 'object' && path === job.id) {
      return hfDefaultedFix(doc, syntax, root, defaulted.key, target, advice, plan, job.optimizerFileKind === AXOLOTL_CONFIG_KIND);
    }
    return { unavailable: dialect };
  }
  if (dialect.kind === 'hf') return hfFix(doc, syntax, dialect, target, advice, plan);
  return kwargsFix(doc, syntax, dialect, job, target, advice);
}

/** An HF arguments file that leaves `optim` to its default: add the key (and the hyperparameters) at the end. */
function hfDefaultedFix(doc: EditableText, syntax: TreeSyntax, root: ObjectNode, key: string, target: OptimizerId, advice: HyperparameterAdvice, plan: StrategyPlan | null, axolotl: boolean): FixResult {
  const chosen = chooseSpelling(target, 'hf', () => ({}), { resolveIn: 'hf' });
  if (chosen === null) return { unavailable: `Hugging Face TrainingArguments has no optim string for ${getOptimizer(target).name}` };
  const sw = hfSwitchValues(target, chosen.name, advice, (k) => root.index.has(k), plan);
  const values: Record<string, ArgumentValue> = { [key]: sw.optim, ...(axolotl ? axolotlKeys(sw.values) : sw.values) };
  const args = editArguments(doc, syntax, root, values, [], undefined);
  return { target, spelling: sw.optim, ecosystem: 'hf', written: args.written, removed: [], edits: mergeTouching(doc, args.edits) };
}
