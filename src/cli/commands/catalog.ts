import { listPresets } from '../../core/models';
import { OPTIMIZERS } from '../../core/optimizers';
import { JSON_FLAG, flag, printJson, type Command } from '../command';
import { EXIT, table } from '../io';
import { significant } from '../format';

/** The first `max` distinct spellings (case-insensitive), with an ellipsis when there are more. */
function uniqueNames(names: readonly string[], max: number): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of names) {
    if (seen.has(n.toLowerCase())) continue;
    seen.add(n.toLowerCase());
    out.push(n);
  }
  return out.slice(0, max).join(', ') + (out.length > max ? ', …' : '');
}

export const optimizersCommand: Command = {
  name: 'optimizers',
  summary: 'list the optimizer catalog: ids, reference implementations, lr ranges and accepted spellings',
  usage: 'optimizers [--json]',
  flags: [JSON_FLAG],
  async run(args, io) {
    if (flag<boolean>(args, 'json')) {
      printJson(io, {
        optimizers: OPTIMIZERS.map((o) => ({
          id: o.id,
          name: o.name,
          summary: o.summary,
          reference: o.reference,
          defaults: o.defaults,
          lrRange: o.lrRange,
          caveats: o.caveats,
          spellings: o.spellings,
        })),
      });
      return EXIT.ok;
    }
    const rows = [['id', 'name', 'lr range', 'spellings']];
    for (const o of OPTIMIZERS) {
      rows.push([o.id, o.name, `${significant(o.lrRange.low)}–${significant(o.lrRange.high)}`, uniqueNames(o.spellings.map((s) => s.name), 6)]);
    }
    io.out(`${table(rows)}\n`);
    return EXIT.ok;
  },
};

export const modelsCommand: Command = {
  name: 'models',
  summary: 'list the bundled model presets (hub ids and CNN names usable offline)',
  usage: 'models [--json]',
  flags: [JSON_FLAG],
  async run(args, io) {
    const presets = listPresets();
    if (flag<boolean>(args, 'json')) {
      printJson(io, { presets: presets.map((p) => ({ hubId: p.hubId, aliases: p.aliases ?? [], source: p.source })) });
      return EXIT.ok;
    }
    const rows = [['hub id', 'aliases', 'model_type']];
    for (const p of presets) rows.push([p.hubId, (p.aliases ?? []).join(', '), String(p.config['model_type'] ?? '')]);
    io.out(`${table(rows)}\n`);
    return EXIT.ok;
  },
};
