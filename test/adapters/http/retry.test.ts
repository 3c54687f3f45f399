import { describe, expect, it } from 'vitest';
import { createCallBudget } from '../../../src/adapters/http/budget.js';
import { BudgetExhaustedError, HttpError, redactUrl } from '../../../src/adapters/http/errors.js';
import { backoffMs, parseRetryAfter, shouldRetry, type Outcome } from '../../../src/adapters/http/retry.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('shouldRetry', () => {
  it.each<[string, Outcome, boolean]>([
    ['GET', { status: 429 }, true],
    ['GET', { status: 500 }, true],
    ['GET', { status: 502 }, true],
    ['GET', { status: 503 }, true],
    ['GET', { error: 'timeout' }, true],
    ['GET', { error: 'network' }, true],
    ...[400, 401, 403, 404, 410, 422, 451].map((s): [string, Outcome, boolean] => ['GET', { status: s }, false]),
    ['GET', { status: 200 }, false],
    ['DELETE', { status: 500 }, true],
    ['POST', { status: 429 }, true],
    ['POST', { status: 503 }, true],
    ['POST', { status: 500 }, false],
    ['PATCH', { error: 'timeout' }, false],
    ['POST', { error: 'refused' }, true],
  ])('%s %j -> %s', (method, outcome, expected) => {
    expect(shouldRetry(method, outcome)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  it.each<[string | null, number | undefined]>([
    ['2', 2000],
    ['0', 0],
    ['1.5', 1500],
    [new Date(NOW + 30_000).toUTCString(), 30_000],
    [new Date(NOW - 30_000).toUTCString(), 0],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
  ])('%j -> %j ms', (header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });
});

describe('backoffMs', () => {
  const policy = { baseMs: 500, maxMs: 4000 };
  it.each([
    [0, 1, 500],
    [1, 1, 1000],
    [2, 1, 2000],
    [3, 1, 4000],
    [6, 1, 4000],
    [2, 0, 1000],
  ])('attempt %i with random %d waits %i ms', (attempt, random, expected) => {
    expect(backoffMs(attempt, policy, random)).toBe(expected);
  });
});

describe('call budget', () => {
  it('refuses the call past the limit and frees calls as the window rolls', () => {
    const b = createCallBudget(3, 60_000);
    b.take(NOW);
    b.take(NOW + 10_000);
    b.take(NOW + 20_000);
    expect(b.status(NOW + 20_000)).toMatchObject({ used: 3, remaining: 0, resetAt: NOW + 60_000 });
    expect(() => b.take(NOW + 59_999)).toThrow(BudgetExhaustedError);
    b.take(NOW + 60_000);
    expect(b.status(NOW + 60_000)).toMatchObject({ used: 3, remaining: 0 });
    expect(b.status(NOW + 200_000)).toEqual({ limit: 3, used: 0, remaining: 3, windowMs: 60_000 });
  });
});

describe('HttpError', () => {
  it('keeps status, method and URL, never a credential', () => {
    const e = new HttpError(
      401,
      'GET',
      'https://bot:s3cret@forge.example/api/v1/repos/a/b?token=s3cret&page=2',
      'status',
      1,
      '{"message":"bad token"}',
    );
    expect(e).toMatchObject({ status: 401, method: 'GET', exitCode: 77 });
    expect(e.message).not.toContain('s3cret');
    expect(e.url).toContain('page=2');
    expect(redactUrl('http://x/?access_token=abc')).toBe('http://x/?access_token=%5BREDACTED%5D');
  });
});
