/**
 * "Install GPU Backend" without the network: the installer (src/extension/gpu-backend/install.ts) with a
 * fake npm whose package throws like a wrong-CUDA load — success, npm missing, npm failing, the install
 * script's download failing, cancellation and the time limit (the processes die, nothing half-installed
 * is left), the lock — then the installed folder given to the real profiler child, which reports the
 * package as installed but broken and falls back to wasm. The pinned version is checked against the
 * tfjs-core this repository builds the profiler from.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  classifyScriptFailure,
  FAILURE_FRAMES,
  findNpm,
  installGpuBackend,
  npmInstallArgs,
  parseInstallScript,
  removeGpuBackend,
  type InstallStep,
} from '../../src/extension/gpu-backend/install';
import { gpuBackendDir, packageDirIn, profilerModuleDirs, readInstalled, writeMarker } from '../../src/extension/gpu-backend/location';
import { GPU_BACKEND_PACKAGE, GPU_BACKEND_SPEC, gpuPlatformSupported, INSTALL_MARKER, TFJS_VERSION } from '../../src/extension/gpu-backend/spec';
import { verifyGpuBackend } from '../../src/extension/gpu-backend/verify';
import { PROFILER_TEST_CHILD, TEST_CUDA_ENV } from '../support/profiler-test-child';
import { buildGradientsBundle, COMPILED_PROFILER_DIR } from '../reference/tfjs-env';
import { alive, readCalls, writeFakeNpm } from './gpu-backend-fakes';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-backend-install-test-'));
const npm = writeFakeNpm(path.join(tmp, 'bin'));
const CHILD = path.join(COMPILED_PROFILER_DIR, 'child.js');
let counter = 0;

/** A fresh "global storage" folder and the environment of the fake npm. */
function setup(npmMode = 'ok', scriptMode = 'ok'): { storage: string; log: string; pids: string; env: NodeJS.ProcessEnv } {
  const n = ++counter;
  const storage = path.join(tmp, `storage-${n}`);
  const log = path.join(tmp, `calls-${n}.jsonl`);
  const pids = path.join(tmp, `pids-${n}.json`);
  return { storage, log, pids, env: { ...process.env, FAKE_NPM_MODE: npmMode, FAKE_SCRIPT_MODE: scriptMode, FAKE_NPM_LOG: log, FAKE_NPM_PIDS: pids } };
}

/** Everything in the storage folder: after a failure nothing but what was there before. */
function listing(storage: string): string[] {
  return fs.existsSync(storage) ? fs.readdirSync(storage).sort() : [];
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

before(() => {
  buildGradientsBundle();
});

after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the pinned package', () => {
  test('is @tensorflow/tfjs-node-gpu at the tfjs-core version the profiler is built from (package.json, package-lock.json, node_modules)', () => {
    assert.equal(GPU_BACKEND_SPEC, `@tensorflow/tfjs-node-gpu@${TFJS_VERSION}`);
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; optionalDependencies: Record<string, string> };
    for (const dep of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm']) assert.equal(manifest.dependencies[dep], `^${TFJS_VERSION}`, dep);
    assert.equal(manifest.optionalDependencies[GPU_BACKEND_PACKAGE], `^${TFJS_VERSION}`);
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    assert.equal(lock.packages['node_modules/@tensorflow/tfjs-core']?.version, TFJS_VERSION);
    const installed = JSON.parse(fs.readFileSync(require.resolve('@tensorflow/tfjs-core/package.json'), 'utf8')) as { version: string };
    assert.equal(installed.version, TFJS_VERSION);
  });

  test('npm is asked for that exact version, without lifecycle scripts, dev dependencies or saving', () => {
    const args = npmInstallArgs(GPU_BACKEND_SPEC);
    assert.equal(args[0], 'install');
    for (const flag of ['--ignore-scripts', '--no-save', '--omit=dev']) assert.ok(args.includes(flag), flag);
    assert.equal(args[args.length - 1], '@tensorflow/tfjs-node-gpu@4.22.0');
  });

  test('GPU builds exist for Linux x64 and Windows x64 only', () => {
    assert.equal(gpuPlatformSupported('linux', 'x64'), true);
    assert.equal(gpuPlatformSupported('win32', 'x64'), true);
    assert.equal(gpuPlatformSupported('darwin', 'arm64'), false);
    assert.equal(gpuPlatformSupported('darwin', 'x64'), false);
    assert.equal(gpuPlatformSupported('linux', 'arm64'), false);
  });
});

