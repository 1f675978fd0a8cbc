/**
 * The folder (under workspace storage) holding a job's saved profiles. The job id (its config
 * path) URL-encoded, so it is one folder name on every file system; names over MAX_FOLDER_NAME
 * bytes (a deep path, or non-ASCII names, which encode to 3 bytes x 3 per character) keep a readable
 * prefix and end in a hash of the whole id, because file systems refuse names over 255 bytes.
 */
import { createHash } from 'node:crypto';

/** Longest folder name used, in bytes (file systems allow 255; this leaves room for suffixes). */
export const MAX_FOLDER_NAME = 200;
const PREFIX = 160;

export function jobFolderName(jobId: string): string {
  const encoded = encodeURIComponent(jobId); // ASCII only: characters are bytes
  if (encoded.length <= MAX_FOLDER_NAME) return encoded;
  let cut = PREFIX;
  // never end inside a %XX escape
  const percent = encoded.lastIndexOf('%', cut - 1);
  if (percent >= 0 && percent > cut - 3) cut = percent;
  const hash = createHash('sha256').update(jobId, 'utf8').digest('hex').slice(0, 32);
  return `${encoded.slice(0, cut)}~${hash}`;
}
