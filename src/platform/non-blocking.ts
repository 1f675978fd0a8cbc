/**
 * The flags the readers of a user's or a workspace's files open them with: read-only and, where the platform has it,
 * O_NONBLOCK (not on Windows, where FIFOs are not files in a folder), so that a FIFO or a device where a file was
 * expected never blocks the open or the read. Used by the dataset readers, the CLI's walk and its reader of a named file.
 */
import { constants } from 'node:fs';

export const READ_NON_BLOCKING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
