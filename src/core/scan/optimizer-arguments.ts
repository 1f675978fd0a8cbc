/**
 * The one reader of an optimizer's keyword arguments as a config or a call writes them (a Lightning or Hydra component's
 * arguments, a torchtune `optimizer:` section, NeMo's `model.optim`, DeepSpeed's `optimizer.params`, a Python optimizer
 * call): the learning rate and the weight decay go to their settings (numbers, at least 0), every other number, boolean
 * or list of numbers is kept as one of the optimizer's hyperparameters (`optimizerParams.<key>`) with its source. What
 * the formats do differently is each a rule of `OptimizerArgumentRules`.
 */
import type { HyperValue } from '../types';
import type { ContributionBuilder } from './contribution';
import type { FieldReader, Read } from './fields';

export interface OptimizerArgumentRules {
  /** Keys that are not hyperparameters of the optimizer (the component's own keys; DeepSpeed's "auto" values). */
  readonly skip: (key: string) => boolean;
  /** The learning rate's spellings (`lr`; a Python call and a Lightning component also take `learning_rate`). */
  readonly lrKeys: readonly string[];
  /** Reads a learning rate written as something else than a number (a Python schedule object); true when it did. */
  readonly otherLr?: (key: string) => boolean;
  /**
   * A list is kept only when it holds numbers only, and passed over otherwise (a Python call's lists may hold
   * expressions); without it, a list that holds anything else is an error of the file.
   */
  readonly numberListsOnly?: boolean;
  /** Strings are kept as hyperparameters too (DeepSpeed's optimizer params). */
  readonly strings?: boolean;
}

/**
 * Reads the arguments in `reader` (in source order) into `out`: the learning rate and weight decay as settings, the
 * rest returned as the optimizer's hyperparameters, whose sources are recorded as `optimizerParams.<key>`. The caller
 * keeps them (`keepOptimizerParams`) once it has checked them.
 */
export function readOptimizerArguments(reader: FieldReader, out: ContributionBuilder, rules: OptimizerArgumentRules): Record<string, HyperValue> {
  const params: Record<string, HyperValue> = {};
  for (const key of reader.keys()) {
    if (rules.skip(key)) continue;
    if (rules.lrKeys.includes(key)) {
      if (rules.otherLr?.(key) === true) continue;
      const lr = reader.number(key, { min: 0 });
      if (lr?.value != null) out.set('learningRate', lr.value, lr.range);
      continue;
    }
    if (key === 'weight_decay') {
      const wd = reader.number(key, { min: 0 });
      if (wd?.value != null) out.set('weightDecay', wd.value, wd.range);
      continue;
    }
    const node = reader.node(key);
    const read: Read<HyperValue | null> | undefined =
      node?.kind === 'number' ? reader.number(key)
      : node?.kind === 'boolean' ? reader.boolean(key)
      : node?.kind === 'array' && (!rules.numberListsOnly || node.items.every((i) => i.kind === 'number')) ? reader.numberList(key)
      : node?.kind === 'string' && rules.strings === true ? reader.string(key)
      : undefined;
    if (read?.value != null) {
      params[key] = read.value;
      out.sources[`optimizerParams.${key}`] = out.source(read.range);
    }
  }
  return params;
}

/** The optimizer's hyperparameters as the job's `optimizerParams`, when there are any. */
export function keepOptimizerParams(out: ContributionBuilder, params: Record<string, HyperValue>): void {
  if (Object.keys(params).length > 0) out.settings.optimizerParams = params;
}
