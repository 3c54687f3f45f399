import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tryLock } from '../../../src/adapters/upgrade/lock.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function lockPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'factoryctl-lock-'));
  dirs.push(dir);
  return join(dir, 'upgrade.lock');
}

/** A pid that surely belongs to no process: one that has just exited. */
const deadPid = () => Number(execFileSync('sh', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' }).trim());
const opts = { staleAfterMs: 60_000 };

describe('tryLock', () => {
  it('is exclusive until released', () => {
    const path = lockPath();
    const first = tryLock(path, opts);
    expect(first.acquired).toBe(true);
    const second = tryLock(path, opts);
    expect(second).toEqual({ acquired: false, holder: expect.stringMatching(new RegExp(`^pid ${process.pid} on `)) });
    if (first.acquired) first.release();
    expect(existsSync(path)).toBe(false);
    expect(tryLock(path, opts).acquired).toBe(true);
  });

  it.each([
    ['its process is gone', () => JSON.stringify({ pid: deadPid(), host: hostname(), nonce: 'n', at: Date.now() })],
    [
      'it is older than the bound',
      () => JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'n', at: Date.now() - 61_000 }),
    ],
    ['it was torn by a crash', () => '{"pid":12'],
  ])('takes over a lock when %s', (_, content) => {
    const path = lockPath();
    writeFileSync(path, content());
    const taken = tryLock(path, opts);
    expect(taken.acquired).toBe(true);
    // Nothing left beside it: the stale one moved aside was deleted.
    expect(readdirSync(join(path, '..'))).toEqual(['upgrade.lock']);
  });

  it('respects a live holder on another host until the bound', () => {
    const path = lockPath();
    writeFileSync(path, JSON.stringify({ pid: deadPid(), host: 'elsewhere', nonce: 'n', at: Date.now() }));
    expect(tryLock(path, opts).acquired).toBe(false);
  });

  it("a release after a takeover leaves the new holder's lock alone", () => {
    const path = lockPath();
    const now = { t: 0 };
    const first = tryLock(path, { staleAfterMs: 1000, now: () => now.t });
    now.t = 5000;
    const second = tryLock(path, { staleAfterMs: 1000, now: () => now.t });
    expect(second.acquired).toBe(true);
    if (first.acquired) first.release();
    expect(existsSync(path)).toBe(true);
    expect(tryLock(path, { staleAfterMs: 1000, now: () => now.t }).acquired).toBe(false);
  });
});
