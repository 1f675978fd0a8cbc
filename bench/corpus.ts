/**
 * The corpus score: `npx tsc -p tsconfig.test.json && node esbuild.js && node out/bench/corpus.js` (also the last part of
 * `npm run bench`).
 *
 * Runs `recommend --json --offline` (the built dist/cli.js, HF_HUB_CACHE set to the setup's own fake cache) on
 * every setup under test/corpus/ and compares the facts it reports with the setup's expected.json:
 * - read right: the source states the fact and the tool reads that value from that file;
 * - read wrong: the tool reads a value (or names a file) other than the source's;
 * - not read: the source states the fact and the tool reports nothing for it;
 * - assumed correctly: the source does not state the fact and the tool says it is an assumption;
 * - listed wrongly: the tool claims a file for a fact the source does not state, or calls a stated fact an assumption;
 * - assumed, not reported: the source does not state the fact and the tool reports nothing for it;
 * - invented: a value the family does not have (a sequence length for an image model, an image size for a text model).
 * It prints figures; it is not a test (test/unit/corpus.test.ts checks the corpus itself).
 *
 * Facts come from `recommend --json` → jobs[i].facts[name] = { value, source } once that shape exists; until
 * then from `scan --json` (job settings, their `sources`, the `defaults` the tool filled in), which knows no
 * nodes, FSDP or image size: those count as not reported.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveOptimizer } from '../src/core/optimizers';
import type { Ecosystem } from '../src/core/optimizers/types';

export const FACT_NAMES = [
  'model', 'parameters', 'vocabSize', 'microBatch', 'gradAccum', 'gpus', 'nodes', 'precision', 'loadDtype', 'zeroStage', 'fsdp',
  'offload', 'adapter', 'loraRank', 'optimizer', 'lr', 'weightDecay', 'warmup', 'seqLen', 'imageSize',
] as const;
export type FactName = (typeof FACT_NAMES)[number];

export type FactValue = string | number | boolean;
/** A warmup states its unit (`steps`, `ratio` of the total steps, or `epochs`): 0.1 of the steps and 0.1 steps differ. */
export type WarmupUnit = 'steps' | 'ratio' | 'epochs';
/**
 * An optimizer's spelling resolves to a catalog entry in its library (`ecosystem`: timm's "sgd" is SGD with Nesterov
 * momentum) and with the hyperparameters the source writes beside it (`params`: torch SGD with momentum 0.9 is SGD
 * with momentum).
 */
export interface OptimizerContext {
  readonly ecosystem?: Ecosystem;
  readonly params?: Readonly<Record<string, number | boolean>>;
}
export type ExpectedField =
  | ({ readonly read: FactValue; readonly file: string; readonly unit?: WarmupUnit } & OptimizerContext)
  | { readonly assumed: true };
export interface ExpectedJob {
  readonly job: string;
  readonly fields: Readonly<Record<string, ExpectedField>>;
  readonly parameters: { readonly value: number; readonly citation: string };
}
export interface Setup {
  readonly name: string;
  readonly dir: string;
  /** `repo:` of SOURCE (owner/name), the project the setup belongs to. */
  readonly repo: string;
  readonly jobs: readonly ExpectedJob[];
}

const ROOT = path.resolve(__dirname, '..', '..');
export const CORPUS_DIR = path.join(ROOT, 'test', 'corpus');
const CLI = path.join(ROOT, 'dist', 'cli.js');

/** SOURCE lines `key: value`, every value of a key in order. */
export function parseSource(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([a-z-]+):\s*(.*\S)\s*$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}

export function loadSetups(dir = CORPUS_DIR): Setup[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const setupDir = path.join(dir, name);
      const source = parseSource(fs.readFileSync(path.join(setupDir, 'SOURCE'), 'utf8'));
      const expected = JSON.parse(fs.readFileSync(path.join(setupDir, 'expected.json'), 'utf8')) as { jobs: ExpectedJob[] };
      return { name, dir: setupDir, repo: source.get('repo')?.[0] ?? '?', jobs: expected.jobs };
    });
}

/** What the tool says of one fact. */
type Reported =
  | { readonly kind: 'read'; readonly value: unknown; readonly file: string | null }
  | { readonly kind: 'assumed'; readonly value: unknown }
  | { readonly kind: 'absent' };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The provenance shape of `recommend --json`: facts[name] = { value, source: { kind, path } }. */
