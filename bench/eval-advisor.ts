/**
 * `npm run eval:advisor`: how well the measured ranking (src/core/advisor/ranking.ts) predicts
 * published head-to-head results it has not seen. A benchmark that prints figures, not a test.
 *
 * - One job per measured setting where a source compared at least 4 optimizers with numbers.
 * - The job is the setting itself (family, modality, size, batch, fine-tune, tokens/param); its
 *   candidates are the optimizers that setting measured; the priority is quality when the setting
 *   compares a final metric at equal budget and speed when it measures time or a time-based score; the
 *   incumbent is the family default (AdamW; SGD with momentum for CNNs), or the setting's own
 *   reference when the family default was not measured there.
 * - Leave-one-source-out: the ranking sees every source except the job's own.
 * - "Best three" follows the source's numbers: the three best values, plus any value within the
 *   spread the source reports of the third.
 * - Shares: top pick in the measured best three; measured best in the top three. Bootstrap interval
 *   over sources (resampling sources with replacement, a fixed seed).
 * - Baselines: "always AdamW" (AdamW, else the setting's AdamW-family reference, first; the rest in
 *   alphabetical order) and "family default" (the same with SGD-momentum for CNNs).
 * - A diagnostic row, not a method the tool uses: the same ranking ordered by score alone (the family default
 *   is not held first when the evidence is not thin), so the cost and the gain of holding the incumbent first
 *   ("How the advice is derived", step 5) can be read off one run.
 */
import { MEASUREMENT_SOURCES, measuredRows } from '../src/core/advisor/measurements';
import type { MeasurementSource, Setting } from '../src/core/advisor/measurements/types';
import { jobOfSetting, rankByEvidence, type RankPriority } from '../src/core/advisor/ranking';

interface Job {
  readonly source: MeasurementSource;
  readonly setting: Setting;
  readonly candidates: readonly string[];
  readonly names: ReadonlyMap<string, string>;
  /** Candidates ordered by the source's numbers, best first. */
  readonly measuredOrder: readonly string[];
  readonly bestThree: ReadonlySet<string>;
}

function jobsOf(source: MeasurementSource): Job[] {
  const jobs: Job[] = [];
  for (const setting of source.settings) {
    const best = new Map<string, number>();
    const names = new Map<string, string>();
    for (const r of source.rows) {
      if (r.setting !== setting.id || r.value === null) continue;
      const k = r.optimizer.key;
      const prev = best.get(k);
      const better = prev === undefined || (setting.metric.better === 'lower' ? r.value < prev : r.value > prev);
      if (better) best.set(k, r.value);
      if (!names.has(k)) names.set(k, r.optimizer.name);
    }
    if (best.size < 4) continue;
    const sign = setting.metric.better === 'lower' ? 1 : -1;
    const measuredOrder = [...best.keys()].sort((a, b) => sign * (best.get(a)! - best.get(b)!));
    const third = best.get(measuredOrder[2]!)!;
    const spread = setting.spread ?? 0;
    const bestThree = new Set(measuredOrder.filter((k, i) => i < 3 || Math.abs(best.get(k)! - third) <= spread));
    jobs.push({ source, setting, candidates: [...best.keys()], names, measuredOrder, bestThree });
  }
  return jobs;
}

function familyDefault(setting: Setting): string {
  return setting.family === 'cnn' ? 'sgd-momentum' : 'adamw';
}

function constantRanking(first: string, job: Job): string[] {
  const head = job.candidates.includes(first) ? first : job.setting.reference;
  return [head, ...job.candidates.filter((k) => k !== head).sort()];
}

function priorityOf(setting: Setting): RankPriority {
  return setting.metric.basis === 'equal-budget' ? 'quality' : 'speed';
}

interface Hits {
  readonly topInBestThree: boolean;
  readonly bestInTopThree: boolean;
}

function hits(ranking: readonly string[], job: Job): Hits {
  return { topInBestThree: job.bestThree.has(ranking[0]!), bestInTopThree: ranking.slice(0, 3).includes(job.measuredOrder[0]!) };
}

