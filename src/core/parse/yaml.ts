/**
 * YAML to the same position-carrying tree as the JSON parser, over the `yaml` package (v2).
 *
 * Safety checks before and during the conversion:
 * - a size cap (characters) and a nesting pre-check (`findExcessiveYamlNesting`): the `yaml`
 *   composer is recursive, so deep input would overflow the stack or exhaust memory;
 * - aliases: the tree shares the anchored node instead of copying it, the number of aliases is
 *   capped, and so is the number of nodes the aliases expand to (the "billion laughs" attack);
 *   merged members (`<<`) count toward that expansion cap;
 * - linear work: anchors are recorded in document order during the one walk that builds the tree,
 *   so an alias is a map lookup (the `yaml` package's `Alias.resolve` walks the whole document for
 *   each alias, which made 1,000 aliases over a 256 KiB file take seconds);
 * - only the first document of a multi-document stream is read (a warning says so).
 * Schema: YAML 1.2 core (what `yaml` uses by default) with `<<` merge keys, which PyYAML supports
 * and ML configs use, and decimal integers with `_` separators (`sequence_len: 500_000`), which PyYAML's
 * YAML 1.1 resolver — the loader under PyYAML, OmegaConf and Hydra — reads as integers (see PYYAML_INT). Duplicate keys are a warning and the last value wins, as in PyYAML.
 * Errors are InputError with the line and column of the problem.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  type ParsedNode as YamlNode,
  type Pair,
} from 'yaml';
import { InputError } from '../types';
import type { SourceRange } from '../scan/types';
import { indexMembers, type MemberNode, type ObjectNode, type ParseResult, type ParseWarning, type ParsedNode, type PlainValue } from './node';
import { LineIndex } from './positions';
import { assertNotBinary, stripBom } from './text';
import { findExcessiveYamlNesting } from './yaml-depth';

/**
 * PyYAML's implicit int resolver for decimal integers (`[-+]?[1-9][0-9_]*`, underscores dropped), in
 * lib/yaml/resolver.py of yaml/pyyaml at commit 01302154758c0eace8a602ab6cb0a48383cf5c74 (Resolver.add_implicit_resolver
 * 'tag:yaml.org,2002:int'); YAML 1.2 core reads such a scalar as a string. Only the underscore form is added here:
 * every other integer already resolves the same way in both.
 */
const PYYAML_INT = {
  identify: (value: unknown) => Number.isInteger(value),
  default: true,
  tag: 'tag:yaml.org,2002:int',
  format: 'PYYAML-UNDERSCORE',
  test: /^[-+]?[1-9][0-9]*_[0-9_]*$/,
  resolve: (str: string) => Number(str.replace(/_/g, '')),
};

export const DEFAULT_YAML_MAX_DEPTH = 128;
export const DEFAULT_YAML_MAX_CHARS = 2 * 1024 * 1024;
export const DEFAULT_YAML_MAX_ALIASES = 1000;
/** Nodes that aliases may add to the document when expanded. */
export const DEFAULT_YAML_MAX_ALIAS_EXPANSION = 100_000;

export interface YamlParseOptions {
  readonly maxDepth?: number;
  readonly maxChars?: number;
  readonly maxAliases?: number;
  readonly maxAliasExpansion?: number;
  /** Receives the parser's counted steps (stack iterations, merged members); for tests. */
  readonly counter?: { steps: number };
}

/** Parses the first YAML document of `text`; `file` is used in error messages. */
export function parseYaml(text: string, file: string, options: YamlParseOptions = {}): ParseResult {
  const stripped = stripBom(text);
  const source = stripped.text;
  const maxChars = options.maxChars ?? DEFAULT_YAML_MAX_CHARS;
  if (source.length > maxChars) {
    throw new InputError(`YAML file too large: ${source.length} characters (the limit is ${maxChars})`, file);
  }
  assertNotBinary(source, file);
  const lines = new LineIndex(source);
  const fail = (message: string, offset: number): InputError => {
    const at = lines.position(offset);
    return new InputError(message, file, at.line, at.column);
  };
  if (source.trim() === '') throw fail('empty file', 0);

  const maxDepth = options.maxDepth ?? DEFAULT_YAML_MAX_DEPTH;
  const deep = findExcessiveYamlNesting(source, maxDepth);
  if (deep >= 0) throw fail(`nesting deeper than ${maxDepth} levels`, deep);

  const docs = parseAllDocuments(source, {
    version: '1.2',
    schema: 'core',
    merge: true,
    customTags: [PYYAML_INT],
    uniqueKeys: false,
    prettyErrors: false,
    logLevel: 'silent',
  });
  if (!Array.isArray(docs) || docs.length === 0) throw fail('empty file (no YAML content)', 0);
  const doc = docs[0];
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw fail(firstLine(e.message), e.pos[0]);
  }
  const warnings: ParseWarning[] = doc.warnings.map((w) => {
    const at = lines.position(w.pos[0]);
    return { message: firstLine(w.message), line: at.line, column: at.column };
  });
  if (docs.length > 1) {
    const second = docs[1].range[0];
    const at = lines.position(second);
    warnings.push({ message: `the file holds ${docs.length} YAML documents; only the first one is read`, line: at.line, column: at.column });
  }
  const contents = doc.contents as YamlNode | null;
  if (contents === null) throw fail('empty file (no YAML content)', 0);

  const builder = new TreeBuilder(source, lines, fail, warnings, {
    maxAliases: options.maxAliases ?? DEFAULT_YAML_MAX_ALIASES,
    maxAliasExpansion: options.maxAliasExpansion ?? DEFAULT_YAML_MAX_ALIAS_EXPANSION,
  }, options.counter ?? { steps: 0 });
  return { root: builder.build(contents), warnings, bom: stripped.bom };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}