function fromFacts(facts: unknown, name: FactName): Reported | null {
  if (!isObject(facts)) return null;
  const fact = facts[name];
  if (!isObject(fact) || !('value' in fact) || !isObject(fact['source'])) return null;
  const source = fact['source'];
  if (source['kind'] === 'assumption') return { kind: 'assumed', value: fact['value'] };
  return { kind: 'read', value: fact['value'], file: typeof source['path'] === 'string' ? source['path'] : null };
}

/** Today's fallback: a scan job's settings, with the file of each from `sources` and the tool's `defaults`. */
const SETTING_OF: Partial<Record<FactName, string>> = {
  microBatch: 'perDeviceBatchSize', gradAccum: 'gradAccum', gpus: 'gpus', precision: 'precision', loadDtype: 'loadDtype',
  zeroStage: 'zeroStage', offload: 'offload', optimizer: 'optimizer', lr: 'learningRate', weightDecay: 'weightDecay', seqLen: 'seqLen',
};

function fromScan(job: Json | undefined, name: FactName): Reported {
  if (!job) return { kind: 'absent' };
  const settings = isObject(job['settings']) ? job['settings'] : {};
  const sources = isObject(job['sources']) ? job['sources'] : {};
  const defaults = Array.isArray(job['defaults']) ? job['defaults'].filter(isObject) : [];
  const fileOf = (key: string): string | null => {
    const s = sources[key];
    return isObject(s) && typeof s['path'] === 'string' ? s['path'] : null;
  };
  const setting = (key: string): Reported => {
    if (!(key in settings)) return { kind: 'absent' };
    const file = fileOf(key);
    if (file !== null) return { kind: 'read', value: settings[key], file };
    if (defaults.some((d) => d['setting'] === key)) return { kind: 'assumed', value: settings[key] };
    return { kind: 'read', value: settings[key], file: null };
  };
  switch (name) {
    case 'model': {
      const model = job['model'];
      if (!isObject(model)) return { kind: 'absent' };
      const value = model['id'] ?? model['value'] ?? model['path'];
      return { kind: 'read', value, file: typeof model['path'] === 'string' && model['kind'] !== 'config-file' ? model['path'] : null };
    }
    case 'adapter': {
      const lora = settings['lora'];
      if (isObject(lora)) return { kind: 'read', value: lora['qlora'] === true ? 'qlora' : 'lora', file: fileOf('lora') };
      const pending = job['pendingLora'];
      if (isObject(pending)) {
        const src = pending['source'];
        return { kind: 'read', value: pending['qlora'] === true ? 'qlora' : 'lora', file: isObject(src) && typeof src['path'] === 'string' ? src['path'] : null };
      }
      return { kind: 'absent' };
    }
    case 'loraRank': {
      const lora = settings['lora'];
      if (isObject(lora)) return { kind: 'read', value: lora['rank'], file: fileOf('lora.rank') ?? fileOf('lora') };
      const pending = job['pendingLora'];
      if (isObject(pending)) {
        const src = pending['source'];
        return { kind: 'read', value: pending['rank'], file: isObject(src) && typeof src['path'] === 'string' ? src['path'] : null };
      }
      return { kind: 'absent' };
    }
    case 'warmup': {
      const steps = setting('warmupSteps');
      if (steps.kind !== 'absent') return steps;
      const ratio = setting('warmupRatio');
      if (ratio.kind !== 'absent') return ratio;
      // Epochs carry their unit: 5 epochs is not 5 steps.
      const epochs = setting('warmupEpochs');
      return epochs.kind === 'absent' ? epochs : { ...epochs, value: { unit: 'epochs', value: epochs.value } };
    }
    default: {
      const key = SETTING_OF[name];
      return key ? setting(key) : { kind: 'absent' };
    }
  }
}

const DTYPE_ALIASES: ReadonlyArray<[RegExp, string]> = [
  [/bfloat16/g, 'bf16'], [/float16|half/g, 'fp16'], [/float32/g, 'fp32'], [/adamw_torch(_fused)?/g, 'adamw'],
  // 8-bit base weights: `load_in_8bit` / `8bit` / `int8`
  [/^(load_in_)?8bit$/g, 'int8'],
];
const norm = (v: string): string => DTYPE_ALIASES.reduce((s, [re, to]) => s.replace(re, to), v.toLowerCase()).replace(/[^a-z0-9]/g, '');

