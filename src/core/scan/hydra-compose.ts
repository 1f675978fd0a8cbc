/**
 * Hydra config composition, read statically (README: "Files it reads", Hydra): a primary config
 * (`configs/train.yaml`) whose `defaults:` list names config groups that exist as folders beside it
 * is composed the way Hydra ≥ 1.1 composes it, and the detectors read the composed document.
 *
 * Hydra's rules followed here (https://hydra.cc/docs/advanced/defaults_list/, "The Defaults List"):
 * - an entry `group: option` (or `group/option` as a string) selects `<config dir>/<group>/<option>.yaml`,
 *   merged under the group's package (`group` with `/` read as `.`), or under `@package` (the entry's
 *   `group@pkg`, or the file's `# @package` header; `_global_` is the root);
 * - `optional` entries whose file is missing are skipped; a `null` option selects nothing (Hydra: the group is left out unless overridden), skipped;
 *   `override group: option` replaces the option of that group wherever it is selected;
 *   a list of options (`group: [a, b]`) merges each;
 * - entries merge in list order, later values winning, dictionaries merging key by key; `_self_` marks
 *   where the config's own keys merge. Without `_self_`, the config's own keys come last: "As of Hydra 1.1,
 *   config.yaml is overriding configs from the Defaults List"
 *   (https://hydra.cc/docs/upgrades/1.0_to_1.1/default_composition_order);
 * - group files may have defaults lists of their own (group paths relative to their group, or absolute
 *   with a leading `/`);
 * - command-line overrides apply after composition: `group=option` reselects a group, `+group=option`
 *   adds one (`+experiment=x`), `key=value` / `+key=value` / `++key=value` set a value, `~key` removes one.
 * Interpolations are resolved on the composed config by the one OmegaConf resolver (./interpolation.ts): `${a.b}`
 * naming a key takes that key's value (and its origin); any other interpolation (`${oc.env:X}`, resolvers, text
 * around it), a missing key or a cycle is removed with a note, never a rejection. A missing group file is a note. Depth and count of composed files are capped (a positioned
 * error). Every node keeps its own source range; `originOf(range)` says which file a range is in.
 */
import { InputError } from '../types';
import { indexMembers, type MemberNode, type ObjectNode, type ParsedNode } from '../parse/node';
import type { ParsedFile } from './detector';
import { resolveInterpolations } from './interpolation';
import { folderOf, joinRelative } from './paths';
import type { ScanFile, SourceRange } from './types';

/** Deepest chain of nested defaults lists composed (the primary is depth 0). */
export const HYDRA_MAX_DEPTH = 8;
/**
 * Most config files one composition reads: a bound on the work, not a Hydra rule (Hydra has none). Real projects
 * compose well over a hundred small files: open-unlearning's TOFU evaluation pulls each metric's config and each of
 * those its own pre-computed metrics (the earlier cap, 64, stopped it).
 */
export const HYDRA_MAX_CONFIGS = 1024;

/** A command-line override of a launch (`model=gpt2_large`, `trainer.max_epochs=3`, `+experiment=x`, `~key`). */
export interface HydraOverride {
  /** The word as written. */
  readonly text: string;
  /** The file it is written in (a launch script) and where. */
  readonly path: string;
  readonly range: SourceRange;
}

export interface ComposedConfig {
  /** The primary config's path; `file.text` is every composed file's text joined (for text tests). */
  readonly file: ScanFile;
  readonly parsed: ParsedFile;
  /** The files composed besides the primary (group files, in merge order; the launch script for overrides). */
  readonly composedFrom: readonly string[];
  /** The package (dotted key path) each composed group file merges under ('' for the root). */
  readonly packages: ReadonlyMap<string, string>;
  /** Which file a range of the composed tree is written in (undefined: not a range of the tree). */
  originOf(range: SourceRange): string | undefined;
  /** What was left out or could not be known (missing group files, unresolved interpolations). */
  readonly notes: readonly string[];
}

export type CompositionResult = { readonly kind: 'composed'; readonly config: ComposedConfig } | { readonly kind: 'error'; readonly error: InputError };

/** Parses a file of the workspace as YAML (the scanner's cache), or undefined when it is not among the scanned files. */
export type ReadYaml = (path: string) => { readonly parsed: ParsedFile; readonly text: string } | undefined;