describe('finding npm', () => {
  test('the setting wins; a setting that is not an executable file is a clear failure', () => {
    assert.deepEqual(findNpm(npm, { PATH: '' }), { npm });
    const missing = findNpm(path.join(tmp, 'no-such-npm'), { PATH: path.dirname(npm) });
    assert.ok('ok' in missing && missing.kind === 'npm-not-found');
    assert.match(missing.message, /^npm was not found: optimizerAdvisor\.npmPath is ".*no-such-npm", which is not an executable file$/);
    // A bare name is looked up on PATH.
    assert.deepEqual(findNpm('npm', { PATH: path.dirname(npm) }, 'linux'), { npm });
    const bare = findNpm('pnpm', { PATH: path.dirname(npm) }, 'linux');
    assert.ok('ok' in bare);
    assert.equal(bare.message, 'npm was not found: optimizerAdvisor.npmPath is "pnpm", which is not an executable file on PATH');
  });

  test('else the first executable npm on PATH; a non-executable file named npm is skipped', () => {
    const plain = path.join(tmp, 'not-executable');
    fs.mkdirSync(plain, { recursive: true });
    fs.writeFileSync(path.join(plain, 'npm'), 'not a program');
    fs.chmodSync(path.join(plain, 'npm'), 0o644);
    assert.deepEqual(findNpm('', { PATH: [plain, path.dirname(npm)].join(path.delimiter) }, 'linux'), { npm });
    const none = findNpm(undefined, { PATH: [plain, tmp].join(path.delimiter) }, 'linux');
    assert.ok('ok' in none);
    assert.match(none.message, /^npm was not found: it is not on PATH \(2 folders searched\); install Node\.js, which includes npm, or set optimizerAdvisor\.npmPath$/);
  });
});

