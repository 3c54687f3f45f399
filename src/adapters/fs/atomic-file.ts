import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Temporary files start with a dot and end in .tmp: never mistaken for a halt file, cleaned up later. */
export const isTempName = (name: string) => name.startsWith('.') && name.endsWith('.tmp');

/**
 * Write to a temporary file beside `path`, flush it, rename it over `path`: a reader (or a
 * restart after kill -9) sees the old content or the new, never a part. The fsync makes the
 * same hold across a power cut, since rename alone may reach the disk before the data. The one
 * atomic writer of the project: records, halt files, caches, builds' stubs all go through it.
 */
export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (error) {
    unlinkSync(tmp);
    throw error;
  }
}
