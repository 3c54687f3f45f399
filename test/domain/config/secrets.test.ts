import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { detect, findSecrets, isSecretKey, looksRandom } from '../../../src/domain/config/secrets.js';

describe('detect: values that are legitimately in config pass', () => {
  it.each([
    ['a label colour', 'e11d21', 'color'],
    ['a colour with #', '#d73a4a', 'color'],
    ['a duration', '1h30m', 'max'],
    ['a URL', 'https://codeberg.org/acme-corp/widgets-backend/issues?labels=kind%2Fbug', 'url'],
    ['a cron command', '*/10 * * * * cd ~/factory && ./dev-poll.sh >> ~/logs/dev-poll.log 2>&1', 'command'],
    ['an env var name', 'CODEBERG_TOKEN', 'tokenEnv'],
    ['a path', '/home/factory/.config/factoryctl/agents/review-poll-Ubuntu2204.env', 'file'],
    ['a status check', 'ci/woodpecker/pr/test-Node20OnDebian12', undefined],
    ['a camelCase identifier', 'maxBranchKiBPerNodeAndRepo', undefined],
    ['a git commit sha under a sha key', '3f2a9c1d5e7b8a0f4c6d2e1b9a8f7c6d5e4b3a21', 'commit'],
    ['a docker digest', 'sha256:9b2f' + 'a1c3'.repeat(15), 'image'],
    ['a kebab-case name beginning with sk-', 'sk-review-for-small-repositories', 'name'],
    ['an ISO time', '2026-01-01T00:00:00Z', 'since'],
    ['a sentence', 'Halted while the disk is migrated to the new volume by Alice', 'reason'],
  ])('%s', (_what, value, key) => {
    expect(detect(value, key)).toBeUndefined();
  });
});

describe('detect: each kind of secret', () => {
  it.each([
    ['GitHub classic', 'ghp_' + 'Zz09'.repeat(9), 'GitHub'],
    ['GitHub OAuth', 'gho_' + 'Zz09'.repeat(9), 'GitHub'],
    ['GitHub fine-grained', 'github_pat_' + 'x1Y2_'.repeat(8), 'GitHub'],
    ['GitLab', 'glpat-' + 'Ab1-'.repeat(6), 'GitLab'],
    ['Slack bot', 'xoxb-123456789012-abcdefABCDEF', 'Slack'],
    ['OpenAI-style', 'sk-' + 'Ab3x9'.repeat(8), 'sk-'],
    ['Anthropic-style', 'sk-ant-api03-' + 'Qw3r7yU1'.repeat(6), 'sk-'],
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPL3', 'AWS'],
    ['PEM', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----', 'private key'],
    ['PEM (PKCS#8)', '-----BEGIN PRIVATE KEY-----', 'private key'],
    ['JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N', 'JSON Web Token'],
    ['Forgejo token (40 hex)', 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', 'hex'],
    ['upper-case hex', 'A94A8FE5CCB19BA61C4C0873D391E987', 'hex'],
    ['random base64', 'q8Zr2Lm9Xv4Tn7Bw1Ks6Hd3Jf5Gp0Yc', 'random'],
    ['AWS secret access key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'random'],
  ])('%s', (_what, value, word) => {
    expect(detect(value)?.what).toContain(word);
  });

  it('finds most random tokens of 24 to 64 characters (measured, not promised: >= 85%)', () => {
    // Fresh tokens every run: what must hold is the rate, and ~93% measured leaves 85% six standard deviations away.
    let hits = 0;
    const n = 400;
    for (let i = 0; i < n; i++) {
      const token = randomBytes(48)
        .toString('base64')
        .replace(/[+/=]/g, '')
        .slice(0, 24 + (i % 41));
      if (looksRandom(token) || detect(token)) hits++;
    }
    expect(hits / n).toBeGreaterThanOrEqual(0.85);
  });
});

describe('isSecretKey', () => {
  it.each([
    ['password', true],
    ['token', true],
    ['apiKey', true],
    ['API_KEY', true],
    ['api-key', true],
    ['secret', true],
    ['clientSecret', true],
    ['privateKey', true],
    ['key', true],
    ['passphrase', true],
    ['tokenEnv', false],
    ['webhookSecretEnv', false],
    ['sortKey', false],
    ['keepSamples', false],
    ['maxTokens', false],
    ['monkey', false],
  ])('%s -> %s', (key, expected) => {
    expect(isSecretKey(key)).toBe(expected);
  });
});

describe('findSecrets: secret-named keys', () => {
  it.each([
    ['password: hunter2', 1],
    ['password: 123456', 1],
    ['apiKey: "abc"', 1],
    ['token: ""', 0],
    ['token: null', 0],
    ['password: $DB_PASSWORD', 0],
    ['password: ${DB_PASSWORD}', 0],
    ['token: FORGE_TOKEN', 0],
    ['privateKey: ~/.ssh/factory_ed25519', 0],
    ['secret: /etc/factory/webhook.secret', 0],
    ['secret: false', 0],
    ['token: { from_secret: forge_token }', 0],
    ['token: ${{ secrets.FORGE_TOKEN }}', 0],
  ])('%s -> %d problem(s)', (text, count) => {
    expect(findSecrets('x.yaml', text)).toHaveLength(count);
  });

  it('locates a secret inside a multi-line plain scalar and in a flow sequence', () => {
    const text = [
      'steps:',
      '  - run: >',
      '      curl -H "Authorization: token',
      `      ${'c0ffee'.repeat(6)}" https://x`,
      '  - [a, b, ' + 'ghp_' + 'Zz09'.repeat(9) + ']',
    ].join('\n');
    expect(findSecrets('ci.yaml', text).map((p) => `${p.line}:${p.col}: ${p.field}`)).toEqual([
      '4:7: steps.0.run',
      '5:12: steps.1.2',
    ]);
  });
});
