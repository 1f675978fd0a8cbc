/**
 * Whether a path lies in a folder, by the path's segments: the one check that keeps a read, a listing or a
 * script inside its folder (the dataset readers, the CLI's walk, the GPU backend's install script).
 * `path.relative`'s text is not tested with `startsWith('..')`, which takes a first segment such as `..x`
 * (a name that starts with two dots) for a way out.
 */
import * as path from 'node:path';

/**
 * `target` is `root` or inside it (both absolute; resolve links first where they matter). On Windows a
 * target on another drive is outside (path.relative then gives an absolute path).
 */
export function insideFolder(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
