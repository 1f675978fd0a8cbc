/**
 * The scan worker: a `worker_threads` entry (bundled as dist/scan-worker.js, started lazily by
 * ./scan-pool.ts) that runs the pure per-file work (./scan-messages.ts `runTask`: core/scan `scanFile`, core/fixes
 * `optimizerFix`) on file text the extension host sends, so parsing a large file never blocks the editor's
 * extension host (README: Reliability). It reads no file and imports nothing but src/core and the message
 * definitions: what it may do is what the scanner may do with text, in a trusted or untrusted workspace alike.
 */
import { parentPort } from 'node:worker_threads';
import { isWorkerRequest, runTask, type WorkerResponse } from './scan-messages';

const port = parentPort;
if (port !== null) {
  port.on('message', (message: unknown) => {
    if (!isWorkerRequest(message)) return;
    let response: WorkerResponse;
    try {
      response = { id: message.id, ok: true, value: runTask(message.task) };
    } catch (e) {
      // Neither reader throws for a bad file: anything here is a bug, reported for this task only.
      response = { id: message.id, ok: false, message: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(response);
  });
  const ready: WorkerResponse = { ready: true };
  port.postMessage(ready);
}