interface Entry {
  readonly group: string | null; // absolute group path ('' for none), null for _self_
  readonly options: readonly string[] | null; // null: `group: null`, nothing selected
  readonly package: string | null; // explicit @pkg
  readonly optional: boolean;
  readonly override: boolean;
  readonly range: SourceRange;
  readonly text: string;
}

/** A primary config: a YAML file with a top-level `defaults:` list naming a group that is a folder beside it. */
export function isHydraPrimary(path: string, parsed: ParsedFile, folders: ReadonlySet<string>): boolean {
  const root = parsed.root;
  if (root?.kind !== 'object') return false;
  const list = root.index.get('defaults')?.node;
  if (list?.kind !== 'array') return false;
  const dir = folderOf(path);
  return readEntries(list, '').some((e) => {
    if (e.group === null || e.group === '') return false;
    const folder = joinRelative(dir, e.group);
    return folder !== null && folders.has(folder);
  });
}

/** The entries of a defaults list; `group` made absolute from the containing config's group. */
function readEntries(list: ParsedNode, parentGroup: string): Entry[] {
  if (list.kind !== 'array') return [];
  const out: Entry[] = [];
  const absolute = (g: string): string => (g.startsWith('/') ? g.slice(1) : parentGroup === '' ? g : `${parentGroup}/${g}`);
  for (const item of list.items) {
    if (item.kind === 'string') {
      const text = item.value.trim();
      if (text === '_self_') {
        out.push({ group: null, options: [], package: null, optional: false, override: false, range: item.range, text });
        continue;
      }
      const [name, pkg] = splitPackage(text);
      const slash = name.lastIndexOf('/');
      const group = slash < 0 ? (name.startsWith('/') ? '' : parentGroup) : absolute(name.slice(0, slash));
      out.push({ group, options: [name.slice(slash + 1)], package: pkg, optional: false, override: false, range: item.range, text });
      continue;
    }
    if (item.kind !== 'object' || item.members.length !== 1) continue;
    const member = item.members[0];
    const words = member.key.trim().split(/\s+/);
    const optional = words.includes('optional');
    const override = words.includes('override');
    const [groupName, pkg] = splitPackage(words[words.length - 1]);
    const value = member.node;
    const options =
      value.kind === 'null' ? null
      : value.kind === 'string' ? [value.value]
      : value.kind === 'number' || value.kind === 'boolean' ? [String(value.value)]
      : value.kind === 'array' ? value.items.filter((i) => i.kind === 'string').map((i) => (i as { value: string }).value)
      : null;
    out.push({ group: absolute(groupName), options, package: pkg, optional, override, range: member.keyRange, text: `${member.key}: ${value.kind === 'null' ? 'null' : String(options)}` });
  }
  return out;
}

function splitPackage(text: string): [string, string | null] {
  const at = text.indexOf('@');
  return at < 0 ? [text, null] : [text.slice(0, at), text.slice(at + 1)];
}

/** The `# @package X` header of a config file (in the comment lines before its content). */
function packageHeader(text: string): string | null {
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    if (!t.startsWith('#')) break;
    const m = /^#\s*@package\s+(\S+)/.exec(t);
    if (m) return m[1];
  }
  return null;
}

/* ---- the composed tree, mutable while composing ---- */

interface Leaf {
  readonly kind: 'leaf';
  node: ParsedNode;
}
interface Branch {
  readonly kind: 'branch';
  readonly members: Map<string, { keyRange: SourceRange; value: Tree }>;
  range: SourceRange;
  start: number;
  end: number;
}
type Tree = Leaf | Branch;

function emptyBranch(range: SourceRange): Branch {
  return { kind: 'branch', members: new Map(), range, start: 0, end: 0 };
}

function toTree(node: ParsedNode): Tree {
  if (node.kind !== 'object') return { kind: 'leaf', node };
  const b: Branch = { kind: 'branch', members: new Map(), range: node.range, start: node.start, end: node.end };
  for (const m of node.members) b.members.set(m.key, { keyRange: m.keyRange, value: toTree(m.node) });
  return b;
}

/** Merges `node` into `into` (dictionaries key by key, anything else replaced). */
function mergeInto(into: Branch, node: ObjectNode, skipDefaults: boolean): void {
  for (const m of node.members) {
    if (skipDefaults && m.key === 'defaults') continue;
    const current = into.members.get(m.key);
    if (current !== undefined && current.value.kind === 'branch' && m.node.kind === 'object') {
      mergeInto(current.value, m.node, false);
      current.keyRange = m.keyRange;
    } else into.members.set(m.key, { keyRange: m.keyRange, value: toTree(m.node) });
  }
}

