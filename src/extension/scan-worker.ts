/**
 * The scan worker: a `worker_threads` entry (bundled as dist/scan-worker.js, started lazily by
 * ./scan-pool.ts) that runs the pure per-file scan (core/scan/scan.ts `scanFile`) on file text the
 * extension host sends, so parsing a large file never blocks the editor's extension host (README:
 * Reliability). It reads no file and imports nothing but src/core: what it may do is what the scan
 * may do with text, in a trusted or untrusted workspace alike.
 */
import { parentPort } from 'node:worker_threads';
import { scanFile } from '../core/scan/scan';
import { isScanRequest, type ScanResponse } from './scan-messages';

const port = parentPort;
if (port !== null) {
  port.on('message', (message: unknown) => {
    if (!isScanRequest(message)) return;
    let response: ScanResponse;
    try {
      response = { id: message.id, ok: true, scan: scanFile(message.file, message.maxYamlChars === undefined ? {} : { maxYamlChars: message.maxYamlChars }) };
    } catch (e) {
      // scanFile never throws for a bad file: anything here is a bug, reported for this file only.
      response = { id: message.id, ok: false, message: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(response);
  });
  const ready: ScanResponse = { ready: true };
  port.postMessage(ready);
}
