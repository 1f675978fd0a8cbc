/**
 * Test entry of the profiler child (the production entry is src/profiler/child.ts): the same child, with
 * hooks the tests turn on through the environment:
 * - PROFILER_TEST_CUDA=visible: the GPU backend loader treats a CUDA device as visible, so a machine
 *   without a GPU exercises the loading of the GPU package;
 * - PROFILER_TEST_CRASH_AFTER_RUNS=N: the child kills itself with SIGKILL after N measured runs, the way
 *   the kernel's out-of-memory killer or a native crash ends a process.
 * Tests pass this file as `childScript` (PROFILER_TEST_CHILD below).
 */
import * as path from 'node:path';
import { runProfilerChild } from '../../src/profiler/child-process';

export const PROFILER_TEST_CHILD = path.join(__dirname, 'profiler-test-child.js');
export const TEST_CUDA_ENV = 'PROFILER_TEST_CUDA';
export const TEST_CRASH_ENV = 'PROFILER_TEST_CRASH_AFTER_RUNS';

if (require.main === module) {
  const crashAfter = Number(process.env[TEST_CRASH_ENV] ?? NaN);
  runProfilerChild({
    ...(process.env[TEST_CUDA_ENV] === 'visible' ? { cudaVisible: () => ({ visible: true, why: `a CUDA device is assumed visible (${TEST_CUDA_ENV}, test entry)` }) } : {}),
    ...(Number.isInteger(crashAfter) && crashAfter > 0
      ? { afterRun: (done: number) => { if (done >= crashAfter) process.kill(process.pid, 'SIGKILL'); } }
      : {}),
  });
}
