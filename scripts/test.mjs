#!/usr/bin/env node
// The test suite's one entry point (`npm test`, and each `npm run test:*`): installs what the tests need
// (scripts/setup-tests.sh: Debian packages, code-server), compiles and builds once, runs the suites, and
// ends with a timing summary per step. Every suite runs on its own after `npm ci`: a step first runs the
// steps it depends on.
//
// Usage: node scripts/test.mjs [suite...]      suites: unit vscode ui vsix activation (default: all of them)
//   --no-setup   skip scripts/setup-tests.sh (the packages and code-server are known to be there)
//
// Steps run one after another, except those marked to overlap another (the webview type check and the lint
// run beside the compile). The unit suite runs its files two at a time (node --test's default on a 2-core machine is
// one at a time). Exit status: 0 when every step passed, 1 otherwise (the steps after a failed one still
// run when they do not depend on it, so one failure does not hide the others).
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const node = process.execPath;
/** node --test files in parallel: as many as there are cores, at least 2 (the suites are mostly I/O and child processes). */
const unitConcurrency = String(Math.max(2, os.availableParallelism()));

/** name -> { run: [command, ...args][] (in sequence), after: step names, what } */
const STEPS = {
  setup: { what: 'Debian packages and code-server (scripts/setup-tests.sh)', after: [], run: [['bash', 'scripts/setup-tests.sh']] },
  compile: { what: 'type check and compile src/, test/, bench/, scripts/ (tsc -p tsconfig.test.json)', after: [], run: [[node, tsc, '-p', 'tsconfig.test.json']] },
  'check-webview': { what: 'type check webview/ (DOM lib)', after: [], run: [[node, tsc, '--noEmit', '-p', 'webview/tsconfig.json']], overlaps: 'compile' },
  'check-core': { what: 'type check src/core without Node or vscode types (tsconfig.core.json)', after: [], run: [[node, tsc, '-p', 'tsconfig.core.json']], overlaps: 'compile' },
  lint: { what: 'eslint and the layer rules (eslint.config.mjs)', after: [], run: [[node, path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']], overlaps: 'compile' },
  build: { what: 'bundles in dist/ (node esbuild.js)', after: [], run: [[node, 'esbuild.js']] },
  unit: {
    what: 'unit tests (out/test/unit)',
    after: ['setup', 'compile', 'check-webview', 'check-core', 'lint', 'build'],
    run: [[node, '--test', `--test-concurrency=${unitConcurrency}`, '--test-reporter=spec', 'out/test/unit']],
  },
  vscode: { what: 'extension-host suite in code-server', after: ['setup', 'compile', 'build'], run: [[node, 'out/test/vscode/run.js']] },
  ui: {
    what: 'UI tests in code-server (command palette, sidebar)',
    after: ['setup', 'compile', 'build'],
    run: [[node, '--test', '--test-concurrency=1', 'out/test/vscode/ui.js', 'out/test/vscode/sidebar-ui.js']],
  },
  activation: { what: 'activation only where there is work (code-server)', after: ['setup', 'compile', 'build'], run: [[node, '--test', 'out/test/vscode/activation.js']] },
  vsix: { what: 'the packaged .vsix installed into code-server', after: ['setup', 'compile', 'build'], run: [[node, '--test', 'out/test/vscode/vsix.js']] },
};
const SUITES = ['unit', 'vscode', 'ui', 'activation', 'vsix'];

function parse(argv) {
  const suites = [];
  let setup = true;
  for (const a of argv) {
    if (a === '--no-setup') setup = false;
    else if (SUITES.includes(a)) suites.push(a);
    else {
      console.error(`scripts/test.mjs: unknown argument "${a}" (suites: ${SUITES.join(', ')}; option: --no-setup)`);
      process.exit(2);
    }
  }
  return { suites: suites.length > 0 ? suites : SUITES, setup };
}

/** The steps to run, dependencies first, each once. */
function plan(suites, setup) {
  const order = [];
  const visit = (name) => {
    if (order.includes(name) || (name === 'setup' && !setup)) return;
    for (const dep of STEPS[name].after) visit(dep);
    order.push(name);
  };
  for (const s of suites) visit(s);
  return order;
}

/**
 * Test counts from a runner's closing lines: node --test's spec ("ℹ pass 12") and TAP ("# pass 12")
 * reporters, mocha's ("34 passing", "2 failing").
 */
const COUNT_PATTERNS = [
  { re: /^(?:ℹ|#) pass (\d+)\s*$/, key: 'passed' },
  { re: /^(?:ℹ|#) fail (\d+)\s*$/, key: 'failed' },
  { re: /^\s*(\d+) passing\b/, key: 'passed' },
  { re: /^\s*(\d+) failing\b/, key: 'failed' },
];

function countTests(text) {
  const counts = { passed: 0, failed: 0 };
  for (const line of text.split('\n')) {
    for (const { re, key } of COUNT_PATTERNS) {
      const m = re.exec(line);
      if (m) counts[key] += Number(m[1]);
    }
  }
  return counts;
}

/** Runs a command with its output passed through; resolves its exit code and what it printed on stdout. */
function runCommand([command, ...args]) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      out += chunk.toString();
    });
    child.once('error', (e) => {
      console.error(`cannot run ${command}: ${e.message}`);
      resolve({ code: 1, out });
    });
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }));
  });
}

