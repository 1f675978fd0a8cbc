// Reads the AlgoPerf v0.5 external-tuning (or self-tuning) logs (mlcommons/submissions_algorithms, a git snapshot given
// as the first argument) and prints, per base workload and submission, the time to the validation
// target by the leaderboard's own rule (its scoring/performance_profile.py): in each study, the trial
// that reaches the target at the earliest evaluation index; its `score` (accumulated submission time,
// seconds) at that evaluation; the median over studies (infinite when a study never reaches it).
// Output is JSON (one entry per workload and submission, with the CSV line each number was read from);
// with `--best-lines` each study that never reaches the target also carries the line of its best
// validation value; `--self-tuning` reads the self-tuning logs instead of the external-tuning ones.
// Usage: node scripts/algoperf-time-to-target.mjs <git dir> [commit] [--best-lines] [--self-tuning]
import { execFileSync } from 'node:child_process';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const bestLines = process.argv.includes('--best-lines');
const ruleset = process.argv.includes('--self-tuning') ? 'self_tuning' : 'external_tuning';
const [gitDir, commit = 'HEAD'] = args;
const git = (...args) => execFileSync('git', ['-C', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const base = `previous_leaderboards/algoperf_v05/logs/${ruleset}`;
const targets = JSON.parse(git('show', `${commit}:scoring/workload_targets_v05.json`));
const minimized = (name) => /loss|wer|error/.test(name);

const files = git('ls-tree', '-r', '--name-only', commit, base).split('\n').filter((f) => f.endsWith('/eval_measurements.csv'));
const runs = new Map(); // submission|workload -> study -> [file]
for (const f of files) {
  const m = f.slice(base.length + 1).match(/^([^/]+)\/(study_\d+)\/([^/]+?)_(jax|pytorch)\/trial_(\d+)\/eval_measurements\.csv$/);
  if (!m) continue;
  const [, sub, study, workload] = m;
  if (!targets.base_workloads.includes(workload)) continue;
  const key = `${sub}|${workload}`;
  if (!runs.has(key)) runs.set(key, new Map());
  const studies = runs.get(key);
  if (!studies.has(study)) studies.set(study, []);
  studies.get(study).push(f);
}

const out = [];
for (const [key, studies] of [...runs].sort()) {
  const [sub, workload] = key.split('|');
  const t = targets.workloads[workload];
  const col = `validation/${t.target_metric_name}`;
  const reached = minimized(t.target_metric_name) ? (x) => x <= t.validation_target_value : (x) => x >= t.validation_target_value;
  const perStudy = [];
  for (const [study, trials] of [...studies].sort()) {
    let best = null; // earliest eval index over trials, first trial wins a tie (pandas idxmin)
    let closest = null; // the best validation value of any trial, for a study that never reaches the target
    for (const f of trials.sort((a, b) => Number(a.match(/trial_(\d+)/)[1]) - Number(b.match(/trial_(\d+)/)[1]))) {
      const lines = git('show', `${commit}:${f}`).trim().split('\n');
      const header = lines[0].split(',');
      const vi = header.indexOf(col);
      const si = header.indexOf('score');
      for (let i = 1; i < lines.length; i++) {
        const cells = lines[i].split(',');
        const v = Number(cells[vi]);
        if (bestLines && cells[vi] !== '' && Number.isFinite(v) && (!closest || (minimized(t.target_metric_name) ? v < closest.value : v > closest.value))) closest = { value: v, file: f, line: lines[i], row: i + 1 };
        if (cells[vi] !== '' && Number.isFinite(v) && reached(v)) {
          if (!best || i - 1 < best.index) best = { index: i - 1, time: Number(cells[si]), file: f, line: lines[i], header: lines[0], row: i + 1 };
          break;
        }
      }
    }
    perStudy.push({ study, trials: trials.length, time: best ? best.time : Infinity, at: best, closest: best ? null : closest });
  }
  const sorted = [...perStudy].sort((a, b) => a.time - b.time);
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2].time : (sorted[n / 2 - 1].time + sorted[n / 2].time) / 2;
  out.push({ ruleset, workload, submission: sub, metric: col, target: t.validation_target_value, median, studies: perStudy.map((s) => ({ study: s.study, trials: s.trials, time: s.time, file: s.at?.file ?? null, row: s.at?.row ?? null, line: s.at?.line ?? null, closest: s.closest })) });
}
process.stdout.write(JSON.stringify(out, null, 1));
