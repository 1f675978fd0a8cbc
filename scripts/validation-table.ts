/**
 * Regenerates docs/validation.md: the estimator and its peers (scripts/peer-estimators.ts) against
 * published memory figures. Usage: npm run validation-table [-- --out <file>] (default:
 * docs/validation.md under the current directory, which npm sets to the repository root). Also
 * prints the summary. The pass/fail target is enforced by test/unit/memory-validation.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { caseInput, runValidation, VALIDATION_CASES } from '../src/core/memory/validation';
import type { ValidationCase, ValidationResult } from '../src/core/memory/validation';
import { VALIDATION_SOURCES } from '../src/core/memory/validation-cases';
import { PEERS, peerEstimate } from './peer-estimators';
import type { PeerEstimate, PeerId } from './peer-estimators';

const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(2)}`;
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
const errorOf = (estimated: number, published: number): number => ((estimated - published) / published) * 100;

const MEASURED: Record<ValidationCase['metric'], string> = {
  allocated: 'allocated (max_memory_allocated)',
  reserved: 'reserved (max_memory_reserved)',
  peak: 'nvidia-smi (reserved + CUDA context)',
  'model-states': 'model states',
};

interface Row {
  readonly c: ValidationCase;
  readonly r: ValidationResult;
  readonly peers: Readonly<Record<PeerId, PeerEstimate & { readonly errorPct: number }>>;
}

function rows(): Row[] {
  const results = runValidation();
  return VALIDATION_CASES.map((c, i) => {
    const r = results[i] as ValidationResult;
    const input = caseInput(c);
    const peers = {} as Record<PeerId, PeerEstimate & { errorPct: number }>;
    for (const p of PEERS) {
      const e = peerEstimate(p.id, input, c.metric === 'model-states');
      peers[p.id] = { ...e, errorPct: errorOf(e.bytes, c.published) };
    }
    return { c, r, peers };
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

interface Summary { readonly name: string; readonly median: number; readonly max: number; readonly within: number; readonly n: number }

function summaries(all: readonly Row[]): Summary[] {
  const of = (name: string, errs: readonly number[]): Summary => {
    const abs = errs.map(Math.abs);
    return { name, median: median(abs), max: Math.max(...abs), within: abs.filter((x) => x <= 10).length, n: abs.length };
  };
  return [
    of('Optimizer Advisor (this estimator)', all.map((x) => x.r.errorPct)),
    ...PEERS.map((p) => of(p.name, all.map((x) => x.peers[p.id].errorPct))),
  ];
}

function summaryTable(s: readonly Summary[]): string {
  return [
    '| Estimator | Median abs. error | Max abs. error | Within ±10% |',
    '| --- | ---: | ---: | ---: |',
    ...s.map((x) => `| ${x.name} | ${x.median.toFixed(1)}% | ${x.max.toFixed(1)}% | ${x.within} / ${x.n} (${((100 * x.within) / x.n).toFixed(0)}%) |`),
  ].join('\n');
}

function caseTable(all: readonly Row[]): string {
  const head = `| Case | Measured | Published (GB) | Ours (GB) | Ours | ${PEERS.map((p) => p.name).join(' | ')} | Within ±10% |`;
  const lines = all.map(({ c, r, peers }) => {
    const peerCells = PEERS.map((p) => `${gb(peers[p.id].bytes)} (${pct(peers[p.id].errorPct)})`).join(' | ');
    return `| [${c.id}](#${c.id}) | ${MEASURED[c.metric]} | ${gb(c.published)} | ${gb(r.estimated)} | ${pct(r.errorPct)} | ${peerCells} | ${r.within10pct ? 'yes' : '**no**'} |`;
  });
  return [head, `| --- | --- | ---: | ---: | ---: | ${PEERS.map(() => '---:').join(' | ')} | :---: |`, ...lines].join('\n');
}

function details(all: readonly Row[]): string {
  return all.map(({ c, r, peers }) => {
    const source = c.citation.url !== undefined ? `[${c.citation.title}](${c.citation.url})` : c.citation.title;
    const peerMisses = PEERS.map((p) => `${p.name}: ${pct(peers[p.id].errorPct)}${peers[p.id].missing.length ? ` (leaves out: ${peers[p.id].missing.join('; ')})` : ''}`).join(' · ');
    return [
      `### ${c.id}`,
      '',
      `${c.description}. Source (${VALIDATION_SOURCES[c.source]}): ${source}; ${c.citation.locator ?? ''}.`,
      '',
      `- Measured: ${MEASURED[c.metric]}; unit as the source prints it: ${c.unit}; published ${c.published.toLocaleString('en-US')} bytes.`,
      `- Excerpt: \`${c.excerpt.replace(/`/g, "'")}\``,
      `- Settings and assumptions: ${c.remarks}`,
      `- Ours: ${gb(r.estimated)} GB (${pct(r.errorPct)})${r.within10pct ? '' : `; **miss**. Probable cause: ${c.missCause ?? 'not analysed'}`}`,
      `- Peers: ${peerMisses}`,
      '',
    ].join('\n');
  }).join('\n');
}

function document(all: readonly Row[]): string {
  const sources = Object.entries(VALIDATION_SOURCES).map(([id, name]) => `- \`${id}\`: ${name} (${all.filter((x) => x.c.source === id).length} cases)`).join('\n');
  return [
    '# Memory estimator validation',
    '',
    'Generated by `scripts/validation-table.ts` (`npm run validation-table`) from',
    '`src/core/memory/validation.ts` and `src/core/memory/validation-cases.ts`; do not edit by hand.',
    'GB = 10^9 bytes. Error = (estimate - published) / published.',
    '',
    'Compared quantities: `allocated` = our `peakAllocated` (the figure is `torch.cuda.max_memory_allocated()`);',
    '`reserved` = our `peakReserved` (`torch.cuda.max_memory_reserved()`); `nvidia-smi` = our `peak`',
    '(reserved + the assumed CUDA context); `model states` = weights + gradients + optimizer state +',
    'master weights per GPU. The peers are applied as published (scripts/peer-estimators.ts cites each',
    'formula\'s source file): none of them models activations and LoRA the way jobs run, so their',
    'figures are what a user of that tool would be told for the same job.',
    '',
    'No calibration constant is fitted, so there is no leave-one-out error to report: every estimate comes from',
    'the modelled mechanisms. Where a mechanism depends on the library version a source ran (bitsandbytes < 0.43.2',
    'keeping 4-bit matmul inputs, PyTorch < 1.11 softmax keeping its input), the case states that setting with',
    'the evidence for the version in its settings.',
    '',
    '## Summary',
    '',
    summaryTable(summaries(all)),
    '',
    `## Sources (${Object.keys(VALIDATION_SOURCES).length})`,
    '',
    sources,
    '',
    `## Cases (${all.length})`,
    '',
    caseTable(all),
    '',
    '## Case details',
    '',
    details(all),
  ].join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 && args[outIndex + 1] ? path.resolve(args[outIndex + 1] as string) : path.join(process.cwd(), 'docs', 'validation.md');
  const all = rows();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, document(all));
  process.stdout.write(`${summaryTable(summaries(all))}\n\nwritten to ${out}\n`);
}

main();
