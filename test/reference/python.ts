/**
 * Test support: runs the Python reference (test/reference/run_reference.py) with Debian's python3-torch.
 * A missing interpreter or torch is a test failure with a clear message (CI installs python3-torch).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PYTHON = process.env['OPTIMIZER_ADVISOR_PYTHON'] ?? '/usr/bin/python3';

/** A file of the source tree (the compiled tests may live outside it, e.g. under /tmp). */
export function sourceFile(rel: string): string {
  const candidates = [path.resolve(__dirname, '..', '..', '..', rel), path.resolve(process.cwd(), rel)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`cannot find ${rel} (looked in ${candidates.join(', ')}); run the tests from the repository root`);
  return found;
}

export interface ReferenceParam {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

export interface ReferenceCase {
  readonly key: string;
  readonly optimizer: string;
  readonly hyper?: Record<string, number | boolean | string | null | readonly number[]>;
  readonly problem: 'separable' | 'mlp' | 'trace';
  readonly steps: number;
  readonly params: readonly ReferenceParam[];
  /** noise[step-1][param index]: added to the given gradient of that step (minibatch-like). */
  readonly separable?: { a: number[][]; c: number[][]; t: number[][]; noise?: number[][][] };
  readonly mlp?: { x: number[]; xShape: number[]; labels: number[]; sampledLabels?: number[] };
  readonly trace?: { problem: string };
  /** probes[step-1][param index] */
  readonly probes?: number[][][];
}

export interface ReferenceResult {
  /** trajectory[step-1][param index] = flattened values after that step. */
  readonly trajectory: number[][][];
  /** 8-bit: codes[param index] = [state1 codes, state2 codes]. */
  readonly codes?: Record<string, [number[], number[]]>;
}

export function runReference(cases: readonly ReferenceCase[], timeoutMs = 120_000): { torch: string; cases: Record<string, ReferenceResult> } {
  const script = sourceFile('test/reference/run_reference.py');
  const r = spawnSync(PYTHON, [script], { input: JSON.stringify({ cases }), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 512 * 1024 * 1024 });
  if (r.error) {
    throw new Error(`the Python reference could not run (${PYTHON}: ${r.error.message}); install python3 and python3-torch (apt-get install python3-torch)`);
  }
  if (r.status !== 0) {
    const missingTorch = /No module named 'torch'/.test(r.stderr);
    throw new Error(
      missingTorch
        ? `python3-torch is not installed for ${PYTHON}: apt-get install python3-torch`
        : `the Python reference failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`,
    );
  }
  return JSON.parse(r.stdout) as { torch: string; cases: Record<string, ReferenceResult> };
}
