/**
 * Main-loop responsiveness while a hostile workspace is scanned (README: Reliability), in one run, three
 * ways over the same files (test/support/hostile-workspace.ts: files at the 4 MiB ceiling, a YAML with
 * many aliases, nesting past the limits, 200 small configs):
 * - inline: one synchronous `scanFiles` on the main loop (what the extension did before the scan worker);
 * - main-loop fallback: the extension's scan pool without a worker (one file per turn of the event loop);
 * - worker: the extension's scan pool as the extension runs it (files over 64 KiB in the scan worker).
 * For each: the total time, the longest event-loop delay (`perf_hooks.monitorEventLoopDelay`) and the
 * latency of a callback queued when the scan starts (a command arriving at that moment). Plain Node: the
 * same modules the extension host runs; the extension-host figures come from the VS Code suite
 * (test/vscode/suite/responsive.test.ts), printed by bench/run.ts when code-server is set up.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { joinScan, scanFiles } from '../src/core/scan';
import type { ScanFile } from '../src/core/scan/types';
import { ScanPool } from '../src/extension/scan-pool';
import { hostileWorkspace } from '../test/support/hostile-workspace';

interface Figures {
  readonly totalMs: number;
  readonly maxDelayMs: number;
  readonly commandMs: number;
  readonly jobs: number;
}

async function measure(run: (files: readonly ScanFile[]) => Promise<number>, files: readonly ScanFile[]): Promise<Figures> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  await new Promise((r) => setTimeout(r, 20));
  const start = performance.now();
  let commandMs = -1;
  setTimeout(() => (commandMs = performance.now() - start), 0);
  const jobs = await run(files);
  const totalMs = performance.now() - start;
  await new Promise((r) => setTimeout(r, 20));
  loop.disable();
  return { totalMs, maxDelayMs: loop.max / 1e6, commandMs, jobs };
}

/** The index's per-file step: at most 8 files handed to the pool at once, then the join. */
async function viaPool(pool: ScanPool, files: readonly ScanFile[]): Promise<number> {
  const scans = new Array<Awaited<ReturnType<ScanPool['scan']>>>(files.length);
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < files.length) {
      const i = next++;
      scans[i] = await pool.scan(files[i]!.path, files[i]!);
    }
  }));
  // the index passes the texts it keeps, for Hydra composition
  const held = new Map(files.map((f) => [f.path, f.text]));
  const report = joinScan(
    scans.map((o, i) => (o?.kind === 'scanned' ? o.scan : { path: files[i]!.path, finding: null, detected: null, warnings: [] })),
    { textOf: (p) => held.get(p) },
  );
  return report.jobs.length;
}

function line(name: string, f: Figures): void {
  console.log('  %s total %s ms, longest event-loop delay %s ms, a command queued at the start answered after %s ms (%d jobs)',
    name.padEnd(20), f.totalMs.toFixed(0), f.maxDelayMs.toFixed(0), f.commandMs.toFixed(0), f.jobs);
}

export async function benchResponsiveness(): Promise<void> {
  const files = Object.entries(hostileWorkspace(200)).map(([path, text]) => ({ path, text }));
  const bytes = files.reduce((n, f) => n + f.text.length, 0);
  console.log('main-loop responsiveness while scanning a hostile workspace (%d files, %s MiB; plain Node, the extension\'s modules):', files.length, (bytes / 2 ** 20).toFixed(1));
  const inline = await measure(async (fs) => scanFiles(fs).jobs.length, files);
  line('inline (before):', inline);
  const mainPool = new ScanPool({ useWorker: false });
  const fallback = await measure((fs) => viaPool(mainPool, fs), files);
  mainPool.dispose();
  line('main-loop fallback:', fallback);
  const workerPool = new ScanPool();
  // The worker starts on the first large file, as in the extension (its start-up is part of the figures).
  const worker = await measure((fs) => viaPool(workerPool, fs), files);
  workerPool.dispose();
  line('worker (after):', worker);
  console.log('  longest event-loop delay, inline / worker: %sx; command latency, inline / worker: %sx',
    (inline.maxDelayMs / worker.maxDelayMs).toFixed(1), (inline.commandMs / Math.max(worker.commandMs, 0.1)).toFixed(0));
}

if (require.main === module) {
  benchResponsiveness().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