describe('installGpuBackend with a fake npm', () => {
  test('success: npm without scripts, then the install script explicitly, then the marker; the install is found', async () => {
    const s = setup();
    const steps: InstallStep[] = [];
    const lines: string[] = [];
    const result = await installGpuBackend({ storageDir: s.storage, npm, env: s.env, onStep: (st) => steps.push(st), onLine: (src, line) => lines.push(`${src}: ${line}`) });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.dir, gpuBackendDir(s.storage));
    assert.equal(result.version, TFJS_VERSION);
    assert.deepEqual(steps, ['npm', 'install-script', 'finish']);
    const calls = readCalls(s.log);
    assert.deepEqual(calls.map((c) => c.tool), ['npm', 'install-script']);
    assert.deepEqual(calls[0]!.argv, npmInstallArgs(GPU_BACKEND_SPEC));
    // The install script ran in the package folder with the arguments its package.json gives.
    assert.deepEqual(calls[1]!.argv, ['gpu', 'download']);
    assert.ok(lines.includes('npm: added 1 package in 0s'), lines.join('\n'));
    assert.ok(lines.includes('install script: * Downloading libtensorflow'), lines.join('\n'));
    const installed = readInstalled(s.storage);
    assert.ok(installed);
    assert.equal(installed.packageDir, packageDirIn(result.dir));
    assert.equal(installed.marker.version, TFJS_VERSION);
    assert.equal(installed.marker.npm, npm);
    assert.deepEqual(listing(s.storage), ['gpu-backend'], 'no lock, no partial folder left');
    assert.deepEqual(profilerModuleDirs(s.storage), { dirs: [result.dir], note: null });
  });

  test('npm missing: a path that does not exist cannot be started', async () => {
    const s = setup();
    const result = await installGpuBackend({ storageDir: s.storage, npm: path.join(tmp, 'bin', 'npm-gone'), env: s.env });
    assert.ok(!result.ok);
    assert.equal(result.kind, 'npm-not-found');
    assert.match(result.message, /npm-gone could not be started: .*ENOENT/);
    assert.deepEqual(listing(s.storage), []);
  });

  test('npm failing: its exit code and last error lines are the message; nothing is installed', async () => {
    const s = setup('fail');
    const result = await installGpuBackend({ storageDir: s.storage, npm, env: s.env });
    assert.ok(!result.ok);
    assert.equal(result.kind, 'npm-failed');
    assert.equal(
      result.message,
      'npm install failed: npm exited with code 1: npm error code E404 | npm error 404 Not Found - GET https://registry.npmjs.org/@tensorflow%2ftfjs-node-gpu - Not found | npm error A complete log of this run can be found in: /tmp/fake-npm.log',
    );
    assert.equal(readInstalled(s.storage), null);
    assert.deepEqual(listing(s.storage), []);
  });

  test('the install script cannot download libtensorflow: "downloading libtensorflow failed" with the URL and the error; an earlier install stays', async () => {
    const s = setup();
    const first = await installGpuBackend({ storageDir: s.storage, npm, env: s.env });
    assert.ok(first.ok);
    const result = await installGpuBackend({ storageDir: s.storage, npm, env: { ...s.env, FAKE_SCRIPT_MODE: 'download-fail' } });
    assert.ok(!result.ok);
    assert.equal(result.kind, 'download-failed');
    assert.equal(
      result.message,
      'downloading libtensorflow failed: https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz: Error: getaddrinfo ENOTFOUND storage.googleapis.com (the install script exited with code 1)',
    );
    assert.ok(readInstalled(s.storage), 'the earlier complete install is untouched');
    assert.deepEqual(listing(s.storage), ['gpu-backend']);
  });

  test('an install script that exits 0 without producing the binding is a failure', async () => {
    const s = setup('ok', 'no-binding');
    const result = await installGpuBackend({ storageDir: s.storage, npm, env: s.env });
    assert.ok(!result.ok);
    assert.equal(result.kind, 'binding-failed');
    assert.match(result.message, /finished but left no lib\/napi-v\*\/tfjs_binding\.node/);
    assert.deepEqual(listing(s.storage), []);
  });

  test('cancellation kills npm and what it started within a second, and leaves no install', async () => {
    const s = setup('hang');
    const controller = new AbortController();
    let abortedAt = 0;
    const result = await installGpuBackend({
      storageDir: s.storage, npm, env: s.env, signal: controller.signal,
      onLine: () => {
        if (abortedAt === 0) {
          abortedAt = Date.now();
          controller.abort();
        }
      },
    });
    assert.ok(abortedAt > 0, 'npm printed a line');
    assert.ok(!result.ok);
    assert.equal(result.kind, 'cancelled');
    const pids = JSON.parse(fs.readFileSync(s.pids, 'utf8')) as number[];
    assert.equal(pids.length, 2);
    const gone = await waitFor(() => pids.every((p) => !alive(p)), 1000 - (Date.now() - abortedAt));
    assert.ok(gone, `npm (${pids[0]}) and its child (${pids[1]}) are gone within a second of the cancel`);
    assert.ok(Date.now() - abortedAt < 1000, `the install returned ${Date.now() - abortedAt} ms after the cancel`);
    assert.equal(readInstalled(s.storage), null);
    assert.deepEqual(listing(s.storage), []);
  });

  test('the wall-clock limit stops a hanging npm the same way', async () => {
    const s = setup('hang');
    const t0 = Date.now();
    const result = await installGpuBackend({ storageDir: s.storage, npm, env: s.env, timeoutMs: 800 });
    assert.ok(!result.ok);
    assert.equal(result.kind, 'timeout');
    assert.equal(result.message, 'stopped at the time limit: npm install did not finish in time; nothing was installed');
    assert.ok(Date.now() - t0 < 3000);
    const pids = JSON.parse(fs.readFileSync(s.pids, 'utf8')) as number[];
    assert.ok(await waitFor(() => pids.every((p) => !alive(p)), 1000));
    assert.deepEqual(listing(s.storage), []);
  });

  test('one install at a time: a fresh lock means busy, a stale one is taken over', async () => {
    const s = setup();
    fs.mkdirSync(path.join(s.storage, 'gpu-backend.lock'), { recursive: true });
    const busy = await installGpuBackend({ storageDir: s.storage, npm, env: s.env });
    assert.ok(!busy.ok);
    assert.equal(busy.kind, 'busy');
    assert.deepEqual(readCalls(s.log), [], 'npm did not run');
    const old = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(path.join(s.storage, 'gpu-backend.lock'), old, old);
    // A partial folder of an interrupted install: removed under the lock.
    fs.mkdirSync(path.join(s.storage, 'gpu-backend.partial-1-1'));
    const result = await installGpuBackend({ storageDir: s.storage, npm, env: s.env });
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(listing(s.storage), ['gpu-backend']);
  });

  test('a folder without the marker is not an install; removing deletes the install', async () => {
    const s = setup();
    const result = await installGpuBackend({ storageDir: s.storage, npm, env: s.env });
    assert.ok(result.ok);
    fs.renameSync(path.join(result.dir, INSTALL_MARKER), path.join(tmp, `marker-${counter}`));
    assert.equal(readInstalled(s.storage), null);
    assert.deepEqual(profilerModuleDirs(s.storage).dirs, []);
    fs.renameSync(path.join(tmp, `marker-${counter}`), path.join(result.dir, INSTALL_MARKER));
    assert.ok(readInstalled(s.storage));
    assert.deepEqual(removeGpuBackend(s.storage), { removed: true, dir: result.dir });
    assert.equal(fs.existsSync(result.dir), false);
    assert.deepEqual(removeGpuBackend(s.storage), { removed: false, dir: result.dir });
  });

  test('a marker that does not match its declaration is not an install; a valid one is read back as declared', async () => {
    const s = setup();
    const result = await installGpuBackend({ storageDir: s.storage, npm, env: s.env });
    assert.ok(result.ok);
    const file = path.join(result.dir, INSTALL_MARKER);
    const good = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    for (const bad of ['not json', '[]', JSON.stringify({ ...good, version: 3 }), JSON.stringify({ ...good, verification: { outcome: 'exploded', detail: 'd', at: 'now' } })]) {
      fs.writeFileSync(file, bad);
      assert.equal(readInstalled(s.storage), null, bad);
      assert.deepEqual(profilerModuleDirs(s.storage).dirs, [], bad);
    }
    fs.writeFileSync(file, JSON.stringify({ ...good, stray: true, verification: { outcome: 'crashed', detail: 'SIGSEGV', at: 'now' } }));
    const installed = readInstalled(s.storage);
    assert.ok(installed);
    assert.equal('stray' in installed.marker, false, 'only declared fields are kept');
    assert.equal(installed.marker.verification?.outcome, 'crashed');
    assert.match(profilerModuleDirs(s.storage).note ?? '', /crashed the profiler when it was checked \(SIGSEGV\)/);
  });
});

