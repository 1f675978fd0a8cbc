import { countParams } from '../../core/models';
import type { ModelInventory } from '../../core/models/types';
import { InputError, numel } from '../../core/types';
import { formatCount } from '../../core/units';
import { JSON_FLAG, flag, printJson, type Command } from '../command';
import type { ParamsJson } from '../json/params';
import { EXIT, printHuman, table } from '../io';
import { loadModel } from '../model-source';
import { consentOf, HUB_FLAGS } from '../model-lookup';

/** The `params --json` document (declared in src/cli/json/params.ts). */
export function paramsDocument(inv: ModelInventory, source: string): ParamsJson {
  const { total, trainable } = countParams(inv);
  return {
    model: { source, family: inv.family, architecture: inv.architecture },
    total,
    trainable,
    warnings: [...inv.warnings],
    tensors: inv.tensors.map((t) => ({
      name: t.name,
      shape: [...t.shape],
      numel: numel(t.shape),
      role: t.role,
      module: t.module,
      trainable: t.trainable,
      ...(t.tiedTo !== undefined ? { tiedTo: t.tiedTo } : {}),
    })),
  };
}

/** Folds `layers.0.x`, `layers.1.x`, ... into one row `layers.*.x ×N` for the human table. */
export function groupTensorRows(inv: ModelInventory): string[][] {
  const groups = new Map<string, { shape: string; role: string; count: number; elements: number; tied: boolean }>();
  for (const t of inv.tensors) {
    const key = t.name.replace(/\.\d+\./g, '.*.');
    const shape = `[${t.shape.join(', ')}]`;
    const id = `${key}|${shape}`;
    const g = groups.get(id) ?? { shape, role: t.role, count: 0, elements: 0, tied: t.tiedTo !== undefined };
    g.count++;
    g.elements += t.tiedTo !== undefined ? 0 : numel(t.shape);
    groups.set(id, g);
  }
  const rows = [['tensor', 'shape', 'role', 'count', 'params']];
  for (const [id, g] of groups) {
    rows.push([id.split('|')[0]!, g.shape, g.role, `×${g.count}`, g.tied ? 'tied' : g.elements.toLocaleString('en-US')]);
  }
  return rows;
}

export const paramsCommand: Command = {
  name: 'params',
  summary: 'count a model\'s parameters tensor by tensor (tied weights counted once)',
  usage: 'params <config.json|folder|hub-id|cnn-name> [--json]',
  details: 'JSON: {"model", "total", "trainable", "warnings", "tensors": [{"name", "shape", "numel", "role", "module", "trainable", "tiedTo"?}]}',
  flags: [...HUB_FLAGS, JSON_FLAG],
  async run(args, io) {
    const [ref, ...extra] = args.positionals;
    if (ref === undefined || extra.length > 0) throw new InputError('params takes exactly one model (a config.json, a folder or a hub id)');
    const { inventory, source, assumptions = [] } = await loadModel(ref, io, consentOf(args));
    const doc = paramsDocument(inventory, source);
    if (flag<boolean>(args, 'json')) {
      printJson(io, doc);
      return EXIT.ok;
    }
    const lines = [
      `${inventory.architecture} (${inventory.family}) from ${source}`,
      `total ${doc.total.toLocaleString('en-US')} parameters (${formatCount(doc.total)}), trainable ${doc.trainable.toLocaleString('en-US')}`,
      ...(doc.warnings ?? []).map((w) => `warning: ${w}`),
      ...assumptions.map((a) => `assumed: ${a}`),
      '',
      table(groupTensorRows(inventory), [false, false, false, true, true]),
    ];
    printHuman(io, `${lines.join('\n')}\n`);
    return EXIT.ok;
  },
};
