/**
 * OmegaConf's node interpolation, read statically: the one resolver of `${...}` in the YAML files OmegaConf loads —
 * a composed Hydra config (./hydra-compose.ts) and an llm-foundry train YAML (./detectors/llm-foundry-config.ts,
 * whose `variables:` block is an ordinary top-level key that the values refer to).
 *
 * OmegaConf ("Variable interpolation", https://omegaconf.readthedocs.io/en/2.3_branch/usage.html#variable-interpolation):
 * `${a.b}` is the node at the absolute key path `a.b` of the config — a scalar or a whole mapping — itself resolved,
 * so chains are followed; a path that names no key fails (InterpolationKeyError), and so does a chain that comes back
 * to a key it started from. Read here:
 * - a string that is exactly `${a.b.c}` (an absolute path of mapping keys) takes the node it names, with that node's
 *   range, so a setting read through it has the place where its value is written;
 * - any other `${...}` — a resolver (`${oc.env:X}`), a relative key (`${.x}`), text around the interpolation, a list
 *   index — is not resolved statically;
 * - a value that cannot be resolved is left out of the tree with a note naming its file, line and column and why
 *   (not resolved statically, no such key, a cycle, a chain deeper than MAX_INTERPOLATION_DEPTH): never a rejection,
 *   since a launch's overrides may set what the file leaves open;
 * - items of lists are not followed.
 */
import { indexMembers, type MemberNode, type ObjectNode, type ParsedNode } from '../parse/node';
import type { SourceRange } from './types';

/** Longest chain of interpolations followed. */
export const MAX_INTERPOLATION_DEPTH = 8;

/** `${a.b.c}` alone: keys of mappings, absolute. */
const WHOLE = /^\$\{([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\}$/;

export interface InterpolationContext {
  /** The file a range of the tree is written in (a composed tree's values come from several files). */
  readonly fileOf: (range: SourceRange) => string;
  /** Where the notes on values left out go. */
  readonly notes: string[];
}

/** A chain that reached the cap: left out by the value it started from, with one note there. */
const TOO_DEEP = Symbol('too deep');
type Resolved = ParsedNode | null | typeof TOO_DEEP;

/** The tree with every interpolation replaced by the node it names; the values that cannot be resolved left out. */
export function resolveInterpolations(root: ObjectNode, context: InterpolationContext): ObjectNode {
  /** Each path's result (a chain cut by the cap is not kept: from nearer its end it may resolve). */
  const memo = new Map<string, ParsedNode | null>();
  /** Paths being resolved, outermost first. */
  const active: string[] = [];
  /** Paths on a cycle, with the cycle as text. */
  const cycles = new Map<string, string>();
  /** Interpolations being followed now. */
  let hops = 0;

  const nodeAt = (dotted: string): ParsedNode | undefined => {
    let node: ParsedNode | undefined = root;
    for (const key of dotted.split('.')) node = node?.kind === 'object' ? node.index.get(key)?.node : undefined;
    return node;
  };

  const resolvePath = (path: string, node: ParsedNode): Resolved => {
    if (memo.has(path)) return memo.get(path) as ParsedNode | null;
    active.push(path);
    const out = resolveNode(path, node);
    active.pop();
    if (out !== TOO_DEEP) memo.set(path, out);
    return out;
  };

  const resolveNode = (path: string, node: ParsedNode): Resolved => {
    if (node.kind === 'object') {
      const members: MemberNode[] = [];
      for (const m of node.members) {
        const child = path === '' ? m.key : `${path}.${m.key}`;
        // A duplicated key's shadowed members are resolved too, outside the memo (the path is the winner's).
        const resolved = node.index.get(m.key) === m ? resolvePath(child, m.node) : resolveNode(child, m.node);
        if (resolved === TOO_DEEP) return TOO_DEEP;
        if (resolved !== null) members.push(resolved === m.node ? m : { ...m, node: resolved });
      }
      if (members.length === node.members.length && members.every((m, i) => m === node.members[i])) return node;
      const { index, value } = indexMembers(members);
      return { ...node, members, index, value };
    }
    if (node.kind !== 'string' || !node.value.includes('${')) return node;
    const place = `${context.fileOf(node.range)}:${node.range.line}:${node.range.column}: '${path}' is '${node.value}'`;
    const leftOut = (why: string): null => {
      context.notes.push(`${place}, ${why}; it is not read`);
      return null;
    };
    const ref = WHOLE.exec(node.value.trim());
    if (ref === null) return leftOut('an interpolation not resolved statically');
    const target = ref[1];
    const at = active.indexOf(target);
    if (at >= 0) {
      const cycle = [...active.slice(at), target].join(' → ');
      for (const p of active.slice(at)) cycles.set(p, cycle);
      return leftOut(`an interpolation cycle (${cycle}), which OmegaConf rejects`);
    }
    if (hops >= MAX_INTERPOLATION_DEPTH) return TOO_DEEP;
    const targetNode = nodeAt(target);
    if (targetNode === undefined) return leftOut(`but the config has no key '${target}' (OmegaConf fails on it unless an override sets it)`);
    hops++;
    const resolved = resolvePath(target, targetNode);
    hops--;
    if (resolved === TOO_DEEP) return hops === 0 ? leftOut(`a chain of more than ${MAX_INTERPOLATION_DEPTH} interpolations`) : TOO_DEEP;
    if (resolved !== null) return resolved;
    const cycle = cycles.get(path);
    return leftOut(cycle !== undefined ? `an interpolation cycle (${cycle}), which OmegaConf rejects` : `and '${target}' is not read`);
  };

  return resolvePath('', root) as ObjectNode;
}
