/**
 * MMEngine config composition, read statically (README "What the scanner reads": OpenMMLab / MMEngine configs): a
 * Python config whose `_base_` lists other config files is composed the way `mmengine.Config.fromfile` composes it,
 * each file read by the restricted literal reader (./python/literal-config.ts; nothing is executed), and the detector
 * reads the composed tree (./detectors/mmengine-config.ts).
 *
 * MMEngine's rules followed here (open-mmlab/mmengine docs/en/advanced_tutorials/config.md @ 03ec586c, "Inheritance
 * between configuration files"; mmengine/config/config.py `Config._file2dict`, `Config._merge_a_into_b`):
 * - `_base_` is a path or a list of paths relative to the config's folder; each base is composed first (bases may have
 *   bases), and the bases' variables are gathered — "it requires that there is no repeated fields defined in all base
 *   files" (a duplicate is a note here; the later base's value is kept);
 * - the config's own variables then merge into the bases': "since the optimizer field is a dictionary, we only need to
 *   redefine the modified fields" (dicts merge key by key, recursively); "for non-dictionary fields, such as integers,
 *   strings, lists, etc., they can be completely overwritten by redefining them";
 * - `_delete_=True` in a dict "delete[s] all the keys that do not appear in the newly defined dictionary": the dict
 *   replaces the base's;
 * - `{{_base_.xxx}}` and `_base_.xxx` take "a copy of the corresponding variable" of the composed bases.
 * A base of another package (`mmdet::_base_/...`), a missing base, a cycle, a file over MMENGINE_MAX_FILE_CHARS and
 * a composition past MMENGINE_MAX_COMPOSED_CHARS and anything the literal reader does not read are notes: their values are unknown, never guessed. Every node keeps its
 * own range; `originOf(range)` says which file a range is in.
 */
import { InputError } from '../types';
import { indexMembers, type MemberNode, type ObjectNode, type ParsedNode } from '../parse/node';
import { getPath } from '../parse/node';
import type { ParsedFile } from './detector';
import type { PartialObjectNode } from './fields';
import { collectRanges, type ComposedConfig, type CompositionResult } from './hydra-compose';
import { folderOf, joinRelative } from './paths';
import { readLiteralModule, type BaseList } from './python/literal-config';
import type { ScanFile, SourceRange } from './types';

/** Longest config file read (characters): the editor runs the join on its main loop, as for Hydra. */
export const MMENGINE_MAX_FILE_CHARS = 64 * 1024;
/** Most characters one composition reads (the config and its bases), as for Hydra. */
export const MMENGINE_MAX_COMPOSED_CHARS = 256 * 1024;
/** Most files one composition reads. */
export const MMENGINE_MAX_CONFIGS = 64;
/** Deepest chain of `_base_` files followed (the config is depth 0). */
export const MMENGINE_MAX_DEPTH = 8;

/** A top-level `_base_ = ...` assignment: the text test for an MMEngine config that inherits. */
export const MMENGINE_BASE_ASSIGNMENT = /^_base_[ \t]*=/m;

/**
 * True for a file whose text the join reads to compose MMEngine configs: a `.py` file within MMENGINE_MAX_FILE_CHARS
 * that assigns `_base_` or a `dict(...)` at its top level, or lies in a `_base_` folder (a base file).
 */
export function mmengineJoinReads(file: ScanFile): boolean {
  if (!file.path.endsWith('.py') || file.text.length > MMENGINE_MAX_FILE_CHARS) return false;
  return /(^|\/)_base_\//.test(file.path) || MMENGINE_BASE_ASSIGNMENT.test(file.text) || /^[A-Za-z_]\w*[ \t]*=[ \t]*dict\(/m.test(file.text);
}

const DELETE_KEY = '_delete_';

class Composition {
  readonly origins = new WeakMap<SourceRange, string>();
  readonly notes: string[] = [];
  readonly composedFrom: string[] = [];
  readonly texts: string[] = [];
  private count = 0;
  private chars = 0;

  constructor(
    private readonly textOf: (path: string) => string | undefined,
    private readonly isScanned: (path: string) => boolean,
  ) {}

  /** A config composed with its bases; null (with a note) when it cannot be read. */
  load(path: string, chain: readonly string[], from: { path: string; range: SourceRange } | null): PartialObjectNode | null {
    const where = from === null ? `${path}:1:1` : `${from.path}:${from.range.line}:${from.range.column}`;
    const text = this.textOf(path);
    if (text === undefined) {
      this.notes.push(`${where}: ${path} could not be read; its values are not known`);
      return null;
    }
    if (text.length > MMENGINE_MAX_FILE_CHARS) {
      this.notes.push(`${where}: ${path} has ${text.length} characters, and MMEngine configs are read up to ${MMENGINE_MAX_FILE_CHARS}; its values are not known`);
      return null;
    }
    if (this.chars + text.length > MMENGINE_MAX_COMPOSED_CHARS) {
      this.notes.push(`${where}: the composition has read ${this.chars} characters, and one composition reads up to ${MMENGINE_MAX_COMPOSED_CHARS}; ${path} is not read`);
      return null;
    }
    this.chars += text.length;
    if (++this.count > MMENGINE_MAX_CONFIGS) {
      this.notes.push(`${where}: the composition has read ${MMENGINE_MAX_CONFIGS} files, the most one composition reads; ${path} is not read`);
      return null;
    }
    if (from !== null) this.composedFrom.push(path);
    this.texts.push(text);
    let bases: PartialObjectNode | null = null;
    const module = readLiteralModule(text, (base) => {
      bases = this.composeBases(path, base, chain);
      const found = bases;
      return (p) => (found === null ? undefined : getPath(found, p));
    });
    if (module.error !== null) {
      if (from === null) throw new InputError(module.error.message, path, module.error.line, module.error.column);
      this.notes.push(`${path}:${module.error.line}:${module.error.column}: ${module.error.message}; the file is not read`);
      return null;
    }
    collectRanges(module.root, path, this.origins);
    for (const u of module.unread) this.notes.push(`${path}:${u.line}:${u.column}: ${u.message}`);
    const composed: PartialObjectNode | null = bases;
    return composed === null ? module.root : this.merge(module.root, composed, path);
  }

