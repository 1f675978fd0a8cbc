/** A workspace written to a temporary folder for a test, removed afterwards (tests that read files from disk). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Writes `files` (workspace-relative path → content) under a fresh temporary folder, runs `body` on it, then removes it. */
export function withWorkspace(files: Readonly<Record<string, string | Uint8Array>>, body: (root: string) => void, prefix = 'workspace-'): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), content);
    }
    body(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
