import fsp from 'node:fs/promises';

/**
 * The file operations the log pillar's own state goes through (the offsets file, the shipping queue).
 * node:fs/promises in production; tests pass one whose writes fail (ENOSPC) to prove a full disk gives a
 * clear error and loses nothing else, where no small tmpfs can be mounted.
 */
export type LogFs = Pick<typeof fsp, 'open' | 'rename' | 'mkdir' | 'unlink' | 'readFile' | 'readdir' | 'stat' | 'rm'>;

export const nodeFs: LogFs = fsp;
