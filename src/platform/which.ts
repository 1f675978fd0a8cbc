/**
 * Finds a program by name the safe way: only absolute PATH entries are searched, never the current
 * folder (a `.` or empty PATH entry, a relative one, or an entry that is the current folder itself),
 * so a workspace's own `nvidia-smi` (or `nvidia-smi.exe`, which Windows would otherwise run from the
 * current folder first) is never started. Returns the absolute path of the program, or null.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WhichOptions {
  readonly pathVariable?: string;
  readonly cwd?: string;
  readonly platform?: NodeJS.Platform;
}

export function findExecutable(name: string, options: WhichOptions = {}): string | null {
  const platform = options.platform ?? process.platform;
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const cwd = paths.resolve(options.cwd ?? process.cwd());
  const pathVariable = options.pathVariable ?? process.env['PATH'] ?? process.env['Path'] ?? '';
  // Windows: only real executables (.exe, .com), never a .bat/.cmd that would run through a shell.
  const names = platform === 'win32' ? [`${name}.exe`, `${name}.com`] : [name];
  for (const entry of pathVariable.split(paths.delimiter)) {
    if (entry === '' || !paths.isAbsolute(entry)) continue;
    const dir = paths.resolve(entry);
    if (dir === cwd) continue;
    for (const n of names) {
      const candidate = paths.join(dir, n);
      try {
        if (!fs.statSync(candidate).isFile()) continue;
        if (platform !== 'win32') fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch {
        // not there or not executable: the next entry
      }
    }
  }
  return null;
}
