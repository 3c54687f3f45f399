import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '../../../src/domain/supervisor/webhook-signature.js';

const SECRET = 's3cret';
const BODY = '{"action":"closed","number":12}';
// Computed independently of node:crypto, with openssl, so the test does not check the code against itself.
const HEX = execFileSync('openssl', ['dgst', '-sha256', '-hmac', SECRET, '-r'], { input: BODY })
  .toString()
  .split(' ')[0]!;

describe('verifySignature', () => {
  it.each<[string, Record<string, string | string[] | undefined>]>([
    ['X-Forgejo-Signature', { 'X-Forgejo-Signature': HEX }],
    ['X-Gitea-Signature', { 'X-Gitea-Signature': HEX }],
    ['X-Factory-Signature', { 'X-Factory-Signature': `sha256=${HEX}` }],
    ['upper-case hex and lower-case header name', { 'x-factory-signature': `sha256=${HEX.toUpperCase()}` }],
    ['X-Hub-Signature-256', { 'X-Hub-Signature-256': `sha256=${HEX}` }],
    ['array header value', { 'x-gitea-signature': [HEX] }],
  ])('accepts a good signature in %s', (_name, headers) => {
    expect(verifySignature(SECRET, BODY, headers).ok).toBe(true);
    expect(verifySignature(SECRET, Buffer.from(BODY), headers).ok).toBe(true);
  });

  it.each<[string, string, string, Record<string, string | undefined>, RegExp]>([
    ['no signature', SECRET, BODY, { 'content-type': 'application/json' }, /^unsigned: none of x-factory-signature/],
    [
      'empty header value counts as present but malformed',
      SECRET,
      BODY,
      { 'X-Forgejo-Signature': '' },
      /not a hex HMAC-SHA256/,
    ],
    ['wrong secret', 'other', BODY, { 'X-Forgejo-Signature': HEX }, /does not match the body/],
    ['altered body', SECRET, `${BODY} `, { 'X-Gitea-Signature': HEX }, /does not match the body/],
    [
      'bad signature of the right shape',
      SECRET,
      BODY,
      { 'X-Factory-Signature': `sha256=${'0'.repeat(64)}` },
      /does not match/,
    ],
    ['missing sha256= prefix', SECRET, BODY, { 'X-Factory-Signature': HEX }, /must read sha256=<hex>/],
    ['truncated', SECRET, BODY, { 'X-Forgejo-Signature': HEX.slice(0, 40) }, /64 hex digits/],
    ['no secret configured', '', BODY, { 'X-Forgejo-Signature': HEX }, /no webhook secret configured/],
  ])('refuses %s', (_name, secret, body, headers, reason) => {
    const r = verifySignature(secret, body, headers);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(reason);
  });

  it('signs the way it verifies', () => {
    expect(signBody(SECRET, BODY)).toBe(`sha256=${HEX}`);
  });
});
