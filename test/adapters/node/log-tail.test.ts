import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tailLog } from '../../../src/adapters/node/log-tail.js';

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function log(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'factoryctl-tail-'));
  temps.push(dir);
  writeFileSync(join(dir, 'dev.log'), text);
  return join(dir, 'dev.log');
}

describe('tailLog', () => {
  it('gives the last lines, saying when some were left out', () => {
    const path = log('a\nb\nc\nd\n');
    expect(tailLog(path, 2, 1024)).toEqual({ text: 'c\nd\n', truncated: true, missing: false });
    expect(tailLog(path, 10, 1024)).toEqual({ text: 'a\nb\nc\nd\n', truncated: false, missing: false });
  });

  it('keeps a last line still being written', () => {
    expect(tailLog(log('a\nb\npartial'), 2, 1024).text).toBe('b\npartial\n');
  });

  it('reads no more than the byte bound from the end, and drops the line the bound cuts', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${String(i).padStart(4, '0')}`);
    const tail = tailLog(log(`${lines.join('\n')}\n`), 5000, 100);
    expect(tail.truncated).toBe(true);
    expect(Buffer.byteLength(tail.text)).toBeLessThanOrEqual(100);
    expect(tail.text.split('\n').filter(Boolean)).toEqual(lines.slice(-tail.text.split('\n').filter(Boolean).length));
    expect(tail.text.startsWith('line ')).toBe(true);
  });

  it('says a log that does not exist is missing', () => {
    expect(tailLog('/nonexistent/dev.log', 5, 100)).toEqual({ text: '', truncated: false, missing: true });
  });
});