/** A model name inside a hub id: its characters in order, separators anywhere, whole, and at most a version after it. */
function nameInId(name: string, id: string): boolean {
  const chars = name.toLowerCase().replace(/[^a-z0-9]/g, '').split('');
  if (chars.length === 0) return false;
  const pattern = new RegExp(`(?:^|[^a-z0-9])${chars.join('[^a-z0-9]*')}((?:[^a-z0-9]+(?:v[0-9.]+|hf))*)$`);
  return pattern.test(id.toLowerCase());
}

/**
 * Numbers equal in any spelling (3e-4 = 0.0003). Strings, after case, punctuation and dtype spellings: the adapter
 * and offload exactly; a model as the same id or a builder / short name inside the id (llama3_1_8b in
 * meta-llama/Llama-3.1-8B, not gpt2 in gpt2-xl); a precision as a prefix (bf16 of bf16-mixed); anything else
 * equal or as the last part of a qualified name (AdamW of torch.optim.AdamW, not Adam of AdamW).
 */
export function sameValue(expected: FactValue, got: unknown, fact?: string, unit?: WarmupUnit, optimizer: OptimizerContext = {}): boolean {
  if (isObject(got) && 'unit' in got && 'value' in got) {
    // A warmup: the unit must be stated and equal, then the value.
    return unit !== undefined && got['unit'] === unit && sameValue(expected, got['value']);
  }
  if (typeof expected === 'number') {
    const n = typeof got === 'number' ? got : typeof got === 'string' ? Number(got) : NaN;
    return Number.isFinite(n) && Math.abs(n - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
  }
  if (typeof expected === 'boolean') return got === expected;
  if (typeof got !== 'string' && typeof got !== 'number') return false;
  const a = norm(expected);
  const b = norm(String(got));
  if (a.length === 0 || b.length === 0) return false;
  if (a === b) return true;
  switch (fact) {
    case 'adapter':
    case 'offload':
      return false;
    case 'model':
      return nameInId(expected, String(got)) || nameInId(String(got), expected);
    case 'precision':
    case 'loadDtype':
      return a.startsWith(b) || b.startsWith(a);
    case 'optimizer': {
      // Spellings of one catalog optimizer (adamw_bnb_8bit and adamw-8bit, FusedAdam and adamw).
      const x = resolveOptimizer(expected, optimizer.params, optimizer.ecosystem);
      const y = resolveOptimizer(String(got));
      if (x !== undefined && y !== undefined) return x.id === y.id;
      return b.endsWith(a) || a.endsWith(b);
    }
    default:
      return b.endsWith(a) || a.endsWith(b);
  }
}

type Outcome = 'readRight' | 'readWrong' | 'notRead' | 'assumedRight' | 'listedWrongly' | 'assumedUnreported';
const OUTCOMES: readonly Outcome[] = ['readRight', 'readWrong', 'notRead', 'assumedRight', 'listedWrongly', 'assumedUnreported'];

interface Tally {
  setups: number;
  jobs: number;
  jobsFound: number;
  jobsEvaluated: number;
  paramsRight: number;
  /** A sequence length reported for a job without one (a CNN), or an image size for a text model. */
  invented: number;
  counts: Record<Outcome, number>;
  missedByFact: Map<string, number>;
}
const newTally = (): Tally => ({
  setups: 0, jobs: 0, jobsFound: 0, jobsEvaluated: 0, paramsRight: 0, invented: 0,
  counts: { readRight: 0, readWrong: 0, notRead: 0, assumedRight: 0, listedWrongly: 0, assumedUnreported: 0 },
  missedByFact: new Map(),
});

function runCli(args: string[], setupDir: string): { json: Json | null; status: number | null; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, HF_HUB_CACHE: path.join(setupDir, '.hf-cache', 'hub'), HF_HUB_OFFLINE: '1' };
  delete env['OPTIMIZER_ADVISOR_HUB'];
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  let json: Json | null = null;
  try {
    const parsed: unknown = JSON.parse(r.stdout);
    json = isObject(parsed) ? parsed : null;
  } catch {
    json = null;
  }
  return { json, status: r.status, stderr: r.stderr };
}

function jobsOf(doc: Json | null): Json[] {
  const jobs = doc?.['jobs'];
  return Array.isArray(jobs) ? jobs.filter(isObject) : [];
}

