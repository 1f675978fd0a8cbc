// Turns the JSON of scripts/algoperf-time-to-target.mjs into the rows of
// src/core/advisor/measurements/kasimbeg-2025-algoperf-workloads.ts (printed to stdout).
// Usage: node scripts/algoperf-rows-ts.mjs <json> [<json of the self-tuning logs>] > rows.ts
// (self-tuning settings get the id prefix `self-`).
import { readFileSync } from 'node:fs';

const data = process.argv.slice(2).flatMap((f) => JSON.parse(readFileSync(f, 'utf8')));
const OPT = {
  baseline: "opt('nadamw', null, 'Baseline (NadamW, linear warmup + cosine decay)')",
  'self_tuning/baseline': "opt('nadamw', null, 'Baseline (NadamW, a single hyperparameter point)')",
  'self_tuning/schedule_free_adamw': "opt('schedule-free-adamw', 'schedule-free-adamw', 'Schedule Free AdamW')",
  'self_tuning/nadamw_sequential': "opt('nadamw-sequential', null, 'NadamW Sequential')",
  'self_tuning/sinv6_75': "opt('sinv6-75', null, 'Sinv6 75 (learned optimizer)')",
  'self_tuning/sinv6': "opt('sinv6', null, 'Sinv6 (learned optimizer)')",
  'self_tuning/adamg': "opt('adamg', null, 'AdamG')",
  shampoo_submission: "opt('shampoo', 'shampoo', 'Distributed Shampoo')",
  schedule_free_adamw: "opt('schedule-free-adamw', 'schedule-free-adamw', 'Schedule Free AdamW')",
  generalized_adam: "opt('generalized-adam', null, 'Generalized Adam')",
  cyclic_lr: "opt('nadamw-cyclic-lr', null, 'Cyclic LR (NadamW with a cyclic schedule)')",
  nadamp: "opt('nadamp', null, 'NadamP')",
  amos: "opt('amos', null, 'Amos')",
  caspr_adaptive: "opt('caspr-adaptive', null, 'CASPR Adaptive')",
  lawa_queue: "opt('nadamw-lawa-queue', null, 'LAWA Queue (NAdamW with latest weight averaging)')",
  lawa_ema: "opt('nadamw-lawa-ema', null, 'LAWA EMA (NAdamW with an EMA of weights)')",
  schedule_free_prodigy: "opt('schedule-free-prodigy', null, 'Schedule Free Prodigy')",
};
// ImageNet ResNet-50 is left out: the baseline (the reference) reaches the target in only one of
// its five studies, so there is no reference time to compare with.
const WORKLOADS = ['criteo1tb', 'fastmri', 'imagenet_vit', 'librispeech_conformer', 'librispeech_deepspeech', 'ogbg', 'wmt'];
const q = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const fmt = (t) => (t === null ? 'not reached' : `${t.toFixed(1)} s`);

const lines = [];
for (const [ruleset, prefix] of [['external_tuning', ''], ['self_tuning', 'self-']]) for (const w of WORKLOADS) {
  const id = prefix + w;
  const rows = data.filter((r) => r.workload === w && r.ruleset === ruleset).sort((a, b) => (a.median ?? Infinity) - (b.median ?? Infinity));
  for (const r of rows) {
    const sorted = [...r.studies].sort((a, b) => (a.time ?? Infinity) - (b.time ?? Infinity));
    const mid = sorted[(sorted.length - 1) / 2];
    const o = OPT[ruleset === 'self_tuning' ? `self_tuning/${r.submission}` : r.submission];
    const perStudy = r.studies.map((s) => `${s.study} ${fmt(s.time)}`).join(', ');
    const rule = `median over ${r.studies.length} studies of each study's time to ${r.metric} ${r.metric.endsWith('loss') || r.metric.endsWith('wer') ? '≤' : '≥'} ${r.target} (column \`score\`, seconds; in each study the trial that reaches it at the earliest evaluation, as scoring/performance_profile.py picks it): ${perStudy}`;
    if (r.median !== null) {
      lines.push(`  measured('${id}', ${o}, ${r.median}, ${q(mid.line)}, {\n    note: ${q(`${mid.file}, line ${mid.row} (the median study)`)},\n    derivation: ${q(rule)},\n  }),`);
    } else {
      const c = mid.closest;
      lines.push(`  stated('${id}', ${o}, 'worse', ${q(c.line)}, {\n    note: ${q(`the target was not reached in the median study; the excerpt is that study's best ${r.metric} (${c.value}), ${c.file}, line ${c.row}. ${rule}`)},\n  }),`);
    }
  }
}
process.stdout.write(lines.join('\n') + '\n');