/** The branch at a dotted package path, created as needed (a leaf in the way is replaced). */
function branchAt(root: Branch, pkg: string, range: SourceRange): Branch {
  let b = root;
  for (const key of pkg.split('.').filter((k) => k !== '')) {
    const m = b.members.get(key);
    if (m !== undefined && m.value.kind === 'branch') b = m.value;
    else {
      const next = emptyBranch(range);
      b.members.set(key, { keyRange: range, value: next });
      b = next;
    }
  }
  return b;
}

function toNode(tree: Tree): ParsedNode {
  if (tree.kind === 'leaf') return tree.node;
  const members: MemberNode[] = [...tree.members].map(([key, m]) => ({ key, keyRange: m.keyRange, node: toNode(m.value) }));
  const { index, value } = indexMembers(members);
  return { kind: 'object', members, index, value, range: tree.range, start: tree.start, end: tree.end };
}

/** Every range of a parsed tree (values and keys), for the origin map. */
export function collectRanges(node: ParsedNode, path: string, into: WeakMap<SourceRange, string>): void {
  into.set(node.range, path);
  if (node.kind === 'object') for (const m of node.members) {
    into.set(m.keyRange, path);
    collectRanges(m.node, path, into);
  } else if (node.kind === 'array') for (const i of node.items) collectRanges(i, path, into);
}

/**
 * Composes the primary config at `primary` with the launch's `overrides`. Never throws: a cap that is
 * reached is an error positioned at the primary's defaults entry it came through.
 */
