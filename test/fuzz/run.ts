/**
 * `npm run fuzz [-- SECONDS]`: the fuzzing campaign (README: Reliability). For SECONDS (default 600, or
 * FUZZ_SECONDS) it alternates between
 *  - the parsers' properties (properties.ts) with fresh seeds, and
 *  - the CLI contract: a mutated example config or corpus file is written into a scratch workspace
 *    under its own name and `params`, `estimate --json`, `scan --json` and `recommend --json` run on
 *    it in-process; each must exit 0, 2 or 3, print nothing on stdout and one line on stderr naming
 *    the file when it exits 2, and print JSON valid against its schema otherwise.
 * It prints inputs tried, distinct failures, the slowest input and the peak RSS; failing inputs go
 * to artifacts/fuzz/ (git-ignored) to be minimised into regression fixtures. Exit 1 when anything failed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import fc from 'fast-check';
import { runCli } from '../../src/cli/main';
import { inputArbitrary, properties, REPO, seedFiles } from './properties';

const seconds = Number(process.argv[2] ?? process.env['FUZZ_SECONDS'] ?? 600);
const deadline = Date.now() + seconds * 1000;
const seeds = seedFiles();
const ajv = new Ajv({ allErrors: true, strict: false });
const schema = (name: string) => ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO, 'schemas', name), 'utf8')) as object);
const SCHEMAS = { params: schema('params.schema.json'), estimate: schema('estimate.schema.json'), scan: schema('scan.schema.json'), recommend: schema('recommend.schema.json') };
const ARTIFACTS = path.join(REPO, 'artifacts', 'fuzz');

let tried = 0;
let slowestMs = 0;
let slowest = '';
const failures = new Map<string, string>();

function fail(signature: string, input: string, detail: string): void {
  if (failures.has(signature)) return;
  failures.set(signature, detail);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, `failure-${failures.size}.txt`), `${detail}\n---- input ----\n${input}`);
}

async function cli(cwd: string, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { cwd, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

async function cliContract(dir: string, name: string, text: string): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), text, 'latin1');
  const runs: [keyof typeof SCHEMAS, string[]][] = [
    ['params', ['params', name, '--json']],
    ['estimate', ['estimate', name, '--optimizer', 'adamw', '--json']],
    ['scan', ['scan', '.', '--json']],
    ['recommend', ['recommend', '.', '--json']],
  ];
  for (const [command, argv] of runs) {
    const started = performance.now();
    let r: { code: number; out: string; err: string };
    try {
      r = await cli(dir, argv);
    } catch (e) {
      fail(`${command}: threw`, text, `${argv.join(' ')} on ${name}: threw ${e instanceof Error ? e.stack : String(e)}`);
      continue;
    }
    const ms = performance.now() - started;
    if (ms > slowestMs) {
      slowestMs = ms;
      slowest = `${argv.join(' ')} on a ${text.length}-character ${name}`;
    }
    const where = `${argv.join(' ')} on ${name}`;
    if (![0, 2, 3].includes(r.code)) fail(`${command}: exit ${r.code}`, text, `${where}: exit ${r.code}: ${r.err}`);
    else if (r.code === 2) {
      if (r.out !== '') fail(`${command}: stdout on exit 2`, text, `${where}: stdout on exit 2`);
      const lines = r.err.trimEnd().split('\n');
      if (lines.length !== 1) fail(`${command}: stderr lines`, text, `${where}: ${lines.length} stderr lines: ${r.err}`);
      else if (command !== 'scan' && command !== 'recommend' && !lines[0].includes(name)) fail(`${command}: unnamed file`, text, `${where}: stderr does not name the file: ${lines[0]}`);
    } else {
      let doc: unknown;
      try {
        doc = JSON.parse(r.out);
      } catch {
        fail(`${command}: not JSON`, text, `${where}: stdout is not JSON: ${r.out.slice(0, 200)}`);
        continue;
      }
      const check = SCHEMAS[command];
      if (!check(doc)) fail(`${command}: schema ${ajv.errorsText(check.errors).slice(0, 120)}`, text, `${where}: ${ajv.errorsText(check.errors)}`);
    }
  }
}

async function main(): Promise<void> {
  const props = properties(seeds);
  const input = inputArbitrary(seeds);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-fuzz-'));
  let round = 0;
  try {
    while (Date.now() < deadline) {
      round++;
      for (const { name, property } of props) {
        const started = performance.now();
        const result = fc.check(property, { seed: Date.now() ^ (round * 7919), numRuns: 200 });
        tried += result.numRuns;
        const ms = (performance.now() - started) / Math.max(1, result.numRuns);
        if (ms > slowestMs) {
          slowestMs = ms;
          slowest = `${name} property (mean per input of a batch)`;
        }
        if (result.failed) {
          const counterexample = JSON.stringify(result.counterexample);
          fail(`${name}: ${String(result.errorInstance).split('\n')[0].slice(0, 120)}`, counterexample ?? '', `${name}: ${String(result.errorInstance)}`);
        }
      }
      for (const text of fc.sample(input, { seed: round, numRuns: 10 })) {
        const seed = seeds[Math.abs(text.length * 31 + round) % seeds.length];
        await cliContract(path.join(scratch, 'ws'), path.basename(seed.path), text);
        tried++;
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    [
      `fuzz: ${seconds} s, ${seeds.length} seed files, ${round} rounds`,
      `inputs tried: ${tried}`,
      `distinct failures: ${failures.size}`,
      ...[...failures.values()].map((d) => `  - ${d.split('\n')[0].slice(0, 300)}`),
      `max time per input: ${slowestMs.toFixed(1)} ms (${slowest})`,
      `max RSS: ${rss.toFixed(0)} MiB`,
      '',
    ].join('\n'),
  );
  process.exitCode = failures.size > 0 ? 1 : 0;
}

void main();