  /** The bases' variables gathered, in the `_base_` list's order. */
  private composeBases(path: string, base: BaseList, chain: readonly string[]): PartialObjectNode | null {
    const members = new Map<string, MemberNode>();
    const opaque = new Set<string>();
    const origin = new Map<string, string>();
    for (const entry of base.paths) {
      const at = `${path}:${entry.range.line}:${entry.range.column}`;
      if (entry.value.includes('::')) {
        this.notes.push(`${at}: the base '${entry.value}' is a config of an installed package, which is not read; its values are not known`);
        continue;
      }
      const target = joinRelative(folderOf(path), entry.value);
      if (target === null || !this.isScanned(target)) {
        this.notes.push(`${at}: the base '${entry.value}' is not among the scanned files; its values are not known`);
        continue;
      }
      if (target === path || chain.includes(target)) {
        this.notes.push(`${at}: the base '${entry.value}' inherits from itself (${[...chain, path, target].join(' -> ')}); it is not read again`);
        continue;
      }
      if (chain.length + 1 >= MMENGINE_MAX_DEPTH) {
        this.notes.push(`${at}: _base_ files nested ${MMENGINE_MAX_DEPTH} deep, the most that is followed; '${entry.value}' is not read`);
        continue;
      }
      const read = this.load(target, [...chain, path], { path, range: entry.range });
      if (read === null) continue;
      for (const m of read.members) {
        const before = origin.get(m.key);
        if (before !== undefined) {
          this.notes.push(`${at}: '${m.key}' is set by both ${before} and ${target}, which MMEngine refuses ("Duplicate key is not allowed among bases"); ${target}'s value is kept`);
          members.delete(m.key);
        }
        origin.set(m.key, target);
        members.set(m.key, m);
        opaque.delete(m.key);
      }
      for (const k of read.opaqueKeys) {
        members.delete(k);
        opaque.add(k);
      }
    }
    const list = [...members.values()];
    const { index, value } = indexMembers(list);
    return { kind: 'object', members: list, index, value, opaqueKeys: opaque, range: base.range, start: 0, end: 0 };
  }

  /** `Config._merge_a_into_b(a, b)`: the config's own values over its bases' (a key the base has keeps its place). */
  merge(own: ObjectNode, base: ObjectNode, path: string): PartialObjectNode {
    const members = new Map(base.members.map((m) => [m.key, m]));
    const opaque = new Set<string>(opaqueOf(base));
    for (const m of own.members) {
      let node = m.node;
      if (node.kind === 'object') {
        const replace = node.index.get(DELETE_KEY)?.node;
        const prior = members.get(m.key)?.node;
        if (replace?.kind === 'boolean' && replace.value) node = withoutDelete(node);
        else if (prior?.kind === 'object') node = this.merge(withoutDelete(node), prior, path);
        else {
          if (prior !== undefined) this.notes.push(`${path}:${m.keyRange.line}:${m.keyRange.column}: '${m.key}' is a dict here and not a dict in the base, which MMEngine refuses (set _delete_=True to replace it); this file's value is kept`);
          node = withoutDelete(node);
        }
      }
      members.set(m.key, { key: m.key, keyRange: m.keyRange, node });
      opaque.delete(m.key);
    }
    for (const k of opaqueOf(own)) {
      members.delete(k);
      opaque.add(k);
    }
    const list = [...members.values()];
    const { index, value } = indexMembers(list);
    return { kind: 'object', members: list, index, value, opaqueKeys: opaque, range: own.range, start: own.start, end: own.end };
  }
}

function opaqueOf(obj: ObjectNode): ReadonlySet<string> {
  return (obj as Partial<PartialObjectNode>).opaqueKeys ?? new Set();
}

function withoutDelete(obj: ObjectNode): ObjectNode {
  if (!obj.index.has(DELETE_KEY)) return obj;
  const members = obj.members.filter((m) => m.key !== DELETE_KEY);
  const { index, value } = indexMembers(members);
  return { ...obj, members, index, value };
}

/**
 * Composes the MMEngine config at `primary` with its bases. `textOf` gives a scanned file's text; `isScanned` says
 * whether a path is among the scanned files. Never throws: a primary that cannot be read at all is an error.
 */
export function composeMmengine(primary: string, textOf: (path: string) => string | undefined, isScanned: (path: string) => boolean): CompositionResult {
  const c = new Composition(textOf, isScanned);
  let root: PartialObjectNode | null;
  try {
    root = c.load(primary, [], null);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { kind: 'error', error: e };
  }
  if (root === null) return { kind: 'error', error: new InputError(c.notes[0] ?? 'the config could not be read', primary, 1, 1) };
  const tree: ParsedNode = root;
  const parsed: ParsedFile = { syntax: 'text', root: tree, error: null, lenient: false, bom: false, warnings: [] };
  const file: ScanFile = { path: primary, text: c.texts.join('\n') };
  const origins = c.origins;
  const config: ComposedConfig = { file, parsed, composedFrom: [...c.composedFrom], packages: new Map(), notes: [...c.notes], originOf: (r) => origins.get(r) };
  return { kind: 'composed', config };
}