describe('messages', () => {
  test('every failure frame of the installer is shown localised: the same text is a key of both l10n bundles', () => {
    for (const bundle of ['bundle.l10n.json', 'bundle.l10n.zh-cn.json']) {
      const keys = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', bundle), 'utf8')) as Record<string, string>;
      for (const frame of Object.values(FAILURE_FRAMES)) assert.ok(frame in keys, `${bundle}: "${frame}"`);
    }
  });
});

describe('the install script and its output', () => {
  test('only "node <script>.js <plain args>" inside the package is run', () => {
    const dir = path.join(tmp, 'scripts-pkg');
    fs.mkdirSync(dir, { recursive: true });
    const withScript = (install: string) => {
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', scripts: { install } }));
      return parseInstallScript(dir);
    };
    assert.deepEqual(withScript('node scripts/install.js gpu download'), { script: path.join(dir, 'scripts', 'install.js'), args: ['gpu', 'download'] });
    assert.match((withScript('node-gyp rebuild && rm -rf ~') as { error: string }).error, /is not of the form "node <script>\.js <arguments>"; it was not run/);
    assert.match((withScript('node ../../evil.js') as { error: string }).error, /points outside the package/);
    assert.match((withScript('node scripts/../../evil.js') as { error: string }).error, /points outside the package/);
    // A folder of the package whose name starts with two dots is inside it.
    assert.deepEqual(withScript('node ..x/install.js gpu'), { script: path.join(dir, '..x', 'install.js'), args: ['gpu'] });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x' }));
    assert.deepEqual(parseInstallScript(dir), { error: 'the package declares no install script' });
  });

  test('the real script\'s output when the binding step fails names that step', () => {
    const f = classifyScriptFailure(
      ['GPU-linux-4.22.0.tar.gz', '* Downloading libtensorflow', 'https://storage.googleapis.com/x.tar.gz', '* Building TensorFlow Node.js bindings', 'node-pre-gyp install failed with error: Error: Command failed: node-pre-gyp install --fallback-to-build'],
      'exited with code 1',
    );
    assert.equal(f.kind, 'binding-failed');
    assert.equal(f.message, 'the native binding (tfjs_binding.node) could not be downloaded or built: node-pre-gyp install failed with error: Error: Command failed: node-pre-gyp install --fallback-to-build (the install script exited with code 1)');
    // stdout (the URL) and stderr (the progress lines) may arrive in either order.
    const reordered = classifyScriptFailure(['https://storage.googleapis.com/y.tar.gz', '* Downloading libtensorflow', 'Error: connect ECONNREFUSED 127.0.0.1:9'], 'exited with code 1');
    assert.equal(reordered.message, 'downloading libtensorflow failed: https://storage.googleapis.com/y.tar.gz: Error: connect ECONNREFUSED 127.0.0.1:9 (the install script exited with code 1)');
    const other = classifyScriptFailure(['SyntaxError: Unexpected token'], 'exited with code 1');
    assert.equal(other.kind, 'script-failed');
  });
});