/** A small deterministic PRNG (mulberry32) so the interval is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function share(results: readonly { source: string; hit: boolean }[]): number {
  return results.filter((r) => r.hit).length / results.length;
}

function bootstrap(results: readonly { source: string; hit: boolean }[], draws = 10000): [number, number] {
  const sources = [...new Set(results.map((r) => r.source))];
  const bySource = new Map(sources.map((s) => [s, results.filter((r) => r.source === s)]));
  const random = rng(20251207);
  const shares: number[] = [];
  for (let i = 0; i < draws; i++) {
    const sample = Array.from({ length: sources.length }, () => bySource.get(sources[Math.floor(random() * sources.length)]!)!).flat();
    shares.push(share(sample));
  }
  shares.sort((a, b) => a - b);
  return [shares[Math.floor(0.025 * draws)]!, shares[Math.min(draws - 1, Math.floor(0.975 * draws))]!];
}

function pct(x: number): string {
  return `${(100 * x).toFixed(0)}%`;
}

function main(): void {
  const jobs = MEASUREMENT_SOURCES.flatMap(jobsOf);
  const methods = ['advisor (leave-one-source-out)', 'always AdamW', 'family default', 'by score alone (diagnostic)'] as const;
  const results = new Map<string, { source: string; top: boolean; best: boolean }[]>(methods.map((m) => [m, []]));

  console.log(`Jobs: ${jobs.length} measured settings with at least 4 optimizers, from ${new Set(jobs.map((j) => j.source.id)).size} sources.\n`);
  for (const job of jobs) {
    const rows = measuredRows(MEASUREMENT_SOURCES.filter((s) => s !== job.source));
    const fd = familyDefault(job.setting);
    const incumbent = job.candidates.includes(fd) ? fd : job.setting.reference;
    const result = rankByEvidence({
      job: jobOfSetting(job.setting),
      priority: priorityOf(job.setting),
      candidates: job.candidates,
      incumbent,
      rows,
    });
    const ranked = result.entries.map((e) => e.key);
    const byScore = result.thin ? ranked : [...result.entries].sort((a, b) => b.score - a.score).map((e) => e.key);
    const rankings: Record<(typeof methods)[number], string[]> = {
      'advisor (leave-one-source-out)': ranked,
      'always AdamW': constantRanking('adamw', job),
      'family default': constantRanking(fd, job),
      'by score alone (diagnostic)': byScore,
    };
    const name = (k: string) => job.names.get(k) ?? k;
    console.log(`${job.source.cite} — ${job.setting.id} (${job.setting.metric.name}; ${job.candidates.length} optimizers)`);
    console.log(`  measured order: ${job.measuredOrder.map(name).join(' > ')}; best three: ${[...job.bestThree].map(name).join(', ')}`);
    for (const m of methods) {
      const h = hits(rankings[m], job);
      results.get(m)!.push({ source: job.source.id, top: h.topInBestThree, best: h.bestInTopThree });
      console.log(`  ${m.padEnd(31)} top three: ${rankings[m].slice(0, 3).map(name).join(', ').padEnd(60)} top∈best3 ${h.topInBestThree ? 'yes' : 'no '}  best∈top3 ${h.bestInTopThree ? 'yes' : 'no'}`);
    }
    console.log('');
  }

  console.log('Share of jobs (95% bootstrap interval over sources):');
  console.log(`  ${'method'.padEnd(31)} ${'top pick in measured best three'.padEnd(36)} measured best in top three`);
  for (const m of methods) {
    const r = results.get(m)!;
    const top = r.map((x) => ({ source: x.source, hit: x.top }));
    const best = r.map((x) => ({ source: x.source, hit: x.best }));
    const [tl, th] = bootstrap(top);
    const [bl, bh] = bootstrap(best);
    const cell = (s: number, l: number, h: number, n: number) => `${pct(s)} (${r.filter((x) => x).length ? Math.round(s * n) : 0}/${n}) [${pct(l)}, ${pct(h)}]`;
    console.log(`  ${m.padEnd(31)} ${cell(share(top), tl, th, r.length).padEnd(36)} ${cell(share(best), bl, bh, r.length)}`);
  }
  // Hits by source (the README's per-source table is read off these lines).
  console.log('\nHits by source (top pick in the measured best three / measured best in the top three):');
  console.log(`  ${'source'.padEnd(52)} ${'jobs'.padStart(4)}  ${methods.map((m) => m.padEnd(31)).join(' ')}`);
  for (const source of [...new Set(jobs.map((j) => j.source))]) {
    const cells = methods.map((m) => {
      const r = results.get(m)!.filter((x) => x.source === source.id);
      return `${r.filter((x) => x.top).length} / ${r.filter((x) => x.best).length}`.padEnd(31);
    });
    const n = jobs.filter((j) => j.source === source).length;
    console.log(`  ${source.cite.padEnd(52)} ${String(n).padStart(4)}  ${cells.join(' ')}`);
  }
  if (!jobs.some((j) => j.setting.family === 'cnn')) {
    console.log('\nNo CNN setting compared 4 or more optimizers, so "always AdamW" and "family default" coincide here.');
  }
}

main();
