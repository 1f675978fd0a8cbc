/**
 * Test support for the GPU backend installer: a fake `npm` (a Node script written into a temporary
 * folder) that "installs" a fake @tensorflow/tfjs-node-gpu whose index.js throws like a wrong-CUDA
 * load and whose scripts/install.js behaves like the real one's success or download failure.
 * Behaviour is chosen with environment variables:
 *   FAKE_NPM_MODE     ok | fail | hang                 (default ok)
 *   FAKE_SCRIPT_MODE  ok | download-fail | no-binding  (default ok)
 *   FAKE_NPM_LOG      file that receives one JSON line per npm / install-script call (argv, cwd)
 *   FAKE_NPM_PIDS     file that receives the pids of a hanging npm and of the process it started
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const INSTALL_SCRIPT = String.raw`
const fs = require('fs');
const path = require('path');
if (process.env.FAKE_NPM_LOG) fs.appendFileSync(process.env.FAKE_NPM_LOG, JSON.stringify({ tool: 'install-script', argv: process.argv.slice(2), cwd: process.cwd() }) + '\n');
const mode = process.env.FAKE_SCRIPT_MODE || 'ok';
const url = 'https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz';
console.error('* Downloading libtensorflow');
console.log(url);
if (mode === 'download-fail') {
  // What the real script prints when the host cannot be resolved (an unhandled 'error' event).
  console.error('node:events:502');
  console.error('      throw er; // Unhandled \'error\' event');
  console.error('Error: getaddrinfo ENOTFOUND storage.googleapis.com');
  process.exit(1);
}
console.error('* Building TensorFlow Node.js bindings');
if (mode === 'ok') {
  const dir = path.join(__dirname, '..', 'lib', 'napi-v8');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'tfjs_binding.node'), '');
}
`;

const FAKE_NPM = String.raw`
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const args = process.argv.slice(2);
if (process.env.FAKE_NPM_LOG) fs.appendFileSync(process.env.FAKE_NPM_LOG, JSON.stringify({ tool: 'npm', argv: args, cwd: process.cwd() }) + '\n');
const mode = process.env.FAKE_NPM_MODE || 'ok';
if (mode === 'fail') {
  console.error('npm error code E404');
  console.error('npm error 404 Not Found - GET https://registry.npmjs.org/@tensorflow%2ftfjs-node-gpu - Not found');
  console.error('npm error A complete log of this run can be found in: /tmp/fake-npm.log');
  process.exit(1);
}
if (mode === 'hang') {
  process.on('SIGTERM', () => {}); // like a process that does not stop politely: SIGKILL is needed
  const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  if (process.env.FAKE_NPM_PIDS) fs.writeFileSync(process.env.FAKE_NPM_PIDS, JSON.stringify([process.pid, grandchild.pid]));
  console.log('npm http fetch GET 200 https://registry.npmjs.org/@tensorflow%2ftfjs-node-gpu');
  setInterval(() => {}, 1000);
  return;
}
const spec = args[args.length - 1];
const at = spec.lastIndexOf('@');
const name = spec.slice(0, at);
const version = spec.slice(at + 1);
const dir = path.join(process.cwd(), 'node_modules', ...name.split('/'));
fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version, main: 'index.js', scripts: { install: 'node scripts/install.js gpu download' } }));
fs.writeFileSync(path.join(dir, 'index.js'), "throw new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory');\n");
fs.writeFileSync(path.join(dir, 'scripts', 'install.js'), ${JSON.stringify(INSTALL_SCRIPT)});
console.log('added 1 package in 0s');
`;

/** Writes the fake npm into `dir` and returns its path (an executable with this Node in its #! line). */
export function writeFakeNpm(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'npm');
  fs.writeFileSync(file, `#!${process.execPath}\n${FAKE_NPM}`);
  fs.chmodSync(file, 0o755);
  return file;
}

export interface FakeCall {
  readonly tool: 'npm' | 'install-script';
  readonly argv: string[];
  readonly cwd: string;
}

export function readCalls(log: string): FakeCall[] {
  if (!fs.existsSync(log)) return [];
  return fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as FakeCall);
}

/** True while a process with this pid exists and is not a zombie (exited, not yet reaped). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Linux: "<pid> (<name>) <state> ..."; Z = zombie.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * A fake @tensorflow/tfjs-node-gpu that LOADS, the way the real one does on a machine with a usable GPU: it
 * registers TensorFlow.js's 'tensorflow' backend (here the pure-JS cpu backend's kernels under that name)
 * whose `isUsingGpuDevice` says whether TensorFlow found the GPU (`usingGpu`). The computations are the
 * cpu backend's: this exercises the profiler's choice of backend and its labels, not a GPU. Returns the
 * folder to pass as an extra module directory and the package's entry file.
 */
export function workingGpuPackage(root: string, usingGpu: boolean): { dir: string; index: string } {
  const dir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node-gpu');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node-gpu', version: '4.22.0', main: 'index.js' }));
  // The same module instances as the profiler's (absolute paths: the fake lives outside any node_modules tree).
  const core = require.resolve('@tensorflow/tfjs-core');
  const cpu = require.resolve('@tensorflow/tfjs-backend-cpu');
  const index = path.join(dir, 'index.js');
  fs.writeFileSync(index, String.raw`
const tf = require(${JSON.stringify(core)});
const cpu = require(${JSON.stringify(cpu)});
class FakeTensorflowBackend extends cpu.MathBackendCPU {
  get isUsingGpuDevice() { return ${usingGpu ? 'true' : 'false'}; }
}
if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
tf.registerBackend('tensorflow', () => new FakeTensorflowBackend(), 3);
for (const k of tf.getKernelsForBackend('cpu')) {
  if (!tf.getKernel(k.kernelName, 'tensorflow')) tf.registerKernel({ ...k, backendName: 'tensorflow' });
}
module.exports = tf;
`);
  return { dir: root, index };
}
