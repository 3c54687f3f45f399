// Run log rotation on real files, with the log held open in append mode as a running agent (and
// cron's `>>`) holds it.
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rotateAgentLogs } from '../../../src/adapters/node/log-rotate.js';
import { tailRotatedLog } from '../../../src/adapters/node/log-tail.js';

const bounds = { maxBytes: 1024, keep: 3 };
const chunk = (round: number) => `${`round ${round} `.padEnd(99, '.')}\n`.repeat(15); // 1500 bytes

describe('rotateAgentLogs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'factoryctl-rotate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the count and size bounds, newest first, while an agent keeps appending to the live file', () => {
    const log = join(dir, 'dev.log');
    const fd = openSync(log, 'a');
    try {
      for (let round = 1; round <= 6; round++) {
        writeSync(fd, chunk(round));
        expect(rotateAgentLogs(dir, bounds)).toEqual({ rotated: [log] });
        expect(statSync(log).size).toBe(0);
      }
      expect(readdirSync(dir).sort()).toEqual(['dev.log', 'dev.log.1', 'dev.log.2', 'dev.log.3']);
      expect([1, 2, 3].map((i) => readFileSync(`${log}.${i}`, 'utf8'))).toEqual([chunk(6), chunk(5), chunk(4)]);
      // The writer's descriptor still points at the live file: its next line lands at its start, no hole before it.
      writeSync(fd, 'after the rotation\n');
      expect(readFileSync(log, 'utf8')).toBe('after the rotation\n');
    } finally {
      closeSync(fd);
    }
    const total = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    expect(total).toBeLessThanOrEqual((bounds.keep + 1) * 1500);
  });

  it('leaves logs under the bound, other files and a missing folder alone', () => {
    writeFileSync(join(dir, 'review.log'), 'x'.repeat(1024));
    writeFileSync(join(dir, 'notes.txt'), 'y'.repeat(5000));
    expect(rotateAgentLogs(dir, bounds)).toEqual({ rotated: [] });
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'review.log']);
    expect(rotateAgentLogs(join(dir, 'none'), bounds)).toEqual({ rotated: [] });
  });

  it('reports a folder it cannot read instead of throwing', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(rotateAgentLogs(file, bounds).problem).toMatch(/^log rotation: ENOTDIR/);
  });
});

describe('tailRotatedLog (the rpc logs verb)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'factoryctl-tail-'));
    mkdirSync(dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const lines = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join('');

  it('reads the live log, and the end of .1 before it when the live one is short', () => {
    const log = join(dir, 'dev.log');
    writeFileSync(`${log}.1`, lines(1, 10));
    writeFileSync(log, lines(11, 12));
    expect(tailRotatedLog(log, 5, 1 << 20)).toEqual({ text: lines(8, 12), truncated: true, missing: false });
    expect(tailRotatedLog(log, 2, 1 << 20)).toEqual({ text: lines(11, 12), truncated: false, missing: false });
    rmSync(log);
    expect(tailRotatedLog(log, 3, 1 << 20)).toEqual({ text: lines(8, 10), truncated: true, missing: false });
    rmSync(`${log}.1`);
    expect(existsSync(log)).toBe(false);
    expect(tailRotatedLog(log, 3, 1 << 20)).toEqual({ text: '', truncated: false, missing: true });
  });
});