/** The reported job for an expected one: the same id, else the only job when the setup expects only one. */
function pick(jobs: Json[], idKey: string, expected: ExpectedJob, expectedCount: number): { job: Json | undefined; idDiffers: boolean } {
  const same = jobs.find((j) => j[idKey] === expected.job);
  if (same) return { job: same, idDiffers: false };
  if (expectedCount === 1 && jobs.length === 1) return { job: jobs[0], idDiffers: true };
  return { job: undefined, idDiffers: false };
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** What is wrong with the tool's answer for one setup, one line each (empty when every check passes). */
export function checkSetup(setup: Setup): string[] {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node esbuild.js\` first`);
  const lines: string[] = [];
  evaluate(setup, [newTally()], lines);
  return lines;
}

function evaluate(setup: Setup, tally: Tally[], lines: string[]): void {
  const rec = runCli(['recommend', setup.dir, '--gpu-memory', '24GiB', '--json', '--offline'], setup.dir);
  const recJobs = jobsOf(rec.json);
  // `scan` only when recommend leaves an expected job without facts (not found, or not evaluated).
  const complete = setup.jobs.every((e) => isObject(pick(recJobs, 'source', e, setup.jobs.length).job?.['facts']));
  const scanJobs = complete ? [] : jobsOf(runCli(['scan', setup.dir, '--json'], setup.dir).json);
  for (const t of tally) t.setups++;
  if (rec.json === null) lines.push(`  ${setup.name}: recommend printed no JSON (exit ${rec.status}): ${rec.stderr.trim().split('\n')[0] ?? ''}`);
  for (const expected of setup.jobs) {
    const r = pick(recJobs, 'source', expected, setup.jobs.length);
    const s = complete ? { job: undefined, idDiffers: false } : pick(scanJobs, 'id', expected, setup.jobs.length);
    const recs = r.job?.['recommendations'];
    const evaluated = Array.isArray(recs) && recs.length > 0 && recs.every((x) => isObject(x) && typeof x['rank'] === 'number');
    for (const t of tally) {
      t.jobs++;
      if (r.job || s.job) t.jobsFound++;
      if (evaluated) t.jobsEvaluated++;
    }
    const head = `  ${setup.name} ${expected.job}`;
    if (!r.job && !s.job) lines.push(`${head}: no such job (scan found ${scanJobs.map((j) => show(j['id'])).join(', ') || 'none'})`);
    else if (r.job ? r.idDiffers : s.idDiffers) lines.push(`${head}: reported as ${show((r.job ?? s.job)?.[r.job ? 'source' : 'id'])}`);
    if ((r.job || s.job) && !evaluated) lines.push(`${head}: not evaluated (${show(r.job?.['status'] ?? 'no recommend job')}${r.job?.['reason'] ? `: ${show(r.job['reason'])}` : ''})`);

    const model = isObject(r.job?.['model']) ? (r.job['model'] as Json) : undefined;
    const paramsFact = fromFacts(r.job?.['facts'], 'parameters');
    const gotParams = paramsFact && paramsFact.kind !== 'absent' ? paramsFact.value : model?.['params'];
    const paramsOk = typeof gotParams === 'number' && Math.abs(gotParams - expected.parameters.value) <= 0.01 * expected.parameters.value;
    for (const t of tally) if (paramsOk) t.paramsRight++;
    if (!paramsOk) lines.push(`${head}: parameters expected ${expected.parameters.value}, got ${show(gotParams ?? 'none')}`);

    const notRead: string[] = [];
    const unlisted: string[] = [];
    for (const [name, want] of Object.entries(expected.fields)) {
      if (name === 'parameters') continue;
      const fact = name as FactName;
      const got = fromFacts(r.job?.['facts'], fact) ?? fromScan(s.job, fact);
      let outcome: Outcome;
      if ('read' in want) {
        if (got.kind === 'absent') outcome = 'notRead';
        else if (got.kind === 'assumed') outcome = 'listedWrongly';
        else outcome = sameValue(want.read, got.value, fact, want.unit, want) && (got.file === null || got.file === want.file) ? 'readRight' : 'readWrong';
      } else {
        outcome = got.kind === 'assumed' ? 'assumedRight' : got.kind === 'absent' ? 'assumedUnreported' : 'listedWrongly';
      }
      for (const t of tally) {
        t.counts[outcome]++;
        if (outcome !== 'readRight' && outcome !== 'assumedRight') t.missedByFact.set(`${fact} ${outcome}`, (t.missedByFact.get(`${fact} ${outcome}`) ?? 0) + 1);
      }
      if (outcome === 'notRead') notRead.push(fact);
      if (outcome === 'assumedUnreported') unlisted.push(fact);
      const gotText = got.kind === 'absent' ? 'nothing' : got.kind === 'assumed' ? `assumed ${show(got.value)}` : `${show(got.value)} from ${got.file ?? '?'}`;
      if (outcome === 'readWrong' && 'read' in want) {
        const fileOnly = got.kind === 'read' && sameValue(want.read, got.value, fact, want.unit, want);
        lines.push(`${head}: ${fact} read wrong${fileOnly ? ' (the value from another file)' : ''}: expected ${show(want.read)}${want.unit ? ` ${want.unit}` : ''} from ${want.file}, got ${gotText}`);
      }
      if (outcome === 'listedWrongly') lines.push(`${head}: ${fact} listed wrongly: expected ${'read' in want ? `${show(want.read)} from ${want.file}` : 'an assumption'}, got ${gotText}`);
    }
    if (notRead.length > 0) lines.push(`${head}: not read: ${notRead.join(', ')}`);
    if (unlisted.length > 0) lines.push(`${head}: not listed as assumptions: ${unlisted.join(', ')}`);
    // a value the family does not have: a sequence length for an image model, an image size for a text model
    const family: readonly FactName[] = 'imageSize' in expected.fields ? ['seqLen'] : 'seqLen' in expected.fields ? ['imageSize'] : [];
    for (const fact of family) {
      const facts = r.job?.['facts'];
      const plain = isObject(facts) ? facts[fact] : undefined;
      const got = fromFacts(facts, fact) ?? fromScan(s.job, fact);
      const value = got.kind !== 'absent' ? got.value : typeof plain === 'number' ? plain : undefined;
      if (value === undefined) continue;
      for (const t of tally) t.invented++;
      lines.push(`${head}: ${fact} ${show(value)} invented (the job has no ${fact === 'seqLen' ? 'sequence length' : 'image size'})`);
    }
  }
}

