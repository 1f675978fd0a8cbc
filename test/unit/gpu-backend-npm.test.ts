/**
 * "Install GPU Backend" against the real npm registry (it must be reachable: here and in CI it is):
 * the installer's npm step installs the pinned @tensorflow/tfjs-node-gpu without its install script,
 * so its native binding is absent, and the real profiler child reports it as installed but broken and
 * falls back; the package's real install script, pointed at a local port nobody listens on (the
 * package's documented TFJS_NODE_CDN_STORAGE mirror setting), fails with "downloading libtensorflow
 * failed". Bounded by time limits; a registry that cannot be reached is said to be the cause.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findBinding, findNpm, parseInstallScript, runNpmInstall, runPackageInstallScript } from '../../src/extension/gpu-backend/install';
import { packageDirIn } from '../../src/extension/gpu-backend/location';
import { GPU_BACKEND_SPEC, TFJS_VERSION } from '../../src/extension/gpu-backend/spec';
import { verifyGpuBackend } from '../../src/extension/gpu-backend/verify';
import { PROFILER_TEST_CHILD, TEST_CUDA_ENV } from '../support/profiler-test-child';
import { buildGradientsBundle } from '../reference/tfjs-env';

const NPM_TIMEOUT_MS = 240_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-backend-npm-test-'));
let installed = false;

function version(pkgDir: string): string {
  return (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

before(() => {
  buildGradientsBundle();
});

after(() => {
  // The package and its dependencies take about 300 MB.
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the real package from the npm registry', { timeout: NPM_TIMEOUT_MS + 120_000 }, () => {
  test(`npm installs ${GPU_BACKEND_SPEC} with --ignore-scripts; it brings the tfjs-core the profiler is built from, and no native binding`, { timeout: NPM_TIMEOUT_MS + 10_000 }, async () => {
    const found = findNpm(undefined);
    if ('ok' in found) assert.fail(`this test runs the real npm: ${found.message}`);
    const lines: string[] = [];
    const result = await runNpmInstall(dir, found.npm, GPU_BACKEND_SPEC, { deadline: Date.now() + NPM_TIMEOUT_MS, onLine: (_s, line) => lines.push(line) });
    if (!result.ok) {
      assert.fail(`npm could not install ${GPU_BACKEND_SPEC} from the registry (this test needs https://registry.npmjs.org to be reachable): ${result.message}\n${lines.slice(-15).join('\n')}`);
    }
    installed = true;
    const pkg = packageDirIn(dir);
    assert.equal(version(pkg), TFJS_VERSION);
    assert.equal(version(path.join(dir, 'node_modules', '@tensorflow', 'tfjs-core')), TFJS_VERSION, 'the package brings the same tfjs-core release the profiler bundles');
    assert.equal(findBinding(pkg), null, 'no install script ran, so no tfjs_binding.node');
    assert.deepEqual(parseInstallScript(pkg), { script: path.join(pkg, 'scripts', 'install.js'), args: ['gpu', 'download'] });
  });

  test('the real profiler child: installed but broken (no native binding), falls back to wasm', { timeout: 120_000 }, async () => {
    assert.ok(installed, 'the npm step failed (see the test above), so there is no package to check');
    const env = { ...process.env, [TEST_CUDA_ENV]: 'visible' };
    const v = await verifyGpuBackend({ dir, childScript: PROFILER_TEST_CHILD, env });
    assert.equal(v.outcome, 'fallback');
    assert.equal(v.backend, 'wasm');
    const index = path.join(packageDirIn(dir), 'dist', 'index.js');
    const binding = path.join(packageDirIn(dir), 'lib', 'napi-v8', 'tfjs_binding.node');
    assert.equal(v.gpuReason, `installed at ${index} but failed to load: The Node.js native addon module (tfjs_binding.node) can not be found at path: ${binding}.`);
  });

  test('the real install script, its download refused: "downloading libtensorflow failed" with the URL and the error', { timeout: 120_000 }, async () => {
    assert.ok(installed, 'the npm step failed (see the test above), so there is no package to check');
    const port = await closedPort();
    const host = `http://127.0.0.1:${port}/`;
    const result = await runPackageInstallScript(dir, { deadline: Date.now() + 60_000, env: { ...process.env, TFJS_NODE_CDN_STORAGE: host } });
    assert.ok(!result.ok, 'the download cannot succeed');
    assert.equal(result.kind, 'download-failed', result.message);
    const url = process.platform === 'linux' && process.arch === 'x64' ? `${host}tensorflow/libtensorflow/libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz` : host;
    assert.ok(result.message.startsWith(`downloading libtensorflow failed: ${url}`), result.message);
    assert.match(result.message, new RegExp(`Error: connect ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(the install script exited with code 1\\)$`));
    assert.equal(findBinding(packageDirIn(dir)), null);
  });
});
