import * as fs from 'node:fs';
import { modelRefText } from '../../core/model-source';
import * as path from 'node:path';
import { scanFiles } from '../../core/scan';
import { recognisedFormatList } from '../../core/scan/formats';
import type { ScanReport } from '../../core/scan/results';
import { InputError } from '../../core/types';
import { parseFileSizeCap } from '../../core/units';
import { JSON_FLAG, flag, printJson, type Command } from '../command';
import type { ScanJson } from '../json/scan';
import { EXIT, printHuman, table } from '../io';
import { walkWorkspace } from '../walk';
import { readAccelerateDefaultConfig } from '../../platform/hf-cache';
import { accelerateDefaultConfigFile, type Env } from '../../platform/hf-env';

export const DEFAULT_MAX_FILE = '2MiB';

/** What the scanner reads, from the one list of formats (core/scan/formats.ts): `scan`'s and `recommend`'s "nothing found". */
export const READS = `Python training scripts, notebooks and launch scripts, and the configs and launch commands of ${recognisedFormatList('en')}`;

export interface WorkspaceScan extends ScanReport {
  readonly root: string;
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

/**
 * Scans a folder (or the folder of a file) from disk; a launch that reads accelerate's default config
 * gets this machine's (`env`'s HF_HOME), read under the rules of platform/hf-cache.ts.
 */
export async function scanFolder(target: string, cwd: string, maxFileBytes: number, env: Env = process.env): Promise<WorkspaceScan> {
  const abs = path.resolve(cwd, target);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new InputError('no such file or folder', target);
  }
  const root = stat.isDirectory() ? abs : path.dirname(abs);
  const walked = await walkWorkspace(root, { maxFileBytes });
  const result = scanFiles(walked.files, { machineFiles: { accelerateDefaultConfig: () => readAccelerateDefaultConfig(accelerateDefaultConfigFile(env)) } });
  return { root, skipped: walked.skipped, ...result };
}

export const scanCommand: Command = {
  name: 'scan',
  summary: 'find model configs and training configs in a folder and join them into jobs',
  usage: 'scan <folder> [--max-file-size SIZE] [--json]',
  details:
    'JSON: {"findings": [{"path", "kind", "fields": [{"name", "value", "range"}], "error"?}], "jobs": [...], "skipped": [...]}\n' +
    'Paths are relative to the folder with / separators; lines and columns are 1-based. A bad file never fails the scan:\n' +
    'its finding carries an "error".',
  flags: [
    { name: 'max-file-size', type: 'string', help: 'skip files larger than this', defaultText: DEFAULT_MAX_FILE },
    JSON_FLAG,
  ],
  async run(args, io) {
    const [target, ...extra] = args.positionals;
    if (target === undefined || extra.length > 0) throw new InputError('scan takes exactly one folder');
    const maxFileBytes = parseFileSizeCap(flag<string>(args, 'max-file-size') ?? DEFAULT_MAX_FILE, '--max-file-size');
    const scan = await scanFolder(target, io.cwd, maxFileBytes, io.env ?? process.env);
    if (flag<boolean>(args, 'json')) {
      const doc: ScanJson = { findings: scan.findings, jobs: scan.jobs, skipped: scan.skipped };
      printJson(io, doc);
      return EXIT.ok;
    }
    const rows = [['file', 'kind', 'recognised']];
    for (const f of scan.findings) {
      rows.push([
        f.path,
        f.kind,
        f.error ? `error ${f.error.line}:${f.error.column}: ${f.error.message}` : f.fields.map((x) => x.name).join(', '),
      ]);
    }
    const jobRows = [['job', 'model', 'optimizer', 'files']];
    for (const j of scan.jobs) {
      const model = j.model === null ? '—' : modelRefText(j.model);
      jobRows.push([j.id, model, j.settings.optimizer ?? '—', String(j.files.length)]);
    }
    printHuman(
      io,
      [
        `${scan.findings.length} recognised file(s), ${scan.jobs.length} job(s) in ${path.relative(io.cwd, scan.root) || '.'}`,
        '',
        scan.findings.length ? table(rows) : `(no model or training configs found; this tool reads ${READS})`,
        '',
        scan.jobs.length ? table(jobRows) : '',
        ...(scan.skipped.length ? ['', `skipped ${scan.skipped.length} file(s): ${scan.skipped.slice(0, 5).map((s) => `${s.path} (${s.reason})`).join('; ')}${scan.skipped.length > 5 ? '; …' : ''}`] : []),
      ].join('\n') + '\n',
    );
    return EXIT.ok;
  },
};