function row(label: string, t: Tally): string {
  const c = t.counts;
  return [label.padEnd(34), String(t.setups).padStart(6), `${t.jobsEvaluated}/${t.jobs}`.padStart(9), `${t.paramsRight}/${t.jobs}`.padStart(7),
    ...OUTCOMES.map((o) => String(c[o]).padStart(9)), String(t.invented).padStart(8)].join(' ');
}

/** Prints the corpus score (also called from bench/run.ts, i.e. `npm run bench`). */
export function printCorpusScore(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node esbuild.js\` first`);
  const setups = loadSetups();
  const total = newTally();
  const byProject = new Map<string, Tally>();
  const details: string[] = [];
  for (const setup of setups) {
    const project = byProject.get(setup.repo) ?? newTally();
    byProject.set(setup.repo, project);
    evaluate(setup, [total, project], details);
  }
  console.log('Corpus of real training setups (%s): recommend --json --offline --gpu-memory 24GiB on each', path.relative(ROOT, CORPUS_DIR));
  console.log('');
  console.log([
    'project'.padEnd(34), 'setups'.padStart(6), 'evaluated'.padStart(9), 'params'.padStart(7),
    'read ok'.padStart(9), 'read bad'.padStart(9), 'not read'.padStart(9), 'assum ok'.padStart(9), 'wrongly'.padStart(9), 'unlisted'.padStart(9), 'invented'.padStart(8),
  ].join(' '));
  for (const [repo, t] of [...byProject.entries()].sort(([a], [b]) => a.localeCompare(b))) console.log(row(repo, t));
  console.log(row('total', total));
  console.log('');
  console.log('evaluated: jobs with ranked optimizers; params: parameter count within 1% of the cited one;');
  console.log('read ok / read bad / not read: fields the source states, read with its value and file / read otherwise / not reported;');
  console.log('assum ok: fields the source leaves open, reported as assumptions; wrongly: a stated field reported as an assumption,');
  console.log('or an open one reported as read; unlisted: an open field with no assumption reported;');
  console.log('invented: a sequence length reported for an image model, or an image size for a text model.');
  console.log('');
  console.log('misses by fact (fact outcome: count):');
  for (const [key, n] of [...total.missedByFact.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) console.log(`  ${key}: ${n}`);
  console.log('');
  console.log('details:');
  for (const line of details) console.log(line);
}

if (require.main === module) {
  try {
    printCorpusScore();
  } catch (e: unknown) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
