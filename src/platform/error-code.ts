/**
 * The one reader of a Node error's `code` (ENOENT, EACCES, ELOOP, ...) for the messages that name why a file or
 * folder could not be read or written: the dataset readers, the CLI's walk, its result files and its reader of a
 * user's file, the Hugging Face cache reader and the GPU installer. An error without a string code (not a file-system
 * error) gives the first line of its message instead.
 */

/** A file-system error's code (ENOENT, ELOOP, ...), else the first line of its message. */
export function errorCode(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    return (e as { code: string }).code;
  }
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}