describe('the installed folder in the real profiler child', () => {
  test('installed but broken (the package throws like a wrong CUDA): a reason naming the install, and a fallback to wasm', async () => {
    const s = setup();
    const result = await installGpuBackend({ storageDir: s.storage, npm, env: s.env });
    assert.ok(result.ok);
    const index = path.join(result.packageDir, 'index.js');
    const env = { ...process.env, [TEST_CUDA_ENV]: 'visible' };
    const v = await verifyGpuBackend({ dir: result.dir, childScript: PROFILER_TEST_CHILD, env });
    assert.equal(v.outcome, 'fallback');
    assert.equal(v.backend, 'wasm');
    assert.equal(v.gpuReason, `installed at ${index} but failed to load: libcudart.so.11.0: cannot open shared object file: No such file or directory`);
    assert.equal(v.detail, `the GPU backend is not used: ${v.gpuReason}; profiling will use wasm`);
    // The production child (no test hook), on a machine without a GPU the package is named and not loaded.
    const plain = await verifyGpuBackend({ dir: result.dir, childScript: CHILD });
    assert.equal(plain.backend, 'wasm');
    assert.match(plain.gpuReason ?? '', new RegExp(`^installed at ${index.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} but (not used: no NVIDIA GPU is visible|failed to load: libcudart)`));
  });

  test('a profiler that crashes while loading the package: the check says so and the install is not given to the profiler', async () => {
    const s = setup();
    const result = await installGpuBackend({ storageDir: s.storage, npm, env: s.env });
    assert.ok(result.ok);
    const crash = path.join(tmp, 'crash-child.js');
    fs.writeFileSync(crash, "process.stderr.write('Illegal instruction in libtensorflow\\n'); process.kill(process.pid, 'SIGSEGV');\n");
    const v = await verifyGpuBackend({ dir: result.dir, childScript: crash });
    assert.equal(v.outcome, 'crashed');
    assert.match(v.detail, /killed by SIGSEGV.*Illegal instruction in libtensorflow/);
    const installed = readInstalled(s.storage)!;
    writeMarker(installed.dir, { ...installed.marker, verification: { outcome: v.outcome, detail: v.detail, at: v.at } });
    const dirs = profilerModuleDirs(s.storage);
    assert.deepEqual(dirs.dirs, []);
    assert.match(dirs.note ?? '', /is not used: loading it crashed the profiler/);
  });
});
