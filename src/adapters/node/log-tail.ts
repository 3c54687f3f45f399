import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { rotatedLog } from '../../domain/node/log-rotation.js';

export interface LogTail {
  text: string;
  /** Lines left out before the first one shown (more than asked for, or past the byte bound). */
  truncated: boolean;
  /** The log does not exist (yet): the slot never ran here. */
  missing: boolean;
}

/**
 * The last `lines` lines of a run log, reading at most `maxBytes` from its end: a log of any size
 * costs one bounded read. A line cut by the bound is dropped rather than shown half.
 */
export function tailLog(path: string, lines: number, maxBytes: number): LogTail {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', truncated: false, missing: true };
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    let text = buffer.subarray(0, read).toString('utf8');
    let truncated = false;
    if (start > 0) {
      const firstBreak = text.indexOf('\n');
      text = firstBreak === -1 ? '' : text.slice(firstBreak + 1);
      truncated = true;
    }
    const all = text.split('\n');
    if (all[all.length - 1] === '') all.pop();
    if (all.length > lines) truncated = true;
    const kept = all.slice(-lines);
    return { text: kept.length > 0 ? `${kept.join('\n')}\n` : '', truncated, missing: false };
  } finally {
    closeSync(fd);
  }
}

/**
 * The last `lines` lines of a run log and, when the live file holds fewer (it was just rotated),
 * the end of its newest rotated file before them: one tail whatever the rotation did, within the same bounds.
 */
export function tailRotatedLog(path: string, lines: number, maxBytes: number): LogTail {
  const current = tailLog(path, lines, maxBytes);
  const have = current.text === '' ? 0 : current.text.split('\n').length - 1;
  const room = maxBytes - Buffer.byteLength(current.text);
  if (current.truncated || have >= lines || room <= 0) return current;
  const before = tailLog(rotatedLog(path, 1), lines - have, room);
  if (before.missing) return current;
  return { text: before.text + current.text, truncated: before.truncated, missing: false };
}