interface Work {
  readonly node: YamlNode;
  expanded: boolean;
}

/** Converts the `yaml` AST to ParsedNode without recursion (children first, in document order). */
class TreeBuilder {
  private readonly built = new Map<YamlNode, ParsedNode>();
  /** Node count of each built node with aliases expanded. */
  private readonly expandedSize = new Map<ParsedNode, number>();
  /** The last node seen with each anchor, in document order (the walk is pre-order). */
  private readonly anchors = new Map<string, YamlNode>();
  private aliases = 0;
  private realNodes = 0;
  /** Members copied or skipped by `<<` merges; counts toward the alias expansion cap. */
  private mergeWork = 0;

  constructor(
    private readonly source: string,
    private readonly lines: LineIndex,
    private readonly fail: (message: string, offset: number) => InputError,
    private readonly warnings: ParseWarning[],
    private readonly limits: { maxAliases: number; maxAliasExpansion: number },
    private readonly counter: { steps: number },
  ) {}

  build(root: YamlNode): ParsedNode {
    const stack: Work[] = [{ node: root, expanded: false }];
    const open = new Set<YamlNode>();
    while (stack.length > 0) {
      this.counter.steps++;
      const work = stack[stack.length - 1];
      const node = work.node;
      if (this.built.has(node)) {
        stack.pop();
        continue;
      }
      if (isAlias(node)) {
        stack.pop();
        this.aliases++;
        if (this.aliases > this.limits.maxAliases) {
          throw this.fail(`more than ${this.limits.maxAliases} aliases (YAML alias bomb?)`, startOf(node));
        }
        const target = this.anchors.get(node.source);
        if (target === undefined) throw this.fail(`unknown alias *${node.source}`, startOf(node));
        const done = this.built.get(target);
        if (done === undefined) {
          throw this.fail(
            open.has(target) ? `alias *${node.source} refers to a collection that contains it` : `alias *${node.source} cannot be resolved`,
            startOf(node),
          );
        }
        this.built.set(node, done);
        continue;
      }
      if (isScalar(node)) {
        stack.pop();
        this.recordAnchor(node);
        this.finish(node, this.scalar(node), 1);
        continue;
      }
      if (!isMap(node) && !isSeq(node)) {
        throw this.fail('unsupported YAML node', startOf(node));
      }
      if (!work.expanded) {
        work.expanded = true;
        this.recordAnchor(node);
        open.add(node);
        const children: YamlNode[] = [];
        if (isMap(node)) {
          for (const pair of node.items as Pair<YamlNode | null, YamlNode | null>[]) {
            if (pair.key !== null && !isScalar(pair.key)) {
              if (isAlias(pair.key)) children.push(pair.key);
              else throw this.fail('complex mapping keys (collections as keys) are not supported', startOf(pair.key));
            }
            if (pair.value !== null) children.push(pair.value);
          }
        } else {
          for (const item of node.items as (YamlNode | null)[]) if (item !== null) children.push(item);
        }
        for (let k = children.length - 1; k >= 0; k--) stack.push({ node: children[k], expanded: false });
        continue;
      }
      stack.pop();
      open.delete(node);
      if (isMap(node)) this.map(node.items as Pair<YamlNode | null, YamlNode | null>[], node);
      else this.seq(node.items as (YamlNode | null)[], node);
    }
    const result = this.built.get(root) as ParsedNode;
    const total = this.expandedSize.get(result) ?? 0;
    if (total - this.realNodes > this.limits.maxAliasExpansion) {
      throw this.fail(`aliases expand to more than ${this.limits.maxAliasExpansion} extra nodes (YAML alias bomb?)`, 0);
    }
    return result;
  }

  private recordAnchor(node: YamlNode): void {
    if (node.anchor) this.anchors.set(node.anchor, node);
  }

  private finish(yamlNode: YamlNode, node: ParsedNode, size: number): void {
    this.realNodes++;
    this.built.set(yamlNode, node);
    this.expandedSize.set(node, size);
    if (size - this.realNodes > this.limits.maxAliasExpansion) {
      throw this.fail(`aliases expand to more than ${this.limits.maxAliasExpansion} extra nodes (YAML alias bomb?)`, startOf(yamlNode));
    }
  }