export function composeHydra(primary: string, readYaml: ReadYaml, overrides: readonly HydraOverride[] = []): CompositionResult {
  const configDir = folderOf(primary);
  const origins = new WeakMap<SourceRange, string>();
  const notes: string[] = [];
  const composedFrom: string[] = [];
  const packages = new Map<string, string>();
  const texts: string[] = [];
  const root = readYaml(primary);
  if (root?.parsed.root?.kind !== 'object') return { kind: 'error', error: new InputError('not a Hydra primary config', primary, 1, 1) };
  const primaryRoot = root.parsed.root;

  // Group selections from the command line and from `override` entries (these apply wherever the group is selected).
  const selected = new Map<string, { options: string[] | null; from: string }>();
  /** Groups the command line selects: they win over `override` entries. */
  const fromLaunch = new Set<string>();
  let launchUsed = false;
  const added: Entry[] = [];
  const sets: { key: string; value: ParsedNode | null; mode: 'set' | 'add' | 'force' | 'delete'; o: HydraOverride }[] = [];
  const groupFolders = (g: string): string | null => joinRelative(configDir, g);
  for (const o of overrides) {
    const m = /^(~|\+\+|\+)?([\w./@-]+)(?:=(.*))?$/s.exec(o.text);
    if (!m) {
      notes.push(`${o.path}:${o.range.line}:${o.range.column}: the Hydra override '${o.text}' is not read`);
      continue;
    }
    const [, prefix = '', key, raw] = m as unknown as [string, string | undefined, string, string | undefined];
    const [groupKey, pkg] = splitPackage(key);
    const isGroup = raw !== undefined && !key.includes('.') && readYamlExists(readYaml, groupFolders(groupKey), raw);
    if (isGroup && prefix === '') {
      selected.set(groupKey, { options: [raw], from: `${o.path}:${o.range.line}` });
      fromLaunch.add(groupKey);
      launchUsed = true;
      continue;
    }
    if (isGroup && prefix === '+') {
      added.push({ group: groupKey, options: [raw], package: pkg, optional: false, override: false, range: o.range, text: o.text });
      launchUsed = true;
      continue;
    }
    if (prefix === '~') sets.push({ key, value: null, mode: 'delete', o });
    else if (raw !== undefined) sets.push({ key, value: scalarNode(raw, o.range), mode: prefix === '++' ? 'force' : prefix === '+' ? 'add' : 'set', o });
  }

  const composed = emptyBranch(primaryRoot.range);
  let count = 0;
  let capError: InputError | null = null;

  // Pass 1 gathers `override` entries anywhere in the tree; pass 2 composes with them.
  for (const pass of [1, 2] as const) {
    count = 0;
    const visit = (path: string, node: ObjectNode, group: string, pkg: string, depth: number, via: SourceRange, stack: readonly string[]): void => {
      if (capError !== null) return;
      if (pass === 2) {
        collectRanges(node, path, origins);
        if (path !== primary && !composedFrom.includes(path)) composedFrom.push(path);
        if (path !== primary) packages.set(path, pkg);
      }
      const list = node.index.get('defaults')?.node;
      const entries = list !== undefined ? readEntries(list, group) : [];
      if (path === primary) entries.push(...added);
      if (!entries.some((e) => e.group === null)) entries.push({ group: null, options: [], package: null, optional: false, override: false, range: node.range, text: '_self_' });
      for (const e of entries) {
        if (capError !== null) return;
        const here = depth === 0 ? e.range : via;
        if (e.group === null) {
          if (pass === 2) mergeInto(pkg === '' ? composed : branchAt(composed, pkg, node.range), node, true);
          continue;
        }
        if (e.override) {
          if (pass === 1 && !fromLaunch.has(e.group)) selected.set(e.group, { options: e.options === null ? null : [...e.options], from: `${path}:${e.range.line}` });
          continue;
        }
        const choice = selected.get(e.group);
        const options = choice !== undefined ? choice.options : e.options;
        if (options === null) continue; // `group: null` selects nothing, not overridden
        for (const option of options) {
          const file = configFile(configDir, e.group, option, readYaml);
          if (file !== null && 'error' in file) {
            if (pass === 2) notes.push(`${path}:${e.range.line}:${e.range.column}: '${file.path}' could not be read (${file.error}); it is not composed`);
            continue;
          }
          if (file === null) {
            if (!e.optional && pass === 2) notes.push(`${path}:${e.range.line}:${e.range.column}: the Hydra defaults entry '${e.group === '' ? option : `${e.group}: ${option}`}' names no config file among the scanned files (${e.group === '' ? '' : `${e.group}/`}${option}.yaml); it is not composed`);
            continue;
          }
          if (stack.includes(file.path)) {
            if (pass === 2) notes.push(`${path}:${e.range.line}:${e.range.column}: '${file.path}' includes itself through its defaults list; the repeat is not composed`);
            continue;
          }
          if (depth + 1 > HYDRA_MAX_DEPTH || ++count > HYDRA_MAX_CONFIGS) {
            const what = depth + 1 > HYDRA_MAX_DEPTH ? `nest deeper than ${HYDRA_MAX_DEPTH} configs` : `compose more than ${HYDRA_MAX_CONFIGS} config files`;
            capError = new InputError(`the Hydra defaults ${what} (reached at ${path}:${e.range.line}:${e.range.column}); the config is not composed`, primary, here.line, here.column);
            return;
          }
          const header = packageHeader(file.text);
          const groupPkg = e.group.replace(/\//g, '.');
          const explicit = e.package ?? header;
          const target =
            explicit === null || explicit === '_group_' ? groupPkg
            : explicit === '_global_' ? ''
            : explicit === '_here_' ? pkg
            : explicit.replace(/_group_/g, groupPkg).replace(/^_global_\.?/, '');
          if (pass === 2) texts.push(file.text);
          visit(file.path, file.root, e.group, target, depth + 1, here, [...stack, file.path]);
        }
      }
    };
    visit(primary, primaryRoot, '', '', 0, primaryRoot.range, [primary]);
    if (capError !== null) return { kind: 'error', error: capError };
  }

  // Command-line values, after composition.
  for (const s of sets) {
    const keys = s.key.split('.');
    let b = composed;
    let ok = true;
    for (const k of keys.slice(0, -1)) {
      const m = b.members.get(k);
      if (m?.value.kind === 'branch') b = m.value;
      else if (m === undefined && s.mode !== 'set' && s.mode !== 'delete') b = branchAt(b, k, s.o.range);
      else {
        ok = false;
        break;
      }
    }
    const last = keys[keys.length - 1];
    const exists = ok && b.members.has(last);
    if (!ok || (s.mode === 'set' && !exists) || (s.mode === 'add' && exists) || (s.mode === 'delete' && !exists)) {
      notes.push(`${s.o.path}:${s.o.range.line}:${s.o.range.column}: the Hydra override '${s.o.text}' ${exists ? 'adds a key the config already has' : 'names a key the composed config does not have'} (Hydra rejects it); it is not applied`);
      continue;
    }
    launchUsed = true;
    if (s.mode === 'delete') b.members.delete(last);
    else if (s.value !== null) {
      origins.set(s.value.range, s.o.path);
      b.members.set(last, { keyRange: s.o.range, value: { kind: 'leaf', node: s.value } });
    }
  }
  if (launchUsed && !composedFrom.includes(overrides[0].path)) composedFrom.push(overrides[0].path);

  // The `hydra` node configures Hydra itself (run dirs, logging) and is not part of the job's config.
  composed.members.delete('hydra');
  const tree = resolveInterpolations(toNode(composed) as ObjectNode, { fileOf: (r) => origins.get(r) ?? primary, notes });
  const parsed: ParsedFile = { syntax: 'yaml', root: tree, error: null, lenient: false, bom: false, warnings: [] };
  const file: ScanFile = { path: primary, text: [root.text, ...texts].join('\n') };
  return { kind: 'composed', config: { file, parsed, composedFrom, packages, notes, originOf: (r) => origins.get(r) } };
}

interface ConfigFileRead {
  readonly path: string;
  readonly root: ObjectNode;
  readonly text: string;
}

/** `<dir>/<group>/<option>.yaml` (or `.yml`), parsed; an empty file reads as an empty mapping. */
function configFile(dir: string, group: string, option: string, readYaml: ReadYaml): ConfigFileRead | { readonly path: string; readonly error: string } | null {
  for (const ext of ['.yaml', '.yml']) {
    const path = joinRelative(dir, group === '' ? `${option}${ext}` : `${group}/${option}${ext}`);
    if (path === null) continue;
    const read = readYaml(path);
    if (read === undefined) continue;
    const { parsed, text } = read;
    if (parsed.error !== null) return { path, error: `${parsed.error.line ?? 1}:${parsed.error.column ?? 1}: ${parsed.error.message}` };
    if (parsed.root !== null && parsed.root.kind !== 'object' && parsed.root.kind !== 'null') return { path, error: `its top level is ${parsed.root.kind === 'array' ? 'a list' : `a ${parsed.root.kind}`}, not a mapping` };
    if (parsed.root?.kind === 'object') return { path, root: parsed.root, text };
    const r: SourceRange = { line: 1, column: 1, endLine: 1, endColumn: 1 };
    if (parsed.root === null || parsed.root.kind === 'null') return { path, root: { kind: 'object', members: [], index: new Map(), value: {}, range: r, start: 0, end: 0 }, text };
  }
  return null;
}

function readYamlExists(readYaml: ReadYaml, folder: string | null, option: string): boolean {
  if (folder === null) return false;
  return readYaml(`${folder}/${option}.yaml`) !== undefined || readYaml(`${folder}/${option}.yml`) !== undefined;
}

/** A command-line value read as Hydra's override grammar reads a primitive: int, float, bool, null, quoted or bare string. */
function scalarNode(raw: string, range: SourceRange): ParsedNode {
  const base = { range, start: 0, end: 0 };
  const t = raw.trim();
  if (/^[+-]?\d+$/.test(t) || /^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(t)) return { kind: 'number', value: Number(t), raw: t, ...base };
  if (/^(true|false)$/i.test(t)) return { kind: 'boolean', value: t.toLowerCase() === 'true', ...base };
  if (/^null$/i.test(t)) return { kind: 'null', value: null, ...base };
  const quoted = /^(['"])(.*)\1$/s.exec(t);
  return { kind: 'string', value: quoted ? quoted[2] : t, ...base };
}

/**
 * The file of the composed tree's value at `line:column` (a detector's error names only a position), or
 * undefined when no value, or values of several files, start there.
 */
export function originAt(config: ComposedConfig, line: number, column: number): string | undefined {
  const found = new Set<string>();
  const walk = (node: ParsedNode): void => {
    if (node.range.line === line && node.range.column === column) {
      const o = config.originOf(node.range);
      if (o !== undefined) found.add(o);
    }
    if (node.kind === 'object') for (const m of node.members) walk(m.node);
    else if (node.kind === 'array') for (const i of node.items) walk(i);
  };
  if (config.parsed.root !== null) walk(config.parsed.root);
  return found.size === 1 ? [...found][0] : undefined;
}
