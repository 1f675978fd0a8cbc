/** Workspace-relative paths with `/` separators ('.' is the root). Pure string work, no I/O. */

/** Folder of a relative path: `a/b/c.json` -> `a/b`, `c.json` -> `.`. */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '.' : path.slice(0, slash);
}

/** Last segment: `a/b/c.json` -> `c.json`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Lower-case extension with the dot (`.json`), or '' when there is none. */
export function extensionOf(path: string): string {
  const base = baseName(path);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}

/**
 * Joins and normalises relative paths: resolves `.` and `..`, turns `\` into `/`, drops empty
 * segments. Returns null when the result would leave the root (`../x` from the root).
 */
export function joinRelative(folder: string, relative: string): string | null {
  const out: string[] = [];
  for (const part of `${folder}/${relative}`.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else {
      out.push(part);
    }
  }
  return out.length === 0 ? '.' : out.join('/');
}

/** `folder/name`, or `name` when the folder is the root. */
export function childPath(folder: string, name: string): string {
  return folder === '.' ? name : `${folder}/${name}`;
}

/**
 * The path of `target` below `folder`, both absolute `/`-separated paths (an editor URI's path, whatever the
 * system): `/w/a/b.json` below `/w` is `a/b.json`. Null when it is not below it: the folder itself, a
 * sibling whose name extends the folder's (`/w-old/x`), anywhere else.
 */
export function pathBelow(folder: string, target: string): string | null {
  const base = folder.endsWith('/') ? folder : `${folder}/`;
  return target.startsWith(base) ? target.slice(base.length) : null;
}

/** True for absolute POSIX or Windows paths and `~` paths, which cannot point into the workspace. */
export function isAbsoluteLike(path: string): boolean {
  return path.startsWith('/') || path.startsWith('~') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

/** Orders paths by their `/`-separated segments (so `a/b` sorts before `a-b/c`). */
export function comparePaths(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  const n = Math.min(as.length, bs.length);
  for (let i = 0; i < n; i++) {
    if (as[i] !== bs[i]) return as[i] < bs[i] ? -1 : 1;
  }
  return as.length - bs.length;
}