  private scalar(node: YamlNode & { value: unknown; source?: string }): ParsedNode {
    const start = startOf(node);
    const end = valueEndOf(node);
    const range = this.lines.range(start, end);
    const v = node.value;
    if (v === null || v === undefined) return { kind: 'null', value: null, start, end, range };
    if (typeof v === 'boolean') return { kind: 'boolean', value: v, start, end, range };
    if (typeof v === 'number') {
      // `500_000` (PYYAML_INT): the raw text without separators, as the integer Python reads.
      const raw = node.source !== undefined && PYYAML_INT.test.test(node.source) ? node.source.replace(/_/g, '') : node.source ?? String(v);
      return { kind: 'number', value: v, raw, start, end, range };
    }
    return { kind: 'string', value: String(v), start, end, range };
  }

  private nullAt(offset: number): ParsedNode {
    return { kind: 'null', value: null, start: offset, end: offset, range: this.lines.range(offset, offset) };
  }

  private child(node: YamlNode | null, fallbackOffset: number): ParsedNode {
    if (node === null) return this.nullAt(fallbackOffset);
    return this.built.get(node) as ParsedNode;
  }

  /** Block collections end after their last line break; ranges end at the last content character. */
  private trimmedEnd(start: number, end: number): number {
    let e = end;
    while (e > start && /\s/.test(this.source[e - 1])) e--;
    return e;
  }

  private sizeOf(node: ParsedNode): number {
    return this.expandedSize.get(node) ?? 1;
  }

  private seq(items: readonly (YamlNode | null)[], node: YamlNode): void {
    const start = startOf(node);
    const parsed: ParsedNode[] = [];
    const value: PlainValue[] = [];
    let size = 1;
    for (const item of items) {
      const child = this.child(item, start);
      parsed.push(child);
      value.push(child.value);
      size += this.sizeOf(child);
    }
    const end = this.trimmedEnd(start, valueEndOf(node));
    this.finish(node, { kind: 'array', items: parsed, value, start, end, range: this.lines.range(start, end) }, size);
  }

  private map(pairs: readonly Pair<YamlNode | null, YamlNode | null>[], node: YamlNode): void {
    const start = startOf(node);
    const explicit = new Set<string>();
    for (const pair of pairs) if (!isMergeKey(pair.key)) explicit.add(this.keyText(pair.key));

    const members: MemberNode[] = [];
    const seen = new Set<string>();
    const merged = new Set<string>();
    let size = 1;
    for (const pair of pairs) {
      const keyOffset = pair.key === null ? start : startOf(pair.key);
      const valueNode = this.child(pair.value, pair.key === null ? start : valueEndOf(pair.key));
      if (isMergeKey(pair.key)) {
        for (const source of this.mergeSources(valueNode, keyOffset)) {
          for (const m of source.members) {
            this.counter.steps++;
            if (++this.mergeWork > this.limits.maxAliasExpansion) {
              throw this.fail(`aliases expand to more than ${this.limits.maxAliasExpansion} extra nodes (YAML alias bomb?)`, keyOffset);
            }
            if (source.index.get(m.key) !== m || explicit.has(m.key) || merged.has(m.key)) continue;
            merged.add(m.key);
            members.push(m);
            size += this.sizeOf(m.node);
          }
        }
        continue;
      }
      const key = this.keyText(pair.key);
      const keyRange: SourceRange =
        pair.key === null ? this.lines.range(start, start) : this.lines.range(startOf(pair.key), valueEndOf(pair.key));
      if (seen.has(key)) {
        this.warnings.push({ message: `duplicate key '${key}' (the last value is used)`, line: keyRange.line, column: keyRange.column });
      }
      seen.add(key);
      members.push({ key, keyRange, node: valueNode });
      size += this.sizeOf(valueNode);
    }
    const { index, value } = indexMembers(members);
    const end = this.trimmedEnd(start, valueEndOf(node));
    const obj: ObjectNode = { kind: 'object', members, index, value, start, end, range: this.lines.range(start, end) };
    this.finish(node, obj, size);
  }

  /** The mappings a `<<` merge key pulls in: one mapping or a list of mappings. */
  private mergeSources(value: ParsedNode, offset: number): ObjectNode[] {
    if (value.kind === 'object') return [value];
    if (value.kind === 'array' && value.items.every((item) => item.kind === 'object')) return value.items as ObjectNode[];
    throw this.fail("merge key '<<' needs a mapping or a list of mappings", offset);
  }

  private keyText(key: YamlNode | null): string {
    if (key === null) return 'null';
    const resolved = isAlias(key) ? this.built.get(key) : undefined;
    if (resolved !== undefined) {
      if (resolved.kind === 'object' || resolved.kind === 'array') {
        throw this.fail('complex mapping keys (collections as keys) are not supported', startOf(key));
      }
      return String(resolved.value);
    }
    return String((key as { value?: unknown }).value ?? 'null');
  }
}

/** `<<` with the merge option on: the `yaml` package gives the key a symbol value. */
function isMergeKey(key: YamlNode | null): boolean {
  return key !== null && isScalar(key) && typeof key.value === 'symbol';
}

function startOf(node: { range?: readonly number[] | null }): number {
  return node.range?.[0] ?? 0;
}
function valueEndOf(node: { range?: readonly number[] | null }): number {
  return node.range?.[1] ?? startOf(node);
}