async function runStep(name) {
  const started = Date.now();
  let code = 0;
  let out = '';
  for (const command of STEPS[name].run) {
    const r = await runCommand(command);
    code = r.code;
    out += r.out;
    if (code !== 0) break;
  }
  return { name, code, seconds: (Date.now() - started) / 1000, tests: countTests(out) };
}

async function main() {
  const { suites, setup } = parse(process.argv.slice(2));
  const order = plan(suites, setup);
  const results = new Map();
  const started = Date.now();
  let stop = false;
  process.once('SIGINT', () => (stop = true));
  for (let i = 0; i < order.length && !stop; i++) {
    const name = order[i];
    if (results.has(name)) continue;
    const blocked = STEPS[name].after.filter((d) => results.has(d) && results.get(d).code !== 0);
    if (blocked.length > 0) {
      results.set(name, { name, code: 1, seconds: 0, skipped: `not run: ${blocked.join(', ')} failed` });
      continue;
    }
    // Steps that overlap this one start together with it.
    const partners = order.filter((n) => STEPS[n].overlaps === name && !results.has(n));
    console.log(`\n=== ${[name, ...partners].join(' + ')}: ${[name, ...partners].map((n) => STEPS[n].what).join('; ')}`);
    const done = await Promise.all([name, ...partners].map(runStep));
    for (const r of done) results.set(r.name, r);
  }
  const total = (Date.now() - started) / 1000;
  const rows = order.filter((n) => results.has(n)).map((n) => results.get(n));
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log('\n=== timing');
  for (const r of rows) {
    const status = r.skipped ?? (r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`);
    const tests = r.tests && r.tests.passed + r.tests.failed > 0 ? `  (${r.tests.passed} passed, ${r.tests.failed} failed)` : '';
    console.log(`${r.name.padEnd(width)}  ${r.seconds.toFixed(1).padStart(6)} s  ${status}${tests}`);
  }
  const failed = rows.filter((r) => r.code !== 0);
  console.log(`${'total'.padEnd(width)}  ${total.toFixed(1).padStart(6)} s  ${failed.length === 0 ? 'all steps passed' : `${failed.length} step(s) failed: ${failed.map((r) => r.name).join(', ')}`}`);
  const passed = rows.reduce((n, r) => n + (r.tests?.passed ?? 0), 0);
  const failedTests = rows.reduce((n, r) => n + (r.tests?.failed ?? 0), 0);
  console.log(`tests: ${passed} passed, ${failedTests} failed`);
  process.exit(failed.length === 0 && !stop ? 0 : 1);
}

main();
